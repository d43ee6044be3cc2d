"""What torch's ``LambdaLR`` does with ``last_epoch``, for the drop-ins built on it.

HF's schedules are ``LambdaLR`` objects and detectron2's ``LRMultiplier`` resumes the same way:
``last_epoch = -1`` starts a run, ``last_epoch = k >= 0`` resumes after step ``k`` and needs the
record (``initial_lr``) in every group, which torch refuses to guess.
"""

from __future__ import annotations

from typing import Any

from ..binding import Binding, record_name
from ..curve_schedule import CurveSchedule
from ..curves.base import Curve
from ..errors import LookupKeyError

__all__ = ["bind_like_lambda_lr"]


def bind_like_lambda_lr(
    optimizer: Any, curve: Curve, last_epoch: Any, schedule_target: str
) -> CurveSchedule:
    """A :class:`CurveSchedule` of ``curve`` at HF's (``LambdaLR``'s) starting step.

    ``last_epoch = -1``: λ(0) is written. ``last_epoch = k >= 0`` (resuming, as torch): every
    group must hold the record of the key (``initial_lr`` / ``initial_<key>``), and the
    schedule starts at step ``k + 1``, as a ``LambdaLR`` built with ``last_epoch=k`` does.
    """
    if isinstance(last_epoch, bool) or not isinstance(last_epoch, int) or last_epoch < -1:
        raise ValueError(
            f"last_epoch must be an int >= -1 (-1: a fresh schedule; k >= 0: resume after "
            f"step k), got {last_epoch!r}"
        )
    if last_epoch >= 0:
        binding = Binding(optimizer, schedule_target, owner=f"the schedule of {schedule_target!r}")
        index = binding.first_unrecorded()
        if index is not None:
            raise LookupKeyError(
                f"param {record_name(binding.key)!r} is not specified in "
                f"param_groups[{index}] when resuming the schedule of "
                f"{schedule_target!r} with last_epoch={last_epoch} >= 0 (torch's rule): "
                f"load the optimizer's state dict, which holds the record, before building "
                f"the schedule, or pass last_epoch=-1 for a fresh run"
            )
    schedule = CurveSchedule(optimizer, curve, schedule_target)
    if last_epoch >= 0:
        schedule.step(last_epoch + 1)
        schedule._step_count = 1  # as torch's after construction: one (initial) step
    return schedule
