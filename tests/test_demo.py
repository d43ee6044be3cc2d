"""Tests for the demo training run (torch_schedule_anything.demo), in process: every scheduler
choice on a tiny problem (40 samples: 32 train in 2 batches of 16, 8 validation)."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import matplotlib.image
import pytest
import torch
from torch.optim.lr_scheduler import CyclicLR, OneCycleLR

import torch_schedule_anything as sa
from torch_schedule_anything.demo import (
    EPOCH_SCHEDULERS,
    STEP_SCHEDULERS,
    TORCH_SCHEDULERS,
    DemoConfig,
    SettingError,
    run_demo,
    scheduler_choices,
)

TINY: dict[str, Any] = {"epochs": 4, "samples": 40, "batch_size": 16, "lr": 0.05}
LINEAR = {
    "warmup_to_value": 1.0,
    "anneal_to_value": 0.1,
    "num_warmup_steps": 2,
    "num_training_steps": 6,
}


def _run(tmp_path: Path, plots: bool = False, **overrides: Any) -> Any:
    config = DemoConfig(**{**TINY, **overrides})
    return run_demo(config, tmp_path / "out", plots=plots)


def _epoch_values(result: Any) -> list[float]:
    return [row["value"] for row in result.epochs]


def _torch_reference(make: Any, steps: int) -> list[float]:
    """The lr a real torch scheduler gives at steps 0 … steps − 1."""
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.05)
    sched = make(opt)
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


def test_choices_are_torch_names_then_every_registered_curve() -> None:
    assert scheduler_choices() == [*TORCH_SCHEDULERS, *sa.list_curves()]
    assert set(TORCH_SCHEDULERS) == set(EPOCH_SCHEDULERS) | set(STEP_SCHEDULERS)
    assert len(TORCH_SCHEDULERS) == 7


@pytest.mark.parametrize("scheduler", TORCH_SCHEDULERS)
def test_every_torch_scheduler_trains_and_writes_metrics(scheduler: str, tmp_path: Path) -> None:
    result = _run(tmp_path, scheduler=scheduler)
    data = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert data["config"]["scheduler"] == scheduler
    assert data["steps_per_epoch"] == 2
    assert len(data["epochs"]) == 4 and len(data["steps"]) == 8
    assert data["epochs"] == result.epochs and data["steps"] == result.steps
    assert [r["step"] for r in data["steps"]] == list(range(8))
    for row in data["epochs"]:
        assert 0.0 <= row["train_acc"] <= 1.0 and 0.0 <= row["val_acc"] <= 1.0
        assert math.isfinite(row["train_loss"]) and math.isfinite(row["val_loss"])
    assert result.epochs[0]["value"] == pytest.approx(0.05 if scheduler != "onecycle" else 0.02)


def test_step_lr_value_at_epoch_k(tmp_path: Path) -> None:
    result = _run(tmp_path, scheduler="step", step_size=2, gamma=0.1)
    assert _epoch_values(result) == pytest.approx([0.05, 0.05, 0.005, 0.005])
    # epoch-level: both batches of an epoch use the epoch's value
    assert [r["value"] for r in result.steps] == pytest.approx([0.05] * 4 + [0.005] * 4)


def test_multistep_exponential_and_cosine_values(tmp_path: Path) -> None:
    multi = _run(tmp_path, scheduler="multistep", milestones=[1, 3], gamma=0.5)
    assert _epoch_values(multi) == pytest.approx([0.05, 0.025, 0.025, 0.0125])
    expo = _run(tmp_path, scheduler="exponential", gamma=0.5)
    assert _epoch_values(expo) == pytest.approx([0.05 * 0.5**k for k in range(4)])
    cos = _run(tmp_path, scheduler="cosine", t_max=4)
    expected = [0.05 * 0.5 * (1 + math.cos(math.pi * k / 4)) for k in range(4)]
    assert _epoch_values(cos) == pytest.approx(expected)


def test_onecycle_and_cyclic_step_per_batch_like_torch(tmp_path: Path) -> None:
    one = _run(tmp_path, scheduler="onecycle", max_lr=0.5)
    ref = _torch_reference(
        lambda o: OneCycleLR(o, max_lr=0.5, total_steps=8, cycle_momentum=False), 8
    )
    assert [r["value"] for r in one.steps] == pytest.approx(ref)
    assert one.steps[0]["value"] == pytest.approx(0.5 / 25)
    cyc = _run(tmp_path, scheduler="cyclic", max_lr=0.25, step_size=1)
    ref = _torch_reference(
        lambda o: CyclicLR(o, base_lr=0.05, max_lr=0.25, step_size_up=2, cycle_momentum=False),
        8,
    )
    assert [r["value"] for r in cyc.steps] == pytest.approx(ref)
    assert [r["value"] for r in cyc.steps][:3] == pytest.approx([0.05, 0.15, 0.25])


def test_plateau_halves_after_each_epoch_without_improvement(tmp_path: Path) -> None:
    result = _run(tmp_path, scheduler="plateau", patience=0, gamma=0.5, epochs=6, lr=2.0)
    # reference: ReduceLROnPlateau(mode="min", threshold=1e-4 relative, patience=0) by hand
    expected, value, best = [], 2.0, math.inf
    for row in result.epochs:
        expected.append(value)
        if row["val_loss"] < best * (1 - 1e-4):
            best = row["val_loss"]
        else:
            value *= 0.5
    assert _epoch_values(result) == pytest.approx(expected)
    assert len(set(expected)) > 1  # the run did reduce (lr 2.0 overshoots)


def test_registered_curve_is_a_multiplier_of_the_base_value(tmp_path: Path) -> None:
    result = _run(tmp_path, plots=True, scheduler="linear_schedule_with_warmup", params=LINEAR)
    lam = sa.get_curve("linear_schedule_with_warmup")(**LINEAR).values(range(8)).tolist()
    assert [r["value"] for r in result.steps] == pytest.approx([0.05 * v for v in lam])
    assert [r["value"] for r in result.steps][:3] == pytest.approx([0.0, 0.025, 0.05])
    for name in ("schedule", "loss", "accuracy"):
        path = tmp_path / "out" / f"{name}.png"
        assert result.files[name] == path
        assert matplotlib.image.imread(path).shape[:2] == (320, 800)
    # the report: schedule, loss and accuracy stacked on one step axis
    assert matplotlib.image.imread(result.files["report"]).shape[:2] == (720, 800)


def test_epochs_count_from_one_in_metrics_progress_and_plots(tmp_path: Path) -> None:
    result = _run(tmp_path, plots=True)
    assert [r["epoch"] for r in result.epochs] == [1, 2, 3, 4]
    assert [r["epoch"] for r in result.steps] == [1, 1, 2, 2, 3, 3, 4, 4]


def test_report_figure_shares_the_step_axis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.figure import Figure

    saved: dict[str, Figure] = {}
    original = Figure.savefig

    def spy(self: Figure, fname: Any, *args: Any, **kwargs: Any) -> None:
        saved[Path(fname).stem] = self
        original(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    _run(tmp_path, plots=True, scheduler="step", step_size=1, gamma=0.5)
    report = saved["report"]
    assert [ax.get_ylabel() for ax in report.axes] == ["lr", "loss", "accuracy"]
    assert report.axes[0].get_shared_x_axes().joined(report.axes[0], report.axes[2])
    assert report.axes[0].lines[0].get_drawstyle() == "steps-post"
    # epoch metrics sit at the step that ends the epoch (2 steps per epoch)
    assert list(report.axes[2].lines[0].get_xdata()) == [2, 4, 6, 8]
    assert saved["schedule"].axes[0].lines[0].get_drawstyle() == "steps-post"
    for name in ("loss", "accuracy"):
        ax = saved[name].axes[0]
        assert ax.get_title().startswith(name) and list(ax.lines[0].get_xdata()) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("target", "optimizer", "start"),
    [("momentum", "sgd", 0.9), ("betas[0]", "adamw", 0.9), ("betas[1]", "adamw", 0.999)],
)
@pytest.mark.parametrize("scheduler", ["onecycle", "cyclic"])
def test_cycles_on_bounded_keys_peak_at_the_keys_value(
    tmp_path: Path, scheduler: str, target: str, optimizer: str, start: float
) -> None:
    result = _run(tmp_path, scheduler=scheduler, target=target, optimizer=optimizer, epochs=3)
    values = [r["value"] for r in result.steps]
    assert max(values) <= start + 1e-12 and min(values) >= 0.0
    assert all(math.isfinite(r["val_loss"]) for r in result.epochs)


def test_onecycle_on_lr_still_peaks_at_ten_times(tmp_path: Path) -> None:
    result = _run(tmp_path, scheduler="onecycle", epochs=3)
    assert max(r["value"] for r in result.steps) == pytest.approx(0.5, rel=0.05)


def test_a_diverged_run_raises(tmp_path: Path) -> None:
    from torch_schedule_anything.demo import DivergedError

    with pytest.raises(DivergedError, match="diverged"):
        _run(tmp_path, scheduler="constant_schedule", params={"value": 1.0}, lr=1e30)
    assert not (tmp_path / "out").exists()


def test_target_and_scheduler_suggestions(tmp_path: Path) -> None:
    with pytest.raises(SettingError, match="did you mean 'weight_decay'"):
        _run(tmp_path, target="wd")
    with pytest.raises(SettingError, match="did you mean 'momentum'"):
        _run(tmp_path, target="momentun")
    with pytest.raises(ValueError, match="did you mean 'onecycle'"):
        _run(tmp_path, scheduler="onecylce")


def test_other_targets_momentum_and_betas(tmp_path: Path) -> None:
    mom = _run(tmp_path, scheduler="step", target="momentum", step_size=1, gamma=0.5)
    assert _epoch_values(mom) == pytest.approx([0.9 * 0.5**k for k in range(4)])
    betas = _run(
        tmp_path,
        scheduler="linear_schedule_with_warmup",
        target="betas[0]",
        optimizer="adamw",
        params={**LINEAR, "num_warmup_steps": 0},
    )
    assert betas.steps[0]["value"] == pytest.approx(0.9)
    assert betas.steps[-1]["value"] == pytest.approx(0.09)


def test_runs_are_deterministic_and_restore_the_global_rng(tmp_path: Path) -> None:
    torch.manual_seed(123)
    state = torch.get_rng_state()
    threads = torch.get_num_threads()
    first = _run(tmp_path, scheduler="cosine")
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.get_num_threads() == threads
    second = _run(tmp_path, scheduler="cosine")
    assert first.epochs == second.epochs and first.steps == second.steps
    other_seed = _run(tmp_path, scheduler="cosine", seed=1)
    assert other_seed.steps != first.steps


def test_csv_metrics(tmp_path: Path) -> None:
    config = DemoConfig(**TINY, scheduler="exponential", gamma=0.5)
    result = run_demo(config, tmp_path, plots=False, metrics_format="csv")
    assert set(result.files) == {"epochs", "steps"}
    with (tmp_path / "epochs.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert [float(r["value"]) for r in rows] == pytest.approx([0.05 * 0.5**k for k in range(4)])
    assert list(rows[0]) == ["epoch", "value", "train_loss", "val_loss", "train_acc", "val_acc"]
    with (tmp_path / "steps.csv").open() as fh:
        assert len(list(csv.DictReader(fh))) == 8


def test_without_a_terminal_progress_is_one_line_per_epoch(tmp_path: Path) -> None:
    stream = io.StringIO()  # not a terminal: no bar, no carriage return
    run_demo(DemoConfig(**TINY), tmp_path, plots=False, progress=stream)
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert [line.split(":")[0] for line in lines] == [f"epoch {k}/4" for k in range(1, 5)]
    assert all("val_loss" in line for line in lines)


def test_no_plots_writes_no_png_and_progress_goes_to_the_stream(tmp_path: Path) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    run_demo(DemoConfig(**TINY), tmp_path, plots=False, progress=stream)
    assert not list(tmp_path.glob("*.png"))
    text = stream.getvalue()
    assert text.count("\r[") == 8 and "8/8" in text and text.endswith("\n")


@pytest.mark.parametrize(
    ("overrides", "setting", "match"),
    [
        ({"epochs": 0}, None, "epochs must be >= 1"),
        ({"lr": -1.0}, None, "lr must be > 0"),
        ({"samples": 5}, None, "samples must be >= 10"),
        ({"scheduler": "nope"}, None, "constant_schedule"),
        ({"scheduler": "step", "params": {"a": 1}}, None, "registered curves"),
        ({"target": "betas[0]"}, "target", "adamw"),
        ({"scheduler": "plateau", "gamma": 2.0}, "gamma", "< 1"),
        ({"scheduler": "cyclic", "max_lr": 0.01}, "max_lr", "exceed"),
        ({"scheduler": "linear_schedule_with_warmup"}, "param", "takes the parameters"),
        ({"optimizer": "lbfgs"}, None, "optimizer must be one of"),
    ],
)
def test_bad_settings_fail_before_training(
    overrides: dict[str, Any], setting: str | None, match: str, tmp_path: Path
) -> None:
    with pytest.raises((ValueError, TypeError, KeyError), match=match) as info:
        _run(tmp_path, **overrides)
    if setting is not None:
        assert isinstance(info.value, SettingError) and info.value.setting == setting
    assert not (tmp_path / "out").exists()


def test_bad_metrics_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="metrics_format"):
        run_demo(DemoConfig(**TINY), tmp_path, metrics_format="xml")


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from torch_schedule_anything.demo import default_progress_stream

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    plain = io.StringIO()
    monkeypatch.setattr("sys.stderr", plain)
    assert default_progress_stream(quiet=False) is plain  # one line per epoch
    tty = Tty()
    monkeypatch.setattr("sys.stderr", tty)
    assert default_progress_stream(quiet=False) is tty
    assert default_progress_stream(quiet=True) is None
