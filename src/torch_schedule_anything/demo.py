"""The demo training run (seed 002's ``scheduler.py``): see a schedule act on a real model.

:func:`run_demo` trains a small MLP on a seeded synthetic classification problem on the CPU,
driving one optimizer key (``--target``: ``lr``, ``weight_decay``, ``momentum``, ``betas[0]``
…) with either one of torch's schedulers (through
:func:`~torch_schedule_anything.arbitrary_schedule_factory`, so any key works) or any
registered curve (through :func:`~torch_schedule_anything.schedule`). It writes the schedule,
loss and accuracy plots and a metrics file with per-epoch and per-step values.

Timing follows the usual convention: ``step``, ``multistep``, ``exponential``, ``cosine`` and
``plateau`` step once per epoch (``plateau`` on the validation loss); ``onecycle``, ``cyclic``
and registered curves step once per batch, so a curve's ``t`` counts optimizer steps.

Runs are deterministic: the same configuration gives the same numbers (the global RNG state is
restored afterwards).
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import torch
from torch import nn
from torch.optim import Optimizer
from torch.optim.lr_scheduler import (
    CosineAnnealingLR,
    CyclicLR,
    ExponentialLR,
    LRScheduler,
    MultiStepLR,
    OneCycleLR,
    ReduceLROnPlateau,
    StepLR,
)

from ._validation import check_positive, check_step_count
from .adapter import arbitrary_schedule_factory
from .param_groups import Slot
from .registry import build_curve, list_curves
from .schedule import CurveSchedule

__all__ = [
    "EPOCH_SCHEDULERS",
    "STEP_SCHEDULERS",
    "TORCH_SCHEDULERS",
    "DemoConfig",
    "DemoResult",
    "SettingError",
    "default_progress_stream",
    "run_demo",
    "scheduler_choices",
]

#: torch schedulers stepped once per epoch.
EPOCH_SCHEDULERS = ("step", "multistep", "exponential", "cosine", "plateau")
#: torch schedulers stepped once per batch.
STEP_SCHEDULERS = ("onecycle", "cyclic")
#: Every torch scheduler the demo knows, by its short name.
TORCH_SCHEDULERS = EPOCH_SCHEDULERS[:4] + STEP_SCHEDULERS + EPOCH_SCHEDULERS[4:]

OPTIMIZERS = ("sgd", "adamw")
METRICS_FORMATS = ("json", "csv")

_FEATURES = 20
_CLASSES = 4
_HIDDEN = 64


class SettingError(ValueError):
    """A bad demo setting; ``setting`` names the :class:`DemoConfig` field (the CLI flag)."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting


def _describe(exc: BaseException) -> str:
    """``exc``'s message and notes on one line (a KeyError's without repr quotes)."""
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
    notes = [
        str(n).replace("[torch_schedule_anything] ", "") for n in getattr(exc, "__notes__", [])
    ]
    return "; ".join(" ".join(part.split()) for part in [str(text), *notes] if part.strip())


def scheduler_choices() -> list[str]:
    """torch's short names, then every registered curve name."""
    return [*TORCH_SCHEDULERS, *list_curves()]


