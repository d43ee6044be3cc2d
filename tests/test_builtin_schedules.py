"""The 13 1.x functions: signatures, returned objects, values, timing, and the README case study."""

from __future__ import annotations

import inspect
import math
import warnings
from typing import Any

import pytest
import torch
from torch.optim.lr_scheduler import LambdaLR, LRScheduler

import torch_schedule_anything as sa

WARMUP = ["warmup_to_value", "anneal_to_value", "num_warmup_steps", "num_training_steps"]
#: The signatures of shared/spec/builtin_curves.md: (name, default) after ``optimizer``.
SIGNATURES: dict[str, list[tuple[str, Any]]] = {
    "cosine_annealing_with_warmup": [(n, None) for n in WARMUP] + [("schedule_target", "lr")],
    "cosine_annealing_with_inverse_warmup": [(n, None) for n in WARMUP]
    + [("warmup_multiplier", 20.0), ("schedule_target", "lr")],
    "polynomial_schedule_with_warmup": [(n, None) for n in WARMUP]
    + [("polynomial_exponent", 2.0), ("schedule_target", "lr")],
    "polynomial_schedule_with_inverse_warmup": [(n, None) for n in WARMUP]
    + [("polynomial_exponent", 2.0), ("warmup_multiplier", 20.0), ("schedule_target", "lr")],
    **{
        f"{kind}_schedule_with_warmup": [(n, None) for n in WARMUP] + [("schedule_target", "lr")]
        for kind in ("linear", "quadratic", "sqrt")
    },
    **{
        f"{kind}_schedule_with_inverse_warmup": [(n, None) for n in WARMUP]
        + [("warmup_multiplier", 20.0), ("schedule_target", "lr")]
        for kind in ("linear", "quadratic", "sqrt")
    },
    "constant_with_warmup": [
        ("warmup_to_value", None),
        ("num_warmup_steps", None),
        ("schedule_target", "lr"),
    ],
    "constant_with_inverse_warmup": [
        ("warmup_to_value", None),
        ("num_warmup_steps", None),
        ("warmup_multiplier", 20.0),
        ("schedule_target", "lr"),
    ],
    "constant_schedule": [("value", None), ("schedule_target", "lr")],
}
#: Positional calls (after the optimizer) and the λ(t) the spec gives for them, t = 0..8.
W, A, L, M = 2.0, 0.5, 3, 7


def _cos(t: int) -> float:
    return A + (W - A) * math.cos(math.pi / 2 * min(1.0, (t - L) / (M - L)))


def _poly(P: float) -> Any:
    return lambda t: A + (W - A) * (1 - min(1.0, (t - L) / (M - L))) ** P


def _warm(t: int) -> float:
    return W * t / L


def _inverse(R: float) -> Any:
    return lambda t: W * (R - (R - 1) * t / L)


POSITIONAL: dict[str, tuple[tuple[Any, ...], Any]] = {
    "cosine_annealing_with_warmup": ((W, A, L, M, "weight_decay"), (_warm, _cos)),
    "cosine_annealing_with_inverse_warmup": ((W, A, L, M, 4.0, "weight_decay"), (4.0, _cos)),
    "polynomial_schedule_with_warmup": ((W, A, L, M, 3.0, "weight_decay"), (_warm, _poly(3.0))),
    "polynomial_schedule_with_inverse_warmup": (
        (W, A, L, M, 3.0, 4.0, "weight_decay"),
        (4.0, _poly(3.0)),
    ),
    "linear_schedule_with_warmup": ((W, A, L, M, "weight_decay"), (_warm, _poly(1.0))),
    "linear_schedule_with_inverse_warmup": ((W, A, L, M, 4.0, "weight_decay"), (4.0, _poly(1))),
    "quadratic_schedule_with_warmup": ((W, A, L, M, "weight_decay"), (_warm, _poly(2.0))),
    "quadratic_schedule_with_inverse_warmup": (
        (W, A, L, M, 4.0, "weight_decay"),
        (4.0, _poly(2.0)),
    ),
    "sqrt_schedule_with_warmup": ((W, A, L, M, "weight_decay"), (_warm, _poly(0.5))),
    "sqrt_schedule_with_inverse_warmup": ((W, A, L, M, 4.0, "weight_decay"), (4.0, _poly(0.5))),
    "constant_with_warmup": ((W, L, "weight_decay"), (_warm, lambda t: W)),
    "constant_with_inverse_warmup": ((W, L, 4.0, "weight_decay"), (4.0, lambda t: W)),
    "constant_schedule": ((A, "weight_decay"), (None, lambda t: A)),
}


