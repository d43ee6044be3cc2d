"""Drop-ins for ``fvcore.common.param_scheduler``: the same schedulers, also as curves.

An fvcore ``ParamScheduler`` is a function of the **progress** ``where`` in ``[0, 1)``, not of a
step. Every class here keeps fvcore's name, arguments, defaults, argument errors (the same
exception type under the same condition) and ``where`` behaviour (``where`` checks included),
so ``from torch_schedule_anything.compat.fvcore import CosineParamScheduler`` is a port that
changes only the import: ``CosineParamScheduler(1.0, 0.0)(0.25)`` is fvcore's number.

A step needs the run length. :meth:`ParamScheduler.to_curve` (or the registered curve
``"fvcore:<name>"``) turns a scheduler into a :class:`~torch_schedule_anything.curves.Curve`
of the step ``t`` with ``M = total_steps``, the way detectron2's ``LRMultiplier`` does::

    λ(t) = S(t / M)       for t < M          (S = the scheduler, where = t / M exactly)
    λ(t) = S(1)           for t ≥ M          (held: the value detectron2 writes after the last
                                              iteration)

Where fvcore raises instead of giving a value (``ConstantParamScheduler`` at ``where = 1``,
``StepParamScheduler`` from ``where = 1 − 10⁻⁶`` on, which a run of a million steps reaches, a
composite's child whose rescaled ``where`` rounds to 1) the curve takes the scheduler's last
value; everywhere else its value is fvcore's, bit for bit.

The curve is a **multiplier** by default (detectron2's use: ``value_g(t) = base_g × λ(t)``, so
one scheduler drives groups with different base values); ``absolute=True`` writes fvcore's
value itself (ClassyVision's use: the scheduler's numbers are the learning rates).

Names registered (``sa.schedule(opt, "fvcore:cosine", "weight_decay", start_value=1.0,
end_value=0.0, total_steps=1000)``, ``sa.schedule_from_config``), each taking fvcore's arguments
plus ``total_steps`` and ``absolute``: ``fvcore:constant``, ``fvcore:cosine``,
``fvcore:exponential``, ``fvcore:linear``, ``fvcore:multi_step``, ``fvcore:polynomial_decay``,
``fvcore:step``, ``fvcore:step_with_fixed_gamma``, ``fvcore:composite``. In a config the
children of ``fvcore:composite`` are plain data: ``{"name": "fvcore:linear", "params":
{"start_value": 0.0, "end_value": 1.0}}`` (no ``total_steps``: a child is a function of
``where``).

Differences from fvcore, all on the side of failing early: ``CompositeParamScheduler`` copies
``lengths`` instead of rewriting the caller's list, and refuses ``interval_scaling`` of another
length than ``schedulers`` (fvcore raises ``IndexError`` when training reaches that segment);
:meth:`~ParamScheduler.to_curve` refuses parameters whose curve would not be finite and real
(a negative ``decay``, a negative ``power``, a non-number).

Importing this module does not import fvcore.
"""

from __future__ import annotations

import bisect
import inspect
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from torch.optim import Optimizer

from ..checks import check_real, check_step_count
from ..curve_schedule import CurveSchedule
from ..curves.base import AbsoluteCurve, Curve
from .lambda_lr import bind_like_lambda_lr

__all__ = [
    "AbsoluteParamSchedulerCurve",
    "CompositeParamScheduler",
    "ConstantParamScheduler",
    "CosineParamScheduler",
    "ExponentialParamScheduler",
    "LRMultiplier",
    "LinearParamScheduler",
    "MultiStepParamScheduler",
    "ParamScheduler",
    "ParamSchedulerCurve",
    "PolynomialDecayParamScheduler",
    "StepParamScheduler",
    "StepWithFixedGammaParamScheduler",
    "register_curves",
]


