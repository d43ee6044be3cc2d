"""CosineLrScheduler: formula at the boundaries, options, any field, resume, bad arguments."""

from __future__ import annotations

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


def trace(scheduler: CosineLrScheduler, steps: int, key: str = "lr") -> list[list[float]]:
    """The field's values at counts 0..steps."""
    groups = scheduler.optimizer.param_groups
    out = [[float(g[key]) for g in groups]]
    for _ in range(steps):
        scheduler.step()
        out.append([float(g[key]) for g in groups])
    return out


def reference(n: int, base: float, start: float, low: float, W: int, D: int, k: float) -> float:
    """The docstring's formula in its textbook form, written independently."""
    if n < W:
        return start + n * (base - start) / W
    if n < W + D:
        return low + 0.5 * (base - low) * (1 + math.cos(math.pi * (n - W) ** k / D**k))
    return low


def test_boundaries_of_warmup_cosine_and_cooldown() -> None:
    # T = 10 updates, W = 2, C = 3, so D = 5; base 1.0, start 0.2, minimum 0.1
    s = CosineLrScheduler(
        sgd(),
        total_num_epochs=10,
        num_warmup_epochs=2,
        num_cooldown_epochs=3,
        warmup_starting_lr=0.2,
        lr_min=0.1,
    )
    values = [v[0] for v in trace(s, 12)]
    assert values[0] == 0.2  # warmup start, exactly, at construction
    assert values[1] == 0.2 + (1.0 - 0.2) * 0.5
    assert values[2] == 1.0  # peak exactly at n = W
    assert values[6] == pytest.approx(0.1 + 0.45 * (1 + math.cos(math.pi * 4 / 5)), abs=1e-15)
    assert values[6] > 0.1
    assert values[7] == values[8] == values[9] == 0.1  # cooldown starts at n = W + D
    assert values[10] == values[12] == 0.1  # and holds after the end
    for n, value in enumerate(values):
        assert value == pytest.approx(reference(n, 1.0, 0.2, 0.1, 2, 5, 1.0), abs=1e-15)


def test_midpoint_and_monotone_decay() -> None:
    s = CosineLrScheduler(sgd(), total_num_epochs=8, lr_min=0.2)
    values = [v[0] for v in trace(s, 8)]
    assert values[0] == 1.0
    assert values[4] == pytest.approx(0.6, abs=1e-15)  # halfway between 1.0 and 0.2
    assert all(a > b for a, b in itertools.pairwise(values[:9]))
    assert values[8] == 0.2


def test_agrees_with_torch_cosine_annealing_without_warmup() -> None:
    ours = CosineLrScheduler(sgd((0.5, 0.05)), total_num_epochs=20, lr_min=0.01)
    theirs_opt = sgd((0.5, 0.05))
    theirs = CosineAnnealingLR(theirs_opt, T_max=20, eta_min=0.01)
    for n in range(21):
        if n:
            ours.step()
            theirs_opt.step()
            theirs.step()
        got = [float(g["lr"]) for g in ours.optimizer.param_groups]
        expected = [float(g["lr"]) for g in theirs_opt.param_groups]
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-15), n


@pytest.mark.parametrize("k", [0.5, 1.0, 2.0, 3.0])
def test_k_decay_follows_the_formula(k: float) -> None:
    s = CosineLrScheduler(sgd(), total_num_epochs=12, num_warmup_epochs=2, k_decay=k)
    values = [v[0] for v in trace(s, 12)]
    for n, value in enumerate(values):
        assert value == pytest.approx(reference(n, 1.0, 0.0, 0.0, 2, 10, k), abs=1e-14)
    assert values[2] == 1.0 and values[12] == 0.0


def test_larger_k_decay_holds_high_values_longer() -> None:
    plain = trace(CosineLrScheduler(sgd(), total_num_epochs=10), 10)
    k2 = trace(CosineLrScheduler(sgd(), total_num_epochs=10, k_decay=2.0), 10)
    assert all(b[0] > a[0] for a, b in zip(plain[1:10], k2[1:10]))


def test_ratios_are_per_group() -> None:
    s = CosineLrScheduler(
        sgd((0.1, 0.01)),
        total_num_epochs=5,
        num_warmup_epochs=1,
        num_cooldown_epochs=1,
        warmup_starting_lr_ratio=0.5,
        lr_min_ratio=0.1,
        num_update_steps_per_epoch=2,
    )
    values = trace(s, 10)
    assert values[0] == [0.5 * 0.1, 0.5 * 0.01]
    assert values[1] == [0.05 + (0.1 - 0.05) * 0.5, 0.005 + (0.01 - 0.005) * 0.5]
    assert values[2] == [0.1, 0.01]
    assert values[8] == values[10] == [0.1 * 0.1, 0.1 * 0.01]