def expected_lambda(name: str, t: int) -> float:
    warm, after = POSITIONAL[name][1]
    if warm is None or t >= L:
        return float(after(t))
    if isinstance(warm, float):
        return _inverse(warm)(t)
    return float(warm(t))


def test_the_13_functions_are_public() -> None:
    assert set(SIGNATURES) == set(POSITIONAL)
    assert len(SIGNATURES) == 13
    for name in SIGNATURES:
        assert name in sa.__all__


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_signature_is_exactly_the_1x_one(name: str) -> None:
    # The 1.x parameters, in their 1.x positions; 2.x adds only the keyword-only ``groups``.
    every = list(inspect.signature(getattr(sa, name)).parameters.values())
    params = [p for p in every if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    assert params[0].name == "optimizer"
    got = [
        (p.name, None if p.default is inspect.Parameter.empty else p.default) for p in params[1:]
    ]
    assert got == SIGNATURES[name]
    assert all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params)
    keyword_only = [(p.name, p.default) for p in every if p not in params]
    assert keyword_only == [("groups", None)]


@pytest.mark.parametrize("name", sorted(POSITIONAL))
def test_positional_call_writes_base_times_lambda_per_group(
    name: str, two_group_sgd: torch.optim.SGD
) -> None:
    opt = two_group_sgd
    bases = [g["weight_decay"] for g in opt.param_groups]
    lrs = [g["lr"] for g in opt.param_groups]
    assert bases[0] != bases[1]
    schedule = getattr(sa, name)(opt, *POSITIONAL[name][0])
    assert isinstance(schedule, LRScheduler)
    assert schedule.optimizer is opt
    for t in range(M + 3):
        if t:
            opt.step()
            schedule.step()
        lam = expected_lambda(name, t)
        got = [g["weight_decay"] for g in opt.param_groups]
        for base, value in zip(bases, got):
            assert math.isclose(value, base * lam, rel_tol=1e-12, abs_tol=1e-18), (t, got)
        assert schedule.get_last_lr() == got
        assert schedule.last_epoch == t
    assert [g["lr"] for g in opt.param_groups] == lrs  # other keys untouched


@pytest.mark.parametrize("name", sorted(POSITIONAL))
def test_default_target_is_lr(name: str, two_group_sgd: torch.optim.SGD) -> None:
    args = tuple(a for a in POSITIONAL[name][0] if a != "weight_decay")
    wds = [g["weight_decay"] for g in two_group_sgd.param_groups]
    schedule = getattr(sa, name)(two_group_sgd, *args)
    lam = expected_lambda(name, 0)
    assert [g["lr"] for g in two_group_sgd.param_groups] == pytest.approx(
        [0.1 * lam, 0.01 * lam], rel=1e-12
    )
    assert [g["weight_decay"] for g in two_group_sgd.param_groups] == wds
    assert schedule.base_lrs == [0.1, 0.01]
    assert [g["initial_lr"] for g in two_group_sgd.param_groups] == [0.1, 0.01]


