"""Parameter handlers: act on scheduled keys that the optimizer itself does not read.

A schedule can drive any key of ``optimizer.param_groups``, but a key such as
``gradient_clip_threshold`` does nothing until some code reads it. A **handler** is that code:
a callable ``handler(optimizer) -> None`` run right before every ``optimizer.step()``, that
reads its key from each param group (through
:func:`~torch_schedule_anything.get_param_groups_regrouped_by_key`) and acts on the group's
parameters, e.g. clips their gradients to the group's scheduled threshold.

* Handlers are built by a factory ``factory(**options)`` that a plugin registers under a name
  (hook ``register_handlers(register)``), or passed already built.
* :func:`attach_handler` installs one with torch's public ``optimizer.register_step_pre_hook``
  (``optimizer.step`` is never replaced) and returns a :class:`HandlerHandle` whose
  ``remove()`` detaches it.
* A handler may declare ``keys``, the param-group keys it reads; :func:`attach_handler` checks
  them up front, so a missing key fails at attach time with a message saying how to create it.
* :class:`GroupHandler` is a base class for the common case "one key, per group".
"""

from __future__ import annotations

import abc
import math
import numbers
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import torch
from torch.nn import Parameter
from torch.optim import Optimizer
from torch.utils.hooks import RemovableHandle

from .errors import LookupKeyError, add_note
from .param_groups import Slot, get_param_groups_regrouped_by_key

__all__ = [
    "GroupHandler",
    "HandlerHandle",
    "ParameterHandler",
    "attach_handler",
    "build_handler",
    "check_handler_keys",
]


@runtime_checkable
class ParameterHandler(Protocol):
    """What a handler is: a callable ``handler(optimizer) -> None``.

    It is called right before every ``optimizer.step()``, so after ``backward()``, with the
    optimizer as its only argument, and acts on the param groups that hold its key. It returns
    nothing. With ``torch.amp.GradScaler``, call ``scaler.unscale_(optimizer)`` before
    ``scaler.step(optimizer)`` so that the handler sees unscaled gradients (torch's rule for
    clipping under AMP). With a closure (``LBFGS``), it runs before the closure is evaluated.

    Optionally, a handler has an attribute ``keys``: the param-group keys it reads, which
    :func:`attach_handler` checks before attaching it.
    """

    def __call__(self, optimizer: Optimizer) -> None:
        """Act on ``optimizer``'s param groups before its step."""


def _missing_key_message(optimizer: Optimizer, key: str, who: str) -> str:
    present = sorted({k for g in optimizer.param_groups for k in g if k != "params"})
    return (
        f"{who} reads the param-group key {key!r}, but no param group holds it (keys present: "
        f"{present}). Create it before attaching the handler: "
        f"sa.extend_optimizer(optimizer, {key!r}, value), or schedule it with a default_value, "
        f"e.g. sa.schedule(optimizer, curve_name, schedule_target={key!r}, "
        f"default_value=value, ...)."
    )


def check_handler_keys(optimizer: Optimizer, handler: Any, who: str = "the handler") -> None:
    """Raise ``KeyError`` if a key in ``handler.keys`` is held by no param group of ``optimizer``.

    The message names the handler (``who``) and the key, and says how to create the key.
    A handler without ``keys`` is not checked.
    """
    keys = getattr(handler, "keys", ())
    if isinstance(keys, str) or not isinstance(keys, Sequence):
        raise TypeError(
            f"{who}: 'keys' must be a tuple of param-group key names, got "
            f"{type(keys).__name__} {keys!r}"
        )
    for target in keys:
        slot = Slot(target)
        if not any(slot.key in group for group in optimizer.param_groups):
            raise LookupKeyError(_missing_key_message(optimizer, slot.key, who))