@dataclass
class DemoConfig:
    """Everything a demo run depends on (the command line's flags).

    Args:
        scheduler: a torch short name (``TORCH_SCHEDULERS``) or a registered curve name.
        target: the param-group key to schedule.
        epochs: training epochs, >= 1.
        lr: the optimizer's learning rate (the base value a multiplier curve scales on ``lr``).
        batch_size: samples per batch, >= 1.
        samples: size of the synthetic data set (80 % train, 20 % validation), >= 10.
        seed: seeds data, model and shuffling.
        optimizer: ``"sgd"`` (momentum 0.9, weight_decay 1e-4) or ``"adamw"`` (``betas``).
        step_size: StepLR's period and CyclicLR's half cycle, in epochs (default epochs // 3).
        milestones: MultiStepLR's epochs (default ``epochs // 2`` and ``3 * epochs // 4``).
        gamma: decay factor of step / multistep / exponential / plateau (default 0.5, 0.5,
            0.9, 0.5).
        max_lr: peak of onecycle and cyclic (default 10 × the target's starting value).
        t_max: CosineAnnealingLR's period in epochs (default ``epochs``).
        patience: ReduceLROnPlateau's patience in epochs.
        params: a registered curve's parameters.
    """

    scheduler: str = "onecycle"
    target: str = "lr"
    epochs: int = 5
    lr: float = 0.05
    batch_size: int = 64
    samples: int = 2048
    seed: int = 0
    optimizer: str = "sgd"
    step_size: int | None = None
    milestones: list[int] | None = None
    gamma: float | None = None
    max_lr: float | None = None
    t_max: int | None = None
    patience: int = 2
    params: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        """Raise ``ValueError``/``TypeError`` naming the first bad field."""
        check_step_count("epochs", self.epochs, minimum=1)
        check_positive("lr", self.lr)
        check_step_count("batch_size", self.batch_size, minimum=1)
        check_step_count("samples", self.samples, minimum=10)
        check_step_count("seed", self.seed)
        check_step_count("patience", self.patience)
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}, got {self.optimizer!r}")
        if self.step_size is not None:
            check_step_count("step_size", self.step_size, minimum=1)
        if self.t_max is not None:
            check_step_count("t_max", self.t_max, minimum=1)
        if self.gamma is not None:
            check_positive("gamma", self.gamma)
        if self.max_lr is not None:
            check_positive("max_lr", self.max_lr)
        if self.milestones is not None:
            for m in self.milestones:
                check_step_count("milestones", m, minimum=1)
        if self.scheduler not in TORCH_SCHEDULERS and self.scheduler not in list_curves():
            raise ValueError(
                f"scheduler must be one of torch's {list(TORCH_SCHEDULERS)} or a registered "
                f"curve ({', '.join(list_curves())}), got {self.scheduler!r}"
            )
        if self.params and self.scheduler in TORCH_SCHEDULERS:
            raise ValueError(
                f"params {sorted(self.params)} are for registered curves; --scheduler "
                f"{self.scheduler} is configured with --step_size, --gamma, --max_lr, --t_max, "
                f"--patience and --milestones"
            )

    @property
    def train_samples(self) -> int:
        """80 % of ``samples`` (at least one)."""
        return max(1, (self.samples * 4) // 5)

    @property
    def steps_per_epoch(self) -> int:
        """Batches per epoch (the last batch may be smaller)."""
        return math.ceil(self.train_samples / self.batch_size)

    @property
    def total_steps(self) -> int:
        """Optimizer steps in the whole run."""
        return self.epochs * self.steps_per_epoch

    @property
    def per_batch(self) -> bool:
        """Whether the schedule steps once per batch (else once per epoch)."""
        return self.scheduler not in EPOCH_SCHEDULERS


@dataclass
class DemoResult:
    """What a run produced: the metrics and the files written."""

    epochs: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    files: dict[str, Path]


def _data(config: DemoConfig) -> tuple[torch.Tensor, ...]:
    """A seeded 4-class problem: labels from a random linear teacher plus noise."""
    g = torch.Generator().manual_seed(config.seed)
    x = torch.randn(config.samples, _FEATURES, generator=g)
    teacher = torch.randn(_FEATURES, _CLASSES, generator=g)
    logits = x @ teacher + 0.5 * torch.randn(config.samples, _CLASSES, generator=g)
    y = logits.argmax(dim=1)
    n = config.train_samples
    return x[:n], y[:n], x[n:], y[n:]


def _optimizer(config: DemoConfig, model: nn.Module) -> Optimizer:
    if config.optimizer == "adamw":
        return torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=1e-2)
    return torch.optim.SGD(model.parameters(), lr=config.lr, momentum=0.9, weight_decay=1e-4)


