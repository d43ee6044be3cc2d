"""timm's schedulers (``timm.scheduler``) as drop-ins that drive any key, per param group.

``CosineLRScheduler``, ``StepLRScheduler``, ``MultiStepLRScheduler``, ``PlateauLRScheduler``,
``PolyLRScheduler``, ``TanhLRScheduler`` and ``WSDLRScheduler`` take timm's arguments with
timm's defaults and write timm's numbers (the same floating-point operations in the same order,
the same seeded noise), with timm's timing: the constructor writes ``warmup_lr_init`` (or the
base values when there is no warmup), ``step(epoch, metric)`` and ``step_update(num_updates,
metric)`` write the values of that epoch / update, and ``t_in_epochs`` decides which of the two
updates the values.

They are also real :class:`torch.optim.lr_scheduler.LRScheduler` objects of this package:
``schedule_target="weight_decay"`` (or any key, or ``"betas[0]"``) drives another key with the
same numbers; values are checked before they are written and Tensor values are filled in place;
``step()`` without an argument (torch's convention, what Lightning, HF Trainer and Accelerate
call) advances the counter that ``t_in_epochs`` selects by one; ``state_dict()`` is plain data
that resumes exactly (timm's schedulers keep no step: the training loop passes it in).

The formulas, with ``b`` a group's recorded base (``initial_<key>``), ``W = warmup_t``,
``w = warmup_lr_init`` and ``t`` the epoch or update count:

* warmup, ``t < W``: ``w + t·(b − w)/W`` (tanh without ``warmup_prefix`` warms up to its own
  value at ``W`` instead of ``b``); after it ``t ← t − W`` when ``warmup_prefix``;
* cycles (cosine, poly, tanh): length ``T_i = T·m^i`` (``T = t_initial``, ``m = cycle_mul``),
  position ``t_c`` in cycle ``i``, peak ``b·d^i`` (``d = cycle_decay``); from cycle
  ``cycle_limit`` on the value is ``lr_min``;
* cosine: ``lr_min + ½(b·d^i − lr_min)(1 + cos(π·t_c^k / T_i^k))`` (``k = k_decay``);
* poly: ``lr_min + (b·d^i − lr_min)(1 − t_c^k / T_i^k)^power``;
* tanh: ``lr_min + ½(b·d^i − lr_min)(1 − tanh(lb·(1 − r) + ub·r))``, ``r = t_c/T_i``;
* step: ``b·decay_rate^⌊t/decay_t⌋``; multistep: ``b·decay_rate^(#milestones ≤ t+1)``;
* wsd (warmup always a prefix, ``t_s = t − W``, ``t_d = t_s − (t_initial − decay_t)``):
  ``lr_min + (max(b·S(t_s), lr_min) − lr_min)·D(min(t_d/decay_t, 1))`` once ``t_d > 0``, else
  ``max(b·S(t_s), lr_min)``; ``S`` the stable factor (1, or ``(1 + t_s/τ)^−p``) and ``D`` the
  decay factor (1 to 0: linear, 1-sqrt, cosine, power, exp or a callable);
* noise (``noise_range_t``): ``v + v·n`` with ``n`` drawn from ``torch.Generator`` seeded with
  ``noise_seed + t`` (normal, resampled until ``|n| < noise_pct``; or uniform for the plateau);
* on ``"lr"``, a group's ``lr_scale`` multiplies the value (timm's layer-wise decay).

``create_scheduler_v2``, ``create_scheduler`` and ``scheduler_kwargs`` are timm's factories,
building these classes (with ``schedule_target=``) for every ``sched`` name timm takes.

The curves ``"timm:cosine"``, ``"timm:poly"``, ``"timm:tanh"``, ``"timm:step"``,
``"timm:multistep"`` and ``"timm:wsd"`` are these formulas for a base of 1 (multiplier
curves). timm's values are *affine* in the base (``lr_min`` and ``warmup_lr_init`` are
absolute), which neither kind of curve (``b × λ(t)`` or ``λ(t)``) expresses for groups with
different bases; so the curves take the floors as fractions of each group's base
(``min_ratio``, ``warmup_init_ratio``) and equal timm exactly when those are 0. Use the classes
for timm's absolute floors.
"""

from __future__ import annotations

import bisect
import copy
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from ..binding import (
    Binding,
    BoundBases,
    LastValues,
    RefusesTorchSequentialLR,
    check_step_order,
    record_name,
)
from ..checks import check_choice, check_real, check_step, check_step_count
from ..curves.base import Curve
from ..errors import LookupKeyError
from ..state import KIND, check_identity, read_floats, read_step, require_mapping

__all__ = [
    "CosineLRScheduler",
    "MultiStepLRScheduler",
    "PlateauLRScheduler",
    "PolyLRScheduler",
    "StepLRScheduler",
    "TanhLRScheduler",
    "TimmCosineCurve",
    "TimmMultiStepCurve",
    "TimmPolyCurve",
    "TimmStepCurve",
    "TimmTanhCurve",
    "TimmWSDCurve",
    "WSDLRScheduler",
    "create_scheduler",
    "create_scheduler_v2",
    "register_curves",
    "scheduler_kwargs",
]

NoiseRange = float | Sequence[float] | None


# -- argument checks -----------------------------------------------------------------------------
def _number(name: str, value: Any) -> int | float:
    """A finite real number, kept an ``int`` when it is one (timm's int arithmetic)."""
    out = check_real(name, value)
    if isinstance(value, numbers.Integral):
        return int(value)
    return out


def _positive(name: str, value: Any) -> int | float:
    out = _number(name, value)
    if out <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return out


def _at_least_zero(name: str, value: Any) -> int | float:
    out = _number(name, value)
    if out < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return out


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return value


# -- noise ---------------------------------------------------------------------------------------
class _Noise:
    """timm's noise: ``v + v·n(t)`` for ``t`` in ``noise_range_t``; ``n(t)`` is a pure function
    of ``noise_seed + t`` (a fresh ``torch.Generator`` seeded with it, as timm does)."""

    __slots__ = ("kind", "pct", "range_t", "seed", "std")

    def __init__(self, range_t: Any, pct: Any, std: Any, seed: Any, kind: str = "normal") -> None:
        if range_t is None:
            self.range_t: float | list[float] | None = None
        elif isinstance(range_t, (list, tuple)):
            if len(range_t) != 2:
                raise ValueError(
                    f"noise_range_t must be a step (noise from it on), a pair [start, end) or "
                    f"None, got {range_t!r}"
                )
            self.range_t = [_number(f"noise_range_t[{i}]", v) for i, v in enumerate(range_t)]
        else:
            self.range_t = _number("noise_range_t", range_t)
        self.pct = _number("noise_pct", pct)
        if self.range_t is not None and self.pct <= 0:
            raise ValueError(f"noise_pct must be > 0 when noise_range_t is set, got {pct!r}")
        self.std = _at_least_zero("noise_std", std)
        self.seed = check_step_count("noise_seed", 42 if seed is None else seed, minimum=-(2**62))
        self.kind = check_choice("noise_type", kind, ("normal", "uniform"))

    def applies(self, t: int) -> bool:
        """Whether step ``t`` is in ``noise_range_t``: ``[start, end)`` or ``t >= start``."""
        if self.range_t is None:
            return False
        if isinstance(self.range_t, list):
            return bool(self.range_t[0] <= t < self.range_t[1])
        return bool(t >= self.range_t)

    def sample(self, t: int) -> float:
        """``n(t)``: normal × ``noise_std`` resampled until ``|n| < noise_pct``, or uniform in
        ``(-noise_pct, noise_pct)``."""
        g = torch.Generator()
        g.manual_seed(self.seed + t)
        if self.kind == "normal":
            while True:
                noise: float = torch.randn(1, generator=g).item() * self.std
                if abs(noise) < self.pct:
                    return noise
        return 2 * (torch.rand(1, generator=g).item() - 0.5) * self.pct

    def apply(self, values: list[float], t: int) -> list[float]:
        if not self.applies(t):
            return values
        noise = self.sample(t)
        return [v + v * noise for v in values]


# -- the formulas (pure; shared by the schedulers and the curves) ---------------------------------
class _Formula:
    """One timm schedule without its noise: ``values(t, bases, warmup_steps)`` is timm's
    ``_get_lr(t)`` for groups with ``bases``, in timm's order of operations."""

    warmup_t: int
    warmup_lr_init: float
    warmup_prefix: bool

    def _set_warmup(
        self, warmup_t: Any, warmup_lr_init: Any, warmup_prefix: Any, init_name: str
    ) -> None:
        self.warmup_t = check_step_count("warmup_t", warmup_t)
        self.warmup_lr_init = check_real(init_name, warmup_lr_init)
        self.init_name = init_name
        self.warmup_prefix = _flag("warmup_prefix", warmup_prefix)

    def warmup_target(self, bases: list[float]) -> list[float]:
        """What the warmup rises to (the bases; tanh without prefix: its value at ``W``)."""
        return bases

    def warmup_steps(self, bases: list[float]) -> list[float]:
        """timm's ``warmup_steps``: ``(target − w)/W`` per group (1 without warmup)."""
        if self.warmup_t:
            return [(v - self.warmup_lr_init) / self.warmup_t for v in self.warmup_target(bases)]
        return [1 for _ in bases]

    def initial(self, bases: list[float]) -> list[float]:
        """What timm writes at construction: ``w`` with a warmup, else the bases."""
        return [self.warmup_lr_init] * len(bases) if self.warmup_t else list(bases)

    def values(self, t: int, bases: list[float], steps: list[float]) -> list[float]:
        if t < self.warmup_t:
            return [self.warmup_lr_init + t * s for s in steps]
        if self.warmup_prefix:
            t = t - self.warmup_t
        return self.decay(t, bases)

    def decay(self, t: int, bases: list[float]) -> list[float]:
        raise NotImplementedError


