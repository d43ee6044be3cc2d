"""Plots of curves and schedules, made before training (matplotlib, an optional extra).

Install the extra with ``pip install "torch-schedule-anything[plot]"``. matplotlib is imported
inside these functions only, so ``import torch_schedule_anything`` never loads it.

Every function returns a :class:`matplotlib.figure.Figure` built without ``pyplot`` (no global
figure state, works headless); ``path=`` also saves it as a PNG. In Jupyter the returned figure
displays itself; in a script, save it (``path=`` or ``fig.savefig``).

Nothing here touches the optimizer or scheduler it is given:

* curves are evaluated in closed form with ``curve.values(range(steps))``;
* a :class:`~torch_schedule_anything.CurveSchedule` (or a
  :class:`~torch_schedule_anything.SynchronousSchedule` of them) is evaluated in closed form:
  ``value_g(t) = base_g × λ(t)`` (multiplier curve) or ``λ(t)`` (absolute curve);
* any other scheduler (torch's own, an adapted one, a mix) is stepped on a **deep copy** whose
  parameters are shared with the original but whose param groups and scheduler state are
  copies, so the original optimizer, its values and the scheduler's step are left as they were.
"""

from __future__ import annotations

import copy
import inspect
import itertools
import textwrap
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from .adapter import AdaptedSchedule, ParamGroupAdapter
from .checks import check_step_count
from .curve_schedule import CurveSchedule, as_curve
from .curves.base import Curve
from .param_groups import Slot
from .registry import build_curve, curve_entry, list_curves
from .synchronizer import (
    SynchronousSchedule,
    _needs_metrics,
    _root_optimizer,
    schedule_groups,
    schedule_name,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "INSTALL_HINT",
    "curve_values",
    "plot_curve",
    "plot_curves",
    "plot_cyclical_schedules",
    "plot_schedule",
    "plot_warmup_schedules",
    "schedule_values",
]

#: What to run when matplotlib is missing.
INSTALL_HINT = 'pip install "torch-schedule-anything[plot]"'

CurveLike: TypeAlias = "Curve | str | Callable[[int], float]"
MetricsLike: TypeAlias = "Sequence[float] | Callable[[int], float] | None"


def _figure(nrows: int = 1, width: float = 8.0, height: float = 3.2) -> tuple[Figure, list[Axes]]:
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


def _finish(fig: Figure, path: str | Path | None) -> Figure:
    if path is not None:
        fig.savefig(png_path(path), dpi=100)
    return fig


def _wrap(title: str, width: int = 90) -> str:
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


def _check_steps(steps: Any) -> int:
    out = check_step_count("steps", steps, minimum=1)
    return out


def _resolve_curve(curve: CurveLike, params: Mapping[str, Any]) -> Curve:
    if isinstance(curve, str):
        return build_curve(curve, dict(params))
    if params:
        raise TypeError(
            f"parameters {sorted(params)} are only used with a curve name; "
            f"{type(curve).__name__} is already built"
        )
    return as_curve(curve)


def _label(curve: Curve, fallback: str) -> str:
    return curve.name or fallback


