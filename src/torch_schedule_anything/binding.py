"""The one binding of a schedule to a key of every param group: bases, layout, guarded writes.

Every scheduler kind of this package (``CurveSchedule``, ``SequentialSchedule``, the adapter
and the ``SchedulerBase`` family) binds through :class:`Binding`, so these rules hold for all
of them:

* **Recorded bases, the PyTorch way.** The first schedule attached to a key records each
  group's value in the group itself, as ``initial_lr`` for ``lr`` (torch's own record, shared
  with torch's schedulers) and ``initial_<key>`` for any other key (timm's and
  pytorch-accelerated's convention; ``initial_betas`` records ``betas[i]`` element by element).
  Every later schedule of that key reads the record instead of the current value, so
  re-attaching, rebuilding after ``optimizer.load_state_dict`` (the record is part of the
  optimizer's state dict), a deep-copied optimizer and ``step(epoch)`` resumes all start from
  the same base as the uninterrupted run. Optimizer checkpoints written by ScheduleAnything 1.x
  hold the record as ``group["schedule_namespaces"][key]["initial_lr"]``; it is read too.
  :func:`rebase` records new bases on purpose (a new phase with a new peak).
* **One layout guard.** A binding is made for the optimizer's param groups at attach time; a
  group added later is an error that says to rebuild the schedule.
* **Some groups only** (``groups=``): a binding can drive a selection of the param groups,
  given as indices or as a callable ``group -> bool`` resolved once, at attach time, to the
  indices it selects (:func:`select_groups`). The groups outside the selection are never read,
  checked, recorded or written (no ``initial_*`` record, no ``default_value``). The selection
  stays those indices: groups added later (``optimizer.add_param_group``) are left alone, and
  only an optimizer that no longer has a selected index is an error.
* **One guarded write.** A value is written only if it is a finite real number (a float, an
  int or a one-element real Tensor without grad) and, for the keys torch validates (``lr``,
  ``weight_decay``, ``momentum``, ``eps`` >= 0 and ``0 <= betas[i] < 1``), a value torch would
  accept. Otherwise nothing is written and the error names the schedule, the key, the group and
  the step. Tensor values are filled in place; floats are assigned.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import types
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NoReturn, TypeAlias

import torch
from torch.optim import Optimizer

from .errors import external_stacklevel
from .param_groups import Slot, as_float, check_default, extend_optimizer, is_number

__all__ = [
    "Binding",
    "BoundBases",
    "GroupSelection",
    "LastValues",
    "RefusesTorchSequentialLR",
    "check_step_order",
    "check_value",
    "rebase",
    "record_name",
    "refuse_torch_composite",
    "select_groups",
]

#: What ``groups=`` accepts: param-group indices, or a callable ``group -> bool``.
GroupSelection: TypeAlias = "Sequence[int] | Callable[[Mapping[str, Any]], bool]"

#: The range torch's own optimizers accept for a key: ``(low, high, high_inclusive)``.
_TORCH_RANGES: dict[str, tuple[float, float, bool]] = {
    "lr": (0.0, math.inf, True),
    "weight_decay": (0.0, math.inf, True),
    "momentum": (0.0, math.inf, True),
    "eps": (0.0, math.inf, True),
    "betas": (0.0, 1.0, False),
}


def record_name(key: str) -> str:
    """The param-group key holding the recorded base of ``key``: ``initial_<key>``."""
    return f"initial_{key}"


def _legacy_record(group: dict[str, Any], key: str) -> Any:
    """ScheduleAnything 1.x's record of ``key`` in an optimizer checkpoint, or ``None``."""
    namespaces = group.get("schedule_namespaces")
    if not isinstance(namespaces, dict):
        return None
    entry = namespaces.get(key)
    if not isinstance(entry, dict):
        return None
    return entry.get("initial_lr")


