"""``SynchronousSchedule``: step several schedules of one optimizer in lockstep.

Each schedule is named by the key it drives (``schedule_target``; ``"lr"`` for a plain torch
scheduler), each key has at most one schedule, and the whole set saves and loads as one state
dict ``{name: schedule_state}``.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

from .adapter import AdaptedSchedule, ParamGroupAdapter, restore, snapshot
from .binding import RefusesTorchSequentialLR
from .errors import LookupKeyError, add_note
from .state import describe, torch_state_mismatch

__all__ = ["SynchronousSchedule", "schedule_name"]


def schedule_name(schedule: Any) -> str:
    """The key a scheduler drives: its ``schedule_target``, else ``"lr"``."""
    target = getattr(schedule, "schedule_target", None)
    if isinstance(target, str):
        return target
    optimizer = getattr(schedule, "optimizer", None)
    if isinstance(optimizer, ParamGroupAdapter):
        return optimizer.schedule_target
    return "lr"


def _root_optimizer(schedule: Any) -> Any:
    optimizer = getattr(schedule, "optimizer", None)
    while isinstance(optimizer, ParamGroupAdapter):
        optimizer = optimizer.optimizer
    return optimizer


def _needs_metrics(schedule: Any) -> bool:
    if isinstance(schedule, ReduceLROnPlateau):
        return True
    if isinstance(schedule, AdaptedSchedule):
        return isinstance(schedule.scheduler, ReduceLROnPlateau)
    return bool(getattr(schedule, "needs_metrics", False))


def _prepare_load(schedule: Any, state: Any) -> Callable[[], None]:
    """Check ``state`` for ``schedule``; return the function that loads it."""
    own = getattr(schedule, "_prepare_load", None)
    if own is not None:
        return own(state)  # type: ignore[no-any-return]
    # A plain torch scheduler: its dict is checked field by field against its own.
    current = schedule.state_dict()
    why = torch_state_mismatch(state, current, "", len(schedule.optimizer.param_groups))
    if why:
        found = describe(state) if isinstance(state, Mapping) else type(state).__name__
        raise ValueError(
            f"this is not the state of the {type(schedule).__name__} of this "
            f"SynchronousSchedule: {why}. It looks like {found}"
        )
    loaded = copy.deepcopy(dict(state))
    return lambda: schedule.load_state_dict(loaded)


def _checkpointer(schedule: Any) -> Any:
    """A function returning what :func:`_rollback` needs to undo ``schedule``'s next step."""
    own = getattr(schedule, "_checkpoint", None)
    return own if own is not None else functools.partial(_checkpoint, schedule)


def _checkpoint(schedule: Any) -> Any:
    """What :func:`_rollback` needs to undo the next step of ``schedule``."""
    own = getattr(schedule, "_checkpoint", None)
    if own is not None:
        return own()
    # A plain torch scheduler on 'lr': its state, and the lrs it wrote (Tensors cloned).
    values = [
        g["lr"].clone() if isinstance(g["lr"], torch.Tensor) else g["lr"]
        for g in schedule.optimizer.param_groups
    ]
    return snapshot(schedule), values


def _rollback(schedule: Any, token: Any) -> None:
    own = getattr(schedule, "_rollback", None)
    if own is not None:
        own(token)
        return
    state, values = token
    restore(schedule, state)
    for group, value in zip(schedule.optimizer.param_groups, values):
        if isinstance(group["lr"], torch.Tensor):
            group["lr"].copy_(value)
        else:
            group["lr"] = value