class ParamScheduler:
    """A function of the training progress ``where`` in ``[0, 1)`` (fvcore's base class).

    Subclasses implement ``__call__(where)``. Give them a registered ``name`` and
    ``param_names`` to make their :meth:`spec` rebuildable; :meth:`to_curve` makes a curve of
    the step from any of them.
    """

    #: fvcore's tolerance when ``where`` is compared with a boundary.
    WHERE_EPSILON = 1e-6
    #: The registered curve name (``"fvcore:cosine"``); empty for a user's own subclass.
    name: ClassVar[str] = ""
    #: The constructor arguments, in order (what :meth:`params` reads back).
    param_names: ClassVar[tuple[str, ...]] = ()

    def __call__(self, where: float) -> float:
        """The value at progress ``where`` (a float in ``[0, 1)``)."""
        raise NotImplementedError("Param schedulers must override __call__")

    def value_at_end(self) -> float:
        """The value a curve holds from ``t = M`` on: the value at ``where = 1``.

        Where fvcore raises at ``where = 1`` (a constant, a step function) it is the last value.
        """
        return self(1.0)

    def value_for_curve(self, where: float) -> float:
        """The value a curve takes at ``where = t / M < 1``: ``self(where)``.

        Overridden where fvcore raises near ``where = 1`` (``StepParamScheduler`` for
        ``where >= 1 − 10⁻⁶``; a composite's child whose rescaled ``where`` rounds to 1 or just
        above): there the last value instead of an ``IndexError``/``RuntimeError``.
        """
        return self(where)

    def params(self) -> dict[str, Any]:
        """The constructor arguments as plain data."""
        return {name: _plain(getattr(self, name)) for name in self.param_names}

    def spec(self) -> dict[str, Any]:
        """``{"name": "fvcore:<name>", "params": {...}}`` (a composite's children are specs)."""
        return {"name": self.name or type(self).__qualname__, "params": self.params()}

    def curve_problem(self) -> str | None:
        """Why a curve of this scheduler would not be finite and real, or ``None``."""
        return None

    def to_curve(self, total_steps: int, *, absolute: bool = False) -> ParamSchedulerCurve:
        """This scheduler as a curve of the step: ``λ(t) = S(min(t, M) / M)``, ``M = total_steps``.

        Args:
            total_steps: ``M >= 1``, the number of ``step()`` calls of the run (detectron2's
                ``max_iter``): step ``t`` is ``where = t / M``.
            absolute: ``False`` (default): a multiplier curve, ``value_g = base_g × λ(t)``
                (detectron2's ``LRMultiplier``). ``True``: ``value_g = λ(t)`` in every group.

        Example:
            >>> c = CosineParamScheduler(1.0, 0.0).to_curve(total_steps=4)
            >>> [round(c(t), 4) for t in range(6)]
            [1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
        """
        absolute = _check_bool("absolute", absolute)
        kind = AbsoluteParamSchedulerCurve if absolute else ParamSchedulerCurve
        return kind(self, total_steps)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"


class ConstantParamScheduler(ParamScheduler):
    """``S(where) = v``; fvcore raises ``RuntimeError`` for ``where >= 1``.

    Args:
        value: ``v``.

    Example:
        >>> ConstantParamScheduler(0.1)(0.5)
        0.1
    """

    name = "fvcore:constant"
    param_names = ("value",)

    def __init__(self, value: float) -> None:
        self.value = value

    def __call__(self, where: float) -> float:
        if where >= 1.0:
            raise RuntimeError(f"where must be in [0, 1) for ConstantParamScheduler, got {where}")
        return self.value

    def value_for_curve(self, where: float) -> float:
        return self.value

    def value_at_end(self) -> float:
        return self.value


