"""The demo training run (``tsa demo``): see a schedule act on a real model.

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
import difflib
import json
import math
import re
import sys
from collections.abc import Callable, Mapping, Sequence
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

from .adapter import arbitrary_schedule_factory
from .checks import check_positive, check_step_count
from .curve_schedule import CurveSchedule
from .param_groups import Slot
from .registry import build_curve, list_curves

__all__ = [
    "EPOCH_SCHEDULERS",
    "STEP_SCHEDULERS",
    "TORCH_SCHEDULERS",
    "DemoConfig",
    "DemoResult",
    "DivergedError",
    "SettingError",
    "default_progress_stream",
    "demo_setup",
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


class DivergedError(ArithmeticError):
    """Training diverged: a loss became NaN or infinite (the command line exits 1)."""


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """``"; did you mean 'x'?"`` for the choices close to ``word`` (abbreviations such as
    ``wd`` for ``weight_decay`` included), else ``""``.

    Example:
        >>> did_you_mean("wd", ["lr", "momentum", "weight_decay"])
        "; did you mean 'weight_decay'?"
    """
    lowered = word.lower()
    initials = [c for c in choices if "".join(p[:1] for p in re.split(r"[_\W]+", c)) == lowered]
    prefixed = [c for c in choices if len(lowered) >= 3 and c.lower().startswith(lowered)]
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    found = list(dict.fromkeys([*initials, *prefixed, *close]))[:3]
    if not found:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in found) + "?"


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
                f"{did_you_mean(self.scheduler, scheduler_choices())}"
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


def _model() -> nn.Module:
    return nn.Sequential(nn.Linear(_FEATURES, _HIDDEN), nn.ReLU(), nn.Linear(_HIDDEN, _CLASSES))


def demo_setup(config: DemoConfig) -> tuple[nn.Module, Optimizer, torch.Tensor, torch.Tensor]:
    """The demo's model, optimizer and training data for ``config``.

    What ``tsa demo`` trains and ``tsa find`` sweeps: an MLP (20 → 64 → 4) with the optimizer
    ``config.optimizer`` and the seeded training split, ``(model, optimizer, x_train, y_train)``.
    Seed torch first (``torch.manual_seed(config.seed)``) for the demo's initial weights.
    """
    x_train, y_train, _, _ = _data(config)
    model = _model()
    return model, _optimizer(config, model), x_train, y_train


def _optimizer(config: DemoConfig, model: nn.Module) -> Optimizer:
    if config.optimizer == "adamw":
        return torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=1e-2)
    return torch.optim.SGD(model.parameters(), lr=config.lr, momentum=0.9, weight_decay=1e-4)


def default_peak(target: str, start: float) -> float:
    """The default ``--max_lr`` (peak) of ``onecycle``/``cyclic`` on ``target``: 10 x the
    starting value for ``lr``, the starting value itself for any other key (``momentum``,
    ``betas[0]``, ``weight_decay`` … have a valid range, so the cycle stays below it)."""
    return 10.0 * start if target == "lr" else start


def _torch_factory(config: DemoConfig, start: float) -> Callable[[Optimizer], LRScheduler]:
    """The factory of torch scheduler ``config.scheduler`` for the adapter."""
    name = config.scheduler
    epochs = config.epochs
    step_size = config.step_size if config.step_size is not None else max(1, epochs // 3)
    max_lr = config.max_lr if config.max_lr is not None else default_peak(config.target, start)
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
        if config.target == "lr" and not max_lr > start:
            raise SettingError(
                "max_lr",
                f"max_lr ({max_lr}) must exceed the target's starting value ({start}) for cyclic",
            )
        # lr cycles up from its value; a bounded key (momentum, betas) cycles below its peak
        base = start if max_lr > start else max_lr / 10.0
        half = step_size * config.steps_per_epoch
        return lambda o: CyclicLR(
            o, base_lr=base, max_lr=max_lr, step_size_up=half, cycle_momentum=False
        )
    raise ValueError(f"unknown torch scheduler {name!r}; one of {list(TORCH_SCHEDULERS)}")


def _build_schedule(config: DemoConfig, optimizer: Optimizer) -> LRScheduler:
    """The schedule of the run; a bad setting raises :class:`SettingError` naming it."""
    errors = (TypeError, ValueError, KeyError, IndexError)
    try:
        start = Slot(config.target).read_float(optimizer.param_groups[0], 0)
    except errors as exc:
        group = optimizer.param_groups[0]
        keys = [k for k, v in group.items() if k != "params" and isinstance(v, (int, float))]
        keys += [
            f"{k}[{i}]" for k, v in group.items() if isinstance(v, tuple) for i in range(len(v))
        ]
        hint = "" if config.optimizer == "adamw" else "; --optimizer adamw schedules betas[0]"
        raise SettingError(
            "target",
            f"{_describe(exc)} (optimizer {config.optimizer}{hint})"
            f"{did_you_mean(config.target, keys)}",
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
    """Progress on a stream (stderr): on a terminal a one-line bar redrawn with a carriage
    return; elsewhere (a pipe, a log file) one line per epoch, flushed."""

    def __init__(self, stream: TextIO | None, total: int) -> None:
        self.stream = stream
        self.total = max(1, total)
        isatty = getattr(stream, "isatty", None)
        self.bar = bool(isatty()) if callable(isatty) else False

    def epoch(self, text: str) -> None:
        """One line at the end of an epoch (not on a terminal, where the bar shows it)."""
        if self.stream is None or self.bar:
            return
        self.stream.write(text + "\n")
        self.stream.flush()

    def update(self, done: int, text: str) -> None:
        if self.stream is None or not self.bar:
            return
        width = 30
        filled = int(width * done / self.total)
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total} {text}")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None and self.bar:
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
            PNGs ``schedule.png``, ``loss.png``, ``accuracy.png`` and ``report.png`` (all
            three against one step axis); created if missing.
        progress: a stream for progress (``None``: silent): a bar on a terminal, else one
            line per epoch.
        plots: write the PNGs (needs matplotlib).
        metrics_format: ``"json"`` or ``"csv"``.

    Returns:
        A :class:`DemoResult`: ``epochs`` rows (epoch, the target's value during the epoch,
        losses, accuracies; epochs count from 1, as the progress shows), ``steps`` rows
        (step, epoch, the target's value used by that optimizer step, the batch loss) and
        the paths written.

    Raises:
        ValueError, TypeError, KeyError: a bad setting, naming it.
        ImportError: ``plots=True`` without matplotlib (checked before training).
        DivergedError: a batch loss became NaN or infinite (training stops there).
    """
    config.validate()
    if metrics_format not in METRICS_FORMATS:
        raise ValueError(
            f"metrics_format must be one of {list(METRICS_FORMATS)}, got {metrics_format!r}"
        )
    if plots:
        from .plot import figure  # fail before training when matplotlib is missing

        figure()
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
    model = _model()
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
                if not math.isfinite(batch_loss):
                    raise DivergedError(
                        f"training diverged: the loss became {batch_loss} at step {step} "
                        f"(epoch {epoch + 1}) with {config.target}={value:.6g}; lower --max_lr, "
                        f"--lr or --gamma, or schedule {config.target} within a stable range"
                    )
                steps.append({"step": step, "epoch": epoch + 1, "value": value, "loss": batch_loss})
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
            bar.epoch(
                f"epoch {epoch + 1}/{config.epochs}: {config.target} {value_at_start:.6g}, "
                f"train_loss {train_loss:.4f}, val_loss {val_loss:.4f}, val_acc {val_acc:.3f}"
            )
            if not (math.isfinite(train_loss) and math.isfinite(val_loss)):
                raise DivergedError(
                    f"training diverged: the loss became {val_loss} after epoch {epoch + 1} "
                    f"with {config.target}={value_at_start:.6g}; lower --max_lr, --lr or --gamma"
                )
            epochs.append(
                {
                    "epoch": epoch + 1,
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

    from .plot import figure, wrap_title

    files = {name: out / f"{name}.png" for name in ("schedule", "loss", "accuracy", "report")}
    title = wrap_title(f"{config.scheduler} on {config.target!r}, {config.optimizer}")
    step_x = [r["step"] for r in steps]
    step_values = [r["value"] for r in steps]
    # a value holds for a whole step (and, per epoch, for a whole epoch): draw it as steps
    fig, (ax,) = figure()
    ax.plot(step_x, step_values, drawstyle="steps-post")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel(config.target)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    fig.savefig(files["schedule"], dpi=100)
    epoch_x = [r["epoch"] for r in epochs]  # 1 … N, as in the metrics and the progress
    panels = (("loss", "loss", "loss"), ("accuracy", "acc", "accuracy"))
    for name, key, label in panels:
        fig, (ax,) = figure()
        ax.plot(epoch_x, [r[f"train_{key}"] for r in epochs], marker="o", label=f"train {label}")
        ax.plot(
            epoch_x, [r[f"val_{key}"] for r in epochs], marker="s", ls="--", label=f"val {label}"
        )
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(label)
        ax.set_title(f"{label} per epoch: {title}")
        ax.legend(fontsize=8, loc="best", framealpha=0.8)
        ax.grid(True, alpha=0.3)
        fig.savefig(files[name], dpi=100)
    # the report: schedule, loss and accuracy on one step axis; an epoch's metrics sit at the
    # step that ends it
    spe = config.steps_per_epoch
    end_x = [r["epoch"] * spe for r in epochs]
    fig, axes = figure(nrows=3, height=2.4)
    axes[0].plot(step_x, step_values, drawstyle="steps-post", color="C2")
    axes[0].set_ylabel(config.target)
    axes[1].plot(
        step_x, [r["loss"] for r in steps], color="C0", alpha=0.35, lw=0.8, label="batch loss"
    )
    for ax, key, label in ((axes[1], "loss", "loss"), (axes[2], "acc", "accuracy")):
        ax.plot(
            end_x,
            [r[f"train_{key}"] for r in epochs],
            marker="o",
            color="C0",
            label=f"train {label} (epoch end)",
        )
        ax.plot(
            end_x,
            [r[f"val_{key}"] for r in epochs],
            marker="s",
            ls="--",
            color="C1",
            label=f"val {label} (epoch end)",
        )
        ax.set_ylabel(label)
        ax.legend(fontsize=7, loc="best", framealpha=0.8)
    for ax in axes:
        ax.grid(True, alpha=0.3)
        for boundary in range(spe, config.total_steps, spe):
            ax.axvline(boundary, color="0.85", lw=0.6, zorder=0)
    axes[-1].set_xlabel(f"optimizer step ({spe} per epoch; grey lines: epoch ends)")
    fig.suptitle(f"{title}: {config.epochs} epochs", fontsize=10)
    fig.savefig(files["report"], dpi=100)
    return files


def default_progress_stream(quiet: bool) -> TextIO | None:
    """stderr unless ``quiet``: a progress bar on a terminal, else one line per epoch."""
    if quiet:
        return None
    return sys.stderr