def _torch_factory(config: DemoConfig, start: float) -> Callable[[Optimizer], LRScheduler]:
    """The factory of torch scheduler ``config.scheduler`` for the adapter."""
    name = config.scheduler
    epochs = config.epochs
    step_size = config.step_size if config.step_size is not None else max(1, epochs // 3)
    max_lr = config.max_lr if config.max_lr is not None else 10.0 * start
    if name == "step":
        gamma = 0.5 if config.gamma is None else config.gamma
        return lambda o: StepLR(o, step_size=step_size, gamma=gamma)
    if name == "multistep":
        gamma = 0.5 if config.gamma is None else config.gamma
        milestones = config.milestones or sorted({max(1, epochs // 2), max(1, 3 * epochs // 4)})
        return lambda o: MultiStepLR(o, milestones=milestones, gamma=gamma)
    if name == "exponential":
        gamma = 0.9 if config.gamma is None else config.gamma
        return lambda o: ExponentialLR(o, gamma=gamma)
    if name == "cosine":
        t_max = config.t_max if config.t_max is not None else epochs
        return lambda o: CosineAnnealingLR(o, T_max=t_max)
    if name == "plateau":
        factor = 0.5 if config.gamma is None else config.gamma
        if not factor < 1.0:
            raise SettingError("gamma", f"gamma (the plateau's factor) must be < 1, got {factor}")
        return lambda o: ReduceLROnPlateau(o, mode="min", factor=factor, patience=config.patience)
    if name == "onecycle":
        total = config.total_steps
        return lambda o: OneCycleLR(o, max_lr=max_lr, total_steps=total, cycle_momentum=False)
    if name == "cyclic":
        if not max_lr > start:
            raise SettingError(
                "max_lr",
                f"max_lr ({max_lr}) must exceed the target's starting value ({start}) for cyclic",
            )
        half = step_size * config.steps_per_epoch
        return lambda o: CyclicLR(
            o, base_lr=start, max_lr=max_lr, step_size_up=half, cycle_momentum=False
        )
    raise ValueError(f"unknown torch scheduler {name!r}; one of {list(TORCH_SCHEDULERS)}")


def _build_schedule(config: DemoConfig, optimizer: Optimizer) -> LRScheduler:
    """The schedule of the run; a bad setting raises :class:`SettingError` naming it."""
    errors = (TypeError, ValueError, KeyError, IndexError)
    try:
        start = Slot(config.target).read_float(optimizer.param_groups[0], 0)
    except errors as exc:
        hint = "" if config.optimizer == "adamw" else "; --optimizer adamw schedules betas[0]"
        raise SettingError(
            "target", f"{_describe(exc)} (optimizer {config.optimizer}{hint})"
        ) from exc
    if config.scheduler in TORCH_SCHEDULERS:
        try:
            factory = _torch_factory(config, start)
            return arbitrary_schedule_factory(optimizer, factory, schedule_target=config.target)
        except SettingError:
            raise
        except errors as exc:
            raise SettingError("scheduler", _describe(exc)) from exc
    try:
        curve = build_curve(config.scheduler, dict(config.params))
    except errors as exc:
        raise SettingError("param", _describe(exc)) from exc
    return CurveSchedule(optimizer, curve, config.target)


class _Progress:
    """A one-line progress bar on a stream (stderr), redrawn with a carriage return."""

    def __init__(self, stream: TextIO | None, total: int) -> None:
        self.stream = stream
        self.total = max(1, total)

    def update(self, done: int, text: str) -> None:
        if self.stream is None:
            return
        width = 30
        filled = int(width * done / self.total)
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total} {text}")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()


def _evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    with torch.no_grad():
        out = model(x)
        loss = float(nn.functional.cross_entropy(out, y))
        acc = float((out.argmax(dim=1) == y).float().mean())
    return loss, acc


def run_demo(
    config: DemoConfig,
    out_dir: str | Path,
    *,
    progress: TextIO | None = None,
    plots: bool = True,
    metrics_format: str = "json",
) -> DemoResult:
    """Train the demo MLP with ``config``'s schedule and write plots and metrics to ``out_dir``.

    Args:
        config: the run's settings (validated first).
        out_dir: folder for ``metrics.json`` (or ``epochs.csv`` and ``steps.csv``) and the
            PNGs ``schedule.png``, ``loss.png`` and ``accuracy.png``; created if missing.
        progress: a stream for a progress bar (``None``: silent).
        plots: write the PNGs (needs matplotlib).
        metrics_format: ``"json"`` or ``"csv"``.

    Returns:
        A :class:`DemoResult`: ``epochs`` rows (epoch, the target's value during the epoch,
        losses, accuracies), ``steps`` rows (step, epoch, the target's value used by that
        optimizer step, the batch loss) and the paths written.

    Raises:
        ValueError, TypeError, KeyError: a bad setting, naming it.
        ImportError: ``plots=True`` without matplotlib (checked before training).
    """
    config.validate()
    if metrics_format not in METRICS_FORMATS:
        raise ValueError(
            f"metrics_format must be one of {list(METRICS_FORMATS)}, got {metrics_format!r}"
        )
    if plots:
        from .plot import _figure  # fail before training when matplotlib is missing

        _figure()
    out = Path(out_dir)
    threads = torch.get_num_threads()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        torch.set_num_threads(1)  # a tiny model: one thread is fastest and reproducible
        try:
            epochs, steps = _train(config, progress)
        finally:
            torch.set_num_threads(threads)
    out.mkdir(parents=True, exist_ok=True)
    files = _write_metrics(config, out, epochs, steps, metrics_format)
    if plots:
        files.update(_write_plots(config, out, epochs, steps))
    return DemoResult(epochs, steps, files)


def _train(
    config: DemoConfig, stream: TextIO | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    x_train, y_train, x_val, y_val = _data(config)
    model = nn.Sequential(nn.Linear(_FEATURES, _HIDDEN), nn.ReLU(), nn.Linear(_HIDDEN, _CLASSES))
    optimizer = _optimizer(config, model)
    slot = Slot(config.target)
    sched = _build_schedule(config, optimizer)
    shuffle = torch.Generator().manual_seed(config.seed + 1)
    bar = _Progress(stream, config.total_steps)
    epochs: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    step = 0
    try:
        for epoch in range(config.epochs):
            value_at_start = slot.read_float(optimizer.param_groups[0])
            model.train()
            order = torch.randperm(len(x_train), generator=shuffle)
            total_loss = 0.0
            for start in range(0, len(x_train), config.batch_size):
                idx = order[start : start + config.batch_size]
                value = slot.read_float(optimizer.param_groups[0])
                optimizer.zero_grad(set_to_none=True)
                loss = nn.functional.cross_entropy(model(x_train[idx]), y_train[idx])
                loss.backward()
                optimizer.step()
                if config.per_batch:
                    sched.step()
                batch_loss = float(loss.detach())
                total_loss += batch_loss * len(idx)
                steps.append({"step": step, "epoch": epoch, "value": value, "loss": batch_loss})
                step += 1
                bar.update(step, f"epoch {epoch + 1}/{config.epochs} loss {batch_loss:.4f}")
            model.eval()
            train_loss, train_acc = _evaluate(model, x_train, y_train)
            val_loss, val_acc = _evaluate(model, x_val, y_val)
            if not config.per_batch:
                if config.scheduler == "plateau":
                    sched.step(val_loss)  # type: ignore[arg-type]
                else:
                    sched.step()
            epochs.append(
                {
                    "epoch": epoch,
                    "value": value_at_start,
                    "train_loss": train_loss,
                    "val_loss": val_loss,
                    "train_acc": train_acc,
                    "val_acc": val_acc,
                }
            )
    finally:
        bar.close()
    return epochs, steps


def _write_metrics(
    config: DemoConfig,
    out: Path,
    epochs: list[dict[str, Any]],
    steps: list[dict[str, Any]],
    metrics_format: str,
) -> dict[str, Path]:
    if metrics_format == "csv":
        files = {"epochs": out / "epochs.csv", "steps": out / "steps.csv"}
        for key, rows in (("epochs", epochs), ("steps", steps)):
            with files[key].open("w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
        return files
    path = out / "metrics.json"
    payload: Mapping[str, Any] = {
        "config": asdict(config),
        "steps_per_epoch": config.steps_per_epoch,
        "epochs": epochs,
        "steps": steps,
    }
    # default=repr: a --param value that JSON cannot hold (a set, say) is recorded as text
    path.write_text(json.dumps(payload, indent=1, default=repr) + "\n", encoding="utf-8")
    return {"metrics": path}


def _write_plots(
    config: DemoConfig,
    out: Path,
    epochs: list[dict[str, Any]],
    steps: list[dict[str, Any]],
) -> dict[str, Path]:
    from matplotlib.ticker import MaxNLocator

    from .plot import _figure

    files = {name: out / f"{name}.png" for name in ("schedule", "loss", "accuracy")}
    fig, (ax,) = _figure()
    ax.plot([r["step"] for r in steps], [r["value"] for r in steps])
    ax.set_xlabel("optimizer step")
    ax.set_ylabel(config.target)
    ax.set_title(f"{config.scheduler} on {config.target!r}")
    ax.grid(True, alpha=0.3)
    fig.savefig(files["schedule"], dpi=100)
    x = [r["epoch"] + 1 for r in epochs]
    for name, key, label in (("loss", "loss", "loss"), ("accuracy", "acc", "accuracy")):
        fig, (ax,) = _figure()
        ax.plot(x, [r[f"train_{key}"] for r in epochs], marker="o", label=f"train {label}")
        ax.plot(x, [r[f"val_{key}"] for r in epochs], marker="o", label=f"validation {label}")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(label)
        ax.legend()
        ax.grid(True, alpha=0.3)
        fig.savefig(files[name], dpi=100)
    return files


def default_progress_stream(quiet: bool) -> TextIO | None:
    """stderr when it is a terminal and ``quiet`` is off, else ``None``."""
    if quiet or not sys.stderr.isatty():
        return None
    return sys.stderr
