"""Curves made of curves: sequencing by step offsets, and scaling into an absolute curve.

:class:`Join` is optax's ``join_schedules``: child ``i`` runs between two boundaries and sees
the step counted from the start of its segment, so every child starts at its own step 0 and
the seams are exact (the value at a boundary ``b`` is the next child's value at step 0). A join
is stateless: resuming only restores the step.

:class:`Scaled` multiplies a curve by a constant and makes it absolute, so a multiplier curve
(the 13 of ``curves/spec.py``) can follow an absolute warmup in a :class:`Join`.

Children are :class:`~torch_schedule_anything.curves.Curve` objects. In configs and through
``sa.schedule(optimizer, "join", curves=[...])`` they may be plain data
``{"name": registered_name, "params": {...}}`` (what ``curve.spec()`` returns): the registry
builds the parameters a class lists in ``curve_params``. A join's own :meth:`~Join.spec` is plain
data too.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from typing import Any

import torch

from ..checks import check_boundaries, check_real
from .base import AbsoluteCurve, Curve, FunctionCurve, StepsLike, as_steps

__all__ = ["Join", "Multiplier", "Scaled", "after_warmup", "as_multiplier", "warmup_length"]


def _as_child(where: str, value: Any) -> Curve:
    """A child curve from a Curve or a plain callable ``step -> value``."""
    if isinstance(value, Curve):
        return value
    if isinstance(value, Mapping):
        # Plain data is built by the registry (a layer above the curves): sa.schedule(...),
        # sa.schedule_from_config and sa.get_curve resolve {"name", "params"} children.
        raise TypeError(
            f"{where} is the plain-data curve {dict(value)!r}; build it with "
            f"sa.curve_from_spec(...), or pass the mapping through sa.schedule(optimizer, "
            f"name, ...) or a config, which build it"
        )
    if isinstance(value, type) and issubclass(value, Curve):
        raise TypeError(f"{where} is the class {value.__name__}; pass an instance")
    if callable(value):
        return FunctionCurve(value)
    raise TypeError(
        f"{where} must be a Curve or a callable step -> value, got {type(value).__name__} {value!r}"
    )


def _spec_hash(curve: Curve) -> int:
    return hash(repr(curve.spec()))


class Join(Curve):
    """Run ``curves[i]`` from ``boundaries[i−1]`` to ``boundaries[i]``, each from its step 0.

    With boundaries ``b₁ < b₂ < … < b_n`` (and ``b₀ = 0``)::

        λ(t) = curves[i](t − b_i)    for b_i ≤ t < b_{i+1}   (the last child runs for ever)

    The children are all absolute or all multiplier curves; the join is of the same kind
    (``Join(...)`` returns an :class:`AbsoluteJoin` for absolute children). Wrap a multiplier
    curve in :class:`Scaled` to join it after an absolute warmup.

    Args:
        curves: one or more ``Curve`` objects (``{"name", "params"}`` mappings through the
            registry: ``sa.schedule``, configs).
        boundaries: ``len(curves) − 1`` strictly increasing steps >= 1.

    Raises:
        ValueError: wrong number of boundaries, boundaries not increasing, children of both
            kinds, or a child other than the last whose horizon is longer than its segment
            (a warmup longer than its phase would be cut before reaching its peak).

    Example:
        >>> from torch_schedule_anything.curves import LinearWarmup, CosineAnnealingWarmRestarts
        >>> j = Join([LinearWarmup(1.0, 2), CosineAnnealingWarmRestarts(1.0, 0.0, 2, 1)], [2])
        >>> [round(j(t), 4) for t in range(6)]
        [0.0, 0.5, 1.0, 0.5, 1.0, 0.5]
    """

    name = "join"
    param_names = ("curves", "boundaries")
    curve_params = ("curves",)

    children: tuple[Curve, ...]
    bounds: tuple[int, ...]

    def __new__(cls, curves: Sequence[Any], boundaries: Sequence[int]) -> Join:
        children = cls._children(curves)
        target: type[Join]
        if all(c.absolute for c in children):
            target = cls if issubclass(cls, AbsoluteCurve) else AbsoluteJoin
        elif issubclass(cls, AbsoluteCurve):
            raise ValueError(
                f"{cls.__name__} joins absolute curves only; use Join(curves, boundaries), "
                f"which picks the kind from the curves"
            )
        else:
            target = cls  # all multiplier, or mixed: __init__ names the odd one out
        self = super().__new__(target)
        self.children = children
        return self

    def __getnewargs__(self) -> tuple[list[Curve], list[int]]:
        # copy, deepcopy and pickle call __new__ with these arguments.
        return list(self.children), list(self.bounds)

    @staticmethod
    def _children(curves: Any) -> tuple[Curve, ...]:
        if isinstance(curves, (str, bytes, Mapping)) or not isinstance(curves, Sequence):
            raise TypeError(
                f"curves must be a list of curves, e.g. [LinearWarmup(1e-3, 100), "
                f"OneCycleLR(1e-2, 1000)], got {type(curves).__name__}"
            )
        if not curves:  # one curve is a join of one (as a one-phase sa.sequential)
            raise ValueError("curves is empty; give at least one curve")
        return tuple(_as_child(f"curves[{i}]", c) for i, c in enumerate(curves))

    def __init__(self, curves: Sequence[Any], boundaries: Sequence[int]) -> None:
        children = self.children
        bounds = check_boundaries(boundaries, len(children), "curves")
        first = children[0]
        for i, child in enumerate(children):
            if child.absolute != first.absolute:
                kind = "an absolute" if child.absolute else "a multiplier"
                first_kind = "absolute" if first.absolute else "multiplier"
                raise ValueError(
                    f"curves[{i}] ({type(child).__name__}) is {kind} curve but curves[0] "
                    f"({type(first).__name__}) is {first_kind}; a join writes one kind of "
                    f"value. Wrap the multiplier curve(s) in Scaled(curve, base_value) to make "
                    f"them absolute."
                )
        starts = (0, *bounds)
        for i, child in enumerate(children[:-1]):
            length = starts[i + 1] - starts[i]
            end = child.horizon
            if end is not None and end > length:
                raise ValueError(
                    f"curves[{i}] ({child!r}) runs for {end} steps but its segment from step "
                    f"{starts[i]} to boundary {starts[i + 1]} lasts {length}: it would be cut "
                    f"before it finishes (a warmup longer than its phase). Move the boundary to "
                    f"{starts[i] + end} or shorten the curve."
                )
        self.bounds = bounds
        self._starts = starts
        #: Inherited from the last child: whether stepping far past the horizon warns.
        self.horizon_is_training_end = bool(getattr(children[-1], "horizon_is_training_end", False))

    @property
    def curves(self) -> list[dict[str, Any]]:
        """The children as plain data (``[child.spec(), ...]``)."""
        return [child.spec() for child in self.children]

    @property
    def boundaries(self) -> list[int]:
        return list(self.bounds)

    @property
    def horizon(self) -> int | None:
        last = self.children[-1].horizon
        return None if last is None else self.bounds[-1] + last

    def __call__(self, step: int) -> float:
        i = bisect.bisect_right(self.bounds, step)
        return self.children[i](step - self._starts[i])

    def values(self, steps: StepsLike) -> torch.Tensor:
        t = as_steps(steps)
        edges = torch.tensor(self.bounds, dtype=torch.float64)
        index = torch.bucketize(t, edges, right=True)
        out = torch.empty_like(t)
        for i, child in enumerate(self.children):
            mask = index == i
            if bool(mask.any()):
                out[mask] = child.values(t[mask] - self._starts[i])
        return out

    def __repr__(self) -> str:
        inner = ", ".join(repr(c) for c in self.children)
        return f"{type(self).__name__}([{inner}], boundaries={list(self.bounds)})"

    def __hash__(self) -> int:
        return hash((type(self), tuple(_spec_hash(c) for c in self.children), self.bounds))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Join):
            return NotImplemented
        return self.spec() == other.spec()


class AbsoluteJoin(Join, AbsoluteCurve):
    """A :class:`Join` of absolute curves (what ``Join(...)`` returns for them)."""


class _OneChild(Curve):
    """A curve made of one other curve, its ``curve`` parameter (kept as ``child``)."""

    child: Curve

    def _adopt(self, curve: Any) -> None:
        child = _as_child("curve", curve)
        self.child = child
        self.horizon_is_training_end = bool(getattr(child, "horizon_is_training_end", False))

    @property
    def curve(self) -> dict[str, Any]:
        """The wrapped curve as plain data."""
        return self.child.spec()

    @property
    def horizon(self) -> int | None:
        return self.child.horizon


class Scaled(_OneChild, AbsoluteCurve):
    """``c × curve``, written as is: turns a multiplier curve into an absolute one.

    ``λ(t) = c·μ(t)`` where ``μ`` is ``curve`` and ``c = scale``. Use it to give a multiplier
    curve (e.g. ``cosine_annealing_with_warmup``) the base value it would otherwise read from
    the optimizer, so it can follow an absolute warmup in a :class:`Join`.

    Args:
        curve: a curve (a ``{"name", "params"}`` mapping through the registry).
        scale: ``c``, a finite real.

    Example:
        >>> from torch_schedule_anything.curves import LinearScheduleWithWarmup
        >>> s = Scaled(LinearScheduleWithWarmup(1.0, 0.0, 0, 4), scale=1e-3)
        >>> [s(t) for t in (0, 2, 4)]
        [0.001, 0.0005, 0.0]
    """

    name = "scaled"
    param_names = ("curve", "scale")
    curve_params = ("curve",)

    def __init__(self, curve: Any, scale: float) -> None:
        self._adopt(curve)
        self.scale = check_real("scale", scale)

    def __call__(self, step: int) -> float:
        return self.scale * self.child(step)

    def values(self, steps: StepsLike) -> torch.Tensor:
        return self.child.values(steps).mul_(self.scale)

    def __repr__(self) -> str:
        return f"Scaled({self.child!r}, scale={self.scale!r})"

    def __hash__(self) -> int:
        return hash((Scaled, _spec_hash(self.child), self.scale))


class Multiplier(_OneChild):
    """The multiplier form of a curve: ``value_g(t) = base_g × μ(t)`` in every group ``g``.

    ``λ(t) = μ(t)`` where ``μ`` is ``curve``, read as a factor of each group's recorded base
    instead of a value written as is. This is how the absolute families (warmup, cyclical,
    1cycle, SGDR, joins of them) drive groups that hold different values (layer-wise learning
    rates, a no-decay group with ``weight_decay = 0``): give the curve factors, e.g. its peak
    at 1.0, and each group follows it from its own base.

    Args:
        curve: a curve (a ``{"name", "params"}`` mapping through the registry); a multiplier
            curve is kept as is.

    Example:
        >>> from torch_schedule_anything.curves import WarmupWithDecay
        >>> m = Multiplier(WarmupWithDecay(base_lr=1.0, warmup_steps=2, total_steps=6))
        >>> m.absolute, [round(m(t), 4) for t in (0, 1, 2, 4, 6)]
        (False, [0.0, 0.5, 1.0, 0.5, 0.0])
    """

    name = "multiplier"
    param_names = ("curve",)
    curve_params = ("curve",)

    def __init__(self, curve: Any) -> None:
        self._adopt(curve)
        if isinstance(self.child, Multiplier):  # Multiplier(Multiplier(c)) is Multiplier(c)
            self.child = self.child.child

    def __call__(self, step: int) -> float:
        return self.child(step)

    def values(self, steps: StepsLike) -> torch.Tensor:
        return self.child.values(steps)

    def __repr__(self) -> str:
        return f"Multiplier({self.child!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Multiplier):
            return NotImplemented
        return self.spec() == other.spec()

    def __hash__(self) -> int:
        return hash((Multiplier, _spec_hash(self.child)))


def as_multiplier(curve: Curve) -> Curve:
    """``curve`` if it is a multiplier curve, else :class:`Multiplier` ``(curve)``."""
    return curve if not curve.absolute else Multiplier(curve)


def warmup_length(warmup: Any) -> int:
    """The step where what follows ``warmup`` starts: its ``horizon`` (0: no warmup).

    The one rule of :func:`after_warmup` (curves) and ``sa.warmup_then`` (schedules): a warmup
    of 0 steps is no warmup (what follows starts at step 0, so a config with
    ``warmup_steps: 0`` needs no special case); a warmup that never ends is refused.
    """
    if not isinstance(warmup, Curve):
        raise TypeError(f"warmup must be a Curve, got {type(warmup).__name__} {warmup!r}")
    length = warmup.horizon
    if length is None:
        raise ValueError(
            f"warmup {warmup!r} never ends (its horizon is None); use Join(curves, boundaries) "
            f"or sa.sequential(optimizer, phases, boundaries) to say where the next one starts"
        )
    return length


def after_warmup(warmup: Curve, then: Any) -> Curve:
    """``warmup`` for its ``horizon`` steps, then ``then`` from its own step 0.

    ``Join([warmup, then], [warmup.horizon])``; returns ``then`` unchanged when the warmup has
    no steps (``horizon == 0``), so a config with ``warmup_steps: 0`` needs no special case.

    Example:
        >>> from torch_schedule_anything.curves import LinearWarmup, CyclicLR
        >>> c = after_warmup(LinearWarmup(0.1, 2), CyclicLR(0.1, 0.3, step_size=1))
        >>> [round(c(t), 4) for t in range(6)]
        [0.0, 0.05, 0.1, 0.3, 0.1, 0.3]
    """
    length = warmup_length(warmup)
    if length == 0:
        return _as_child("then", then)
    return Join([warmup, then], [length])
