"""The curve protocol: a pure, closed-form function of the step.

A curve knows nothing about optimizers. It maps an integer step ``t >= 0`` to a number,
in closed form, so that the value at step ``t`` never depends on the values before it
(no drift, exact resume) and a whole schedule can be evaluated without training.

Two kinds exist, and the kind is a property of the curve, not of the caller:

* **multiplier** curves (``absolute = False``): the schedule writes
  ``value_g(t) = base_g × λ(t)`` where ``base_g`` is the key's value in param group ``g``
  when the schedule was attached (PyTorch's ``base_lr`` convention). One curve drives
  groups with different base values.
* **absolute** curves (``absolute = True``): the schedule writes ``value_g(t) = λ(t)``
  in every group, whatever the group held before (the ``lr = curve.get_lr(step)`` style of
  standalone warmup and cyclical LR code).
"""

from __future__ import annotations

import abc
import math
import numbers
from collections.abc import Iterable
from typing import Any, ClassVar, Union

import torch

from ..checks import check_step

__all__ = ["AbsoluteCurve", "Curve", "FunctionCurve", "StepsLike", "as_steps"]

StepsLike = Union[range, "torch.Tensor", Iterable[int]]


def as_steps(steps: StepsLike) -> torch.Tensor:
    """Return ``steps`` as a 1-D float64 Tensor of non-negative whole steps.

    ``range`` objects are materialised with ``torch.arange`` (no Python loop), Tensors and
    NumPy arrays are converted without copying where possible.
    """
    if isinstance(steps, range):
        out = torch.arange(steps.start, steps.stop, steps.step, dtype=torch.float64)
    elif isinstance(steps, torch.Tensor):
        out = steps.detach().to(device="cpu", dtype=torch.float64)
    else:
        try:
            out = torch.as_tensor(steps, dtype=torch.float64)
        except (TypeError, ValueError, RuntimeError) as exc:
            raise TypeError(
                f"steps must be a range, a Tensor, an array or a sequence of ints, "
                f"got {type(steps).__name__}"
            ) from exc
    out = out.reshape(-1)
    if out.numel():
        if not bool(torch.isfinite(out).all()) or bool((out != out.floor()).any()):
            raise ValueError("steps must be whole numbers")
        if float(out.min()) < 0:
            raise ValueError(f"steps must be >= 0, got a minimum of {float(out.min())}")
    return out


class Curve(abc.ABC):
    """A pure function ``step -> λ(step)`` evaluated in closed form.

    Subclasses validate their arguments in ``__init__``, store each one under the name listed
    in ``param_names`` and implement :meth:`__call__` (one step, Python floats, used on the
    training hot path) and :meth:`values` (many steps at once, a float64 Tensor, used by
    plots and tests). The two agree to within floating-point rounding.
    """

    #: ``False``: value = base × λ(t) (multiplier). ``True``: value = λ(t) (absolute).
    absolute: ClassVar[bool] = False
    #: The name under which the curve is registered; empty for anonymous curves.
    name: ClassVar[str] = ""
    #: The constructor arguments, in order; :meth:`params` reads them back.
    param_names: ClassVar[tuple[str, ...]] = ()
    #: The parameters that hold curves (a curve or a list of curves). Built by name, as in
    #: configs, they may be plain data ``{"name": ..., "params": {...}}``: the registry
    #: builds those before calling the constructor (curves never import the registry).
    curve_params: ClassVar[tuple[str, ...]] = ()

    @abc.abstractmethod
    def __call__(self, step: int) -> float:
        """Return λ(step) for one integer step >= 0."""

    def values(self, steps: StepsLike) -> torch.Tensor:
        """Return λ at every step of ``steps`` as a float64 Tensor.

        This fallback loops in Python; built-in curves override it with a vectorised
        closed form. Override it in your own curves when you plot long horizons.
        """
        t = as_steps(steps)
        return torch.tensor([self(int(s)) for s in t.tolist()], dtype=torch.float64)

    @property
    def horizon(self) -> int | None:
        """The step after which the curve holds its final value, or ``None`` if it never does."""
        return None

    def params(self) -> dict[str, Any]:
        """The constructor arguments as plain data (what a state dict records).

        Read from the attributes named in ``param_names``; a curve that declares none but was
        built by the registry reports the arguments it was built with (bound to the factory's
        signature, defaults included), so its state dicts still identify its configuration.
        """
        if self.param_names:
            return {name: getattr(self, name) for name in self.param_names}
        return dict(getattr(self, "_built_with", {}))

    def record_origin(self, name: str, arguments: dict[str, Any]) -> None:
        """Note the registered ``name`` and the ``arguments`` this curve was built with.

        The registry calls it for curves that declare no ``param_names``, so that
        :meth:`params` and :meth:`spec` still identify their configuration.
        """
        self._built_with = dict(arguments)
        if not self.name:
            self._registered_as = name

    def spec(self) -> dict[str, Any]:
        """``{"name": ..., "params": {...}}``: enough to rebuild the curve from the registry."""
        name = self.name or getattr(self, "_registered_as", "") or type(self).__qualname__
        return {"name": name, "params": self.params()}

    def get_lr(self, step: int) -> float:
        """The value at ``step`` (the ``get_lr(step)`` spelling of :meth:`__call__`)."""
        return self(check_step(step))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Curve) or type(other) is not type(self):
            return NotImplemented
        return self.params() == other.params()

    def __hash__(self) -> int:
        return hash((type(self), repr(sorted(self.params().items()))))


class AbsoluteCurve(Curve):
    """A curve whose value is written as is: ``value_g(t) = λ(t)`` in every group."""

    absolute: ClassVar[bool] = True


class FunctionCurve(Curve):
    """A multiplier curve from a plain callable ``fn(step) -> λ`` (what ``LambdaLR`` takes).

    The callable is never stored in a state dict; only its qualified name is recorded.

    Example:
        >>> c = FunctionCurve(lambda t: 0.5 ** t)
        >>> c(3)
        0.125
    """

    def __init__(self, fn: Any) -> None:
        if not callable(fn):
            raise TypeError(
                f"a curve must be a Curve instance, a registered curve name or a callable "
                f"step -> value, got {type(fn).__name__} {fn!r}"
            )
        self.fn = fn

    def __call__(self, step: int) -> float:
        value = self.fn(step)
        if type(value) is float:
            return value
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            try:
                return float(value)
            except OverflowError:  # an int beyond float range: the value check names it
                return math.inf if value > 0 else -math.inf  # type: ignore[operator]
        # Anything else (a Tensor, a complex number, None) is returned as is: the schedule's
        # value check rejects it with a message naming the key, the group and the step.
        return value  # type: ignore[no-any-return]

    def spec(self) -> dict[str, Any]:
        qualname = getattr(self.fn, "__qualname__", type(self.fn).__qualname__)
        return {"name": f"function:{qualname}", "params": {}}

    def __repr__(self) -> str:
        return f"FunctionCurve({self.fn!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FunctionCurve):
            return NotImplemented
        return self.fn is other.fn

    def __hash__(self) -> int:
        return hash(self.fn)