def _copy_value(value: Any) -> Any:
    """A record of ``value``: Tensors (also inside a tuple) are detached clones."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, tuple):
        return tuple(_copy_value(v) for v in value)
    if isinstance(value, list):
        return [_copy_value(v) for v in value]
    return value


def _read_record(slot: Slot, group: dict[str, Any], index: int) -> float:
    """The recorded base of ``slot`` in ``group``, validated."""
    name = record_name(slot.key)
    record = _element(slot, group) if slot.index is not None else group[name]
    if not is_number(record) or not math.isfinite(as_float(record)):
        raise ValueError(
            f"param_groups[{index}][{name!r}] (the recorded base of {slot.target!r}) holds "
            f"{record!r}, not a finite number; record the current values with "
            f"sa.rebase(optimizer, {slot.target!r})"
        )
    return as_float(record)


def _element(slot: Slot, group: dict[str, Any]) -> Any:
    """Element ``slot.index`` of the recorded tuple, or ``None`` where it is not recorded.

    A tuple key is recorded element by element: ``initial_betas = (0.9, None)`` after the first
    schedule of ``betas[0]``; the first schedule of ``betas[1]`` records element 1 then, from
    the value it has at that time.
    """
    record = group.get(record_name(slot.key))
    size = len(group[slot.key])
    if not isinstance(record, (tuple, list)) or len(record) != size:
        return None
    return record[slot.index or 0]


def _record_element(slot: Slot, group: dict[str, Any], value: Any) -> None:
    """Set element ``slot.index`` of the tuple record of ``group`` to ``value``."""
    name = record_name(slot.key)
    size = len(group[slot.key])
    record = group.get(name)
    items = list(record) if isinstance(record, (tuple, list)) and len(record) == size else []
    items = items or [None] * size
    items[slot.index or 0] = value
    group[name] = tuple(items)


def recorded_bases(
    optimizer: Optimizer, slot: Slot, indices: Sequence[int] | None = None
) -> tuple[list[float], list[tuple[dict[str, Any], Any]]]:
    """Each group's base of ``slot`` and the records still to write ``(group, record)``.

    The base is the group's record (``initial_<key>``, else 1.x's record), else its current
    value, which is then to be recorded. Nothing is written here (a rejected attach changes
    nothing); :meth:`Binding.commit` writes the records. For a tuple element the record to
    write is the element's value. ``indices`` limits it to those groups (default: all).
    """
    name = record_name(slot.key)
    bases, pending = [], []
    groups = optimizer.param_groups
    chosen = range(len(groups)) if indices is None else indices
    for index, group in ((i, groups[i]) for i in chosen):
        current = slot.read_float(group, index)  # the key exists and holds a finite number
        if slot.index is not None:
            if _element(slot, group) is not None:
                bases.append(_read_record(slot, group, index))
            else:
                pending.append((group, _copy_value(group[slot.key][slot.index])))
                bases.append(current)
            continue
        if name in group:
            bases.append(_read_record(slot, group, index))
            continue
        legacy = _legacy_record(group, slot.key)
        if legacy is not None and is_number(legacy) and math.isfinite(as_float(legacy)):
            pending.append((group, _copy_value(legacy)))
            bases.append(as_float(legacy))
        else:
            pending.append((group, _copy_value(group[slot.key])))
            bases.append(current)
    return bases, pending


def _shared_tensors(groups: Sequence[dict[str, Any]], slot: Slot) -> list[tuple[int, int]]:
    """Pairs of groups whose value of ``slot`` is one and the same Tensor.

    torch gives every group built without its own value the default's Tensor, so an in-place
    fill of one group is a fill of all of them.
    """
    first: dict[int, int] = {}
    pairs = []
    for index, group in enumerate(groups):
        value = slot.read(group)
        if isinstance(value, torch.Tensor):
            if id(value) in first:
                pairs.append((first[id(value)], index))
            else:
                first[id(value)] = index
    return pairs


def _check_shared(
    pairs: list[tuple[int, int]],
    values: Sequence[float],
    target: str,
    owner: str,
    labels: Sequence[int] | None = None,
) -> None:
    for i, j in pairs:
        if values[i] != values[j]:
            if labels is not None:
                i, j = labels[i], labels[j]  # positions -> group indices
            raise ValueError(
                f"{owner}: param groups {i} and {j} hold one and the same Tensor as "
                f"{target!r} (torch gives every group without its own value the default's "
                f"Tensor), so they cannot take different values ({values[i]!r} and "
                f"{values[j]!r}). Give each group its own Tensor, e.g. "
                f"{{'params': ..., {target!r}: torch.tensor(...)}}, or use float values."
            )


def rebase(
    optimizer: Optimizer,
    schedule_target: str = "lr",
    values: float | Sequence[float] | None = None,
) -> list[float]:
    """Record new bases for ``schedule_target``: the schedules built afterwards start from them.

    Schedules record each group's value of a key the first time one is attached, and every
    later schedule of that key starts from that record (see :mod:`.binding`), whatever an
    earlier schedule has written since. Call ``rebase`` to start a new phase from other values
    on purpose: with ``values=None`` the key's current values become the bases, otherwise
    ``values`` (one number for every group, or one per group) are written into the groups and
    recorded. Schedules that already exist keep the bases they were built with.

    Returns:
        The new bases, one per param group.

    Example:
        >>> import torch, torch_schedule_anything as sa
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> _ = sa.constant_schedule(opt, 0.5)
        >>> sa.constant_schedule(opt, 0.5).get_last_lr()  # the record: 0.1 × 0.5
        [0.05]
        >>> sa.rebase(opt, "lr", 0.2)
        [0.2]
        >>> sa.constant_schedule(opt, 0.5).get_last_lr()
        [0.1]
    """
    _check_optimizer(optimizer)
    slot = Slot(schedule_target)
    groups = optimizer.param_groups
    if values is not None:
        new = _per_group(values, len(groups), schedule_target)
        for index, value in enumerate(new):
            check_value(value, schedule_target, index, None, "sa.rebase")
    for index, group in enumerate(groups):
        slot.read_float(group, index)
    if values is not None:
        _check_shared(_shared_tensors(groups, slot), new, schedule_target, "sa.rebase")
        slot.write_each(groups, new)
    name = record_name(slot.key)
    for group in groups:
        if slot.index is None:
            group[name] = _copy_value(group[slot.key])
        else:
            _record_element(slot, group, _copy_value(group[slot.key][slot.index]))
    return [_read_record(slot, g, i) for i, g in enumerate(groups)]


def _per_group(values: Any, n_groups: int, target: str) -> list[float]:
    if is_number(values):
        return [as_float(values)] * n_groups
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(
            f"values for {target!r} must be a number or one number per param group, got "
            f"{type(values).__name__} {values!r}"
        )
    if len(values) != n_groups:
        raise ValueError(
            f"values for {target!r} has {len(values)} entries but the optimizer has {n_groups} "
            f"param groups"
        )
    return [as_float(v) if is_number(v) else v for v in values]


def select_groups(optimizer: Optimizer, groups: Any) -> tuple[int, ...] | None:
    """The param-group indices ``groups=`` selects, checked; ``None`` for all groups.

    ``groups`` is ``None`` (every group), a sequence of indices in increasing order, or a
    callable ``group -> bool`` called once per param group, now, with a read-only view of the
    group's dict (so it selects by a ``"name"`` entry you put in your groups:
    ``groups=lambda g: g.get("name") == "head"``); the result is the indices it selected.

    Raises:
        TypeError: not a sequence of ints or a callable, or a callable returning a non-bool.
        ValueError: an index out of range, listed twice or out of order, a selection of no
            group, or a callable that raised. Nothing is changed.

    Example:
        >>> import torch
        >>> p = [torch.nn.Parameter(torch.zeros(1)) for _ in range(3)]
        >>> opt = torch.optim.SGD([{"params": [q], "name": n} for q, n in zip(p, "abc")], lr=0.1)
        >>> select_groups(opt, [0, 2]), select_groups(opt, lambda g: g["name"] != "a")
        ((0, 2), (1, 2))
    """
    if groups is None:
        return None
    _check_optimizer(optimizer)
    n = len(optimizer.param_groups)
    example = "groups=[0, 2] or groups=lambda g: g.get('name') == 'head'"
    if callable(groups) and not isinstance(groups, Sequence):
        chosen = []
        for index, group in enumerate(optimizer.param_groups):
            try:
                verdict = groups(types.MappingProxyType(group))
            except Exception as exc:
                raise ValueError(
                    f"groups: the selector {groups!r} raised {type(exc).__name__}: {exc} on "
                    f"param_groups[{index}]; it is called once with every param group (a "
                    f"read-only view of its dict) and must return True or False for each, "
                    f"e.g. lambda g: g.get('name') == 'head' for groups without a 'name'"
                ) from exc
            if type(verdict) is not bool:
                raise TypeError(
                    f"groups: the selector {groups!r} returned {type(verdict).__name__} "
                    f"{verdict!r} for param_groups[{index}]; it must return True or False "
                    f"(wrap the test in bool(...))"
                )
            if verdict:
                chosen.append(index)
        if not chosen:
            names = [g.get("name") for g in optimizer.param_groups]
            raise ValueError(
                f"groups: the selector {groups!r} selects none of the {n} param groups "
                f"(their 'name' entries: {names}); select at least one, or leave groups=None "
                f"to drive every group"
            )
        return tuple(chosen)
    if isinstance(groups, (str, bytes, Mapping)) or not isinstance(groups, Sequence):
        raise TypeError(
            f"groups must be a list of param-group indices or a callable group -> bool, e.g. "
            f"{example}; got {type(groups).__name__} {groups!r}"
        )
    if len(groups) == 0:
        raise ValueError(
            "groups=[] selects no param group; list at least one index, or leave groups=None "
            "to drive every group"
        )
    indices: list[int] = []
    for position, index in enumerate(groups):
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise TypeError(
                f"groups[{position}] is {type(index).__name__} {index!r}, not a param-group "
                f"index (an int); {example}"
            )
        if not 0 <= int(index) < n:
            raise ValueError(
                f"groups[{position}] is {index!r} but the optimizer has {n} param groups "
                f"(indices 0 to {n - 1}); select existing groups"
            )
        if index in indices:
            raise ValueError(
                f"groups lists param group {index!r} twice ({list(groups)!r}); list each group once"
            )
        if indices and index < indices[-1]:
            raise ValueError(
                f"groups must list the indices in increasing order (the selected groups keep "
                f"the optimizer's order), got {list(groups)!r}; write "
                f"{sorted({int(i) for i in groups})!r}"
            )
        indices.append(int(index))
    return tuple(indices)


def refuse_torch_composite(owner: str) -> NoReturn:
    """The error for torch's ``SequentialLR`` over a schedule that cannot run inside it.

    ``SequentialLR`` drives ``lr`` only (it resets ``group["lr"]`` to ``initial_lr`` and calls
    private torch methods on its phases); it calls ``_initial_step``/``_update_lr`` of each
    phase, which is where our schedules refuse.
    """
    raise TypeError(
        f"torch's SequentialLR cannot run {owner}: it drives 'lr' only (it resets "
        f"group['lr'] to initial_lr) and steps its phases through torch's private methods. Use "
        f"sa.sequential(optimizer, phases, boundaries, schedule_target=...) instead: its phases "
        f"are curves or torch scheduler factories, on any key"
    )


# -- call order: torch's schedulers warn when they step before the optimizer ------------------
# Without wrapping ``optimizer.step``: a step post-hook (torch's public API) marks the optimizer
# as stepped. Registered once per optimizer; the sets hold the optimizers weakly.
_WATCHED: weakref.WeakSet[Optimizer] = weakref.WeakSet()
_STEPPED: weakref.WeakSet[Optimizer] = weakref.WeakSet()
_WARNED: weakref.WeakSet[Optimizer] = weakref.WeakSet()


def _mark_stepped(optimizer: Optimizer, args: Any, kwargs: Any) -> None:
    _STEPPED.add(optimizer)


def watch_steps(optimizer: Optimizer) -> None:
    """Note every ``optimizer.step()`` from now on (for :func:`check_step_order`).

    An optimizer that never ran ``Optimizer.__init__`` (Accelerate's ``AcceleratedOptimizer``
    wraps one) has no step hooks: it is not watched, so the call-order check stays silent.
    """
    if optimizer in _WATCHED or not hasattr(optimizer, "_optimizer_step_post_hooks"):
        return
    _WATCHED.add(optimizer)
    optimizer.register_step_post_hook(_mark_stepped)


def has_stepped(optimizer: Optimizer) -> bool:
    """Whether a watched ``optimizer`` has run ``step()`` since a schedule was attached."""
    return optimizer in _STEPPED


def forget_steps(optimizer: Optimizer) -> None:
    """Undo :func:`has_stepped` (a range test that steps an optimizer and puts it back)."""
    _STEPPED.discard(optimizer)


def check_step_order(optimizer: Optimizer) -> None:
    """Warn once per optimizer when a schedule's first ``step()`` comes before its first
    ``optimizer.step()`` (the first value of the schedule would be skipped), as torch does."""
    if optimizer in _STEPPED or optimizer in _WARNED or optimizer not in _WATCHED:
        return
    _WARNED.add(optimizer)
    warnings.warn(
        "a schedule was stepped before optimizer.step(): call optimizer.step() first, then "
        "scheduler.step(), or the schedule's first value is skipped (PyTorch's order; "
        "scheduler.step(epoch) to position a resumed run does not warn)",
        UserWarning,
        stacklevel=external_stacklevel(),
    )


class LastValues:
    """``get_lr()`` and torch's ``_last_lr``, both the values :meth:`get_last_lr` reports.

    The schedules write closed-form values and remember them: there is nothing to recompute,
    and torch's private ``_last_lr`` (read by some frameworks) cannot drift from them.
    """

    def get_last_lr(self) -> list[Any]:
        raise NotImplementedError  # every schedule kind defines it

    def get_lr(self) -> list[Any]:
        """The values in force now (as :meth:`get_last_lr`)."""
        return self.get_last_lr()

    @property
    def _last_lr(self) -> list[Any]:
        return self.get_last_lr()


class BoundBases:
    """``base_lrs`` (torch's name, for any key): the recorded bases of ``self._binding``."""

    _binding: Binding

    @property
    def binding(self) -> Binding:
        """The schedule's :class:`Binding`: its key, groups (``indices``) and recorded bases."""
        return self._binding

    @property
    def base_lrs(self) -> list[float]:
        """The recorded base of every group."""
        return self._binding.bases

    @base_lrs.setter
    def base_lrs(self, bases: list[float]) -> None:
        # Checked like a loaded state dict's: one valid value per group.
        self._binding.set_bases(self._binding.check_values(list(bases), None))


class RefusesTorchSequentialLR:
    """For schedules that torch's ``SequentialLR`` cannot run: it says so at construction.

    ``SequentialLR.__init__`` probes ``hasattr(phase, "_schedulers")`` before it undoes the
    phases' first step, then calls ``_initial_step`` / ``_update_lr``; each of them raises the
    refusal, so the phases' steps are not changed.
    """

    def _torch_phase_name(self) -> str:
        return type(self).__name__

    @property
    def _schedulers(self) -> Any:
        refuse_torch_composite(self._torch_phase_name())

    def _initial_step(self) -> None:
        refuse_torch_composite(self._torch_phase_name())

    def _update_lr(self, epoch: int | None = None) -> None:
        refuse_torch_composite(self._torch_phase_name())


def _check_optimizer(optimizer: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}; pass "
            f"the optimizer whose param groups the schedule drives"
        )
    if not optimizer.param_groups:
        raise ValueError("the optimizer has no param groups; nothing to schedule")