class CosineParamScheduler(ParamScheduler):
    """Half-wave cosine from ``a`` to ``b``: ``S(w) = b + ½(a − b)(1 + cos πw)``.

    ``a = start_value``, ``b = end_value``; a warmup when ``a < b``. No restarts.

    Example:
        >>> s = CosineParamScheduler(start_value=1.0, end_value=0.0)
        >>> [round(s(w), 4) for w in (0.0, 0.25, 0.5, 0.75)]
        [1.0, 0.8536, 0.5, 0.1464]
    """

    name = "fvcore:cosine"
    param_names = ("start_value", "end_value")

    def __init__(self, start_value: float, end_value: float) -> None:
        self.start_value = start_value
        self.end_value = end_value

    def __call__(self, where: float) -> float:
        a, b = self.start_value, self.end_value
        return b + 0.5 * (a - b) * (1 + math.cos(math.pi * where))  # type: ignore[no-any-return]


class ExponentialParamScheduler(ParamScheduler):
    """``S(w) = a · d^w``: from ``a`` at ``w = 0`` towards ``a·d`` at ``w = 1``.

    ``a = start_value``, ``d = decay``.

    Example:
        >>> s = ExponentialParamScheduler(start_value=2.0, decay=0.25)
        >>> [s(w) for w in (0.0, 0.5)]
        [2.0, 1.0]
    """

    name = "fvcore:exponential"
    param_names = ("start_value", "decay")

    def __init__(self, start_value: float, decay: float) -> None:
        self.start_value = start_value
        self.decay = decay

    def __call__(self, where: float) -> float:
        return self.start_value * (self.decay**where)  # type: ignore[no-any-return]

    def curve_problem(self) -> str | None:
        if _is_real(self.decay) and self.decay < 0:
            return f"decay = {self.decay!r} < 0 makes decay ** where complex; use decay >= 0"
        return None


class LinearParamScheduler(ParamScheduler):
    """``S(w) = b·w + a·(1 − w)``: a straight line from ``a`` to ``b``.

    ``a = start_value``, ``b = end_value``.

    Example:
        >>> s = LinearParamScheduler(start_value=0.0, end_value=1.0)
        >>> [s(w) for w in (0.0, 0.25, 0.5)]
        [0.0, 0.25, 0.5]
    """

    name = "fvcore:linear"
    param_names = ("start_value", "end_value")

    def __init__(self, start_value: float, end_value: float) -> None:
        self.start_value = start_value
        self.end_value = end_value

    def __call__(self, where: float) -> float:
        a, b = self.start_value, self.end_value
        return b * where + a * (1 - where)  # type: ignore[no-any-return]


class MultiStepParamScheduler(ParamScheduler):
    """``values[i]`` between milestones: ``S(w) = values[#{m ∈ milestones : m ≤ e}]``.

    ``e = ⌊(w + 10⁻⁶)·N⌋`` with ``N = num_updates`` (``milestones[-1]`` when ``num_updates`` is
    ``None``, the last milestone then being the end); with ``milestones=None`` they split ``N``
    evenly, every ``⌈N / len(values)⌉``. fvcore raises ``RuntimeError`` for ``where > 1``.

    Raises:
        ValueError: both ``num_updates`` and ``milestones`` are ``None``; ``milestones`` of the
            wrong length (``len(values) − 1``, or ``len(values)`` without ``num_updates``);
            ``N < len(values)``; milestones not increasing or not below ``N``.

    Example:
        >>> s = MultiStepParamScheduler([1.0, 0.1, 0.01], num_updates=90, milestones=[30, 60])
        >>> [s(w) for w in (0.0, 0.33, 0.34, 0.9)]
        [1.0, 1.0, 0.1, 0.01]
    """

    name = "fvcore:multi_step"
    param_names = ("values", "num_updates", "milestones")

    def __init__(
        self,
        values: list[float],
        num_updates: int | None = None,
        milestones: list[int] | None = None,
    ) -> None:
        if num_updates is None and milestones is None:
            raise ValueError(
                "MultiStepParamScheduler needs num_updates or milestones (both are None): give "
                "the total number of updates, the milestones, or both"
            )
        self.values = list(values)
        self.num_updates = num_updates
        self.milestones = None if milestones is None else list(milestones)
        if milestones is None:
            width = math.ceil(num_updates / float(len(values)))  # type: ignore[operator]
            bounds = [width * (i + 1) for i in range(len(values) - 1)]
        else:
            expected = len(values) - int(num_updates is not None)
            if not (isinstance(milestones, Sequence) and len(milestones) == expected):
                raise ValueError(
                    f"milestones must be a list of {expected} milestones for {len(values)} "
                    f"values{'' if num_updates is not None else ' without num_updates'}, got "
                    f"{milestones!r}"
                )
            bounds = list(milestones)
        total = num_updates
        if total is None:
            total, bounds = bounds[-1], bounds[:-1]
        if total < len(values):
            raise ValueError(
                f"num_updates must be at least len(values) = {len(values)}, got {total}"
            )
        start = 0
        for milestone in bounds:
            if milestone >= total:
                raise ValueError(
                    f"each milestone must be smaller than num_updates = {total}, got {milestone}"
                )
            if start >= milestone:
                raise ValueError(
                    f"milestones must be increasing and > 0: {milestone} follows {start}"
                )
            start = milestone
        self._total = total
        self._bounds = bounds

    def __call__(self, where: float) -> float:
        if where > 1.0:
            raise RuntimeError(f"where must be in [0, 1] for MultiStepParamScheduler, got {where}")
        epoch = int((where + self.WHERE_EPSILON) * self._total)
        return self.values[bisect.bisect_right(self._bounds, epoch)]

    def value_for_curve(self, where: float) -> float:
        return self.values[-1] if where > 1.0 else self(where)

    def value_at_end(self) -> float:
        return self.values[-1]


