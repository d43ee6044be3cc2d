"""``WSDLrScheduler``: pytorch-accelerated 0.1.61's warmup-stable-decay scheduler, on any field.

Warmup, a long stable phase at the base value, and a short decay before each checkpoint
(arXiv:2410.05192), with checkpoints spaced geometrically. A
:class:`~torch_schedule_anything.StatefulSchedulerBase` with pytorch-accelerated's timing
and formulas, so code written for ``pytorch_accelerated.schedulers.WSDLrScheduler`` runs
unchanged but for the import, inside pytorch-accelerated's ``Trainer`` too.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

from torch.optim import Optimizer

from .bases import StatefulSchedulerBase, bind
from .checks import check_positive, check_step_count
from .cosine_scheduler import (
    NUM_EPOCHS,
    PER_PROCESS_NUM_UPDATE_STEPS_PER_EPOCH,
    check_deferred,
    is_placeholder,
    refuse_placeholder,
)
from .param_groups import Slot
from .state import plain_copy, shape_mismatch

__all__ = ["WSDLrScheduler", "estimate_checkpoint_steps", "short_decay"]


def estimate_checkpoint_steps(total_steps: int, num_checkpoints: int = 3) -> list[int]:
    """Checkpoint steps spaced geometrically: ``total // 4 · 2^i``, capped at ``total_steps``.

    One checkpoint is ``[total_steps]``; otherwise the list stops at the first checkpoint that
    reaches ``total_steps`` (``[25, 50, 100]`` for 100 steps and 3 or more checkpoints).
    """
    if num_checkpoints == 1:
        return [total_steps]
    first = total_steps // 4
    steps = []
    for i in range(num_checkpoints):
        step = min(first * 2**i, total_steps)
        steps.append(step)
        if step == total_steps:
            break
    return steps


def short_decay(total_steps: int, num_checkpoints: int, decay_phase_ratio: float) -> str | None:
    """Why a checkpoint period has no decay step (pytorch-accelerated divides by zero there,
    so the value would be undefined), or ``None``. ``decay_phase_ratio=0`` has no decay at
    all and is allowed."""
    if decay_phase_ratio == 0:
        return None
    start = 0
    for i, end in enumerate(estimate_checkpoint_steps(total_steps, num_checkpoints)):
        if int((end - start) * decay_phase_ratio) == 0:
            return (
                f"checkpoint period {i} (steps {start} to {end}) is too short for a decay: "
                f"int({end - start} × decay_phase_ratio {decay_phase_ratio}) = 0 steps, where "
                f"pytorch-accelerated divides by zero. Give more total_steps, fewer "
                f"num_checkpoints or a larger decay_phase_ratio"
            )
        start = end
    return None


class WSDLrScheduler(StatefulSchedulerBase):
    """Warmup, stable, then a decay before each checkpoint; pytorch-accelerated's values.

    With ``b_g`` the base of group ``g``, ``s`` = ``warmup_starting_lr``, ``W`` =
    ``num_warmup_steps`` and ``r`` = ``lr_min`` (a FRACTION of the base), for count ``n``:

    * ``n < W`` (not in a continuation): ``s + (n / W)(b_g − s)``;
    * in the checkpoint period holding ``n`` (length ``P``, ``t = n −`` its start), the last
      ``d = int(P · decay_phase_ratio)`` steps decay with ``x = min((t − (P − d)) / d, 1)``:
      ``b_g (r + (1 − r)(1 − √x))`` (``use_inverse_sqrt_decay=True``) or
      ``b_g / (x / r + 1 − x)`` (the paper's inverse-proportional form);
    * otherwise ``b_g`` (the stable phase).

    Checkpoints are :func:`estimate_checkpoint_steps` ``(total_steps, num_checkpoints)``.
    Past the last checkpoint the period of the first one is used (pytorch-accelerated's
    lookup), which gives the minimum. ``num_warmup_steps=None`` is 1% of ``total_steps``.

    With ``is_continuation_from_checkpoint=True`` there is no warmup and, on
    :meth:`load_state_dict`, the new ``total_steps`` is kept, the checkpoints are recomputed,
    ``previous_checkpoint_step`` is cleared and the count is not restored (a fresh stable
    phase), the optimizer is left as it is; every other saved attribute is restored, as in
    pytorch-accelerated (``is_continuation_from_checkpoint`` included).

    Differences from pytorch-accelerated: invalid arguments raise ``ValueError`` or
    ``TypeError`` naming the argument (there: ``AssertionError``); ``decay_phase_ratio=0``
    holds the minimum past the end instead of dividing by zero; a checkpoint period too short
    for one decay step (``int(length × decay_phase_ratio) = 0``), where pytorch-accelerated
    divides by zero during training, is refused at construction; the state dict is this
    package's plain-data one and holds the count (pytorch-accelerated's leaves ``_num_updates``
    out, so there a resumed run restarts its count; its dicts load here as they load there).

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> s = WSDLrScheduler(opt, total_steps=10, decay_phase_ratio=0.2, lr_min=0.1)
        >>> values = []
        >>> for _ in range(11):
        ...     opt.step()
        ...     s.step()
        ...     values.append(round(opt.param_groups[0]["lr"], 4))
        >>> values
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.3636, 0.1]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        num_epochs: int | None = None,
        num_update_steps_per_epoch: int | None = None,
        total_steps: int | None = None,
        num_warmup_steps: int | None = 0,
        decay_phase_ratio: float = 0.1,
        lr_min: float = 1e-6,
        warmup_starting_lr: float = 1e-6,
        use_inverse_sqrt_decay: bool = True,
        num_checkpoints: int = 1,
        is_continuation_from_checkpoint: bool = False,
        *,
        param_group_field: str = "lr",
    ) -> None:
        name = type(self).__name__
        for arg, value in (
            ("num_epochs", num_epochs),
            ("num_update_steps_per_epoch", num_update_steps_per_epoch),
            ("num_warmup_steps", num_warmup_steps),
        ):
            refuse_placeholder(arg, value, name)
        total = _total_steps(num_epochs, num_update_steps_per_epoch, total_steps)
        ratio = check_positive("decay_phase_ratio", decay_phase_ratio, allow_zero=True)
        if ratio > 1:
            raise ValueError(f"decay_phase_ratio must be between 0 and 1, got {ratio!r}")
        minimum = check_positive("lr_min", lr_min, allow_zero=True)
        start = check_positive("warmup_starting_lr", warmup_starting_lr, allow_zero=True)
        checkpoints = check_step_count("num_checkpoints", num_checkpoints, minimum=1)
        for arg, flag in (
            ("use_inverse_sqrt_decay", use_inverse_sqrt_decay),
            ("is_continuation_from_checkpoint", is_continuation_from_checkpoint),
        ):
            if not isinstance(flag, bool):
                raise TypeError(f"{arg} must be True or False, got {flag!r}")
        warmup = (
            int(0.01 * total)
            if num_warmup_steps is None
            else check_step_count("num_warmup_steps", num_warmup_steps)
        )
        if checkpoints > 1 and ratio > 1 / 3:
            raise ValueError(
                f"decay_phase_ratio {ratio} is too large for {checkpoints} checkpoints: the "
                f"decay phases could overlap; give at most 1/3 (checkpoints are spaced "
                f"geometrically) or num_checkpoints=1"
            )
        why = short_decay(total, checkpoints, ratio)
        if why:
            raise ValueError(why)
        if minimum == 0 and not use_inverse_sqrt_decay:
            raise ValueError(
                "lr_min=0 with use_inverse_sqrt_decay=False divides by zero (the decay is "
                "base / (x / lr_min + 1 − x)); give lr_min > 0 or use_inverse_sqrt_decay=True"
            )
        # Checked before the base class records and writes anything: a refusal changes nothing.
        highest = max(bind(optimizer, param_group_field, name).bases)
        if start > highest:
            raise ValueError(
                f"warmup_starting_lr ({start}) must not exceed the largest base value "
                f"({highest}) of {param_group_field!r}"
            )
        super().__init__(optimizer, param_group_field=param_group_field)
        # pytorch-accelerated's attribute names: subclasses and its state dicts use them.
        self.total_steps: int = total
        self.num_warmup_steps: int = warmup
        self.decay_phase_ratio: float = ratio
        self.lr_min: float = minimum
        self.warmup_starting_lr: float = start
        self.use_inverse_sqrt_decay: bool = use_inverse_sqrt_decay
        self.num_checkpoints: int = checkpoints
        self.checkpoint_steps: list[int] = estimate_checkpoint_steps(total, checkpoints)
        self.is_continuation_from_checkpoint: bool = is_continuation_from_checkpoint
        self.previous_checkpoint_step: int | None = None
        self.checkpoint_decay_info: list[dict[str, int]] = self._calculate_decay_info()

    # -- checkpoints and phases ------------------------------------------------------------
    def get_checkpoint_steps(self) -> list[int]:
        """The steps at which checkpoints fall (for coordinating the training loop)."""
        return self.checkpoint_steps

    def _calculate_decay_info(self) -> list[dict[str, int]]:
        info = []
        for i, checkpoint in enumerate(self.checkpoint_steps):
            start = 0 if i == 0 else self.checkpoint_steps[i - 1]
            decay = int((checkpoint - start) * self.decay_phase_ratio)
            info.append(
                {
                    "period_start": start,
                    "period_end": checkpoint,
                    "decay_steps": decay,
                    "pre_decay_step": checkpoint - decay,
                }
            )
        return info

    def get_decay_info(self) -> list[dict[str, int]]:
        """For each checkpoint period: ``period_start``, ``period_end``, ``decay_steps`` and
        ``pre_decay_step`` (the step the decay starts at)."""
        return self.checkpoint_decay_info

    def get_phase_info(self, num_updates: int) -> dict[str, int]:
        """The decay info of the period holding ``num_updates`` (the last one past the end)."""
        for info in self.checkpoint_decay_info:
            if info["period_end"] >= num_updates:
                return info
        return self.checkpoint_decay_info[-1]

    def get_current_phase_info(self) -> dict[str, int]:
        """:meth:`get_phase_info` for the current count."""
        return self.get_phase_info(self._num_updates)

    def _get_checkpoint_info(self, num_updates: int) -> tuple[int, int]:
        """``(length, steps into it)`` of the checkpoint period holding ``num_updates``.

        Computed each time (pytorch-accelerated caches it; ``cache_clear()`` is kept as a
        no-op for code that calls it).
        """
        checkpoints = (
            estimate_checkpoint_steps(self.total_steps, self.num_checkpoints)
            if self.is_continuation_from_checkpoint
            else self.checkpoint_steps
        )
        current = 0  # past the last checkpoint, the first period (pytorch-accelerated's lookup)
        for i, checkpoint in enumerate(checkpoints):
            if num_updates < checkpoint:
                current = i
                break
        start = 0 if current == 0 else checkpoints[current - 1]
        return checkpoints[current] - start, num_updates - start

    setattr(_get_checkpoint_info, "cache_clear", lambda: None)  # noqa: B010

    # -- values --------------------------------------------------------------------------------
    def get_updated_values(self, num_updates: int) -> list[float]:
        """The value of every group for count ``num_updates`` (the formulas above).

        Notes ``previous_checkpoint_step`` when ``num_updates`` is the step before a decay.
        """
        bases: list[float] = self.base_lrs  # type: ignore[assignment]
        continuation = self.is_continuation_from_checkpoint
        if not continuation and num_updates < self.num_warmup_steps:
            start = self.warmup_starting_lr
            return [start + (num_updates / self.num_warmup_steps) * (b - start) for b in bases]
        length, into = self._get_checkpoint_info(num_updates)
        decay_steps = int(length * self.decay_phase_ratio)
        decay_start = length - decay_steps
        if continuation and into < decay_start:
            return list(bases)
        if into == decay_start - 1:
            self.previous_checkpoint_step = num_updates
        if into < decay_start:
            return list(bases)
        x = min((into - decay_start) / decay_steps, 1.0) if decay_steps else 1.0
        r = self.lr_min
        if self.use_inverse_sqrt_decay:
            return [b * (r + (1 - r) * (1 - math.sqrt(x))) for b in bases]
        return [b / (x * (1.0 / r) + (1.0 - x) * 1.0) for b in bases]

    # -- checkpoints of the scheduler --------------------------------------------------------
    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> None:
        """Restore a state dict (this package's or pytorch-accelerated's).

        In a continuation (``is_continuation_from_checkpoint=True`` when built) the new
        ``total_steps`` and the count are kept, the checkpoints are recomputed for them,
        ``previous_checkpoint_step`` is cleared and the optimizer is not written.
        """
        if not self.is_continuation_from_checkpoint:
            super().load_state_dict(state_dict, strict)
            return
        total, count = self.total_steps, self._num_updates
        saved = state_dict.get("attributes", state_dict) if isinstance(state_dict, Mapping) else {}
        why = short_decay(
            total,
            saved.get("num_checkpoints", self.num_checkpoints),
            saved.get("decay_phase_ratio", self.decay_phase_ratio),
        )
        if why:  # checked before anything changes
            raise ValueError(f"this continuation of {total} steps cannot load the state: {why}")
        values, last = self._binding.read(), self.get_last_lr()
        super().load_state_dict(state_dict, strict)
        self._binding.write_each(values, None)
        self._last_lr = last  # type: ignore[assignment]
        self.total_steps, self._num_updates = total, count
        self.previous_checkpoint_step = None
        self.checkpoint_steps = estimate_checkpoint_steps(self.total_steps, self.num_checkpoints)
        self.checkpoint_decay_info = self._calculate_decay_info()

    def _check_attributes(self, attributes: Any) -> dict[str, Any]:
        # Lists (checkpoint_steps, checkpoint_decay_info) may have another length than this
        # scheduler's: a continuation is built for another total_steps.
        if isinstance(attributes, Mapping):
            flexible = {"checkpoint_steps", "checkpoint_decay_info", "previous_checkpoint_step"}
            rest = {k: v for k, v in attributes.items() if k not in flexible}
            restored = super()._check_attributes(rest)
            own = self._subclass_attributes()
            for key in flexible & set(attributes):
                why = shape_mismatch(attributes[key], own[key], f"attributes[{key!r}]")
                if why:
                    raise TypeError(f"{type(self).__qualname__} state dict: {why}")
                restored[key] = plain_copy(attributes[key])[1]
            return restored
        return super()._check_attributes(attributes)

    @classmethod
    def create_scheduler_fn(
        cls,
        total_num_epochs: Any = NUM_EPOCHS,
        num_update_steps_per_epoch: Any = PER_PROCESS_NUM_UPDATE_STEPS_PER_EPOCH,
        num_warmup_epochs: int | None = None,
        decay_phase_ratio: float = 0.1,
        lr_min: float = 1e-6,
        warmup_starting_lr: float = 1e-6,
        use_inverse_sqrt_decay: bool = True,
        num_checkpoints: int = 1,
        is_continuation_from_checkpoint: bool = False,
        *,
        param_group_field: str = "lr",
    ) -> Callable[..., WSDLrScheduler]:
        """A function ``optimizer -> WSDLrScheduler`` for pytorch-accelerated's ``Trainer``.

        As there, the epochs and the per-process updates per epoch are placeholders the
        Trainer fills in, and ``num_warmup_epochs`` becomes ``num_warmup_steps`` = that many
        epochs of updates (``None``: 1% of the total steps).
        """
        check_deferred("total_num_epochs", total_num_epochs, 1)
        check_deferred("num_update_steps_per_epoch", num_update_steps_per_epoch, 1)
        Slot(param_group_field)
        warmup: Any = None
        if num_warmup_epochs is not None:
            epochs = check_step_count("num_warmup_epochs", num_warmup_epochs)
            warmup = (
                PER_PROCESS_NUM_UPDATE_STEPS_PER_EPOCH * epochs
                if is_placeholder(num_update_steps_per_epoch)
                else num_update_steps_per_epoch * epochs
            )
        return functools.partial(
            cls,
            num_epochs=total_num_epochs,
            num_update_steps_per_epoch=num_update_steps_per_epoch,
            num_warmup_steps=warmup,
            decay_phase_ratio=decay_phase_ratio,
            lr_min=lr_min,
            warmup_starting_lr=warmup_starting_lr,
            use_inverse_sqrt_decay=use_inverse_sqrt_decay,
            num_checkpoints=num_checkpoints,
            is_continuation_from_checkpoint=is_continuation_from_checkpoint,
            param_group_field=param_group_field,
        )


def _total_steps(epochs: Any, per_epoch: Any, total: Any) -> int:
    """``total_steps``, or ``num_epochs · num_update_steps_per_epoch``; one way, not both."""
    if epochs is not None and per_epoch is not None and total is not None:
        raise ValueError(
            "give num_epochs and num_update_steps_per_epoch, or total_steps, not all three"
        )
    if epochs is not None and per_epoch is not None:
        return check_step_count("num_epochs", epochs, minimum=1) * check_step_count(
            "num_update_steps_per_epoch", per_epoch, minimum=1
        )
    if total is None:
        raise ValueError(
            "WSDLrScheduler needs its length: give total_steps, or num_epochs and "
            "num_update_steps_per_epoch"
        )
    return check_step_count("total_steps", total, minimum=1)
