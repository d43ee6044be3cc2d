"""cosine_scheduler.py: CosineLrScheduler, pytorch-accelerated's formulas and timing at the
boundaries, options, any field, resume, bad arguments (parity with the real package: compat/)."""

from __future__ import annotations

import functools
import inspect
import io
import itertools
import math
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.optim.lr_scheduler import CosineAnnealingLR

import torch_schedule_anything as sa
from torch_schedule_anything import CosineLrScheduler


def sgd(lrs: tuple[float, ...] = (1.0,), **kwargs: Any) -> torch.optim.SGD:
    params = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs]
    return torch.optim.SGD(params, lr=lrs[0], **kwargs)


def trace(scheduler: Any, steps: int, key: str = "lr") -> list[list[float]]:
    """The field at construction and after each of ``steps`` updates + ``step()``."""
    opt = scheduler.optimizer
    out = [[float(g[key]) for g in opt.param_groups]]
    for _ in range(steps):
        opt.step()
        scheduler.step()
        out.append([float(g[key]) for g in opt.param_groups])
    return out


def reference(
    n: int,
    base: float,
    start: float,
    slope_start: float,
    low: float,
    T: int,
    W: int,
    C: int,
    k: float,
) -> float:
    """The documented formula for count n, written independently (quirks included)."""
    D = T - W - C
    if n < W:
        return start + n * (base - slope_start) / W
    if n < D:
        return low + 0.5 * (base - low) * (1 + math.cos(math.pi * ((n - W) / D) ** k))
    return low


def test_boundaries_of_warmup_cosine_and_cooldown() -> None:
    # T = 10 updates, W = 2, C = 3, so D = 5 and the cosine is cut at n = D = 5
    s = CosineLrScheduler(
        sgd(),
        total_num_epochs=10,
        num_warmup_epochs=2,
        num_cooldown_epochs=3,
        warmup_starting_lr=0.2,
        lr_min=0.1,
    )
    values = [v[0] for v in trace(s, 13)]
    assert values[0] == 0.2  # written at construction
    assert values[1] == 0.2  # n = 0: the first step() passes 0
    assert values[2] == 0.2 + (1.0 - 0.2) * 0.5
    assert values[3] == 1.0  # peak at n = W, after W + 1 steps
    assert values[5] == pytest.approx(0.1 + 0.45 * (1 + math.cos(math.pi * 2 / 5)), abs=1e-15)
    assert values[5] > values[6] == 0.1  # cut short: the minimum from n = D = 5 on
    assert values[6:] == [0.1] * 8
    for k, value in enumerate(values[1:], start=1):
        assert value == pytest.approx(
            reference(k - 1, 1.0, 0.2, 0.2, 0.1, 10, 2, 3, 1.0), abs=1e-15
        )


def test_midpoint_and_monotone_decay() -> None:
    s = CosineLrScheduler(sgd(), total_num_epochs=8, lr_min=0.2)
    values = [v[0] for v in trace(s, 9)]
    assert values[0] == values[1] == 1.0
    assert values[5] == pytest.approx(0.6, abs=1e-15)  # n = 4: halfway between 1.0 and 0.2
    assert all(a > b for a, b in itertools.pairwise(values[1:10]))
    assert values[9] == 0.2


def test_agrees_with_torch_cosine_annealing_one_update_later() -> None:
    """Without warmup it is torch's CosineAnnealingLR, each value one update later."""
    ours = CosineLrScheduler(sgd((0.5, 0.05)), total_num_epochs=20, lr_min=0.01)
    theirs_opt = sgd((0.5, 0.05))
    theirs = CosineAnnealingLR(theirs_opt, T_max=20, eta_min=0.01)
    expected = [[float(g["lr"]) for g in theirs_opt.param_groups]]
    for _ in range(20):
        theirs_opt.step()
        theirs.step()
        expected.append([float(g["lr"]) for g in theirs_opt.param_groups])
    got = trace(ours, 21)
    for n in range(21):
        assert got[n + 1] == pytest.approx(expected[n], rel=1e-12, abs=1e-15), n


