"""What Lightning, HF Trainer and Accelerate need from a scheduler, for every kind we return.

Lightning accepts a scheduler only if it is an ``LRScheduler`` (or ``ReduceLROnPlateau``) whose
``.optimizer`` is one of the optimizers it was given, and checkpoints ``state_dict()``; HF
Trainer logs ``get_last_lr()[0]`` and reloads the state with ``torch.load(weights_only=True)``;
Accelerate matches ``scheduler.optimizer`` against the prepared optimizers and increments
``_step_count`` when it skips a step under gradient accumulation. ``copy.deepcopy`` and
``pickle`` are used by checkpointing callbacks and by multiprocessing spawn.
"""

from __future__ import annotations

import copy
import io
import pickle
from collections.abc import Callable

import pytest
import torch
from torch.optim.lr_scheduler import LRScheduler, StepLR

import torch_schedule_anything as sa
from torch_schedule_anything.curves import LinearWarmup, Multiplier, OneCycleLR

Factory = Callable[[torch.optim.Optimizer], LRScheduler]


def _optimizer() -> torch.optim.Optimizer:
    torch.manual_seed(0)
    a = torch.nn.Parameter(torch.randn(3))
    b = torch.nn.Parameter(torch.randn(2))
    return torch.optim.SGD(
        [{"params": [a], "lr": 0.1}, {"params": [b], "lr": 0.02, "weight_decay": 1e-3}],
        lr=0.1,
        momentum=0.9,
        weight_decay=1e-4,
    )


def _curve(opt: torch.optim.Optimizer) -> LRScheduler:
    return sa.cosine_annealing_with_warmup(opt, 1.0, 0.1, 3, 12)


def _adapted(opt: torch.optim.Optimizer) -> LRScheduler:
    return sa.arbitrary_schedule_factory(
        opt, lambda o: StepLR(o, step_size=2, gamma=0.5), schedule_target="weight_decay"
    )


def _synchronous(opt: torch.optim.Optimizer) -> LRScheduler:
    return sa.SynchronousSchedule(
        [
            sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 2, 10),
            sa.constant_schedule(opt, 2.0, schedule_target="weight_decay"),
            sa.arbitrary_schedule_factory(
                opt, lambda o: StepLR(o, step_size=3, gamma=0.5), schedule_target="momentum"
            ),
        ]
    )


def _registry(opt: torch.optim.Optimizer) -> LRScheduler:
    return sa.schedule(
        opt, OneCycleLR(max_lr=0.5, total_steps=20), "lr", one_value_for_all_groups=True
    )


def _cosine_base(opt: torch.optim.Optimizer) -> LRScheduler:
    return sa.CosineLrScheduler(
        opt, total_num_epochs=4, num_update_steps_per_epoch=3, num_warmup_epochs=1
    )


def _curve_scheduler(opt: torch.optim.Optimizer) -> LRScheduler:
    return sa.SchedulerBase.from_curve(
        opt, OneCycleLR(max_lr=0.5, total_steps=20), "momentum", one_value_for_all_groups=True
    )


def _sequence(opt: torch.optim.Optimizer) -> LRScheduler:
    return sa.sequential(
        opt,
        [Multiplier(LinearWarmup(1.0, 3)), lambda o: StepLR(o, step_size=2, gamma=0.5)],
        [3],
    )


KINDS: dict[str, Factory] = {
    "CurveSchedule": _curve,
    "AdaptedSchedule": _adapted,
    "SynchronousSchedule": _synchronous,
    "CurveSchedule(absolute)": _registry,
    "SequentialSchedule": _sequence,
    "CosineLrScheduler": _cosine_base,
    "CurveStatefulScheduler": _curve_scheduler,
}
kinds = pytest.mark.parametrize("make", list(KINDS.values()), ids=list(KINDS))

# The keys any of the schedules above may write.
KEYS = ("lr", "weight_decay", "momentum")


def _values(opt: torch.optim.Optimizer) -> list[tuple[float, ...]]:
    return [tuple(float(g[k]) for k in KEYS) for g in opt.param_groups]


