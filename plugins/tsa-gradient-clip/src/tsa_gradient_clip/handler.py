"""``GradientClip``: clip every param group's gradients to the group's scheduled threshold."""

from __future__ import annotations

import math
import numbers
from typing import Any

import torch
from torch.nn import Parameter

import torch_schedule_anything as sa

__all__ = ["DEFAULT_KEY", "GradientClip"]

#: The param-group key read by default (the name used in ScheduleAnything's case study).
DEFAULT_KEY = "gradient_clip_threshold"


def _norm_type(value: Any) -> float:
    if isinstance(value, str) and value.strip().lower() in ("inf", "infinity"):
        return math.inf
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"norm_type must be a positive number or 'inf', got {type(value).__name__} {value!r}"
        )
    out = float(value)
    if math.isnan(out) or out <= 0:
        raise ValueError(f"norm_type must be > 0 (2.0 for the L2 norm, 'inf' for max), got {out}")
    return out


class GradientClip(sa.GroupHandler):
    """Clip each param group's gradients to that group's value of ``key``.

    Before every ``optimizer.step()``, for every param group ``g`` that holds ``key``, with
    ``c_g`` its current (scheduled) threshold and ``‖∇_g‖`` the ``norm_type``-norm of all its
    gradients taken together::

        ∇ ← ∇ · min(1, c_g / (‖∇_g‖ + 1e-6))

    which is ``torch.nn.utils.clip_grad_norm_(group_params, max_norm=c_g, norm_type=...)``.
    ``c_g = inf`` leaves the group unclipped; ``c_g = 0`` zeroes its gradients. Groups without
    ``key`` are skipped. Schedule the threshold like any other key (``sa.schedule(opt, curve,
    schedule_target="gradient_clip_threshold", default_value=...)``).

    Args:
        key: the param-group key holding the threshold; default ``"gradient_clip_threshold"``.
        norm_type: the norm, a number > 0 or ``"inf"``; default 2.0.
        error_if_nonfinite: raise if a group's gradient norm is NaN or infinite (torch's flag).
        foreach: torch's ``foreach`` flag (``None``: let torch choose).

    Attributes:
        last_norms: the total gradient norm of each clipped group (before clipping) at the last
            call, as 0-dim Tensors (no device synchronisation), in param-group order.

    Example:
        >>> import torch, torch_schedule_anything as sa
        >>> w = torch.nn.Parameter(torch.zeros(2))
        >>> opt = torch.optim.SGD([w], lr=1.0)
        >>> _ = sa.extend_optimizer(opt, "gradient_clip_threshold", 1.0)
        >>> handle = sa.attach_handler(opt, GradientClip())
        >>> w.grad = torch.tensor([3.0, 4.0])  # norm 5, clipped to norm 1
        >>> opt.step()
        >>> [round(v, 4) for v in w.tolist()]
        [-0.6, -0.8]
    """

    def __init__(
        self,
        key: str = DEFAULT_KEY,
        norm_type: float | str = 2.0,
        error_if_nonfinite: bool = False,
        foreach: bool | None = None,
    ) -> None:
        super().__init__(key)
        self.norm_type = _norm_type(norm_type)
        if not isinstance(error_if_nonfinite, bool):
            raise TypeError(f"error_if_nonfinite must be True or False, got {error_if_nonfinite!r}")
        if foreach is not None and not isinstance(foreach, bool):
            raise TypeError(f"foreach must be True, False or None, got {foreach!r}")
        self.error_if_nonfinite = error_if_nonfinite
        self.foreach = foreach
        self.last_norms: list[torch.Tensor] = []

    def __call__(self, optimizer: torch.optim.Optimizer) -> None:
        self.last_norms = []
        super().__call__(optimizer)

    def apply(self, value: float, params: list[Parameter], group: dict[str, Any]) -> None:
        """Clip the gradients of ``params`` to the norm ``value``."""
        if value < 0:
            raise ValueError(
                f"{self.key!r} is {value} in a param group; a clipping threshold must be >= 0 "
                f"(inf turns clipping off for that group)"
            )
        norm = torch.nn.utils.clip_grad_norm_(
            params,
            max_norm=value,
            norm_type=self.norm_type,
            error_if_nonfinite=self.error_if_nonfinite,
            foreach=self.foreach,
        )
        self.last_norms.append(norm)

    def __repr__(self) -> str:
        return f"GradientClip(key={self.key!r}, norm_type={self.norm_type})"
