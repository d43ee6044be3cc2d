"""``SynchronousSchedule``: step several schedules of one optimizer in lockstep.

Each schedule is named by the key it drives (``schedule_target``; ``"lr"`` for a plain torch
scheduler). A key takes one schedule, or several built with disjoint ``groups=`` (each drives
its own param groups of the key); the whole set saves and loads as one state dict
``{name: schedule_state}``, where ``name`` is the key, or ``"<key> (groups [i, j])"`` for each
of several schedules of one key.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from .adapter import ParamGroupAdapter, is_metric_driven, restore, snapshot, split_metrics
from .binding import LastValues, RefusesTorchSequentialLR
from .errors import LookupKeyError, ScheduleConflictError, add_note
from .state import describe, torch_state_mismatch

__all__ = [
    "SynchronousSchedule",
    "checkpoint",
    "prepare_load",
    "rollback",
    "root_optimizer",
    "schedule_groups",
    "schedule_name",
]


def schedule_name(schedule: Any) -> str:
    """The key a scheduler drives: its ``schedule_target``, else ``"lr"``."""
    target = getattr(schedule, "schedule_target", None)
    if isinstance(target, str):
        return target
    optimizer = getattr(schedule, "optimizer", None)
    if isinstance(optimizer, ParamGroupAdapter):
        return optimizer.schedule_target
    return "lr"


def schedule_groups(schedule: Any) -> tuple[int, ...] | None:
    """The param-group indices a scheduler drives (its ``groups``), ``None`` for all groups."""
    groups = getattr(schedule, "groups", None)
    if isinstance(groups, tuple) and groups and all(type(i) is int for i in groups):
        return groups
    return None


def member_name(key: str, groups: tuple[int, ...] | None) -> str:
    """The name of one of several schedules of ``key`` in a synchronizer and its state dict."""
    return key if groups is None else f"{key} (groups {list(groups)})"


def _overlap(a: tuple[int, ...] | None, b: tuple[int, ...] | None) -> int | None:
    """The first param group that both selections drive (``None``: every group), if any."""
    if a is None or b is None:
        other = b if a is None else a
        return 0 if other is None else other[0]
    common = sorted(set(a) & set(b))
    return common[0] if common else None


def root_optimizer(schedule: Any) -> Any:
    optimizer = getattr(schedule, "optimizer", None)
    while isinstance(optimizer, ParamGroupAdapter):
        optimizer = optimizer.optimizer
    return optimizer


def prepare_load(schedule: Any, state: Any) -> Callable[[], None]:
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
    """A function returning what :func:`rollback` needs to undo ``schedule``'s next step."""
    own = getattr(schedule, "_checkpoint", None)
    return own if own is not None else functools.partial(checkpoint, schedule)


def checkpoint(schedule: Any) -> Any:
    """What :func:`rollback` needs to undo the next step of ``schedule``."""
    own = getattr(schedule, "_checkpoint", None)
    if own is not None:
        return own()
    # A plain torch scheduler on 'lr': its state, and the lrs it wrote (Tensors cloned).
    values = [
        g["lr"].clone() if isinstance(g["lr"], torch.Tensor) else g["lr"]
        for g in schedule.optimizer.param_groups
    ]
    return snapshot(schedule), values


def rollback(schedule: Any, token: Any) -> None:
    """Undo a step of ``schedule`` with the token :func:`checkpoint` returned before it."""
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