class GroupHandler(abc.ABC):
    """Base class for a handler that reads one key per param group.

    Subclasses implement :meth:`apply`, called once per param group that holds ``key``, with
    the group's current value of the key as a float (a one-element Tensor is read with
    ``.item()``; ``inf`` is passed through, NaN is an error), the group's parameters and the
    group itself. Groups without the key are skipped (so a group can opt out by not having it); if
    no group holds it, the call raises ``KeyError`` saying how to create the key.

    Args:
        key: the param-group key to read, e.g. ``"gradient_clip_threshold"`` (or
            ``"name[0]"`` for one element of a tuple-valued key).

    Example:
        >>> import torch, torch_schedule_anything as sa
        >>> class ScaleGrads(sa.GroupHandler):
        ...     def apply(self, value, params, group):
        ...         for p in params:
        ...             if p.grad is not None:
        ...                 p.grad.mul_(value)
        >>> w = torch.nn.Parameter(torch.ones(2))
        >>> opt = torch.optim.SGD([w], lr=1.0)
        >>> _ = sa.extend_optimizer(opt, "grad_scale", 0.5)
        >>> handle = sa.attach_handler(opt, ScaleGrads("grad_scale"))
        >>> w.sum().backward()
        >>> opt.step()  # the handler halves the gradient first: w = 1 - 1.0 * 0.5
        >>> w.tolist()
        [0.5, 0.5]
        >>> handle.remove()
    """

    def __init__(self, key: str) -> None:
        self._slot = Slot(key)
        self.key = key

    @property
    def keys(self) -> tuple[str, ...]:
        """The param-group keys this handler reads (checked by :func:`attach_handler`)."""
        return (self.key,)

    def __call__(self, optimizer: Optimizer) -> None:
        """Call :meth:`apply` for every param group of ``optimizer`` that holds ``key``.

        The groups come from :func:`~torch_schedule_anything.get_param_groups_regrouped_by_key`.
        """
        if not optimizer.param_groups:
            return
        try:
            regrouped = get_param_groups_regrouped_by_key(optimizer, self.key)
        except LookupKeyError:
            who = f"{type(self).__name__} handler"
            raise LookupKeyError(_missing_key_message(optimizer, self._slot.key, who)) from None
        for raw, params, group in regrouped:
            self.apply(self._value(raw, optimizer, group), params, group)

    def _value(self, raw: Any, optimizer: Optimizer, group: dict[str, Any]) -> float:
        """``raw`` as a float; ``±inf`` is allowed (e.g. "no clipping"), NaN is not."""
        if isinstance(raw, torch.Tensor) and raw.numel() == 1 and not raw.is_complex():
            raw = raw.item()
        if isinstance(raw, bool) or not isinstance(raw, numbers.Real):
            index = next(i for i, g in enumerate(optimizer.param_groups) if g is group)
            raise TypeError(
                f"param_groups[{index}][{self.key!r}] is {type(raw).__name__} {raw!r}; "
                f"{type(self).__name__} needs a real number (or a one-element Tensor) there"
            )
        value = float(raw)
        if math.isnan(value):
            index = next(i for i, g in enumerate(optimizer.param_groups) if g is group)
            raise ValueError(f"param_groups[{index}][{self.key!r}] is NaN")
        return value

    @abc.abstractmethod
    def apply(self, value: float, params: list[Parameter], group: dict[str, Any]) -> None:
        """Act on one param group: ``value`` is its current value of ``key``."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key={self.key!r})"


class HandlerHandle:
    """What :func:`attach_handler` returns: the attached handler and a way to detach it.

    ``remove()`` detaches the handler (calling it again does nothing). The handle is also a
    context manager that detaches on exit.
    """

    def __init__(
        self, optimizer: Optimizer, handler: ParameterHandler, name: str, hook: RemovableHandle
    ) -> None:
        self.optimizer = optimizer
        self.handler = handler
        self.name = name
        self._hook: RemovableHandle | None = hook

    @property
    def attached(self) -> bool:
        """``True`` until :meth:`remove` is called."""
        return self._hook is not None

    def remove(self) -> None:
        """Detach the handler from the optimizer; later ``optimizer.step()`` calls skip it."""
        if self._hook is not None:
            self._hook.remove()
            self._hook = None

    def __enter__(self) -> HandlerHandle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.remove()

    def __repr__(self) -> str:
        state = "attached" if self.attached else "removed"
        return f"HandlerHandle({self.name!r}, {self.handler!r}, {state})"


def build_handler(name: str, options: dict[str, Any]) -> ParameterHandler:
    """``factory(**options)`` for the handler registered as ``name``, with errors naming it.

    Raises:
        KeyError: no handler is registered as ``name``; the message lists the known ones.
        TypeError: the options do not fit the factory, or it did not return a callable.
    """
    from .registry import handler_entry

    entry = handler_entry(name)
    handler = entry.build("handler", options)
    if not callable(handler):
        raise TypeError(
            f"the factory of handler {name!r} (plugin {entry.plugin!r}, {entry.distribution}) "
            f"returned {type(handler).__name__}, not a callable handler(optimizer) -> None"
        )
    return handler  # type: ignore[no-any-return]


def attach_handler(
    optimizer: Optimizer, handler: str | ParameterHandler, /, **options: Any
) -> HandlerHandle:
    """Run ``handler(optimizer)`` automatically right before every ``optimizer.step()``.

    Uses torch's public ``optimizer.register_step_pre_hook``; ``optimizer.step`` itself is not
    touched. Several handlers run in the order they were attached.

    Args:
        optimizer: any ``torch.optim.Optimizer``.
        handler: a registered handler name (``sa.list_handlers()``), built as
            ``factory(**options)``; or a handler already built (a callable
            ``(optimizer) -> None``).
        **options: the factory's options; only with a name.

    Returns:
        A :class:`HandlerHandle`; ``handle.remove()`` detaches the handler.

    Raises:
        KeyError: unknown handler name (the message lists the registered ones), or a key the
            handler reads (its ``keys``) is in no param group (the message says how to create
            it: ``sa.extend_optimizer`` or a schedule's ``default_value``).
        TypeError: ``optimizer`` is not an optimizer, ``handler`` is neither a name nor a
            callable, or options were given with a built handler.

    Example:
        >>> import torch, torch_schedule_anything as sa
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
        >>> calls = []
        >>> handle = sa.attach_handler(opt, lambda o: calls.append(len(o.param_groups)))
        >>> opt.step(); opt.step()
        >>> calls
        [1, 1]
        >>> handle.remove(); opt.step()
        >>> calls
        [1, 1]
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}; "
            f"attach handlers to the optimizer itself, not to a scheduler"
        )
    if isinstance(handler, str):
        name = handler
        built = build_handler(handler, dict(options))
        who = f"handler {name!r}"
    elif isinstance(handler, type):
        raise TypeError(
            f"got the class {handler.__name__}; pass an instance, e.g. "
            f"{handler.__name__}(...), or a registered handler name with options"
        )
    elif callable(handler):
        if options:
            raise TypeError(
                f"options {sorted(options)} are only used with a registered handler name; "
                f"{type(handler).__name__} is already built"
            )
        built = handler
        name = getattr(handler, "__name__", None) or type(handler).__name__
        who = f"handler {name!r}"
    else:
        raise TypeError(
            f"handler must be a registered handler name (see sa.list_handlers()) or a callable "
            f"handler(optimizer) -> None, got {type(handler).__name__} {handler!r}"
        )
    check_handler_keys(optimizer, built, who)

    def run_handler(opt: Optimizer, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        try:
            built(opt)
        except Exception as exc:
            add_note(exc, f"[torch_schedule_anything] in {who}, run before optimizer.step()")
            raise

    hook = optimizer.register_step_pre_hook(run_handler)
    return HandlerHandle(optimizer, built, name, hook)