class PolynomialDecayParamScheduler(ParamScheduler):
    """``S(w) = a·(1 − w)^P``: from ``a`` to 0.

    ``a = base_value``, ``P = power``.

    Example:
        >>> s = PolynomialDecayParamScheduler(base_value=1.0, power=2.0)
        >>> [s(w) for w in (0.0, 0.5, 0.75)]
        [1.0, 0.25, 0.0625]
    """

    name = "fvcore:polynomial_decay"
    param_names = ("base_value", "power")

    def __init__(self, base_value: float, power: float) -> None:
        self.base_value = base_value
        self.power = power

    def __call__(self, where: float) -> float:
        return self.base_value * (1 - where) ** self.power  # type: ignore[no-any-return]

    def curve_problem(self) -> str | None:
        if _is_real(self.power) and self.power < 0:
            return f"power = {self.power!r} < 0 makes the value infinite at where = 1; use >= 0"
        return None


class StepParamScheduler(ParamScheduler):
    """``values`` in equal parts of the run: ``S(w) = values[⌊(w + 10⁻⁶)·n⌋]``, ``n = len(values)``.

    ``num_updates`` is checked (``> 0``) but does not change the values (fvcore's behaviour).

    Raises:
        ValueError: ``num_updates <= 0``; ``values`` not a non-empty list.

    Example:
        >>> s = StepParamScheduler(num_updates=120, values=[0.1, 0.01, 0.001, 0.0001])
        >>> [s(w) for w in (0.0, 0.25, 0.5, 0.99)]
        [0.1, 0.01, 0.001, 0.0001]
    """

    name = "fvcore:step"
    param_names = ("num_updates", "values")

    def __init__(self, num_updates: int | float, values: list[float]) -> None:
        if num_updates <= 0:
            raise ValueError(f"num_updates must be > 0, got {num_updates!r}")
        if not (isinstance(values, Sequence) and len(values) > 0):
            raise ValueError(
                f"values must be a list of at least one value, got {type(values).__name__} "
                f"{values!r}"
            )
        self.num_updates = num_updates
        self.values = list(values)

    def __call__(self, where: float) -> float:
        return self.values[int((where + self.WHERE_EPSILON) * len(self.values))]

    def value_for_curve(self, where: float) -> float:
        index = int((where + self.WHERE_EPSILON) * len(self.values))
        return self.values[min(index, len(self.values) - 1)]

    def value_at_end(self) -> float:
        return self.values[-1]


