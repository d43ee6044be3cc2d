"""Reading and writing hyperparameters in ``optimizer.param_groups``.

This module is the one place that writes scheduled values into param groups. Everything
else computes values and hands them to a :class:`Slot`.

A *target* names what a schedule drives in every param group: a key (``"lr"``,
``"weight_decay"``, ``"gradient_clip_threshold"``) or one element of a tuple-valued key,
written ``"betas[0]"``. Tensor values are updated in place with ``fill_`` (never replaced by a
float, so a ``torch.compile``-d or capturable optimizer keeps reading the same tensor); tuple
elements are replaced by building a new tuple, or filled in place when they are Tensors.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence
from typing import Any

import torch
from torch.nn import Parameter
from torch.optim import Optimizer

from .errors import LookupKeyError

__all__ = [
    "Slot",
    "extend_optimizer",
    "get_param_groups_regrouped_by_key",
]

_INDEXED = re.compile(r"^(?P<key>[A-Za-z_][\w.\-]*)\[(?P<index>\d+)\]$")


def as_float(value: Any) -> float:
    """A number or a one-element Tensor as a Python float."""
    return float(value.item()) if isinstance(value, torch.Tensor) else float(value)


def curve_values(lam: float, absolute: bool, bases: Sequence[float]) -> list[float]:
    """The value of every group for a curve value ``lam``: ``lam`` (absolute) or ``b × lam``."""
    return [lam] * len(bases) if absolute else [base * lam for base in bases]


def is_number(value: Any) -> bool:
    """A real number or a one-element real Tensor (``bool`` and bool Tensors are not)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, torch.Tensor):
        return value.numel() == 1 and not value.is_complex() and value.dtype != torch.bool
    return isinstance(value, numbers.Real)


def _check_target(target: Any) -> str:
    if not isinstance(target, str) or not target:
        raise TypeError(
            f"schedule_target must be a non-empty str naming a param-group key such as 'lr' "
            f"or 'weight_decay' (or 'betas[0]' for one element of a tuple), got {target!r}"
        )
    if target == "params":
        raise ValueError("schedule_target='params' names the parameters, not a hyperparameter")
    return target


class Slot:
    """The place a schedule reads and writes in every param group: ``key`` or ``key[index]``.

    Args:
        target: ``"weight_decay"``, or ``"betas[0]"`` for element 0 of the ``betas`` tuple.
    """

    __slots__ = ("index", "key", "target")

    def __init__(self, target: str) -> None:
        self.target = _check_target(target)
        match = _INDEXED.match(target)
        self.key: str = match.group("key") if match else target
        self.index: int | None = int(match.group("index")) if match else None

    def __repr__(self) -> str:
        return f"Slot({self.target!r})"

    # -- reading -----------------------------------------------------------------------------
    def read(self, group: dict[str, Any]) -> Any:
        """The current value (a float, int or one-element Tensor) in ``group``."""
        value = group[self.key]
        if self.index is None:
            return value
        return value[self.index]

    def read_float(self, group: dict[str, Any], group_index: int = 0) -> float:
        """The current value as a float, validated; errors name the group and say how to fix."""
        if self.key not in group:
            raise LookupKeyError(self.missing_message(group, group_index))
        raw = group[self.key]
        if self.index is not None:
            if not isinstance(raw, (tuple, list)):
                raise TypeError(
                    f"schedule_target {self.target!r}: param_groups[{group_index}][{self.key!r}] "
                    f"is {type(raw).__name__} {raw!r}, not a tuple; use schedule_target="
                    f"{self.key!r}"
                )
            if self.index >= len(raw):
                raise IndexError(
                    f"schedule_target {self.target!r}: param_groups[{group_index}][{self.key!r}] "
                    f"has only {len(raw)} elements"
                )
            raw = raw[self.index]
        elif isinstance(raw, (tuple, list)) and raw and is_number(raw[0]):
            raise TypeError(
                f"param_groups[{group_index}][{self.key!r}] holds the tuple {tuple(raw)!r}; "
                f"schedule one element of it with schedule_target='{self.key}[0]' "
                f"(or '{self.key}[1]', ...)"
            )
        if not is_number(raw):
            raise TypeError(
                f"param_groups[{group_index}][{self.target!r}] is {type(raw).__name__} {raw!r}; "
                f"only real numbers and one-element Tensors can be scheduled"
            )
        value = float(raw.item() if isinstance(raw, torch.Tensor) else raw)
        if not math.isfinite(value):
            raise ValueError(
                f"param_groups[{group_index}][{self.target!r}] is {value!r}; a schedule needs "
                f"a finite starting value"
            )
        return value

    def missing_message(self, group: dict[str, Any], group_index: int) -> str:
        known = sorted(k for k in group if k != "params")
        return (
            f"{self.key!r} is not in param_groups[{group_index}] (its keys: {known}). Create "
            f"it with sa.extend_optimizer(optimizer, {self.key!r}, value) first, or pass "
            f"default_value=... where the function takes one (the schedules and "
            f"arbitrary_schedule_factory do)."
        )

    # -- writing -----------------------------------------------------------------------------
    def write(self, group: dict[str, Any], value: float) -> None:
        """Write ``value`` into ``group``: in place for Tensors, a new tuple for tuple elements."""
        key = self.key
        current = group[key]
        if self.index is None:
            if isinstance(current, torch.Tensor):
                current.fill_(value)
            else:
                group[key] = value
            return
        element = current[self.index]
        if isinstance(element, torch.Tensor):
            element.fill_(value)
            return
        items = list(current)
        items[self.index] = value
        group[key] = type(current)(items) if isinstance(current, (tuple, list)) else tuple(items)

    # The loops below test ``type(current) is float`` first: after the first write every
    # non-Tensor value is a float, and ``isinstance(x, torch.Tensor)`` is slow (torch's
    # metaclass implements ``__instancecheck__`` in Python). Anything that is not a float is
    # still checked properly, so a Tensor is always filled in place, never replaced.
    def write_each(self, groups: Sequence[dict[str, Any]], values: Sequence[float]) -> None:
        """Write ``values[i]`` into ``groups[i]`` for every group."""
        if self.index is not None:
            for group, value in zip(groups, values):
                self.write(group, value)
            return
        key = self.key
        tensor = torch.Tensor
        for group, value in zip(groups, values):
            current = group[key]
            if type(current) is float or not isinstance(current, tensor):
                group[key] = value
            else:
                current.fill_(value)