def curve_values(curve: CurveLike, steps: int, **params: Any) -> list[float]:
    """λ(t) for ``t = 0 … steps − 1``, in closed form (``curve.values(range(steps))``).

    Args:
        curve: a :class:`~torch_schedule_anything.Curve`, a registered curve name (built with
            ``**params``) or a callable ``step -> λ``.
        steps: how many steps, >= 1.
        **params: the curve's parameters when ``curve`` is a name.

    Example:
        >>> curve_values("linear_schedule_with_warmup", 5, warmup_to_value=1.0,
        ...              anneal_to_value=0.0, num_warmup_steps=2, num_training_steps=4)
        [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    n = _check_steps(steps)
    built = _resolve_curve(curve, params)
    return [float(v) for v in built.values(range(n)).tolist()]


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
    n = _check_steps(steps)
    built = _resolve_curve(curve, params)
    fig, (ax,) = _figure()
    x = _sample(n)
    _draw(ax, x, built.values(x).tolist(), label=_label(built, "curve"))
    _decorate_curve_axes(ax, [built])
    _log_scale(ax, log)
    ax.set_title(_wrap(title if title is not None else repr(built), 110), fontsize=9)
    return _finish(fig, path)


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
    n = _check_steps(steps)
    if isinstance(curves, Mapping):
        items = [(str(k), _resolve_curve(v, {})) for k, v in curves.items()]
    elif isinstance(curves, (str, Curve)) or not isinstance(curves, Sequence):
        raise TypeError(
            f"curves must be a list of curves or a mapping label -> curve, got "
            f"{type(curves).__name__}; use plot_curve for a single curve"
        )
    else:
        built = [_resolve_curve(c, {}) for c in curves]
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
    fig, (ax,) = _figure(height=3.4 + 0.2 * rows)
    for _, y, style in lines:
        _draw(ax, x, y, **style)
    _decorate_curve_axes(ax, [c for _, c in items])
    _log_scale(ax, log)
    fig.legend(loc="outside lower center", ncols=ncols, fontsize=7, frameon=False)
    if title is not None:
        ax.set_title(_wrap(title), fontsize=10)
    return _finish(fig, path)


# -- schedules -------------------------------------------------------------------------------


def _metric_at(metrics: MetricsLike, step: int) -> float:
    if callable(metrics):
        return float(metrics(step))
    if metrics is None:  # guarded by the caller
        raise ValueError("metrics is required")
    return float(metrics[step])


def _closed_form_driven(schedule: CurveSchedule, n: int) -> list[list[float]]:
    """``[g][i]``: driven group ``g``'s value at step ``last_epoch + i``, without stepping."""
    start = schedule.last_epoch
    lam = schedule.curve.values(range(start, start + n)).tolist()
    if schedule.curve.absolute:
        return [list(lam) for _ in schedule.base_lrs]
    return [[base * v for v in lam] for base in schedule.base_lrs]


def _closed_form(schedules: Sequence[CurveSchedule], n: int) -> list[list[Any]]:
    """``[group][i]`` values of one key at steps ``last_epoch + i``, one row per param group.

    Merged from the key's schedules; a group none of them drives (``groups=``) holds its
    current value (``None`` where it does not hold the key).
    """
    first = schedules[0]
    if len(schedules) == 1 and first.groups is None:
        return _closed_form_driven(first, n)
    binding = first._binding
    rows: list[list[Any]] = [[binding._peek(g)] * n for g in first.optimizer.param_groups]
    for schedule in schedules:
        for index, row in zip(schedule._binding.indices, _closed_form_driven(schedule, n)):
            rows[index] = row
    return rows


def _members(schedule: LRScheduler) -> dict[str, list[LRScheduler]]:
    """The schedules of every key (several per key when built with disjoint ``groups=``)."""
    members = (
        list(schedule.schedules.values())
        if isinstance(schedule, SynchronousSchedule)
        else [schedule]
    )
    by_key: dict[str, list[LRScheduler]] = {}
    for member in members:
        by_key.setdefault(schedule_name(member), []).append(member)
    return by_key


def _read_or_none(slot: Slot, group: dict[str, Any], index: int) -> float | None:
    """A group's value of ``slot``; ``None`` where a ``groups=`` schedule left the key out."""
    if slot.key not in group:
        return None
    return slot.read_float(group, index)


