"""``CosineLrScheduler``: pytorch-accelerated 0.1.61's cosine scheduler, on any param-group field.

Half-wave cosine annealing without restarts (SGDR, arXiv:1608.03983) with an optional linear
warmup, k-decay (arXiv:2004.05909) and a cooldown held at the minimum. It is a
:class:`~torch_schedule_anything.StatefulSchedulerBase` with pytorch-accelerated's timing and
formula, quirks included (see the class), so code written for
``pytorch_accelerated.schedulers.CosineLrScheduler`` runs unchanged but for the import, inside
pytorch-accelerated's ``Trainer`` too.

:class:`TrainerPlaceholder` stands for a number pytorch-accelerated's ``Trainer`` knows only
when training starts (the epochs, the updates per epoch); ``create_scheduler_fn`` uses it as
pytorch-accelerated does, without importing pytorch-accelerated.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import warnings
from collections.abc import Callable
from typing import Any

from torch.optim import Optimizer

from .bases import StatefulSchedulerBase
from .checks import check_positive, check_step_count
from .errors import external_stacklevel
from .param_groups import Slot

__all__ = ["CosineLrScheduler", "TrainerPlaceholder"]


@dataclasses.dataclass(frozen=True)
class TrainerPlaceholder:
    """A value pytorch-accelerated's ``Trainer`` fills in when it creates the scheduler.

    It has the two attributes the ``Trainer`` reads from ``TrainerPlaceholderValues``:
    ``name`` (the member's name) and ``value`` (the expression it evaluates, with ``trainer``
    in scope). ``placeholder * k`` stands for ``k`` times the value, as there.
    """

    name: str
    value: str

    def __mul__(self, other: int) -> TrainerPlaceholder:
        return TrainerPlaceholder(self.name, f"{self.value}*{other}")

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return f"TrainerPlaceholder.{self.name}"


#: pytorch-accelerated's ``TrainerPlaceholderValues``: the same names and expressions.
NUM_EPOCHS = TrainerPlaceholder("NUM_EPOCHS", "trainer.run_config.num_epochs")
NUM_UPDATE_STEPS_PER_EPOCH = TrainerPlaceholder(
    "NUM_UPDATE_STEPS_PER_EPOCH", "trainer.run_config.num_update_steps_per_epoch"
)
PER_PROCESS_NUM_UPDATE_STEPS_PER_EPOCH = TrainerPlaceholder(
    "PER_PROCESS_NUM_UPDATE_STEPS_PER_EPOCH",
    "trainer.run_config.num_local_update_steps_per_epoch",
)
_PLACEHOLDER_NAMES = frozenset(
    {
        "NUM_EPOCHS",
        "NUM_UPDATE_STEPS_PER_EPOCH",
        "PER_PROCESS_NUM_UPDATE_STEPS_PER_EPOCH",
        "TRAIN_DATALOADER_LEN",
        "EVAL_DATALOADER_LEN",
    }
)


def is_placeholder(value: Any) -> bool:
    """Whether ``value`` is a Trainer placeholder (ours or pytorch-accelerated's own)."""
    name = getattr(value, "name", None)
    return isinstance(name, str) and name in _PLACEHOLDER_NAMES and hasattr(value, "value")


def refuse_placeholder(name: str, value: Any, owner: str) -> None:
    """A placeholder that reached a constructor: nothing filled it in."""
    if is_placeholder(value):
        raise TypeError(
            f"{owner}: {name} is the placeholder {value.name}, which pytorch-accelerated's "
            f"Trainer fills in when it calls create_scheduler_fn's result; outside that Trainer, "
            f"give {name}=... to create_scheduler_fn or when calling the function it returned"
        )


def check_deferred(name: str, value: Any, minimum: int) -> None:
    """Check ``value`` now unless it is a placeholder (the Trainer supplies it later)."""
    if not is_placeholder(value):
        check_step_count(name, value, minimum=minimum)


def renamed_min_lr_ratio(min_lr_ratio: Any, lr_min_ratio: Any) -> Any:
    """2.x's ``lr_min_ratio`` argument, now pytorch-accelerated's ``min_lr_ratio``."""
    if lr_min_ratio is None:
        return min_lr_ratio
    warnings.warn(
        "CosineLrScheduler(lr_min_ratio=...) is deprecated: the argument is spelled "
        "min_lr_ratio, as in pytorch-accelerated",
        DeprecationWarning,
        stacklevel=external_stacklevel(),
    )
    if min_lr_ratio is not None and min_lr_ratio != lr_min_ratio:
        raise ValueError(
            f"min_lr_ratio={min_lr_ratio!r} and its old spelling lr_min_ratio={lr_min_ratio!r} "
            f"disagree; give min_lr_ratio only"
        )
    return lr_min_ratio


class CosineLrScheduler(StatefulSchedulerBase):
    """Linear warmup, half-wave cosine annealing with k-decay, then a cooldown at the minimum.

    pytorch-accelerated 0.1.61's scheduler, value for value. With ``S =
    num_update_steps_per_epoch`` the lengths in optimizer updates are ``T =
    total_num_epochs·S``, ``W = num_warmup_epochs·S``, ``C = num_cooldown_epochs·S`` and
    ``D = T − W − C``. For count ``n`` (what ``get_updated_values`` receives: the ``k``-th
    ``step()`` passes ``n = k − 1``) and group ``g`` with base ``b_g`` (its recorded
    ``initial_<field>``)::

        n < W:          value = s_g + n · (b_g − s) / W
        W <= n < D:     value = m_g + ½ (b_g − m_g) (1 + cos(π · (n − W)^k / D^k))
        otherwise:      value = m_g            (the cooldown, and every step after the end)

    where ``s`` = ``warmup_starting_lr``, ``s_g`` = ``warmup_starting_lr_ratio · b_g`` if
    that is given, else ``s``; ``m_g`` = ``min_lr_ratio · b_g`` if given, else ``lr_min``; and
    ``k`` = ``k_decay``. At construction the field holds ``s`` (``warmup_starting_lr``, even
    when a ratio is given) if there is a warmup, else ``b_g``.

    Quirks kept from pytorch-accelerated, so ported runs are identical:

    * the cosine ends at ``n = D``, not ``W + D``: after a warmup it is cut short, jumping
      from ``m_g + ½(b_g − m_g)(1 + cos(π((D − W)/D)^k))`` to the minimum ``W`` updates
      early (and never runs when ``2W + C >= T``);
    * the warmup's slope is ``(b_g − s)/W`` with the absolute ``s`` also when
      ``warmup_starting_lr_ratio`` is given, so a ratio warmup ends near
      ``b_g + (ratio·b_g − s)``, above the peak when ``ratio·b_g > s``;
    * ``get_updated_values(0)`` takes effect after the first ``step()`` (see
      :class:`~torch_schedule_anything.StatefulSchedulerBase`).

    :class:`~torch_schedule_anything.CurveSchedule` with a warmup-cosine curve (e.g.
    ``sa.cosine_annealing_with_warmup``) gives the uncut form with PyTorch's timing.

    Args:
        optimizer: any ``torch.optim.Optimizer``.
        total_num_epochs: the whole schedule, warmup and cooldown included (>= 1).
        num_update_steps_per_epoch: optimizer updates per epoch (>= 1; 1 gives every length
            in updates).
        k_decay: the k-decay exponent (> 0; 1 is plain cosine).
        lr_min: the minimum, the same for every group (>= 0).
        min_lr_ratio: the minimum as a fraction of each group's base; takes precedence over
            ``lr_min``. (``lr_min_ratio``, 2.x's spelling, still works with a
            DeprecationWarning.)
        num_warmup_epochs: epochs of linear warmup (>= 0).
        warmup_starting_lr: the warmup's first value (>= 0).
        warmup_starting_lr_ratio: the warmup's first value as a fraction of each group's base;
            takes precedence over ``warmup_starting_lr`` for the first value.
        num_cooldown_epochs: epochs held at the minimum at the end (>= 0).
        param_group_field: the key to schedule (``"lr"``, ``"weight_decay"``, ``"betas[0]"``).

    Raises:
        ValueError / TypeError: an argument is out of range or of the wrong type (the message
            names it); pytorch-accelerated asserts only a few of them.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> s = CosineLrScheduler(opt, total_num_epochs=4, num_update_steps_per_epoch=1,
        ...                       lr_min=0.0)
        >>> values = [opt.param_groups[0]["lr"]]
        >>> for _ in range(5):
        ...     opt.step()
        ...     s.step()
        ...     values.append(round(opt.param_groups[0]["lr"], 6))
        >>> values
        [1.0, 1.0, 0.853553, 0.5, 0.146447, 0.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        total_num_epochs: int,
        num_update_steps_per_epoch: int = 1,
        k_decay: float = 1.0,
        lr_min: float = 1e-6,
        min_lr_ratio: float | None = None,
        num_warmup_epochs: int = 0,
        warmup_starting_lr: float = 1e-6,
        warmup_starting_lr_ratio: float | None = None,
        num_cooldown_epochs: int = 0,
        *,
        param_group_field: str = "lr",
        lr_min_ratio: float | None = None,
    ) -> None:
        name = type(self).__name__
        refuse_placeholder("total_num_epochs", total_num_epochs, name)
        refuse_placeholder("num_update_steps_per_epoch", num_update_steps_per_epoch, name)
        min_lr_ratio = renamed_min_lr_ratio(min_lr_ratio, lr_min_ratio)
        options = _check_options(
            k_decay=k_decay,
            lr_min=lr_min,
            min_lr_ratio=min_lr_ratio,
            warmup_starting_lr=warmup_starting_lr,
            warmup_starting_lr_ratio=warmup_starting_lr_ratio,
        )
        epochs = check_step_count("total_num_epochs", total_num_epochs, minimum=1)
        per_epoch = check_step_count(
            "num_update_steps_per_epoch", num_update_steps_per_epoch, minimum=1
        )
        warmup = check_step_count("num_warmup_epochs", num_warmup_epochs)
        cooldown = check_step_count("num_cooldown_epochs", num_cooldown_epochs)
        super().__init__(optimizer, param_group_field=param_group_field)
        # pytorch-accelerated's attribute names: subclasses and its state dicts use them.
        self.total_iterations: int = epochs * per_epoch
        self.lr_min_ratio: float | None = options["min_lr_ratio"]
        self.lr_min: float = options["lr_min"]
        self.warmup_iterations: int = warmup * per_epoch
        self.warmup_lr_init: float = options["warmup_starting_lr"]
        self.warmup_lr_ratio: float | None = options["warmup_starting_lr_ratio"]
        self.k_decay: float = options["k_decay"]
        self.num_cooldown_iterations: int = cooldown * per_epoch
        if self.warmup_iterations:
            self.update_param_groups(self.warmup_lr_init)

    def _initial_values(self) -> Any:
        """At construction: ``warmup_starting_lr`` if there is a warmup, else the bases."""
        return self.warmup_lr_init if self.warmup_iterations else self.base_lrs

    def get_updated_values(self, num_updates: int) -> list[float]:
        """The value of every group for count ``num_updates`` (the formula above).

        The operations are pytorch-accelerated's, in its order, so the floats are the same.
        """
        bases: list[float] = self.base_lrs  # type: ignore[assignment]
        warmup, cooldown = self.warmup_iterations, self.num_cooldown_iterations
        ratio, start = self.warmup_lr_ratio, self.warmup_lr_init
        if num_updates < warmup:
            return [
                (ratio * b if ratio is not None else start) + num_updates * ((b - start) / warmup)
                for b in bases
            ]
        minima = self._minima(bases)
        cosine = self.total_iterations - (warmup + cooldown)
        if num_updates < cosine:  # pytorch-accelerated's bound: D, not W + D
            n, k = num_updates - warmup, self.k_decay
            return [
                m + 0.5 * (b - m) * (1 + math.cos(math.pi * n**k / cosine**k))
                for b, m in zip(bases, minima)
            ]
        return minima

    def _minima(self, bases: list[float]) -> list[float]:
        ratio = self.lr_min_ratio
        return [ratio * b if ratio is not None else self.lr_min for b in bases]

    @classmethod
    def create_scheduler_fn(
        cls,
        total_num_epochs: Any = NUM_EPOCHS,
        num_update_steps_per_epoch: Any = NUM_UPDATE_STEPS_PER_EPOCH,
        k_decay: float = 1.0,
        lr_min: float = 1e-6,
        min_lr_ratio: float | None = None,
        num_warmup_epochs: int = 0,
        warmup_starting_lr: float = 1e-6,
        warmup_starting_lr_ratio: float | None = None,
        num_cooldown_epochs: int = 0,
        *,
        param_group_field: str = "lr",
        lr_min_ratio: float | None = None,
    ) -> Callable[..., CosineLrScheduler]:
        """A function ``optimizer -> CosineLrScheduler`` with these options (a ``partial``).

        By default ``total_num_epochs`` and ``num_update_steps_per_epoch`` are
        :class:`TrainerPlaceholder` values, which pytorch-accelerated's ``Trainer`` replaces
        with its own numbers before it calls the function with its optimizer::

            trainer.train(..., create_scheduler_fn=CosineLrScheduler.create_scheduler_fn(
                num_warmup_epochs=5))

        Outside that Trainer, give them here or when calling the function::

            make = CosineLrScheduler.create_scheduler_fn(num_warmup_epochs=1)
            scheduler = make(optimizer, total_num_epochs=10, num_update_steps_per_epoch=50)

        The other arguments are checked now, so a mistake fails here rather than when
        training starts.
        """
        min_lr_ratio = renamed_min_lr_ratio(min_lr_ratio, lr_min_ratio)
        _check_options(
            k_decay=k_decay,
            lr_min=lr_min,
            min_lr_ratio=min_lr_ratio,
            warmup_starting_lr=warmup_starting_lr,
            warmup_starting_lr_ratio=warmup_starting_lr_ratio,
        )
        check_deferred("total_num_epochs", total_num_epochs, 1)
        check_deferred("num_update_steps_per_epoch", num_update_steps_per_epoch, 1)
        check_step_count("num_warmup_epochs", num_warmup_epochs)
        check_step_count("num_cooldown_epochs", num_cooldown_epochs)
        Slot(param_group_field)  # a bad field name fails here too
        return functools.partial(
            cls,
            total_num_epochs=total_num_epochs,
            num_update_steps_per_epoch=num_update_steps_per_epoch,
            lr_min=lr_min,
            min_lr_ratio=min_lr_ratio,
            k_decay=k_decay,
            num_warmup_epochs=num_warmup_epochs,
            warmup_starting_lr=warmup_starting_lr,
            warmup_starting_lr_ratio=warmup_starting_lr_ratio,
            num_cooldown_epochs=num_cooldown_epochs,
            param_group_field=param_group_field,
        )

    def __repr__(self) -> str:
        return (
            f"CosineLrScheduler(param_group_field={self.param_group_field!r}, "
            f"total_iterations={self.total_iterations}, "
            f"warmup_iterations={self.warmup_iterations}, "
            f"num_cooldown_iterations={self.num_cooldown_iterations}, k_decay={self.k_decay}, "
            f"num_updates={self._num_updates})"
        )


def _check_options(
    *,
    k_decay: Any,
    lr_min: Any,
    min_lr_ratio: Any,
    warmup_starting_lr: Any,
    warmup_starting_lr_ratio: Any,
) -> dict[str, Any]:
    """The value options as floats (ratios may be ``None``), each checked."""
    return {
        "k_decay": check_positive("k_decay", k_decay),
        "lr_min": check_positive("lr_min", lr_min, allow_zero=True),
        "min_lr_ratio": None
        if min_lr_ratio is None
        else check_positive("min_lr_ratio", min_lr_ratio, allow_zero=True),
        "warmup_starting_lr": check_positive(
            "warmup_starting_lr", warmup_starting_lr, allow_zero=True
        ),
        "warmup_starting_lr_ratio": None
        if warmup_starting_lr_ratio is None
        else check_positive("warmup_starting_lr_ratio", warmup_starting_lr_ratio, allow_zero=True),
    }