def test_timing_is_pytorchs(two_group_sgd: torch.optim.SGD) -> None:
    """λ(0) at construction; step() after optimizer.step() → t+1; step(epoch) sets t."""
    opt = two_group_sgd
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "step() before optimizer.step()" warning either
        s = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 2, 10)
        assert (s.last_epoch, s._step_count) == (0, 1)
        assert [g["lr"] for g in opt.param_groups] == [0.0, 0.0]  # λ(0) = 0 written at once
        opt.step()
        s.step()
        assert s.last_epoch == 1
        assert opt.param_groups[0]["lr"] == pytest.approx(0.05, rel=1e-15)
        s.step(6)
        assert s.last_epoch == 6
        assert opt.param_groups[0]["lr"] == pytest.approx(0.05, rel=1e-15)  # 0.1 × (1 − 4/8)
        s.step()
        assert s.last_epoch == 7
        assert opt.param_groups[1]["lr"] == pytest.approx(0.01 * 3 / 8, rel=1e-15)
        s.step(0)
        assert opt.param_groups[0]["lr"] == 0.0
    with pytest.raises(ValueError, match="step"):
        s.step(-1)
    with pytest.raises(ValueError, match="step"):
        s.step(2.5)


def test_value_at_does_not_touch_the_optimizer(two_group_sgd: torch.optim.SGD) -> None:
    s = sa.linear_schedule_with_warmup(two_group_sgd, 1.0, 0.0, 0, 10)
    assert s.value_at(5) == pytest.approx([0.05, 0.005], rel=1e-15)
    assert [g["lr"] for g in two_group_sgd.param_groups] == [0.1, 0.01]
    assert s.last_epoch == 0


def test_schedule_target_missing_raises_key_error_naming_it(
    two_group_sgd: torch.optim.SGD,
) -> None:
    with pytest.raises(KeyError) as info:
        sa.cosine_annealing_with_warmup(two_group_sgd, 1.0, 0.0, 1, 5, "gradient_clip")
    message = str(info.value)
    assert "gradient_clip" in message and "extend_optimizer" in message


def test_bad_curve_arguments_raise_before_touching_the_optimizer(
    two_group_sgd: torch.optim.SGD,
) -> None:
    before = [dict(g) for g in two_group_sgd.param_groups]
    with pytest.raises(ValueError, match="num_warmup_steps"):
        sa.linear_schedule_with_warmup(two_group_sgd, 1.0, 0.0, 11, 10)
    with pytest.raises(TypeError, match="warmup_to_value"):
        sa.constant_with_warmup(two_group_sgd, "1.0", 10)
    with pytest.raises(TypeError, match="optimizer"):
        sa.constant_schedule(object(), 1.0)  # type: ignore[arg-type]
    assert [dict(g) for g in two_group_sgd.param_groups] == before


def test_tensor_lr_is_filled_in_place(model: torch.nn.Module) -> None:
    first, _, second = model.children()
    lr0, lr1 = torch.tensor(0.01), torch.tensor(0.002)
    opt = torch.optim.Adam(
        [{"params": first.parameters(), "lr": lr0}, {"params": second.parameters(), "lr": lr1}]
    )
    s = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 0, 4)
    for t in range(6):
        if t:
            opt.step()
            s.step()
        assert opt.param_groups[0]["lr"] is lr0 and opt.param_groups[1]["lr"] is lr1
        lam = max(0.0, 1 - t / 4)
        assert lr0.item() == pytest.approx(0.01 * lam, rel=1e-6, abs=1e-12)
        assert lr1.item() == pytest.approx(0.002 * lam, rel=1e-6, abs=1e-12)
        assert s.get_last_lr() == pytest.approx([0.01 * lam, 0.002 * lam], rel=1e-6, abs=1e-12)
    initial = opt.param_groups[0]["initial_lr"]
    assert isinstance(initial, torch.Tensor) and initial is not lr0
    assert initial.item() == pytest.approx(0.01)  # cloned at attach time, not filled later
    assert s.base_lrs == pytest.approx([0.01, 0.002])