@pytest.mark.parametrize("k", [0.5, 1.0, 2.0, 3.0])
def test_k_decay_follows_the_formula(k: float) -> None:
    s = CosineLrScheduler(
        sgd(), total_num_epochs=12, num_warmup_epochs=2, k_decay=k, lr_min=0, warmup_starting_lr=0
    )
    values = [v[0] for v in trace(s, 13)]
    for n, value in enumerate(values[1:]):
        assert value == pytest.approx(reference(n, 1.0, 0.0, 0.0, 0.0, 12, 2, 0, k), abs=1e-14)
    assert values[3] == 1.0 and values[11] == 0.0  # the cosine ends at n = D = 10


def test_larger_k_decay_holds_high_values_longer() -> None:
    plain = trace(CosineLrScheduler(sgd(), total_num_epochs=10), 10)
    k2 = trace(CosineLrScheduler(sgd(), total_num_epochs=10, k_decay=2.0), 10)
    assert all(b[0] > a[0] for a, b in zip(plain[2:10], k2[2:10]))


def test_ratios_are_per_group() -> None:
    s = CosineLrScheduler(
        sgd((0.1, 0.01)),
        total_num_epochs=5,
        num_warmup_epochs=1,
        num_cooldown_epochs=1,
        warmup_starting_lr_ratio=0.5,
        min_lr_ratio=0.1,
        num_update_steps_per_epoch=2,
    )
    values = trace(s, 11)
    assert values[0] == [1e-6, 1e-6]  # construction writes warmup_starting_lr, not the ratio
    assert values[1] == [0.5 * 0.1, 0.5 * 0.01]
    # the slope uses warmup_starting_lr (1e-6), so the warmup ends above the start's ratio
    assert values[2] == [0.05 + (0.1 - 1e-6) / 2, 0.005 + (0.01 - 1e-6) / 2]
    assert values[3] == pytest.approx([0.1, 0.01], rel=1e-15)
    assert values[7] == values[11] == [0.1 * 0.1, 0.1 * 0.01]


def test_a_ratio_warmup_overshoots_the_peak() -> None:
    """The slope is (b - warmup_starting_lr)/W, from ratio·b: above b before the peak."""
    s = CosineLrScheduler(sgd((0.1,)), 10, 1, num_warmup_epochs=4, warmup_starting_lr_ratio=0.5)
    values = [v[0] for v in trace(s, 6)]
    assert values[4] == 0.05 + 3 * ((0.1 - 1e-6) / 4)
    assert values[4] > 0.1 == values[5]


def test_steps_per_epoch_scales_every_length() -> None:
    s = CosineLrScheduler(sgd(), 3, 4, num_warmup_epochs=1, warmup_starting_lr=0.0, lr_min=0.0)
    assert (s.total_iterations, s.warmup_iterations, s.num_cooldown_iterations) == (12, 4, 0)
    values = [v[0] for v in trace(s, 13)]
    assert values[1:6] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert values[8] > 0.0 == values[9]  # the cosine is cut at n = 8 (D = 8)


def test_any_field_and_tensor_values_in_place() -> None:
    opt = torch.optim.AdamW(
        [torch.nn.Parameter(torch.zeros(1))], lr=torch.tensor(1e-3), weight_decay=0.1
    )
    wd = CosineLrScheduler(opt, total_num_epochs=4, lr_min=0.02, param_group_field="weight_decay")
    lr_tensor = opt.param_groups[0]["lr"]
    lr = CosineLrScheduler(opt, total_num_epochs=4, lr_min=0.0)
    assert wd.schedule_target == "weight_decay"
    for _ in range(5):
        opt.step()
        wd.step()
        lr.step()
    assert opt.param_groups[0]["weight_decay"] == 0.02
    assert opt.param_groups[0]["lr"] is lr_tensor
    assert float(lr_tensor) == 0.0
    assert wd.get_last_lr() == [0.02]


def test_betas0() -> None:
    opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], betas=(0.95, 0.999))
    s = CosineLrScheduler(opt, total_num_epochs=2, lr_min=0.85, param_group_field="betas[0]")
    assert [v[0] for v in trace(s, 3, key="lr")] == [1e-3] * 4
    assert opt.param_groups[0]["betas"] == (0.85, 0.999)