class StepWithFixedGammaParamScheduler(ParamScheduler):
    """``a·γ^k`` in the ``k``-th of ``D + 1`` equal parts: ``S(w) = a·γ^⌊(w + 10⁻⁶)(D + 1)⌋``.

    ``a = base_value``, ``γ = gamma``, ``D = num_decays``; the powers are built by repeated
    multiplication (``a``, ``a·γ``, ``(a·γ)·γ``, ...) as fvcore does.

    Raises:
        ValueError: ``base_value`` or ``gamma`` not a positive int/float; ``num_decays`` or
            ``num_updates`` not a positive int.

    Example:
        >>> s = StepWithFixedGammaParamScheduler(base_value=1.0, num_decays=2, gamma=0.5,
        ...                                      num_updates=90)
        >>> [s(w) for w in (0.0, 0.4, 0.7)]
        [1.0, 0.5, 0.25]
    """

    name = "fvcore:step_with_fixed_gamma"
    param_names = ("base_value", "num_decays", "gamma", "num_updates")

    def __init__(self, base_value: float, num_decays: int, gamma: float, num_updates: int) -> None:
        for label, k in (("base_value", base_value), ("gamma", gamma)):
            if not (isinstance(k, (int, float)) and k > 0):
                raise ValueError(f"{label} must be a positive int or float, got {k!r}")
        for label, k in (("num_decays", num_decays), ("num_updates", num_updates)):
            if not (isinstance(k, int) and k > 0):
                raise ValueError(f"{label} must be a positive int, got {k!r}")
        self.base_value = base_value
        self.num_decays = num_decays
        self.gamma = gamma
        self.num_updates = num_updates
        values = [base_value]
        for _ in range(num_decays):
            values.append(values[-1] * gamma)
        self._steps = StepParamScheduler(num_updates=num_updates, values=values)

    def __call__(self, where: float) -> float:
        return self._steps(where)

    def value_for_curve(self, where: float) -> float:
        return self._steps.value_for_curve(where)

    def value_at_end(self) -> float:
        return self._steps.value_at_end()


