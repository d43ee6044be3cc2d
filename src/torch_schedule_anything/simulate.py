"""What a curve or a schedule will write, computed without training and without matplotlib.

The numbers behind the plots (:mod:`.plot` draws them), usable on their own:

* :func:`curve_values`: a curve in closed form, ``curve.values(range(steps))``;
* :func:`schedule_values`: what a schedule writes per key and per param group. A
  :class:`~torch_schedule_anything.CurveSchedule` (or a
  :class:`~torch_schedule_anything.SynchronousSchedule` of them) is evaluated in closed form,
  ``value_g(t) = base_g × λ(t)`` (multiplier curve) or ``λ(t)`` (absolute curve); any other
  scheduler (torch's own, an adapted one, a mix) is stepped on a **deep copy** whose
  parameters are shared with the original but whose param groups and scheduler state are
  copies, so the original optimizer, its values and the scheduler's step are left as they
  were;
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias, cast

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from .adapter import AdaptedSchedule, ParamGroupAdapter, is_metric_driven
from .checks import check_step_count
from .curve_schedule import CurveSchedule, as_curve
from .curves.base import Curve
from .param_groups import Slot
from .registry import build_curve
from .synchronizer import SynchronousSchedule, root_optimizer, schedule_groups, schedule_name

__all__ = [
    "CurveLike",
    "MetricsLike",
    "check_num_steps",
    "curve_values",
    "resolve_curve",
    "schedule_values",
]

CurveLike: TypeAlias = "Curve | str | Callable[[int], float]"
MetricsLike: TypeAlias = "Sequence[float] | Callable[[int], float] | None"


def check_num_steps(steps: Any) -> int:
    """``steps`` as an int >= 1 (how many values to compute or draw)."""
    return check_step_count("steps", steps, minimum=1)


def resolve_curve(curve: CurveLike, params: Mapping[str, Any]) -> Curve:
    """A curve from a Curve, a registered name (built with ``params``) or a callable."""
    if isinstance(curve, str):
        return build_curve(curve, dict(params))
    if params:
        raise TypeError(
            f"parameters {sorted(params)} are only used with a curve name; "
            f"{type(curve).__name__} is already built"
        )
    return as_curve(curve)


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
    n = check_num_steps(steps)
    built = resolve_curve(curve, params)
    return [float(v) for v in built.values(range(n)).tolist()]


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
    binding = first.binding
    rows: list[list[Any]] = [[binding.peek(g)] * n for g in first.optimizer.param_groups]
    for schedule in schedules:
        for index, row in zip(schedule.binding.indices, _closed_form_driven(schedule, n)):
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
    n = check_num_steps(steps)
    members = _members(schedule)
    if all(isinstance(m, CurveSchedule) for ms in members.values() for m in ms):
        return {name: _closed_form(ms, n) for name, ms in members.items()}  # type: ignore[arg-type]
    metric_driven = any(is_metric_driven(m) for ms in members.values() for m in ms)
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
    optimizer: Optimizer = root_optimizer(next(iter(members.values()))[0])
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
    twin_opt: Optimizer = root_optimizer(next(iter(twin_members.values()))[0])
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
            else:  # every metric-driven kind takes metrics= (torch's ReduceLROnPlateau too)
                cast(Any, twin).step(metrics=_metric_at(metrics, i))
            record()
    return out
