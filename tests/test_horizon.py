"""horizon.py: past the end of a finite curve the value is held; far past it, one warning."""

from __future__ import annotations

import warnings

import pytest
import torch

import torch_schedule_anything as sa
from torch_schedule_anything.curves import LinearWarmup, OneCycleLR, WarmupWithDecay
from torch_schedule_anything.horizon import NEVER, horizon_warning_message, warn_after


@pytest.mark.parametrize(
    ("curve", "offset", "expected"),
    [
        (WarmupWithDecay(1.0, 10, 100), 0, 100 + 10),  # margin max(10, 100 // 10) = 10
        (WarmupWithDecay(1.0, 10, 1000), 0, 1000 + 100),  # margin 1000 // 10
        (OneCycleLR(1.0, 50), 5, 5 + 49 + 10),  # horizon total_steps - 1, from offset 5
        (LinearWarmup(1.0, 10), 0, NEVER),  # a warmup is meant to be held
    ],
)
def test_warn_after(curve, offset, expected) -> None:
    assert warn_after(curve, offset) == expected


def test_the_message_says_what_is_held_and_how_to_fix_it() -> None:
    text = horizon_warning_message("lr", WarmupWithDecay(1.0, 1, 10), 50, 10, 0.0)
    assert "'lr'" in text and "step 50" in text and "final value 0.0" in text
    assert "per batch" in text and "PastHorizonWarning" in text


def test_a_schedule_warns_once_at_the_first_step_past_the_margin() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    curve = sa.curves.WarmupWithDecay(1.0, 2, 20)
    schedule = sa.schedule(opt, sa.curves.Multiplier(curve))
    last = warn_after(curve)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(last + 40):
            opt.step()
            schedule.step()
            if schedule.last_epoch == last:
                assert not caught  # nothing up to the margin
    past = [w for w in caught if issubclass(w.category, sa.PastHorizonWarning)]
    assert len(past) == 1
    assert opt.param_groups[0]["lr"] == curve(20)  # held
