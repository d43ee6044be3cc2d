"""Helpers for training frameworks: Lightning, Accelerate (HF Trainer needs none).

Every schedule this package returns is a real ``torch.optim.lr_scheduler.LRScheduler`` whose
``.optimizer`` is the real optimizer, so the frameworks accept it as it is. What goes wrong in
practice is how they *step* it:

* Lightning steps a scheduler once per **epoch** unless its config says ``"interval": "step"``,
  and passes the monitored metric only when the config says ``"reduce_on_plateau": True`` (it
  guesses that from ``isinstance(scheduler, ReduceLROnPlateau)``, which a
  ``SynchronousSchedule`` holding a plateau schedule is not).
  :func:`lightning_scheduler_config` builds the dict with both right.
* Accelerate's prepared scheduler steps the wrapped scheduler ``num_processes`` times per
  optimizer update unless ``split_batches=True`` or ``step_scheduler_with_optimizer=False``.
  :func:`accelerate_steps_per_update` says how many, so horizons can be scaled (or the
  scheduler stepped by hand).

Nothing here imports Lightning or Accelerate.
"""

from __future__ import annotations

from typing import Any

from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

from .adapter import is_metric_driven

__all__ = ["accelerate_steps_per_update", "is_metric_driven", "lightning_scheduler_config"]

_INTERVALS = ("step", "epoch")


def lightning_scheduler_config(
    scheduler: LRScheduler | ReduceLROnPlateau,
    *,
    interval: str = "step",
    frequency: int = 1,
    monitor: str | None = None,
    name: str | None = None,
    strict: bool = True,
) -> dict[str, Any]:
    """The ``lr_scheduler`` dict for ``LightningModule.configure_optimizers``.

    Returns ``{"scheduler": scheduler, "interval": interval, "frequency": frequency,
    "reduce_on_plateau": is_metric_driven(scheduler), "strict": strict}`` plus ``"monitor"`` and
    ``"name"`` when given. Lightning calls ``scheduler.step()`` every ``frequency`` optimizer
    steps (``interval="step"``) or epochs (``interval="epoch"``); a metric-driven schedule
    receives ``step(value_of_monitor)``.

    The default ``interval="step"`` is the one that matches schedules written in optimizer
    steps (``num_warmup_steps``, ``num_training_steps``); Lightning's own default is
    ``"epoch"``, which silently stretches such a schedule by the number of batches per epoch.

    Args:
        scheduler: any schedule of this package, or any torch scheduler.
        interval: ``"step"`` or ``"epoch"``.
        frequency: step the schedule every ``frequency`` intervals (an int >= 1).
        monitor: the logged metric a metric-driven schedule receives; required for one, and
            rejected for the others (Lightning would not pass it).
        name: the name ``LearningRateMonitor`` logs under.
        strict: Lightning's flag: fail when ``monitor`` is not logged (instead of a warning).

    Raises:
        TypeError: ``scheduler`` is not a torch scheduler, or an argument has the wrong type.
        ValueError: an unknown ``interval``, ``frequency < 1``, or ``monitor`` missing for a
            metric-driven schedule / given for one that takes no metric.

    Example:
        >>> import torch, torch_schedule_anything as sa
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
        >>> config = lightning_scheduler_config(sa.cosine_annealing_with_warmup(opt, 1, 0, 10, 100))
        >>> config["interval"], config["frequency"], config["reduce_on_plateau"]
        ('step', 1, False)
    """
    if not isinstance(scheduler, (LRScheduler, ReduceLROnPlateau)):
        raise TypeError(
            f"scheduler must be a torch LRScheduler (any schedule of torch_schedule_anything), "
            f"got {type(scheduler).__name__}"
        )
    if not isinstance(interval, str) or interval not in _INTERVALS:
        raise ValueError(
            f"interval must be 'step' (step the schedule every optimizer step; what "
            f"num_training_steps counts) or 'epoch', got {interval!r}"
        )
    if isinstance(frequency, bool) or not isinstance(frequency, int):
        raise TypeError(f"frequency must be an int >= 1, got {type(frequency).__name__}")
    if frequency < 1:
        raise ValueError(f"frequency must be >= 1 (step every N intervals), got {frequency}")
    if not isinstance(strict, bool):
        raise TypeError(f"strict must be a bool, got {type(strict).__name__} {strict!r}")
    for label, value in (("monitor", monitor), ("name", name)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{label} must be a str or None, got {type(value).__name__}")
    metric_driven = is_metric_driven(scheduler)
    if metric_driven and monitor is None:
        raise ValueError(
            f"{type(scheduler).__name__} is metric-driven (ReduceLROnPlateau): pass "
            f"monitor='<the logged metric>', e.g. monitor='val_loss'"
        )
    if not metric_driven and monitor is not None:
        raise ValueError(
            f"monitor={monitor!r} was given but {type(scheduler).__name__} takes no metric; "
            f"Lightning passes the monitored value only to metric-driven schedules. Drop monitor."
        )
    config: dict[str, Any] = {
        "scheduler": scheduler,
        "interval": interval,
        "frequency": frequency,
        "reduce_on_plateau": metric_driven,
        "strict": strict,
    }
    if monitor is not None:
        config["monitor"] = monitor
    if name is not None:
        config["name"] = name
    return config


def accelerate_steps_per_update(accelerator: Any) -> int:
    """How many times a scheduler prepared by ``accelerator`` steps per optimizer update.

    ``accelerator.prepare(scheduler)`` returns a wrapper whose ``step()`` calls the schedule's
    ``step()`` once per optimizer update when ``split_batches=True`` or
    ``step_scheduler_with_optimizer=False`` (then it is stepped once per call, whatever the
    optimizer did), and ``num_processes`` times otherwise (it assumes a schedule measured in
    single-process batches; under gradient accumulation it skips the micro-steps).

    So with ``k = accelerate_steps_per_update(accelerator)`` a schedule meant to run for
    ``N`` optimizer updates must be built with its horizons × ``k`` (``num_warmup_steps=k*L``,
    ``num_training_steps=k*N``) when it is prepared; or build it for ``N`` and create the
    accelerator with ``step_scheduler_with_optimizer=False``.

    Args:
        accelerator: an ``accelerate.Accelerator`` (read duck-typed: ``split_batches``,
            ``step_scheduler_with_optimizer``, ``num_processes``).

    Example:
        >>> from types import SimpleNamespace
        >>> accelerate_steps_per_update(SimpleNamespace(
        ...     split_batches=False, step_scheduler_with_optimizer=True, num_processes=4))
        4
    """
    try:
        split_batches = accelerator.split_batches
        with_optimizer = accelerator.step_scheduler_with_optimizer
        processes = accelerator.num_processes
    except AttributeError as exc:
        raise TypeError(
            f"accelerator must be an accelerate.Accelerator (it needs split_batches, "
            f"step_scheduler_with_optimizer and num_processes), got {type(accelerator).__name__}"
        ) from exc
    if isinstance(processes, bool) or not isinstance(processes, int) or processes < 1:
        raise ValueError(f"accelerator.num_processes must be an int >= 1, got {processes!r}")
    if split_batches or not with_optimizer:
        return 1
    return processes