def schedule_values(
    schedule: LRScheduler,
    steps: int,
    *,
    metrics: MetricsLike = None,
) -> dict[str, list[list[float]]]:
    """The values a schedule will write, ``{key: [[value at step i for i] for each group]}``.

    Row ``i`` is the value in force after ``i`` more calls to ``step()`` from the schedule's
    current step (``i = 0`` is the value now). The schedule and its optimizer are not changed:
    curve schedules are evaluated in closed form, anything else is stepped on a deep copy.
    There is one list per param group of the optimizer: with ``groups=`` schedules (several
    per key in a ``SynchronousSchedule``) the values are merged per group, and a group that
    no schedule drives holds its current value (``None`` where it does not hold the key).

    Args:
        schedule: a ``CurveSchedule``, a ``SynchronousSchedule``, a schedule from
            ``arbitrary_schedule_factory`` or a plain torch scheduler (drives ``"lr"``).
        steps: how many values per key, >= 1.
        metrics: for metric-driven schedules (``ReduceLROnPlateau``): the metric passed to the
            ``i``-th step, as a sequence of at least ``steps − 1`` numbers or a callable
            ``i -> metric``.

    Raises:
        TypeError: ``schedule`` is not an ``LRScheduler``.
        ValueError: a metric-driven schedule without ``metrics``, or too few metrics.

    Example:
        >>> import torch, torch_schedule_anything as sa
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> s = sa.arbitrary_schedule_factory(
        ...     opt, lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5))
        >>> schedule_values(s, 5)
        {'lr': [[1.0, 1.0, 0.5, 0.5, 0.25]]}
        >>> opt.param_groups[0]["lr"], s.last_epoch
        (1.0, 0)
    """
    if not isinstance(schedule, LRScheduler):
        raise TypeError(
            f"schedule must be a torch LRScheduler (a CurveSchedule, SynchronousSchedule, "
            f"adapted or plain torch scheduler), got {type(schedule).__name__}; to plot a "
            f"curve use plot_curve"
        )
    n = _check_steps(steps)
    members = _members(schedule)
    if all(isinstance(m, CurveSchedule) for ms in members.values() for m in ms):
        return {name: _closed_form(ms, n) for name, ms in members.items()}  # type: ignore[arg-type]
    metric_driven = any(_needs_metrics(m) for ms in members.values() for m in ms)
    if metric_driven:
        if metrics is None:
            raise ValueError(
                "the schedule is metric-driven (ReduceLROnPlateau): pass metrics=, a list of "
                f"the {n - 1} validation metrics to feed its steps or a callable step -> metric"
            )
        if not callable(metrics) and len(metrics) < n - 1:
            raise ValueError(
                f"metrics has {len(metrics)} values but plotting {n} steps needs {n - 1}"
            )
    return _simulate(schedule, members, n, metrics if metric_driven else None)


def _simulate(
    schedule: LRScheduler,
    members: Mapping[str, list[LRScheduler]],
    n: int,
    metrics: MetricsLike,
) -> dict[str, list[list[float]]]:
    optimizer: Optimizer = _root_optimizer(next(iter(members.values()))[0])
    memo: dict[int, Any] = {}
    for group in optimizer.param_groups:  # share the (possibly large) parameters
        for param in group["params"]:
            memo[id(param)] = param
    memo[id(optimizer.state)] = optimizer.state  # and the optimizer state (never touched)
    copy.deepcopy(optimizer, memo)  # the twin optimizer: copied param groups
    for member in (m for ms in members.values() for m in ms):
        # ParamGroupAdapter is an Optimizer, whose __getstate__ keeps only its param groups;
        # copy its attributes by hand so that the twin adapter points at the twin optimizer.
        if isinstance(member, AdaptedSchedule) and id(member.adapter) not in memo:
            twin_adapter = ParamGroupAdapter.__new__(ParamGroupAdapter)
            memo[id(member.adapter)] = twin_adapter
            twin_adapter.__dict__.update(copy.deepcopy(member.adapter.__dict__, memo))
    twin = copy.deepcopy(schedule, memo)
    twin_members = _members(twin)
    twin_opt: Optimizer = _root_optimizer(next(iter(twin_members.values()))[0])
    slots = {name: Slot(name) for name in members}
    out: dict[str, list[list[Any]]] = {
        name: [[] for _ in twin_opt.param_groups] for name in members
    }
    partial = {
        name for name, ms in members.items() if any(schedule_groups(m) is not None for m in ms)
    }

    def record() -> None:
        for name, slot in slots.items():
            read = _read_or_none if name in partial else Slot.read_float
            for g, group in enumerate(twin_opt.param_groups):
                out[name][g].append(read(slot, group, g))

    with warnings.catch_warnings():
        # Stepping a scheduler whose optimizer never stepped makes torch warn; that is the point.
        warnings.filterwarnings(
            "ignore", message=r"(?s).*optimizer\.step\(\)", category=UserWarning
        )
        record()
        for i in range(n - 1):
            if metrics is None:
                twin.step()
            elif isinstance(twin, SynchronousSchedule):
                twin.step(metrics=_metric_at(metrics, i))
            else:
                cast(Any, twin).step(_metric_at(metrics, i))
            record()
    return out


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
    n = _check_steps(steps)
    start = int(schedule.last_epoch)
    x = range(start, start + n)
    fig, axes = _figure(nrows=len(values))
    for ax, (name, per_group) in zip(axes, values.items()):
        same = all(row == per_group[0] for row in per_group[1:])
        if same:
            _draw(ax, x, per_group[0], label=name)
        else:
            for g, row in enumerate(per_group):
                if row and row[0] is not None:  # None: the group does not hold the key
                    _draw(ax, x, row, label=f"group {g}")
            ax.legend(fontsize=7, loc="best", framealpha=0.8)
        if log_scale:
            ax.set_yscale("log")
        ax.set_ylabel(name)
        ax.grid(True, alpha=0.3)
    axes[-1].set_xlabel("step")
    if title is not None:
        fig.suptitle(_wrap(title))
    return _finish(fig, path)