def test_tuple_element_betas_0(model: torch.nn.Module) -> None:
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999))
    s = sa.linear_schedule_with_warmup(opt, 1.0, 0.5, 0, 10, schedule_target="betas[0]")
    assert opt.param_groups[0]["betas"] == (0.9, 0.999)
    for _ in range(10):
        opt.step()
        s.step()
    betas = opt.param_groups[0]["betas"]
    assert isinstance(betas, tuple)
    assert betas[0] == pytest.approx(0.45, rel=1e-15) and betas[1] == 0.999
    assert s.get_last_lr() == pytest.approx([0.45])
    assert opt.param_groups[0]["lr"] == 1e-3
    with pytest.raises(TypeError, match=r"betas\[0\]"):
        sa.linear_schedule_with_warmup(opt, 1.0, 0.5, 0, 10, schedule_target="betas")
    with pytest.raises(IndexError, match="betas"):
        sa.linear_schedule_with_warmup(opt, 1.0, 0.5, 0, 10, schedule_target="betas[2]")


def test_tensor_betas_element_filled_in_place(model: torch.nn.Module) -> None:
    beta1 = torch.tensor(0.9)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(beta1, torch.tensor(0.999)))
    s = sa.constant_schedule(opt, 0.5, "betas[0]")
    assert opt.param_groups[0]["betas"][0] is beta1 and beta1.item() == pytest.approx(0.45)
    opt.step()
    s.step()
    assert beta1.item() == pytest.approx(0.45)


def test_a_zero_base_is_a_normal_group(two_group_sgd: torch.optim.SGD) -> None:
    # The usual no-decay group: a multiplier keeps it at 0, silently and correctly.
    two_group_sgd.param_groups[1]["weight_decay"] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sa.cosine_annealing_with_warmup(two_group_sgd, 1.0, 0.1, 1, 10, "weight_decay")
        for _ in range(5):
            two_group_sgd.step()
            s.step()
    assert two_group_sgd.param_groups[1]["weight_decay"] == 0.0
    assert s.get_last_lr()[1] == 0.0


def test_state_dict_is_plain_data(two_group_sgd: torch.optim.SGD, tmp_path: Any) -> None:
    s = sa.polynomial_schedule_with_inverse_warmup(two_group_sgd, 1.0, 0.1, 2, 9, 1.5, 3.0)
    for _ in range(4):
        s.step()
    state = s.state_dict()
    assert state == {
        "kind": "CurveSchedule",
        "schedule_target": "lr",
        "last_epoch": 4,
        "_step_count": 5,
        "base_lrs": [0.1, 0.01],
        "absolute": False,
        "curve": {
            "name": "polynomial_schedule_with_inverse_warmup",
            "params": {
                "warmup_to_value": 1.0,
                "anneal_to_value": 0.1,
                "num_warmup_steps": 2,
                "num_training_steps": 9,
                "polynomial_exponent": 1.5,
                "warmup_multiplier": 3.0,
            },
        },
    }
    torch.save(state, tmp_path / "s.pt")
    assert torch.load(tmp_path / "s.pt", weights_only=True) == state


def test_state_dict_mismatches_raise(two_group_sgd: torch.optim.SGD) -> None:
    s = sa.linear_schedule_with_warmup(two_group_sgd, 1.0, 0.0, 0, 10)
    state = s.state_dict()
    other = sa.linear_schedule_with_warmup(two_group_sgd, 1.0, 0.0, 0, 20)
    with pytest.raises(ValueError, match="curve"):
        other.load_state_dict(state)
    other.load_state_dict(state, strict=False)  # keeps its own curve, restores the step
    wd = sa.linear_schedule_with_warmup(two_group_sgd, 1.0, 0.0, 0, 10, "weight_decay")
    with pytest.raises(ValueError, match="weight_decay"):
        wd.load_state_dict(state)
    with pytest.raises(ValueError, match="lacks"):
        s.load_state_dict({"last_epoch": 1})
    with pytest.raises(ValueError, match="param groups"):
        s.load_state_dict({**state, "base_lrs": [0.1]})
    with pytest.raises(TypeError, match="mapping"):
        s.load_state_dict([1, 2])  # type: ignore[arg-type]


