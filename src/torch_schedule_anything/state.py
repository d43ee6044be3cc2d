"""The state-dict contract shared by every object this package returns.

Every ``state_dict()`` is plain data that says what it is: ``kind`` (the class that wrote it),
the key it drives, the base value of every param group (so the group count), and, for curves,
the curve's name and parameters. Every ``load_state_dict()`` first **reads the whole dict**
with the functions below, which raise a ``ValueError``/``TypeError`` naming the first mismatch
and how to fix it, and only then changes anything, so a rejected load leaves the schedule,
its children and the optimizer as they were.

A dict that is not one of ours is recognised, not guessed: :func:`describe` names what it
looks like (a torch scheduler's, a ScheduleAnything 1.x one, another kind of ours), so that
the error says which object it belongs to.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import torch

__all__ = [
    "KIND",
    "V1_LAMBDA_KEYS",
    "check_groups",
    "check_identity",
    "check_keys",
    "describe",
    "is_v1_lambda_state",
    "plain_copy",
    "read_floats",
    "read_step",
    "require_mapping",
    "shape_mismatch",
    "torch_state_mismatch",
]

#: The key naming the kind of object a state dict was saved from.
KIND = "kind"

#: The keys of a ``LambdaLR`` state dict, what ScheduleAnything 1.x saved for its schedules
#: (``lr_lambdas`` and ``base_lrs`` always; the others depend on the torch version).
V1_LAMBDA_KEYS = frozenset(
    {
        "base_lrs",
        "last_epoch",
        "_step_count",
        "verbose",
        "_is_initial",
        "_get_lr_called_within_step",
        "_last_lr",
        "lr_lambdas",
    }
)


def require_mapping(state: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(state, Mapping):
        raise TypeError(
            f"a {what} state dict must be a mapping (what state_dict() returned), got "
            f"{type(state).__name__}"
        )
    return state


def describe(state: Mapping[str, Any]) -> str:
    """What ``state`` looks like, for messages: whose ``state_dict()`` could have written it."""
    kind = state.get(KIND)
    target = state.get("schedule_target", state.get("param_group_field"))
    if isinstance(kind, str):
        return f"a {kind} state dict" + (f" for {target!r}" if isinstance(target, str) else "")
    if "param_group_field" in state and "attributes" in state:
        return f"a {state.get('scheduler', 'SchedulerBase')} state dict for {target!r}"
    if "curve" in state and "base_lrs" in state:
        return f"a CurveSchedule state dict for {target!r}"
    if "phases" in state and "boundaries" in state:
        return f"a SequentialSchedule state dict for {target!r}"
    if "scheduler" in state and "state" in state:
        return f"an adapted {state.get('scheduler')} state dict for {target!r}"
    if is_v1_lambda_state(state):
        return "a LambdaLR state dict (what ScheduleAnything 1.x saved for its schedules)"
    if "last_epoch" in state and ("base_lrs" in state or "_last_lr" in state):
        extra = sorted(k for k in state if k not in V1_LAMBDA_KEYS)
        return (
            f"a torch scheduler's state dict (with {extra})"
            if extra
            else ("a torch scheduler's state dict")
        )
    if state and all(isinstance(v, Mapping) for v in state.values()):
        return f"a SynchronousSchedule state dict of {sorted(state)}"
    return f"an unknown dict with the keys {sorted(state)}"


def is_v1_lambda_state(state: Mapping[str, Any]) -> bool:
    """A ``LambdaLR`` state dict of the shape ScheduleAnything 1.x saved."""
    return {"lr_lambdas", "base_lrs", "last_epoch"} <= set(state) and set(state) <= V1_LAMBDA_KEYS


def check_keys(
    state: Mapping[str, Any], required: Sequence[str], optional: Sequence[str], what: str
) -> None:
    """Every ``required`` key is present and no key is outside ``required`` + ``optional``."""
    missing = [k for k in required if k not in state]
    extra = sorted(str(k) for k in state if k not in required and k not in optional)
    if missing or extra:
        problems = []
        if missing:
            problems.append(f"it lacks {missing}")
        if extra:
            problems.append(f"it has keys a {what} does not save: {extra}")
        raise ValueError(
            f"this is not a {what} state dict ({'; '.join(problems)}); it looks like "
            f"{describe(state)}. Load it into the object that saved it."
        )


def check_identity(
    state: Mapping[str, Any],
    what: str,
    target: str,
    required: Sequence[str],
    optional: Sequence[str],
    *,
    kind: str | None = None,
    target_key: str = "schedule_target",
) -> None:
    """The dict's keys are ``what``'s (:func:`check_keys`), its ``kind`` (``what`` unless
    ``kind`` says otherwise) and the key it drives (``state[target_key]``) are this object's."""
    check_keys(state, required, (KIND, *optional), what)
    expected = kind or what
    if state.get(KIND, expected) != expected:
        raise ValueError(f"this is {describe(state)}, not a {what}'s; load it there")
    if state[target_key] != target:
        raise ValueError(
            f"the state dict is for {target_key} {state[target_key]!r} but this {what} drives "
            f"{target!r}; load it into the schedule of {state[target_key]!r}"
        )