class _Cyclic(_Formula):
    """Cycles of length ``t_initial·cycle_mul^i`` with peaks ``b·cycle_decay^i``."""

    def __init__(
        self,
        t_initial: Any,
        lr_min: Any,
        cycle_mul: Any,
        cycle_decay: Any,
        cycle_limit: Any,
        warmup_t: Any,
        warmup_lr_init: Any,
        warmup_prefix: Any,
        lr_min_name: str = "lr_min",
        init_name: str = "warmup_lr_init",
    ) -> None:
        self.t_initial = _positive("t_initial", t_initial)
        self.lr_min = _at_least_zero(lr_min_name, lr_min)
        self.cycle_mul = _positive("cycle_mul", cycle_mul)
        self.cycle_decay = _number("cycle_decay", cycle_decay)
        self.cycle_limit = check_step_count("cycle_limit", cycle_limit)
        self._set_warmup(warmup_t, warmup_lr_init, warmup_prefix, init_name)

    def cycle(self, t: int) -> tuple[int, float, float] | None:
        """``(i, T_i, t_c)``: the cycle, its length and the position in it; ``None`` past every
        cycle (``cycle_mul < 1``: the cycles shrink and their lengths sum to ``T/(1 − m)``)."""
        m, t_initial = self.cycle_mul, self.t_initial
        if m != 1:
            x = 1 - t / t_initial * (1 - m)
            if x <= 0:
                return None
            i = math.floor(math.log(x, m))
            return i, m**i * t_initial, t - (1 - m**i) / (1 - m) * t_initial
        i = int(t // t_initial)
        return i, t_initial, t - (t_initial * i)

    def decay(self, t: int, bases: list[float]) -> list[float]:
        where = self.cycle(t)
        if where is None or where[0] >= self.cycle_limit:
            return [self.lr_min for _ in bases]
        i, t_i, t_curr = where
        gamma = self.cycle_decay**i
        return [self.shape(v * gamma, t_i, t_curr) for v in bases]

    def shape(self, lr_max: float, t_i: float, t_curr: float) -> float:
        raise NotImplementedError

    def cycle_length(self, cycles: int = 0) -> int | float:
        """timm's ``get_cycle_length``: steps in ``cycles`` cycles (``cycle_limit`` by default),
        plus the warmup when it is a prefix."""
        cycles = max(1, cycles or self.cycle_limit)
        m = self.cycle_mul
        if m == 1.0:
            t: int | float = self.t_initial * cycles
        else:
            t = math.floor(-self.t_initial * (m**cycles - 1) / (1 - m))
        return t + self.warmup_t if self.warmup_prefix else t


class _Cosine(_Cyclic):
    def __init__(self, *args: Any, k_decay: Any = 1.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.k_decay = _positive("k_decay", k_decay)

    def shape(self, lr_max: float, t_i: float, t_curr: float) -> float:
        k, lr_min = self.k_decay, self.lr_min
        return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * t_curr**k / t_i**k))


