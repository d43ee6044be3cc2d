"""Plots of curves and schedules, made before training (matplotlib, an optional extra).

The values come from :mod:`.simulate` (no matplotlib); this module draws them.

Install the extra with ``pip install "torch-schedule-anything[plot]"``. matplotlib is imported
inside these functions only, so ``import torch_schedule_anything`` never loads it.

Every function returns a :class:`matplotlib.figure.Figure` built without ``pyplot`` (no global
figure state, works headless); ``path=`` also saves it as a PNG. In Jupyter the returned figure
displays itself; in a script, save it (``path=`` or ``fig.savefig``).

Nothing here touches the optimizer or scheduler it is given (see
:func:`~torch_schedule_anything.simulate.schedule_values`). The figure helpers :func:`figure`,
:func:`finish` and :func:`wrap_title` are public for the package's other figures (the demo's
report, the range test).
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from torch.optim.lr_scheduler import LRScheduler

from .checks import check_step_count
from .comparison import (
    FLOOR_NAMES,
    PEAK_NAMES,
    START_NAMES,
    TOTAL_NAMES,
    WARMUP_NAMES,
    Roles,
    comparison_curves,
)
from .curves.base import Curve
from .simulate import (
    CurveLike,
    MetricsLike,
    check_num_steps,
    curve_values,
    resolve_curve,
    schedule_values,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "INSTALL_HINT",
    "curve_values",
    "figure",
    "finish",
    "plot_curve",
    "plot_curves",
    "plot_cyclical_schedules",
    "plot_schedule",
    "plot_warmup_schedules",
    "schedule_values",
    "wrap_title",
]

#: What to run when matplotlib is missing.
INSTALL_HINT = 'pip install "torch-schedule-anything[plot]"'


def figure(nrows: int = 1, width: float = 8.0, height: float = 3.2) -> tuple[Figure, list[Axes]]:
    """A pyplot-free Figure with ``nrows`` stacked axes sharing the x axis."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(
            f"plotting needs matplotlib, which is not installed; install the extra with "
            f"{INSTALL_HINT} (or pip install matplotlib)"
        ) from exc
    fig = Figure(figsize=(width, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, 1, sharex=True, squeeze=False)
    return fig, [row[0] for row in axes]


#: Points drawn per line at most: longer ranges are sampled evenly (first and last included).
MAX_POINTS = 10_000


def png_path(path: str | Path) -> Path:
    """The file a figure saved to ``path`` lands in: matplotlib adds ``.png`` to a name
    without a suffix (``-o adir`` writes ``adir.png``)."""
    out = Path(path)
    return out if out.suffix else out.with_name(out.name + ".png")


def finish(fig: Figure, path: str | Path | None) -> Figure:
    """``fig``, saved as a PNG at ``path`` too unless ``path`` is ``None``."""
    if path is not None:
        fig.savefig(png_path(path), dpi=100)
    return fig


def wrap_title(title: str, width: int = 90) -> str:
    """A long title over several lines, so that it is not cut off at the figure's edge."""
    return "\n".join(textwrap.wrap(title, width=width, break_long_words=True)) or title


def _sample(n: int) -> list[int]:
    """The steps drawn for ``0 … n − 1``: all of them, or ``MAX_POINTS`` evenly spread."""
    if n <= MAX_POINTS:
        return list(range(n))
    last = n - 1
    return sorted({round(i * last / (MAX_POINTS - 1)) for i in range(MAX_POINTS)})


def _is_stepwise(values: Sequence[float]) -> bool:
    """Piecewise constant (a step decay, a constant after warmup …): few changes."""
    changes = sum(1 for a, b in itertools.pairwise(values) if a != b)
    return len(values) > 2 and changes * 4 <= len(values) - 1


def _draw(ax: Axes, x: Sequence[int], y: Sequence[float], *args: Any, **kwargs: Any) -> None:
    """``ax.plot``, as steps (``steps-post``: a value holds until the next step) when the
    values are piecewise constant, so that a step change is not drawn as a slope."""
    if _is_stepwise(y):
        kwargs.setdefault("drawstyle", "steps-post")
    ax.plot(x, y, *args, **kwargs)


def _log_scale(ax: Axes, log: bool) -> None:
    if log:
        ax.set_yscale("log", nonpositive="mask")  # zeros (a warmup's start) are left out


def _label(curve: Curve, fallback: str) -> str:
    return curve.name or fallback


def plot_curve(
    curve: CurveLike,
    steps: int,
    *,
    path: str | Path | None = None,
    title: str | None = None,
    log: bool = False,
    **params: Any,
) -> Figure:
    """Plot λ(t) of one curve for ``t = 0 … steps − 1``.

    More than ``MAX_POINTS`` steps are sampled evenly (first and last step included);
    piecewise constant curves are drawn as steps.

    Args:
        curve: a Curve, a registered curve name (built with ``**params``) or a callable.
        steps: how many steps to plot, >= 1.
        path: save the figure there as a PNG too (``.png`` is added to a name without one).
        title: the figure title (default: the curve's repr); long titles are wrapped.
        log: use a logarithmic y axis (values <= 0 are left out).
        **params: the curve's parameters when ``curve`` is a name.

    Returns:
        The matplotlib Figure.
    """
    n = check_num_steps(steps)
    built = resolve_curve(curve, params)
    fig, (ax,) = figure()
    x = _sample(n)
    _draw(ax, x, built.values(x).tolist(), label=_label(built, "curve"))
    _decorate_curve_axes(ax, [built])
    _log_scale(ax, log)
    ax.set_title(wrap_title(title if title is not None else repr(built), 110), fontsize=9)
    return finish(fig, path)


def _decorate_curve_axes(ax: Axes, curves: Sequence[Curve]) -> None:
    kinds = {c.absolute for c in curves}
    if kinds == {True}:
        ax.set_ylabel("value λ(t) (absolute)")
    elif kinds == {False}:
        ax.set_ylabel("multiplier λ(t)")
    else:
        ax.set_ylabel("λ(t)")
    ax.set_xlabel("step t")
    ax.grid(True, alpha=0.3)


def plot_curves(
    curves: Mapping[str, CurveLike] | Sequence[CurveLike],
    steps: int,
    *,
    path: str | Path | None = None,
    title: str | None = None,
    log: bool = False,
) -> Figure:
    """Compare several curves on one axes, for ``t = 0 … steps − 1``.

    The legend sits below the axes (it never covers a line); a curve identical to an earlier
    one is drawn dashed and thicker-gapped on top of it and labelled ``(= earlier label)``, so
    that neither hides the other.

    Args:
        curves: a mapping ``label -> curve`` or a sequence of curves (Curve instances or
            callables; a name works here only for curves without required parameters).
        steps: how many steps to plot, >= 1 (more than ``MAX_POINTS`` are sampled).
        path: save the figure there as a PNG too.
        title: the figure title (long titles are wrapped).
        log: use a logarithmic y axis (values <= 0 are left out).

    Returns:
        The matplotlib Figure.
    """
    n = check_num_steps(steps)
    if isinstance(curves, Mapping):
        items = [(str(k), resolve_curve(v, {})) for k, v in curves.items()]
    elif isinstance(curves, (str, Curve)) or not isinstance(curves, Sequence):
        raise TypeError(
            f"curves must be a list of curves or a mapping label -> curve, got "
            f"{type(curves).__name__}; use plot_curve for a single curve"
        )
    else:
        built = [resolve_curve(c, {}) for c in curves]
        items = [(_label(c, repr(c)), c) for c in built]
    if not items:
        raise ValueError("curves is empty; give at least one curve to plot")
    x = _sample(n)
    lines: list[tuple[str, list[float], dict[str, Any]]] = []
    for i, (label, built_curve) in enumerate(items):
        y = [float(v) for v in built_curve.values(x).tolist()]
        same = [earlier for earlier, ys, _ in lines if ys == y]
        style: dict[str, Any]
        if same:  # dashed over the earlier line, which stays visible between the dashes
            style = {"ls": (i % 4 * 2, (3, 3)), "lw": 2.0, "label": f"{label} (= {same[0]})"}
        else:  # matplotlib cycles 10 colours, then the line style changes
            style = {"ls": ("-", "--", ":", "-.")[(i // 10) % 4], "label": label}
        lines.append((label, y, style))
    # the legend goes below the axes, in as many columns as the labels' length allows
    widest = max(len(style["label"]) for _, _, style in lines) + 6
    ncols = max(1, min(3, 130 // widest))
    rows = -(-len(lines) // ncols)
    fig, (ax,) = figure(height=3.4 + 0.2 * rows)
    for _, y, style in lines:
        _draw(ax, x, y, **style)
    _decorate_curve_axes(ax, [c for _, c in items])
    _log_scale(ax, log)
    fig.legend(loc="outside lower center", ncols=ncols, fontsize=7, frameon=False)
    if title is not None:
        ax.set_title(wrap_title(title), fontsize=10)
    return finish(fig, path)


# -- schedules -------------------------------------------------------------------------------


def plot_schedule(
    schedule: LRScheduler,
    steps: int,
    *,
    metrics: MetricsLike = None,
    path: str | Path | None = None,
    title: str | None = None,
    log_scale: bool = False,
) -> Figure:
    """Plot what a schedule will write, one panel per scheduled key, without training.

    Each panel shows one key (``lr``, ``weight_decay``, ``betas[0]`` …); when the param
    groups receive different values there is one line per group (labelled ``group g``, also
    for ``groups=`` schedules: a group no schedule drives is drawn at its current value, a
    group without the key is left out), otherwise one line. The schedule and its optimizer
    are not changed (see :func:`schedule_values`).

    Args:
        schedule: any ``LRScheduler``: ours, torch's, adapted, or a ``SynchronousSchedule``.
        steps: how many steps to plot (step 0 is the schedule's current step), >= 1.
        metrics: the metrics fed to a metric-driven schedule (see :func:`schedule_values`).
        path: save the figure there as a PNG too.
        title: the figure title.
        log_scale: use a logarithmic y axis (for values spanning decades).

    Returns:
        The matplotlib Figure.
    """
    values = schedule_values(schedule, steps, metrics=metrics)
    n = check_num_steps(steps)
    start = int(schedule.last_epoch)
    x = range(start, start + n)
    fig, axes = figure(nrows=len(values))
    for ax, (name, per_group) in zip(axes, values.items()):
        same = all(row == per_group[0] for row in per_group[1:])
        if same:
            _draw(ax, x, per_group[0], label=name)
        else:
            drawn: list[tuple[int, list[Any]]] = []
            for g, row in enumerate(per_group):
                if not row or row[0] is None:  # None: the group does not hold the key
                    continue
                twins = [h for h, earlier in drawn if earlier == row]
                if twins:  # dashed over the earlier line, which stays visible between dashes
                    _draw(
                        ax,
                        x,
                        row,
                        ls=(g % 4 * 2, (3, 3)),
                        lw=2.0,
                        label=f"group {g} (= group {twins[0]})",
                    )
                else:
                    _draw(ax, x, row, label=f"group {g}")
                drawn.append((g, row))
            ax.legend(fontsize=7, loc="best", framealpha=0.8)
        if log_scale:
            ax.set_yscale("log")
        ax.set_ylabel(name)
        ax.grid(True, alpha=0.3)
    axes[-1].set_xlabel("step")
    if title is not None:
        fig.suptitle(wrap_title(title))
    return finish(fig, path)


# -- comparison plots ------------------------------------------------------------------------


def plot_warmup_schedules(
    warmup_steps: int = 1000,
    total_steps: int = 10000,
    *,
    names: Sequence[str] | None = None,
    path: str | Path | None = None,
) -> Figure:
    """Compare warmup curves over ``total_steps`` steps with ``warmup_steps`` of warmup.

    By default every registered curve whose name contains ``"warmup"`` (but not
    ``"inverse"``: inverse warmups fall from ``warmup_multiplier``× and would squash the
    others; name them to include them) and whose required parameters are a warmup length, a
    total length, a peak (1.0), a floor (0.0) or a start (1e-3) is drawn, whichever plugin
    registered it; ``names`` picks the curves.

    Args:
        warmup_steps: warmup length passed to each curve (``warmup_steps`` /
            ``num_warmup_steps``).
        total_steps: the plotted horizon and the curves' total length.
        names: registered curve names to compare (default: the warmup curves).
        path: save the figure there as a PNG too.

    Returns:
        The matplotlib Figure.
    """
    total = check_step_count("total_steps", total_steps, minimum=1)
    warmup = check_step_count("warmup_steps", warmup_steps)
    if warmup > total:
        raise ValueError(
            f"warmup_steps ({warmup}) must be <= total_steps ({total}); lengthen total_steps"
        )
    roles: Roles = [
        (WARMUP_NAMES, warmup),
        (TOTAL_NAMES, total),
        (PEAK_NAMES, 1.0),
        (FLOOR_NAMES, 0.0),
        (START_NAMES, 1e-3),
    ]
    curves = comparison_curves(("warmup",), ("inverse",), names, roles)
    return plot_curves(
        curves, total, path=path, title=f"warmup curves: {warmup} warmup steps of {total}"
    )


def plot_cyclical_schedules(
    total_steps: int = 10000,
    *,
    cycle_steps: int | None = None,
    names: Sequence[str] | None = None,
    path: str | Path | None = None,
) -> Figure:
    """Compare cyclical curves (cyclic, one-cycle, warm restarts) over ``total_steps`` steps.

    By default every registered curve whose name contains ``"cycl"`` or ``"restart"`` and whose
    required parameters this plot can fill is drawn: total length = ``total_steps``, cycle or
    half-cycle length (``step_size``, ``t_0``, ``cycle_steps``) = ``cycle_steps`` (default
    ``total_steps // 8``), peak 1.0, floor 0.1.

    Args:
        total_steps: the plotted horizon.
        cycle_steps: the (half-)cycle length given to the curves.
        names: registered curve names to compare.
        path: save the figure there as a PNG too.

    Returns:
        The matplotlib Figure.
    """
    total = check_step_count("total_steps", total_steps, minimum=2)
    cycle = (
        max(1, total // 8)
        if cycle_steps is None
        else check_step_count("cycle_steps", cycle_steps, minimum=1)
    )
    roles: Roles = [
        (TOTAL_NAMES, total),
        (("step_size", "step_size_up", "t_0", "T_0", "cycle_steps", "cycle_length"), cycle),
        (("base_lr", *FLOOR_NAMES), 0.1),  # a cyclical curve's base_lr is its floor
        (PEAK_NAMES, 1.0),
        (START_NAMES, 0.1),
    ]
    curves = comparison_curves(("cycl", "restart"), (), names, roles)
    title = f"cyclical curves over {total} steps (cycle {cycle})"
    return plot_curves(curves, total, path=path, title=title)
