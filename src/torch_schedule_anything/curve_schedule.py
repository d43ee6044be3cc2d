"""``CurveSchedule``: the one mechanism that binds a pure curve to a param-group key.

It is a real :class:`torch.optim.lr_scheduler.LRScheduler` (Lightning, HF Trainer and Accelerate
check that type) whose value at step ``t`` is computed in closed form every step:

* multiplier curve: ``value_g(t) = base_g × λ(t)``, ``base_g`` = the key's value in group ``g``
  when the schedule was attached (PyTorch's ``base_lr`` convention);
* absolute curve: ``value_g(t) = λ(t)``.

Nothing is derived from the previous value, so there is no drift and resuming only restores
``t``. The curve is evaluated once per step, not once per group.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from .binding import (
    Binding,
    BoundBases,
    GroupSelection,
    LastValues,
    check_step_order,
    check_value,
    refuse_torch_composite,
)
from .checks import check_step
from .curves.base import Curve, FunctionCurve
from .errors import external_stacklevel
from .horizon import NEVER, PastHorizonWarning, horizon_warning_message, warn_after
from .param_groups import curve_values
from .state import (
    KIND,
    check_groups,
    check_identity,
    is_v1_lambda_state,
    read_floats,
    read_step,
    require_mapping,
)

__all__ = ["CurveSchedule", "as_curve", "check_one_value"]


def as_curve(curve: Any) -> Curve:
    """Return ``curve`` if it is a :class:`Curve`; wrap a plain callable as a multiplier curve."""
    if isinstance(curve, Curve):
        return curve
    if isinstance(curve, type) and issubclass(curve, Curve):
        raise TypeError(
            f"got the curve class {curve.__name__}; pass an instance, e.g. "
            f"{curve.__name__}(...), or its registered name with parameters"
        )
    if _is_progress_function(curve):
        raise TypeError(
            f"{type(curve).__name__} is a function of the training progress `where` in [0, 1) "
            f"(an fvcore ParamScheduler), not of the step: bound as it is, every step would "
            f"read past the end. Give it the run length: sched.to_curve(total_steps=...) "
            f"(torch_schedule_anything.compat.fvcore), or the registered curve "
            f"'fvcore:<name>' with total_steps=..."
        )
    return FunctionCurve(curve)


def _is_progress_function(fn: Any) -> bool:
    """An fvcore-style scheduler: ``fn(where)`` with ``where`` in [0, 1), not ``fn(step)``."""
    if hasattr(fn, "to_curve"):
        return True
    try:
        parameters = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return False
    return parameters[:1] == ["where"]


def check_one_value(curve: Curve, binding: Binding, allowed: bool) -> None:
    """Refuse an absolute curve on groups whose bases differ, unless ``allowed``.

    An absolute curve writes one value into every group; on groups that hold different values
    (layer-wise learning rates, a no-decay group) that silently flattens them.
    """
    if not isinstance(allowed, bool):
        raise TypeError(
            f"one_value_for_all_groups must be True or False, got {type(allowed).__name__} "
            f"{allowed!r}"
        )
    if not curve.absolute or allowed or binding.uniform_base is not None:
        return
    raise ValueError(
        f"{curve!r} is an absolute curve: it writes the same value into every param group, but "
        f"the groups hold different values of {binding.target!r} ({binding.describe_groups()}). "
        f"Use its multiplier form, which scales each group's own value: "
        f"sa.curves.Multiplier(curve) with the curve's values as factors (its peak at 1.0), "
        f"or the registered curve 'multiplier' with params {{'curve': {{'name': ..., "
        f"'params': ...}}}}. To write one value into every group on purpose, pass "
        f"one_value_for_all_groups=True."
    )


class CurveSchedule(LastValues, BoundBases, LRScheduler):  # type: ignore[misc,override]  # base_lrs holds floats
    """Drive ``schedule_target`` of every param group with ``curve``, in closed form.

    ``value_g(t) = base_g × λ(t)`` for a multiplier curve, ``value_g(t) = λ(t)`` for an absolute
    one, where ``t`` is 0 right after construction (λ(0) is written immediately, as PyTorch
    does), +1 per :meth:`step`, or the value given to ``step(epoch)``. ``base_g`` is group
    ``g``'s **recorded** value of the key (``initial_lr`` / ``initial_<key>``, written by the
    first schedule attached to the key; see :func:`~torch_schedule_anything.rebase`), never the
    value an earlier schedule left there, so re-attaching or rebuilding gives the same values.

    Args:
        optimizer: any ``torch.optim.Optimizer``; it is ``.optimizer`` unchanged.
        curve: a :class:`~torch_schedule_anything.curves.Curve` or a callable ``step -> λ``.
        schedule_target: the key to drive (``"lr"``, ``"weight_decay"``, a custom key, or
            ``"betas[0]"`` for one element of a tuple).
        default_value: creates the key in groups that lack it (ignored where it exists).
        one_value_for_all_groups: allow an absolute curve on groups whose bases differ (it
            writes the same value into all of them). Without it that is a ``ValueError``:
            use the curve's multiplier form (:class:`~torch_schedule_anything.curves.Multiplier`)
            so each group follows the curve from its own base.
        groups: drive only some param groups: their indices in increasing order
            (``[0, 2]``), or a callable ``group -> bool`` called once now with each group
            (``lambda g: g.get("name") == "head"``) and recorded as the indices it selects.
            ``None`` (the default): every group. The other groups are never read or written;
            groups added to the optimizer later are left alone (see ``documentation/
            per_group.md``). ``get_last_lr()`` still has one value per param group: the
            others read as their current value (``None`` where they lack the key);
            ``base_lrs`` has one base per selected group.

    Raises:
        ValueError: an absolute curve on groups with different bases (see above), or a value
            that is not finite or not valid for the key (e.g. a negative ``lr``): every value
            is checked before it is written, and the message names the group and the step.

    Tensor values are updated in place (``fill_``); ``state_dict()`` holds plain data only.

    Example:
        >>> import torch
        >>> from torch_schedule_anything.curves import LinearScheduleWithWarmup
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], weight_decay=0.1)
        >>> s = CurveSchedule(opt, LinearScheduleWithWarmup(1.0, 0.0, 0, 4), "weight_decay")
        >>> for _ in range(2):
        ...     opt.step()
        ...     s.step()
        >>> s.last_epoch, s.get_last_lr()
        (2, [0.05])
    """

    def __init__(
        self,
        optimizer: Optimizer,
        curve: Curve | Any,
        schedule_target: str = "lr",
        *,
        default_value: float | torch.Tensor | None = None,
        one_value_for_all_groups: bool = False,
        groups: GroupSelection | None = None,
    ) -> None:
        self.curve = as_curve(curve)
        self._binding = binding = Binding(
            optimizer,
            schedule_target,
            owner=f"the schedule of {schedule_target!r} ({type(self.curve).__name__})",
            default_value=default_value,
            groups=groups,
        )
        with binding.attaching():  # a failure takes back a key default_value created
            self._bind(optimizer, binding, schedule_target, one_value_for_all_groups)

    def _bind(
        self,
        optimizer: Optimizer,
        binding: Binding,
        schedule_target: str,
        one_value_for_all_groups: bool,
    ) -> None:
        check_one_value(self.curve, binding, one_value_for_all_groups)
        self.optimizer = optimizer
        self.schedule_target = schedule_target
        self.one_value_for_all_groups = one_value_for_all_groups
        self._fn = self.curve.__call__
        self._absolute = self.curve.absolute
        self._n_groups = binding.n_groups
        #: The selected param-group indices (a tuple), or ``None`` for every group.
        self.groups = binding.selection
        self._write = binding.write_same if self._absolute else binding.write_scaled
        self._lam = self._write(self._fn(0), 0)
        binding.commit()
        self.last_epoch = 0
        self._step_count = 1
        # Past the curve's end the value is held; far past an end-of-training horizon, warn once.
        self._warn_after = warn_after(self.curve)

    # -- the hot path ------------------------------------------------------------------------
    def step(self, epoch: int | None = None) -> None:  # type: ignore[override]
        """Advance ``t`` by one (or set it to ``epoch``) and write the closed-form value.

        A value that may not be written raises before anything changes (the step included).
        """
        if epoch is None:
            if self._step_count == 1:
                check_step_order(self.optimizer)
            t = self.last_epoch + 1
        else:
            t = check_step(epoch)
        self._lam = self._write(self._fn(t), t)  # the value checked, as a float
        self.last_epoch = t
        self._step_count += 1
        if t > self._warn_after:
            self._warn_past_horizon(t)

    def _checkpoint(self) -> tuple[int, int, float]:
        """What :meth:`_rollback` needs to undo the next step (see SynchronousSchedule)."""
        return self.last_epoch, self._step_count, self._lam

    def _rollback(self, token: tuple[int, int, float]) -> None:
        t, count, lam = token
        self._write(lam, t)  # was written before, so it passes the check
        self.last_epoch, self._step_count, self._lam = t, count, lam

    def _warn_past_horizon(self, t: int) -> None:
        self._warn_after = NEVER
        message = horizon_warning_message(
            self.schedule_target, self.curve, t, self.curve.horizon or 0, self._lam
        )
        warnings.warn(message, PastHorizonWarning, stacklevel=external_stacklevel())

    def _initial_step(self) -> None:
        # torch's SequentialLR calls this on its first phase (and ``_update_lr(0)`` on the
        # others): it drives ``lr`` only, resetting ``group["lr"]`` to ``initial_lr``.
        self._check_torch_composite()
        self._step_count = 0
        self.step()

    def _update_lr(self, epoch: int | None = None) -> None:
        self._check_torch_composite()
        self.step(epoch)

    def _check_torch_composite(self) -> None:
        if self.schedule_target != "lr":
            refuse_torch_composite(f"a schedule of {self.schedule_target!r}")

    @property
    def _schedulers(self) -> Any:
        # SequentialLR probes hasattr(phase, "_schedulers") before it undoes a phase's step:
        # refuse there (before anything changes) unless the phase drives 'lr'.
        self._check_torch_composite()
        raise AttributeError("_schedulers")

    # -- torch's scheduler protocol ----------------------------------------------------------
    def get_last_lr(self) -> list[float]:  # type: ignore[override]
        """The values written at the last step, one per param group (for any target).

        With ``groups=``, a group outside the selection reads as its current value (``None``
        where it does not hold the key), so the length is always the optimizer's group count.
        """
        if self.groups is None:
            return self._values(self._lam)
        return self._binding.expand(self._values(self._lam))

    def _values(self, lam: float) -> list[float]:
        return curve_values(float(lam), self._absolute, self._binding.bases)

    def value_at(self, step: int) -> list[float]:
        """The values this schedule writes at ``step``, without touching the optimizer.

        One per param group, like :meth:`get_last_lr` (with ``groups=``, the others read as
        their current value).
        """
        return self._binding.expand(self._values(self._fn(check_step(step))))

    def state_dict(self) -> dict[str, Any]:
        """Plain data: the kind, the target, the step, the base values, the curve's spec.

        ``{"kind": "CurveSchedule", "schedule_target", "last_epoch", "_step_count",
        "base_lrs" (one per driven param group), "absolute", "curve": {"name", "params"}}``,
        and ``"groups"`` (the list of selected indices) for a schedule built with ``groups=``.
        """
        state = {
            KIND: "CurveSchedule",
            "schedule_target": self.schedule_target,
            "last_epoch": self.last_epoch,
            "_step_count": self._step_count,
            "base_lrs": list(self.base_lrs),
            "absolute": self._absolute,
            "curve": self.curve.spec(),
        }
        if self.groups is not None:
            state["groups"] = list(self.groups)
        return state

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> None:
        """Restore the step and base values, then write the value for that step.

        The whole dict is checked first; a mismatch (another kind of object, another key,
        another number of param groups, another selection of groups, another curve, a value
        that is not a finite number) raises ``ValueError``/``TypeError`` naming it, and
        nothing changes.

        Also loads ScheduleAnything 1.x's dicts (a ``LambdaLR``'s) when their base values are
        this schedule's recorded ones (a 1.x dict does not name its key: other bases mean it
        was saved from the schedule of another key).

        Args:
            strict: ``False`` keeps this schedule's curve and bases and restores only the
                step (the one thing ``strict=False`` means everywhere in this package). A dict
                saved from another selection of param groups (``groups=``) is refused even
                then: its step belongs to other groups.
        """
        self._prepare_load(state_dict, strict)()

    def _prepare_load(self, state_dict: Any, strict: bool = True) -> Callable[[], None]:
        """Check ``state_dict`` whole; return the function that applies it (cannot fail)."""
        what = "CurveSchedule"
        state = require_mapping(state_dict, what)
        binding = self._binding
        if is_v1_lambda_state(state):
            check_groups(None, self.groups, "a ScheduleAnything 1.x state dict", what)
            bases = read_floats(state, "base_lrs", self._n_groups, "1.x LambdaLR")
            if strict and bases != binding.bases:
                raise ValueError(
                    f"this ScheduleAnything 1.x state dict holds the base values {bases}, but "
                    f"{self.schedule_target!r} has the recorded values {binding.bases}: it was "
                    f"probably saved from the schedule of another key. Load it into that "
                    f"schedule, or pass strict=False to restore only its step"
                )
        else:
            check_identity(
                state,
                what,
                self.schedule_target,
                ("schedule_target", "last_epoch", "base_lrs", "curve"),
                ("_step_count", "absolute", "groups"),
            )
            check_groups(state.get("groups"), self.groups, "the state dict", what)
            bases = read_floats(state, "base_lrs", self._n_groups, what)
            saved_curve = state["curve"]
            if not isinstance(saved_curve, Mapping) or set(saved_curve) != {"name", "params"}:
                raise TypeError(
                    f"{what} state dict: 'curve' must be {{'name': ..., 'params': {{...}}}}, "
                    f"got {saved_curve!r}"
                )
            absolute = state.get("absolute", self._absolute)
            if not isinstance(absolute, bool):
                raise TypeError(f"{what} state dict: 'absolute' must be a bool, got {absolute!r}")
            if strict and (saved_curve != self.curve.spec() or absolute != self._absolute):
                raise ValueError(
                    f"the state dict of {self.schedule_target!r} was saved with the curve "
                    f"{dict(saved_curve)} but this schedule uses {self.curve.spec()}; rebuild "
                    f"the schedule with the saved curve, or pass strict=False to keep this "
                    f"curve and restore only the step"
                )
        last_epoch = read_step(state, "last_epoch", what)
        count = read_step(state, "_step_count", what) if "_step_count" in state else last_epoch + 1
        if not strict:
            bases = binding.bases
        binding.check_values(bases, last_epoch)  # bases are values the key may hold
        lam = self._fn(last_epoch)
        if type(lam) is not float:
            lam = check_value(lam, self.schedule_target, None, last_epoch, what, multiplier=True)
        values = curve_values(lam, self._absolute, bases)
        binding.check_values(values, last_epoch)

        def apply() -> None:
            binding.set_bases(list(bases))
            self._write(lam, last_epoch)
            self.last_epoch, self._step_count, self._lam = last_epoch, count, lam

        return apply

    def __repr__(self) -> str:
        groups = "" if self.groups is None else f", groups={list(self.groups)}"
        return (
            f"{type(self).__name__}(target={self.schedule_target!r}, curve={self.curve!r}"
            f"{groups}, last_epoch={self.last_epoch})"
        )