def test_in_a_synchronous_schedule_with_a_curve_schedule() -> None:
    opt = sgd(weight_decay=0.1)
    sync = sa.SynchronousSchedule(
        [
            sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 2, 6),
            CosineLrScheduler(opt, 6, param_group_field="weight_decay", lr_min=0.05),
        ]
    )
    assert sync.schedule_names == ["lr", "weight_decay"]
    for _ in range(7):
        opt.step()
        sync.step()
    assert sync.get_last_schedule("weight_decay") == [0.05]
    assert sync.get_last_lr() == [0.0]


def roundtrip(state: dict[str, Any]) -> dict[str, Any]:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    loaded: dict[str, Any] = torch.load(buffer, weights_only=True)
    return loaded


def test_state_dict_holds_the_options_as_plain_data() -> None:
    s = CosineLrScheduler(sgd(), 10, 3, num_warmup_epochs=1, k_decay=2.0, min_lr_ratio=0.1)
    s.step()
    state = roundtrip(s.state_dict())
    assert state["last_epoch"] == 1
    assert state["attributes"]["k_decay"] == 2.0
    assert state["attributes"]["total_iterations"] == 30
    assert state["attributes"]["lr_min_ratio"] == 0.1


@settings(max_examples=30, deadline=None)
@given(stop=st.integers(0, 14), restore_optimizer=st.booleans())
def test_resume_is_exact_at_any_step(stop: int, restore_optimizer: bool) -> None:
    def make(opt: torch.optim.Optimizer) -> CosineLrScheduler:
        return CosineLrScheduler(
            opt,
            total_num_epochs=6,
            num_update_steps_per_epoch=2,
            num_warmup_epochs=1,
            num_cooldown_epochs=1,
            k_decay=1.5,
            warmup_starting_lr=0.01,
            lr_min=0.001,
            param_group_field="weight_decay",
        )

    def run(stop_at: int | None) -> list[list[float]]:
        opt = sgd((0.1, 0.2), weight_decay=0.05)
        scheduler = make(opt)
        out = []
        for n in range(1, 15):
            opt.step()
            scheduler.step()
            out.append([g["weight_decay"] for g in opt.param_groups])
            if n == stop_at:
                saved = roundtrip({"opt": opt.state_dict(), "sched": scheduler.state_dict()})
                opt = sgd((0.1, 0.2), weight_decay=0.05)
                scheduler = make(opt)
                if restore_optimizer:
                    opt.load_state_dict(saved["opt"])
                scheduler.load_state_dict(saved["sched"])
        return out

    assert run(stop) == run(None)


def test_create_scheduler_fn_is_a_checked_partial_with_trainer_placeholders() -> None:
    make = CosineLrScheduler.create_scheduler_fn(
        total_num_epochs=4,
        num_update_steps_per_epoch=1,
        num_warmup_epochs=1,
        warmup_starting_lr=0.5,
    )
    assert isinstance(make, functools.partial)
    s = make(sgd())
    assert isinstance(s, CosineLrScheduler)
    assert [v[0] for v in trace(s, 2)] == [0.5, 0.5, 1.0]
    later = CosineLrScheduler.create_scheduler_fn(num_warmup_epochs=1)
    # pytorch-accelerated's Trainer replaces keywords whose value has a placeholder's name
    assert later.keywords["total_num_epochs"].name == "NUM_EPOCHS"
    assert later.keywords["num_update_steps_per_epoch"].value == (
        "trainer.run_config.num_update_steps_per_epoch"
    )
    with pytest.raises(TypeError, match="placeholder NUM_EPOCHS"):
        later(sgd())
    s2 = later(sgd(), total_num_epochs=5, num_update_steps_per_epoch=10)
    assert (s2.total_iterations, s2.warmup_iterations) == (50, 10)
    with pytest.raises(ValueError, match="k_decay must be > 0"):
        CosineLrScheduler.create_scheduler_fn(k_decay=0)
    with pytest.raises(TypeError, match="schedule_target"):
        CosineLrScheduler.create_scheduler_fn(param_group_field="")


