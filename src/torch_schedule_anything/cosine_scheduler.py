"""``CosineLrScheduler``: pytorch-accelerated's cosine scheduler, on any param-group field.

Half-wave cosine annealing without restarts (SGDR, arXiv:1608.03983) with an optional linear
warmup, k-decay (arXiv:2004.05909) and a cooldown held at the minimum. It is a
:class:`~torch_schedule_anything.StatefulSchedulerBase`: ``step()`` after every optimizer
update, or ``step_update(n)`` with the number of updates done.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

from torch.optim import Optimizer

from ._validation import check_positive, check_step_count
from .bases import StatefulSchedulerBase
from .param_groups import Slot

__all__ = ["CosineLrScheduler"]


def _check_options(
    *,
    total_num_epochs: Any,
    num_update_steps_per_epoch: Any,
    k_decay: Any,
    lr_min: Any,
    lr_min_ratio: Any,
    num_warmup_epochs: Any,
    warmup_starting_lr: Any,
    warmup_starting_lr_ratio: Any,
    num_cooldown_epochs: Any,
) -> dict[str, Any]:
    """Validate the options (``None`` totals are allowed: ``create_scheduler_fn`` defers them)."""
    out: dict[str, Any] = {}
    if total_num_epochs is not None:
        out["total_num_epochs"] = check_step_count("total_num_epochs", total_num_epochs, minimum=1)
    if num_update_steps_per_epoch is not None:
        out["num_update_steps_per_epoch"] = check_step_count(
            "num_update_steps_per_epoch", num_update_steps_per_epoch, minimum=1
        )
    out["k_decay"] = check_positive("k_decay", k_decay)
    if lr_min is not None and lr_min_ratio is not None:
        raise ValueError(
            f"give lr_min (an absolute minimum, got {lr_min!r}) or lr_min_ratio (a fraction of "
            f"each group's starting value, got {lr_min_ratio!r}), not both"
        )
    out["lr_min"] = None if lr_min is None else check_positive("lr_min", lr_min, allow_zero=True)
    out["lr_min_ratio"] = (
        None
        if lr_min_ratio is None
        else check_positive("lr_min_ratio", lr_min_ratio, allow_zero=True)
    )
    if out["lr_min"] is None and out["lr_min_ratio"] is None:
        out["lr_min"] = 0.0
    warmup = check_step_count("num_warmup_epochs", num_warmup_epochs)
    out["num_warmup_epochs"] = warmup
    if warmup_starting_lr is not None and warmup_starting_lr_ratio is not None:
        raise ValueError(
            f"give warmup_starting_lr (got {warmup_starting_lr!r}) or warmup_starting_lr_ratio "
            f"(got {warmup_starting_lr_ratio!r}), not both"
        )
    if warmup == 0 and (warmup_starting_lr is not None or warmup_starting_lr_ratio is not None):
        raise ValueError(
            "warmup_starting_lr / warmup_starting_lr_ratio set a warmup's first value but "
            "num_warmup_epochs is 0; give num_warmup_epochs > 0 or drop them"
        )
    out["warmup_starting_lr"] = (
        None
        if warmup_starting_lr is None
        else check_positive("warmup_starting_lr", warmup_starting_lr, allow_zero=True)
    )
    out["warmup_starting_lr_ratio"] = (
        None
        if warmup_starting_lr_ratio is None
        else check_positive("warmup_starting_lr_ratio", warmup_starting_lr_ratio, allow_zero=True)
    )
    if out["warmup_starting_lr"] is None and out["warmup_starting_lr_ratio"] is None:
        out["warmup_starting_lr"] = 0.0
    cooldown = check_step_count("num_cooldown_epochs", num_cooldown_epochs)
    out["num_cooldown_epochs"] = cooldown
    total = out.get("total_num_epochs")
    if total is not None and warmup + cooldown >= total:
        raise ValueError(
            f"num_warmup_epochs ({warmup}) + num_cooldown_epochs ({cooldown}) must be less than "
            f"total_num_epochs ({total}), which includes them; leave at least one epoch to anneal"
        )
    return out


class CosineLrScheduler(StatefulSchedulerBase):
    """Linear warmup, half-wave cosine annealing with k-decay, then a cooldown at the minimum.

    With ``S = num_update_steps_per_epoch``, the lengths in optimizer updates are
    ``T = total_num_epochs·S`` (everything), ``W = num_warmup_epochs·S``,
    ``C = num_cooldown_epochs·S`` and ``D = T − W − C`` (the cosine). For update count ``n``
    and param group ``g`` with starting value ``b_g``::

        n < W:          value = s_g + (b_g − s_g) · n / W
        W <= n < W+D:   value = m_g + ½ (b_g − m_g) (1 + cos(π · ((n − W) / D)^k))
        n >= W+D:       value = m_g            (the cooldown, and every step after it)

    where ``s_g`` = ``warmup_starting_lr`` (or ``warmup_starting_lr_ratio · b_g``), ``m_g`` =
    ``lr_min`` (or ``lr_min_ratio · b_g``) and ``k`` = ``k_decay``. The value is ``b_g``
    exactly at ``n = W`` and ``m_g`` exactly from ``n = W + D`` on; ``k > 1`` holds values
    near ``b_g`` longer, ``k < 1`` drops them sooner. A minimum above ``b_g`` makes the same
    curve rise (e.g. a weight decay that grows towards ``lr_min``). It is a closed form of
    ``n``: resuming needs only the count. Any field works (``param_group_field=
    "weight_decay"``); the ``lr`` in the argument names is pytorch-accelerated's.

    Args:
        optimizer: any ``torch.optim.Optimizer``.
        total_num_epochs: the whole schedule, warmup and cooldown included (>= 1).
        num_update_steps_per_epoch: optimizer updates per epoch (>= 1). Leave it at 1 to
            give every length in updates.
        k_decay: the k-decay exponent (> 0; 1 is plain cosine).
        lr_min: the minimum, the same for every group (>= 0). Default 0.
        lr_min_ratio: the minimum as a fraction of each group's starting value. Give
            ``lr_min`` or ``lr_min_ratio``, not both.
        num_warmup_epochs: epochs of linear warmup (>= 0).
        warmup_starting_lr: the warmup's first value, the same for every group. Default 0.
        warmup_starting_lr_ratio: the warmup's first value as a fraction of each group's
            starting value. Give it or ``warmup_starting_lr``, not both.
        num_cooldown_epochs: epochs held at the minimum at the end (>= 0).
        param_group_field: the key to schedule (``"lr"``, ``"weight_decay"``, ``"betas[0]"``).

    Raises:
        ValueError / TypeError: an argument is out of range or of the wrong type (the
            message names it), or ``num_warmup_epochs + num_cooldown_epochs >=
            total_num_epochs``.

    Differences from pytorch-accelerated: ``lr_min`` and ``warmup_starting_lr`` default to 0
    (not 1e-6), ``lr_min_ratio`` is spelled as here (not ``min_lr_ratio``), and the cosine
    spans exactly ``D`` updates after the warmup.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> s = CosineLrScheduler(opt, total_num_epochs=6, num_warmup_epochs=2,
        ...                       num_cooldown_epochs=2, warmup_starting_lr=0.5)
        >>> values = [s.get_last_lr()[0]]
        >>> for _ in range(6):
        ...     s.step()
        ...     values.append(round(s.get_last_lr()[0], 6))
        >>> values
        [0.5, 0.75, 1.0, 0.5, 0.0, 0.0, 0.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        total_num_epochs: int,
        num_update_steps_per_epoch: int = 1,
        *,
        k_decay: float = 1.0,
        lr_min: float | None = None,
        lr_min_ratio: float | None = None,
        num_warmup_epochs: int = 0,
        warmup_starting_lr: float | None = None,
        warmup_starting_lr_ratio: float | None = None,
        num_cooldown_epochs: int = 0,
        param_group_field: str = "lr",
    ) -> None:
        options = _check_options(
            total_num_epochs=total_num_epochs,
            num_update_steps_per_epoch=num_update_steps_per_epoch,
            k_decay=k_decay,
            lr_min=lr_min,
            lr_min_ratio=lr_min_ratio,
            num_warmup_epochs=num_warmup_epochs,
            warmup_starting_lr=warmup_starting_lr,
            warmup_starting_lr_ratio=warmup_starting_lr_ratio,
            num_cooldown_epochs=num_cooldown_epochs,
        )
        super().__init__(optimizer, param_group_field=param_group_field)
        self.total_num_epochs: int = options["total_num_epochs"]
        self.num_update_steps_per_epoch: int = options["num_update_steps_per_epoch"]
        self.k_decay: float = options["k_decay"]
        self.lr_min: float | None = options["lr_min"]
        self.lr_min_ratio: float | None = options["lr_min_ratio"]
        self.num_warmup_epochs: int = options["num_warmup_epochs"]
        self.warmup_starting_lr: float | None = options["warmup_starting_lr"]
        self.warmup_starting_lr_ratio: float | None = options["warmup_starting_lr_ratio"]
        self.num_cooldown_epochs: int = options["num_cooldown_epochs"]
        steps = self.num_update_steps_per_epoch
        self.total_steps = self.total_num_epochs * steps
        self.warmup_steps = self.num_warmup_epochs * steps
        self.cooldown_steps = self.num_cooldown_epochs * steps
        self.cosine_steps = self.total_steps - self.warmup_steps - self.cooldown_steps

    def get_updated_values(self, num_updates: int) -> list[float]:
        """The value of every group after ``num_updates`` updates (the formula above)."""
        bases: list[float] = self.base_lrs  # type: ignore[assignment]
        warmup, cosine = self.warmup_steps, self.cosine_steps
        if num_updates < warmup:
            fraction = num_updates / warmup
            ratio = self.warmup_starting_lr_ratio
            if ratio is not None:
                starts = [ratio * b for b in bases]
            else:
                starts = [self.warmup_starting_lr or 0.0] * len(bases)
            return [s + (b - s) * fraction for s, b in zip(starts, bases)]
        minima = self._minima(bases)
        if num_updates >= warmup + cosine:
            return minima
        progress = ((num_updates - warmup) / cosine) ** self.k_decay
        # b − (b − m)·½(1 − cos πp) is m + ½(b − m)(1 + cos πp), and exactly b at p = 0.
        drop = 0.5 * (1.0 - math.cos(math.pi * progress))
        return [b - (b - m) * drop for b, m in zip(bases, minima)]

    def _minima(self, bases: list[float]) -> list[float]:
        if self.lr_min_ratio is not None:
            return [self.lr_min_ratio * b for b in bases]
        return [self.lr_min if self.lr_min is not None else 0.0] * len(bases)

    @classmethod
    def create_scheduler_fn(
        cls,
        total_num_epochs: int | None = None,
        num_update_steps_per_epoch: int | None = None,
        *,
        k_decay: float = 1.0,
        lr_min: float | None = None,
        lr_min_ratio: float | None = None,
        num_warmup_epochs: int = 0,
        warmup_starting_lr: float | None = None,
        warmup_starting_lr_ratio: float | None = None,
        num_cooldown_epochs: int = 0,
        param_group_field: str = "lr",
    ) -> Callable[..., CosineLrScheduler]:
        """A function ``optimizer -> CosineLrScheduler`` with these options (a ``partial``).

        Arguments are checked now, so a mistake fails here rather than when training starts.
        ``total_num_epochs`` and ``num_update_steps_per_epoch`` may be left out and given
        when the function is called (pytorch-accelerated's Trainer fills them in)::

            make = CosineLrScheduler.create_scheduler_fn(num_warmup_epochs=1)
            scheduler = make(optimizer, total_num_epochs=10, num_update_steps_per_epoch=50)
        """
        options = _check_options(
            total_num_epochs=total_num_epochs,
            num_update_steps_per_epoch=num_update_steps_per_epoch,
            k_decay=k_decay,
            lr_min=lr_min,
            lr_min_ratio=lr_min_ratio,
            num_warmup_epochs=num_warmup_epochs,
            warmup_starting_lr=warmup_starting_lr,
            warmup_starting_lr_ratio=warmup_starting_lr_ratio,
            num_cooldown_epochs=num_cooldown_epochs,
        )
        Slot(param_group_field)  # a bad field name fails here too
        given: dict[str, Any] = {
            "k_decay": k_decay,
            "lr_min": lr_min,
            "lr_min_ratio": lr_min_ratio,
            "num_warmup_epochs": num_warmup_epochs,
            "warmup_starting_lr": warmup_starting_lr,
            "warmup_starting_lr_ratio": warmup_starting_lr_ratio,
            "num_cooldown_epochs": num_cooldown_epochs,
            "param_group_field": param_group_field,
        }
        for name in ("total_num_epochs", "num_update_steps_per_epoch"):
            if name in options:
                given[name] = options[name]
        return functools.partial(cls, **given)

    def __repr__(self) -> str:
        return (
            f"CosineLrScheduler(param_group_field={self.param_group_field!r}, "
            f"total_steps={self.total_steps}, warmup_steps={self.warmup_steps}, "
            f"cooldown_steps={self.cooldown_steps}, k_decay={self.k_decay}, "
            f"last_epoch={self.last_epoch})"
        )