def check_value(
    value: Any,
    target: str,
    group: int | None,
    step: int | None,
    owner: str,
    *,
    multiplier: bool = False,
) -> float:
    """``value`` as a float if it may be written to ``target``; else a ValueError/TypeError.

    The message names the schedule (``owner``), the key, the group and the step. With
    ``multiplier=True`` it is a curve's multiplier λ: finite and real, with no key range.
    """
    slot = f"param_groups[{group}][{target!r}]" if group is not None else repr(target)
    what = "the multiplier" if multiplier else ""
    where = f"{owner} computed {what}{' ' if what else ''}{value!r} for {slot}"
    where += f" at step {step}" if step is not None else ""
    if isinstance(value, torch.Tensor):
        if value.requires_grad:
            raise TypeError(
                f"{where}: a Tensor that requires grad would make the hyperparameter part of "
                f"the autograd graph; return a float (value.item()) or a detached Tensor"
            )
        if value.numel() != 1 or value.is_complex() or value.dtype == torch.bool:
            raise TypeError(f"{where}: only real numbers and one-element real Tensors are values")
        number = float(value.item())
    elif isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: only real numbers and one-element real Tensors are values")
    else:
        try:
            number = float(value)
        except OverflowError:  # an int beyond the float range
            number = math.inf
    if not math.isfinite(number):
        raise ValueError(
            f"{where}: scheduled values must be finite (check the schedule's arguments)"
        )
    rule = None if multiplier else _TORCH_RANGES.get(Slot(target).key)
    if rule is not None:
        low, high, inclusive = rule
        if number < low or number > high or (not inclusive and number == high):
            bound = f"[{low}, {high}]" if inclusive else f"[{low}, {high})"
            raise ValueError(f"{where}: torch's optimizers accept {target!r} only in {bound}")
    return number