class CompositeParamScheduler(ParamScheduler):
    """Schedulers one after the other, each for a fraction ``lengths[i]`` of the run.

    With ``s_i = lengths[0] + … + lengths[i−1]``, the segment ``i`` holding ``where`` (the first
    with ``where + 10⁻⁶ <= s_i + lengths[i]``, the last one otherwise) gives::

        S(w) = S_i((w − s_i) / lengths[i])   interval_scaling[i] == "rescaled"
        S(w) = S_i(w)                        interval_scaling[i] == "fixed"

    "rescaled": each child runs its whole ``[0, 1)`` inside its segment; "fixed": each child
    sees the global progress (its values as if it ran alone, cut to the segment).

    Args:
        schedulers: the children: :class:`ParamScheduler` objects or, in configs,
            ``{"name": "fvcore:<name>", "params": {...}}`` mappings.
        lengths: fractions of the run, summing to 1 (within 10⁻³; the last is then set to
            ``1 − sum(others)`` in a copy: the caller's list is not changed).
        interval_scaling: ``"rescaled"`` or ``"fixed"`` per child.

    Raises:
        ValueError: ``schedulers`` and ``lengths`` (or ``interval_scaling``) of different
            lengths, no scheduler, ``lengths`` not summing to 1, an unknown scaling.

    Example:
        >>> s = CompositeParamScheduler(
        ...     [LinearParamScheduler(0.0, 1.0), CosineParamScheduler(1.0, 0.0)],
        ...     lengths=[0.2, 0.8], interval_scaling=["rescaled", "rescaled"])
        >>> [round(s(w), 4) for w in (0.0, 0.1, 0.2, 0.6)]
        [0.0, 0.5, 1.0, 0.5]
    """

    name = "fvcore:composite"
    param_names = ("schedulers", "lengths", "interval_scaling")

    def __init__(
        self,
        schedulers: Sequence[ParamScheduler | Mapping[str, Any]],
        lengths: list[float],
        interval_scaling: Sequence[str],
    ) -> None:
        if len(schedulers) != len(lengths):
            raise ValueError(
                f"schedulers and lengths must have the same length, got {len(schedulers)} "
                f"schedulers and {len(lengths)} lengths"
            )
        if len(schedulers) == 0:
            raise ValueError("schedulers must hold at least one scheduler, got none")
        if abs(sum(lengths) - 1.0) >= 1e-3:
            raise ValueError(f"lengths must sum to 1, got {list(lengths)!r} (sum {sum(lengths)})")
        used = list(lengths)
        if sum(used) != 1.0:
            used[-1] = 1.0 - sum(used[:-1])
        for scaling in interval_scaling:
            if scaling not in ("rescaled", "fixed"):
                raise ValueError(
                    f"interval_scaling must hold 'rescaled' or 'fixed', got {scaling!r}"
                )
        if len(interval_scaling) != len(schedulers):
            raise ValueError(
                f"interval_scaling must name one scaling per scheduler ({len(schedulers)}), "
                f"got {list(interval_scaling)!r}"
            )
        self.children = [_as_scheduler(f"schedulers[{i}]", s) for i, s in enumerate(schedulers)]
        self.lengths = list(lengths)
        self.interval_scaling = list(interval_scaling)
        self._used = used

    @property
    def schedulers(self) -> list[dict[str, Any]]:
        """The children as plain data (``[child.spec(), ...]``)."""
        return [child.spec() for child in self.children]

    def __call__(self, where: float) -> float:
        i, local = self._locate(where)
        return self.children[i](local)

    def value_for_curve(self, where: float) -> float:
        i, local = self._locate(where)
        return self.children[i].value_for_curve(local)

    def _locate(self, where: float) -> tuple[int, float]:
        """The child holding ``where`` and the ``where`` it sees."""
        i = 0
        running = self._used[0]
        last = len(self.children) - 1
        while where + self.WHERE_EPSILON > running and i < last:
            i += 1
            running += self._used[i]
        local = where
        if self.interval_scaling[i] == "rescaled":
            local = (where - (running - self._used[i])) / self._used[i]
        return i, local

    def value_at_end(self) -> float:
        return self.children[-1].value_at_end()

    def curve_problem(self) -> str | None:
        for i, child in enumerate(self.children):
            problem = child.curve_problem()
            if problem is not None:
                return f"schedulers[{i}]: {problem}"
        return None


_SCHEDULERS: tuple[type[ParamScheduler], ...] = (
    ConstantParamScheduler,
    CosineParamScheduler,
    ExponentialParamScheduler,
    LinearParamScheduler,
    MultiStepParamScheduler,
    PolynomialDecayParamScheduler,
    StepParamScheduler,
    StepWithFixedGammaParamScheduler,
    CompositeParamScheduler,
)
_BY_NAME = {cls.name: cls for cls in _SCHEDULERS}


def _as_scheduler(where: str, value: Any) -> ParamScheduler:
    """A child of a composite from a ParamScheduler or a ``{"name", "params"}`` mapping."""
    if isinstance(value, ParamScheduler):
        return value
    if isinstance(value, Mapping):
        name = value.get("name")
        if name not in _BY_NAME:
            raise ValueError(
                f"{where} must name one of {sorted(_BY_NAME)} as {{'name': ..., 'params': "
                f"{{...}}}}, got {dict(value)!r}"
            )
        params = value.get("params") or {}
        if not isinstance(params, Mapping):
            raise TypeError(f"{where}['params'] must be a mapping, got {type(params).__name__}")
        return _BY_NAME[name](**params)
    raise TypeError(
        f"{where} must be a torch_schedule_anything.compat.fvcore ParamScheduler or a mapping "
        f"{{'name': 'fvcore:<name>', 'params': {{...}}}}, got {type(value).__name__} {value!r}"
        f" (an object of the real fvcore cannot be stored as plain data: import the class "
        f"from torch_schedule_anything.compat.fvcore instead)"
    )


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _plain(value: Any) -> Any:
    """``value`` with tuples as lists (what a config and a state dict hold)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return value


def _check_numbers(where: str, value: Any) -> None:
    """Every number of a scheduler's plain-data params is a finite real (for a curve)."""
    if isinstance(value, Mapping):
        if set(value) == {"name", "params"}:  # a composite's child
            _check_numbers(f"{where}[{value['name']!r}]", value["params"])
            return
        for key, item in value.items():
            _check_numbers(f"{where}{key}" if not where else f"{where}.{key}", item)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_numbers(f"{where}[{i}]", item)
    elif value is not None and not (isinstance(value, str) and "interval_scaling" in where):
        check_real(where, value)


