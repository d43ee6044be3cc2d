"""Tests for torch_schedule_anything.plot: values without side effects, figures, the extra."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import matplotlib.image
import pytest
from matplotlib.figure import Figure
from torch.optim.lr_scheduler import OneCycleLR, StepLR

import torch_schedule_anything as sa
from helpers import sgd_groups as _sgd
from helpers import snapshot as _snapshot
from torch_schedule_anything import plot
from torch_schedule_anything.curves import AbsoluteCurve, LinearScheduleWithWarmup

LINEAR = {
    "warmup_to_value": 1.0,
    "anneal_to_value": 0.0,
    "num_warmup_steps": 2,
    "num_training_steps": 6,
}


def _png_shape(path: Path) -> tuple[int, ...]:
    return tuple(matplotlib.image.imread(path).shape)


# -- curves ----------------------------------------------------------------------------------


def test_curve_values_by_name_match_the_curve() -> None:
    expected = LinearScheduleWithWarmup(**LINEAR).values(range(8)).tolist()
    assert plot.curve_values("linear_schedule_with_warmup", 8, **LINEAR) == expected
    assert expected[:4] == [0.0, 0.5, 1.0, 0.75]
    assert expected[6:] == [0.0, 0.0]  # held past the horizon


def test_plot_curve_draws_the_closed_form_and_saves_a_png(tmp_path: Path) -> None:
    out = tmp_path / "curve.png"
    fig = plot.plot_curve("linear_schedule_with_warmup", 8, path=out, **LINEAR)
    assert isinstance(fig, Figure)
    line = fig.axes[0].lines[0]
    assert list(line.get_xdata()) == list(range(8))
    assert list(line.get_ydata()) == plot.curve_values("linear_schedule_with_warmup", 8, **LINEAR)
    assert fig.axes[0].get_ylabel() == "multiplier λ(t)"
    assert _png_shape(out)[:2] == (320, 800)  # figsize 8 x 3.2 inches at 100 dpi


def test_plot_curve_accepts_a_callable_and_labels_absolute_curves() -> None:
    class Half(AbsoluteCurve):
        def __call__(self, step: int) -> float:
            return 0.5

    assert list(plot.plot_curve(lambda t: t * 2.0, 3).axes[0].lines[0].get_ydata()) == [0, 2, 4]
    assert plot.plot_curve(Half(), 3).axes[0].get_ylabel() == "value λ(t) (absolute)"


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: plot.plot_curve("constant_schedule", 0, value=1.0), ValueError, "steps"),
        (lambda: plot.plot_curve("constant_schedule", 2.5, value=1.0), ValueError, "steps"),
        (
            lambda: plot.plot_curve(LinearScheduleWithWarmup(**LINEAR), 3, value=1.0),
            TypeError,
            "only used with a curve name",
        ),
        (lambda: plot.plot_curves([], 3), ValueError, "empty"),
        (lambda: plot.plot_curves(lambda t: 1.0, 3), TypeError, "plot_curve"),
        (lambda: plot.plot_curve("no_such_curve", 3), KeyError, "constant_schedule"),
    ],
)
def test_bad_arguments_raise_naming_them(call: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call()


def test_plot_curves_compares_several_curves(tmp_path: Path) -> None:
    curves = {
        "linear": LinearScheduleWithWarmup(**LINEAR),
        "flat": sa.get_curve("constant_schedule")(value=0.5),
    }
    fig = plot.plot_curves(curves, 7, path=tmp_path / "cmp.png", title="two")
    ax = fig.axes[0]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["linear", "flat"]
    assert list(ax.lines[1].get_ydata()) == [0.5] * 7
    assert ax.get_title() == "two"
    assert (tmp_path / "cmp.png").stat().st_size > 0


# -- schedules: values and no side effects ---------------------------------------------------


def test_closed_form_starts_at_the_current_step() -> None:
    opt = _sgd()
    s = sa.schedule(opt, "linear_schedule_with_warmup", "lr", **LINEAR)
    s.step()
    s.step()
    assert plot.schedule_values(s, 2)["lr"][0] == pytest.approx([0.1, 0.075], rel=1e-15)
    assert plot.plot_schedule(s, 2).axes[0].lines[0].get_xdata().tolist() == [2, 3]


def test_synchronous_schedule_gets_one_panel_per_key(tmp_path: Path) -> None:
    opt = _sgd(groups=2)
    sync = sa.SynchronousSchedule(
        [
            OneCycleLR(opt, max_lr=[1.0, 2.0], total_steps=10, cycle_momentum=False),
            sa.schedule(opt, "linear_schedule_with_warmup", "weight_decay", **LINEAR),
            sa.arbitrary_schedule_factory(
                opt, lambda o: StepLR(o, 3, 0.5), schedule_target="momentum"
            ),
        ]
    )
    before = _snapshot(opt)
    fig = plot.plot_schedule(sync, 10, path=tmp_path / "sync.png", title="all")
    assert _snapshot(opt) == before and sync.last_epoch == 0
    assert [ax.get_ylabel() for ax in fig.axes] == ["lr", "weight_decay", "momentum"]
    # lr and weight_decay differ between the groups (one line each), momentum does not.
    assert [len(ax.lines) for ax in fig.axes] == [2, 1, 1]
    wd = fig.axes[1].lines[0].get_ydata().tolist()
    assert wd[:4] == pytest.approx([0.0, 0.005, 0.01, 0.0075])
    assert fig.axes[2].lines[0].get_ydata().tolist()[2:4] == [0.9, 0.45]
    assert _png_shape(tmp_path / "sync.png")[:2] == (960, 800)


def test_log_scale_and_type_check() -> None:
    opt = _sgd()
    fig = plot.plot_schedule(StepLR(opt, 1, 0.1), 4, log_scale=True)
    assert fig.axes[0].get_yscale() == "log"
    with pytest.raises(TypeError, match="LRScheduler"):
        plot.plot_schedule(opt, 3)  # type: ignore[arg-type]


# -- comparison plots: whatever curves are registered ----------------------------------------


class _ToyPlugin:
    """Registers a warmup and a cyclical curve with seed-002-style parameter names."""

    @sa.hookimpl
    def register_curves(self, register: Any) -> None:
        class ToyWarmup(AbsoluteCurve):
            def __init__(self, base_lr: float, warmup_steps: int, total_steps: int) -> None:
                self.base_lr, self.warmup_steps = base_lr, warmup_steps

            def __call__(self, step: int) -> float:
                return self.base_lr * min(1.0, step / self.warmup_steps)

        class ToyCyclic(AbsoluteCurve):
            def __init__(self, base_lr: float, max_lr: float, step_size: int) -> None:
                self.base_lr, self.max_lr, self.step_size = base_lr, max_lr, step_size

            def __call__(self, step: int) -> float:
                up = (step // self.step_size) % 2 == 0
                return self.max_lr if up else self.base_lr

        register("toy_warmup", ToyWarmup)
        register("toy_cyclic", ToyCyclic)


@pytest.fixture
def toy_plugin() -> Any:
    name = sa.register_plugin(_ToyPlugin(), name="toy_plot_plugin")
    yield name
    sa.unregister_plugin(name)


def _legend(fig: Figure) -> list[str]:
    # a curve identical to an earlier one is labelled "name (= earlier)"
    return [t.get_text().split(" (= ")[0] for t in fig.legends[0].get_texts()]


def test_warmup_comparison_includes_plugin_curves(toy_plugin: str, tmp_path: Path) -> None:
    fig = plot.plot_warmup_schedules(warmup_steps=10, total_steps=40, path=tmp_path / "w.png")
    labels = _legend(fig)
    assert "toy_warmup" in labels and "linear_schedule_with_warmup" in labels
    assert not any("inverse" in label for label in labels)
    toy = fig.axes[0].lines[labels.index("toy_warmup")].get_ydata().tolist()
    assert toy[0] == 0.0 and toy[5] == 0.5 and toy[10:] == [1.0] * 30
    assert (tmp_path / "w.png").exists()


def test_cyclical_comparison_includes_plugin_curves(toy_plugin: str) -> None:
    fig = plot.plot_cyclical_schedules(total_steps=16, cycle_steps=4)
    labels = _legend(fig)
    assert "toy_cyclic" in labels
    toy = fig.axes[0].lines[labels.index("toy_cyclic")].get_ydata().tolist()
    assert toy[:9] == [1.0] * 4 + [0.1] * 4 + [1.0]  # base_lr is the floor, max_lr the peak


def test_comparison_with_names_and_errors() -> None:
    fig = plot.plot_warmup_schedules(2, 6, names=["linear_schedule_with_warmup"])
    assert _legend(fig) == ["linear_schedule_with_warmup"]
    assert fig.axes[0].lines[0].get_ydata().tolist() == [0.0, 0.5, 1.0, 0.75, 0.5, 0.25]
    with pytest.raises(ValueError, match="cannot fill"):
        plot.plot_warmup_schedules(2, 6, names=["scaled"])
    with pytest.raises(ValueError, match="warmup_steps"):
        plot.plot_warmup_schedules(10, 5)
    with pytest.raises(ValueError, match="no registered curve"):
        plot.plot_cyclical_schedules(10, names=[])


# -- the optional extra ----------------------------------------------------------------------


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r'pip install "torch-schedule-anything\[plot\]"'):
        plot.plot_curve("constant_schedule", 3, value=1.0)
    # values need no matplotlib
    assert plot.curve_values("constant_schedule", 2, value=1.0) == [1.0, 1.0]


def test_import_loads_no_matplotlib_and_plot_functions_are_lazy() -> None:
    code = (
        "import sys, torch_schedule_anything as sa\n"
        "sa.list_curves()\n"
        "assert 'matplotlib' not in sys.modules, 'import loaded matplotlib'\n"
        "f = sa.plot_schedule\n"
        "from torch_schedule_anything import *\n"
        "assert 'matplotlib' not in sys.modules, 'attribute access loaded matplotlib'\n"
        "assert f is __import__('torch_schedule_anything.plot').plot.plot_schedule\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_unknown_attribute_still_raises() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        sa.no_such_thing  # type: ignore[attr-defined]  # noqa: B018


def test_figure_is_not_registered_with_pyplot() -> None:
    import matplotlib.pyplot as plt

    open_before = plt.get_fignums()
    plot.plot_curve(lambda t: math.cos(t), 4)
    assert plt.get_fignums() == open_before


# -- issue fixes: titles, steps, log scale, identical curves, legend, sampling, paths ---------


def test_long_titles_are_wrapped() -> None:
    title = "a very long title " * 12
    fig = plot.plot_curve("constant_schedule", 5, value=1.0, title=title)
    assert "\n" in fig.axes[0].get_title()
    fig = plot.plot_curves({"a": lambda t: 1.0}, 5, title=title)
    assert "\n" in fig.axes[0].get_title()


def test_piecewise_constant_curves_are_drawn_as_steps() -> None:
    step_curve = sa.get_curve("multiplier")(lambda t: 0.5 ** (t // 30))  # type: ignore[call-arg]
    fig = plot.plot_curve(step_curve, 100)
    assert fig.axes[0].lines[0].get_drawstyle() == "steps-post"
    fig = plot.plot_curve(LinearScheduleWithWarmup(**{**LINEAR, "num_training_steps": 100}), 100)
    assert fig.axes[0].lines[0].get_drawstyle() == "default"  # a slope stays a slope
    opt = _sgd()
    sched = sa.arbitrary_schedule_factory(opt, lambda o: StepLR(o, step_size=10, gamma=0.5))
    fig = plot.plot_schedule(sched, 40)
    assert fig.axes[0].lines[0].get_drawstyle() == "steps-post"


def test_log_scale_option() -> None:
    fig = plot.plot_curve("constant_schedule", 5, value=1.0, log=True)
    assert fig.axes[0].get_yscale() == "log"
    fig = plot.plot_curves({"a": lambda t: 1.0 + t}, 5, log=True)
    assert fig.axes[0].get_yscale() == "log"
    assert plot.plot_curves({"a": lambda t: 1.0}, 5).axes[0].get_yscale() == "linear"


def test_identical_curves_stay_visible_and_the_legend_is_outside() -> None:
    same = {"first": lambda t: 1.0 / (t + 1), "second": lambda t: 1.0 / (t + 1)}
    fig = plot.plot_curves(same, 10)
    ax = fig.axes[0]
    assert ax.get_legend() is None and len(fig.legends) == 1  # below the axes, not over lines
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["first", "second (= first)"]
    assert ax.lines[0].get_linestyle() == "-" and ax.lines[1].get_linestyle() == "--"


def test_large_ranges_are_sampled(tmp_path: Path) -> None:
    fig = plot.plot_curve("constant_schedule", 10**12, value=1.0, path=tmp_path / "big.png")
    x = list(fig.axes[0].lines[0].get_xdata())
    assert len(x) <= plot.MAX_POINTS and x[0] == 0 and x[-1] == 10**12 - 1
    fig = plot.plot_curves({"a": lambda t: 1.0}, 10**9)
    assert len(fig.axes[0].lines[0].get_xdata()) <= plot.MAX_POINTS


def test_png_path_is_the_file_written(tmp_path: Path) -> None:
    assert plot.png_path(tmp_path / "adir") == tmp_path / "adir.png"
    assert plot.png_path("x.png") == Path("x.png")
    plot.plot_curve("constant_schedule", 3, value=1.0, path=tmp_path / "adir")
    assert (tmp_path / "adir.png").exists()