class Binding:
    """A key of every param group of one optimizer, with recorded bases and guarded writes.

    Args:
        optimizer: the optimizer whose groups are driven.
        target: ``"lr"``, ``"weight_decay"``, a custom key, or ``"betas[0]"``.
        owner: how errors name the schedule (e.g. ``"CurveSchedule(CosineWarmup)"``).
        default_value: creates the key in groups that lack it (only the selected ones).
        groups: drive only these param groups (see :func:`select_groups`); ``None``: all.

    Attributes:
        bases: the recorded base of every driven group, as floats.
        selection: the selected group indices, or ``None`` (every group).
        indices: the indices of the driven groups (``0 .. n-1`` without a selection).
        n_groups: how many groups are driven; ``bases``, :meth:`write_each`,
            :meth:`check_values`, :meth:`read` and :meth:`groups` have one entry per driven
            group, in the optimizer's order.
    """

    __slots__ = (
        "_added",
        "_added_default",
        "_dummy",
        "_element",
        "_first",
        "_float_groups",
        "_float_index",
        "_float_pairs",
        "_groups",
        "_head",
        "_high",
        "_high_inclusive",
        "_last",
        "_low",
        "_max_base",
        "_min_base",
        "_other_groups",
        "_pending",
        "_plain",
        "_shared",
        "_slow_probe",
        "_tail",
        "_tensor_groups",
        "_tuple",
        "bases",
        "indices",
        "key",
        "n_groups",
        "optimizer",
        "owner",
        "selection",
        "slot",
        "target",
        "uniform_base",
    )

    def __new__(cls, *args: Any, **kwargs: Any) -> Binding:
        # ``groups=`` gives the subclass whose layout check knows the selection; the binding
        # of every group keeps its own (the hot path is unchanged).
        if cls is Binding and kwargs.get("groups") is not None:
            cls = _SelectedBinding
        return object.__new__(cls)

    def __init__(
        self,
        optimizer: Optimizer,
        target: str,
        *,
        owner: str,
        default_value: float | torch.Tensor | None = None,
        groups: GroupSelection | None = None,
    ) -> None:
        self.slot = slot = Slot(target)
        self._added: list[dict[str, Any]] = []
        self._added_default = False
        # Resolved (and checked) before anything is created: a rejected selection changes
        # nothing, and a callable sees the groups as the user built them.
        self.selection = selection = select_groups(optimizer, groups)
        if default_value is not None:
            if slot.index is not None:
                raise ValueError(
                    f"default_value cannot create the tuple element {target!r}; create "
                    f"{slot.key!r} with sa.extend_optimizer first"
                )
            _check_optimizer(optimizer)
            # What default_value adds, so that a construction that fails takes it back.
            if selection is None:
                self._added = [g for g in optimizer.param_groups if slot.key not in g]
                self._added_default = slot.key not in optimizer.defaults
                extend_optimizer(optimizer, slot.key, default_value)  # type: ignore[arg-type]
            else:  # only the selected groups; optimizer.defaults is left alone
                check_default(slot.key, default_value)
                chosen = [optimizer.param_groups[i] for i in selection]
                self._added = [g for g in chosen if slot.key not in g]
                for group in self._added:
                    group[slot.key] = _copy_value(default_value)
        _check_optimizer(optimizer)
        watch_steps(optimizer)
        self.optimizer = optimizer
        self.target = target
        self.key = slot.key
        self.owner = owner
        rule = _TORCH_RANGES.get(slot.key)
        self._low, self._high, self._high_inclusive = rule or (-math.inf, math.inf, True)
        self._tuple = slot.index is not None
        self._element = slot.index or 0
        self._groups: list[dict[str, Any]] | None = None
        self._float_groups: list[dict[str, Any]] = []
        self._float_pairs: list[tuple[dict[str, Any], float]] = []
        self._float_index: list[tuple[int, dict[str, Any]]] = []
        self._tensor_groups: list[tuple[int, dict[str, Any]]] = []
        self._other_groups: list[tuple[int, dict[str, Any]]] = []
        self._shared: list[tuple[int, int]] = []
        self._plain: type = tuple if self._tuple else float
        self._dummy: dict[str, Any] = {slot.key: self._plain()}
        self._first: dict[str, Any] = self._dummy
        self._last: dict[str, Any] = self._dummy
        self._head: dict[str, Any] = self._dummy
        self._tail: dict[str, Any] = self._dummy
        self._slow_probe = False
        self.indices: tuple[int, ...] = (
            tuple(range(len(optimizer.param_groups))) if selection is None else selection
        )
        try:
            bases, self._pending = recorded_bases(optimizer, slot, selection)
        except BaseException:
            self.abandon()
            raise
        self.set_bases(bases)
        self.n_groups = len(bases)

    def _driven(self) -> list[dict[str, Any]]:
        """The driven group dicts, as the optimizer holds them now (no layout check)."""
        groups = self.optimizer.param_groups
        return [groups[i] for i in self.indices]

    def recorded(self) -> list[bool]:
        """For every driven group: whether it held a record of the key before this binding."""
        pending = {id(group) for group, _ in self._pending}
        return [id(group) not in pending for group in self._driven()]

    def first_unrecorded(self) -> int | None:
        """The optimizer index of the first driven group that held no record of the key before
        this binding (``None`` if all did): what a resume that must find records names."""
        for index, had in zip(self.indices, self.recorded()):
            if not had:
                return index
        return None

    def expand(self, values: Sequence[Any]) -> list[Any]:
        """``values`` (one per driven group) as one value per param group of the optimizer.

        Without a selection that is ``values``. With one, a group outside it reads as its
        current value of the key (a float), or ``None`` where it holds no number there: the
        length is torch's convention for ``get_last_lr()``, whatever the selection.
        """
        if self.selection is None:
            return list(values)
        out = [self.peek(group) for group in self.optimizer.param_groups]
        for index, value in zip(self.indices, values):
            out[index] = value
        return out

    def pick(self, values: Sequence[Any]) -> list[Any]:
        """The entries of the driven groups in ``values`` (one per param group of the
        optimizer): the inverse of :meth:`expand`."""
        if self.selection is None:
            return list(values)
        return [values[i] for i in self.indices]

    def peek(self, group: dict[str, Any]) -> float | None:
        """The group's current value of the key as a float, or ``None`` (never raises)."""
        value = group.get(self.key)
        if self.slot.index is not None:
            if not isinstance(value, (tuple, list)) or len(value) <= self.slot.index:
                return None
            value = value[self.slot.index]
        return as_float(value) if is_number(value) else None

    def adopt_records(self, records: Sequence[Any]) -> None:
        """Record ``records[g]`` (instead of the value at attach time) for the groups that had
        no record: what a torch scheduler recorded as its ``initial_lr`` on the adapter's
        stand-in, so the record is the one torch would have written on a real optimizer."""
        if self._tuple:
            return
        index_of = {id(g): i for i, g in enumerate(self._driven())}
        adopted = []
        bases = list(self.bases)
        for group, _ in self._pending:
            i = index_of[id(group)]
            record = records[i]
            if is_number(record) and math.isfinite(as_float(record)):
                adopted.append((group, _copy_value(record)))
                bases[i] = as_float(record)
            else:
                adopted.append((group, _copy_value(group[self.key])))
        self._pending = adopted
        self.set_bases(bases)

    @contextlib.contextmanager
    def attaching(self) -> Iterator[None]:
        """Around the rest of a construction: if it fails, :meth:`abandon` what it added."""
        try:
            yield
        except BaseException:
            self.abandon()
            raise

    def abandon(self) -> None:
        """Take back what ``default_value`` added: the construction using this binding failed."""
        for group in self._added:
            group.pop(self.slot.key, None)
        if self._added_default:
            self.optimizer.defaults.pop(self.key, None)
        self._added, self._added_default = [], False

    def commit(self) -> None:
        """Write the records of the groups that had none (after the first successful write)."""
        name = record_name(self.key)
        for group, record in self._pending:
            if self._tuple:
                if _element(self.slot, group) is None:
                    _record_element(self.slot, group, record)
            else:
                group.setdefault(name, record)
        self._pending = []

    def set_bases(self, bases: list[float]) -> None:
        """Use ``bases`` (one float per group) from now on (a loaded state dict's)."""
        self.bases = bases
        first = bases[0]
        self.uniform_base: float | None = first if all(b == first for b in bases) else None
        self._min_base = min(bases)
        self._max_base = max(bases)
        self._groups = None  # the cached layout pairs groups with bases: read it again

    def describe_groups(self) -> str:
        """The groups and their bases, for messages: ``group 0: 0.001, group 1: 0.0001``."""
        return ", ".join(f"group {i}: {b!r}" for i, b in zip(self.indices, self.bases))

    # -- layout ------------------------------------------------------------------------------
    def groups(self) -> list[dict[str, Any]]:
        """The optimizer's param groups, checked against the layout the binding was made for."""
        groups = self.optimizer.param_groups
        # The layout is cached. It is read again on: a new list (``optimizer.load_state_dict``
        # replaces the list, every group dict and their Tensors), a new group, a new first or
        # last group dict, a value that is no longer of the type the cache expects in the first
        # or the last plain-float group (the loop that turns every value into a Tensor for
        # torch.compile), and any change of type in a Tensor group or a tuple element (checked
        # every step there: those writes cost far more than the check). A plain float turned
        # into a Tensor in a middle group alone is not seen (checking every group costs ~2x).
        if (
            groups is not self._groups
            or len(groups) != self.n_groups
            or groups[0] is not self._head
            or groups[-1] is not self._tail
            or type(self._first[self.key]) is not self._plain
            or type(self._last[self.key]) is not self._plain
            or (self._slow_probe and self._changed())
        ):
            self._relayout(groups)
        return groups

    def _changed(self) -> bool:
        """Whether a Tensor group or a tuple element changed its type since the layout."""
        key, element = self.key, self._element
        tensor = torch.Tensor
        for _, group in self._tensor_groups:
            value = group[key] if not self._tuple else group[key][element]
            # ``type(...) is`` first: isinstance with torch.Tensor is slow (Python metaclass)
            if type(value) is not tensor and not isinstance(value, tensor):
                return True
        if self._tuple:
            for group in (self._first, self._last):
                if group is not self._dummy and type(group[key][element]) is not float:
                    return True
        return False

    def _relayout(self, groups: list[dict[str, Any]]) -> None:
        if len(groups) != self.n_groups:
            who = (
                self.owner
                if repr(self.target) in self.owner
                else f"{self.owner} of {self.target!r}"
            )
            raise RuntimeError(
                f"the optimizer now has {len(groups)} param groups but {who} was built for "
                f"{self.n_groups}; create schedules after the "
                f"last add_param_group() (or rebuild them and load their state dicts), or "
                f"build them with groups=[...] to drive only those groups (groups added later "
                f"are then left alone)"
            )
        self._lay_out(groups, groups)

    def _lay_out(self, groups: list[dict[str, Any]], driven: list[dict[str, Any]]) -> None:
        """Cache the layout of the ``driven`` groups of the optimizer's list ``groups``."""
        key, element = self.key, self.slot.index
        floats, tensors, others = [], [], []
        for index, group in enumerate(driven):
            if key not in group:
                raise RuntimeError(
                    f"param_groups[{self.indices[index]}] no longer holds {key!r}, which "
                    f"{self.owner} drives"
                )
            current = group[key]
            if element is not None:  # a tuple element: a float in a pair is rebuilt fast
                if not isinstance(current, tuple):
                    others.append((index, group))
                    continue
                current = current[element]
                if len(group[key]) != 2 and not isinstance(current, torch.Tensor):
                    others.append((index, group))
                    continue
            if isinstance(current, torch.Tensor):
                tensors.append((index, group))
            else:
                floats.append(group)
        # ``optimizer.load_state_dict`` replaces the list and every group dict (and loads new
        # Tensors): the identity check above notices it and the layout is read again.
        self._groups = groups
        self._float_groups = floats
        index_of = {id(g): i for i, g in enumerate(driven)}
        self._float_pairs = [(g, self.bases[index_of[id(g)]]) for g in floats]
        self._float_index = [(index_of[id(g)], g) for g in floats]
        self._tensor_groups = tensors
        self._other_groups = others
        self._shared = _shared_tensors(driven, self.slot) if len(tensors) > 1 else []
        # Probes for a value replaced by a Tensor (see ``groups``): the first and the last
        # group written as a plain float (or a float pair); a dummy when there is none.
        self._first = floats[0] if floats else self._dummy
        self._last = floats[-1] if floats else self._first
        self._head, self._tail = driven[0], driven[-1]
        self._slow_probe = bool(tensors) or self._tuple

    # -- the guarded writes --------------------------------------------------------------------
    def _bad(self, values: Sequence[Any], step: int | None) -> None:
        """Raise the error for the first of ``values`` that may not be written."""
        for index, value in zip(self.indices, values):
            check_value(value, self.target, index, step, self.owner)
        raise AssertionError("unreachable: _bad found no bad value")  # pragma: no cover

    def _in_range(self, low: float, high: float) -> bool:
        # NaN fails every comparison; inf fails the finiteness test.
        if not (self._low <= low and high <= self._high and low - low == 0.0 == high - high):
            return False
        return self._high_inclusive or high < self._high

    def write_scaled(self, lam: float, step: int | None) -> float:
        """Write ``base_g × lam`` into every group ``g`` (a multiplier curve's step).

        The check costs O(1): the values are linear in the base, so the smallest and largest
        of them are ``lam`` times the smallest and largest base.
        """
        if type(lam) is not float:  # a multiplier, not a value: finite and real, no range
            lam = check_value(lam, self.target, None, step, self.owner, multiplier=True)
        uniform = self.uniform_base
        if uniform is not None:
            self.write_same(uniform * lam, step)
            return lam
        if lam >= 0.0:
            low, high = lam * self._min_base, lam * self._max_base
        else:
            low, high = lam * self._max_base, lam * self._min_base
        if not self._in_range(low, high):
            self._bad([base * lam for base in self.bases], step)
        self.groups()
        if self._shared:
            _check_shared(
                self._shared, [b * lam for b in self.bases], self.target, self.owner, self.indices
            )
        key, bases = self.key, self.bases
        if self._tuple:
            i = self._element
            for group, base in self._float_pairs:
                current = group[key]
                group[key] = (base * lam, current[1]) if i == 0 else (current[0], base * lam)
            for index, group in self._tensor_groups:
                group[key][i].fill_(bases[index] * lam)
            for index, group in self._other_groups:
                self.slot.write(group, bases[index] * lam)
            return lam
        for group, base in self._float_pairs:
            group[key] = base * lam
        for index, group in self._tensor_groups:
            group[key].fill_(bases[index] * lam)
        return lam

    def write_same(self, value: float, step: int | None) -> float:
        """Write one ``value`` into every group; returns it as a float."""
        if type(value) is not float or not self._in_range(value, value):
            # the same value for every group: the message names group 0
            value = check_value(value, self.target, 0, step, self.owner)
        self.groups()
        key = self.key
        if self._tuple:
            # _float_groups hold pairs such as betas: rebuilt directly, 4x faster than slicing
            if self._element == 0:
                for group in self._float_groups:
                    group[key] = (value, group[key][1])
            else:
                for group in self._float_groups:
                    group[key] = (group[key][0], value)
            for _, group in self._tensor_groups:
                group[key][self._element].fill_(value)
            for _, group in self._other_groups:
                self.slot.write(group, value)
            return value
        for group in self._float_groups:
            group[key] = value
        for _, group in self._tensor_groups:
            group[key].fill_(value)
        return value

    def write_each(self, values: Sequence[Any], step: int | None) -> list[float]:
        """Write ``values[g]`` into group ``g``; returns them as floats."""
        if len(values) != self.n_groups:
            raise ValueError(
                f"{self.owner} computed {len(values)} values for {self.target!r} but it drives "
                f"{self.n_groups} param groups"
            )
        floats = list(values)
        # All plain floats, finite (a NaN or inf makes the sum NaN or inf; an overflowing sum
        # of finite values only sends them to the exact check) and in range: checked by C loops.
        total = sum(floats) if set(map(type, floats)) == {float} else math.nan
        if total - total != 0.0 or not self._in_range(min(floats), max(floats)):
            floats = [
                check_value(value, self.target, index, step, self.owner)
                for index, value in zip(self.indices, floats)
            ]
        self.groups()
        if self._shared:
            _check_shared(self._shared, floats, self.target, self.owner, self.indices)
        key = self.key
        if self._tuple:
            for index, group in self._float_index:
                current = group[key]
                value = floats[index]
                group[key] = (value, current[1]) if self._element == 0 else (current[0], value)
            for index, group in self._tensor_groups:
                group[key][self._element].fill_(floats[index])
            for index, group in self._other_groups:
                self.slot.write(group, floats[index])
            return floats
        for index, group in self._float_index:
            group[key] = floats[index]
        for index, group in self._tensor_groups:
            group[key].fill_(floats[index])
        return floats

    def check_values(self, values: Sequence[Any], step: int | None) -> list[float]:
        """``values`` (one per group) as floats if :meth:`write_each` would write them; writes
        nothing (a load checks everything before it changes anything)."""
        if len(values) != self.n_groups:
            raise ValueError(
                f"{self.owner}: {len(values)} values for {self.target!r} but it drives "
                f"{self.n_groups} param groups"
            )
        floats = [
            check_value(v, self.target, i, step, self.owner) for i, v in zip(self.indices, values)
        ]
        self.groups()
        if self._shared:
            _check_shared(self._shared, floats, self.target, self.owner, self.indices)
        return floats

    def read(self) -> list[float]:
        """The key's current value in every driven group, as floats."""
        return [self.slot.read_float(g, i) for i, g in zip(self.indices, self.groups())]