class _Poly(_Cyclic):
    def __init__(self, *args: Any, power: Any = 0.5, k_decay: Any = 1.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.power = _number("power", power)
        self.k_decay = _positive("k_decay", k_decay)

    def shape(self, lr_max: float, t_i: float, t_curr: float) -> float:
        k, lr_min = self.k_decay, self.lr_min
        return lr_min + (lr_max - lr_min) * (1 - t_curr**k / t_i**k) ** self.power  # type: ignore[no-any-return]


class _Tanh(_Cyclic):
    def __init__(self, *args: Any, lb: Any = -7.0, ub: Any = 3.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lb = _number("lb", lb)
        self.ub = _number("ub", ub)
        if not self.lb < self.ub:
            raise ValueError(f"lb must be < ub, got lb={lb!r} and ub={ub!r}")
        if self.warmup_lr_init < 0:
            raise ValueError(f"{self.init_name} must be >= 0, got {self.warmup_lr_init!r}")

    def warmup_target(self, bases: list[float]) -> list[float]:
        return bases if self.warmup_prefix else self.decay(self.warmup_t, bases)

    def shape(self, lr_max: float, t_i: float, t_curr: float) -> float:
        tr = t_curr / t_i
        lr_min = self.lr_min
        return lr_min + 0.5 * (lr_max - lr_min) * (
            1 - math.tanh(self.lb * (1.0 - tr) + self.ub * tr)
        )


class _Step(_Formula):
    def __init__(
        self,
        decay_t: Any,
        decay_rate: Any,
        warmup_t: Any,
        warmup_lr_init: Any,
        warmup_prefix: Any,
        init_name: str = "warmup_lr_init",
    ) -> None:
        self.decay_t = _positive("decay_t", decay_t)
        self.decay_rate = _number("decay_rate", decay_rate)
        self._set_warmup(warmup_t, warmup_lr_init, warmup_prefix, init_name)

    def decay(self, t: int, bases: list[float]) -> list[float]:
        return [v * (self.decay_rate ** (t // self.decay_t)) for v in bases]


class _MultiStep(_Formula):
    def __init__(
        self,
        decay_t: Any,
        decay_rate: Any,
        warmup_t: Any,
        warmup_lr_init: Any,
        warmup_prefix: Any,
        init_name: str = "warmup_lr_init",
    ) -> None:
        if isinstance(decay_t, (str, bytes)) or not isinstance(decay_t, Sequence):
            raise TypeError(
                f"decay_t must be a list of milestones (steps), got {type(decay_t).__name__} "
                f"{decay_t!r}"
            )
        self.decay_t = [check_step_count(f"decay_t[{i}]", m) for i, m in enumerate(decay_t)]
        if self.decay_t != sorted(self.decay_t):
            raise ValueError(f"decay_t must be sorted in increasing order, got {list(decay_t)!r}")
        self.decay_rate = _number("decay_rate", decay_rate)
        self._set_warmup(warmup_t, warmup_lr_init, warmup_prefix, init_name)

    def decay(self, t: int, bases: list[float]) -> list[float]:
        # timm's convention: milestone m applies from t = m - 1 on (t counted after the warmup
        # when it is a prefix), not from t = m as in torch's MultiStepLR.
        return [v * (self.decay_rate ** bisect.bisect_right(self.decay_t, t + 1)) for v in bases]


_WSD_STABLE_FNS = ("constant", "rsqrt", "power")
_WSD_DECAY_FNS = ("linear", "1-sqrt", "cosine", "power", "exp")


def _in_open_unit(name: str, value: Any) -> int | float:
    out = _number(name, value)
    if not 0 < out < 1:
        raise ValueError(f"{name} must be in (0, 1), got {value!r}")
    return out


def _callable_name(fn: Callable[..., Any]) -> str:
    """What a config records for a callable: ``"function:<qualified name>"`` (plain data)."""
    return f"function:{getattr(fn, '__qualname__', type(fn).__qualname__)}"


class _WSD(_Formula):
    """timm's warmup-stable-decay: the warmup is always a prefix (``t_s = t − W``), then

    ``lr_min + (max(b·S(t_s), lr_min) − lr_min)·D(f)`` with ``f = min(t_d/decay_t, 1)``,
    ``t_d = t_s − (t_initial − decay_t)`` (``D`` applies only for ``t_d > 0``)."""

    def __init__(
        self,
        t_initial: Any,
        decay_t: Any,
        lr_min: Any,
        stable_fn: Any,
        stable_timescale: Any,
        stable_power: Any,
        decay_fn: Any,
        decay_power: Any,
        decay_ratio: Any,
        warmup_t: Any,
        warmup_lr_init: Any,
        lr_min_name: str = "lr_min",
        init_name: str = "warmup_lr_init",
        allow_callable: bool = True,
    ) -> None:
        self.t_initial = _positive("t_initial", t_initial)
        self.decay_t = _positive("decay_t", decay_t)
        if self.decay_t > self.t_initial:
            raise ValueError(
                f"decay_t must be in (0, t_initial] (the decay is the last decay_t steps of "
                f"t_initial), got decay_t={decay_t!r} with t_initial={t_initial!r}"
            )
        self.lr_min = _at_least_zero(lr_min_name, lr_min)
        self.stable_fn = check_choice("stable_fn", stable_fn, _WSD_STABLE_FNS)
        if allow_callable and callable(decay_fn):
            self.decay_fn: str | Callable[[float], float] = decay_fn
        elif not isinstance(decay_fn, str) or decay_fn not in _WSD_DECAY_FNS:
            also = " or a callable frac -> factor" if allow_callable else ""
            raise ValueError(
                f"decay_fn must be one of {list(_WSD_DECAY_FNS)}{also}, got {decay_fn!r}"
            )
        else:
            self.decay_fn = decay_fn
        self.decay_ratio = _in_open_unit("decay_ratio", decay_ratio)
        self.decay_power = _positive("decay_power", decay_power)
        self.stable_power = _positive("stable_power", stable_power)
        self._set_warmup(warmup_t, warmup_lr_init, True, init_name)
        timescale = (
            None if stable_timescale is None else _number("stable_timescale", stable_timescale)
        )
        if self.stable_fn != "constant":
            if timescale is None:
                timescale = self.warmup_t
            if timescale <= 0:
                raise ValueError(
                    f"stable_fn={self.stable_fn!r} needs stable_timescale > 0; it defaults to "
                    f"warmup_t ({self.warmup_t}): pass stable_timescale when there is no warmup"
                )
        self.stable_timescale: int | float | None = timescale

    def stable(self, t_s: int) -> float:
        """``S(t_s)``: 1 (constant) or ``(1 + t_s/timescale)^−p`` (``p`` = ½ for rsqrt)."""
        if self.stable_fn == "constant":
            return 1.0
        power = 0.5 if self.stable_fn == "rsqrt" else self.stable_power
        assert self.stable_timescale is not None  # set for every stable_fn but constant
        return (1.0 + t_s / self.stable_timescale) ** -power  # type: ignore[no-any-return]

    def decay_factor(self, frac: float) -> float:
        """``D(f)``, from 1 at ``f = 0`` to 0 at ``f = 1``."""
        fn = self.decay_fn
        if not isinstance(fn, str):
            return fn(frac)
        if fn == "linear":
            return 1.0 - frac
        if fn == "1-sqrt":
            return 1.0 - math.sqrt(frac)
        if fn == "cosine":
            return 0.5 * (1.0 + math.cos(math.pi * frac))
        if fn == "power":
            return 1.0 - frac**self.decay_power  # type: ignore[no-any-return]
        r = self.decay_ratio  # exp: r^f falls to r at f = 1, rescaled to fall to 0
        return (r**frac - r) / (1.0 - r)  # type: ignore[no-any-return]

    def decay(self, t: int, bases: list[float]) -> list[float]:
        lr_min = self.lr_min
        stable = [max(v * self.stable(t), lr_min) for v in bases]
        t_decay = t - (self.t_initial - self.decay_t)
        if t_decay <= 0:
            return stable
        factor = self.decay_factor(min(t_decay / self.decay_t, 1.0))
        return [lr_min + (v - lr_min) * factor for v in stable]

    def cycle_length(self) -> int | float:
        """timm's ``get_cycle_length``: ``warmup_t + t_initial`` (the warmup is a prefix)."""
        return self.warmup_t + self.t_initial

    def config(self) -> dict[str, Any]:
        fn = self.decay_fn
        return {
            "t_initial": self.t_initial,
            "decay_t": self.decay_t,
            "lr_min": self.lr_min,
            "stable_fn": self.stable_fn,
            "stable_timescale": self.stable_timescale,
            "stable_power": self.stable_power,
            "decay_fn": fn if isinstance(fn, str) else _callable_name(fn),
            "decay_power": self.decay_power,
            "decay_ratio": self.decay_ratio,
            "warmup_t": self.warmup_t,
            "warmup_lr_init": self.warmup_lr_init,
        }


# -- the schedulers --------------------------------------------------------------------------------
def _config_property(name: str) -> Any:
    def get(self: _TimmScheduler) -> Any:
        value = self._config[name]
        return list(value) if isinstance(value, list) else value

    return property(get, doc=f"timm's ``{name}`` (read-only: rebuild the scheduler to change it).")


#: Attributes a checkpoint of a step does not copy: the optimizer and the binding are shared.
_SHARED = frozenset({"optimizer", "_binding"})


class _TimmScheduler(RefusesTorchSequentialLR, LastValues, BoundBases, LRScheduler):  # type: ignore[misc,override]
    """What every timm drop-in shares: the binding, the writes, the two calling conventions."""

    _kind: ClassVar[str]
    _config: dict[str, Any]
    noise_range_t = _config_property("noise_range_t")
    noise_pct = _config_property("noise_pct")
    noise_std = _config_property("noise_std")
    noise_seed = _config_property("noise_seed")

    def _attach(self, optimizer: Optimizer, schedule_target: str, initialize: Any) -> Binding:
        name = type(self).__name__
        binding = Binding(optimizer, schedule_target, owner=f"{name} of {schedule_target!r}")
        index = None if _flag("initialize", initialize) else binding.first_unrecorded()
        if index is not None:
            raise LookupKeyError(
                f"{name}(initialize=False) reads the bases from the groups' records, but "
                f"param_groups[{index}] holds no {record_name(binding.key)!r} (timm raises "
                f"KeyError too); pass initialize=True (the default) to record the current "
                f"values of {schedule_target!r}"
            )
        self._binding = binding
        self.optimizer = optimizer
        self.schedule_target = schedule_target
        self._n_groups = binding.n_groups
        self.metric: Any = None
        self._last_values: list[float] = []
        self.last_epoch = 0
        self._step_count = 1
        return binding

    def _torch_phase_name(self) -> str:
        return f"timm-compatible {type(self).__name__}"

    # -- writing ------------------------------------------------------------------------------
    def _scaled(self, values: list[float]) -> list[float]:
        """On ``"lr"``: each value × the group's ``lr_scale`` where it has one (as timm)."""
        if self.schedule_target != "lr":
            return values
        groups = self.optimizer.param_groups
        return [v * g["lr_scale"] if "lr_scale" in g else v for v, g in zip(values, groups)]

    def _write(self, values: list[float], step: int) -> None:
        """Check, then write ``values`` (one per group); nothing changes if one is refused."""
        self._last_values = self._binding.write_each(values, step)

    # -- all-or-nothing steps inside a SynchronousSchedule -----------------------------------------
    def _checkpoint(self) -> Any:
        """What :meth:`_rollback` needs to undo the next step: the scheduler's own attributes
        (counts, plateau state, the values it wrote) and the key's current values."""
        own = {k: copy.deepcopy(v) for k, v in self.__dict__.items() if k not in _SHARED}
        return own, self._binding.read()

    def _rollback(self, token: Any) -> None:
        own, values = token
        self.__dict__.update(own)
        self._binding.write_each(values, self.last_epoch)  # held before: passes the check

    # -- timm's attribute names ------------------------------------------------------------------
    @property
    def base_values(self) -> list[float]:
        """timm's name for the recorded bases (``base_lrs``)."""
        return self._binding.bases

    @property
    def param_group_field(self) -> str:
        """timm's name for ``schedule_target``."""
        return self.schedule_target

    # -- torch's protocol -------------------------------------------------------------------------
    def get_last_lr(self) -> list[float]:  # type: ignore[override]
        """The values written last, one per param group (for any target)."""
        return list(self._last_values)

    def _check_loaded(self, state_dict: Any, required: tuple[str, ...]) -> Mapping[str, Any]:
        """The keys, kind and target of ``state_dict`` are this scheduler's; its config too."""
        what = self._kind
        state = require_mapping(state_dict, what)
        if "param_group_field" in state and "base_values" in state and KIND not in state:
            raise ValueError(
                f"this is timm's own scheduler state dict, which holds no step (timm's "
                f"schedulers are stateless: the training loop passes the epoch). Build the "
                f"{type(self).__name__} with the same arguments and call step(epoch) / "
                f"step_update(num_updates) with your counters to resume"
            )
        check_identity(state, what, self.schedule_target, required, ())
        config = state["config"]
        if not isinstance(config, Mapping) or dict(config) != self._config:
            raise ValueError(
                f"the {what} state dict was saved with the arguments {config!r} but this "
                f"scheduler was built with {self._config}; rebuild it with the saved arguments"
            )
        return state

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(target={self.schedule_target!r}, last_epoch="
            f"{self.last_epoch}, {', '.join(f'{k}={v!r}' for k, v in self._config.items())})"
        )


class _ClosedForm(_TimmScheduler):
    """The closed-form schedulers: the value at ``t`` depends on ``t`` and the bases only."""

    _formula: _Formula
    _noise: _Noise

    def _build(
        self,
        optimizer: Optimizer,
        schedule_target: str,
        formula: _Formula,
        noise: _Noise,
        t_in_epochs: Any,
        initialize: Any,
        config: dict[str, Any],
    ) -> None:
        self.t_in_epochs = _flag("t_in_epochs", t_in_epochs)
        binding = self._attach(optimizer, schedule_target, initialize)
        self._formula, self._noise = formula, noise
        self._config = {**config, "t_in_epochs": self.t_in_epochs, **_noise_config(noise)}
        self.warmup_steps = formula.warmup_steps(binding.bases)
        self._write(self._scaled(formula.initial(binding.bases)), 0)
        binding.commit()
        self._at_construction = True  # the values in place are the constructor's

    def _values_at(self, t: int, bases: list[float], steps: list[float]) -> list[float]:
        """The values of step ``t``, noise and ``lr_scale`` included."""
        return self._scaled(self._noise.apply(self._formula.values(t, bases, steps), t))

    def _advance(self, t: int) -> None:
        self._write(self._values_at(t, self._binding.bases, self.warmup_steps), t)
        self.last_epoch = t
        self._step_count += 1
        self._at_construction = False

    def step(self, epoch: int | None = None, metric: Any = None) -> None:  # type: ignore[override]
        """timm's ``step(epoch, metric)``; ``step()`` advances by one (torch's convention).

        With an ``epoch``: writes the values of that epoch when ``t_in_epochs`` is True (else
        nothing, as timm). Without one: writes the values of ``last_epoch + 1`` of the counter
        that ``t_in_epochs`` selects (epochs, or updates when ``t_in_epochs=False``).
        """
        if epoch is None:
            if self._step_count == 1:
                check_step_order(self.optimizer)
            self._advance(self.last_epoch + 1)
        else:
            t = check_step(epoch)
            if self.t_in_epochs:
                self._advance(t)
        self.metric = metric

    def step_update(self, num_updates: int, metric: Any = None) -> None:
        """timm's ``step_update``: writes the values of update ``num_updates`` when
        ``t_in_epochs`` is False (else nothing, as timm)."""
        t = check_step(num_updates)
        if not self.t_in_epochs:
            self._advance(t)
        self.metric = metric

    def value_at(self, step: int) -> list[float]:
        """The values of ``step`` (noise and ``lr_scale`` included), writing nothing."""
        return self._values_at(check_step(step), self._binding.bases, self.warmup_steps)

    def state_dict(self) -> dict[str, Any]:
        """Plain data: ``{"kind", "schedule_target", "last_epoch", "_step_count", "base_lrs",
        "at_construction", "config"}`` (``config``: the constructor's arguments)."""
        return {
            KIND: self._kind,
            "schedule_target": self.schedule_target,
            "last_epoch": self.last_epoch,
            "_step_count": self._step_count,
            "base_lrs": list(self._binding.bases),
            "at_construction": self._at_construction,
            "config": _plain(self._config),
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore the step and the bases, and write that step's values.

        The whole dict is checked first; another kind, key, group count or set of arguments
        raises ``ValueError``/``TypeError`` naming it, and nothing changes.
        """
        what = self._kind
        state = self._check_loaded(
            state_dict,
            (
                "schedule_target",
                "last_epoch",
                "_step_count",
                "base_lrs",
                "at_construction",
                "config",
            ),
        )
        binding = self._binding
        bases = binding.check_values(read_floats(state, "base_lrs", self._n_groups, what), None)
        last_epoch = read_step(state, "last_epoch", what)
        count = read_step(state, "_step_count", what, minimum=1)
        fresh = state["at_construction"]
        if not isinstance(fresh, bool):
            raise TypeError(f"{what} state dict: 'at_construction' must be a bool, got {fresh!r}")
        steps = self._formula.warmup_steps(bases)
        if fresh:
            values = self._scaled(self._formula.initial(bases))
        else:
            values = self._values_at(last_epoch, bases, steps)
        binding.check_values(values, last_epoch)
        binding.set_bases(bases)
        self.warmup_steps = steps
        self._write(values, last_epoch)
        self.last_epoch, self._step_count, self._at_construction = last_epoch, count, fresh


class _CyclicScheduler(_ClosedForm):
    """The schedulers with cycles (cosine, poly, tanh)."""

    _formula: _Cyclic

    def get_cycle_length(self, cycles: int = 0) -> int | float:
        """timm's: the steps of ``cycles`` cycles (``cycle_limit`` by default), plus the warmup
        when it is a prefix (timm's train script sizes the run with it)."""
        return self._formula.cycle_length(cycles)


def _noise_config(noise: _Noise) -> dict[str, Any]:
    return {
        "noise_range_t": noise.range_t,
        "noise_pct": noise.pct,
        "noise_std": noise.std,
        "noise_seed": noise.seed,
    }


def _plain(config: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``config`` with its lists copied (a state dict shares nothing mutable)."""
    return {k: list(v) if isinstance(v, list) else v for k, v in config.items()}


class CosineLRScheduler(_CyclicScheduler):
    """timm's ``CosineLRScheduler`` on any key: cosine decay with warmup, restarts, k-decay, noise.

    ``value_g(t) = lr_min + ½(b_g·d^i − lr_min)(1 + cos(π·t_c^k / T_i^k))`` in cycle ``i`` of
    length ``T_i = t_initial·cycle_mul^i`` (``d = cycle_decay``, ``k = k_decay``, ``t_c`` the
    position in the cycle, ``b_g`` the group's recorded base); ``lr_min`` from cycle
    ``cycle_limit`` on; a linear warmup from ``warmup_lr_init`` over ``warmup_t`` steps (the
    cosine starts after it with ``warmup_prefix=True``, else at ``t = 0``).

    Args: timm's (``t_initial`` ... ``initialize``), with timm's defaults, and
        schedule_target: the key to drive (``"lr"``, ``"weight_decay"``, ``"betas[0]"``...).

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, weight_decay=0.2)
        >>> s = CosineLRScheduler(opt, t_initial=4, schedule_target="weight_decay")
        >>> s.step(2)
        >>> round(opt.param_groups[0]["weight_decay"], 6)
        0.1
    """

    _kind = "timm.CosineLRScheduler"
    t_initial = _config_property("t_initial")
    lr_min = _config_property("lr_min")
    cycle_mul = _config_property("cycle_mul")
    cycle_decay = _config_property("cycle_decay")
    cycle_limit = _config_property("cycle_limit")
    warmup_t = _config_property("warmup_t")
    warmup_lr_init = _config_property("warmup_lr_init")
    warmup_prefix = _config_property("warmup_prefix")
    k_decay = _config_property("k_decay")

    def __init__(
        self,
        optimizer: Optimizer,
        t_initial: int,
        lr_min: float = 0.0,
        cycle_mul: float = 1.0,
        cycle_decay: float = 1.0,
        cycle_limit: int = 1,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        warmup_prefix: bool = False,
        t_in_epochs: bool = True,
        noise_range_t: NoiseRange = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        k_decay: float = 1.0,
        initialize: bool = True,
        *,
        schedule_target: str = "lr",
    ) -> None:
        formula = _Cosine(
            t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit, warmup_t, warmup_lr_init,
            warmup_prefix, k_decay=k_decay,
        )  # fmt: skip
        noise = _Noise(noise_range_t, noise_pct, noise_std, noise_seed)
        self._build(
            optimizer, schedule_target, formula, noise, t_in_epochs, initialize,
            _cyclic_config(formula, k_decay=formula.k_decay),
        )  # fmt: skip


def _cyclic_config(formula: _Cyclic, **extra: Any) -> dict[str, Any]:
    return {
        "t_initial": formula.t_initial,
        "lr_min": formula.lr_min,
        "cycle_mul": formula.cycle_mul,
        "cycle_decay": formula.cycle_decay,
        "cycle_limit": formula.cycle_limit,
        "warmup_t": formula.warmup_t,
        "warmup_lr_init": formula.warmup_lr_init,
        "warmup_prefix": formula.warmup_prefix,
        **extra,
    }


class PolyLRScheduler(_CyclicScheduler):
    """timm's ``PolyLRScheduler`` on any key: polynomial decay with warmup, restarts, k-decay.

    ``value_g(t) = lr_min + (b_g·d^i − lr_min)(1 − t_c^k / T_i^k)^power`` in cycle ``i``
    (symbols as in :class:`CosineLRScheduler`); ``lr_min`` from cycle ``cycle_limit`` on.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> s = PolyLRScheduler(opt, t_initial=4, power=1.0)
        >>> s.step(1)
        >>> round(opt.param_groups[0]["lr"], 6)
        0.075
    """

    _kind = "timm.PolyLRScheduler"
    t_initial = _config_property("t_initial")
    power = _config_property("power")
    lr_min = _config_property("lr_min")
    cycle_mul = _config_property("cycle_mul")
    cycle_decay = _config_property("cycle_decay")
    cycle_limit = _config_property("cycle_limit")
    warmup_t = _config_property("warmup_t")
    warmup_lr_init = _config_property("warmup_lr_init")
    warmup_prefix = _config_property("warmup_prefix")
    k_decay = _config_property("k_decay")

    def __init__(
        self,
        optimizer: Optimizer,
        t_initial: int,
        power: float = 0.5,
        lr_min: float = 0.0,
        cycle_mul: float = 1.0,
        cycle_decay: float = 1.0,
        cycle_limit: int = 1,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        warmup_prefix: bool = False,
        t_in_epochs: bool = True,
        noise_range_t: NoiseRange = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        k_decay: float = 1.0,
        initialize: bool = True,
        *,
        schedule_target: str = "lr",
    ) -> None:
        formula = _Poly(
            t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit, warmup_t, warmup_lr_init,
            warmup_prefix, power=power, k_decay=k_decay,
        )  # fmt: skip
        noise = _Noise(noise_range_t, noise_pct, noise_std, noise_seed)
        self._build(
            optimizer, schedule_target, formula, noise, t_in_epochs, initialize,
            _cyclic_config(formula, power=formula.power, k_decay=formula.k_decay),
        )  # fmt: skip


class TanhLRScheduler(_CyclicScheduler):
    """timm's ``TanhLRScheduler`` on any key: hyperbolic-tangent decay with warmup and restarts.

    ``value_g(t) = lr_min + ½(b_g·d^i − lr_min)(1 − tanh(lb·(1 − r) + ub·r))``, ``r = t_c/T_i``
    (symbols as in :class:`CosineLRScheduler`). Without ``warmup_prefix`` the warmup rises to
    the value at ``warmup_t``, not to the base.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> s = TanhLRScheduler(opt, t_initial=10)
        >>> s.step(5)
        >>> round(opt.param_groups[0]["lr"], 6)
        0.098201
    """

    _kind = "timm.TanhLRScheduler"
    t_initial = _config_property("t_initial")
    lb = _config_property("lb")
    ub = _config_property("ub")
    lr_min = _config_property("lr_min")
    cycle_mul = _config_property("cycle_mul")
    cycle_decay = _config_property("cycle_decay")
    cycle_limit = _config_property("cycle_limit")
    warmup_t = _config_property("warmup_t")
    warmup_lr_init = _config_property("warmup_lr_init")
    warmup_prefix = _config_property("warmup_prefix")

    def __init__(
        self,
        optimizer: Optimizer,
        t_initial: int,
        lb: float = -7.0,
        ub: float = 3.0,
        lr_min: float = 0.0,
        cycle_mul: float = 1.0,
        cycle_decay: float = 1.0,
        cycle_limit: int = 1,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        warmup_prefix: bool = False,
        t_in_epochs: bool = True,
        noise_range_t: NoiseRange = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        initialize: bool = True,
        *,
        schedule_target: str = "lr",
    ) -> None:
        formula = _Tanh(
            t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit, warmup_t,
            warmup_lr_init, warmup_prefix, lb=lb, ub=ub,
        )  # fmt: skip
        noise = _Noise(noise_range_t, noise_pct, noise_std, noise_seed)
        self._build(
            optimizer, schedule_target, formula, noise, t_in_epochs, initialize,
            _cyclic_config(formula, lb=formula.lb, ub=formula.ub),
        )  # fmt: skip


class StepLRScheduler(_ClosedForm):
    """timm's ``StepLRScheduler`` on any key: ``value_g(t) = b_g·decay_rate^⌊t/decay_t⌋``.

    With a warmup from ``warmup_lr_init`` over ``warmup_t`` steps; ``t`` counts from its end
    when ``warmup_prefix`` (True by default here, as in timm).

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> s = StepLRScheduler(opt, decay_t=2, decay_rate=0.5)
        >>> s.step(4)
        >>> opt.param_groups[0]["lr"]
        0.025
    """

    _kind = "timm.StepLRScheduler"
    decay_t = _config_property("decay_t")
    decay_rate = _config_property("decay_rate")
    warmup_t = _config_property("warmup_t")
    warmup_lr_init = _config_property("warmup_lr_init")
    warmup_prefix = _config_property("warmup_prefix")

    def __init__(
        self,
        optimizer: Optimizer,
        decay_t: float,
        decay_rate: float = 1.0,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        warmup_prefix: bool = True,
        t_in_epochs: bool = True,
        noise_range_t: NoiseRange = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        initialize: bool = True,
        *,
        schedule_target: str = "lr",
    ) -> None:
        formula = _Step(decay_t, decay_rate, warmup_t, warmup_lr_init, warmup_prefix)
        noise = _Noise(noise_range_t, noise_pct, noise_std, noise_seed)
        self._build(
            optimizer, schedule_target, formula, noise, t_in_epochs, initialize,
            _step_config(formula, formula.decay_t),
        )  # fmt: skip


def _step_config(formula: _Formula, decay_t: Any) -> dict[str, Any]:
    return {
        "decay_t": decay_t,
        "decay_rate": formula.decay_rate,  # type: ignore[attr-defined]
        "warmup_t": formula.warmup_t,
        "warmup_lr_init": formula.warmup_lr_init,
        "warmup_prefix": formula.warmup_prefix,
    }


class MultiStepLRScheduler(_ClosedForm):
    """timm's ``MultiStepLRScheduler`` on any key: ``value_g(t) = b_g·decay_rate^n(t)``.

    ``n(t)`` = the number of milestones in ``decay_t`` that are ``<= t + 1``: timm applies
    milestone ``m`` from ``t = m − 1`` on (torch's ``MultiStepLR`` from ``t = m``); ``t``
    counts from the warmup's end when ``warmup_prefix`` (True by default, as in timm).

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> s = MultiStepLRScheduler(opt, decay_t=[3], decay_rate=0.5)
        >>> s.step(2)
        >>> opt.param_groups[0]["lr"]
        0.05
    """

    _kind = "timm.MultiStepLRScheduler"
    decay_t = _config_property("decay_t")
    decay_rate = _config_property("decay_rate")
    warmup_t = _config_property("warmup_t")
    warmup_lr_init = _config_property("warmup_lr_init")
    warmup_prefix = _config_property("warmup_prefix")

    def __init__(
        self,
        optimizer: Optimizer,
        decay_t: list[int],
        decay_rate: float = 1.0,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        warmup_prefix: bool = True,
        t_in_epochs: bool = True,
        noise_range_t: NoiseRange = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        initialize: bool = True,
        *,
        schedule_target: str = "lr",
    ) -> None:
        formula = _MultiStep(decay_t, decay_rate, warmup_t, warmup_lr_init, warmup_prefix)
        noise = _Noise(noise_range_t, noise_pct, noise_std, noise_seed)
        self._build(
            optimizer, schedule_target, formula, noise, t_in_epochs, initialize,
            _step_config(formula, list(formula.decay_t)),
        )  # fmt: skip


class WSDLRScheduler(_ClosedForm):
    """timm's ``WSDLRScheduler`` on any key: warmup, stable phase, then decay to ``lr_min``.

    The warmup (``warmup_lr_init`` to the base over ``warmup_t`` steps) is always a prefix:
    the stable and decay phases take ``t_initial`` steps after it, the last ``decay_t`` of them
    decaying. With ``t_s = t − warmup_t`` and ``t_d = t_s − (t_initial − decay_t)``::

        v_g(t) = max(b_g·S(t_s), lr_min)                          for t_d <= 0
        v_g(t) = lr_min + (max(b_g·S(t_s), lr_min) − lr_min)·D(f)  f = min(t_d/decay_t, 1)

    ``S``: ``constant`` 1, ``rsqrt`` ``(1 + t_s/τ)^−½``, ``power`` ``(1 + t_s/τ)^−stable_power``
    (``τ = stable_timescale``, ``warmup_t`` by default). ``D``: ``linear`` ``1 − f``,
    ``1-sqrt`` ``1 − √f``, ``cosine`` ``½(1 + cos πf)``, ``power`` ``1 − f^decay_power``,
    ``exp`` ``(r^f − r)/(1 − r)`` (``r = decay_ratio``), or a callable ``f -> factor``. From
    ``t = warmup_t + t_initial`` on the value is ``lr_min`` (as timm, the last scheduled step
    is one decay step short of it).

    A callable ``decay_fn`` is recorded in ``state_dict()`` by its qualified name only.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> s = WSDLRScheduler(opt, t_initial=10, decay_t=4, decay_fn="linear")
        >>> s.step(8)
        >>> round(opt.param_groups[0]["lr"], 6)
        0.05
    """

    _kind = "timm.WSDLRScheduler"
    _formula: _WSD
    t_initial = _config_property("t_initial")
    decay_t = _config_property("decay_t")
    lr_min = _config_property("lr_min")
    stable_fn = _config_property("stable_fn")
    stable_timescale = _config_property("stable_timescale")
    stable_power = _config_property("stable_power")
    decay_power = _config_property("decay_power")
    decay_ratio = _config_property("decay_ratio")
    warmup_t = _config_property("warmup_t")
    warmup_lr_init = _config_property("warmup_lr_init")

    def __init__(
        self,
        optimizer: Optimizer,
        t_initial: int,
        decay_t: int,
        lr_min: float = 0.0,
        stable_fn: str = "constant",
        stable_timescale: float | None = None,
        stable_power: float = 0.5,
        decay_fn: str | Callable[[float], float] = "1-sqrt",
        decay_power: float = 0.5,
        decay_ratio: float = 0.1,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        t_in_epochs: bool = True,
        noise_range_t: NoiseRange = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        initialize: bool = True,
        *,
        schedule_target: str = "lr",
    ) -> None:
        formula = _WSD(
            t_initial, decay_t, lr_min, stable_fn, stable_timescale, stable_power, decay_fn,
            decay_power, decay_ratio, warmup_t, warmup_lr_init,
        )  # fmt: skip
        noise = _Noise(noise_range_t, noise_pct, noise_std, noise_seed)
        self._build(
            optimizer, schedule_target, formula, noise, t_in_epochs, initialize, formula.config()
        )

    @property
    def decay_fn(self) -> str | Callable[[float], float]:
        """timm's ``decay_fn``: the name, or the callable it was built with."""
        return self._formula.decay_fn

    def get_cycle_length(self, cycles: int = 0) -> int | float:
        """timm's: ``warmup_t + t_initial``, the whole schedule (``cycles`` is ignored)."""
        return self._formula.cycle_length()


class PlateauLRScheduler(_TimmScheduler):
    """timm's ``PlateauLRScheduler`` on any key: ×``decay_rate`` when the metric plateaus.

    Per epoch ``e`` (``step(e, metric)``): for ``e <= warmup_t`` the warmup value
    ``w + e·(b_g − w)/warmup_t`` (timm's rule, also at ``e = 0`` without a warmup, where it
    writes ``warmup_lr_init``); after it, torch's ``ReduceLROnPlateau`` rule on the group's
    current value ``v_g``: when the metric has not improved by ``threshold`` (relative) for more
    than ``patience_t`` epochs, ``v_g ← max(v_g·decay_rate, lr_min)`` (if that lowers it by more
    than 1e-8), then ``cooldown_t`` epochs without counting; noise ``v_g + v_g·n(e)`` is written
    on top and taken back before the next step. ``step_update`` does nothing (as timm).

    Not a closed form: the state (best metric, counters, the values) is in ``state_dict()``, so
    unlike timm's a resumed run continues the plateau logic exactly.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> s = PlateauLRScheduler(opt, decay_rate=0.5, patience_t=1, mode="min")
        >>> for epoch, loss in enumerate([1.0, 1.0, 1.0], start=1):
        ...     s.step(epoch, loss)
        >>> opt.param_groups[0]["lr"]
        0.05
    """

    _kind = "timm.PlateauLRScheduler"
    decay_rate = _config_property("decay_rate")
    patience_t = _config_property("patience_t")
    threshold = _config_property("threshold")
    cooldown_t = _config_property("cooldown_t")
    warmup_t = _config_property("warmup_t")
    warmup_lr_init = _config_property("warmup_lr_init")
    lr_min = _config_property("lr_min")
    mode = _config_property("mode")
    noise_type = _config_property("noise_type")

    #: torch's ``ReduceLROnPlateau`` default ``eps``: smaller reductions are skipped.
    eps: ClassVar[float] = 1e-8

    def __init__(
        self,
        optimizer: Optimizer,
        decay_rate: float = 0.1,
        patience_t: int = 10,
        threshold: float = 1e-4,
        cooldown_t: int = 0,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        lr_min: float = 0.0,
        mode: str = "max",
        noise_range_t: NoiseRange = None,
        noise_type: str = "normal",
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int | None = None,
        initialize: bool = True,
        *,
        schedule_target: str = "lr",
    ) -> None:
        rate = _number("decay_rate", decay_rate)
        if not 0 <= rate < 1:
            raise ValueError(
                f"decay_rate must be in [0, 1) (the factor of a reduction), got {rate}"
            )
        warmup = _Step(1, 1.0, warmup_t, warmup_lr_init, False)  # the warmup part only
        noise = _Noise(noise_range_t, noise_pct, noise_std, noise_seed, noise_type)
        self._config = {
            "decay_rate": rate,
            "patience_t": check_step_count("patience_t", patience_t),
            "threshold": _number("threshold", threshold),
            "cooldown_t": check_step_count("cooldown_t", cooldown_t),
            "warmup_t": warmup.warmup_t,
            "warmup_lr_init": warmup.warmup_lr_init,
            "lr_min": _number("lr_min", lr_min),
            "mode": check_choice("mode", mode, ("min", "max")),
            "noise_type": noise.kind,
            **_noise_config(noise),
        }
        binding = self._attach(optimizer, schedule_target, initialize)
        self._warmup, self._noise = warmup, noise
        self.warmup_steps = warmup.warmup_steps(binding.bases)
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.restore_lr: list[float] | None = None
        self._write(self._scaled(warmup.initial(binding.bases)), 0)
        binding.commit()

    def _is_better(self, a: float, best: float) -> bool:
        threshold: float = self._config["threshold"]
        if self._config["mode"] == "min":
            return bool(a < best * (1.0 - threshold))
        return bool(a > best * (threshold + 1.0))

    #: Metric-driven: SynchronousSchedule, plots and the framework helpers pass it a metric.
    needs_metrics = True

    def step(  # type: ignore[override]
        self, epoch: int | None = None, metric: Any = None, *, metrics: Any = None
    ) -> None:
        """timm's ``step(epoch, metric)``; ``step(metric=...)`` without an epoch advances by one
        epoch (torch's convention). ``metrics=`` is torch's spelling of ``metric`` (what
        ``SynchronousSchedule`` and the plots pass). A metric of ``None`` only skips the
        plateau logic."""
        if metrics is not None:
            if metric is not None:
                raise TypeError("give the metric once: metric= (timm) or metrics= (torch)")
            metric = metrics
        if epoch is None:
            if self._step_count == 1:
                check_step_order(self.optimizer)
            e = self.last_epoch + 1
        else:
            e = check_step(epoch)
        current = None if metric is None else _metric(metric)
        best, bad, cooldown, restore = (
            self.best, self.num_bad_epochs, self.cooldown_counter, self.restore_lr
        )  # fmt: skip
        if e <= self._config["warmup_t"]:
            values = self._scaled([self._warmup.warmup_lr_init + e * s for s in self.warmup_steps])
        else:
            values = self._binding.read()
            if restore is not None:
                values, restore = list(restore), None
            if current is not None:
                if self._is_better(current, best):
                    best, bad = current, 0
                else:
                    bad += 1
                if cooldown > 0:
                    cooldown -= 1
                    bad = 0
                if bad > self._config["patience_t"]:
                    values = self._reduce(values)
                    cooldown, bad = self._config["cooldown_t"], 0
            if self._noise.applies(e):
                restore = [float(v) for v in values]
                values = self._noise.apply(values, e)
        self._write(values, e)  # checked first: a refused value changes nothing
        self.best, self.num_bad_epochs, self.cooldown_counter = best, bad, cooldown
        self.restore_lr = restore
        self.last_epoch = e
        self._step_count += 1
        self.metric = metric

    def _reduce(self, values: list[float]) -> list[float]:
        rate, floor = self._config["decay_rate"], self._config["lr_min"]
        out = []
        for old in values:
            new = max(old * rate, floor)
            out.append(new if old - new > self.eps else old)
        return out

    def step_update(self, num_updates: int, metric: Any = None) -> None:
        """Does nothing (timm's plateau steps per epoch only)."""
        check_step(num_updates)

    def state_dict(self) -> dict[str, Any]:
        """Plain data: the kind, target, epoch, bases, the values in place, the plateau state
        (``best``, ``num_bad_epochs``, ``cooldown_counter``, ``restore_lr``) and the config."""
        return {
            KIND: self._kind,
            "schedule_target": self.schedule_target,
            "last_epoch": self.last_epoch,
            "_step_count": self._step_count,
            "base_lrs": list(self._binding.bases),
            "values": self._binding.read(),
            "best": self.best,
            "num_bad_epochs": self.num_bad_epochs,
            "cooldown_counter": self.cooldown_counter,
            "restore_lr": None if self.restore_lr is None else list(self.restore_lr),
            "config": _plain(self._config),
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore the plateau state and write the saved values; a mismatch changes nothing."""
        what = self._kind
        state = self._check_loaded(
            state_dict,
            (
                "schedule_target", "last_epoch", "_step_count", "base_lrs", "values", "best",
                "num_bad_epochs", "cooldown_counter", "restore_lr", "config",
            ),
        )  # fmt: skip
        binding, n = self._binding, self._n_groups
        bases = binding.check_values(read_floats(state, "base_lrs", n, what), None)
        values = binding.check_values(read_floats(state, "values", n, what), None)
        restore = None
        if state["restore_lr"] is not None:
            restore = binding.check_values(read_floats(state, "restore_lr", n, what), None)
        best = state["best"]
        if isinstance(best, bool) or not isinstance(best, numbers.Real) or math.isnan(best):
            raise TypeError(f"{what} state dict: 'best' must be a number, got {best!r}")
        last_epoch = read_step(state, "last_epoch", what)
        count = read_step(state, "_step_count", what, minimum=1)
        bad = read_step(state, "num_bad_epochs", what)
        cooldown = read_step(state, "cooldown_counter", what)
        binding.set_bases(bases)
        self.warmup_steps = self._warmup.warmup_steps(bases)
        self._write(values, last_epoch)
        self.best, self.num_bad_epochs, self.cooldown_counter = float(best), bad, cooldown
        self.restore_lr, self.last_epoch, self._step_count = restore, last_epoch, count


def _metric(metric: Any) -> float:
    """``float(metric)`` as torch's ``ReduceLROnPlateau`` reads it (a NaN is never better)."""
    try:
        return float(metric)
    except (TypeError, ValueError):
        raise TypeError(
            f"metric must be a number or a one-element Tensor, got {type(metric).__name__} "
            f"{metric!r}"
        ) from None


# -- the curves ------------------------------------------------------------------------------------
class _TimmCurve(Curve):
    """A timm schedule for a base of 1, as a multiplier curve: ``value_g = b_g × λ(t)``.

    ``min_ratio`` and ``warmup_init_ratio`` are timm's ``lr_min`` and ``warmup_lr_init`` as
    fractions of each group's base (timm's are absolute values); with both 0 the values are
    timm's for every group.
    """

    _formula: _Formula
    _noise: _Noise

    def _setup(self, formula: _Formula, noise: _Noise) -> None:
        self._formula, self._noise = formula, noise
        self._steps = formula.warmup_steps([1.0])
        self.noise_range_t = noise.range_t
        self.noise_pct, self.noise_std, self.noise_seed = noise.pct, noise.std, noise.seed

    def __call__(self, step: int) -> float:
        t = check_step(step)
        return self._noise.apply(self._formula.values(t, [1.0], self._steps), t)[0]


class _CyclicCurve(_TimmCurve):
    def _cyclic(self, formula: _Cyclic, noise: _Noise) -> None:
        self.t_initial, self.min_ratio = formula.t_initial, formula.lr_min
        self.cycle_mul, self.cycle_decay = formula.cycle_mul, formula.cycle_decay
        self.cycle_limit, self.warmup_t = formula.cycle_limit, formula.warmup_t
        self.warmup_init_ratio = formula.warmup_lr_init
        self.warmup_prefix = formula.warmup_prefix
        self._setup(formula, noise)


_NOISE_PARAMS = ("noise_range_t", "noise_pct", "noise_std", "noise_seed")
_CYCLE_PARAMS = (
    "t_initial", "min_ratio", "cycle_mul", "cycle_decay", "cycle_limit", "warmup_t",
    "warmup_init_ratio", "warmup_prefix",
)  # fmt: skip


class TimmCosineCurve(_CyclicCurve):
    """``"timm:cosine"``: :class:`CosineLRScheduler`'s values for a base of 1 (a multiplier).

    ``λ(t) = r + ½(d^i − r)(1 + cos(π·t_c^k / T_i^k))`` with ``r = min_ratio``, after a warmup
    from ``warmup_init_ratio``; timm's values exactly when both ratios are 0.

    Example:
        >>> round(TimmCosineCurve(t_initial=4)(2), 12)
        0.5
    """

    name: ClassVar[str] = "timm:cosine"
    param_names = (*_CYCLE_PARAMS, "k_decay", *_NOISE_PARAMS)

    def __init__(
        self,
        t_initial: int,
        min_ratio: float = 0.0,
        cycle_mul: float = 1.0,
        cycle_decay: float = 1.0,
        cycle_limit: int = 1,
        warmup_t: int = 0,
        warmup_init_ratio: float = 0.0,
        warmup_prefix: bool = False,
        k_decay: float = 1.0,
        noise_range_t: NoiseRange = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
    ) -> None:
        formula = _Cosine(
            t_initial, min_ratio, cycle_mul, cycle_decay, cycle_limit, warmup_t,
            warmup_init_ratio, warmup_prefix, "min_ratio", "warmup_init_ratio", k_decay=k_decay,
        )  # fmt: skip
        self.k_decay = formula.k_decay
        self._cyclic(formula, _Noise(noise_range_t, noise_pct, noise_std, noise_seed))


class TimmPolyCurve(_CyclicCurve):
    """``"timm:poly"``: :class:`PolyLRScheduler`'s values for a base of 1 (a multiplier).

    ``λ(t) = r + (d^i − r)(1 − t_c^k / T_i^k)^power``, ``r = min_ratio``.

    Example:
        >>> TimmPolyCurve(t_initial=4, power=1.0)(1)
        0.75
    """

    name: ClassVar[str] = "timm:poly"
    param_names = ("t_initial", "power", *_CYCLE_PARAMS[1:], "k_decay", *_NOISE_PARAMS)

    def __init__(
        self,
        t_initial: int,
        power: float = 0.5,
        min_ratio: float = 0.0,
        cycle_mul: float = 1.0,
        cycle_decay: float = 1.0,
        cycle_limit: int = 1,
        warmup_t: int = 0,
        warmup_init_ratio: float = 0.0,
        warmup_prefix: bool = False,
        k_decay: float = 1.0,
        noise_range_t: NoiseRange = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
    ) -> None:
        formula = _Poly(
            t_initial, min_ratio, cycle_mul, cycle_decay, cycle_limit, warmup_t,
            warmup_init_ratio, warmup_prefix, "min_ratio", "warmup_init_ratio", power=power,
            k_decay=k_decay,
        )  # fmt: skip
        self.power, self.k_decay = formula.power, formula.k_decay
        self._cyclic(formula, _Noise(noise_range_t, noise_pct, noise_std, noise_seed))


class TimmTanhCurve(_CyclicCurve):
    """``"timm:tanh"``: :class:`TanhLRScheduler`'s values for a base of 1 (a multiplier).

    ``λ(t) = r + ½(d^i − r)(1 − tanh(lb·(1 − ρ) + ub·ρ))``, ``ρ = t_c/T_i``, ``r = min_ratio``.

    Example:
        >>> round(TimmTanhCurve(t_initial=10)(5), 6)
        0.982014
    """

    name: ClassVar[str] = "timm:tanh"
    param_names = ("t_initial", "lb", "ub", *_CYCLE_PARAMS[1:], *_NOISE_PARAMS)

    def __init__(
        self,
        t_initial: int,
        lb: float = -7.0,
        ub: float = 3.0,
        min_ratio: float = 0.0,
        cycle_mul: float = 1.0,
        cycle_decay: float = 1.0,
        cycle_limit: int = 1,
        warmup_t: int = 0,
        warmup_init_ratio: float = 0.0,
        warmup_prefix: bool = False,
        noise_range_t: NoiseRange = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
    ) -> None:
        formula = _Tanh(
            t_initial, min_ratio, cycle_mul, cycle_decay, cycle_limit, warmup_t,
            warmup_init_ratio, warmup_prefix, "min_ratio", "warmup_init_ratio", lb=lb, ub=ub,
        )  # fmt: skip
        self.lb, self.ub = formula.lb, formula.ub
        self._cyclic(formula, _Noise(noise_range_t, noise_pct, noise_std, noise_seed))


class _StepCurve(_TimmCurve):
    def _steps_setup(self, formula: _Step | _MultiStep, noise: _Noise) -> None:
        self.decay_rate = formula.decay_rate
        self.warmup_t, self.warmup_init_ratio = formula.warmup_t, formula.warmup_lr_init
        self.warmup_prefix = formula.warmup_prefix
        self._setup(formula, noise)


_STEP_PARAMS = ("decay_t", "decay_rate", "warmup_t", "warmup_init_ratio", "warmup_prefix")


class TimmStepCurve(_StepCurve):
    """``"timm:step"``: :class:`StepLRScheduler`'s values for a base of 1:
    ``λ(t) = decay_rate^⌊t/decay_t⌋`` after the warmup.

    Example:
        >>> TimmStepCurve(decay_t=2, decay_rate=0.5)(4)
        0.25
    """

    name: ClassVar[str] = "timm:step"
    param_names = (*_STEP_PARAMS, *_NOISE_PARAMS)

    def __init__(
        self,
        decay_t: float,
        decay_rate: float = 1.0,
        warmup_t: int = 0,
        warmup_init_ratio: float = 0.0,
        warmup_prefix: bool = True,
        noise_range_t: NoiseRange = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
    ) -> None:
        formula = _Step(
            decay_t, decay_rate, warmup_t, warmup_init_ratio, warmup_prefix, "warmup_init_ratio"
        )
        self.decay_t = formula.decay_t
        self._steps_setup(formula, _Noise(noise_range_t, noise_pct, noise_std, noise_seed))


class TimmMultiStepCurve(_StepCurve):
    """``"timm:multistep"``: :class:`MultiStepLRScheduler`'s values for a base of 1:
    ``λ(t) = decay_rate^n(t)``, ``n(t)`` = the milestones ``<= t + 1`` (timm's convention).

    Example:
        >>> TimmMultiStepCurve(decay_t=[3], decay_rate=0.5)(2)
        0.5
    """

    name: ClassVar[str] = "timm:multistep"
    param_names = (*_STEP_PARAMS, *_NOISE_PARAMS)

    def __init__(
        self,
        decay_t: list[int],
        decay_rate: float = 1.0,
        warmup_t: int = 0,
        warmup_init_ratio: float = 0.0,
        warmup_prefix: bool = True,
        noise_range_t: NoiseRange = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
    ) -> None:
        formula = _MultiStep(
            decay_t, decay_rate, warmup_t, warmup_init_ratio, warmup_prefix, "warmup_init_ratio"
        )
        self.decay_t = list(formula.decay_t)
        self._steps_setup(formula, _Noise(noise_range_t, noise_pct, noise_std, noise_seed))


class TimmWSDCurve(_TimmCurve):
    """``"timm:wsd"``: :class:`WSDLRScheduler`'s values for a base of 1 (a multiplier).

    ``λ(t) = r + (max(S(t_s), r) − r)·D(f)`` after a warmup from ``warmup_init_ratio``
    (``r = min_ratio``; ``S``, ``D``, ``t_s`` and ``f`` as in :class:`WSDLRScheduler`); timm's
    values exactly when both ratios are 0. ``decay_fn`` is a name here (a spec is plain data).

    Example:
        >>> TimmWSDCurve(t_initial=10, decay_t=4, decay_fn="linear")(8)
        0.5
    """

    name: ClassVar[str] = "timm:wsd"
    param_names = (
        "t_initial", "decay_t", "min_ratio", "stable_fn", "stable_timescale", "stable_power",
        "decay_fn", "decay_power", "decay_ratio", "warmup_t", "warmup_init_ratio",
        *_NOISE_PARAMS,
    )  # fmt: skip

    def __init__(
        self,
        t_initial: int,
        decay_t: int,
        min_ratio: float = 0.0,
        stable_fn: str = "constant",
        stable_timescale: float | None = None,
        stable_power: float = 0.5,
        decay_fn: str = "1-sqrt",
        decay_power: float = 0.5,
        decay_ratio: float = 0.1,
        warmup_t: int = 0,
        warmup_init_ratio: float = 0.0,
        noise_range_t: NoiseRange = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
    ) -> None:
        formula = _WSD(
            t_initial, decay_t, min_ratio, stable_fn, stable_timescale, stable_power, decay_fn,
            decay_power, decay_ratio, warmup_t, warmup_init_ratio, "min_ratio",
            "warmup_init_ratio", allow_callable=False,
        )  # fmt: skip
        self.t_initial, self.decay_t, self.min_ratio = (
            formula.t_initial, formula.decay_t, formula.lr_min
        )  # fmt: skip
        self.stable_fn, self.stable_timescale = formula.stable_fn, formula.stable_timescale
        self.stable_power, self.decay_fn = formula.stable_power, decay_fn
        self.decay_power, self.decay_ratio = formula.decay_power, formula.decay_ratio
        self.warmup_t, self.warmup_init_ratio = formula.warmup_t, formula.warmup_lr_init
        self._setup(formula, _Noise(noise_range_t, noise_pct, noise_std, noise_seed))


_CURVES: tuple[type[_TimmCurve], ...] = (
    TimmCosineCurve,
    TimmPolyCurve,
    TimmTanhCurve,
    TimmStepCurve,
    TimmMultiStepCurve,
    TimmWSDCurve,
)


def register_curves(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register this module's curves as ``"timm:<name>"``: cosine, poly, tanh, step, multistep,
    wsd."""
    for curve_class in _CURVES:
        register(curve_class.name, curve_class)


# -- timm's factories ------------------------------------------------------------------------------
#: The names ``create_scheduler_v2`` takes (timm 1.0.31's, all built here).
SCHEDULER_NAMES = (
    "cosine", "tanh", "step", "constant", "multistep", "plateau", "poly", "wsd", "rsqrt", "none",
)  # fmt: skip


def scheduler_kwargs(cfg: Any, decreasing_metric: bool | None = None) -> dict[str, Any]:
    """timm's ``scheduler_kwargs``: ``create_scheduler_v2``'s keyword arguments read from an
    argparse namespace or a config object (timm's train.py names and defaults).

    ``plateau_mode`` is ``"min"`` when ``decreasing_metric`` (or, when it is ``None``, when
    ``cfg.eval_metric`` contains ``"loss"``), else ``"max"``; ``step_on_epochs`` is
    ``not cfg.sched_on_updates``. ``cfg.sched`` is required.
    """
    if decreasing_metric is None:
        decreasing_metric = "loss" in getattr(cfg, "eval_metric", "top1")
    read = {  # create_scheduler_v2's name: (the attribute of cfg, its default)
        "num_epochs": ("epochs", 100),
        "decay_epochs": ("decay_epochs", 30),
        "decay_milestones": ("decay_milestones", [30, 60]),
        "warmup_epochs": ("warmup_epochs", 5),
        "cooldown_epochs": ("cooldown_epochs", 0),
        "patience_epochs": ("patience_epochs", 10),
        "decay_rate": ("decay_rate", 0.1),
        "min_lr": ("min_lr", 0.0),
        "warmup_lr": ("warmup_lr", 1e-5),
        "warmup_prefix": ("warmup_prefix", False),
        "noise": ("lr_noise", None),
        "noise_pct": ("lr_noise_pct", 0.67),
        "noise_std": ("lr_noise_std", 1.0),
        "noise_seed": ("seed", 42),
        "cycle_mul": ("lr_cycle_mul", 1.0),
        "cycle_decay": ("lr_cycle_decay", 0.1),
        "cycle_limit": ("lr_cycle_limit", 1),
        "k_decay": ("lr_k_decay", 1.0),
        "decay_fn": ("lr_decay_fn", None),
        "stable_timescale": ("lr_stable_timescale", None),
    }
    kwargs: dict[str, Any] = {"sched": cfg.sched}
    kwargs.update({name: getattr(cfg, attr, default) for name, (attr, default) in read.items()})
    kwargs["plateau_mode"] = "min" if decreasing_metric else "max"
    kwargs["step_on_epochs"] = not getattr(cfg, "sched_on_updates", False)
    return kwargs


def create_scheduler(
    args: Any, optimizer: Optimizer, updates_per_epoch: int = 0, *, schedule_target: str = "lr"
) -> tuple[_TimmScheduler | None, int | float]:
    """timm's ``create_scheduler``: ``create_scheduler_v2(optimizer, **scheduler_kwargs(args))``."""
    return create_scheduler_v2(
        optimizer,
        **scheduler_kwargs(args),
        updates_per_epoch=updates_per_epoch,
        schedule_target=schedule_target,
    )


def create_scheduler_v2(
    optimizer: Optimizer,
    sched: str = "cosine",
    num_epochs: int = 300,
    decay_epochs: float | None = None,
    decay_milestones: Sequence[int] = (90, 180, 270),
    cooldown_epochs: int = 0,
    patience_epochs: int = 10,
    decay_rate: float = 0.1,
    min_lr: float = 0.0,
    warmup_lr: float = 1e-5,
    warmup_epochs: int = 0,
    warmup_prefix: bool = False,
    noise: float | Sequence[float] | None = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    cycle_mul: float = 1.0,
    cycle_decay: float = 0.1,
    cycle_limit: int = 1,
    k_decay: float = 1.0,
    decay_fn: str | Callable[[float], float] | None = None,
    stable_timescale: float | None = None,
    plateau_mode: str = "max",
    step_on_epochs: bool = True,
    updates_per_epoch: int = 0,
    *,
    schedule_target: str = "lr",
) -> tuple[_TimmScheduler | None, int | float]:
    """timm's ``create_scheduler_v2``: the scheduler named ``sched`` built from epoch counts,
    returned with the number of epochs to train: ``(scheduler, num_epochs)``.

    The classes are this module's (so ``schedule_target=`` drives any key); the arguments, the
    conversions and the returned epochs are timm's:

    * with ``step_on_epochs=False`` every length (``num_epochs``, ``warmup_epochs``,
      ``decay_epochs``, ``decay_milestones``, ``cooldown_epochs``, ``stable_timescale``) is
      multiplied by ``updates_per_epoch`` (which must then be > 0);
    * ``noise`` is a fraction (or a pair of fractions) of ``t_initial``;
    * ``"constant"`` is a step schedule that never decays (warmup and ``lr_scale`` apply),
      ``"plateau"`` steps per epoch only, ``"wsd"`` / ``"rsqrt"`` are :class:`WSDLRScheduler`
      (constant or rsqrt stable phase; ``decay_epochs`` None = 0.2 of the stable + decay
      length, a value in (0, 1) a fraction of it, rounded to whole steps; without
      ``warmup_prefix`` the warmup is taken out of ``num_epochs``), ``"none"`` returns
      ``(None, num_epochs)``;
    * ``num_epochs`` returned: ``get_cycle_length() + cooldown`` (in epochs) for the schedulers
      that have it (cosine, tanh, poly, wsd, rsqrt), else ``num_epochs`` (+ ``warmup_epochs``
      when ``warmup_prefix``).

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, weight_decay=0.05)
        >>> s, epochs = create_scheduler_v2(opt, "cosine", num_epochs=20, warmup_epochs=2,
        ...                                 cooldown_epochs=3, schedule_target="weight_decay")
        >>> type(s).__name__, epochs
        ('CosineLRScheduler', 23)
    """
    if not isinstance(sched, str) or sched not in SCHEDULER_NAMES:
        raise ValueError(
            f"Unknown scheduler {sched!r}: sched must be one of {list(SCHEDULER_NAMES)} "
            f"(timm 1.0.31's names)"
        )
    on_epochs = _flag("step_on_epochs", step_on_epochs)
    if decay_epochs is None:
        decay_epochs = 0.2 if sched in ("wsd", "rsqrt") else 90
    t_initial: Any = num_epochs
    warmup_t: Any = warmup_epochs
    decay_t: Any = decay_epochs
    cooldown_t: Any = cooldown_epochs
    timescale_t: Any = stable_timescale
    milestones: Any = decay_milestones
    if not on_epochs:
        per = check_step_count("updates_per_epoch", updates_per_epoch)
        if per <= 0:
            raise ValueError(
                f"step_on_epochs=False needs updates_per_epoch > 0 (the number of optimizer "
                f"updates per epoch, len(loader)), got {updates_per_epoch!r}"
            )
        t_initial, warmup_t, decay_t = t_initial * per, warmup_t * per, decay_t * per
        milestones = [d * per for d in decay_milestones]
        cooldown_t = cooldown_t * per
        if timescale_t is not None:
            timescale_t = timescale_t * per
    noise_range: Any = None
    if noise is not None:
        if isinstance(noise, (list, tuple)):
            noise_range = [n * t_initial for n in noise]
            if len(noise_range) == 1:
                noise_range = noise_range[0]
        else:
            noise_range = noise * t_initial
    noise_args: dict[str, Any] = {
        "noise_range_t": noise_range,
        "noise_pct": noise_pct,
        "noise_std": noise_std,
        "noise_seed": noise_seed,
        "schedule_target": schedule_target,
    }
    warmup_args: dict[str, Any] = {
        "warmup_lr_init": warmup_lr,
        "warmup_t": warmup_t,
        "warmup_prefix": warmup_prefix,
    }
    cycle_args: dict[str, Any] = {
        "cycle_mul": cycle_mul,
        "cycle_decay": cycle_decay,
        "cycle_limit": cycle_limit,
    }
    scheduler: _TimmScheduler | None = None
    if sched == "cosine":
        scheduler = CosineLRScheduler(
            optimizer, t_initial=t_initial, lr_min=min_lr, t_in_epochs=on_epochs, k_decay=k_decay,
            **cycle_args, **warmup_args, **noise_args,
        )  # fmt: skip
    elif sched == "tanh":
        scheduler = TanhLRScheduler(
            optimizer, t_initial=t_initial, lr_min=min_lr, t_in_epochs=on_epochs,
            **cycle_args, **warmup_args, **noise_args,
        )  # fmt: skip
    elif sched == "poly":
        scheduler = PolyLRScheduler(
            optimizer, t_initial=t_initial, power=decay_rate, lr_min=min_lr,
            t_in_epochs=on_epochs, k_decay=k_decay, **cycle_args, **warmup_args, **noise_args,
        )  # fmt: skip
    elif sched in ("step", "constant"):
        step_args = {"decay_t": decay_t, "decay_rate": decay_rate}
        if sched == "constant":  # a step schedule that never decays
            step_args = {"decay_t": 1, "decay_rate": 1.0}
        scheduler = StepLRScheduler(
            optimizer, **step_args, t_in_epochs=on_epochs, **warmup_args, **noise_args
        )
    elif sched == "multistep":
        scheduler = MultiStepLRScheduler(
            optimizer, decay_t=milestones, decay_rate=decay_rate, t_in_epochs=on_epochs,
            **warmup_args, **noise_args,
        )  # fmt: skip
    elif sched == "plateau":
        if not on_epochs:
            raise ValueError(
                "sched='plateau' steps per epoch only: pass step_on_epochs=True (timm asserts it)"
            )
        del warmup_args["warmup_prefix"]
        scheduler = PlateauLRScheduler(
            optimizer, decay_rate=decay_rate, patience_t=patience_epochs, cooldown_t=0,
            lr_min=min_lr, mode=plateau_mode, **warmup_args, **noise_args,
        )  # fmt: skip
    elif sched in ("wsd", "rsqrt"):
        # The warmup is always a prefix of a WSD schedule; without warmup_prefix the stable and
        # decay phases fit in num_epochs (timm's rule, so epochs means the same for every sched).
        t_sched = t_initial if warmup_prefix else t_initial - warmup_t
        if 0 < _number("decay_epochs", decay_epochs) < 1:
            decay_t = decay_epochs * t_sched  # a fraction of the stable + decay length
        decay_t = round(float(decay_t))
        if not 0 < decay_t <= t_sched:
            fit = "" if warmup_prefix else " - warmup_epochs"
            raise ValueError(
                f"sched={sched!r} needs 0 < decay_epochs <= epochs{fit}, got a decay of "
                f"{decay_t} steps and a stable + decay length of {t_sched}"
            )
        scheduler = WSDLRScheduler(
            optimizer, t_initial=t_sched, decay_t=decay_t, lr_min=min_lr,
            stable_fn="rsqrt" if sched == "rsqrt" else "constant", stable_timescale=timescale_t,
            decay_fn=decay_fn or ("linear" if sched == "rsqrt" else "1-sqrt"),
            t_in_epochs=on_epochs, warmup_t=warmup_t, warmup_lr_init=warmup_lr, **noise_args,
        )  # fmt: skip
    if isinstance(scheduler, (_CyclicScheduler, WSDLRScheduler)):
        # the schedulers with timm's get_cycle_length: their length (cycles, the warmup when
        # it is a prefix) plus the cooldown
        total = scheduler.get_cycle_length() + cooldown_t
        return scheduler, total if on_epochs else total // updates_per_epoch
    if warmup_prefix:
        num_epochs += warmup_epochs
    return scheduler, num_epochs
