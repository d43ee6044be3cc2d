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

import warnings
from collections.abc import Mapping
from typing import Any

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from ._validation import check_step
from .curves.base import Curve, FunctionCurve
from .errors import external_stacklevel
from .horizon import NEVER, PastHorizonWarning, horizon_warning_message, warn_after
from .param_groups import Slot, extend_optimizer

__all__ = ["CurveSchedule", "as_curve"]


def as_curve(curve: Any) -> Curve:
    """Return ``curve`` if it is a :class:`Curve`; wrap a plain callable as a multiplier curve."""
    if isinstance(curve, Curve):
        return curve
    if isinstance(curve, type) and issubclass(curve, Curve):
        raise TypeError(
            f"got the curve class {curve.__name__}; pass an instance, e.g. "
            f"{curve.__name__}(...), or its registered name with parameters"
        )
    return FunctionCurve(curve)


class CurveSchedule(LRScheduler):
    """Drive ``schedule_target`` of every param group with ``curve``, in closed form.

    ``value_g(t) = base_g × λ(t)`` for a multiplier curve, ``value_g(t) = λ(t)`` for an absolute
    one, where ``t`` is 0 right after construction (λ(0) is written immediately, as PyTorch
    does), +1 per :meth:`step`, or the value given to ``step(epoch)``.

    Args:
        optimizer: any ``torch.optim.Optimizer``; it is ``.optimizer`` unchanged.
        curve: a :class:`~torch_schedule_anything.curves.Curve` or a callable ``step -> λ``.
        schedule_target: the key to drive (``"lr"``, ``"weight_decay"``, a custom key, or
            ``"betas[0]"`` for one element of a tuple).
        default_value: creates the key in groups that lack it (ignored where it exists).

    Tensor values are updated in place (``fill_``); ``state_dict()`` holds plain data only.

    Example:
        >>> import torch
        >>> from torch_schedule_anything.curves import LinearScheduleWithWarmup
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], weight_decay=0.1)
        >>> s = CurveSchedule(opt, LinearScheduleWithWarmup(1.0, 0.0, 0, 4), "weight_decay")
        >>> for _ in range(2):
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
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        self.curve = as_curve(curve)
        self._slot = Slot(schedule_target)
        self.schedule_target = schedule_target
        if default_value is not None:
            if self._slot.index is not None:
                raise ValueError(
                    f"default_value cannot create the tuple element {schedule_target!r}; "
                    f"create {self._slot.key!r} with sa.extend_optimizer first"
                )
            extend_optimizer(optimizer, self._slot.key, default_value)  # type: ignore[arg-type]
        groups = optimizer.param_groups
        if not groups:
            raise ValueError("the optimizer has no param groups; nothing to schedule")
        bases = [self._slot.read_float(g, i) for i, g in enumerate(groups)]
        self.base_lrs: list[float] = bases  # type: ignore[assignment]
        if schedule_target == "lr":
            for group in groups:
                lr = group["lr"]
                group.setdefault("initial_lr", lr.clone() if isinstance(lr, torch.Tensor) else lr)
        if not self.curve.absolute:
            zeros = [i for i, b in enumerate(self.base_lrs) if b == 0.0]
            if zeros:
                warnings.warn(
                    f"{schedule_target!r} is 0 in param group(s) {zeros}: a multiplier curve "
                    f"({type(self.curve).__name__}) keeps base × λ(t) = 0 there. Give the key a "
                    f"nonzero starting value, or use an absolute curve.",
                    UserWarning,
                    stacklevel=external_stacklevel(),
                )
        self._fn = self.curve.__call__
        self._absolute = self.curve.absolute
        self._refresh_bases()
        self.last_epoch = 0
        self._step_count = 1
        self._lam = self._fn(0)
        self._apply()
        # Past the curve's end the value is held; far past an end-of-training horizon, warn once.
        self._warn_after = warn_after(self.curve)

    # -- the hot path ------------------------------------------------------------------------
    def step(self, epoch: int | None = None) -> None:  # type: ignore[override]
        """Advance ``t`` by one (or set it to ``epoch``) and write the closed-form value."""
        self._step_count += 1
        t = self.last_epoch + 1 if epoch is None else check_step(epoch)
        self.last_epoch = t
        self._lam = self._fn(t)
        self._apply()
        if t > self._warn_after:
            self._warn_past_horizon(t)

    def _warn_past_horizon(self, t: int) -> None:
        self._warn_after = NEVER
        message = horizon_warning_message(
            self.schedule_target, self.curve, t, self.curve.horizon or 0, self._lam
        )
        warnings.warn(message, PastHorizonWarning, stacklevel=external_stacklevel())

    def _apply(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != self._n_groups:
            raise RuntimeError(
                f"the optimizer now has {len(groups)} param groups but this schedule of "
                f"{self.schedule_target!r} was built for {self._n_groups}; create schedules "
                f"after the last add_param_group() (or rebuild them and load their state dict)"
            )
        lam = self._lam
        if self._absolute:
            self._slot.write_same(groups, lam)
        elif self._uniform_base is not None:
            self._slot.write_same(groups, self._uniform_base * lam)
        else:
            self._slot.write_scaled(groups, self.base_lrs, lam)

    def _refresh_bases(self) -> None:
        self._n_groups = len(self.base_lrs)
        first = self.base_lrs[0]
        self._uniform_base = first if all(b == first for b in self.base_lrs) else None

    # -- torch's scheduler protocol ----------------------------------------------------------
    def get_last_lr(self) -> list[float]:  # type: ignore[override]
        """The values written at the last step, one per param group (for any target)."""
        lam = self._lam
        if self._absolute:
            return [lam] * self._n_groups
        return [base * lam for base in self.base_lrs]

    def get_lr(self) -> list[float]:  # type: ignore[override]
        """The values for the current step (same as :meth:`get_last_lr`; closed form)."""
        return self.get_last_lr()

    def _get_closed_form_lr(self) -> list[float]:
        return self.get_last_lr()

    @property
    def _last_lr(self) -> list[float]:  # type: ignore[override,assignment,misc]
        return self.get_last_lr()

    def value_at(self, step: int) -> list[float]:
        """The values this schedule writes at ``step``, without touching the optimizer."""
        lam = self._fn(check_step(step))
        if self._absolute:
            return [lam] * self._n_groups
        return [base * lam for base in self.base_lrs]

    def state_dict(self) -> dict[str, Any]:
        """Plain data: the step, the target, the base values and the curve's name and params."""
        return {
            "schedule_target": self.schedule_target,
            "last_epoch": self.last_epoch,
            "_step_count": self._step_count,
            "base_lrs": list(self.base_lrs),
            "absolute": self._absolute,
            "curve": self.curve.spec(),
        }

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> None:
        """Restore the step and base values, then write the value for that step.

        Also accepts the state dicts of ScheduleAnything 1.x (a ``LambdaLR``'s). A state dict
        for another target, another number of param groups or (with ``strict=True``) another
        curve raises ``ValueError`` naming the mismatch.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"state_dict must be a mapping, got {type(state_dict).__name__}")
        missing = [k for k in ("last_epoch", "base_lrs") if k not in state_dict]
        if missing:
            raise ValueError(
                f"not a schedule state dict: it lacks {missing} (keys: {sorted(state_dict)})"
            )
        target = state_dict.get("schedule_target", self.schedule_target)
        if target != self.schedule_target:
            raise ValueError(
                f"state dict is for schedule_target {target!r} but this schedule drives "
                f"{self.schedule_target!r}"
            )
        bases = [
            float(b.item()) if isinstance(b, torch.Tensor) else float(b)
            for b in state_dict["base_lrs"]
        ]
        if len(bases) != self._n_groups:
            raise ValueError(
                f"state dict of {self.schedule_target!r} has {len(bases)} param groups but the "
                f"optimizer has {self._n_groups}"
            )
        saved_curve = state_dict.get("curve")
        if strict and saved_curve is not None and saved_curve != self.curve.spec():
            raise ValueError(
                f"state dict of {self.schedule_target!r} was saved with curve {saved_curve} but "
                f"this schedule uses {self.curve.spec()}; rebuild the schedule with the saved "
                f"curve, or pass strict=False to keep this curve and only restore the step"
            )
        last_epoch = check_step(state_dict["last_epoch"])
        self.base_lrs = bases
        self.last_epoch = last_epoch
        self._step_count = int(state_dict.get("_step_count", last_epoch + 1))
        self._refresh_bases()
        self._lam = self._fn(last_epoch)
        self._apply()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(target={self.schedule_target!r}, curve={self.curve!r}, "
            f"last_epoch={self.last_epoch})"
        )
