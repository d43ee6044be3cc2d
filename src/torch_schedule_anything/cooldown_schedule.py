"""Warmup-stable-decay done right: cool any schedule down from any step, and extend a horizon.

:func:`cooldown` wraps a schedule so that it runs unchanged until ``start_step`` and then
decays every param group from the value it had there to ``final_value × base_g`` over
``num_steps`` steps. The usual case is a **resumed** run: load the stable run's checkpoint into
its schedule, then ``sa.cooldown(schedule, start_step=schedule.last_epoch, num_steps=...)``;
the decay can start from any checkpoint, without deciding the length of training up front.

:func:`resume_extended` is the other direction: load a checkpoint saved by a schedule built
with ``num_training_steps=N`` (or ``total_steps=N``) into one built with a longer horizon.
Only those horizon parameters may differ; anything else is refused, naming it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

from torch.optim.lr_scheduler import LRScheduler

from .adapter import AdaptedSchedule, is_metric_driven, split_metrics
from .binding import Binding, BoundBases, LastValues, RefusesTorchSequentialLR, check_step_order
from .checks import check_choice, check_positive, check_step, check_step_count
from .curve_schedule import CurveSchedule
from .errors import add_note
from .param_groups import curve_values
from .sequence import SequentialSchedule
from .state import KIND, check_identity, read_floats, read_step, require_mapping
from .synchronizer import (
    SynchronousSchedule,
    checkpoint,
    prepare_load,
    rollback,
    root_optimizer,
    schedule_name,
)

__all__ = ["SHAPES", "CooldownSchedule", "cooldown", "resume_extended"]

#: True while :func:`cooldown` builds the cooldowns of several keys: none writes until all of
#: them are built, so a refusal of one changes nothing.
_DEFER_WRITE: ContextVar[bool] = ContextVar("defer_cooldown_writes", default=False)

#: The decay shapes ``w(p)`` of a cooldown, ``p`` its progress in [0, 1].
SHAPES = ("linear", "cosine", "1-sqrt")

#: Curve parameters that set a schedule's horizon: the ones :func:`resume_extended` extends.
HORIZON_PARAMS = frozenset({"num_training_steps", "total_steps"})

#: Fields of a torch scheduler's state that fix its horizon: they cannot be extended.
_TORCH_HORIZONS = ("T_max", "total_steps", "total_iters", "T_0", "max_iters")


def shape_weight(shape: str, progress: float) -> float:
    """``w(p)``: 0 at the start of the cooldown, 1 at its end.

    ``"linear"``: ``p``; ``"cosine"``: ``½(1 − cos πp)`` (a half-wave); ``"1-sqrt"``: ``√p``,
    so that the value falls as ``1 − √p`` (Hägele et al. 2024, "Scaling Laws and
    Compute-Optimal Training Beyond Fixed Training Durations").
    """
    if progress >= 1.0:
        return 1.0
    if shape == "linear":
        return progress
    if shape == "cosine":
        return 0.5 * (1.0 - math.cos(math.pi * progress))
    return math.sqrt(progress)


def _closed_form_values(schedule: Any, step: int, binding: Binding) -> list[float] | None:
    """The values ``schedule`` writes at ``step`` in closed form (one per group ``binding``
    drives), or ``None`` if it has none.

    A :class:`CurveSchedule` always has one; a :class:`SequentialSchedule` where a curve phase
    is active at ``step``; torch schedulers (adapted, or a torch phase of a sequence) do not:
    their value at a step depends on how they were stepped.
    """
    if isinstance(schedule, CurveSchedule):
        return binding.pick(schedule.value_at(step))
    if isinstance(schedule, SequentialSchedule):
        index = schedule.phase_index(step)
        phase = schedule.phases[index]
        if isinstance(phase, LRScheduler):
            return None
        start = 0 if index == 0 else schedule.boundaries[index - 1]
        return curve_values(phase(step - start), phase.absolute, schedule.base_lrs)
    return None


def _check_final_value(value: Any) -> float:
    if isinstance(value, Mapping):
        raise TypeError(
            "final_value may be a mapping {key: value} only for a SynchronousSchedule (one "
            "entry per scheduled key); for a single schedule give one number"
        )
    return check_positive("final_value", value, allow_zero=True)


class CooldownSchedule(RefusesTorchSequentialLR, LastValues, BoundBases, LRScheduler):  # type: ignore[misc,override]
    """``schedule`` until ``start_step``, then a decay of every group to ``final_value × base_g``.

    With ``s = start_step``, ``n = num_steps``, ``F = final_value``, ``v_g(t)`` the value of
    the wrapped schedule in group ``g`` and ``base_g`` the group's **recorded initial value**
    of the key (``initial_lr`` / ``initial_<key>``, the base every schedule of the key
    multiplies; for an absolute curve that is the value the optimizer was built with, not the
    curve's peak)::

        value_g(t) = v_g(t)                                   for t ≤ s
        value_g(t) = v_g(s) + (F·base_g − v_g(s))·w(p)        for t > s,  p = min(1, (t − s)/n)

    computed as ``(1 − w)·v_g(s) + w·F·base_g`` so that the ends are exact: ``v_g(s)`` at
    ``p = 0`` and ``F·base_g`` from ``t = s + n`` on (held). ``w`` is the ``shape``:
    ``"linear"`` ``w = p``, ``"cosine"`` ``w = ½(1 − cos πp)``, ``"1-sqrt"`` ``w = √p`` (the
    value falls as ``1 − √p``).

    The wrapped schedule is stepped while ``t ≤ s`` (it writes its own values) and not after.
    ``v_g(s)`` is computed in closed form for curve schedules and for sequences whose phase at
    ``s`` is a curve; for a torch scheduler it is the value the scheduler wrote at step ``s``:
    read when the cooldown is built at that step, or when ``step()`` reaches it. Timing is
    PyTorch's: construction writes the value of the schedule's current step (nothing changes
    when that step is ``<= s``), ``step()`` comes after ``optimizer.step()``.

    Use :func:`cooldown` to build one (it also accepts a :class:`SynchronousSchedule`).
    """

    def __init__(
        self,
        schedule: LRScheduler,
        start_step: int,
        num_steps: int,
        shape: str = "linear",
        final_value: float = 0.0,
    ) -> None:
        if not isinstance(schedule, LRScheduler):
            raise TypeError(
                f"schedule must be a torch LRScheduler (a sa.CurveSchedule, a sequence, an "
                f"adapted torch scheduler), got {type(schedule).__name__} {schedule!r}"
            )
        if isinstance(schedule, CooldownSchedule):
            raise ValueError(
                f"schedule is already a cooldown ({schedule!r}); cool down its wrapped "
                f"schedule (.schedule) instead"
            )
        if isinstance(schedule, SynchronousSchedule):
            raise TypeError("use sa.cooldown(...) for a SynchronousSchedule")
        self.start_step = check_step_count("start_step", start_step)
        self.num_steps = check_step_count("num_steps", num_steps, minimum=1)
        self.shape = check_choice("shape", shape, SHAPES)
        self.final_value = _check_final_value(final_value)
        current = getattr(schedule, "last_epoch", None)
        if isinstance(current, bool) or not isinstance(current, numbers.Integral) or current < 0:
            raise TypeError(
                f"schedule has no step count (last_epoch is {current!r}); pass a scheduler "
                f"that has been constructed (last_epoch >= 0)"
            )
        current = int(current)
        target = schedule_name(schedule)
        optimizer = root_optimizer(schedule)
        # The groups of the wrapped schedule, and only those (groups= selects some).
        binding = Binding(
            optimizer,
            target,
            owner=f"the cooldown of {target!r}",
            groups=getattr(schedule, "groups", None),
        )
        s = self.start_step
        closed = _closed_form_values(schedule, s, binding)
        self.closed_form = closed is not None
        start: list[float] | None = closed
        if start is None:
            if s < current:
                raise ValueError(
                    f"start_step={s} is before the schedule's current step {current}, and "
                    f"this {type(schedule).__name__} of {target!r} has no closed form: its "
                    f"value at step {s} is not known any more. Load the checkpoint saved at "
                    f"step {s} and call cooldown(schedule, start_step=schedule.last_epoch, "
                    f"...), or start at step {current} or later"
                )
            if s == current:
                start = [float(v) for v in binding.pick(schedule.get_last_lr())]
        if start is not None:
            start = binding.check_values(start, s)
        targets = [self.final_value * base for base in binding.bases]
        try:
            binding.check_values(targets, None)
        except ValueError as exc:
            raise ValueError(
                f"final_value={self.final_value!r} gives the end values {targets} "
                f"(final_value × each group's recorded {target!r}), which {target!r} may not "
                f"hold: {exc}"
            ) from exc
        self.schedule = schedule
        self.optimizer = optimizer
        self.schedule_target = target
        self.needs_metrics = is_metric_driven(schedule)
        self._binding = binding
        self._n_groups = binding.n_groups
        self._start = start
        self.last_epoch = current
        # the run's count goes on (a resumed schedule has counted its steps already)
        count = getattr(schedule, "_step_count", 1)
        self._step_count = count if isinstance(count, int) and count >= 1 else 1
        self._last_values: list[float] = []
        if current > s and start is not None:  # start is known past start_step (see above)
            self._last_values = self._values_at(current, start, binding.bases)
            binding.check_values(self._last_values, current)
        if not _DEFER_WRITE.get():  # sa.cooldown of several keys writes once all are built
            self._write_initial()

    def _write_initial(self) -> None:
        """Write the value of the current step, if the cooldown is already under way."""
        if self.last_epoch > self.start_step:
            self._binding.write_each(self._last_values, self.last_epoch)
        self._binding.commit()

    # -- the formula -------------------------------------------------------------------------
    def _values_at(self, t: int, start: list[float], bases: list[float]) -> list[float]:
        progress = (t - self.start_step) / self.num_steps
        w = shape_weight(self.shape, progress)
        keep = 1.0 - w
        final = self.final_value
        return [keep * v + w * (final * b) for v, b in zip(start, bases)]

    @property
    def groups(self) -> tuple[int, ...] | None:
        """The param groups driven: the wrapped schedule's ``groups`` (``None``: all)."""
        return getattr(self.schedule, "groups", None)

    @property
    def start_values(self) -> list[float] | None:
        """``v_g(start_step)`` per group; ``None`` until a torch scheduler has reached it."""
        return None if self._start is None else list(self._start)

    def value_at(self, step: int) -> list[float]:
        """The values at ``step``, without touching the optimizer (closed form only); one per
        param group, like :meth:`get_last_lr`."""
        t = check_step(step)
        if t > self.start_step and self._start is not None:
            return self._binding.expand(self._values_at(t, self._start, self._binding.bases))
        values = _closed_form_values(self.schedule, t, self._binding)
        if values is None:
            raise ValueError(
                f"the {type(self.schedule).__name__} of {self.schedule_target!r} has no closed "
                f"form; its values before the cooldown are known only by stepping it"
            )
        return self._binding.expand(values)

    # -- the scheduler protocol --------------------------------------------------------------
    def step(self, epoch: Any = None, *, metrics: Any = None) -> None:  # type: ignore[override]
        """Advance one step (or to ``epoch``): the wrapped schedule's value up to
        ``start_step``, the cooldown's after it. A rejected step changes nothing."""
        epoch, metrics = split_metrics(
            self.needs_metrics,
            epoch,
            metrics,
            f"the schedule this cooldown of {self.schedule_target!r} wraps is not metric-driven",
        )
        t = self.last_epoch + 1 if epoch is None else check_step(epoch)
        token = self._checkpoint()
        try:
            self._advance(t, epoch is not None, metrics)
        except BaseException:
            self._rollback(token)
            raise
        self._step_count += 1

    def _advance(self, t: int, jump: bool, metrics: Any) -> None:
        s, schedule = self.start_step, self.schedule
        inner = int(schedule.last_epoch)  # checked to be an int at construction
        if t <= s or inner < s:
            # The wrapped schedule runs up to the start (a jump over it stops there).
            target = min(t, s)
            if not jump and target == inner + 1:
                schedule.step() if metrics is None else schedule.step(metrics=metrics)  # type: ignore[call-arg]
            elif target != inner:
                schedule.step(target)
            if target == s and self._start is None:
                self._start = self._binding.check_values(
                    [float(v) for v in self._binding.pick(schedule.get_last_lr())], s
                )
        if t > s:
            if self._start is None:
                raise ValueError(
                    f"step {t} is past start_step={s}, but the value at step {s} of the "
                    f"{type(schedule).__name__} is not known (it has no closed form and was "
                    f"not stepped to step {s}); call step() once per step"
                )
            if not jump and self._step_count == 1:
                check_step_order(self.optimizer)
            values = self._values_at(t, self._start, self._binding.bases)
            self._last_values = self._binding.write_each(values, t)
        self.last_epoch = t

    def _checkpoint(self) -> Any:
        """What :meth:`_rollback` needs to undo the next step (see SynchronousSchedule)."""
        start = None if self._start is None else list(self._start)
        return (
            self.last_epoch,
            self._step_count,
            start,
            list(self._last_values),
            checkpoint(self.schedule),
        )

    def _rollback(self, token: Any) -> None:
        t, count, start, values, inner = token
        rollback(self.schedule, inner)
        if t > self.start_step:
            self._binding.write_each(values, t)  # written before, so it passes the check
        self.last_epoch, self._step_count, self._start, self._last_values = t, count, start, values

    def get_last_lr(self) -> list[float]:  # type: ignore[override]
        """The values written at the last step, one per param group (for any target; with the
        wrapped schedule's ``groups=``, a group outside it reads as its current value)."""
        if self.last_epoch > self.start_step:
            return self._binding.expand(self._last_values)
        return list(self.schedule.get_last_lr())  # type: ignore[arg-type]

    # -- state ---------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Plain data: the cooldown's arguments, its step, the recorded bases, the values at
        ``start_step`` (``None`` while a torch scheduler has not reached it) and the wrapped
        schedule's own state dict under ``"schedule"``."""
        return {
            KIND: "CooldownSchedule",
            "schedule_target": self.schedule_target,
            "last_epoch": self.last_epoch,
            "_step_count": self._step_count,
            "start_step": self.start_step,
            "num_steps": self.num_steps,
            "shape": self.shape,
            "final_value": self.final_value,
            "base_lrs": list(self.base_lrs),
            "start_values": self.start_values,
            "schedule": self.schedule.state_dict(),
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore the cooldown and its wrapped schedule, then write that step's value.

        Build the cooldown with the saved arguments on a schedule built like the saved one
        first. The whole dict is checked before anything changes; another kind of dict,
        another key, other cooldown arguments or a wrapped state that its schedule refuses
        raise naming the mismatch, and nothing changes.
        """
        self._prepare_load(state_dict)()

    def _prepare_load(self, state_dict: Any, strict: bool = True) -> Callable[[], None]:
        """Check ``state_dict`` whole; return the function that applies it (cannot fail)."""
        what = "CooldownSchedule"
        state = require_mapping(state_dict, what)
        check_identity(
            state,
            what,
            self.schedule_target,
            (
                "schedule_target",
                "last_epoch",
                "start_step",
                "num_steps",
                "shape",
                "final_value",
                "base_lrs",
                "start_values",
                "schedule",
            ),
            ("_step_count",),
        )
        saved_final = state["final_value"]
        saved = {
            "start_step": read_step(state, "start_step", what),
            "num_steps": read_step(state, "num_steps", what, minimum=1),
            "shape": state["shape"],
            "final_value": saved_final,
        }
        mine = {
            "start_step": self.start_step,
            "num_steps": self.num_steps,
            "shape": self.shape,
            "final_value": self.final_value,
        }
        for name, value in saved.items():
            if value != mine[name] or type(value) is bool:
                raise ValueError(
                    f"the state dict was saved by a cooldown with {name}={value!r} but this "
                    f"cooldown has {name}={mine[name]!r}; build the cooldown with the saved "
                    f"arguments ({', '.join(f'{k}={v!r}' for k, v in saved.items())})"
                )
        t = read_step(state, "last_epoch", what)
        count = read_step(state, "_step_count", what) if "_step_count" in state else t + 1
        binding = self._binding
        bases = binding.check_values(read_floats(state, "base_lrs", self._n_groups, what), t)
        start: list[float] | None
        if state["start_values"] is None:
            start = self._start if self.closed_form else None
            if t > self.start_step:
                raise ValueError(
                    f"{what} state dict: 'start_values' is None at step {t}, past "
                    f"start_step={self.start_step}; the dict is damaged"
                )
        else:
            start = read_floats(state, "start_values", self._n_groups, what)
            binding.check_values(start, self.start_step)
        try:
            apply_inner = prepare_load(self.schedule, state["schedule"])
        except (KeyError, ValueError, TypeError) as exc:
            add_note(exc, "[torch_schedule_anything] while loading the schedule the cooldown wraps")
            raise
        values: list[float] = []
        if t > self.start_step and start is not None:  # start is known past start_step
            values = binding.check_values(self._values_at(t, start, bases), t)

        def apply() -> None:
            apply_inner()
            binding.set_bases(list(bases))
            self._start = None if start is None else list(start)
            self.last_epoch, self._step_count = t, count
            self._last_values = values
            if t > self.start_step:
                binding.write_each(values, t)

        return apply

    def __repr__(self) -> str:
        return (
            f"CooldownSchedule({self.schedule!r}, start_step={self.start_step}, "
            f"num_steps={self.num_steps}, shape={self.shape!r}, "
            f"final_value={self.final_value!r}, last_epoch={self.last_epoch})"
        )


def cooldown(
    schedule: LRScheduler,
    start_step: int,
    num_steps: int,
    shape: str = "linear",
    final_value: float | Mapping[str, float | None] = 0.0,
) -> CooldownSchedule | SynchronousSchedule:
    """Cool ``schedule`` down: its own values until ``start_step``, then a decay to
    ``final_value × base_g`` over ``num_steps`` steps, held after.

    Per param group ``g`` (``v_g(t)`` the wrapped schedule's value, ``base_g`` the group's
    recorded initial value of the key, ``initial_lr`` / ``initial_<key>``)::

        value_g(t) = v_g(t)                                  for t ≤ start_step
        value_g(t) = v_g(s) + (final_value·base_g − v_g(s))·w(p)
                     with s = start_step, p = min(1, (t − s)/num_steps)

    ``w(p)``: ``"linear"`` ``p``; ``"cosine"`` ``½(1 − cos πp)`` (half-wave); ``"1-sqrt"``
    ``√p`` (the value falls as ``1 − √p``). See :class:`CooldownSchedule`.

    Args:
        schedule: a :class:`~torch_schedule_anything.CurveSchedule`, a sequence
            (:func:`~torch_schedule_anything.sequential`), an adapted torch scheduler
            (:func:`~torch_schedule_anything.arbitrary_schedule_factory`), or a
            :class:`~torch_schedule_anything.SynchronousSchedule` (each key is cooled down).
        start_step: the step the decay starts from (an int >= 0). Usually the current step of
            a resumed run: ``start_step=schedule.last_epoch``. For a torch scheduler (no
            closed form) it must be the current step or later.
        num_steps: the length of the decay (an int >= 1).
        shape: ``"linear"`` (default), ``"cosine"`` or ``"1-sqrt"``.
        final_value: ``F >= 0``, the end value as a multiple of each group's recorded base
            (default 0.0). For a SynchronousSchedule also a mapping ``{key: F or None}`` naming
            every key; ``None`` leaves that key's schedule as it is.

    Returns:
        A :class:`CooldownSchedule` (a real ``LRScheduler`` on the same key), or a
        :class:`~torch_schedule_anything.SynchronousSchedule` of them for a SynchronousSchedule.

    Raises:
        ValueError, TypeError: an argument out of range (the message names it), a
            ``start_step`` before the current step of a schedule without closed form, or a
            ``final_value`` whose end values the key may not hold.

    Example:
        >>> import torch, torch_schedule_anything as sa
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> stable = sa.constant_with_warmup(opt, 1.0, num_warmup_steps=2)
        >>> s = cooldown(stable, start_step=4, num_steps=4)
        >>> values = [opt.param_groups[0]["lr"]]
        >>> for _ in range(9):
        ...     opt.step()
        ...     s.step()
        ...     values.append(opt.param_groups[0]["lr"])
        >>> values
        [0.0, 0.5, 1.0, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """
    if isinstance(schedule, SynchronousSchedule):
        names = schedule.schedule_names
        if isinstance(final_value, Mapping):
            missing = [n for n in names if n not in final_value]
            extra = [str(n) for n in final_value if n not in names]
            if missing or extra:
                raise ValueError(
                    f"final_value must name every scheduled key {names} (None keeps a key's "
                    f"schedule as it is); it lacks {missing} and has unknown {extra}"
                )
            finals = {n: final_value[n] for n in names}
        else:
            finals = {n: _check_final_value(final_value) for n in names}
        children: list[LRScheduler] = []
        cooled: list[CooldownSchedule] = []
        deferred = _DEFER_WRITE.set(True)  # build every cooldown before any writes
        try:
            made_all = _cool_members(schedule, finals, start_step, num_steps, shape)
        finally:
            _DEFER_WRITE.reset(deferred)
        children, cooled = made_all
        if not cooled:
            raise ValueError("final_value is None for every key: there is nothing to cool down")
        for made in cooled:  # every check passed: now write (cannot fail)
            made._write_initial()
        return SynchronousSchedule(children)
    return CooldownSchedule(schedule, start_step, num_steps, shape, final_value)  # type: ignore[arg-type]


def _cool_members(
    schedule: SynchronousSchedule,
    finals: Mapping[str, Any],
    start_step: int,
    num_steps: int,
    shape: str,
) -> tuple[list[LRScheduler], list[CooldownSchedule]]:
    """The members of ``schedule``, each cooled down unless its key's final value is None."""
    children: list[LRScheduler] = []
    cooled: list[CooldownSchedule] = []
    for name, child in schedule.schedules.items():
        # Members are named by key ("lr"), or by key and groups ("lr (groups [0])") when
        # several schedules share a key on disjoint groups: final_value is per key.
        final = finals[schedule_name(child)]
        if final is None:
            children.append(child)
            continue
        try:
            made = CooldownSchedule(child, start_step, num_steps, shape, final)
        except (ValueError, TypeError) as exc:
            add_note(exc, f"[torch_schedule_anything] while cooling down {name!r}")
            raise
        children.append(made)
        cooled.append(made)
    return children, cooled


# -- horizon extension -------------------------------------------------------------------------
def _is_curve_spec(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"name", "params"}


def _extend(saved: Any, current: Any, path: str, changes: dict[str, tuple[int, int]]) -> Any:
    """``saved`` with the horizon parameters of its curve specs taken from ``current``."""
    if _is_curve_spec(saved) and _is_curve_spec(current):
        if saved["name"] != current["name"] or not isinstance(saved["params"], Mapping):
            return saved  # another curve: the load names the mismatch
        params = dict(saved["params"])
        mine = current["params"]
        if set(params) != set(mine):
            return saved
        for key, value in params.items():
            new = mine[key]
            where = f"{path}['params'][{key!r}]"
            if key in HORIZON_PARAMS and isinstance(value, int) and isinstance(new, int):
                if new < value:
                    raise ValueError(
                        f"{where}: this schedule's horizon {key}={new} is shorter than the "
                        f"saved {value}; resume_extended only extends a run. To end earlier, "
                        f"load the checkpoint and use sa.cooldown(schedule, "
                        f"start_step=schedule.last_epoch, num_steps=...)"
                    )
                if new != value:
                    changes[f"{where}"] = (value, new)
                    params[key] = new
            elif isinstance(value, (Mapping, list, tuple)):
                params[key] = _extend(value, new, where, changes)
            elif value != new:
                hint = ""
                if "warmup" in key:
                    hint = (
                        f" If it was given as a percentage ('10%'), it now resolves against the "
                        f"longer horizon: give the saved number of steps, {key}={value!r}."
                    )
                raise ValueError(
                    f"{where}: the saved {value!r} differs from this schedule's {new!r}; "
                    f"resume_extended lets only the horizon ({sorted(HORIZON_PARAMS)}) differ. "
                    f"Build the schedule with {key}={value!r}.{hint}"
                )
        return {"name": saved["name"], "params": params}
    if isinstance(saved, Mapping) and isinstance(current, Mapping):
        if "scheduler" in saved and isinstance(saved.get("state"), Mapping):
            inner, now = saved["state"], current.get("state")
            for key in _TORCH_HORIZONS:
                if isinstance(now, Mapping) and key in inner and inner[key] != now.get(key):
                    raise ValueError(
                        f"{path}['state'][{key!r}]: the torch {saved['scheduler']} was saved "
                        f"with {key}={inner[key]!r}, this one has {now.get(key)!r}; a torch "
                        f"scheduler's horizon cannot be extended on resume (its value is "
                        f"computed from the previous one). Build it with {key}={inner[key]!r}, "
                        f"or use a curve (sa.schedule) whose horizon can be extended"
                    )
        return {
            k: _extend(v, current[k], f"{path}[{k!r}]", changes) if k in current else v
            for k, v in saved.items()
        }
    if isinstance(saved, list) and isinstance(current, list) and len(saved) == len(current):
        return [
            _extend(a, b, f"{path}[{i}]", changes) for i, (a, b) in enumerate(zip(saved, current))
        ]
    return saved


def resume_extended(schedule: LRScheduler, state_dict: Mapping[str, Any]) -> dict[str, Any]:
    """Load ``state_dict`` into ``schedule`` built with a longer horizon: the one documented way.

    A checkpoint saved by a schedule with ``num_training_steps=N`` (the 13 1.x curves) or
    ``total_steps=N`` (``WarmupWithDecay``, ``OneCycleLR``...) loads into the same schedule
    built with a larger value: the step, the bases and every other parameter are restored and
    checked as by ``load_state_dict`` (strict), and the horizon is this schedule's. Any other
    difference (a warmup length, a peak, another curve, a torch scheduler's ``T_max``) raises
    naming it, and nothing changes. Works for CurveSchedule, SequentialSchedule (curve phases),
    CooldownSchedule and SynchronousSchedule.

    The value at the restored step is the **new** curve's: a decay stretched over more steps is
    higher there than the saved one was (a warmup, or a constant phase, is unchanged).

    Returns:
        What was extended: ``{where: (saved, new)}``, e.g.
        ``{"state_dict['curve']['params']['num_training_steps']": (1000, 2000)}``; empty when
        the horizons were equal (then it is a plain strict load).
    """
    if not isinstance(schedule, LRScheduler):
        raise TypeError(f"schedule must be a torch LRScheduler, got {type(schedule).__name__}")
    ours = isinstance(schedule, SynchronousSchedule) or hasattr(schedule, "_prepare_load")
    if isinstance(schedule, AdaptedSchedule) or not ours:
        raise TypeError(
            f"{type(schedule).__name__} is a torch scheduler: its horizon cannot be extended on "
            f"resume (its value is computed from the previous one). Use a curve schedule "
            f"(sa.schedule, the 13 built-ins) for runs whose length may change"
        )
    state = require_mapping(state_dict, type(schedule).__name__)
    changes: dict[str, tuple[int, int]] = {}
    patched = _extend(state, schedule.state_dict(), "state_dict", changes)
    schedule.load_state_dict(patched)
    return dict(changes)
