"""wsd_scheduler.py: WSDLrScheduler, pytorch-accelerated's warmup-stable-decay on any field
(parity with the real package: tests/compat/test_compat_pytorch_accelerated.py)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from test_cosine_scheduler import roundtrip, sgd, trace
from torch_schedule_anything.wsd_scheduler import WSDLrScheduler, short_decay


def wsd_reference(n: int, base: float, total: int, ratio: float, r: float) -> float:
    """One checkpoint, no warmup, sqrt decay: the documented formula."""
    d = int(total * ratio)
    if n < total - d:
        return base
    x = min((n - (total - d)) / d, 1.0)
    return base * (r + (1 - r) * (1 - math.sqrt(x)))


def test_wsd_follows_its_formula_one_update_late() -> None:
    s = WSDLrScheduler(sgd((0.1, 0.02)), total_steps=40, decay_phase_ratio=0.25, lr_min=0.1)
    seen = trace(s, 45)
    assert seen[0] == [0.1, 0.02]
    for k in range(1, 46):
        for g, base in enumerate((0.1, 0.02)):
            assert seen[k][g] == pytest.approx(wsd_reference(k - 1, base, 40, 0.25, 0.1), rel=1e-15)
    assert s.get_current_step() == 44
    assert s.previous_checkpoint_step == 29  # the step before the decay, noted on the way


def test_wsd_checkpoints_and_phase_info() -> None:
    s = WSDLrScheduler(sgd(), total_steps=200, num_checkpoints=3, decay_phase_ratio=0.2)
    assert s.get_checkpoint_steps() == [50, 100, 200]
    assert s.get_decay_info()[1] == {
        "period_start": 50,
        "period_end": 100,
        "decay_steps": 10,
        "pre_decay_step": 90,
    }
    assert s.get_phase_info(120)["period_end"] == 200
    assert s.get_current_phase_info()["period_end"] == 50


def test_wsd_state_dict_keeps_the_count_and_continuation_starts_fresh() -> None:
    opt = sgd((0.1,))
    s = WSDLrScheduler(opt, total_steps=100, num_warmup_steps=5, decay_phase_ratio=0.1)
    trace(s, 30)
    state = roundtrip(s.state_dict())
    again = WSDLrScheduler(sgd((0.1,)), total_steps=100, num_warmup_steps=5, decay_phase_ratio=0.1)
    again.load_state_dict(state)
    assert again.get_current_step() == 29
    assert trace(again, 70)[1:] == trace(s, 70)[1:]
    continued = WSDLrScheduler(opt, total_steps=40, is_continuation_from_checkpoint=True)
    before = [g["lr"] for g in opt.param_groups]
    continued.load_state_dict(state)
    assert continued.total_steps == 40 and continued.get_current_step() == -1
    assert continued.get_checkpoint_steps() == [40]
    assert [g["lr"] for g in opt.param_groups] == before


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "needs its length"),
        ({"total_steps": 10, "num_epochs": 1, "num_update_steps_per_epoch": 10}, "not all three"),
        ({"total_steps": 10, "decay_phase_ratio": 1.5}, "between 0 and 1"),
        ({"total_steps": 10, "num_checkpoints": 2, "decay_phase_ratio": 0.5}, "too large"),
        ({"total_steps": 10, "warmup_starting_lr": 2.0}, "must not exceed"),
        ({"total_steps": 10, "lr_min": 0.0, "use_inverse_sqrt_decay": False}, "divides by zero"),
    ],
)
def test_wsd_bad_arguments(kwargs: dict[str, Any], match: str) -> None:
    opt = sgd()
    with pytest.raises(ValueError, match=match):
        WSDLrScheduler(opt, **kwargs)
    assert "initial_lr" not in opt.param_groups[0]


def test_wsd_create_scheduler_fn_turns_warmup_epochs_into_steps() -> None:
    make = WSDLrScheduler.create_scheduler_fn(num_warmup_epochs=2)
    assert make.keywords["num_warmup_steps"].value == (
        "trainer.run_config.num_local_update_steps_per_epoch*2"
    )
    s = WSDLrScheduler.create_scheduler_fn(
        total_num_epochs=3, num_update_steps_per_epoch=10, num_warmup_epochs=1
    )(sgd())
    assert (s.total_steps, s.num_warmup_steps) == (30, 10)


def test_a_checkpoint_period_too_short_to_decay_is_refused_and_changes_nothing() -> None:
    # pytorch-accelerated divides by zero when training reaches such a period.
    opt = sgd((0.1,))
    assert short_decay(7, 2, 0.1) is not None and short_decay(100, 3, 0.1) is None
    assert short_decay(7, 2, 0.0) is None  # no decay at all: allowed, holds the minimum
    with pytest.raises(ValueError, match="too short for a decay"):
        WSDLrScheduler(opt, total_steps=7, num_checkpoints=2, num_warmup_steps=3)
    assert opt.param_groups[0]["lr"] == 0.1 and "initial_lr" not in opt.param_groups[0]
