"""curve_schedule.py: CurveSchedule, the LRScheduler that binds a curve to a key per group."""

from __future__ import annotations

import pytest
import torch
from torch.optim.lr_scheduler import LambdaLR

import torch_schedule_anything as sa
from torch_schedule_anything.curve_schedule import as_curve
from torch_schedule_anything.curves import FunctionCurve, LinearWarmup, Multiplier


def _sgd(*lrs: float) -> torch.optim.SGD:
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs]
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9)


def test_timing_and_values_equal_lambda_lr_per_group() -> None:
    # Invariant 2 (PyTorch's timing) and 1 (closed form): the values of LambdaLR, bitwise.
    def fn(t: int) -> float:
        return 0.9**t

    opt, ref_opt = _sgd(0.1, 0.03), _sgd(0.1, 0.03)
    schedule, ref = sa.CurveSchedule(opt, FunctionCurve(fn)), LambdaLR(ref_opt, fn)
    for _ in range(20):
        assert [g["lr"] for g in opt.param_groups] == [g["lr"] for g in ref_opt.param_groups]
        assert schedule.get_last_lr() == ref.get_last_lr()
        opt.step(), ref_opt.step()
        schedule.step(), ref.step()
    schedule.step(3)  # step(epoch) sets t
    assert schedule.last_epoch == 3 and schedule.get_last_lr() == [0.1 * fn(3), 0.03 * fn(3)]
    assert schedule.value_at(5) == [0.1 * fn(5), 0.03 * fn(5)]


def test_tensor_values_are_filled_in_place() -> None:
    lr = torch.tensor(0.1)
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    schedule = sa.CurveSchedule(opt, Multiplier(LinearWarmup(1.0, 4)))
    opt.step()
    schedule.step()
    assert opt.param_groups[0]["lr"] is lr and lr.item() == pytest.approx(0.025)


def test_any_key_records_its_own_base() -> None:
    opt = _sgd(0.1, 0.2)
    schedule = sa.CurveSchedule(opt, lambda t: 0.5, "momentum")
    assert [g["initial_momentum"] for g in opt.param_groups] == [0.9, 0.9]
    assert [g["momentum"] for g in opt.param_groups] == [0.45, 0.45]
    assert "initial_lr" not in opt.param_groups[0] and schedule.base_lrs == [0.9, 0.9]


def test_as_curve_explains_what_it_cannot_bind() -> None:
    with pytest.raises(TypeError, match="pass an instance"):
        as_curve(LinearWarmup)

    class Progress:
        def __call__(self, where: float) -> float:
            return 1.0 - where

    with pytest.raises(TypeError, match="training progress"):
        as_curve(Progress())
    assert isinstance(as_curve(lambda t: 1.0), FunctionCurve)


def test_an_absolute_curve_on_groups_that_differ_is_an_explicit_choice() -> None:
    opt = _sgd(0.1, 0.01)
    with pytest.raises(ValueError, match="one_value_for_all_groups"):
        sa.CurveSchedule(opt, LinearWarmup(1.0, 4))
    assert "initial_lr" not in opt.param_groups[0]  # a refused construction records nothing
    sa.CurveSchedule(opt, LinearWarmup(1.0, 4), one_value_for_all_groups=True)
    assert [g["lr"] for g in opt.param_groups] == [0.0, 0.0]
