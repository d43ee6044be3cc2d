"""HF transformers' schedulers on optimizers whose groups hold different values.

``get_*_schedule_with_warmup`` are ``LambdaLR``s: a multiplier of each group's ``initial_lr``.
The multiplier forms of our families give the same numbers per group, on ``lr`` and on any
other key, and resuming from the optimizer's state alone (1.x's way) stays exact.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import torch

import torch_schedule_anything as sa
from torch_schedule_anything.curves import LinearWarmup, Multiplier, WarmupWithDecay

transformers = pytest.importorskip(
    "transformers",
    reason="transformers is installed only by `nox -s integration` (which fails if it is missing), "
    "not by the default test session",
)

pytestmark = pytest.mark.integration

W, T = 10, 100
LRS = [1e-3, 1e-4, 0.0]


def optimizer(key: str = "lr") -> torch.optim.AdamW:
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in LRS]
    return torch.optim.AdamW([{"params": [p], key: v} for p, v in zip(params, LRS)], lr=1e-3)


CASES: dict[str, tuple[Callable[[Any], Any], sa.Curve]] = {
    "cosine": (
        lambda o: transformers.get_cosine_schedule_with_warmup(o, W, T),
        Multiplier(WarmupWithDecay(1.0, W, T)),
    ),
    "linear": (
        lambda o: transformers.get_linear_schedule_with_warmup(o, W, T),
        sa.curves.LinearScheduleWithWarmup(1.0, 0.0, W, T),
    ),
    "constant_with_warmup": (
        lambda o: transformers.get_constant_schedule_with_warmup(o, W),
        Multiplier(LinearWarmup(1.0, W)),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("key", ["lr", "weight_decay"])
def test_per_group_values_equal_hf(name: str, key: str) -> None:
    make_hf, curve = CASES[name]
    reference = optimizer()
    hf = make_hf(reference)
    ours = optimizer(key)
    schedule = sa.schedule(ours, curve, key)
    for t in range(T + 1):  # past T, HF's cosine rises again where ours holds its end
        if t:
            reference.step()
            ours.step()
            hf.step()
            schedule.step()
        expected = [g["lr"] for g in reference.param_groups]
        got = [g[key] for g in ours.param_groups]
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-18), (t, got, expected)
    assert [g[key] for g in ours.param_groups][2] == 0.0


def test_hf_and_ours_resume_from_the_optimizer_state_alone() -> None:
    """Both read the recorded initial_lr: rebuilt after optimizer.load_state_dict, then
    stepped to the checkpoint's step, they continue with the uninterrupted run's values."""
    reference, ours = optimizer(), optimizer()
    hf = transformers.get_cosine_schedule_with_warmup(reference, W, T)
    schedule = sa.schedule(ours, Multiplier(WarmupWithDecay(1.0, W, T)))
    for _ in range(40):
        reference.step()
        ours.step()
        hf.step()
        schedule.step()
    states = copy.deepcopy((reference.state_dict(), ours.state_dict()))
    reference, ours = optimizer(), optimizer()
    reference.load_state_dict(states[0])
    ours.load_state_dict(states[1])
    # torch's last_epoch=39 resumes after step 39, i.e. at step 40 (its construction steps once)
    hf = transformers.get_cosine_schedule_with_warmup(reference, W, T, last_epoch=39)
    schedule = sa.schedule(ours, Multiplier(WarmupWithDecay(1.0, W, T)))
    schedule.step(40)
    assert [g["lr"] for g in ours.param_groups] == [g["lr"] for g in reference.param_groups]
    for _ in range(30):
        reference.step()
        ours.step()
        hf.step()
        schedule.step()
        expected = [g["lr"] for g in reference.param_groups]
        assert [g["lr"] for g in ours.param_groups] == pytest.approx(expected, rel=1e-12)