def test_positional_arguments_and_defaults_are_pytorch_accelerateds() -> None:
    params = inspect.signature(CosineLrScheduler).parameters
    assert list(params)[:10] == [
        "optimizer",
        "total_num_epochs",
        "num_update_steps_per_epoch",
        "k_decay",
        "lr_min",
        "min_lr_ratio",
        "num_warmup_epochs",
        "warmup_starting_lr",
        "warmup_starting_lr_ratio",
        "num_cooldown_epochs",
    ]
    assert params["lr_min"].default == params["warmup_starting_lr"].default == 1e-6
    assert params["param_group_field"].kind is inspect.Parameter.KEYWORD_ONLY
    s = CosineLrScheduler(sgd(), 10, 2, 1.0, 0.0, None, 1, 0.0, None, 1)
    assert (s.total_iterations, s.warmup_iterations, s.num_cooldown_iterations) == (20, 2, 2)


def test_the_2x_spelling_lr_min_ratio_still_works_with_a_deprecation_warning() -> None:
    with pytest.warns(DeprecationWarning, match="min_lr_ratio"):
        s = CosineLrScheduler(sgd((0.1,)), total_num_epochs=2, lr_min_ratio=0.5)
    assert s.lr_min_ratio == 0.5
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="disagree"):
        CosineLrScheduler(sgd(), total_num_epochs=2, lr_min_ratio=0.5, min_lr_ratio=0.2)


def test_ratios_take_precedence_as_in_pytorch_accelerated() -> None:
    s = CosineLrScheduler(sgd((0.2,)), total_num_epochs=2, lr_min=0.01, min_lr_ratio=0.5)
    assert [v[0] for v in trace(s, 4)][-1] == 0.1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"total_num_epochs": 0}, ValueError, "total_num_epochs must be >= 1"),
        ({"total_num_epochs": 2.5}, ValueError, "total_num_epochs must be a whole number"),
        ({"total_num_epochs": "10"}, TypeError, "total_num_epochs must be an integer"),
        ({"num_update_steps_per_epoch": 0}, ValueError, "num_update_steps_per_epoch must be >= 1"),
        ({"k_decay": 0.0}, ValueError, "k_decay must be > 0"),
        ({"k_decay": math.nan}, ValueError, "k_decay must be finite"),
        ({"lr_min": -0.1}, ValueError, "lr_min must be >= 0"),
        ({"min_lr_ratio": -1}, ValueError, "min_lr_ratio must be >= 0"),
        ({"num_warmup_epochs": -1}, ValueError, "num_warmup_epochs must be >= 0"),
        ({"num_cooldown_epochs": -1}, ValueError, "num_cooldown_epochs must be >= 0"),
        ({"num_warmup_epochs": 1, "warmup_starting_lr": -1}, ValueError, "warmup_starting_lr"),
        ({"param_group_field": "momentm"}, KeyError, "'momentm' is not in param_groups"),
    ],
)
def test_bad_arguments_fail_fast_naming_the_argument(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    arguments = {"total_num_epochs": 10, **kwargs}
    with pytest.raises(error, match=match):
        CosineLrScheduler(sgd(momentum=0.9), **arguments)


def test_constructor_does_not_mutate_the_optimizer_on_bad_arguments() -> None:
    opt = sgd()
    with pytest.raises(ValueError):
        CosineLrScheduler(opt, total_num_epochs=0)
    with pytest.raises(KeyError):
        CosineLrScheduler(opt, total_num_epochs=3, param_group_field="momentm")
    assert opt.param_groups[0]["lr"] == 1.0
    assert "initial_lr" not in opt.param_groups[0]


def test_a_minimum_above_the_start_makes_the_curve_rise() -> None:
    opt = sgd(weight_decay=0.01)
    s = CosineLrScheduler(opt, total_num_epochs=4, lr_min=0.05, param_group_field="weight_decay")
    values = [v[0] for v in trace(s, 5, key="weight_decay")]
    assert values[0] == 0.01 and values[5] == 0.05
    assert values[1] == pytest.approx(0.01, abs=1e-17)  # m + ½(b − m)·2, not exactly b
    assert all(a < b for a, b in itertools.pairwise(values[1:]))
    assert values[3] == pytest.approx(0.03, abs=1e-15)
