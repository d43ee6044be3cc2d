"""Base classes for schedulers you write yourself (pytorch-accelerated's ``SchedulerBase``).

Subclass one of them and override :meth:`SchedulerBase.get_updated_values`: given a number of
optimizer updates, return the new value(s) of ``param_group_field``:

* one value per param group (a list or tuple),
* a single value for every group, or
* ``None`` for "no change" (the optimizer keeps what it holds).

The base class does everything else, the same way for every field (``"lr"``,
``"weight_decay"``, ``"momentum"``, a custom key, or ``"betas[0]"``): it writes through
:class:`~torch_schedule_anything.binding.Binding` (values checked first, Tensor values filled
in place), keeps ``get_last_lr()`` and the update count, and saves and restores plain-data
state dicts (and loads pytorch-accelerated's own).

The timing is pytorch-accelerated 0.1.61's, exactly, so a subclass written for it ports by
changing the import:

* At construction each group's value is recorded as ``initial_<field>`` (kept if already
  there) and the recorded values are written back; ``get_updated_values`` is not called.
* :class:`SchedulerBase` is stateless: the training loop calls ``step_update(n)`` after its
  ``n``-th optimizer update, which writes ``get_updated_values(n)``.
* :class:`StatefulSchedulerBase` counts for itself: ``step()`` after every
  ``optimizer.step()``. Its ``k``-th call writes ``get_updated_values(k − 1)`` (the count
  ``_num_updates`` starts at −1), so ``get_updated_values(0)`` is in effect for the SECOND
  optimizer update. This is one update later than PyTorch's schedulers and this package's
  :class:`~torch_schedule_anything.CurveSchedule`, which apply step 0 at construction.

In both, ``last_epoch`` is the number of optimizer updates done (torch's count of
``step()`` calls): ``n`` after ``step_update(n)``, ``k`` after ``k`` calls of ``step()``.

A curve is a ready-made ``get_updated_values``: :meth:`SchedulerBase.from_curve` returns a
:class:`CurveStatefulScheduler` whose value is ``base_g × λ(n)`` (multiplier curve) or ``λ(n)``
(absolute curve). It keeps PyTorch's timing (``λ(0)`` at construction), so its values are
:class:`~torch_schedule_anything.CurveSchedule`'s at every step.
"""

from __future__ import annotations

import abc
import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from .binding import (
    Binding,
    BoundBases,
    RefusesTorchSequentialLR,
    check_step_order,
    record_name,
)
from .checks import check_step
from .curve_schedule import as_curve, check_one_value
from .curves.base import Curve
from .errors import moved
from .state import (
    KIND,
    check_identity,
    describe,
    plain_copy,
    read_floats,
    read_step,
    require_mapping,
    shape_mismatch,
    torch_state_mismatch,
)

__all__ = ["CurveStatefulScheduler", "SchedulerBase", "StatefulSchedulerBase"]

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
        "_num_updates",
    }
)


def bind(optimizer: Optimizer, field: str, owner: str) -> Binding:
    """The :class:`Binding` of ``field`` (also for Accelerate's ``AcceleratedOptimizer``, which
    pytorch-accelerated's ``Trainer`` gives its scheduler: it has no step hooks, so the
    call-order check is skipped for it; see :func:`~.binding.watch_steps`)."""
    return Binding(optimizer, field, owner=owner)


