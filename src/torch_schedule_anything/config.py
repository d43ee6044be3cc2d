"""Schedules by name and from plain data (YAML, JSON, Hydra or OmegaConf configs).

:func:`schedule` binds a curve, given by its registered name (or as a Curve or a callable), to a
key of an optimizer's param groups. :func:`schedule_from_config` does the same from plain data.

One **entry** is a mapping:

=================== ========================================================================
``curve``           required: a registered curve name (``sa.list_curves()``)
``schedule_target`` the param-group key to drive; default ``"lr"``
``default_value``   optional: creates the key in param groups that lack it
``params``          optional: a mapping of the curve's parameters
``one_value_for_    optional (default ``false``): allow an absolute curve on param groups
all_groups``        whose values differ; otherwise use ``curve: multiplier`` with
                    ``params: {curve: {name: ..., params: ...}}`` for one curve per group base
``groups``          optional: a list of param-group indices (increasing) to drive only those
                    groups (a config holds plain data: no callables); default every group
=================== ========================================================================

Several entries may schedule one key when their ``groups`` are disjoint (a frozen backbone
and a head on ``lr``); overlapping ones are refused, naming both entries and the group.

The curve's parameters go under ``params``, **or** inline next to ``curve`` when there is no
``params`` key (then every key other than the three above is a curve parameter). With
``params`` present, any other key is an error, so a misspelt ``schedule_target`` cannot pass
silently as a curve parameter.

:func:`schedule_from_config` takes one entry (returns a
:class:`~torch_schedule_anything.CurveSchedule`) or a list of entries (returns a
:class:`~torch_schedule_anything.SynchronousSchedule` stepping them together).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from torch.optim import Optimizer

from .binding import Binding, select_groups
from .curve_schedule import CurveSchedule, check_one_value
from .curves.base import Curve
from .errors import LookupKeyError, ScheduleConflictError
from .param_groups import Slot, curve_values
from .registry import build_curve, list_curves
from .synchronizer import SynchronousSchedule

__all__ = ["ENTRY_KEYS", "schedule", "schedule_from_config"]

#: The keys an entry may hold besides inline curve parameters.
ENTRY_KEYS = (
    "curve",
    "schedule_target",
    "default_value",
    "params",
    "one_value_for_all_groups",
    "groups",
)


def _describe(position: int | None, target: Any) -> str:
    where = "config" if position is None else f"config[{position}]"
    return f"{where} (schedule_target {target!r})"


def _split_entry(entry: Mapping[str, Any], where: str) -> tuple[str, str, Any, dict[str, Any]]:
    """``(curve, schedule_target, default_value, params)`` of one entry, validated."""
    keys = [k for k in entry if not isinstance(k, str)]
    if keys:
        raise TypeError(f"{where}: keys must be strings, got {keys!r}")
    if "curve" not in entry:
        raise ValueError(
            f"{where}: the entry has no 'curve' (keys: {sorted(entry)}); add curve: <name>, "
            f"one of {list_curves()}"
        )
    curve = entry["curve"]
    if not isinstance(curve, str):
        raise TypeError(
            f"{where}: 'curve' must be a registered curve name (a str), got "
            f"{type(curve).__name__} {curve!r}; a config holds plain data"
        )
    target = entry.get("schedule_target", "lr")
    default_value = entry.get("default_value")
    if "params" in entry:
        extra = sorted(k for k in entry if k not in ENTRY_KEYS)
        if extra:
            raise ValueError(
                f"{where}: unknown key(s) {extra} next to 'params'; an entry holds only "
                f"{list(ENTRY_KEYS)}. Move curve parameters under 'params' (or drop 'params' "
                f"and write them all inline)"
            )
        raw = entry["params"]
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            raise TypeError(
                f"{where}: 'params' must be a mapping of the curve's parameters, got "
                f"{type(raw).__name__} {raw!r}"
            )
        params = dict(raw)
    else:
        params = {k: v for k, v in entry.items() if k not in ENTRY_KEYS}
    return curve, target, default_value, params


class _Parsed:
    """One entry, checked, with its curve built (nothing written to the optimizer yet)."""

    __slots__ = ("curve", "default_value", "groups", "name", "one_value", "target", "where")

    def __init__(
        self,
        where: str,
        name: str,
        curve: Curve,
        target: Any,
        default: Any,
        one_value: bool,
        groups: list[int] | None = None,
    ) -> None:
        self.where, self.name, self.curve = where, name, curve
        self.target, self.default_value, self.one_value = target, default, one_value
        self.groups = groups


def _read_groups(entry: Mapping[str, Any], where: str) -> list[int] | None:
    """The entry's ``groups`` as a list (checked against the optimizer later), or ``None``."""
    groups = entry.get("groups")
    if groups is None:
        return None
    if callable(groups) and not isinstance(groups, Sequence):
        raise TypeError(
            f"{where}: 'groups' is the callable {groups!r}; a config holds plain data, so list "
            f"the param-group indices (e.g. groups: [0, 2]), or build the schedule in Python "
            f"with sa.schedule(..., groups=callable)"
        )
    if isinstance(groups, (str, bytes, Mapping)) or not isinstance(groups, Sequence):
        raise TypeError(
            f"{where}: 'groups' must be a list of param-group indices such as [0, 2], got "
            f"{type(groups).__name__} {groups!r}"
        )
    return list(groups)


