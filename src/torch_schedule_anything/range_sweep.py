"""Range tests for any hyperparameter: the learning-rate finder, for every key.

:func:`range_test` trains the model for at most ``num_steps`` steps while it sweeps one key
of every param group (``lr``, ``weight_decay``, ``momentum``, ``betas[0]``, a custom key) from
``start_value`` to ``end_value``, records the loss at every step, stops early when the loss
diverges, and suggests a value. Afterwards the model and the optimizer are put back exactly
as they were (also when ``loss_fn`` raises).

The sweep, for step ``k = 0 … N − 1`` with ``N = num_steps``:

* ``"exp"``:    ``v_k = start × (end / start) ** (k / (N − 1))`` (evenly spaced in log);
* ``"linear"``: ``v_k = start + (end − start) × k / (N − 1)``.

``v_0 = start`` and ``v_{N−1} = end`` exactly. With ``relative=False`` (the default) ``v_k``
is written into every group; with ``relative=True`` group ``g`` gets ``base_g × v_k``, where
``base_g`` is the group's recorded base (``initial_<key>``, when a schedule recorded one) or
else its current value.

The smoothed loss is an exponential moving average with bias correction (as in fastai and
Lightning's learning-rate finders)::

    a_k = β a_{k−1} + (1 − β) L_k,   a_{−1} = 0,   s_k = a_k / (1 − β^(k+1))      (β = beta)

The sweep stops after step ``k`` when ``L_k`` is NaN or infinite, or when
``s_k > divergence_factor × min(s_0 … s_{k−1})`` (``k ≥ 1``, the best smoothed loss > 0).

The suggestion is the value at the steepest descent of the smoothed loss against
``log v`` (``"exp"``) or ``v`` (``"linear"``): the most negative slope by central differences
(one-sided at the ends, as ``numpy.gradient``), searched from step ``skip_begin`` (10, as in
Lightning's finder: the first averages hold few batches) up to the step of the lowest
smoothed loss (a rise after the minimum is divergence, not a descent to choose).
Because the sweep points are evenly spaced in ``log v`` (or ``v``), this is the steepest
descent per step.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import nn
from torch.optim import Optimizer

from .binding import check_value, forget_steps, has_stepped, recorded_bases
from .checks import check_choice, check_real, check_step_count
from .param_groups import Slot

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["MODES", "RangeTestResult", "range_test"]

#: The sweep modes: geometric (``"exp"``) or arithmetic (``"linear"``) spacing.
MODES = ("exp", "linear")

_OWNER = "range_test"


@dataclass
class RangeTestResult:
    """What :func:`range_test` measured; one entry per step run (fewer than ``num_steps``
    when it stopped early).

    Attributes:
        target: the key swept (``"lr"``, ``"betas[0]"`` …).
        mode: ``"exp"`` or ``"linear"``.
        relative: whether the sweep points were multipliers of each group's base.
        sweep: the sweep points ``v_k`` of the steps run (values, or multipliers when
            ``relative``).
        values: the key's value at every step: a float per step when every group held the
            same value, else a list per step with one value per group (``values[k][g]``).
        per_group: whether ``values`` (and ``suggestion``) hold one entry per group.
        losses: the smoothed loss ``s_k`` per step (NaN at a non-finite raw loss).
        raw_losses: the loss ``L_k`` that ``loss_fn`` returned per step.
        suggestion: the suggested value (a list per group when ``per_group``); ``None`` when
            no descent could be measured (see ``rule``).
        suggestion_index: the step of the suggestion, or ``None``.
        rule: how the suggestion was chosen, in words, with the numbers.
        stop_reason: why the sweep stopped before ``num_steps``, or ``None``.
        num_steps: the steps asked for.
        bases: each group's base (``relative``), else each group's value before the sweep.
    """

    target: str
    mode: str
    relative: bool
    sweep: list[float]
    values: list[Any]
    per_group: bool
    losses: list[float]
    raw_losses: list[float]
    suggestion: float | list[float] | None
    suggestion_index: int | None
    rule: str
    stop_reason: str | None
    num_steps: int
    bases: list[float] = field(default_factory=list)

    @property
    def stopped_early(self) -> bool:
        """Whether the sweep stopped before ``num_steps`` (divergence)."""
        return self.stop_reason is not None

    def plot(self, path: str | Path | None = None, *, title: str | None = None) -> Figure:
        """The smoothed and raw losses against the swept value (log x axis for ``"exp"``),
        with the suggestion marked; ``path`` also saves it as a PNG. Needs matplotlib.

        When the groups held different values, the x axis is the multiplier of each
        group's base (``relative=True``) and the legend gives the per-group suggestion.
        """
        from .plot import figure, finish, wrap_title

        fig, (ax,) = figure(height=4.0)
        x = [v if not self.per_group else m for v, m in zip(self.values, self.sweep)]
        if self.per_group:
            xlabel = f"multiplier of each group's {self.target} (group g: base_g × multiplier)"
        elif self.relative:
            xlabel = f"{self.target} (base × multiplier)"
        else:
            xlabel = self.target
        ax.plot(x, self.raw_losses, color="C0", alpha=0.3, lw=0.9, label="loss")
        ax.plot(x, self.losses, color="C0", lw=1.8, label="smoothed loss")
        if self.mode == "exp":
            ax.set_xscale("log")
        finite = [s for s in self.losses if math.isfinite(s)]
        if finite:
            low = min(finite)
            lowest = self.losses.index(low)
            # the descent and a bounded part of the rise: a divergence spike would flatten it
            high = max(finite[: lowest + 1])
            rise = max(finite)
            top = min(rise, high + 0.5 * (high - low)) if high > low else max(rise, low + 1e-12)
            raw = [r for r in self.raw_losses if math.isfinite(r)]
            bottom = min([low, *raw])
            pad = 0.05 * (top - bottom) if top > bottom else abs(top) * 0.05 + 1e-12
            ax.set_ylim(bottom - pad, top + pad)
        if self.suggestion_index is not None:
            k = self.suggestion_index
            shown = self.suggestion
            text = (
                ", ".join(f"{v:.3g}" for v in shown) if isinstance(shown, list) else f"{shown:.3g}"
            )
            per = " (group 0, 1, …)" if isinstance(shown, list) else ""
            ax.axvline(x[k], color="C3", ls="--", lw=1.0)
            ax.plot([x[k]], [self.losses[k]], "o", color="C3", label=f"suggestion{per}: {text}")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("training loss")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, loc="best", framealpha=0.8)
        steps = f"{len(self.sweep)} of {self.num_steps} steps"
        stopped = "; stopped early: diverged" if self.stop_reason is not None else ""
        default = f"range test of {self.target!r} ({self.mode}, {steps}{stopped})"
        fig.suptitle(wrap_title(title if title is not None else default), fontsize=10)
        ax.set_title(wrap_title(self.rule, 130), fontsize=7, color="0.3")
        return finish(fig, path)


# -- the sweep and the rule ------------------------------------------------------------------


def sweep_points(start: float, end: float, num_steps: int, mode: str) -> list[float]:
    """``v_0 … v_{N−1}`` from ``start`` to ``end`` (both exact), geometric or arithmetic.

    Example:
        >>> sweep_points(1e-3, 1e-1, 3, "exp")
        [0.001, 0.01, 0.1]
        >>> sweep_points(0.0, 1.0, 5, "linear")
        [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    last = num_steps - 1
    if mode == "exp":
        ratio = end / start
        points = [start * ratio ** (k / last) for k in range(num_steps)]
    else:
        points = [start + (end - start) * (k / last) for k in range(num_steps)]
    points[0], points[-1] = start, end
    return points


def steepest_descent(
    points: Sequence[float], losses: Sequence[float], mode: str, skip_begin: int = 0
) -> int | None:
    """The index of the steepest descent of ``losses`` against ``log points`` (``"exp"``) or
    ``points`` (``"linear"``), searched from index ``skip_begin`` up to the lowest loss.

    Slopes are central differences, one-sided at the ends (``numpy.gradient``'s rule), over
    the losses before the first non-finite one. ``None`` when fewer than two finite losses,
    when the lowest loss comes at or before ``skip_begin`` (the loss never fell after it), or
    when no slope in the range is negative.

    Example:
        >>> steepest_descent([1, 10, 100, 1000, 10000], [5.0, 4.8, 3.0, 2.5, 9.0], "exp")
        2
    """
    finite = 0
    while finite < len(losses) and math.isfinite(losses[finite]):
        finite += 1
    if finite < 2:
        return None
    ys = list(losses[:finite])
    xs = [math.log(p) for p in points[:finite]] if mode == "exp" else list(points[:finite])
    lowest = min(range(finite), key=ys.__getitem__)
    if lowest <= skip_begin:
        return None
    slopes = {}
    for i in range(skip_begin, lowest + 1):
        left, right = max(i - 1, 0), min(i + 1, finite - 1)
        slopes[i] = (ys[right] - ys[left]) / (xs[right] - xs[left])
    best = min(slopes, key=slopes.__getitem__)
    return best if slopes[best] < 0 else None


# -- exact restoration -----------------------------------------------------------------------


def _tensors_in(value: Any) -> Iterator[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _tensors_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _tensors_in(item)


class _Snapshot:
    """Everything a sweep can change, kept so that :meth:`restore` puts it back exactly.

    The objects themselves are kept (the same Parameter, the same group dict, the same Tensor
    lr, the same state dict of a parameter) and their contents are copied back in place, so
    anything holding a reference (a scheduler, a compiled step, a hook) sees no difference.
    """

    def __init__(self, model: nn.Module, optimizer: Optimizer) -> None:
        self.model, self.optimizer = model, optimizer
        self.tensors: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}
        self.modules = [
            (m, m.training, dict(m._parameters), dict(m._buffers)) for m in model.modules()
        ]
        params: list[torch.Tensor] = [
            p for m in self.modules for p in m[2].values() if p is not None
        ]
        params += [p for g in optimizer.param_groups for p in g["params"]]
        self.grads = [(p, p.grad) for p in {id(p): p for p in params}.values()]
        for p, grad in self.grads:
            self._keep(p)
            if grad is not None:
                self._keep(grad)
        for _, _, _, buffers in self.modules:
            for buffer in buffers.values():
                if buffer is not None:
                    self._keep(buffer)
        self.group_list = list(optimizer.param_groups)
        self.groups = [(g, dict(g), list(g["params"])) for g in self.group_list]
        self.defaults = dict(optimizer.defaults)
        self.state = [(p, s, dict(s)) for p, s in optimizer.state.items()]
        self.attributes = dict(vars(optimizer))
        self.stepped = has_stepped(optimizer)
        for value in [
            *(v for _, items, _ in self.groups for v in items.values()),
            *self.defaults.values(),
            *(v for _, _, items in self.state for v in items.values()),
        ]:
            for tensor in _tensors_in(value):
                if not isinstance(tensor, nn.Parameter):
                    self._keep(tensor)

    def _keep(self, tensor: torch.Tensor) -> None:
        if id(tensor) not in self.tensors:
            self.tensors[id(tensor)] = (tensor, tensor.detach().clone())

    def restore(self) -> None:
        optimizer = self.optimizer
        with torch.no_grad():
            for module, training, parameters, buffers in self.modules:
                module.training = training
                module._parameters.clear()
                module._parameters.update(parameters)
                module._buffers.clear()
                module._buffers.update(buffers)
            for tensor, saved in self.tensors.values():
                same = tensor.shape == saved.shape and tensor.dtype == saved.dtype
                if same and tensor.device == saved.device:
                    tensor.copy_(saved)
                else:
                    tensor.data = saved.clone()
            for p, grad in self.grads:
                p.grad = grad
        for group, items, params in self.groups:
            group.clear()
            group.update(items)
            group["params"][:] = params
        optimizer.param_groups[:] = self.group_list
        optimizer.defaults.clear()
        optimizer.defaults.update(self.defaults)
        optimizer.state.clear()
        for p, state, items in self.state:
            state.clear()
            state.update(items)
            optimizer.state[p] = state
        for name in [n for n in vars(optimizer) if n not in self.attributes]:
            delattr(optimizer, name)
        for name, value in self.attributes.items():
            setattr(optimizer, name, value)
        if not self.stepped:
            forget_steps(optimizer)


# -- the range test --------------------------------------------------------------------------


def _check_arguments(
    model: Any,
    optimizer: Any,
    loss_fn: Any,
    start_value: Any,
    end_value: Any,
    num_steps: Any,
    mode: Any,
    beta: Any,
    divergence_factor: Any,
    relative: Any,
    one_value_for_all_groups: Any,
) -> tuple[float, float, int, float, float | None]:
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"model must be a torch.nn.Module (the model loss_fn trains), got "
            f"{type(model).__name__}"
        )
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}; pass "
            f"the optimizer whose param groups hold the key to sweep"
        )
    if not optimizer.param_groups:
        raise ValueError("the optimizer has no param groups; nothing to sweep")
    if not callable(loss_fn):
        raise TypeError(
            f"loss_fn must be a callable loss_fn(model, batch) -> scalar loss Tensor, got "
            f"{type(loss_fn).__name__}"
        )
    for name, flag in (
        ("relative", relative),
        ("one_value_for_all_groups", one_value_for_all_groups),
    ):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {type(flag).__name__} {flag!r}")
    check_choice("mode", mode, MODES)
    steps = check_step_count("num_steps", num_steps, minimum=2)
    start = check_real("start_value", start_value)
    end = check_real("end_value", end_value)
    if not start < end:
        raise ValueError(
            f"start_value must be < end_value (the sweep goes up), got start_value={start!r} "
            f"and end_value={end!r}"
        )
    if mode == "exp" and not start > 0:
        raise ValueError(
            f"start_value must be > 0 for mode='exp' (geometric spacing), got {start!r}; pass "
            f"a small positive start such as 1e-7, or mode='linear' to start at 0"
        )
    smoothing = check_real("beta", beta)
    if not 0.0 <= smoothing < 1.0:
        raise ValueError(f"beta (the smoothing factor) must be in [0, 1), got {smoothing!r}")
    factor = None
    if divergence_factor is not None:
        factor = check_real("divergence_factor", divergence_factor)
        if not factor > 1.0:
            raise ValueError(
                f"divergence_factor must be > 1 (stop when the smoothed loss exceeds that many "
                f"times the best one), or None to never stop early; got {factor!r}"
            )
    return start, end, steps, smoothing, factor