def test_adding_a_param_group_after_the_schedule_is_an_error(
    two_group_sgd: torch.optim.SGD,
) -> None:
    s = sa.constant_schedule(two_group_sgd, 0.5)
    two_group_sgd.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))]})
    with pytest.raises(RuntimeError, match="add_param_group"):
        s.step()


# -- the README case study (seed 000), end to end -------------------------------------------
class MyCustomSchedule(LambdaLR):
    """The user's own scheduler: anneals linearly from 1 to 0 over ``train_steps``."""

    def __init__(self, optimizer: torch.optim.Optimizer, train_steps: int) -> None:
        super().__init__(optimizer, lambda t: max(0.0, 1.0 - t / train_steps))


def my_custom_gradient_clipping(optimizer: torch.optim.Optimizer) -> list[float]:
    norms = []
    for threshold, parameters, _group in sa.get_param_groups_regrouped_by_key(
        optimizer, "gradient_clip_threshold"
    ):
        norms.append(float(torch.nn.utils.clip_grad_norm_(parameters, max_norm=threshold)))
    return norms


def test_case_study_end_to_end(model: torch.nn.Module) -> None:
    steps, warmup = 40, 5
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.001, weight_decay=0.01)
    clip_scheduler = sa.arbitrary_schedule_factory(
        optimizer=optimizer,
        schedule_factory=lambda opt: MyCustomSchedule(opt, train_steps=steps),
        default_value=10.0,
        schedule_target="gradient_clip_threshold",
    )
    wd_scheduler = sa.quadratic_schedule_with_warmup(
        optimizer,
        warmup_to_value=0.01,
        anneal_to_value=1.0,
        num_warmup_steps=warmup,
        num_training_steps=steps,
        schedule_target="weight_decay",
    )
    lr_scheduler = sa.cosine_annealing_with_warmup(
        optimizer,
        warmup_to_value=1.0,
        anneal_to_value=0.01,
        num_warmup_steps=warmup,
        num_training_steps=steps,
        schedule_target="lr",
    )
    sync = sa.SynchronousSchedule([clip_scheduler, wd_scheduler, lr_scheduler])
    assert sync.schedule_names == ["gradient_clip_threshold", "weight_decay", "lr"]
    group = optimizer.param_groups[0]
    # torch's bookkeeping of the clip schedule stays private: initial_lr is the lr's own
    assert group["initial_lr"] == 0.001
    torch.manual_seed(1)
    x, y = torch.randn(64, 4), torch.randn(64, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for step in range(steps):
            t = step
            p = min(1.0, (t - warmup) / (steps - warmup))
            lr_lam = t / warmup if t < warmup else 0.01 + 0.99 * math.cos(math.pi / 2 * p)
            wd_lam = 0.01 * t / warmup if t < warmup else 1.0 + (0.01 - 1.0) * (1 - p) ** 2
            threshold = 10.0 * max(0.0, 1 - t / steps)
            assert group["lr"] == pytest.approx(0.001 * lr_lam, rel=1e-12, abs=1e-18)
            assert group["weight_decay"] == pytest.approx(0.01 * wd_lam, rel=1e-12, abs=1e-18)
            assert group["gradient_clip_threshold"] == pytest.approx(threshold, rel=1e-12)
            assert sync.get_last_schedule("gradient_clip_threshold") == pytest.approx(
                [threshold], rel=1e-12
            )

            loss = torch.nn.functional.mse_loss(model(x) * 100, y)
            loss.backward()
            my_custom_gradient_clipping(optimizer)
            clipped = torch.sqrt(sum((p.grad**2).sum() for p in model.parameters()))
            assert float(clipped) <= threshold * (1 + 1e-5) + 1e-6
            optimizer.step()
            optimizer.zero_grad()
            sync.step()
    assert group["gradient_clip_threshold"] == 0.0
    assert group["lr"] == pytest.approx(0.001 * 0.01, rel=1e-9)
    assert group["weight_decay"] == pytest.approx(0.01 * 1.0, rel=1e-12)
    assert sync.get_last_lr() == [group["lr"]]


# -- CurveSchedule, the binding under the 13 functions --------------------------------------
class Halving(sa.AbsoluteCurve):
    """An absolute test curve: λ(t) = 2^−t, written as is in every group."""

    name = "halving"

    def __call__(self, step: int) -> float:
        return 0.5**step


def test_absolute_curve_on_groups_with_different_values_is_refused(
    two_group_sgd: torch.optim.SGD,
) -> None:
    two_group_sgd.param_groups[0]["weight_decay"] = 0.0
    before = [dict(g) for g in two_group_sgd.param_groups]
    with pytest.raises(ValueError, match=r"group 0: 0\.0, group 1: 0\.001\).*Multiplier"):
        sa.CurveSchedule(two_group_sgd, Halving(), "weight_decay")
    assert [dict(g) for g in two_group_sgd.param_groups] == before  # nothing recorded or written


def test_absolute_curve_writes_lambda_in_every_group_when_asked(
    two_group_sgd: torch.optim.SGD,
) -> None:
    two_group_sgd.param_groups[0]["weight_decay"] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sa.CurveSchedule(
            two_group_sgd, Halving(), "weight_decay", one_value_for_all_groups=True
        )
    assert [g["weight_decay"] for g in two_group_sgd.param_groups] == [1.0, 1.0]
    s.step()
    s.step()
    assert [g["weight_decay"] for g in two_group_sgd.param_groups] == [0.25, 0.25]
    assert s.get_last_lr() == s.get_lr() == s._last_lr == [0.25, 0.25]
    assert s.value_at(3) == [0.125, 0.125]
    assert s.state_dict()["absolute"] is True


def test_a_plain_callable_is_a_multiplier_curve(two_group_sgd: torch.optim.SGD) -> None:
    s = sa.CurveSchedule(two_group_sgd, lambda t: 1.0 / (1 + t))
    s.step(3)
    assert [g["lr"] for g in two_group_sgd.param_groups] == [0.1 / 4, 0.01 / 4]
    assert s.state_dict()["curve"]["name"].startswith("function:")


def test_curve_schedule_argument_checks(two_group_sgd: torch.optim.SGD) -> None:
    from torch_schedule_anything.curves import LinearScheduleWithWarmup

    with pytest.raises(TypeError, match=r"LinearScheduleWithWarmup\(\.\.\.\)"):
        sa.CurveSchedule(two_group_sgd, LinearScheduleWithWarmup)
    with pytest.raises(TypeError, match="callable"):
        sa.CurveSchedule(two_group_sgd, 0.5)
    with pytest.raises(TypeError, match="schedule_target"):
        sa.CurveSchedule(two_group_sgd, lambda t: 1.0, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tuple element"):
        sa.CurveSchedule(two_group_sgd, lambda t: 1.0, "betas[0]", default_value=0.9)
    with pytest.raises(TypeError, match="default_value"):
        sa.CurveSchedule(two_group_sgd, lambda t: 1.0, "clip", default_value="big")


def test_default_value_creates_the_key(two_group_sgd: torch.optim.SGD) -> None:
    s = sa.CurveSchedule(
        two_group_sgd, lambda t: 1.0 - t / 10, "gradient_clip_threshold", default_value=10.0
    )
    s.step(4)
    assert [g["gradient_clip_threshold"] for g in two_group_sgd.param_groups] == [6.0, 6.0]
    # ignored where the key exists
    s = sa.CurveSchedule(two_group_sgd, lambda t: 1.0, "weight_decay", default_value=5.0)
    assert s.base_lrs == [1e-4, 1e-3]
    assert "initial_lr" not in two_group_sgd.param_groups[0]  # torch's key belongs to lr only