def _parse(entry: Any, position: int | None) -> _Parsed:
    if not isinstance(entry, Mapping):
        where = "config" if position is None else f"config[{position}]"
        raise TypeError(
            f"{where} must be a mapping such as {{'curve': 'linear_schedule_with_warmup', "
            f"'schedule_target': 'lr', 'params': {{...}}}}, got {type(entry).__name__} {entry!r}"
        )
    where = _describe(position, entry.get("schedule_target", "lr"))
    name, target, default_value, params = _split_entry(entry, where)
    one_value = entry.get("one_value_for_all_groups", False)
    if not isinstance(one_value, bool):
        raise TypeError(
            f"{where}: 'one_value_for_all_groups' must be true or false, got "
            f"{type(one_value).__name__} {one_value!r}"
        )
    groups = _read_groups(entry, where)
    with _naming(where, name):
        curve = build_curve(name, params)
        return _Parsed(where, name, curve, target, default_value, one_value, groups)


def _build(optimizer: Optimizer, parsed: _Parsed) -> CurveSchedule:
    with _naming(parsed.where, parsed.name):
        return CurveSchedule(
            optimizer,
            parsed.curve,
            parsed.target,
            default_value=parsed.default_value,
            one_value_for_all_groups=parsed.one_value,
            groups=parsed.groups,
        )


def _check_target_present(optimizer: Optimizer, parsed: _Parsed) -> None:
    """Fail before any schedule writes into the optimizer if a key cannot be found."""
    with _naming(parsed.where, parsed.name):
        selection = select_groups(optimizer, parsed.groups)  # checked before anything is built
    if parsed.default_value is not None or not isinstance(parsed.target, str):
        return
    with _naming(parsed.where, parsed.name):
        slot = Slot(parsed.target)
        for index, group in enumerate(optimizer.param_groups):
            if slot.key not in group and (selection is None or index in selection):
                raise LookupKeyError(slot.missing_message(group, index))
        # Reads the recorded bases and checks the step-0 values without writing anything, so
        # that a bad entry leaves the optimizer as it was (all entries or none).
        binding = Binding(
            optimizer,
            parsed.target,
            owner=f"the schedule of {parsed.target!r}",
            groups=parsed.groups,
        )
        check_one_value(parsed.curve, binding, parsed.one_value)
        lam = parsed.curve(0)
        values = curve_values(lam, parsed.curve.absolute, binding.bases)
        binding.check_values(values, 0)


@contextmanager
def _naming(where: str, curve: str) -> Iterator[None]:
    """Re-raise errors with the entry's index, target and curve at the front."""
    try:
        yield
    except LookupKeyError as exc:
        raise LookupKeyError(f"{where}: {exc}") from exc
    except KeyError as exc:
        raise LookupKeyError(f"{where}, curve {curve!r}: missing key {exc}") from exc
    except TypeError as exc:
        raise TypeError(f"{where}, curve {curve!r}: {_full_message(exc)}") from exc
    except ValueError as exc:
        raise ValueError(f"{where}, curve {curve!r}: {_full_message(exc)}") from exc


def _full_message(exc: BaseException) -> str:
    notes = getattr(exc, "__notes__", None) or []
    return "\n".join([str(exc), *notes])