class SynchronousSchedule(RefusesTorchSequentialLR, LastValues, LRScheduler):  # type: ignore[misc,override]
    """Step several schedules of one optimizer together; save and load them as one.

    Args:
        schedules: schedulers of the same optimizer: ScheduleAnything schedules, schedules from
            :func:`arbitrary_schedule_factory`, or plain torch schedulers (named ``"lr"``).
            Several schedules may drive one key when they were built with disjoint
            ``groups=`` (a frozen backbone warming up while the head follows a cosine).

    Raises:
        ScheduleConflictError: (a ``ValueError`` and a ``RuntimeError``, as in 1.x) two
            schedules drive the same key in the same param group (the message
            names the key and the group).
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
        >>> opt.step()
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
        by_key: dict[str, list[LRScheduler]] = {}
        optimizer: Optimizer | None = None
        for position, schedule in enumerate(schedules):
            if not isinstance(schedule, LRScheduler):
                raise TypeError(
                    f"schedules[{position}] is {type(schedule).__name__}, not a torch LRScheduler"
                )
            name = schedule_name(schedule)
            mine = schedule_groups(schedule)
            for other in by_key.get(name, []):
                group = _overlap(schedule_groups(other), mine)
                if group is not None:
                    raise ScheduleConflictError(
                        f"two schedules drive {name!r} in param group {group} ({other!r} and "
                        f"{schedule!r}); each param group of a key can have only one schedule. "
                        f"Build them with disjoint groups=[...], combine them into one curve "
                        f"(e.g. a sequence) or drop one."
                    )
            root = root_optimizer(schedule)
            if optimizer is None:
                optimizer = root
            elif root is not optimizer:
                raise ValueError(
                    f"schedules[{position}] ({name!r}) acts on a different optimizer than "
                    f"schedules[0]; a SynchronousSchedule coordinates the schedules of one "
                    f"optimizer (use one SynchronousSchedule per optimizer)"
                )
            by_key.setdefault(name, []).append(schedule)
        named: dict[str, LRScheduler] = {}
        for schedule in schedules:
            key = schedule_name(schedule)
            alone = len(by_key[key]) == 1
            named[member_name(key, None if alone else schedule_groups(schedule))] = schedule
        #: Every schedule by its name: the key it drives, or ``"<key> (groups [...])"`` when
        #: several schedules share the key. The state dict uses these names.
        self.schedules = named
        self._by_key = by_key
        self.optimizer = optimizer  # type: ignore[assignment]
        self._plain = [s for s in named.values() if not is_metric_driven(s)]
        self._plain_steps = [(s, _checkpointer(s), s.step) for s in self._plain]
        self._metric_driven = [s for s in named.values() if is_metric_driven(s)]

    @property
    def schedule_names(self) -> list[str]:
        """The keys driven, in the order the schedules were given (each key once)."""
        return list(self._by_key)

    def step(self, epoch: Any = None, *, metrics: Any = None) -> None:  # type: ignore[override]
        """Step every schedule once (or to ``epoch``); pass ``metrics`` to metric-driven ones."""
        epoch, metrics = split_metrics(
            bool(self._metric_driven),
            epoch,
            metrics,
            f"none of the schedules {self.schedule_names} is metric-driven",
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
                for schedule, take_checkpoint, step in self._plain_steps:
                    done.append((schedule, take_checkpoint()))
                    step()
            else:
                for schedule, take_checkpoint, step in self._plain_steps:
                    done.append((schedule, take_checkpoint()))
                    step(epoch)
            for schedule in self._metric_driven:
                done.append((schedule, checkpoint(schedule)))
                schedule.step(metrics=metrics)  # type: ignore[call-arg]
        except BaseException:
            for schedule, token in reversed(done):
                rollback(schedule, token)
            raise

    def get_last_schedule(self, name: str) -> list[Any]:
        """The last values of the key ``name``, one per param group of the optimizer.

        Merged, in group order, from the schedules of the key: group ``g`` holds the value of
        the schedule that drives ``g``. A group that no schedule of the key drives (possible
        only with ``groups=``) reads as its current value (a float), or ``None`` where it does
        not hold the key. A member's name (``"lr (groups [0])"``) gives that schedule's own
        :meth:`get_last_lr`.
        """
        members = self._by_key.get(name)
        if members is None:
            if name in self.schedules:
                return list(self.schedules[name].get_last_lr())
            raise LookupKeyError(
                f"no schedule drives {name!r}; the scheduled keys are {self.schedule_names}"
            )
        values = list(members[0].get_last_lr())
        for member in members[1:]:
            theirs = member.get_last_lr()
            for index in schedule_groups(member) or range(len(theirs)):
                values[index] = theirs[index]
        return values

    @property
    def needs_metrics(self) -> bool:
        """Whether ``step`` needs ``metrics=`` (a member is metric-driven)."""
        return bool(self._metric_driven)

    def get_last_lr(self) -> list[Any]:  # type: ignore[override]
        """The learning rates: the ``lr`` schedules' last values, else the optimizer's lr."""
        if "lr" in self._by_key:
            return self.get_last_schedule("lr")
        return [
            float(g["lr"].item()) if hasattr(g["lr"], "item") else g["lr"]
            for g in self.optimizer.param_groups
        ]

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
        members = self._by_key.get("lr", [])
        if len(members) == 1 and schedule_groups(members[0]) is None:
            return list(members[0].base_lrs)
        # One per param group: the base of the schedule driving it, else its recorded lr.
        out = [g.get("initial_lr", g["lr"]) for g in self.optimizer.param_groups]
        for member in members:
            indices = schedule_groups(member)
            if indices is not None:
                for index, base in zip(indices, member.base_lrs):
                    out[index] = base
        return out

    def state_dict(self) -> dict[str, Any]:
        """``{name: schedule.state_dict()}``; plain data (``torch.load(weights_only=True)``).

        ``name`` is the key a schedule drives, or ``"<key> (groups [i, j])"`` for each of
        several schedules of one key (see :attr:`schedules`); each schedule's own dict records
        its ``groups`` too.
        """
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
                f"state dict does not match this SynchronousSchedule of {list(self.schedules)}: "
                + "; ".join(parts)
            )
        # Every schedule checks its part first; only then do they all load (all or nothing).
        applies = []
        for name, schedule in self.schedules.items():
            try:
                applies.append(prepare_load(schedule, state_dict[name]))
            except (KeyError, ValueError, TypeError) as exc:
                add_note(exc, f"[torch_schedule_anything] while loading the schedule of {name!r}")
                raise
        for apply in applies:
            apply()

    def __repr__(self) -> str:
        inner = ", ".join(repr(s) for s in self.schedules.values())
        return f"SynchronousSchedule([{inner}])"