def _groups_text(groups: Sequence[int] | None) -> str:
    return "every param group" if groups is None else f"the param groups {list(groups)}"


def check_groups(saved: Any, mine: Sequence[int] | None, source: str, what: str) -> None:
    """The selection of param groups a state dict was saved with (``saved``: its ``"groups"``
    entry, ``None`` when it has none, i.e. every group) is this schedule's (``mine``).

    Raises:
        TypeError: ``saved`` is not a list of ints.
        ValueError: another selection; the message names both and how to fix it.
    """
    if saved is not None:
        if isinstance(saved, (str, bytes, Mapping)) or not isinstance(saved, Sequence):
            raise TypeError(
                f"{what} state dict: 'groups' must be a list of param-group indices, got "
                f"{type(saved).__name__} {saved!r}"
            )
        for index, value in enumerate(saved):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(
                    f"{what} state dict: groups[{index}] must be an int, got "
                    f"{type(value).__name__} {value!r}"
                )
        saved = [int(v) for v in saved]
    current = None if mine is None else list(mine)
    if saved != current:
        fix = "without groups=" if saved is None else f"with groups={saved}"
        raise ValueError(
            f"{source} was saved from a {what} of {_groups_text(saved)} but this one drives "
            f"{_groups_text(current)}; load it into a schedule built {fix}"
        )


def read_step(state: Mapping[str, Any], key: str, what: str, minimum: int = 0) -> int:
    """``state[key]`` as a whole number >= ``minimum`` (ints only: not bools, floats or str)."""
    value = state[key]
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{what} state dict: {key!r} must be an int, got {type(value).__name__} {value!r}"
        )
    if value < minimum:
        raise ValueError(f"{what} state dict: {key!r} must be >= {minimum}, got {value!r}")
    return int(value)


def read_floats(state: Mapping[str, Any], key: str, n_groups: int | None, what: str) -> list[float]:
    """``state[key]`` as one finite float per param group (numbers or one-element Tensors)."""
    values = state[key]
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Sequence):
        raise TypeError(
            f"{what} state dict: {key!r} must be a list of numbers, got "
            f"{type(values).__name__} {values!r}"
        )
    if n_groups is not None and len(values) != n_groups:
        raise ValueError(
            f"{what} state dict: {key!r} has {len(values)} entries but the optimizer has "
            f"{n_groups} param groups; load it into a schedule of an optimizer with the same "
            f"param groups"
        )
    out = []
    for index, value in enumerate(values):
        if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_complex():
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"{what} state dict: {key}[{index}] must be a number, got "
                f"{type(value).__name__} {value!r}"
            )
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{what} state dict: {key}[{index}] is {number!r}, not finite")
        out.append(number)
    return out


#: torch's fields that hold ±inf legitimately (ReduceLROnPlateau before its first metric).
_INFINITE_OK = ("['best']", "['mode_worse']")


