"""Base classes for schedulers you write yourself (pytorch-accelerated's ``SchedulerBase``).

Subclass one of them and override :meth:`SchedulerBase.get_updated_values`: given the number
of optimizer updates done so far, return the new value(s) of ``param_group_field``:

* one value per param group (a list or tuple),
* a single value for every group, or
* ``None`` for "no change" (the optimizer keeps what it holds).

The base class does everything else, the same way for every field (``"lr"``,
``"weight_decay"``, ``"momentum"``, a custom key, or ``"betas[0]"``): it writes through
:class:`~torch_schedule_anything.param_groups.Slot` (Tensor values in place), keeps
``get_last_lr()`` and the update count, and saves and restores plain-data state dicts.

Two flavours, one rule for the count ``n`` (the number of optimizer updates done so far):

* :class:`SchedulerBase` is stateless: the training loop owns ``n`` and calls
  ``scheduler.step_update(n)`` after each optimizer update (``step(n)`` is the same).
* :class:`StatefulSchedulerBase` counts for itself: ``scheduler.step()`` after each
  ``optimizer.step()``, like every torch scheduler, so it runs in the same loops (Lightning,
  HF Trainer, Accelerate, :class:`~torch_schedule_anything.SynchronousSchedule`).

In both, ``get_updated_values(0)`` is applied when the object is built (after the subclass's
``__init__`` has finished, so it may set attributes after ``super().__init__``), and the value
in effect for update number ``n`` (counting from 0) is the one written for ``n``. This is
PyTorch's timing, and the one every schedule of this package follows.

A curve is a ready-made ``get_updated_values``: :meth:`SchedulerBase.from_curve` returns a
:class:`CurveScheduler` whose value is ``base_g × λ(n)`` (multiplier curve) or ``λ(n)``
(absolute curve). :class:`~torch_schedule_anything.CurveSchedule` computes exactly the same
values and is what the built-in schedules return; use ``from_curve`` when you want to
subclass and post-process a curve's values.
"""

from __future__ import annotations

import abc
import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from ._validation import check_step
from .binding import Binding, BoundBases, RefusesTorchSequentialLR, check_step_order
from .curves.base import Curve
from .curve_schedule import as_curve, check_one_value
from .state import (
    KIND,
    check_identity,
    describe,
    read_floats,
    read_step,
    require_mapping,
    torch_state_mismatch,
)

__all__ = ["CurveScheduler", "SchedulerBase", "StatefulSchedulerBase"]

#: The attributes the base classes own; everything else an instance holds is the subclass's.
_BASE_ATTRIBUTES = frozenset(
    {
        "optimizer",
        "param_group_field",
        "_slot",
        "_binding",
        "_n_groups",
        "base_lrs",
        "last_epoch",
        "_step_count",
        "_last_lr",
        "_get_lr_called_within_step",
        "_is_initial",
    }
)


def _plain_copy(value: Any) -> tuple[bool, Any]:
    """``(True, copy)`` if ``value`` is plain data ``torch.load(weights_only=True)`` reads.

    Plain data: ``None``, bools, ints, floats, strs, and lists, tuples, sets and str-keyed
    dicts of plain data. NumPy scalars become Python numbers. Anything else (Tensors,
    callables, curves, modules, frozensets) is ``(False, None)``.
    """
    if value is None or isinstance(value, (bool, str)):
        return True, value
    if isinstance(value, numbers.Integral):
        return True, int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, torch.Tensor):
        return True, float(value)
    if isinstance(value, (list, tuple, set)):
        items = [_plain_copy(v) for v in value]
        if not all(ok for ok, _ in items):
            return False, None
        copied = [v for _, v in items]
        return True, (list(copied) if isinstance(value, list) else type(value)(copied))
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            ok, copied_item = _plain_copy(item)
            if not isinstance(key, str) or not ok:
                return False, None
            out[key] = copied_item
        return True, out
    return False, None


