"""Resume = restore t: a run stopped, saved, rebuilt and loaded continues bitwise identically."""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.optim.lr_scheduler import (
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    ExponentialLR,
    OneCycleLR,
    StepLR,
)

import torch_schedule_anything as sa

KEYS = ("lr", "weight_decay", "momentum")
Builder = Callable[[torch.optim.Optimizer], list[Any]]


def make_optimizer() -> torch.optim.SGD:
    torch.manual_seed(0)
    return torch.optim.SGD(
        [
            {"params": [torch.nn.Parameter(torch.randn(3))], "lr": 0.1, "weight_decay": 1e-4},
            {"params": [torch.nn.Parameter(torch.randn(2))], "lr": 0.03, "weight_decay": 0.02},
        ],
        lr=0.5,
        momentum=0.9,
    )


CURVES: dict[str, Builder] = {
    "cosine+poly": lambda o: [
        sa.cosine_annealing_with_inverse_warmup(o, 1.0, 0.05, 4, 25, 6.0),
        sa.polynomial_schedule_with_warmup(o, 0.5, 2.0, 3, 17, 1.7, "weight_decay"),
        sa.constant_with_warmup(o, 0.95, 5, "momentum"),
    ],
    "sqrt+linear": lambda o: [
        sa.sqrt_schedule_with_warmup(o, 1.0, 0.0, 0, 30),
        sa.linear_schedule_with_inverse_warmup(o, 1.0, 0.1, 6, 12, 3.0, "weight_decay"),
        sa.quadratic_schedule_with_warmup(o, 1.0, 0.5, 2, 9, "momentum"),
    ],
}
TORCH: dict[str, Builder] = {
    "StepLR": lambda o: [
        sa.arbitrary_schedule_factory(o, lambda a: StepLR(a, 3, 0.7), None, k) for k in KEYS
    ],
    "chainable+closed": lambda o: [
        sa.arbitrary_schedule_factory(o, lambda a: CosineAnnealingLR(a, 9, 1e-3), None, "lr"),
        sa.arbitrary_schedule_factory(
            o, lambda a: CosineAnnealingWarmRestarts(a, 3, 2), None, "weight_decay"
        ),
        sa.arbitrary_schedule_factory(o, lambda a: ExponentialLR(a, 0.93), None, "momentum"),
    ],
    "OneCycle+mixed": lambda o: [
        sa.arbitrary_schedule_factory(
            o, lambda a: OneCycleLR(a, [0.5, 1.0], total_steps=41, cycle_momentum=False)
        ),
        sa.cosine_annealing_with_warmup(o, 1.0, 0.0, 5, 20, "weight_decay"),
        sa.arbitrary_schedule_factory(o, lambda a: StepLR(a, 4, 0.5), None, "momentum"),
    ],
}
BUILDERS = {**CURVES, **TORCH}


def snapshot(opt: torch.optim.Optimizer) -> list[tuple[Any, ...]]:
    return [tuple(g[k] for k in KEYS) for g in opt.param_groups]


def train(opt: torch.optim.Optimizer, sync: sa.SynchronousSchedule, steps: int) -> list[Any]:
    rows = []
    for _ in range(steps):
        opt.step()
        sync.step()
        rows.append(snapshot(opt))
    return rows


def stop_and_resume(name: str, total: int, stop: int, optimizer_first: bool) -> None:
    build = BUILDERS[name]
    opt = make_optimizer()
    sync = sa.SynchronousSchedule(build(opt))
    expected = train(opt, sync, total)

    opt = make_optimizer()
    sync = sa.SynchronousSchedule(build(opt))
    first = train(opt, sync, stop)
    assert first == expected[:stop]
    buffer = io.BytesIO()
    torch.save({"optimizer": opt.state_dict(), "schedules": sync.state_dict()}, buffer)
    del opt, sync

    buffer.seek(0)
    checkpoint = torch.load(buffer, weights_only=True)
    fresh = make_optimizer()
    if optimizer_first:  # the schedules are built on an optimizer that already holds step k
        fresh.load_state_dict(checkpoint["optimizer"])
        with warnings.catch_warnings():
            # a value annealed to 0 by step k looks like a zero base until the state loads
            warnings.simplefilter("ignore", UserWarning)
            resumed = sa.SynchronousSchedule(build(fresh))
    else:
        resumed = sa.SynchronousSchedule(build(fresh))
        fresh.load_state_dict(checkpoint["optimizer"])
    resumed.load_state_dict(checkpoint["schedules"])
    assert resumed.last_epoch == stop
    if stop:
        assert snapshot(fresh) == expected[stop - 1]
    assert train(fresh, resumed, total - stop) == expected[stop:]


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(sorted(BUILDERS)),
    total=st.integers(1, 40),
    data=st.data(),
    optimizer_first=st.booleans(),
)
def test_property_resume_is_bitwise_identical(
    name: str, total: int, data: st.DataObject, optimizer_first: bool
) -> None:
    stop = data.draw(st.integers(0, total), label="stop")
    stop_and_resume(name, total, stop, optimizer_first)