def _run(sched: LRScheduler, opt: torch.optim.Optimizer, n: int) -> list[list[tuple[float, ...]]]:
    seen = []
    for _ in range(n):
        opt.step()
        sched.step()
        seen.append(_values(opt))
    return seen


@kinds
def test_is_a_torch_scheduler_on_the_real_optimizer(make: Factory) -> None:
    opt = _optimizer()
    sched = make(opt)
    assert isinstance(sched, LRScheduler)
    assert sched.optimizer is opt  # Lightning and Accelerate match on identity
    assert callable(sched.state_dict) and callable(sched.load_state_dict)
    assert type(sched.last_epoch) is int and sched.last_epoch == 0
    assert type(sched._step_count) is int and sched._step_count >= 1
    _run(sched, opt, 3)
    assert sched.last_epoch == 3


@kinds
def test_get_last_lr_is_a_list_of_python_floats(make: Factory) -> None:
    opt = _optimizer()
    sched = make(opt)
    _run(sched, opt, 2)
    last = sched.get_last_lr()
    assert isinstance(last, list) and len(last) == len(opt.param_groups)
    assert all(type(v) is float for v in last)  # HF Trainer logs get_last_lr()[0] as JSON


@kinds
def test_state_dict_round_trips_through_weights_only_load(make: Factory) -> None:
    opt = _optimizer()
    sched = make(opt)
    expected = _run(sched, opt, 8)
    buffer = io.BytesIO()
    torch.save({"scheduler": sched.state_dict(), "optimizer": opt.state_dict()}, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer, weights_only=True)  # what HF Trainer and Lightning do

    opt2 = _optimizer()
    sched2 = make(opt2)
    _run(sched2, opt2, 8)  # the rebuilt run went elsewhere first: loading must override it
    for _ in range(3):
        opt2.step()
        sched2.step()
    opt2.load_state_dict(loaded["optimizer"])
    sched2.load_state_dict(loaded["scheduler"])
    assert sched2.last_epoch == 8
    assert _values(opt2) == expected[-1]
    assert _run(sched2, opt2, 6) == _run(sched, opt, 6)


@kinds
def test_deepcopy_is_independent_and_continues_identically(make: Factory) -> None:
    opt = _optimizer()
    sched = make(opt)
    _run(sched, opt, 4)
    clone = copy.deepcopy(sched)
    assert clone.optimizer is not opt
    before = _values(opt)
    ahead = _run(clone, clone.optimizer, 5)
    assert _values(opt) == before  # stepping the copy leaves the original alone
    assert _run(sched, opt, 5) == ahead


@kinds
def test_pickle_round_trip_continues_identically(make: Factory) -> None:
    opt = _optimizer()
    sched = make(opt)
    _run(sched, opt, 4)
    restored = pickle.loads(pickle.dumps(sched))
    assert isinstance(restored, LRScheduler)
    assert restored.last_epoch == 4
    assert _values(restored.optimizer) == _values(opt)
    assert _run(restored, restored.optimizer, 6) == _run(sched, opt, 6)


@pytest.mark.parametrize(
    "make",
    [_curve, _adapted, _registry, _sequence],
    ids=["CurveSchedule", "AdaptedSchedule", "CurveSchedule(absolute)", "SequentialSchedule"],
)
def test_step_count_can_be_incremented_like_accelerate_does(make: Factory) -> None:
    # accelerate's AcceleratedScheduler.step does ``scheduler._step_count += 1`` on the
    # micro-steps of gradient accumulation it skips; that must not change the values.
    opt = _optimizer()
    sched = make(opt)
    before = (sched.last_epoch, _values(opt))
    count = sched._step_count
    sched._step_count += 1
    assert sched._step_count == count + 1
    assert (sched.last_epoch, _values(opt)) == before


def test_synchronous_step_count_can_be_incremented() -> None:
    opt = _optimizer()
    sched = _synchronous(opt)
    before = [s._step_count for s in sched.schedules.values()]
    sched._step_count += 1
    assert [s._step_count for s in sched.schedules.values()] == [b + 1 for b in before]