def check_default(name: str, default_value: Any) -> None:
    if not is_number(default_value):
        raise TypeError(
            f"default_value for {name!r} must be a real number (or a one-element Tensor), got "
            f"{type(default_value).__name__} {default_value!r}"
        )
    as_float = float(
        default_value.item() if isinstance(default_value, torch.Tensor) else default_value
    )
    if not math.isfinite(as_float):
        raise ValueError(f"default_value for {name!r} must be finite, got {as_float!r}")


def extend_optimizer(
    optimizer: Optimizer,
    name: str,
    default_value: numbers.Number | torch.Tensor,
    overwrite_values: bool = False,
) -> Optimizer:
    """Add the hyperparameter ``name`` to every param group of ``optimizer``.

    Groups that lack ``name`` get ``default_value``; with ``overwrite_values=True`` every group
    gets it. The key is also added to ``optimizer.defaults`` so that groups added later with
    ``add_param_group`` receive it too. A Tensor default is cloned per group (groups never
    share one tensor, so an in-place update of one group cannot leak into another).

    Returns:
        The same optimizer, modified in place.

    Raises:
        TypeError: ``default_value`` is not a real number or ``name`` is not a str.
        ValueError: ``default_value`` is NaN or infinite.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> _ = extend_optimizer(opt, "gradient_clip_threshold", 10.0)
        >>> opt.param_groups[0]["gradient_clip_threshold"]
        10.0
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}"
        )
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    if name == "params":
        raise ValueError("'params' holds the parameters and cannot be used as a hyperparameter")
    check_default(name, default_value)

    def fresh() -> Any:
        if isinstance(default_value, torch.Tensor):
            return default_value.detach().clone()
        return default_value

    for group in optimizer.param_groups:
        if overwrite_values or name not in group:
            group[name] = fresh()
    if overwrite_values or name not in optimizer.defaults:
        optimizer.defaults[name] = fresh()
    return optimizer


def get_param_groups_regrouped_by_key(
    optimizer: Optimizer, schedule_target: str
) -> list[tuple[Any, list[Parameter], dict[str, Any]]]:
    """Return ``(value, params, group)`` for every param group that holds ``schedule_target``.

    ``value`` is the group's current value of the key (a float, or the Tensor itself when the
    group stores a Tensor), ``params`` the group's parameter list and ``group`` the param-group
    dict. Groups are returned in the optimizer's order; groups without the key are skipped.

    Raises:
        KeyError: no param group holds ``schedule_target`` (almost always a misspelt key,
            which would otherwise silently do nothing).

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> [(v, len(p)) for v, p, g in get_param_groups_regrouped_by_key(opt, "lr")]
        [(0.1, 1)]
    """
    slot = Slot(schedule_target)
    result = [
        (slot.read(group), list(group["params"]), group)
        for group in optimizer.param_groups
        if slot.key in group
    ]
    if not result and optimizer.param_groups:
        known = sorted({k for g in optimizer.param_groups for k in g if k != "params"})
        raise LookupKeyError(
            f"no param group holds {schedule_target!r} (keys present: {known}); check the "
            f"spelling, or create it with sa.extend_optimizer(optimizer, {schedule_target!r}, "
            f"value) or a schedule's default_value"
        )
    return result
