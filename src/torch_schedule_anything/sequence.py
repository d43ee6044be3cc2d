"""``SequentialSchedule``: phases run one after another on one key, curves or torch schedulers.

Training loops often hand over from a warmup to a PyTorch scheduler (or to
``ReduceLROnPlateau``) with an ``if step < warmup_steps`` branch. :func:`sequential` and
:func:`warmup_then` replace the branch with one real ``LRScheduler`` on any key. It is the
schedule-level form of :class:`~torch_schedule_anything.curves.Join` (curves only), with the same
rules: boundaries strictly increasing and >= 1, each phase from its own step 0, and a warmup of
0 steps is no warmup:

* phase ``i`` runs from ``boundaries[i−1]`` (0 for the first) to ``boundaries[i]``; the last
  runs for ever;
* a **curve** phase writes ``curve(t − b)`` (absolute) or ``base × curve(t − b)`` (multiplier):
  a closed form, like :class:`~torch_schedule_anything.CurveSchedule`;
* a **torch scheduler** phase is given as a factory ``lambda opt: StepLR(opt, ...)``. It is
  built when the sequence is built, on a private stand-in optimizer whose ``"lr"`` holds the
  key's value at attach time (its ``base_lr``), so a warmup that ran first never changes the
  base it decays from. It is stepped only while its phase is active: at the boundary ``b`` it
  shows its construction value (its step 0), at ``b + k`` it has been stepped ``k`` times.
  Nothing it writes leaks into the real optimizer before its phase.

``ReduceLROnPlateau`` phases are metric-driven: ``step(metrics=val_loss)`` (or
``step(val_loss)``) steps them; ``step()`` without a metric holds their value. Metrics given
during a phase that does not use them are ignored, so a loop can pass the validation loss
every time.

The state dict is plain data (the step, the boundaries, each curve's spec, each torch
scheduler's own state dict and its stand-in values), so a run stopped at any step, saved,
rebuilt with the same arguments and loaded continues with bitwise-identical values.
"""

from __future__ import annotations

import bisect
import copy
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from .adapter import (
    ParamGroupAdapter,
    check_torch_state,
    is_metric_driven,
    restore,
    snapshot,
    split_metrics,
)
from .binding import (
    Binding,
    BoundBases,
    GroupSelection,
    LastValues,
    RefusesTorchSequentialLR,
    check_step_order,
)
from .checks import check_boundaries, check_step
from .curve_schedule import check_one_value
from .curves.base import Curve
from .curves.compose import warmup_length
from .errors import add_note, external_stacklevel
from .horizon import NEVER, PastHorizonWarning, horizon_warning_message, warn_after
from .param_groups import as_float, curve_values
from .state import (
    KIND,
    check_groups,
    check_identity,
    read_floats,
    read_step,
    require_mapping,
    torch_state_mismatch,
)

__all__ = ["Phase", "SequentialSchedule", "sequential", "warmup_then"]

#: What a phase can be: a curve, or a factory ``stand_in_optimizer -> torch scheduler``.
Phase = Curve | Callable[[Optimizer], LRScheduler]


class _CurvePhase:
    __slots__ = ("curve", "fn")

    def __init__(self, curve: Curve) -> None:
        self.curve = curve
        self.fn = curve.__call__


class _TorchPhase:
    __slots__ = ("adapter", "metric_driven", "scheduler")

    def __init__(self, scheduler: LRScheduler, adapter: ParamGroupAdapter) -> None:
        self.scheduler = scheduler
        self.adapter = adapter
        self.metric_driven = is_metric_driven(scheduler)

    def stand_in_values(self) -> list[dict[str, float]]:
        """The stand-in's numeric keys (``lr``, ``initial_lr``, ...) per group, as floats."""
        out = []
        for shadow in self.adapter.param_groups:
            values = {}
            for key, value in shadow.items():
                if key == "params" or isinstance(value, bool):
                    continue
                if isinstance(value, (int, float)) or (
                    isinstance(value, torch.Tensor) and value.numel() == 1
                ):
                    values[key] = as_float(value)
            out.append(values)
        return out