def test_steps_per_epoch_scales_every_length() -> None:
    s = CosineLrScheduler(
        sgd(), total_num_epochs=3, num_update_steps_per_epoch=4, num_warmup_epochs=1
    )
    assert (s.total_steps, s.warmup_steps, s.cooldown_steps, s.cosine_steps) == (12, 4, 0, 8)
    values = [v[0] for v in trace(s, 12)]
    assert values[:5] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert values[12] == 0.0 < values[11]


def test_any_field_and_tensor_values_in_place() -> None:
    opt = torch.optim.AdamW(
        [torch.nn.Parameter(torch.zeros(1))], lr=torch.tensor(1e-3), weight_decay=0.1
    )
    wd = CosineLrScheduler(opt, total_num_epochs=4, lr_min=0.02, param_group_field="weight_decay")
    lr_tensor = opt.param_groups[0]["lr"]
    lr = CosineLrScheduler(opt, total_num_epochs=4)
    assert wd.schedule_target == "weight_decay"
    for _ in range(4):
        wd.step()
        lr.step()
    assert opt.param_groups[0]["weight_decay"] == 0.02
    assert opt.param_groups[0]["lr"] is lr_tensor
    assert float(lr_tensor) == 0.0
    assert wd.get_last_lr() == [0.02]


def test_betas0() -> None:
    opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], betas=(0.95, 0.999))
    s = CosineLrScheduler(opt, total_num_epochs=2, lr_min=0.85, param_group_field="betas[0]")
    assert [v[0] for v in trace(s, 2, key="lr")] == [1e-3] * 3
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
    for _ in range(6):
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
    s = CosineLrScheduler(sgd(), 10, 3, num_warmup_epochs=1, k_decay=2.0, lr_min_ratio=0.1)
    s.step()
    state = roundtrip(s.state_dict())
    assert state["last_epoch"] == 1
    assert state["attributes"]["k_decay"] == 2.0
    assert state["attributes"]["total_steps"] == 30
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


def test_create_scheduler_fn_is_a_checked_partial() -> None:
    make = CosineLrScheduler.create_scheduler_fn(
        total_num_epochs=4, num_warmup_epochs=1, warmup_starting_lr=0.5
    )
    s = make(sgd())
    assert isinstance(s, CosineLrScheduler)
    assert [v[0] for v in trace(s, 4)][:2] == [0.5, 1.0]
    later = CosineLrScheduler.create_scheduler_fn(num_warmup_epochs=1)
    s2 = later(sgd(), total_num_epochs=5, num_update_steps_per_epoch=10)
    assert (s2.total_steps, s2.warmup_steps) == (50, 10)
    with pytest.raises(ValueError, match="k_decay must be > 0"):
        CosineLrScheduler.create_scheduler_fn(k_decay=0)
    with pytest.raises(ValueError, match="must be less than total_num_epochs"):
        CosineLrScheduler.create_scheduler_fn(total_num_epochs=2, num_warmup_epochs=2)
    with pytest.raises(TypeError, match="schedule_target"):
        CosineLrScheduler.create_scheduler_fn(param_group_field="")


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
        ({"lr_min_ratio": -1}, ValueError, "lr_min_ratio must be >= 0"),
        ({"lr_min": 0.1, "lr_min_ratio": 0.1}, ValueError, "lr_min .* or lr_min_ratio"),
        ({"num_warmup_epochs": -1}, ValueError, "num_warmup_epochs must be >= 0"),
        ({"num_cooldown_epochs": -1}, ValueError, "num_cooldown_epochs must be >= 0"),
        (
            {"num_warmup_epochs": 5, "num_cooldown_epochs": 5},
            ValueError,
            r"num_warmup_epochs \(5\) \+ num_cooldown_epochs \(5\) must be less",
        ),
        ({"warmup_starting_lr": 0.1}, ValueError, "num_warmup_epochs is 0"),
        (
            {"num_warmup_epochs": 1, "warmup_starting_lr": 0.1, "warmup_starting_lr_ratio": 0.1},
            ValueError,
            "warmup_starting_lr .* or warmup_starting_lr_ratio",
        ),
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
    assert opt.param_groups[0]["lr"] == 1.0
    assert "initial_lr" not in opt.param_groups[0]


def test_a_minimum_above_the_start_makes_the_curve_rise() -> None:
    opt = sgd(weight_decay=0.01)
    s = CosineLrScheduler(opt, total_num_epochs=4, lr_min=0.05, param_group_field="weight_decay")
    values = [v[0] for v in trace(s, 4, key="weight_decay")]
    assert values[0] == 0.01 and values[4] == 0.05
    assert all(a < b for a, b in itertools.pairwise(values))
    assert values[2] == pytest.approx(0.03, abs=1e-15)