def schedule_from_config(
    optimizer: Optimizer, config: Mapping[str, Any] | Sequence[Mapping[str, Any]]
) -> CurveSchedule | SynchronousSchedule:
    """Build schedules of ``optimizer`` from plain data.

    Args:
        optimizer: any ``torch.optim.Optimizer``.
        config: one entry (a mapping) or a non-empty list of entries. An entry holds ``curve``
            (a registered name), ``schedule_target`` (default ``"lr"``), optionally
            ``default_value``, ``groups`` (a list of param-group indices), and the curve's
            parameters under ``params`` or inline (see the module docstring). Mappings and
            sequences of any kind are accepted (``dict``, OmegaConf's
            ``DictConfig``/``ListConfig``); the config is never modified.

    Returns:
        A :class:`CurveSchedule` for one entry; a :class:`SynchronousSchedule` for a list
        (also of length 1), whose schedules are named by their ``schedule_target``.

    Raises:
        KeyError: an unknown curve name (the message lists the registered ones) or a
            ``schedule_target`` missing from the param groups without ``default_value``.
        ValueError, TypeError: a malformed entry, bad curve parameters, bad ``groups``, or
            two entries with the same ``schedule_target`` whose groups overlap. Every message
            starts with the entry's index and target, e.g.
            ``config[1] (schedule_target 'weight_decay')``.

    Example:
        >>> import torch, torch_schedule_anything as sa
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
        >>> sync = sa.schedule_from_config(opt, [
        ...     {"curve": "cosine_annealing_with_warmup", "params": {"warmup_to_value": 1.0,
        ...      "anneal_to_value": 0.1, "num_warmup_steps": 10, "num_training_steps": 100}},
        ...     {"curve": "constant_schedule", "schedule_target": "gradient_clip_threshold",
        ...      "default_value": 5.0, "value": 1.0},
        ... ])
        >>> sync.schedule_names
        ['lr', 'gradient_clip_threshold']
        >>> opt.param_groups[0]["gradient_clip_threshold"]
        5.0
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}"
        )
    if isinstance(config, Mapping):
        one = _parse(config, None)
        _check_target_present(optimizer, one)
        return _build(optimizer, one)
    if isinstance(config, (str, bytes)) or not isinstance(config, Sequence):
        raise TypeError(
            f"config must be a mapping (one schedule) or a list of mappings (schedules stepped "
            f"together), got {type(config).__name__} {config!r}"
        )
    entries = list(config)
    if not entries:
        raise ValueError("config is an empty list; give at least one schedule entry")
    # Parse every entry and check every key before the first schedule writes its step-0
    # value, so a bad entry leaves the optimizer untouched.
    parsed = [_parse(entry, i) for i, entry in enumerate(entries)]
    for one in parsed:
        _check_target_present(optimizer, one)
    _check_overlaps(optimizer, parsed)
    return SynchronousSchedule([_build(optimizer, one) for one in parsed])


def _check_overlaps(optimizer: Optimizer, parsed: Sequence[_Parsed]) -> None:
    """Two entries of one key must drive disjoint param groups (all groups without groups)."""
    seen: dict[str, list[tuple[int, set[int]]]] = {}
    every = set(range(len(optimizer.param_groups)))
    for position, one in enumerate(parsed):
        if not isinstance(one.target, str):
            continue
        mine = every if one.groups is None else set(one.groups)
        for other, theirs in seen.get(one.target, []):
            common = sorted(mine & theirs)
            if common:
                raise ScheduleConflictError(
                    f"{_describe(position, one.target)}: config[{other}] already schedules "
                    f"{one.target!r} in param group {common[0]}; each param group of a key "
                    f"takes one schedule. Give the entries disjoint 'groups' lists, merge them, "
                    f"or compose the curves into one"
                )
        seen.setdefault(one.target, []).append((position, mine))


def schedule(
    optimizer: Optimizer,
    curve: str | Curve | Callable[[int], float],
    /,
    schedule_target: str = "lr",
    *,
    default_value: float | None = None,
    one_value_for_all_groups: bool = False,
    groups: list[int] | tuple[int, ...] | Callable[[Mapping[str, Any]], bool] | None = None,
    **params: Any,
) -> CurveSchedule:
    """Bind a curve to ``schedule_target`` of every param group of ``optimizer``.

    Args:
        optimizer: any torch optimizer.
        curve: a registered curve name (built with ``**params``), a ``Curve`` instance, or a
            callable ``step -> multiplier``.
        schedule_target: the key to drive; ``"betas[0]"`` for one element of a tuple.
        default_value: creates the key in param groups that lack it.
        one_value_for_all_groups: allow an absolute curve on groups whose values differ
            (see :class:`~torch_schedule_anything.CurveSchedule`); otherwise use the curve's
            multiplier form, e.g. ``sa.schedule(opt, "multiplier", curve={"name": ...})``.
        groups: drive only some param groups: indices in increasing order (``[0, 2]``) or a
            callable ``group -> bool`` resolved once, now, to the indices it selects
            (``lambda g: g.get("name") == "head"``); default every group. See
            :class:`~torch_schedule_anything.CurveSchedule` and ``documentation/per_group.md``.
        **params: the curve's parameters when ``curve`` is a name (``optimizer`` and
            ``curve`` are positional-only, so a curve parameter may be called ``curve``).

    Example:
        >>> import torch, torch_schedule_anything as sa
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
        >>> s = sa.schedule(opt, "linear_schedule_with_warmup", "momentum", warmup_to_value=1.0,
        ...                 anneal_to_value=0.5, num_warmup_steps=0, num_training_steps=10)
        >>> opt.step()
        >>> s.step()
        >>> round(opt.param_groups[0]["momentum"], 6)
        0.855
    """
    if isinstance(curve, str):
        built = build_curve(curve, params)
    else:
        if params:
            raise TypeError(
                f"parameters {sorted(params)} are only used with a curve name; "
                f"{type(curve).__name__} is already built"
            )
        built = curve  # type: ignore[assignment]
    return CurveSchedule(
        optimizer,
        built,
        schedule_target,
        default_value=default_value,
        one_value_for_all_groups=one_value_for_all_groups,
        groups=groups,
    )
