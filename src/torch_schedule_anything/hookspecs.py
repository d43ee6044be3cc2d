"""Hook specifications: the contract between torch_schedule_anything and its plugins.

A plugin is a module or object with functions marked ``@sa.hookimpl`` and named after a hook
below. It is found through the ``torch_schedule_anything`` entry-point group, or registered by
hand with ``sa.register_plugin(obj)``. Hooks take a ``register`` callback (the simonw/llm style)
instead of returning values: the core records who registered what, so a broken or conflicting
plugin can be named. An implementation may accept fewer arguments than the spec, so hooks can
grow new arguments without breaking plugins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec", "register_curves", "register_handlers"]

PROJECT_NAME = "torch_schedule_anything"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def register_curves(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register curves: call ``register(name, factory)`` once per curve.

    ``factory(**params)`` must return a :class:`torch_schedule_anything.curves.Curve`;
    a ``Curve`` subclass is the usual factory. ``name`` is how users select it:
    ``sa.schedule(optimizer, name, schedule_target=..., **params)``, configs, ``tsa plot name``.

    Called once per plugin, the first time the registry is used after the plugin is
    registered. Every implementation is called; a name registered twice is a conflict
    (see documentation/plugins.md for who wins).
    """


@hookspec
def register_handlers(register: Callable[[str, Any], None]) -> None:
    """Register parameter handlers: call ``register(name, handler)`` once per handler.

    A handler acts on a scheduled key that the optimizer does not read itself (such as a
    gradient-clip threshold) right before ``optimizer.step()``; attach it with
    ``sa.attach_handler(optimizer, name, **options)``. ``handler(**options)`` must return a
    callable ``(optimizer) -> None``.

    Called once per plugin, like :func:`register_curves`.
    """
