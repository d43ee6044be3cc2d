"""Accelerate: ``accelerator.prepare(schedule)`` and how the prepared wrapper steps it.

``AcceleratedScheduler.step()`` steps the schedule once per optimizer update when
``split_batches=True`` or ``step_scheduler_with_optimizer=False`` and ``num_processes`` times
otherwise; under gradient accumulation it skips the micro-steps (adding 1 to ``_step_count``).
The multi-process count is exercised in one process by making ``AcceleratorState`` report two
processes to the wrapper (the code path is the one a 2-process launch runs).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import torch
from closed_form import cosine_warmup, linear_warmup

import torch_schedule_anything as sa

accelerate = pytest.importorskip(
    "accelerate",
    reason="accelerate is installed only by `nox -s integration` (which fails if it is missing), "
    "not by the default test session",
)
from accelerate.scheduler import AcceleratedScheduler  # noqa: E402
from accelerate.state import AcceleratorState, GradientState  # noqa: E402

pytestmark = pytest.mark.integration

L, M = 2, 8


@pytest.fixture(autouse=True)
def fresh_state() -> Iterator[None]:
    """Accelerate keeps process-wide singletons; give every test its own."""
    AcceleratorState._reset_state(True)
    GradientState._reset_state()
    yield
    AcceleratorState._reset_state(True)
    GradientState._reset_state()


def _setup(**accelerator_kwargs: Any) -> tuple[Any, Any, Any, Any, sa.CurveSchedule]:
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    opt = torch.optim.AdamW(model.parameters(), lr=0.1, weight_decay=0.01)
    sched = sa.cosine_annealing_with_warmup(opt, 1.0, 0.1, L, M)
    acc = accelerate.Accelerator(cpu=True, **accelerator_kwargs)
    p_model, p_opt, p_sched = acc.prepare(model, opt, sched)
    return acc, p_model, p_opt, p_sched, sched


def _update(acc: Any, model: Any, opt: Any, sched: Any, seed: int) -> None:
    x = torch.randn(4, 4, generator=torch.Generator().manual_seed(seed))
    with acc.accumulate(model):
        acc.backward(model(x).pow(2).mean())
        opt.step()
        sched.step()
        opt.zero_grad()


def _lr(opt: Any) -> float:
    return float(opt.param_groups[0]["lr"])


def test_prepare_wraps_and_steps_once_per_update_in_one_process() -> None:
    acc, model, opt, p_sched, sched = _setup()
    assert isinstance(p_sched, AcceleratedScheduler) and p_sched.scheduler is sched
    assert sa.accelerate_steps_per_update(acc) == 1
    seen = []
    for step in range(M + 1):
        seen.append(_lr(opt))
        _update(acc, model, opt, p_sched, step)
    assert seen == pytest.approx([0.1 * cosine_warmup(t, 1.0, 0.1, L, M) for t in range(M + 1)])
    assert p_sched.get_last_lr() == sched.get_last_lr()


def test_two_processes_step_the_schedule_twice_per_update(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    acc, model, opt, p_sched, sched = _setup()
    monkeypatch.setattr(
        accelerate.scheduler, "AcceleratorState", lambda: SimpleNamespace(num_processes=2)
    )
    monkeypatch.setattr(type(acc), "num_processes", property(lambda self: 2))
    k = sa.accelerate_steps_per_update(acc)
    assert k == 2
    for step in range(3):
        _update(acc, model, opt, p_sched, step)
    assert sched.last_epoch == 3 * k  # the schedule ran twice as fast as the updates


def test_scaled_horizons_give_the_intended_schedule_under_two_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    acc = accelerate.Accelerator(cpu=True)
    monkeypatch.setattr(type(acc), "num_processes", property(lambda self: 2))
    monkeypatch.setattr(
        accelerate.scheduler, "AcceleratorState", lambda: SimpleNamespace(num_processes=2)
    )
    k = sa.accelerate_steps_per_update(acc)
    # Horizons in optimizer updates × k: the prepared wrapper's k steps per update cancel out.
    sched = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, L * k, M * k)
    model, opt, p_sched = acc.prepare(model, opt, sched)
    seen = []
    for step in range(M + 1):
        seen.append(_lr(opt))
        _update(acc, model, opt, p_sched, step)
    assert seen == pytest.approx([0.1 * linear_warmup(t, 1.0, 0.0, L, M) for t in range(M + 1)])


def test_step_scheduler_with_optimizer_false_steps_once_per_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    acc, model, opt, p_sched, sched = _setup(step_scheduler_with_optimizer=False)
    monkeypatch.setattr(type(acc), "num_processes", property(lambda self: 2))
    assert sa.accelerate_steps_per_update(acc) == 1
    for step in range(3):
        _update(acc, model, opt, p_sched, step)
    assert sched.last_epoch == 3


def test_gradient_accumulation_steps_per_update_not_per_micro_batch() -> None:
    acc, model, opt, p_sched, sched = _setup(gradient_accumulation_steps=2)
    seen = []
    for micro in range(8):
        seen.append(_lr(opt))
        _update(acc, model, opt, p_sched, micro)
    # 8 micro-batches = 4 updates; the value changes only at update boundaries.
    expected = [0.1 * cosine_warmup(m // 2, 1.0, 0.1, L, M) for m in range(8)]
    assert seen == pytest.approx(expected)
    assert sched.last_epoch == 4


def test_gradient_accumulation_with_a_synchronous_schedule() -> None:
    # The wrapper would add 1 to ``_step_count`` on skipped micro-batches if the state's
    # ``adjust_scheduler`` were on; in accelerate 1.x it reads False for the default plugin,
    # so the read-only ``SynchronousSchedule._step_count`` is not reached (see test_protocol).
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    opt = torch.optim.AdamW(model.parameters(), lr=0.1, weight_decay=0.01)
    sync = sa.SynchronousSchedule(
        [
            sa.cosine_annealing_with_warmup(opt, 1.0, 0.1, L, M),
            sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 0, M, "weight_decay"),
        ]
    )
    acc = accelerate.Accelerator(cpu=True, gradient_accumulation_steps=2)
    model, opt, p_sched = acc.prepare(model, opt, sync)
    seen = []
    for micro in range(4):
        group = opt.param_groups[0]
        seen.append((float(group["lr"]), float(group["weight_decay"])))
        _update(acc, model, opt, p_sched, micro)
    assert sync.last_epoch == 2
    assert [lr for lr, _ in seen] == pytest.approx(
        [0.1 * cosine_warmup(m // 2, 1.0, 0.1, L, M) for m in range(4)]
    )
    assert [wd for _, wd in seen] == pytest.approx(
        [0.01 * linear_warmup(m // 2, 1.0, 0.0, 0, M) for m in range(4)]
    )


def test_save_state_and_load_state_resume_exactly(tmp_path: Path) -> None:
    acc, model, opt, p_sched, _ = _setup()
    for step in range(3):
        _update(acc, model, opt, p_sched, step)
    acc.save_state(str(tmp_path / "state"))
    ahead = []
    for step in range(3, 7):
        _update(acc, model, opt, p_sched, step)
        ahead.append(_lr(opt))

    AcceleratorState._reset_state(True)
    GradientState._reset_state()
    acc2, model2, opt2, p_sched2, sched2 = _setup()
    acc2.load_state(str(tmp_path / "state"))
    assert sched2.last_epoch == 3
    resumed = []
    for step in range(3, 7):
        _update(acc2, model2, opt2, p_sched2, step)
        resumed.append(_lr(opt2))
    assert resumed == ahead
