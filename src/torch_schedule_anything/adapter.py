"""Run any torch scheduler on any param-group key: ``arbitrary_schedule_factory``.

A torch scheduler only knows ``group["lr"]``. The adapter hands it a stand-in optimizer whose
param groups are small private dicts: ``"lr"`` there mirrors the target key of the real group,
and every other key the scheduler writes (``initial_lr``, ``max_lr`` ...) stays private to that
one schedule, so several schedules on one optimizer never collide. Before each step the target
values are copied in, after it they are copied out (Tensors are shared, so their ``fill_``
lands in the real tensor). The stand-in dicts are plain ``dict``s: the foreign scheduler runs
at its native speed.

The returned :class:`AdaptedSchedule` is itself an ``LRScheduler`` whose ``.optimizer`` is the
real optimizer (what Lightning checks); the foreign scheduler is ``.scheduler`` and its
attributes are readable through the wrapper (``s.step_size``).

With ``groups=`` the stand-in holds only the selected groups, in the optimizer's order: the
foreign scheduler sees an optimizer of ``len(groups)`` groups (per-group arguments such as
OneCycleLR's ``max_lr`` list have one entry per selected group), exactly as if it ran on an
optimizer holding only those groups.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

from .binding import Binding, GroupSelection, LastValues, check_step_order, refuse_torch_composite
from .errors import add_note
from .param_groups import as_float
from .state import (
    KIND,
    check_groups,
    check_identity,
    describe,
    read_floats,
    read_step,
    require_mapping,
    torch_state_mismatch,
)

__all__ = [
    "AdaptedSchedule",
    "ParamGroupAdapter",
    "arbitrary_schedule_factory",
    "is_metric_driven",
    "restore",
    "snapshot",
    "split_metrics",
]


class ParamGroupAdapter(Optimizer):
    """A stand-in optimizer that shows ``schedule_target`` as ``"lr"`` to a torch scheduler.

    It is not an optimizer: ``step``, ``state_dict`` and ``load_state_dict`` raise. Use it only
    through :func:`arbitrary_schedule_factory`.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedule_target: str,
        binding: Binding | None = None,
        *,
        share_record: bool = True,
    ) -> None:
        # Deliberately no Optimizer.__init__: this object owns no parameters or state.
        self.optimizer = optimizer
        self.schedule_target = schedule_target
        if binding is None:
            owner = f"a schedule of {schedule_target!r}"
            binding = Binding(optimizer, schedule_target, owner=owner)
        self._binding = binding
        self._slot = binding.slot
        self.defaults = (
            {"lr": self._slot.read(optimizer.defaults)}
            if (self._slot.key in optimizer.defaults)
            else {}
        )
        self.param_groups = [
            {"lr": self._slot.read(group), "params": group["params"]}
            for group in binding.groups()  # the driven groups (all, or the selected ones)
        ]
        if share_record:
            # Where the key has a record (see .binding), the stand-in shows it as
            # ``initial_lr``: a torch scheduler reads it as its base, exactly as it reads
            # ``initial_lr`` of a real optimizer.
            for shadow, recorded, base in zip(self.param_groups, binding.recorded(), binding.bases):
                if recorded:
                    shadow["initial_lr"] = base
        self.pull()
        self.state: dict[Any, Any] = {}  # type: ignore[override,assignment,misc]

    @property
    def _opt_called(self) -> bool:
        # torch warns when a scheduler steps before its optimizer; the stand-in is never
        # stepped, the real optimizer is. Report "called" so the warning is not a false alarm.
        return True

    @_opt_called.setter
    def _opt_called(self, value: bool) -> None:
        pass

    def pull(self) -> None:
        """Copy the real target values into the stand-in groups (before a scheduler step).

        A Tensor value is copied into a private Tensor of the stand-in (same dtype, so the
        torch scheduler computes exactly as on the real one); :meth:`push` checks what the
        scheduler wrote before anything reaches the real optimizer.
        """
        real = self._binding.groups()  # also checks that the number of groups still matches
        slot = self._slot
        tensor = torch.Tensor
        for shadow, group in zip(self.param_groups, real):
            value = group[slot.key] if slot.index is None else slot.read(group)
            if type(value) is float or not isinstance(value, tensor):
                shadow["lr"] = value
                continue
            mine = shadow["lr"]
            if (
                isinstance(mine, tensor)
                and mine is not value
                and mine.dtype == value.dtype
                and mine.device == value.device
                and mine.shape == value.shape
            ):
                mine.copy_(value)
            else:
                shadow["lr"] = value.detach().clone()

    def push(self, step: int | None = None) -> None:
        """Write the stand-in ``lr`` values to the real target, each checked first."""
        self._binding.write_each([shadow["lr"] for shadow in self.param_groups], step)

    def step(self, closure: Callable[[], float] | None = None) -> None:  # type: ignore[override]
        raise NotImplementedError(
            "ParamGroupAdapter is a stand-in for a scheduler, not an optimizer; step the real "
            "optimizer"
        )

    def state_dict(self) -> dict[str, Any]:  # type: ignore[override]
        raise NotImplementedError("save the real optimizer's state_dict, not the adapter's")

    def load_state_dict(self, state_dict: Any) -> None:  # type: ignore[override]
        raise NotImplementedError("load the real optimizer's state_dict, not the adapter's")

    def __getstate__(self) -> dict[str, Any]:  # type: ignore[override]
        # Optimizer.__getstate__ keeps only defaults/state/param_groups, which would drop the
        # link to the real optimizer: copy and pickle would give a stand-in that cannot step.
        # "step" is the wrapper a torch scheduler sets on the instance; like torch, drop it.
        return {k: v for k, v in self.__dict__.items() if k != "step"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __repr__(self) -> str:
        return f"ParamGroupAdapter({type(self.optimizer).__name__}, {self.schedule_target!r})"


# torch schedulers wrap ``optimizer.step`` on the instance to detect the call order, and warn
# when the wrapper is missing (after copy or pickle). The stand-in is never stepped and reports
# ``_opt_called``; marking its ``step`` as wrapped keeps torch from patching it at all.
ParamGroupAdapter.step._wrapped_by_lr_sched = True  # type: ignore[attr-defined]


def snapshot(scheduler: Any) -> Any:
    """What :func:`restore` needs to undo a step of a torch scheduler.

    A shallow copy of its ``__dict__`` (torch's schedulers reassign what a step changes: the
    count, ``_last_lr``, ReduceLROnPlateau's counters); composites (``SequentialLR``,
    ``ChainedScheduler``) step their children too, so their whole state dict is kept.
    """
    if hasattr(scheduler, "_schedulers"):
        return copy.deepcopy(scheduler.state_dict())
    return dict(scheduler.__dict__)


def restore(scheduler: Any, token: Any) -> None:
    """Undo what happened to ``scheduler`` since ``token = snapshot(scheduler)``."""
    if hasattr(scheduler, "_schedulers"):
        scheduler.load_state_dict(token)
        return
    state = scheduler.__dict__
    state.clear()
    state.update(token)


def check_torch_state(inner: Any, scheduler: Any, binding: Binding, where: str) -> None:
    """Check a saved torch scheduler state before it is loaded into ``scheduler``.

    Field by field against the scheduler's own ``state_dict()`` (same keys, numbers for
    numbers, lists of the same length, finite where the scheduler's value is finite); its
    ``base_lrs`` and ``_last_lr`` must be values the key may hold; ``last_epoch`` >= -1 and
    ``_step_count`` >= 0. ``where`` prefixes the message (e.g. ``"phases[1]: "``).
    """
    name = type(scheduler).__name__
    why = torch_state_mismatch(inner, scheduler.state_dict(), "", binding.n_groups)
    if why:
        found = describe(inner) if isinstance(inner, Mapping) else type(inner).__name__
        raise ValueError(
            f"{where}this is not the state of the {name} this schedule wraps: {why}. It looks "
            f"like {found}; load it into the schedule that saved it"
        )
    step = None
    if "last_epoch" in inner:
        step = read_step(inner, "last_epoch", f"{where}the {name}'s", minimum=-1)
    if "_step_count" in inner:
        read_step(inner, "_step_count", f"{where}the {name}'s")
    for key in ("base_lrs", "_last_lr"):
        if key in inner:
            values = read_floats(inner, key, binding.n_groups, f"{where}the {name}'s")
            binding.check_values(values, step)


#: What an AdaptedSchedule holds itself; every other attribute lives on the torch scheduler.
_OWN_ATTRIBUTES = frozenset({"optimizer", "scheduler", "adapter", "schedule_target", "groups"})


class AdaptedSchedule(LastValues, LRScheduler):  # type: ignore[misc,override]
    """A torch scheduler driving ``schedule_target`` of the real optimizer's param groups.

    ``step(*args)`` is forwarded (so ``ReduceLROnPlateau``'s ``step(metrics)`` works);
    ``get_last_lr()`` returns the target's values, one per param group of the real optimizer
    (with ``groups=``, the groups outside the selection read as their current value);
    ``base_lrs`` is the foreign scheduler's (one per driven group); ``state_dict()`` wraps the
    foreign scheduler's own state with the target's name (and the selected ``groups``).
    """

    def __init__(
        self, optimizer: Optimizer, scheduler: LRScheduler, adapter: ParamGroupAdapter
    ) -> None:
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.adapter = adapter
        self.schedule_target = adapter.schedule_target
        #: The selected param-group indices (a tuple), or ``None`` for every group.
        self.groups = adapter._binding.selection

    def step(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Step the foreign scheduler on the target key.

        The values it computes are checked before they reach the optimizer (finite, real,
        valid for the key); a rejected value raises and leaves the optimizer as it was.
        """
        adapter, scheduler = self.adapter, self.scheduler
        if not args and not kwargs and getattr(scheduler, "_step_count", 0) == 1:
            check_step_order(self.optimizer)  # torch's own check sees only the stand-in
        adapter.pull()
        token = snapshot(scheduler)
        try:
            scheduler.step(*args, **kwargs)
            adapter.push(getattr(scheduler, "last_epoch", None))
        except BaseException:
            restore(scheduler, token)  # the step did not happen: not even the count moved
            adapter.pull()
            raise

    def _checkpoint(self) -> Any:
        """What :meth:`_rollback` needs to undo the next step (see SynchronousSchedule)."""
        return snapshot(self.scheduler)

    def _rollback(self, token: Any) -> None:
        restore(self.scheduler, token)
        self._restore_values()

    def _initial_step(self) -> None:
        # torch's SequentialLR: on 'lr' the foreign scheduler runs as it would alone.
        self._run_private("_initial_step")

    def _update_lr(self, epoch: int | None = None) -> None:
        self._run_private("_update_lr", epoch)

    @property
    def _schedulers(self) -> Any:
        # SequentialLR probes hasattr(phase, "_schedulers") before it undoes a phase's step.
        self._check_torch_composite("_initial_step")
        raise AttributeError("_schedulers")

    def _check_torch_composite(self, method: str) -> None:
        if self.schedule_target != "lr" or not hasattr(self.scheduler, method):
            refuse_torch_composite(
                f"an adapted {type(self.scheduler).__name__} of {self.schedule_target!r}"
            )

    def _run_private(self, method: str, *args: Any) -> None:
        self._check_torch_composite(method)
        adapter = self.adapter
        adapter.pull()
        getattr(self.scheduler, method)(*args)
        adapter.push(getattr(self.scheduler, "last_epoch", None))

    def get_last_lr(self) -> list[float]:  # type: ignore[override]
        """The target's values after the last step, one float per param group."""
        values = [as_float(v) for v in self.scheduler.get_last_lr()]
        return values if self.groups is None else self.adapter._binding.expand(values)

    @property
    def last_epoch(self) -> int:  # type: ignore[override]
        return int(self.scheduler.last_epoch)

    @last_epoch.setter
    def last_epoch(self, value: int) -> None:
        self.scheduler.last_epoch = value

    @property
    def _step_count(self) -> int:
        return int(getattr(self.scheduler, "_step_count", self.last_epoch + 1))

    @_step_count.setter
    def _step_count(self, value: int) -> None:
        self.scheduler._step_count = value

    @property
    def base_lrs(self) -> list[float]:  # type: ignore[override]
        return [as_float(v) for v in getattr(self.scheduler, "base_lrs", [])]

    def state_dict(self) -> dict[str, Any]:
        """``{"kind": "AdaptedSchedule", "schedule_target", "scheduler": the torch class's
        name, "state": its own state dict}``, and ``"groups"`` (the selected indices) for a
        schedule built with ``groups=``."""
        state: dict[str, Any] = {
            KIND: "AdaptedSchedule",
            "schedule_target": self.schedule_target,
            "scheduler": type(self.scheduler).__name__,
            "state": self.scheduler.state_dict(),
        }
        if self.groups is not None:
            state["groups"] = list(self.groups)
        return state

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> None:
        """Restore the foreign scheduler and write the values of the restored step.

        The whole dict is checked first, field by field against the wrapped scheduler's own
        ``state_dict()`` (same keys, numbers for numbers, lists of the same length, finite
        ``base_lrs`` and ``_last_lr``); a mismatch raises naming it and nothing changes.

        ScheduleAnything 1.x's dicts (the bare torch scheduler's own) also load, when their
        ``base_lrs`` are this schedule's recorded bases (a 1.x dict does not name its key).
        The values the scheduler wrote last (its saved ``_last_lr``) are written back to the
        target, so the result does not depend on whether the optimizer's state was loaded
        before or after the schedule was built.

        Args:
            strict: ``False`` accepts a 1.x dict whose bases differ from the recorded ones.
        """
        self._prepare_load(state_dict, strict)()

    def _prepare_load(self, state_dict: Any, strict: bool = True) -> Callable[[], None]:
        """Check ``state_dict`` whole; return the function that applies it."""
        what = "AdaptedSchedule"
        state = require_mapping(state_dict, what)
        name = type(self.scheduler).__name__
        if KIND in state or "state" in state:
            check_identity(
                state,
                what,
                self.schedule_target,
                ("schedule_target", "scheduler", "state"),
                ("groups",),
            )
            check_groups(state.get("groups"), self.groups, "the state dict", what)
            if state["scheduler"] != name:
                raise ValueError(
                    f"the state dict of {self.schedule_target!r} was saved from a "
                    f"{state['scheduler']} but this schedule wraps a {name}; rebuild it with "
                    f"a {state['scheduler']}"
                )
            inner = require_mapping(state["state"], f"{what} 'state'")
        else:  # ScheduleAnything 1.x saved the torch scheduler's own dict
            check_groups(None, self.groups, "a ScheduleAnything 1.x state dict", what)
            inner = state
            saved_bases = inner.get("base_lrs")
            if strict and isinstance(saved_bases, list) and saved_bases != self.base_lrs:
                raise ValueError(
                    f"this ScheduleAnything 1.x state dict holds the base values {saved_bases}, "
                    f"but the {name} of {self.schedule_target!r} has {self.base_lrs}: it was "
                    f"probably saved from the schedule of another key. Load it into that "
                    f"schedule, or pass strict=False to load it anyway"
                )
        check_torch_state(inner, self.scheduler, self.adapter._binding, "")
        loaded = copy.deepcopy(dict(inner))

        def apply() -> None:
            self.scheduler.load_state_dict(loaded)
            self._restore_values()

        return apply

    def __setattr__(self, name: str, value: Any) -> None:
        # Attributes of the wrapped scheduler (``s.gamma = 0.1``) are written there, as reads
        # come from there: 1.2.3 returned the torch scheduler itself, whose writes took effect.
        inner = self.__dict__.get("scheduler")
        if inner is not None and name in vars(inner) and name not in _OWN_ATTRIBUTES:
            setattr(inner, name, value)
        else:
            super().__setattr__(name, value)

    def _restore_values(self) -> None:
        adapter = self.adapter
        adapter.pull()  # also checks that the number of param groups still matches
        last = getattr(self.scheduler, "_last_lr", None)
        if isinstance(last, (list, tuple)) and len(last) == len(adapter.param_groups):
            adapter._binding.write_each(list(last), getattr(self.scheduler, "last_epoch", None))
            adapter.pull()

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: expose the foreign scheduler's attributes.
        inner = self.__dict__.get("scheduler")
        if inner is None or name.startswith("__"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return getattr(inner, name)

    def __repr__(self) -> str:
        return f"AdaptedSchedule({type(self.scheduler).__name__} on {self.schedule_target!r})"


def is_metric_driven(scheduler: Any) -> bool:
    """Whether ``scheduler.step`` needs a metric (``ReduceLROnPlateau``, directly or inside).

    True for a ``ReduceLROnPlateau``, an :class:`AdaptedSchedule` holding one, and any schedule
    that says so with ``needs_metrics`` (a :class:`~torch_schedule_anything.SequentialSchedule`
    with a plateau phase, a :class:`~torch_schedule_anything.SynchronousSchedule` holding a
    metric-driven schedule, a cooldown of one). The one place this question is answered.

    Example:
        >>> import torch, torch_schedule_anything as sa
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> is_metric_driven(sa.constant_schedule(opt, 1.0))
        False
        >>> is_metric_driven(torch.optim.lr_scheduler.ReduceLROnPlateau(opt))
        True
    """
    if isinstance(scheduler, ReduceLROnPlateau):
        return True
    if isinstance(scheduler, AdaptedSchedule):
        return is_metric_driven(scheduler.scheduler)
    return bool(getattr(scheduler, "needs_metrics", False))


def split_metrics(needs: bool, epoch: Any, metrics: Any, nobody: str) -> tuple[Any, Any]:
    """``(epoch, metrics)`` of a call ``step(epoch=None, *, metrics=None)``.

    A metric-driven schedule also takes its metric as the first argument, as torch's
    ``ReduceLROnPlateau.step(metrics)`` does. Metrics given to a schedule that is not
    metric-driven are refused: ``nobody`` completes "metrics were given but ..." and says who
    is not (e.g. "no phase of this sequence on 'lr' is metric-driven").
    """
    if needs and metrics is None and epoch is not None:
        return None, epoch
    if metrics is not None and not needs:
        raise ValueError(f"metrics were given but {nobody} (ReduceLROnPlateau)")
    return epoch, metrics


def arbitrary_schedule_factory(
    optimizer: Optimizer,
    schedule_factory: Callable[[Optimizer], LRScheduler],
    default_value: float | None = None,
    schedule_target: str = "lr",
    *,
    groups: GroupSelection | None = None,
) -> AdaptedSchedule:
    """Bind any torch scheduler to any param-group key.

    ``schedule_factory(stand_in)`` must build the scheduler on the optimizer it is given (a
    :class:`ParamGroupAdapter` showing ``schedule_target`` as ``"lr"``), e.g.
    ``lambda opt: StepLR(opt, step_size=30, gamma=0.5)``.

    Args:
        optimizer: the real optimizer.
        schedule_factory: ``Optimizer -> LRScheduler``.
        default_value: creates ``schedule_target`` in groups that lack it; ignored elsewhere.
        schedule_target: the key to drive (default ``"lr"``); ``"betas[0]"`` for a tuple element.
        groups: drive only some param groups (indices in increasing order, or a callable
            ``group -> bool`` resolved once, now; see
            :class:`~torch_schedule_anything.CurveSchedule`). The torch scheduler sees a
            stand-in holding only those groups, so its per-group arguments (OneCycleLR's
            ``max_lr`` list, LambdaLR's list of lambdas) have one entry per selected group.

    Returns:
        An ``LRScheduler`` whose ``.optimizer`` is ``optimizer`` and whose ``step()`` steps the
        foreign scheduler on the target.

    Raises:
        KeyError: ``schedule_target`` is missing and no ``default_value`` was given.
        TypeError: ``default_value`` is not a number, or the factory returned no scheduler.

    Example:
        >>> import torch
        >>> from torch.optim.lr_scheduler import StepLR
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
        >>> s = arbitrary_schedule_factory(opt, lambda o: StepLR(o, step_size=2, gamma=0.5),
        ...                                schedule_target="momentum")
        >>> for _ in range(2):
        ...     opt.step()
        ...     s.step()
        >>> opt.param_groups[0]["momentum"], opt.param_groups[0]["lr"]
        (0.45, 0.1)
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}"
        )
    if not callable(schedule_factory):
        raise TypeError(
            f"schedule_factory must be a callable optimizer -> scheduler, such as "
            f"lambda opt: StepLR(opt, step_size=30), got {type(schedule_factory).__name__}"
        )
    if isinstance(default_value, str):
        # The 1.x signature puts default_value third: a key name there was meant as the target.
        raise TypeError(
            f"default_value (the third argument, as in 1.x) must be a number, got the str "
            f"{default_value!r}; to schedule that key pass it by name: "
            f"arbitrary_schedule_factory(optimizer, factory, schedule_target={default_value!r})"
        )
    binding = Binding(
        optimizer,
        schedule_target,
        owner=f"the adapted schedule of {schedule_target!r}",
        default_value=default_value,
        groups=groups,
    )
    with binding.attaching():  # a failure takes back a key default_value created
        return _build_adapted(optimizer, schedule_factory, schedule_target, binding)


def _build_adapted(
    optimizer: Optimizer,
    schedule_factory: Callable[[Optimizer], LRScheduler],
    schedule_target: str,
    binding: Binding,
) -> AdaptedSchedule:
    adapter = ParamGroupAdapter(optimizer, schedule_target, binding)
    try:
        scheduler = schedule_factory(adapter)
    except (KeyError, ValueError) as exc:
        add_note(
            exc,
            f"[torch_schedule_anything] the scheduler was built on a stand-in optimizer that "
            f"shows only {schedule_target!r} (as 'lr'); options that drive other keys, such as "
            f"cycle_momentum=True of OneCycleLR/CyclicLR, need cycle_momentum=False here (and a "
            f"second schedule on 'momentum' if you want it)",
        )
        if binding.selection is not None:
            add_note(
                exc,
                f"[torch_schedule_anything] the stand-in holds only the param groups "
                f"{list(binding.selection)} (groups=): per-group arguments such as a max_lr "
                f"list need one entry per selected group ({binding.n_groups})",
            )
        raise
    if not isinstance(scheduler, LRScheduler):
        raise TypeError(
            f"schedule_factory returned {type(scheduler).__name__}, not a torch LRScheduler"
        )
    if scheduler.optimizer is not adapter:
        raise ValueError(
            "schedule_factory must build the scheduler on the optimizer it receives "
            "(lambda opt: StepLR(opt, ...)), not on the real optimizer captured from outside"
        )
    adapter.push(getattr(scheduler, "last_epoch", None))
    binding.adopt_records([shadow.get("initial_lr") for shadow in adapter.param_groups])
    binding.commit()
    return AdaptedSchedule(optimizer, scheduler, adapter)