class ParamSchedulerCurve(Curve):
    """An fvcore scheduler as a curve of the step: ``λ(t) = S(min(t, M) / M)`` (multiplier).

    ``S`` = ``scheduler``, ``M`` = ``total_steps``: step ``t`` is ``where = t / M``, as in
    detectron2's ``LRMultiplier``, so ``λ(t)`` is exactly fvcore's value. From ``t = M`` on the
    value ``S(1)`` is held (:meth:`ParamScheduler.value_at_end`), silently: ``M`` may be shorter
    than the run (``fvcore:linear`` over the first ``M`` steps is torch's ``LinearLR``). A
    multiplier curve writes ``value_g(t) = base_g × λ(t)`` into each group ``g`` (one scheduler,
    groups with different bases); :class:`AbsoluteParamSchedulerCurve` writes ``λ(t)`` itself.

    Its :meth:`spec` is the registered name of the scheduler with fvcore's arguments plus
    ``total_steps`` and ``absolute``: ``{"name": "fvcore:cosine", "params": {"start_value":
    1.0, "end_value": 0.0, "total_steps": 100, "absolute": False}}``.

    Args:
        scheduler: a :class:`ParamScheduler` of this module (or its ``{"name", "params"}``).
        total_steps: ``M >= 1``.

    Raises:
        ValueError: ``M < 1``; parameters whose values would not be finite real numbers.

    Example:
        >>> c = ParamSchedulerCurve(LinearParamScheduler(1.0, 0.0), total_steps=4)
        >>> [c(t) for t in (0, 1, 2, 4, 9)], c.spec()["name"]
        ([1.0, 0.75, 0.5, 0.0, 0.0], 'fvcore:linear')
    """

    param_names = ("scheduler", "total_steps")

    def __init__(self, scheduler: ParamScheduler | Mapping[str, Any], total_steps: int) -> None:
        sched = _as_scheduler("scheduler", scheduler)
        self.total_steps = check_step_count("total_steps", total_steps, minimum=1)
        params = sched.params()
        _check_numbers("", params)
        problem = sched.curve_problem()
        if problem is not None:
            raise ValueError(f"{type(sched).__name__}: {problem}")
        self.scheduler = sched
        self._where = sched.value_for_curve
        try:
            self._end = float(sched.value_at_end())
            start = float(self._where(0.0))
        except (ArithmeticError, TypeError, ValueError) as exc:
            raise ValueError(
                f"{sched!r} has no finite real value at where = 0 or 1 ({exc}); change its "
                f"parameters"
            ) from exc
        for label, value in (("where = 0", start), ("where = 1", self._end)):
            if not math.isfinite(value):
                raise ValueError(f"{sched!r} is {value!r} at {label}; change its parameters")

    @property
    def horizon(self) -> int:
        return self.total_steps

    def __call__(self, step: int) -> float:
        if step >= self.total_steps:
            return self._end
        return float(self._where(step / self.total_steps))

    def params(self) -> dict[str, Any]:
        return {
            **self.scheduler.params(),
            "total_steps": self.total_steps,
            "absolute": self.absolute,
        }

    def spec(self) -> dict[str, Any]:
        return {"name": self.scheduler.spec()["name"], "params": self.params()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.scheduler!r}, total_steps={self.total_steps})"