# -- comparison plots (seed 002) ------------------------------------------------------------

# Parameter names a comparison plot knows how to fill, by role. Curves registered by any
# plugin are plotted when every required parameter of theirs has a role.
_WARMUP_NAMES = ("warmup_steps", "num_warmup_steps", "warmup")
_TOTAL_NAMES = ("total_steps", "num_training_steps", "training_steps", "max_steps")
_PEAK_NAMES = ("base_lr", "max_lr", "warmup_to_value", "peak_value", "max_value", "value")
_FLOOR_NAMES = ("min_lr", "anneal_to_value", "end_value", "min_value", "final_value")
_START_NAMES = ("start_lr", "start_value", "init_value", "initial_value")


Roles = Sequence[tuple[tuple[str, ...], Any]]


def _fill(name: str, roles: Roles) -> dict[str, Any] | None:
    """The parameters to build curve ``name`` from ``roles`` (first match wins); ``None`` if a
    required parameter matches no role."""
    factory = curve_entry(name).obj
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):
        return None
    params: dict[str, Any] = {}
    for pname, parameter in signature.parameters.items():
        if pname == "self" or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        for names, value in roles:
            if pname in names:
                params[pname] = value
                break
        else:
            if parameter.default is parameter.empty:
                return None
    return params


def _comparison(
    keywords: tuple[str, ...],
    excluded: tuple[str, ...],
    names: Sequence[str] | None,
    roles: Roles,
    steps: int,
    path: str | Path | None,
    title: str,
) -> Figure:
    chosen = (
        list(names)
        if names is not None
        else [
            n
            for n in list_curves()
            if any(k in n for k in keywords) and not any(k in n for k in excluded)
        ]
    )
    curves: dict[str, Curve] = {}
    for name in chosen:
        filled = _fill(name, roles)
        if filled is None:
            if names is not None:
                raise ValueError(
                    f"curve {name!r} has a required parameter this comparison cannot fill "
                    f"(it takes {curve_entry(name).parameters}); plot it with plot_curve"
                )
            continue
        try:
            curves[name] = build_curve(name, filled)
        except (TypeError, ValueError):
            if names is not None:
                raise
    if not curves:
        raise ValueError(
            f"no registered curve matches {list(keywords)} with parameters this plot can fill; "
            f"pass names=[...] (registered: {list_curves()})"
        )
    return plot_curves(curves, steps, path=path, title=title)


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
        (_WARMUP_NAMES, warmup),
        (_TOTAL_NAMES, total),
        (_PEAK_NAMES, 1.0),
        (_FLOOR_NAMES, 0.0),
        (_START_NAMES, 1e-3),
    ]
    return _comparison(
        ("warmup",),
        ("inverse",),
        names,
        roles,
        total,
        path,
        f"warmup curves: {warmup} warmup steps of {total}",
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
        (_TOTAL_NAMES, total),
        (("step_size", "step_size_up", "t_0", "T_0", "cycle_steps", "cycle_length"), cycle),
        (("base_lr", *_FLOOR_NAMES), 0.1),  # a cyclical curve's base_lr is its floor
        (_PEAK_NAMES, 1.0),
        (_START_NAMES, 0.1),
    ]
    return _comparison(
        ("cycl", "restart"),
        (),
        names,
        roles,
        total,
        path,
        f"cyclical curves over {total} steps (cycle {cycle})",
    )