class _SelectedBinding(Binding):
    """A :class:`Binding` of the selected groups only (``groups=``).

    :meth:`groups` returns the selected group dicts. The layout is read again when the
    optimizer's list, its length, or the first or last selected dict changes (as for every
    group, plus the length: a group added later is allowed, and checked for a Tensor it
    shares with a selected group); an optimizer that no longer has a selected index raises.
    """

    __slots__ = ("_first_index", "_last_index", "_n_seen", "_selected")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._selected: list[dict[str, Any]] = []
        self._n_seen = -1
        super().__init__(*args, **kwargs)
        self._first_index, self._last_index = self.indices[0], self.indices[-1]
        with self.attaching():  # a failure takes back a key default_value created
            self.groups()  # a Tensor shared with a group outside the selection is refused now

    def groups(self) -> list[dict[str, Any]]:
        """The selected param groups, checked against the layout the binding was made for."""
        groups = self.optimizer.param_groups
        if (
            groups is not self._groups
            or len(groups) != self._n_seen
            or groups[self._first_index] is not self._head
            or groups[self._last_index] is not self._tail
            or type(self._first[self.key]) is not self._plain
            or type(self._last[self.key]) is not self._plain
            or (self._slow_probe and self._changed())
        ):
            self._relayout(groups)
        return self._selected

    def _relayout(self, groups: list[dict[str, Any]]) -> None:
        if len(groups) <= self._last_index:
            raise RuntimeError(
                f"the optimizer now has {len(groups)} param groups but {self.owner} of "
                f"{self.target!r} drives param_groups{list(self.indices)}; rebuild the schedule "
                f"for the groups the optimizer has (and load its state dict)"
            )
        driven = [groups[i] for i in self.indices]
        self._check_outside(groups)
        self._lay_out(groups, driven)
        self._selected = driven
        self._n_seen = len(groups)

    def _check_outside(self, groups: list[dict[str, Any]]) -> None:
        """Refuse a Tensor that a selected group shares with a group outside the selection:
        filling it in place would write into that group too."""
        mine: dict[int, int] = {}
        for index in self.indices:
            value = self._raw(groups[index])
            if isinstance(value, torch.Tensor):
                mine[id(value)] = index
        if not mine:
            return
        chosen = set(self.indices)
        for index, group in enumerate(groups):
            if index in chosen:
                continue
            value = self._raw(group)
            if isinstance(value, torch.Tensor) and id(value) in mine:
                raise ValueError(
                    f"{self.owner}: param groups {mine[id(value)]} and {index} hold one and the "
                    f"same Tensor as {self.target!r} (torch gives every group without its own "
                    f"value the default's Tensor), and group {index} is not in groups="
                    f"{list(self.indices)}: filling it in place would change group {index} too. "
                    f"Give each group its own Tensor, e.g. {{'params': ..., {self.key!r}: "
                    f"torch.tensor(...)}}, or use float values."
                )

    def _raw(self, group: dict[str, Any]) -> Any:
        value = group.get(self.key)
        if self.slot.index is not None and isinstance(value, (tuple, list)):
            return value[self.slot.index] if len(value) > self.slot.index else None
        return value