def _private_stand_in(optimizer: Optimizer, binding: Binding) -> ParamGroupAdapter:
    """A stand-in whose ``lr`` holds the key's recorded bases, as floats, unshared."""
    adapter = ParamGroupAdapter(optimizer, binding.target, binding, share_record=False)
    for shadow, base in zip(adapter.param_groups, binding.bases):
        shadow["lr"] = base  # never the real Tensor: the phase must not write before its turn
    if "lr" in adapter.defaults:
        adapter.defaults["lr"] = binding.bases[0]
    return adapter


class SequentialSchedule(RefusesTorchSequentialLR, LastValues, BoundBases, LRScheduler):  # type: ignore[misc,override]
    """Run ``phases`` one after another on ``schedule_target``, split at ``boundaries``.

    With boundaries ``b₁ < … < b_n`` (``b₀ = 0``), phase ``i`` is active for
    ``b_i ≤ t < b_{i+1}`` and sees the local step ``t − b_i``:

    * a :class:`~torch_schedule_anything.curves.Curve` writes ``λ(t − b_i)`` (absolute curve)
      or ``base_g × λ(t − b_i)`` (multiplier curve; ``base_g`` = the key's value in group ``g``
      when the sequence was built);
    * a factory ``lambda opt: Scheduler(opt, ...)`` builds a torch scheduler on a private
      stand-in whose ``"lr"`` is ``base_g``; it has been stepped ``t − b_i`` times (metric-driven
      ones: once per call that carried a metric).

    Args:
        optimizer: the real optimizer (``.optimizer``).
        phases: two or more curves or scheduler factories.
        boundaries: ``len(phases) − 1`` strictly increasing steps >= 1.
        schedule_target: the key to drive (``"lr"``, ``"weight_decay"``, ``"betas[0]"``...).
        default_value: creates the key in groups that lack it (ignored where it exists).
        one_value_for_all_groups: allow absolute curve phases on groups whose bases differ
            (see :class:`~torch_schedule_anything.CurveSchedule`); otherwise wrap them in
            :class:`~torch_schedule_anything.curves.Multiplier`.
        groups: drive only some param groups (see
            :class:`~torch_schedule_anything.CurveSchedule`); torch scheduler phases see a
            stand-in of the selected groups only.

    Raises:
        ValueError: wrong or unordered boundaries, or a curve phase other than the last whose
            horizon is longer than its phase (a warmup longer than the schedule).
        TypeError: a phase is neither a curve nor a factory returning a torch scheduler.

    Example:
        >>> import torch
        >>> from torch.optim.lr_scheduler import StepLR
        >>> from torch_schedule_anything.curves import LinearWarmup
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> s = SequentialSchedule(
        ...     opt, [LinearWarmup(0.1, 2), lambda o: StepLR(o, step_size=2, gamma=0.5)], [2]
        ... )
        >>> values = [opt.param_groups[0]["lr"]]
        >>> for _ in range(5):
        ...     opt.step()
        ...     s.step()
        ...     values.append(opt.param_groups[0]["lr"])
        >>> values
        [0.0, 0.05, 0.1, 0.1, 0.05, 0.05]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        phases: Sequence[Phase],
        boundaries: Sequence[int],
        schedule_target: str = "lr",
        *,
        default_value: float | None = None,
        one_value_for_all_groups: bool = False,
        groups: GroupSelection | None = None,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}"
            )
        if isinstance(phases, (str, bytes, Mapping)) or not isinstance(phases, Sequence):
            raise TypeError(
                f"phases must be a list of curves or scheduler factories, e.g. "
                f"[LinearWarmup(1e-3, 100), lambda opt: StepLR(opt, 30)], got "
                f"{type(phases).__name__}"
            )
        if not phases:
            raise ValueError("phases is empty; give at least one phase")
        bounds = check_boundaries(boundaries, len(phases), "phases")
        starts = (0, *bounds)
        for i, phase in enumerate(phases):
            if isinstance(phase, type) or not (isinstance(phase, Curve) or callable(phase)):
                raise TypeError(
                    f"phases[{i}] must be a Curve instance or a factory "
                    f"lambda opt: Scheduler(opt, ...), got {phase!r}"
                )
            if isinstance(phase, Curve) and i < len(phases) - 1:
                end = phase.horizon
                length = starts[i + 1] - starts[i]
                if end is not None and end > length:
                    raise ValueError(
                        f"phases[{i}] ({phase!r}) runs for {end} steps but its phase from step "
                        f"{starts[i]} to boundary {starts[i + 1]} lasts {length}: the warmup is "
                        f"longer than its phase and would be cut before its peak. Set the "
                        f"boundary to {starts[i] + end}, or use sa.warmup_then(...), which "
                        f"takes it from the warmup."
                    )

        self._binding = binding = Binding(
            optimizer,
            schedule_target,
            owner=f"the sequence of {schedule_target!r}",
            default_value=default_value,
            groups=groups,
        )
        with binding.attaching():  # a failure takes back a key default_value created
            self._bind(optimizer, phases, starts, bounds, binding, one_value_for_all_groups)

    def _bind(
        self,
        optimizer: Optimizer,
        phases: Sequence[Phase],
        starts: tuple[int, ...],
        bounds: tuple[int, ...],
        binding: Binding,
        one_value_for_all_groups: bool,
    ) -> None:
        schedule_target = binding.target
        for i, phase in enumerate(phases):
            if isinstance(phase, Curve):
                try:
                    check_one_value(phase, binding, one_value_for_all_groups)
                except ValueError as exc:
                    add_note(exc, f"[torch_schedule_anything] in phases[{i}] of the sequence")
                    raise
        self.optimizer = optimizer
        self.schedule_target = schedule_target
        self.one_value_for_all_groups = one_value_for_all_groups
        self._n_groups = binding.n_groups
        #: The selected param-group indices (a tuple), or ``None`` for every group.
        self.groups = binding.selection
        self.boundaries = list(bounds)
        self._starts = starts

        built: list[_CurvePhase | _TorchPhase] = []
        for i, phase in enumerate(phases):
            if isinstance(phase, Curve):
                built.append(_CurvePhase(phase))
                continue
            adapter = _private_stand_in(optimizer, binding)
            try:
                scheduler = phase(adapter)
            except (KeyError, ValueError) as exc:
                add_note(
                    exc,
                    f"[torch_schedule_anything] phases[{i}] was built on a stand-in optimizer "
                    f"that shows only {schedule_target!r} (as 'lr'); options that drive other "
                    f"keys (cycle_momentum=True) need cycle_momentum=False here",
                )
                raise
            if not isinstance(scheduler, LRScheduler):
                raise TypeError(
                    f"phases[{i}] returned {type(scheduler).__name__}, not a torch LRScheduler; "
                    f"a plain function step -> value is a curve: wrap it as "
                    f"sa.curves.FunctionCurve(fn)"
                )
            if scheduler.optimizer is not adapter:
                raise ValueError(
                    f"phases[{i}] must build its scheduler on the optimizer it receives "
                    f"(lambda opt: StepLR(opt, ...)), not on the real optimizer"
                )
            built.append(_TorchPhase(scheduler, adapter))
        self._phases = built
        self.needs_metrics = any(isinstance(p, _TorchPhase) and p.metric_driven for p in built)
        last = built[-1]
        self._warn_after = (
            warn_after(last.curve, starts[-1]) if isinstance(last, _CurvePhase) else NEVER
        )

        self._active = 0
        self._write(0, 0)
        binding.commit()
        self.last_epoch = 0
        self._step_count = 1

    def _torch_phase_name(self) -> str:
        return f"a SequentialSchedule of {self.schedule_target!r}"

    def _check_seam(self, index: int) -> None:
        """Warn when a curve hands over to a torch scheduler that starts elsewhere.

        Called when ``step()`` enters phase ``index``. The torch scheduler starts from the key's
        value at attach time; a warmup that ends at another value makes the value jump at the
        boundary (a warmup to ``1e-3`` on an optimizer built with ``lr=0.1``).
        """
        before, after = self._phases[index - 1], self._phases[index]
        if not (isinstance(before, _CurvePhase) and isinstance(after, _TorchPhase)):
            return
        lam = before.fn(self._starts[index] - self._starts[index - 1])
        bases = self._binding.bases
        ends = curve_values(lam, before.curve.absolute, bases)
        starts = [as_float(shadow["lr"]) for shadow in after.adapter.param_groups]
        jumps = [
            f"group {g}: {end!r} -> {start!r}"
            for g, end, start in zip(self._binding.indices, ends, starts)
            if not math.isclose(end, start, rel_tol=1e-6, abs_tol=1e-300)
        ]
        if jumps:
            warnings.warn(
                f"the schedule of {self.schedule_target!r} jumps at boundary "
                f"{self._starts[index]} ({'; '.join(jumps)}): phases[{index - 1}] "
                f"({before.curve!r}) ends elsewhere than phases[{index}] "
                f"({type(after.scheduler).__name__}) starts, which is the key's recorded value "
                f"(its value when the sequence was built). Make the warmup reach that value "
                f"(a multiplier warmup to 1.0 does in every group), or build the optimizer with "
                f"{self.schedule_target!r} set to where the warmup ends.",
                UserWarning,
                stacklevel=external_stacklevel(),
            )

    # -- phases --------------------------------------------------------------------------------
    def phase_index(self, step: int) -> int:
        """The index of the phase active at ``step``."""
        return bisect.bisect_right(self.boundaries, step)

    @property
    def phases(self) -> list[Curve | LRScheduler]:
        """The phases: curves, and the torch schedulers built from the factories."""
        return [p.curve if isinstance(p, _CurvePhase) else p.scheduler for p in self._phases]

    def _write(self, t: int, index: int) -> None:
        """Write phase ``index``'s value for step ``t`` into the real param groups."""
        phase = self._phases[index]
        if isinstance(phase, _CurvePhase):
            lam = phase.fn(t - self._starts[index])
            values = curve_values(lam, phase.curve.absolute, self._binding.bases)
        else:
            values = [shadow["lr"] for shadow in phase.adapter.param_groups]
        self._last_values = self._binding.write_each(values, t)

    # -- the scheduler protocol ----------------------------------------------------------------
    def step(self, epoch: Any = None, *, metrics: Any = None) -> None:  # type: ignore[override]
        """Advance one step (or to ``epoch``) and write the active phase's value.

        ``metrics`` (or a positional value when a phase is metric-driven, as Lightning and
        :class:`~torch_schedule_anything.SynchronousSchedule` pass it) goes to the active
        ``ReduceLROnPlateau`` phase; without one that phase holds its value.
        """
        epoch, metrics = split_metrics(
            self.needs_metrics,
            epoch,
            metrics,
            f"no phase of this sequence on {self.schedule_target!r} is metric-driven",
        )
        if epoch is not None:
            self._jump(check_step(epoch))
            return
        if self._step_count == 1:
            check_step_order(self.optimizer)
        t = self.last_epoch + 1
        index = self.phase_index(t)
        if index != self._active:  # a seam: the next phase shows its own step 0
            self._check_seam(index)
            self._write(t, index)  # checks the values first
        else:
            phase = self._phases[index]
            if isinstance(phase, _TorchPhase):
                token = self._checkpoint(phase)
                try:
                    if not phase.metric_driven:
                        phase.scheduler.step()
                    elif metrics is not None:
                        phase.scheduler.step(metrics=metrics)  # type: ignore[call-arg]
                    self._write(t, index)
                except BaseException:
                    self._rollback(token)  # a rejected step changes nothing, its phase included
                    raise
            else:
                self._write(t, index)
        self._active = index
        self.last_epoch = t
        self._step_count += 1
        if t > self._warn_after:
            self._warn_past_horizon(t)

    def _jump(self, t: int) -> None:
        """``step(epoch)``: only curve phases can be evaluated at an arbitrary step."""
        index = self.phase_index(t)
        touched = range(min(index, self._active), max(index, self._active) + 1)
        torch_phases = [i for i in touched if isinstance(self._phases[i], _TorchPhase)]
        if torch_phases and t != self.last_epoch:
            raise ValueError(
                f"step(epoch={t}) from step {self.last_epoch} would cross the torch scheduler "
                f"phase(s) {torch_phases}, which are stateful and cannot jump; call step() "
                f"once per step (or save and load a state dict)"
            )
        self._write(t, index)
        self._step_count += 1
        self.last_epoch = t
        self._active = index

    def _checkpoint(self, only: _TorchPhase | None = None) -> Any:
        """What :meth:`_rollback` needs to undo the next step (see SynchronousSchedule).

        A step moves at most the torch phase it runs: ``only`` names it when it is known.
        """
        phases = [
            (p, snapshot(p.scheduler), [shadow["lr"] for shadow in p.adapter.param_groups])
            for p in ([only] if only is not None else self._phases)
            if isinstance(p, _TorchPhase)
        ]
        return self.last_epoch, self._step_count, self._active, phases

    def _rollback(self, token: Any) -> None:
        t, count, active, phases = token
        for phase, state, values in phases:
            restore(phase.scheduler, state)
            for shadow, value in zip(phase.adapter.param_groups, values):
                shadow["lr"] = value
        self._write(t, active)
        self.last_epoch, self._step_count, self._active = t, count, active

    def _warn_past_horizon(self, t: int) -> None:
        self._warn_after = NEVER
        last = self._phases[-1]
        if isinstance(last, _CurvePhase):
            end = self._starts[-1] + (last.curve.horizon or 0)
            message = horizon_warning_message(
                self.schedule_target, last.curve, t, end, self._last_values[0]
            )
            warnings.warn(message, PastHorizonWarning, stacklevel=external_stacklevel())

    def get_last_lr(self) -> list[float]:  # type: ignore[override]
        """The values written at the last step, one per param group (for any target); with
        ``groups=``, the groups outside the selection read as their current value."""
        return self._binding.expand(self._last_values)

    # -- state ---------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Plain data: the step, the boundaries, each phase's curve spec or scheduler state."""
        phases: list[dict[str, Any]] = []
        for phase in self._phases:
            if isinstance(phase, _CurvePhase):
                phases.append({"kind": "curve", "curve": phase.curve.spec()})
            else:
                phases.append(
                    {
                        "kind": "scheduler",
                        "scheduler": type(phase.scheduler).__name__,
                        "state": phase.scheduler.state_dict(),
                        "stand_in": phase.stand_in_values(),
                    }
                )
        state = {
            KIND: "SequentialSchedule",
            "schedule_target": self.schedule_target,
            "last_epoch": self.last_epoch,
            "_step_count": self._step_count,
            "base_lrs": list(self.base_lrs),
            "boundaries": list(self.boundaries),
            "phases": phases,
        }
        if self.groups is not None:
            state["groups"] = list(self.groups)
        return state

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore the step, the bases and every torch phase, then write that step's value.

        Build the sequence with the same phases and boundaries first. The whole dict is
        checked before anything changes (the torch phases field by field against their own
        ``state_dict()``); another kind of dict, another target, other boundaries, curves or
        scheduler types, or values that are not finite numbers raise naming the mismatch.
        """
        self._prepare_load(state_dict)()

    def _prepare_load(self, state_dict: Any, strict: bool = True) -> Callable[[], None]:
        """Check ``state_dict`` whole; return the function that applies it."""
        what = "SequentialSchedule"
        state = require_mapping(state_dict, what)
        check_identity(
            state,
            what,
            self.schedule_target,
            ("schedule_target", "last_epoch", "base_lrs", "boundaries", "phases"),
            ("_step_count", "groups"),
        )
        check_groups(state.get("groups"), self.groups, "the state dict", what)
        boundaries = state["boundaries"]
        if not isinstance(boundaries, (list, tuple)) or list(boundaries) != self.boundaries:
            raise ValueError(
                f"the state dict was saved with boundaries {boundaries!r} but this sequence "
                f"has {self.boundaries}; rebuild it with the saved boundaries"
            )
        saved = state["phases"]
        if not isinstance(saved, (list, tuple)) or len(saved) != len(self._phases):
            raise ValueError(
                f"the state dict's phases are {saved!r}; this sequence has "
                f"{len(self._phases)} phases"
            )
        bases = read_floats(state, "base_lrs", self._n_groups, what)
        t = read_step(state, "last_epoch", what)
        count = read_step(state, "_step_count", what) if "_step_count" in state else t + 1
        self._binding.check_values(bases, t)  # bases are values the key may hold
        loads: list[tuple[_TorchPhase, dict[str, Any], list[dict[str, Any]]]] = []
        for i, (phase, entry) in enumerate(zip(self._phases, saved)):
            where = f"phases[{i}] of the state dict"
            if not isinstance(entry, Mapping):
                raise TypeError(f"{where} must be a dict, got {type(entry).__name__}")
            if isinstance(phase, _CurvePhase):
                if (
                    set(entry) != {"kind", "curve"}
                    or entry["kind"] != "curve"
                    or (entry["curve"] != phase.curve.spec())
                ):
                    raise ValueError(
                        f"{where} is {dict(entry)} but this sequence has the curve "
                        f"{phase.curve.spec()}; rebuild the sequence with the saved phases"
                    )
                continue
            name = type(phase.scheduler).__name__
            if set(entry) != {"kind", "scheduler", "state", "stand_in"} or (
                entry["kind"] != "scheduler" or entry["scheduler"] != name
            ):
                raise ValueError(
                    f"{where} is {entry.get('scheduler', entry.get('kind'))!r} but this "
                    f"sequence has a {name}; rebuild the sequence with the saved phases"
                )
            check_torch_state(entry["state"], phase.scheduler, self._binding, f"{where}: ")
            stand_in = entry["stand_in"]
            why = torch_state_mismatch(stand_in, phase.stand_in_values(), "", self._n_groups)
            if why:
                raise ValueError(f"{where}: 'stand_in' does not fit this sequence: {why}")
            self._binding.check_values([values["lr"] for values in stand_in], t)
            loads.append((phase, copy.deepcopy(dict(entry["state"])), [dict(v) for v in stand_in]))
        index = self.phase_index(t)
        phase = self._phases[index]
        if isinstance(phase, _CurvePhase):
            lam = phase.fn(t - self._starts[index])
            values = curve_values(lam, phase.curve.absolute, bases)
        else:
            stand_ins = next(s for p, _, s in loads if p is phase)
            values = [s["lr"] for s in stand_ins]
        self._binding.check_values(values, t)

        def apply() -> None:
            for torch_phase, inner, stand_in_values in loads:
                torch_phase.scheduler.load_state_dict(inner)
                for shadow, saved_values in zip(torch_phase.adapter.param_groups, stand_in_values):
                    shadow.update({k: float(v) for k, v in saved_values.items()})
            self._binding.set_bases(list(bases))
            self.last_epoch, self._step_count, self._active = t, count, index
            self._write(t, index)

        return apply

    def __repr__(self) -> str:
        inner = ", ".join(
            repr(p.curve) if isinstance(p, _CurvePhase) else type(p.scheduler).__name__
            for p in self._phases
        )
        groups = "" if self.groups is None else f", groups={list(self.groups)}"
        return (
            f"SequentialSchedule(target={self.schedule_target!r}, [{inner}], "
            f"boundaries={self.boundaries}{groups}, last_epoch={self.last_epoch})"
        )


def sequential(
    optimizer: Optimizer,
    phases: Sequence[Phase],
    boundaries: Sequence[int],
    schedule_target: str = "lr",
    *,
    default_value: float | None = None,
    one_value_for_all_groups: bool = False,
    groups: GroupSelection | None = None,
) -> SequentialSchedule:
    """Build a :class:`SequentialSchedule` (see there): ``phases`` split at ``boundaries``.

    Example:
        >>> import torch, torch_schedule_anything as sa
        >>> from torch.optim.lr_scheduler import StepLR
        >>> from torch_schedule_anything.curves import CosineWarmup, CyclicLR
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], weight_decay=0.1)
        >>> s = sa.sequential(
        ...     opt,
        ...     [CosineWarmup(0.1, 2), CyclicLR(0.1, 0.2, step_size=1), lambda o: StepLR(o, 1)],
        ...     boundaries=[2, 4],
        ...     schedule_target="weight_decay",
        ... )
        >>> values = [opt.param_groups[0]["weight_decay"]]
        >>> for _ in range(5):
        ...     opt.step()
        ...     s.step()
        ...     values.append(round(opt.param_groups[0]["weight_decay"], 6))
        >>> values
        [0.0, 0.05, 0.1, 0.2, 0.1, 0.01]
    """
    return SequentialSchedule(
        optimizer,
        phases,
        boundaries,
        schedule_target,
        default_value=default_value,
        one_value_for_all_groups=one_value_for_all_groups,
        groups=groups,
    )


def warmup_then(
    optimizer: Optimizer,
    warmup: Curve,
    then: Phase,
    schedule_target: str = "lr",
    *,
    default_value: float | None = None,
    one_value_for_all_groups: bool = False,
    groups: GroupSelection | None = None,
) -> SequentialSchedule:
    """``warmup`` for its ``horizon`` steps, then ``then`` (a curve or a scheduler factory).

    Warmup, then a torch scheduler (or ``ReduceLROnPlateau``), without an ``if`` in the
    training loop. The boundary is the warmup's
    horizon (``warmup_steps``), so the two cannot disagree.

    Raises:
        ValueError: the warmup never ends. A warmup of 0 steps is no warmup: the sequence is
            ``then`` alone (as :func:`~torch_schedule_anything.curves.after_warmup`).

    Example:
        >>> import torch, torch_schedule_anything as sa
        >>> from torch.optim.lr_scheduler import ExponentialLR
        >>> from torch_schedule_anything.curves import LinearWarmup
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
        >>> s = sa.warmup_then(opt, LinearWarmup(0.9, 2), lambda o: ExponentialLR(o, 0.5),
        ...                    schedule_target="momentum")
        >>> values = [opt.param_groups[0]["momentum"]]
        >>> for _ in range(4):
        ...     opt.step()
        ...     s.step()
        ...     values.append(opt.param_groups[0]["momentum"])
        >>> values
        [0.0, 0.45, 0.9, 0.45, 0.225]
    """
    length = warmup_length(warmup)  # after_warmup's rule: 0 steps is no warmup
    return SequentialSchedule(
        optimizer,
        [warmup, then] if length else [then],
        [length] if length else [],
        schedule_target,
        default_value=default_value,
        one_value_for_all_groups=one_value_for_all_groups,
        groups=groups,
    )