def _batches(batches: Any) -> Callable[[int], Any]:
    """``next_batch(step)``: ``batches`` in order, started again from its first batch when
    it runs out (a re-iterable such as a list or a DataLoader)."""
    if isinstance(batches, (str, bytes)) or not isinstance(batches, Iterable):
        raise TypeError(
            f"batches must be an iterable of batches (a list, a DataLoader), got "
            f"{type(batches).__name__}"
        )
    state: dict[str, Any] = {"it": iter(batches), "count": 0}

    def next_batch(step: int) -> Any:
        try:
            batch = next(state["it"])
        except StopIteration:
            if state["count"] == 0:
                raise ValueError("batches is empty: pass at least one batch") from None
            state["it"] = iter(batches)
            try:
                batch = next(state["it"])
            except StopIteration:
                raise ValueError(
                    f"batches ran out after {state['count']} batches at step {step} and cannot "
                    f"be iterated again (a generator or an iterator); pass a list or a "
                    f"DataLoader, which are started again from the first batch, or "
                    f"num_steps <= {state['count']}"
                ) from None
        state["count"] += 1
        return batch

    return next_batch


def _loss(value: Any, step: int) -> torch.Tensor:
    if not isinstance(value, torch.Tensor) or value.numel() != 1:
        shape = f" of shape {tuple(value.shape)}" if isinstance(value, torch.Tensor) else ""
        raise TypeError(
            f"loss_fn(model, batch) must return the loss as a one-element Tensor, got "
            f"{type(value).__name__}{shape} at step {step}"
        )
    if not value.requires_grad:
        raise TypeError(
            f"loss_fn(model, batch) returned a loss that does not require grad at step {step}; "
            f"compute it from the model's output (no torch.no_grad(), no .detach() or .item())"
        )
    return value