class AbsoluteParamSchedulerCurve(ParamSchedulerCurve, AbsoluteCurve):
    """:class:`ParamSchedulerCurve` written as is: ``value_g(t) = S(min(t, M) / M)``.

    fvcore's (and ClassyVision's) numbers as the values themselves, the same in every group.
    """


def LRMultiplier(  # noqa: N802 - detectron2's class name, kept for a one-import port
    optimizer: Optimizer,
    multiplier: ParamScheduler,
    max_iter: int,
    last_iter: int = -1,
    *,
    schedule_target: str = "lr",
) -> CurveSchedule:
    """detectron2's ``LRMultiplier``: ``value_g(t) = base_g × multiplier(t / max_iter)``.

    Returns ``CurveSchedule(optimizer, multiplier.to_curve(max_iter), schedule_target)``: the
    same values and timing (the value for ``t = 0`` written at construction, ``t`` + 1 per
    ``step()``), on any key, with held values past ``max_iter`` and plain-data state dicts.

    Args:
        optimizer: any torch optimizer.
        multiplier: a :class:`ParamScheduler` of this module.
        max_iter: the number of iterations ``M`` (``where = t / M``).
        last_iter: ``-1`` for a new run; ``k >= 0`` resumes after iteration ``k`` (torch's
            ``last_epoch``): the schedule starts at ``t = k + 1``.
        schedule_target: the key to drive (detectron2 drives ``"lr"`` only).

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> s = LRMultiplier(opt, CosineParamScheduler(1.0, 0.0), max_iter=4)
        >>> opt.step(); s.step()
        >>> round(opt.param_groups[0]["lr"], 6)
        0.085355
    """
    if not isinstance(multiplier, ParamScheduler):
        origin = type(multiplier).__module__.split(".")[0]
        hint = (
            f"; this one is fvcore's own {type(multiplier).__name__}: import the scheduler from "
            f"torch_schedule_anything.compat.fvcore too (same name, same arguments)"
            if origin == "fvcore"
            else ""
        )
        raise TypeError(
            f"multiplier must be a ParamScheduler of torch_schedule_anything.compat.fvcore, "
            f"got {type(multiplier).__name__}{hint}"
        )
    if isinstance(last_iter, bool) or not isinstance(last_iter, int):
        raise TypeError(f"last_iter must be an int >= -1, got {last_iter!r}")
    # detectron2's LRMultiplier is a torch LRScheduler: last_iter = k resumes as torch does,
    # from each group's initial_lr record (refused where it is missing).
    return bind_like_lambda_lr(optimizer, multiplier.to_curve(max_iter), last_iter, schedule_target)


def _factory(cls: type[ParamScheduler]) -> Callable[..., ParamSchedulerCurve]:
    """The registered factory of ``cls``: its fvcore arguments + ``total_steps``, ``absolute``."""

    def build(**params: Any) -> ParamSchedulerCurve:
        if "total_steps" not in params:
            raise TypeError(
                f"curve {cls.name!r} needs total_steps, the run length in steps (where = "
                f"step / total_steps), besides fvcore's arguments"
            )
        total = params.pop("total_steps")
        absolute = params.pop("absolute", False)
        return cls(**params).to_curve(total, absolute=absolute)

    keyword = inspect.Parameter.KEYWORD_ONLY
    own = [
        p.replace(kind=keyword)
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if name != "self"
    ]
    build.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            *own,
            inspect.Parameter("total_steps", keyword, annotation=int),
            inspect.Parameter("absolute", keyword, default=False, annotation=bool),
        ]
    )
    build.__name__ = build.__qualname__ = cls.__name__
    build.__doc__ = cls.__doc__
    return build


def register_curves(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register this module's curves as ``"fvcore:<name>"`` (``fvcore:cosine``, ...)."""
    for cls in _SCHEDULERS:
        register(cls.name, _factory(cls))