class SynchronousSchedule(RefusesTorchSequentialLR, LRScheduler):
    """Step several schedules of one optimizer together; save and load them as one.

    Args:
        schedules: schedulers of the same optimizer: ScheduleAnything schedules, schedules from
            :func:`arbitrary_schedule_factory`, or plain torch schedulers (named ``"lr"``).

    Raises:
        RuntimeError: two schedules drive the same key.
        ValueError: the schedules act on different optimizers, or the list is empty.
        TypeError: an element is not an ``LRScheduler``.

    ``step()`` advances every schedule by one; ``step(epoch)`` sets their step. Metric-driven
    schedules (``ReduceLROnPlateau``) receive ``metrics``: ``sync.step(metrics=val_loss)``;
    when one is present, a positional value is taken as the metric (what Lightning passes).

    Example:
        >>> import torch, torch_schedule_anything as sa
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
        >>> sync = sa.SynchronousSchedule([
        ...     sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 0, 10),
        ...     sa.constant_schedule(opt, 2.0, schedule_target="weight_decay"),
        ... ])
        >>> sync.schedule_names
        ['lr', 'weight_decay']
        >>> sync.step()
        >>> sync.get_last_schedule("weight_decay")
        [0.02]
    """

    def __init__(self, schedules: Sequence[LRScheduler]) -> None:
        if isinstance(schedules, LRScheduler) or not isinstance(schedules, Sequence):
            raise TypeError(
                "SynchronousSchedule takes a list of schedulers, e.g. "
                "SynchronousSchedule([lr_schedule, wd_schedule])"
            )
        if not schedules:
            raise ValueError("SynchronousSchedule needs at least one schedule")
        named: dict[str, LRScheduler] = {}
        optimizer: Optimizer | None = None
        for position, schedule in enumerate(schedules):
            if not isinstance(schedule, LRScheduler):
                raise TypeError(
                    f"schedules[{position}] is {type(schedule).__name__}, not a torch LRScheduler"
                )
            name = schedule_name(schedule)
            if name in named:
                raise RuntimeError(
                    f"two schedules drive {name!r} ({named[name]!r} and {schedule!r}); each key "
                    f"can have only one schedule. Combine them into one curve (e.g. a sequence) "
                    f"or drop one."
                )
            root = _root_optimizer(schedule)
            if optimizer is None:
                optimizer = root
            elif root is not optimizer:
                raise ValueError(
                    f"schedules[{position}] ({name!r}) acts on a different optimizer than "
                    f"schedules[0]; a SynchronousSchedule coordinates the schedules of one "
                    f"optimizer (use one SynchronousSchedule per optimizer)"
                )
            named[name] = schedule
        self.schedules = named
        self.optimizer = optimizer  # type: ignore[assignment]
        self._plain = [s for s in named.values() if not _needs_metrics(s)]
        self._plain_steps = [(s, _checkpointer(s), s.step) for s in self._plain]
        self._metric_driven = [s for s in named.values() if _needs_metrics(s)]

    @property
    def schedule_names(self) -> list[str]:
        """The keys driven, in the order the schedules were given."""
        return list(self.schedules)

    def step(self, epoch: Any = None, *, metrics: Any = None) -> None:  # type: ignore[override]
        """Step every schedule once (or to ``epoch``); pass ``metrics`` to metric-driven ones."""
        if self._metric_driven and metrics is None and epoch is not None:
            metrics, epoch = epoch, None
        if metrics is not None and not self._metric_driven:
            raise ValueError(
                f"metrics were given but none of the schedules {self.schedule_names} is "
                f"metric-driven (ReduceLROnPlateau)"
            )
        if self._metric_driven and metrics is None:
            names = [schedule_name(s) for s in self._metric_driven]
            raise ValueError(
                f"the metric-driven schedule(s) {names} need a metric: call "
                f"sync.step(metrics=val_loss)"
            )
        # All or nothing: when a schedule rejects its values, the ones stepped before it are
        # rolled back, so the keys never drift apart.
        done: list[tuple[Any, Any]] = []
        try:
            if epoch is None:
                for schedule, checkpoint, step in self._plain_steps:
                    done.append((schedule, checkpoint()))
                    step()
            else:
                for schedule, checkpoint, step in self._plain_steps:
                    done.append((schedule, checkpoint()))
                    step(epoch)
            for schedule in self._metric_driven:
                done.append((schedule, _checkpoint(schedule)))
                schedule.step(metrics)
        except BaseException:
            for schedule, token in reversed(done):
                _rollback(schedule, token)
            raise

    def get_last_schedule(self, name: str) -> list[Any]:
        """The last values written by the schedule of ``name``, one per param group."""
        if name not in self.schedules:
            raise LookupKeyError(
                f"no schedule drives {name!r}; the scheduled keys are {self.schedule_names}"
            )
        return list(self.schedules[name].get_last_lr())

    def get_last_lr(self) -> list[Any]:  # type: ignore[override]
        """The learning rates: the ``lr`` schedule's last values, else the optimizer's lr."""
        if "lr" in self.schedules:
            return self.get_last_schedule("lr")
        return [
            float(g["lr"].item()) if hasattr(g["lr"], "item") else g["lr"]
            for g in self.optimizer.param_groups
        ]

    def get_lr(self) -> list[Any]:  # type: ignore[override]
        return self.get_last_lr()

    @property
    def _last_lr(self) -> list[Any]:  # type: ignore[override,assignment,misc]
        return self.get_last_lr()

    @property
    def last_epoch(self) -> int:  # type: ignore[override,assignment,misc]
        """The step of the schedules (they move in lockstep)."""
        return int(next(iter(self.schedules.values())).last_epoch)

    @property
    def _step_count(self) -> int:  # type: ignore[override,assignment,misc]
        return int(getattr(next(iter(self.schedules.values())), "_step_count", 0))

    @_step_count.setter
    def _step_count(self, value: int) -> None:
        # Accelerate adjusts ``_step_count`` of a prepared scheduler; keep the children in step.
        delta = int(value) - self._step_count
        for schedule in self.schedules.values():
            schedule._step_count = int(getattr(schedule, "_step_count", 0)) + delta

    @property
    def base_lrs(self) -> list[Any]:  # type: ignore[override]
        if "lr" in self.schedules:
            return list(self.schedules["lr"].base_lrs)
        return [g.get("initial_lr", g["lr"]) for g in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """``{name: schedule.state_dict()}``; plain data (``torch.load(weights_only=True)``)."""
        return {name: schedule.state_dict() for name, schedule in self.schedules.items()}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Load every schedule's state; a missing or extra schedule raises ``ValueError``."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"state_dict must be a mapping, got {type(state_dict).__name__}")
        missing = [n for n in self.schedules if n not in state_dict]
        extra = [n for n in state_dict if n not in self.schedules]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"it lacks the schedule(s) {missing}")
            if extra:
                parts.append(f"it has schedule(s) {extra} that this synchronizer does not")
            raise ValueError(
                f"state dict does not match this SynchronousSchedule of {self.schedule_names}: "
                + "; ".join(parts)
            )
        # Every schedule checks its part first; only then do they all load (all or nothing).
        applies = []
        for name, schedule in self.schedules.items():
            try:
                applies.append(_prepare_load(schedule, state_dict[name]))
            except (KeyError, ValueError, TypeError) as exc:
                add_note(exc, f"[torch_schedule_anything] while loading the schedule of {name!r}")
                raise
        for apply in applies:
            apply()

    def __repr__(self) -> str:
        inner = ", ".join(repr(s) for s in self.schedules.values())
        return f"SynchronousSchedule([{inner}])"