def range_test(
    model: nn.Module,
    optimizer: Optimizer,
    loss_fn: Callable[[nn.Module, Any], torch.Tensor],
    batches: Iterable[Any],
    schedule_target: str = "lr",
    start_value: float = 1e-7,
    end_value: float = 10.0,
    num_steps: int = 100,
    mode: str = "exp",
    *,
    relative: bool = False,
    one_value_for_all_groups: bool = False,
    beta: float = 0.98,
    divergence_factor: float | None = 4.0,
    skip_begin: int = 10,
) -> RangeTestResult:
    """Sweep ``schedule_target`` from ``start_value`` to ``end_value`` while training, and
    suggest a value; the model and the optimizer are restored exactly afterwards.

    Step ``k`` writes ``v_k`` (or ``base_g × v_k`` with ``relative=True``) into every param
    group, then runs ``optimizer.zero_grad(set_to_none=True)``,
    ``loss = loss_fn(model, batch)``, ``loss.backward()`` and ``optimizer.step()``, in train
    mode. See the module docstring for the sweep, the smoothing, the divergence rule and the
    suggestion rule.

    Args:
        model: the model ``loss_fn`` trains (its parameters, buffers, gradients and each
            submodule's train/eval mode are restored afterwards).
        optimizer: the optimizer; its param groups (every key, ``initial_*`` records
            included), ``defaults`` and state are restored afterwards, the same objects with
            the same contents (a Tensor lr is filled back in place).
        loss_fn: ``loss_fn(model, batch)`` returns the loss as a one-element Tensor.
        batches: an iterable of batches, taken in order; when it runs out before
            ``num_steps`` it is started again from its first batch (so pass a list or a
            DataLoader; a generator that runs out is an error).
        schedule_target: the key: ``"lr"``, ``"weight_decay"``, ``"momentum"``,
            ``"betas[0]"`` or a custom key; every group must hold it.
        start_value: the first sweep point (> 0 for ``"exp"``).
        end_value: the last sweep point, > ``start_value``.
        num_steps: the most steps to run, >= 2.
        mode: ``"exp"`` (geometric) or ``"linear"``.
        relative: ``False``: the sweep points are the values, written into every group.
            ``True``: they are multipliers of each group's base (its recorded
            ``initial_<key>``, else its current value), so groups keep their ratios.
        one_value_for_all_groups: with ``relative=False``, allow the sweep on groups that
            hold different values of the key (it writes one value into all of them).
            Without it such groups are refused: use ``relative=True``.
        beta: the smoothing factor β of the loss average, in [0, 1) (0: no smoothing).
        divergence_factor: stop when the smoothed loss exceeds this many times the best one
            (> 1), or ``None`` to stop only on a NaN or infinite loss.
        skip_begin: the suggestion is searched from this step on (>= 0; the first smoothed
            losses average only a few batches, so their slopes are mostly noise; Lightning's
            finder skips 10 too). Lowered to ``num_steps // 4`` for short sweeps.

    Returns:
        A :class:`RangeTestResult` (``values``, ``losses``, ``raw_losses``, ``suggestion``,
        ``rule``, ``plot(path)``).

    Raises:
        TypeError, ValueError: a bad argument (named, with the fix), before anything runs;
            a ``loss_fn`` result that is not a scalar Tensor with a graph; ``batches`` empty.
        KeyError: a group does not hold ``schedule_target``.

    Example:
        >>> import torch
        >>> torch.manual_seed(0) and None
        >>> model = torch.nn.Linear(3, 1)
        >>> opt = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> data = [(torch.randn(8, 3), torch.randn(8, 1)) for _ in range(4)]
        >>> def loss_fn(m, batch):
        ...     x, y = batch
        ...     return torch.nn.functional.mse_loss(m(x), y)
        >>> result = range_test(model, opt, loss_fn, data, "lr", 1e-4, 1.0, num_steps=20)
        >>> len(result.values), opt.param_groups[0]["lr"]
        (20, 0.1)
    """
    start, end, steps, smoothing, factor = _check_arguments(
        model,
        optimizer,
        loss_fn,
        start_value,
        end_value,
        num_steps,
        mode,
        beta,
        divergence_factor,
        relative,
        one_value_for_all_groups,
    )
    skip = min(check_step_count("skip_begin", skip_begin), steps // 4)
    slot = Slot(schedule_target)
    groups = optimizer.param_groups
    current = [slot.read_float(g, i) for i, g in enumerate(groups)]
    bases = recorded_bases(optimizer, slot)[0] if relative else current
    per_group = relative and any(b != bases[0] for b in bases)
    if not relative and not one_value_for_all_groups and any(c != current[0] for c in current):
        described = ", ".join(f"group {i}: {c!r}" for i, c in enumerate(current))
        raise ValueError(
            f"the param groups hold different values of {schedule_target!r} ({described}); an "
            f"absolute sweep would write one value into all of them. Pass relative=True to "
            f"sweep multipliers of each group's value (start_value and end_value are then "
            f"factors), or one_value_for_all_groups=True to write one value into every group "
            f"on purpose."
        )
    points = sweep_points(start, end, steps, mode)
    scale = bases if relative else [1.0] * len(groups)
    for point, what in ((start, "start_value"), (end, "end_value")):
        for g, base in enumerate(scale):
            try:
                check_value(base * point, schedule_target, g, None, _OWNER)
            except ValueError as exc:
                raise ValueError(f"{what}={point!r}: {exc}") from None
    next_batch = _batches(batches)

    swept: list[float] = []
    values: list[Any] = []
    raw: list[float] = []
    smoothed: list[float] = []
    average, best = 0.0, math.inf
    stop_reason: str | None = None
    snapshot = _Snapshot(model, optimizer)
    try:
        model.train()
        for k, point in enumerate(points):
            written = [base * point for base in scale]
            slot.write_each(groups, written)
            batch = next_batch(k)
            optimizer.zero_grad(set_to_none=True)
            loss = _loss(loss_fn(model, batch), k)
            value = float(loss.detach().item())
            where = (
                f"multiplier={point:.4g}" if per_group else f"{schedule_target}={written[0]:.4g}"
            )
            swept.append(point)
            values.append(written if per_group else written[0])
            raw.append(value)
            if not math.isfinite(value):
                smoothed.append(math.nan)
                stop_reason = f"the loss became {value} at step {k} ({where})"
                break
            loss.backward()
            optimizer.step()
            average = smoothing * average + (1.0 - smoothing) * value
            s = average / (1.0 - smoothing ** (k + 1))
            smoothed.append(s)
            if factor is not None and k > 0 and best > 0 and s > factor * best:
                stop_reason = (
                    f"the smoothed loss {s:.4g} exceeded {factor:g} x its best {best:.4g} at "
                    f"step {k} ({where})"
                )
                break
            best = min(best, s)
    finally:
        snapshot.restore()

    index = steepest_descent(swept, smoothed, mode, skip)
    what = "multiplier" if per_group else schedule_target
    against = f"log({what})" if mode == "exp" else what
    how = (
        f"steepest descent of the smoothed loss (moving average, beta={smoothing:g}, "
        f"bias-corrected) against {against}, from step {skip} up to its minimum"
    )
    suggestion: float | list[float] | None
    shown = swept if per_group else values  # multipliers, or the values written
    if index is None:
        suggestion = None
        rule = (
            f"{how}; none: the smoothed loss did not fall after step {skip} over {what} "
            f"{shown[0]:.4g} to {shown[-1]:.4g} (lower start_value, or more num_steps)"
        )
    else:
        chosen = [b * swept[index] for b in scale]
        suggestion = chosen if per_group else chosen[0]
        finite = [s for s in smoothed if math.isfinite(s)]
        lowest_at = smoothed.index(min(finite))
        rule = f"{how} at {what}={shown[lowest_at]:.4g}: {what}={shown[index]:.4g} (step {index})"
    return RangeTestResult(
        target=schedule_target,
        mode=mode,
        relative=relative,
        sweep=swept,
        values=values,
        per_group=per_group,
        losses=smoothed,
        raw_losses=raw,
        suggestion=suggestion,
        suggestion_index=index,
        rule=rule,
        stop_reason=stop_reason,
        num_steps=steps,
        bases=list(bases),
    )