@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("optimizer_first", [False, True])
def test_resume_at_the_boundaries(name: str, optimizer_first: bool) -> None:
    for stop in (1, 5, 20, 39):
        stop_and_resume(name, 40, stop, optimizer_first)


def test_resume_with_tensor_values_keeps_the_tensors(model: torch.nn.Module) -> None:
    def make() -> torch.optim.Adam:
        return torch.optim.Adam(model.parameters(), lr=torch.tensor(0.01), weight_decay=0.1)

    def build(o: torch.optim.Optimizer) -> sa.SynchronousSchedule:
        return sa.SynchronousSchedule(
            [
                sa.cosine_annealing_with_warmup(o, 1.0, 0.1, 2, 10),
                sa.arbitrary_schedule_factory(o, lambda a: StepLR(a, 2), None, "weight_decay"),
            ]
        )

    opt = make()
    sync = build(opt)
    for _ in range(10):
        sync.step()
    expected = float(opt.param_groups[0]["lr"])
    sync = build(make())
    for _ in range(4):
        sync.step()
    state = sync.state_dict()
    fresh = make()
    resumed = build(fresh)
    tensor = fresh.param_groups[0]["lr"]
    resumed.load_state_dict(state)
    assert fresh.param_groups[0]["lr"] is tensor
    for _ in range(6):
        resumed.step()
    assert float(tensor) == expected


# -- checkpoints written by ScheduleAnything 1.2.3 ------------------------------------------
V1 = json.loads((Path(__file__).parent / "data" / "v1_reference.json").read_text("utf-8"))["resume"]


def build_like_v1(opt: torch.optim.Optimizer) -> sa.SynchronousSchedule:
    """Our spelling of the three 1.2.3 schedules recorded in ``V1["schedules"]``."""
    return sa.SynchronousSchedule(
        [
            sa.cosine_annealing_with_warmup(opt, 1.0, 0.05, 3, 12),
            sa.quadratic_schedule_with_inverse_warmup(
                opt, 1.0, 2.0, 2, 12, 4.0, schedule_target="weight_decay"
            ),
            sa.arbitrary_schedule_factory(
                opt, lambda o: StepLR(o, step_size=4, gamma=0.5), schedule_target="momentum"
            ),
        ]
    )


def v1_optimizer() -> torch.optim.SGD:
    """The optimizer of ``make_v1_reference.py``."""
    return torch.optim.SGD(
        [
            {"params": [torch.nn.Parameter(torch.ones(3))], "lr": 0.1, "weight_decay": 1e-4},
            {"params": [torch.nn.Parameter(torch.ones(2))], "lr": 0.03, "weight_decay": 0.02},
        ],
        lr=0.5,
        momentum=0.9,
    )


def test_a_fresh_run_matches_1_2_3_step_by_step() -> None:
    opt = v1_optimizer()
    sync = build_like_v1(opt)
    got = [{k: [g[k] for g in opt.param_groups] for k in KEYS}]
    for _ in range(V1["total_steps"]):
        opt.step()
        sync.step()
        got.append({k: [g[k] for g in opt.param_groups] for k in KEYS})
    assert got == V1["values"]


def test_a_1_2_3_checkpoint_loads_and_continues_like_1_2_3() -> None:
    stop = V1["checkpoint_step"]
    buffer = io.BytesIO()
    torch.save(V1["checkpoint"], buffer)  # a 1.2.3 checkpoint file
    buffer.seek(0)
    checkpoint = torch.load(buffer, weights_only=True)
    assert "base_lrs" in checkpoint["sync"]["lr"] and "curve" not in checkpoint["sync"]["lr"]

    opt = v1_optimizer()
    sync = build_like_v1(opt)
    opt.load_state_dict({"state": {}, "param_groups": checkpoint["optimizer_param_groups"]})
    sync.load_state_dict(checkpoint["sync"])
    assert sync.last_epoch == stop
    assert {k: [g[k] for g in opt.param_groups] for k in KEYS} == V1["values"][stop]
    for t in range(stop + 1, V1["total_steps"] + 1):
        opt.step()
        sync.step()
        assert {k: [g[k] for g in opt.param_groups] for k in KEYS} == V1["values"][t], t
    # saving again gives the 2.x format, which loads with weights_only too
    buffer = io.BytesIO()
    torch.save(sync.state_dict(), buffer)
    buffer.seek(0)
    assert torch.load(buffer, weights_only=True)["lr"]["curve"]["name"] == (
        "cosine_annealing_with_warmup"
    )