class _SchedulerMeta(abc.ABCMeta):
    """Applies the step-0 values once the outermost ``__init__`` has returned.

    pytorch-accelerated's subclasses call ``super().__init__`` first and set the attributes
    ``get_updated_values`` reads afterwards, so the base ``__init__`` cannot apply step 0
    itself. Creating the instance through this metaclass applies it right after.
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        instance = super().__call__(*args, **kwargs)
        instance._start()
        return instance


class SchedulerBase(  # type: ignore[misc]  # base_lrs holds floats
    RefusesTorchSequentialLR, BoundBases, LRScheduler, metaclass=_SchedulerMeta
):
    """A stateless scheduler of any param-group field; subclass it, override one method.

    The training loop passes the number of optimizer updates done so far::

        num_updates = 0
        for batch in loader:
            loss(batch).backward()
            optimizer.step()
            num_updates += 1
            scheduler.step_update(num_updates)

    ``value_g(n) = get_updated_values(n)[g]`` (or the single value returned, or the group's
    current value when ``None`` is returned); ``n = 0`` is applied at construction.

    Args:
        optimizer: any ``torch.optim.Optimizer``; it is ``.optimizer`` unchanged.
        param_group_field: the key to schedule in every param group: ``"lr"``,
            ``"weight_decay"``, a custom key, or ``"betas[0]"`` for one element of a tuple.

    Attributes:
        base_lrs: the field's value in every group when the scheduler was built (torch's
            name; ``base_lr_values`` is pytorch-accelerated's). Saved and restored.
        last_epoch: the update count ``n`` of the values in effect.

    It is a real :class:`torch.optim.lr_scheduler.LRScheduler` (``.optimizer``,
    ``last_epoch``, ``_step_count``, ``get_last_lr()`` with the values of ITS field), but
    ``step()`` without a count raises: this class does not count. Subclass
    :class:`StatefulSchedulerBase` for a scheduler that does. ``optimizer.step`` is never
    wrapped or patched.

    Checkpoints (:meth:`state_dict`) are plain data: the field, the count, the base values,
    the field's current values and the subclass's plain-data attributes; loading restores all
    of them and writes the saved values back into the optimizer, so resuming is exact for
    closed-form schedules and for chainable ones that read the optimizer's current values.
    """

    def __init__(self, optimizer: Optimizer, param_group_field: str = "lr") -> None:
        # Deliberately no LRScheduler.__init__: it wraps optimizer.step to track call order.
        self._binding = Binding(optimizer, param_group_field, owner=type(self).__name__)
        self._slot = self._binding.slot
        self.optimizer = optimizer
        self.param_group_field = param_group_field
        self._n_groups = self._binding.n_groups
        self.last_epoch = 0
        self._step_count = 0
        self._last_lr: list[float] = list(self.base_lrs)  # type: ignore[assignment]

    def _start(self) -> None:
        """Apply ``get_updated_values(0)``; called once the whole ``__init__`` has run."""
        if not hasattr(self, "_slot"):
            raise TypeError(
                f"{type(self).__name__}.__init__ must call super().__init__(optimizer, "
                f"param_group_field=...) before it returns"
            )
        self._step_count = 1
        self._apply(0)
        self._binding.commit()

    # -- what a subclass writes -------------------------------------------------------------
    @abc.abstractmethod
    def get_updated_values(self, num_updates: int) -> Any:
        """The new value(s) of the field after ``num_updates`` optimizer updates.

        Return one number per param group (a list or tuple), one number for every group, or
        ``None`` to leave the groups unchanged. Numbers may be floats, ints or one-element
        Tensors; they are written as floats (into the existing Tensor, in place, where the
        group holds a Tensor).
        """

    # -- the write ---------------------------------------------------------------------------
    def update_param_groups(self, values: Any) -> None:
        """Write ``values`` (one per group, or one for all) into the field of every group.

        Every value is checked first (finite, real, no autograd graph, valid for the field);
        a rejected call writes nothing.
        """
        floats = self._binding.write_each(self._per_group(values), self.last_epoch)
        self._last_lr = floats  # type: ignore[assignment]

    #: pytorch-accelerated's name, so ported subclasses that call it keep working.
    _update_param_groups = update_param_groups

    def _per_group(self, values: Any) -> list[Any]:
        """``values`` as one entry per param group (a single number is used for all)."""
        name = type(self).__name__
        if isinstance(values, (numbers.Real, torch.Tensor)) and not isinstance(values, bool):
            if isinstance(values, torch.Tensor) and values.numel() != 1:
                raise ValueError(
                    f"{name} returned a Tensor of shape {tuple(values.shape)} for "
                    f"{self.param_group_field!r}; return one number per param group "
                    f"({self._n_groups}), one number for all, or None"
                )
            return [values] * self._n_groups
        if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
            raise TypeError(
                f"{name} returned {type(values).__name__} {values!r} for "
                f"{self.param_group_field!r}; return one number per param group, one number "
                f"for all groups, or None for no change"
            )
        items: list[Any] = list(values)
        if len(items) != self._n_groups:
            raise ValueError(
                f"{name} returned {len(items)} values for {self.param_group_field!r} but "
                f"the optimizer has {self._n_groups} param groups; return one value per "
                f"group, a single value for all groups, or None for no change"
            )
        return items

    def _apply(self, num_updates: int) -> None:
        # last_epoch is the new count while get_updated_values runs (torch's convention for
        # get_lr); if it raises, the count is left as it was.
        previous, self.last_epoch = self.last_epoch, num_updates
        try:
            values = self.get_updated_values(num_updates)
            if values is not None:
                self.update_param_groups(values)
        except BaseException:
            self.last_epoch = previous
            raise

    def _checkpoint(self) -> Any:
        """What :meth:`_rollback` needs to undo the next step (see SynchronousSchedule)."""
        return dict(self.__dict__), self._binding.read()

    def _rollback(self, token: Any) -> None:
        state, values = token
        self.__dict__.clear()
        self.__dict__.update(state)
        self._binding.write_each(values, self.last_epoch)

    # -- stepping ----------------------------------------------------------------------------
    def step_update(self, num_updates: int) -> None:
        """Write the values for ``num_updates`` optimizer updates (call it after each update)."""
        n = check_step(num_updates)
        self._apply(n)
        self._step_count += 1

    def step(self, epoch: int | None = None) -> None:  # type: ignore[override]
        """``step(n)`` is ``step_update(n)``; ``step()`` raises: this scheduler does not count."""
        if epoch is None:
            raise TypeError(
                f"{type(self).__name__} is a stateless SchedulerBase: pass the number of "
                f"optimizer updates, scheduler.step_update(num_updates) (or step(num_updates)); "
                f"subclass StatefulSchedulerBase for a scheduler that counts itself"
            )
        self.step_update(epoch)

    # -- reading -----------------------------------------------------------------------------
    @property
    def schedule_target(self) -> str:
        """The field scheduled (``param_group_field``); SynchronousSchedule names it by this."""
        return self.param_group_field

    @property
    def base_lr_values(self) -> list[float]:
        """pytorch-accelerated's name for :attr:`base_lrs`."""
        return list(self.base_lrs)  # type: ignore[arg-type]

    def current_values(self) -> list[float]:
        """The field's value in every param group now, as floats (works for ``"betas[0]"``)."""
        return [self._slot.read_float(g, i) for i, g in enumerate(self.optimizer.param_groups)]

    def get_last_lr(self) -> list[float]:  # type: ignore[override]
        """The last values written into the field (for ANY field, not only ``lr``)."""
        return list(self._last_lr)  # type: ignore[arg-type]

    def get_lr(self) -> list[float]:  # type: ignore[override]
        """The same as :meth:`get_last_lr`."""
        return self.get_last_lr()

    # -- checkpoints -------------------------------------------------------------------------
    def _subclass_attributes(self) -> dict[str, Any]:
        out = {}
        for key, value in vars(self).items():
            if key in _BASE_ATTRIBUTES:
                continue
            ok, copied = _plain_copy(value)
            if ok:
                out[key] = copied
        return out

    def state_dict(self) -> dict[str, Any]:
        """Plain data (``torch.load(weights_only=True)`` reads it).

        Keys: ``scheduler`` (the class name), ``param_group_field``, ``last_epoch`` (the
        count), ``_step_count``, ``base_lrs``, ``values`` (the field's value in every group
        now) and ``attributes``: the subclass's instance attributes that are plain data
        (numbers, strings, ``None``, and lists/tuples/sets/str-keyed dicts of them). Other
        attributes (Tensors, callables, curves) are not saved: rebuild them in ``__init__``,
        or override ``state_dict``/``load_state_dict`` and call ``super()``.
        """
        return {
            KIND: "SchedulerBase",
            "scheduler": type(self).__qualname__,
            "param_group_field": self.param_group_field,
            "last_epoch": self.last_epoch,
            "_step_count": self._step_count,
            "base_lrs": list(self.base_lrs),
            "values": self.current_values(),
            "attributes": self._subclass_attributes(),
        }

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> None:
        """Restore the count, base values, values and attributes saved by :meth:`state_dict`.

        The saved values are written back into the optimizer, so the field holds exactly
        what it held when the state was saved, whether or not the optimizer's own state dict
        is loaded too (loading both, in either order, gives the same result). The whole dict
        is checked first; a rejected load changes nothing.

        Args:
            strict: ``False`` keeps this scheduler's configuration (its class, curve and
                bases) and restores only the count, then writes this scheduler's own values
                for it: the one thing ``strict=False`` means everywhere in this package.

        Raises:
            ValueError: the state dict is another kind of object's, for another field, another
                number of param groups, (with ``strict=True``) another scheduler class or
                curve, or holds values that are not finite numbers.
            TypeError: a value of the wrong type (a string where a number belongs, ...).
        """
        self._prepare_load(state_dict, strict)()

    def _prepare_load(self, state_dict: Any, strict: bool = True) -> Callable[[], None]:
        """Check ``state_dict`` whole; return the function that applies it."""
        name = type(self).__qualname__
        state = require_mapping(state_dict, name)
        check_identity(
            state,
            name,
            self.param_group_field,
            ("param_group_field", "last_epoch", "base_lrs", "values"),
            ("scheduler", "_step_count", "attributes", "curve"),
            kind="SchedulerBase",
            target_key="param_group_field",
        )
        saved_class = state.get("scheduler", name)
        if strict and saved_class != name:
            raise ValueError(
                f"the state dict was saved by {saved_class} but this is {name}; load it into a "
                f"{saved_class}, or pass strict=False to keep this scheduler and restore only "
                f"the count"
            )
        self._check_curve(state, strict)
        bases = read_floats(state, "base_lrs", self._n_groups, name)
        values = read_floats(state, "values", self._n_groups, name)
        last_epoch = read_step(state, "last_epoch", name)
        count = read_step(state, "_step_count", name) if "_step_count" in state else last_epoch + 1
        restored = self._check_attributes(state.get("attributes", {}))
        binding = self._binding
        binding.check_values(values, last_epoch)
        binding.check_values(bases, last_epoch)  # bases are values the field may hold
        if not strict:

            def apply_step_only() -> None:
                token = self._checkpoint()
                try:
                    self._apply(last_epoch)
                except BaseException:
                    self._rollback(token)
                    raise
                self._step_count = count

            return apply_step_only

        def apply() -> None:
            binding.write_each(values, last_epoch)
            for attribute, value in restored.items():
                setattr(self, attribute, value)
            self.base_lrs = bases  # type: ignore[assignment]
            self.last_epoch, self._step_count = last_epoch, count
            self._last_lr = values  # type: ignore[assignment]

        return apply

    def _check_curve(self, state: Mapping[str, Any], strict: bool) -> None:
        """A curve in the state dict belongs to a :class:`CurveScheduler`."""
        if "curve" in state:
            raise ValueError(
                f"this is {describe(state)} of a CurveScheduler; {type(self).__qualname__} has "
                f"no curve"
            )

    def _check_attributes(self, attributes: Any) -> dict[str, Any]:
        if not isinstance(attributes, Mapping):
            raise TypeError(
                f"state dict 'attributes' must be a mapping, got {type(attributes).__name__}"
            )
        own = self._subclass_attributes()
        restored = {}
        for name, value in attributes.items():
            ok, copied = _plain_copy(value)
            if not isinstance(name, str) or name not in own or not ok:
                raise ValueError(
                    f"state dict attribute {name!r} ({type(value).__name__}) cannot be restored: "
                    f"{type(self).__qualname__} has no plain-data attribute of that name (only "
                    f"the subclass's own plain-data instance attributes are saved, never "
                    f"methods, properties or the base class's attributes)"
                )
            why = torch_state_mismatch(copied, own[name], f"attributes[{name!r}]", self._n_groups)
            if why:
                raise TypeError(f"{type(self).__qualname__} state dict: {why}")
            restored[name] = copied
        return restored

    # -- curves ------------------------------------------------------------------------------
    @classmethod
    def from_curve(
        cls,
        optimizer: Optimizer,
        curve: Curve | Any,
        param_group_field: str = "lr",
        *,
        one_value_for_all_groups: bool = False,
    ) -> CurveScheduler:
        """A :class:`CurveScheduler`: the curve as ``get_updated_values``.

        ``value_g(n) = base_g × λ(n)`` for a multiplier curve (or a plain callable), and
        ``value_g(n) = λ(n)`` for an absolute one. It counts itself (``step()``) and also
        takes the count (``step_update(n)``).

        Example:
            >>> import torch
            >>> from torch_schedule_anything.curves import LinearScheduleWithWarmup
            >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
            >>> s = SchedulerBase.from_curve(opt, LinearScheduleWithWarmup(1.0, 0.0, 0, 4))
            >>> s.step_update(1); s.get_last_lr()
            [0.75]
        """
        return CurveScheduler(
            optimizer,
            curve,
            param_group_field=param_group_field,
            one_value_for_all_groups=one_value_for_all_groups,
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(param_group_field={self.param_group_field!r}, "
            f"last_epoch={self.last_epoch})"
        )


class StatefulSchedulerBase(SchedulerBase):
    """A scheduler of any param-group field that counts optimizer updates itself.

    Call ``scheduler.step()`` after every ``optimizer.step()``, as with any torch scheduler;
    the ``n``-th call writes ``get_updated_values(n)`` (``n = 0`` was written at
    construction). ``step(n)`` and ``step_update(n)`` set the count to ``n``.

    Example (the seed's weight-decay scheduler, unchanged but for the import):

        >>> import torch
        >>> class StepWdScheduler(StatefulSchedulerBase):
        ...     def __init__(self, optimizer, n=1000, gamma=1.1):
        ...         super().__init__(optimizer, param_group_field="weight_decay")
        ...         self.n = n
        ...         self.gamma = gamma
        ...     def get_updated_values(self, num_updates: int):
        ...         if num_updates % self.n == 0 and num_updates > 0:
        ...             return [g[self.param_group_field] * self.gamma
        ...                     for g in self.optimizer.param_groups]
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], weight_decay=0.5)
        >>> s = StepWdScheduler(opt, n=2, gamma=2.0)
        >>> for _ in range(4):
        ...     s.step()
        >>> s.get_last_lr()
        [2.0]

    Differences from pytorch-accelerated: there, the first ``step()`` passes 0 (so each value
    takes effect one update late); here ``step()`` passes the number of updates done, like
    the stateless ``step_update(num_updates)`` loop of the same library.
    """

    def step(self, epoch: int | None = None) -> None:  # type: ignore[override]
        """Advance the count by one (or set it to ``epoch``) and write the new values."""
        if epoch is None and self._step_count == 1:
            check_step_order(self.optimizer)
        self.step_update(self.last_epoch + 1 if epoch is None else epoch)


class CurveScheduler(StatefulSchedulerBase):
    """A curve as a scheduler base: ``get_updated_values(n)`` is the curve at ``n``.

    ``value_g(n) = base_g × λ(n)`` for a multiplier curve (``base_g`` = the field's value in
    group ``g`` at construction), ``value_g(n) = λ(n)`` for an absolute curve. The values are
    the same as :class:`~torch_schedule_anything.CurveSchedule`'s at every step; subclass this
    one to post-process them (call ``super().get_updated_values(n)``).

    Args:
        optimizer: any ``torch.optim.Optimizer``.
        curve: a :class:`~torch_schedule_anything.curves.Curve` or a callable ``step -> λ``.
        param_group_field: the key to schedule.
        one_value_for_all_groups: allow an absolute curve on groups whose bases differ (see
            :class:`~torch_schedule_anything.CurveSchedule`).

    The state dict records the curve's name and parameters (never the curve object); loading
    one saved with another curve raises ``ValueError`` unless ``strict=False``.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        curve: Curve | Any,
        param_group_field: str = "lr",
        *,
        one_value_for_all_groups: bool = False,
    ) -> None:
        super().__init__(optimizer, param_group_field=param_group_field)
        self.curve = as_curve(curve)
        check_one_value(self.curve, self._binding, one_value_for_all_groups)

    def get_updated_values(self, num_updates: int) -> float | list[float]:
        lam = self.curve(num_updates)
        if self.curve.absolute:
            return lam
        return [base * lam for base in self.base_lrs]  # type: ignore[operator]

    def state_dict(self) -> dict[str, Any]:
        """The base class's state dict plus ``curve``: the curve's name and parameters."""
        state = super().state_dict()
        state["curve"] = self.curve.spec()
        return state

    def _check_curve(self, state: Mapping[str, Any], strict: bool) -> None:
        saved = state.get("curve")
        if strict and saved != self.curve.spec():
            raise ValueError(
                f"the state dict of {self.param_group_field!r} was saved with the curve {saved} "
                f"but this scheduler uses {self.curve.spec()}; rebuild it with the saved curve, "
                f"or pass strict=False to keep this curve and restore only the count"
            )

    def __repr__(self) -> str:
        return (
            f"CurveScheduler(param_group_field={self.param_group_field!r}, "
            f"curve={self.curve!r}, last_epoch={self.last_epoch})"
        )