class SchedulerBase(  # type: ignore[misc]  # base_lrs holds floats
    RefusesTorchSequentialLR, BoundBases, LRScheduler, metaclass=abc.ABCMeta
):
    """A stateless scheduler of any param-group field; subclass it, override one method.

    The training loop passes the number of optimizer updates done so far::

        num_updates = 0
        for batch in loader:
            loss(batch).backward()
            optimizer.step()
            num_updates += 1
            scheduler.step_update(num_updates)

    After ``step_update(n)`` the field holds ``get_updated_values(n)[g]`` in group ``g`` (or
    the single value returned, or what it held when ``None`` is returned). At construction it
    holds the recorded base (``initial_<field>``); ``get_updated_values(0)`` is never written
    by the base class (pytorch-accelerated's timing).

    Args:
        optimizer: any ``torch.optim.Optimizer``; it is ``.optimizer`` unchanged.
        param_group_field: the key to schedule in every param group: ``"lr"``,
            ``"weight_decay"``, a custom key, or ``"betas[0]"`` for one element of a tuple.

    Attributes:
        base_lr_values: each group's recorded base (``initial_<field>``, written into the
            group at construction if absent). ``base_lrs`` is torch's name for it.
        last_epoch: the number of optimizer updates done (``n`` after ``step_update(n)``).

    It is a real :class:`torch.optim.lr_scheduler.LRScheduler` (``.optimizer``,
    ``last_epoch``, ``_step_count``, ``get_last_lr()`` with the values of ITS field), but
    ``step()`` without a count raises: this class does not count. Subclass
    :class:`StatefulSchedulerBase` for a scheduler that does. ``optimizer.step`` is never
    wrapped or patched.

    Checkpoints (:meth:`state_dict`) are plain data: the field, the count, the base values,
    the field's current values and the subclass's plain-data attributes; loading restores all
    of them and writes the saved values back into the optimizer. pytorch-accelerated's own
    state dicts load too (see :meth:`load_state_dict`).
    """

    #: ``get_updated_values`` receives ``last_epoch + _first_update``: the update count itself
    #: here, one less for :class:`StatefulSchedulerBase` (its count starts at −1).
    _first_update: ClassVar[int] = 0

    def __init__(self, optimizer: Optimizer, param_group_field: str = "lr") -> None:
        # Deliberately no LRScheduler.__init__: it wraps optimizer.step to track call order.
        binding = bind(optimizer, param_group_field, type(self).__name__)
        # pytorch-accelerated writes the recorded bases back into the groups at construction.
        written = binding.write_each(binding.bases, None)
        binding.commit()
        self._binding = binding
        self._slot = binding.slot
        self.optimizer = optimizer
        self.param_group_field = param_group_field
        self._n_groups = binding.n_groups
        self.last_epoch = 0
        self._step_count = 1
        self._last_lr: list[float] = written  # type: ignore[assignment]

    # -- what a subclass writes -------------------------------------------------------------
    @abc.abstractmethod
    def get_updated_values(self, num_updates: int) -> Any:
        """The new value(s) of the field for ``num_updates`` optimizer updates.

        Return one number per param group (a list or tuple), one number for every group, or
        ``None`` to leave the groups unchanged. Numbers may be floats, ints or one-element
        Tensors; they are written as floats (into the existing Tensor, in place, where the
        group holds a Tensor).
        """

    def _initial_values(self) -> Any:
        """What the field holds at construction: the bases (a subclass may write others)."""
        return self.base_lrs

    # -- the write ---------------------------------------------------------------------------
    def update_param_groups(self, values: Any) -> None:
        """Write ``values`` (one per group, or one for all) into the field of every group.

        Every value is checked first (finite, real, no autograd graph, valid for the field);
        a rejected call writes nothing.
        """
        self._require_init()
        floats = self._binding.write_each(self._per_group(values), self.last_epoch)
        self._last_lr = floats  # type: ignore[assignment]

    #: pytorch-accelerated's name, so ported subclasses that call it keep working.
    _update_param_groups = update_param_groups

    def _require_init(self) -> None:
        if "_binding" not in self.__dict__:
            raise TypeError(
                f"{type(self).__name__}.__init__ must call super().__init__(optimizer, "
                f"param_group_field=...) first"
            )

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

    def _advance(self, num_updates: int) -> None:
        """Write ``get_updated_values(num_updates)``; the count is the new one while it runs
        (pytorch-accelerated increments first) and is left as it was if it raises."""
        self._require_init()
        previous = self.last_epoch
        self.last_epoch = num_updates - self._first_update
        try:
            values = self.get_updated_values(num_updates)
            if values is not None:
                self.update_param_groups(values)
        except BaseException:
            self.last_epoch = previous
            raise

    def _position(self, epoch: int) -> None:
        """Write what is in effect after ``epoch`` optimizer updates, as the count says."""
        num_updates = epoch + self._first_update
        if num_updates >= 0:
            self._advance(num_updates)
            return
        values = self._initial_values()
        if values is not None:
            self.update_param_groups(values)
        self.last_epoch = epoch

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
        """Write ``get_updated_values(num_updates)`` (call it after each optimizer update)."""
        n = check_step(num_updates)
        self._advance(n)
        self._step_count += 1

    def _refuse_going_back(self, epoch: int) -> None:
        if epoch < self.last_epoch:
            raise ValueError(
                f"{type(self).__name__}.step({epoch}) would move the count back from "
                f"{self.last_epoch} optimizer updates to {epoch}. pytorch-accelerated's "
                f"TrainerWithTimmScheduler calls scheduler.step(epoch) at the end of every "
                f"epoch, which would reset the count: these schedulers count optimizer "
                f"updates, so run them with pytorch-accelerated's Trainer (it calls step() "
                f"after each update), and call step_update(num_updates) to set a count on "
                f"purpose"
            )

    def step(self, epoch: int | None = None) -> None:  # type: ignore[override]
        """``step(n)`` is ``step_update(n)``; ``step()`` raises: this scheduler does not count.

        ``n`` may not be below the count (a count going back is what pytorch-accelerated's
        ``TrainerWithTimmScheduler`` would do by calling ``step(epoch)``): ``ValueError``.
        """
        if epoch is None:
            raise TypeError(
                f"{type(self).__name__} is a stateless SchedulerBase: pass the number of "
                f"optimizer updates, scheduler.step_update(num_updates) (or step(num_updates)); "
                f"subclass StatefulSchedulerBase for a scheduler that counts itself"
            )
        n = check_step(epoch)
        self._refuse_going_back(n)
        self.step_update(n)

    # -- reading -----------------------------------------------------------------------------
    @property
    def schedule_target(self) -> str:
        """The field scheduled (``param_group_field``); SynchronousSchedule names it by this."""
        return self.param_group_field

    @property
    def base_lr_values(self) -> list[float]:
        """pytorch-accelerated's name for :attr:`base_lrs`: each group's recorded base."""
        return list(self.base_lrs)  # type: ignore[arg-type]

    @base_lr_values.setter
    def base_lr_values(self, bases: list[float]) -> None:
        self.base_lrs = bases  # type: ignore[assignment]

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
            ok, copied = plain_copy(value)
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

        pytorch-accelerated's state dicts (its ``SchedulerBase`` saves its ``__dict__``, its
        ``CosineLrScheduler`` its options and ``num_updates``, its ``WSDLrScheduler`` its public
        attributes) load too, as they do there: each key restores the attribute of that name
        (``num_updates`` the count, ``base_lr_values`` the bases) and the optimizer is not
        touched. Unknown keys and values of the wrong kind are refused.

        Args:
            strict: ``False`` keeps this scheduler's configuration (its class, curve, bases
                and attributes) and restores only the count, then writes this scheduler's own
                values for it: the one thing ``strict=False`` means everywhere in this package.

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
        if "last_epoch" not in state and KIND not in state:
            return self._prepare_upstream_load(state)
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
        if saved_class in _RENAMED and _RENAMED[saved_class] == name:
            saved_class = name  # saved before the class was renamed
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
        restored = self._check_attributes(state.get("attributes", {})) if strict else {}
        binding = self._binding
        binding.check_values(values, last_epoch)
        binding.check_values(bases, last_epoch)  # bases are values the field may hold
        if not strict:

            def apply_step_only() -> None:
                token = self._checkpoint()
                try:
                    self._position(last_epoch)
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

    #: The keys of pytorch-accelerated's state dicts that are not attributes of the subclass.
    _UPSTREAM_KEYS = frozenset(
        {"param_group_field", "_initial_param_group_field", "base_lr_values"}
    )

    def _prepare_upstream_load(self, state: Mapping[str, Any]) -> Callable[[], None]:
        """Check a pytorch-accelerated state dict whole; return the function that applies it.

        pytorch-accelerated loads with ``self.__dict__.update(state_dict)``: every key sets
        the attribute of that name, and a dict may hold only some of them. Here each key must
        name something this scheduler has (the field, the bases, the count, or one of the
        subclass's plain-data attributes) and hold the same kind of value.
        """
        name = type(self).__qualname__
        if not state:
            raise ValueError(
                f"an empty state dict cannot be loaded into {name}; load the dict its "
                f"state_dict() returned"
            )
        own = self._subclass_attributes()
        counts = ("num_updates", "_num_updates") if self._counts_itself() else ()
        unknown = sorted(
            str(k)
            for k in state
            if k not in own and k not in self._UPSTREAM_KEYS and k not in counts
        )
        if unknown:
            raise ValueError(
                f"this is not a {name} state dict: {unknown} are not attributes of {name}; it "
                f"looks like {describe(state)}. Load it into the object that saved it."
            )
        field = state.get("param_group_field", self.param_group_field)
        if field != self.param_group_field:
            raise ValueError(
                f"the state dict is for param_group_field {field!r} but this {name} drives "
                f"{self.param_group_field!r}; load it into the scheduler of {field!r}"
            )
        record = state.get("_initial_param_group_field", record_name(self._slot.key))
        if record != record_name(self._slot.key):
            raise ValueError(
                f"the state dict records its bases as {record!r} but this {name} records them "
                f"as {record_name(self._slot.key)!r}"
            )
        bases = None
        if "base_lr_values" in state:
            bases = read_floats(state, "base_lr_values", self._n_groups, name)
            self._binding.check_values(bases, None)
        count = None
        for key in counts:
            if key in state:
                count = read_step(state, key, name, minimum=self._first_update)
        restored = {}
        for key, value in state.items():
            if key in own:
                why = shape_mismatch(value, own[key], f"{key!r}")
                if why:
                    raise TypeError(f"{name} state dict: {why}")
                restored[key] = plain_copy(value)[1]

        def apply() -> None:
            for attribute, value in restored.items():
                setattr(self, attribute, value)
            if bases is not None:
                self.base_lrs = bases  # type: ignore[assignment]
            if count is not None:
                self.last_epoch = count - self._first_update

        return apply

    def _counts_itself(self) -> bool:
        return False

    def _check_curve(self, state: Mapping[str, Any], strict: bool) -> None:
        """A curve in the state dict belongs to a :class:`CurveStatefulScheduler`."""
        if "curve" in state:
            raise ValueError(
                f"this is {describe(state)} of a CurveStatefulScheduler; "
                f"{type(self).__qualname__} has no curve"
            )

    def _check_attributes(self, attributes: Any) -> dict[str, Any]:
        if not isinstance(attributes, Mapping):
            raise TypeError(
                f"state dict 'attributes' must be a mapping, got {type(attributes).__name__}"
            )
        own = self._subclass_attributes()
        restored = {}
        for name, value in attributes.items():
            ok, copied = plain_copy(value)
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
    ) -> CurveStatefulScheduler:
        """A :class:`CurveStatefulScheduler`: the curve as ``get_updated_values``.

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
        return CurveStatefulScheduler(
            optimizer,
            curve,
            param_group_field=param_group_field,
            one_value_for_all_groups=one_value_for_all_groups,
        )

    def __repr__(self) -> str:
        if "_binding" not in self.__dict__:  # inside a failing __init__
            return f"<{type(self).__name__}, not initialised>"
        return (
            f"{type(self).__name__}(param_group_field={self.param_group_field!r}, "
            f"last_epoch={self.last_epoch})"
        )


class StatefulSchedulerBase(SchedulerBase):
    """A scheduler of any param-group field that counts optimizer updates itself.

    Call ``scheduler.step()`` after every ``optimizer.step()``, as pytorch-accelerated's
    ``Trainer`` does. The count ``_num_updates`` starts at −1; each ``step()`` adds one and
    writes ``get_updated_values(_num_updates)``: the ``k``-th call writes
    ``get_updated_values(k − 1)`` (pytorch-accelerated 0.1.61's timing, one update later than
    PyTorch's schedulers). ``last_epoch`` is ``_num_updates + 1``, the number of ``step()``
    calls.

    ``step_update(n)`` writes ``get_updated_values(n)`` and sets the count to ``n`` (the next
    ``step()`` writes ``n + 1``); pytorch-accelerated leaves its count alone there.
    ``step(k)`` puts the scheduler where ``k`` calls of ``step()`` put it (``step_update(k −
    1)``); a ``k`` below the count raises ``ValueError``.

    Example (a pytorch-accelerated weight-decay scheduler, unchanged but for the import):

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
        >>> for _ in range(3):
        ...     opt.step()
        ...     s.step()
        >>> s.get_last_lr(), s._num_updates
        ([1.0], 2)

    pytorch-accelerated declares ``state_dict``/``load_state_dict`` abstract here; this class
    has working ones (plain data, see :meth:`SchedulerBase.state_dict`). A subclass that
    defines its own, as pytorch-accelerated requires, keeps them.
    """

    _first_update: ClassVar[int] = -1
    _num_updates: int

    @property  # type: ignore[override]
    def last_epoch(self) -> int:
        """The number of ``step()`` calls: ``_num_updates − _first_update``."""
        return self._num_updates - self._first_update

    @last_epoch.setter
    def last_epoch(self, value: int) -> None:
        self._num_updates = value + self._first_update

    def _counts_itself(self) -> bool:
        return True

    def get_current_step(self) -> int:
        """The count passed to ``get_updated_values`` last (``_num_updates``; −1 before the
        first ``step()``)."""
        return self._num_updates

    def step(self, epoch: int | None = None) -> None:  # type: ignore[override]
        """Add one to the count and write its values (or go to where ``epoch`` steps lead)."""
        self._require_init()
        if epoch is None:
            if self._step_count == 1:
                check_step_order(self.optimizer)
            self.step_update(self._num_updates + 1)
            return
        n = check_step(epoch)
        self._refuse_going_back(n)
        self._position(n)
        self._step_count += 1


class CurveStatefulScheduler(StatefulSchedulerBase):
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

    Unlike :class:`StatefulSchedulerBase`, it keeps PyTorch's timing: ``λ(0)`` is written at
    construction (``get_updated_values(0)`` runs inside ``__init__``: a subclass sets what it
    reads before calling ``super().__init__``) and the ``k``-th ``step()`` writes ``λ(k)``.
    """

    _first_update: ClassVar[int] = 0

    def __init__(
        self,
        optimizer: Optimizer,
        curve: Curve | Any,
        param_group_field: str = "lr",
        *,
        one_value_for_all_groups: bool = False,
    ) -> None:
        curve = as_curve(curve)
        # Checked before the base class records and writes anything: a refusal changes nothing.
        probe = bind(optimizer, param_group_field, type(self).__name__)
        check_one_value(curve, probe, one_value_for_all_groups)
        lam = curve(0)
        probe.check_values(
            [lam] * probe.n_groups if curve.absolute else [b * lam for b in probe.bases], 0
        )
        super().__init__(optimizer, param_group_field=param_group_field)
        self.curve = curve
        self._advance(0)

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
            f"{type(self).__name__}(param_group_field={self.param_group_field!r}, "
            f"curve={self.curve!r}, last_epoch={self.last_epoch})"
        )


#: Classes renamed in 2.1: old name -> new name (their state dicts record the old one).
_RENAMED = {"CurveScheduler": "CurveStatefulScheduler"}


def __getattr__(name: str) -> Any:
    return moved("bases", name)  # CurveScheduler (DeprecationWarning), else AttributeError