def torch_state_mismatch(saved: Any, current: Any, path: str, n_groups: int) -> str | None:
    """Why ``saved`` cannot be the state of a torch scheduler whose state is ``current``.

    Field by field: the same keys, and each value of the same kind as the scheduler's own (a
    number for a number, finite; lists of the same length; ``None``, bools and strings alike).
    Returns ``None`` when it fits.
    """
    if isinstance(current, Mapping):
        if not isinstance(saved, Mapping):
            return f"{path} is {type(saved).__name__}, not a dict"
        missing = [k for k in current if k not in saved]
        extra = [k for k in saved if k not in current]
        if missing or extra:
            return (
                f"{path} lacks {missing} / has unknown {extra}"
                if path
                else (f"it lacks {missing} / has keys this scheduler does not save: {extra}")
            )
        for key in current:
            why = torch_state_mismatch(saved[key], current[key], f"{path}[{key!r}]", n_groups)
            if why:
                return why
        return None
    if isinstance(current, (list, tuple)):
        if not isinstance(saved, (list, tuple)):
            return f"{path} is {type(saved).__name__} {saved!r}, not a list"
        if len(saved) != len(current):
            return f"{path} has {len(saved)} entries, this scheduler's has {len(current)}"
        for i, (a, b) in enumerate(zip(saved, current)):
            why = torch_state_mismatch(a, b, f"{path}[{i}]", n_groups)
            if why:
                return why
        return None
    if current is None:
        if saved is None or isinstance(saved, (numbers.Real, str)):
            return None
        return f"{path} is {type(saved).__name__}, not plain data"
    if isinstance(current, (bool, str)):
        if type(saved) is not type(current):
            return f"{path} is {type(saved).__name__} {saved!r}, not a {type(current).__name__}"
        return None
    if isinstance(current, (numbers.Real, torch.Tensor)):
        value = saved.item() if isinstance(saved, torch.Tensor) and saved.numel() == 1 else saved
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return f"{path} is {type(saved).__name__} {saved!r}, not a number"
        if isinstance(current, numbers.Integral) and not isinstance(value, numbers.Integral):
            return f"{path} is {value!r}, not an int"
        number, now = float(value), float(current)
        if math.isnan(number) or (
            not math.isfinite(number) and math.isfinite(now) and not (path.endswith(_INFINITE_OK))
        ):
            return f"{path} is {number!r}, not a finite number"
        return None
    return None
    return None


def plain_copy(value: Any) -> tuple[bool, Any]:
    """``(True, copy)`` if ``value`` is plain data ``torch.load(weights_only=True)`` reads.

    Plain data: ``None``, bools, ints, floats, strs, and lists, tuples, sets and str-keyed
    dicts of plain data. NumPy scalars become Python numbers. Anything else (Tensors,
    callables, curves, modules, frozensets) is ``(False, None)``.
    """
    if value is None or isinstance(value, (bool, str)):
        return True, value
    if isinstance(value, numbers.Integral):
        return True, int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, torch.Tensor):
        return True, float(value)
    if isinstance(value, (list, tuple, set)):
        items = [plain_copy(v) for v in value]
        if not all(ok for ok, _ in items):
            return False, None
        copied = [v for _, v in items]
        return True, (list(copied) if isinstance(value, list) else type(value)(copied))
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            ok, copied_item = plain_copy(item)
            if not isinstance(key, str) or not ok:
                return False, None
            out[key] = copied_item
        return True, out
    return False, None


def shape_mismatch(saved: Any, current: Any, path: str) -> str | None:
    """Why ``saved`` cannot replace the attribute value ``current`` in a pytorch-accelerated
    state dict: the same kind of plain data (a finite number for a number, a bool for a bool,
    a str for a str, a list for a list, a dict for a dict; anything plain where it is None).
    Lengths may differ (pytorch-accelerated restores lists whole)."""
    ok, copied = plain_copy(saved)
    if not ok:
        return f"{path} is {type(saved).__name__}, not plain data"
    if current is None:
        return None
    if isinstance(current, (bool, str)):
        if type(copied) is not type(current):
            return f"{path} is {type(saved).__name__} {saved!r}, not a {type(current).__name__}"
        return None
    if isinstance(current, numbers.Real):
        if isinstance(copied, bool) or not isinstance(copied, numbers.Real):
            return f"{path} is {type(saved).__name__} {saved!r}, not a number"
        if not math.isfinite(copied):
            return f"{path} is {copied!r}, not a finite number"
        return None
    for kind in ((list, tuple), (dict,), (set,)):
        if isinstance(current, kind) and not isinstance(copied, kind):
            return f"{path} is {type(saved).__name__} {saved!r}, not a {type(current).__name__}"
    return None
