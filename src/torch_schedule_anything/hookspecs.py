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

    ``name`` must be a Python identifier (``"wsd"``, ``"inverse_sqrt"``), optionally namespaced
    by the package whose schedule it reproduces (``"transformers:cosine"``); users select the
    curve with it: ``sa.schedule(optimizer, name, schedule_target=..., **params)``,
    ``sa.schedule_from_config``, ``sa.get_curve(name)``. ``factory(**params)`` must return a
    :class:`torch_schedule_anything.Curve`; a ``Curve`` subclass is the usual factory.

    When: once per plugin, the first time the registry is used after the plugin was
    registered (``sa.list_curves()``, ``sa.schedule(opt, "name", ...)``, ...), not at import.

    Results: every implementation is called and everything registered is kept. A name
    registered by two plugins is a conflict: between installed plugins the first registered
    keeps it (the built-in plugin, then entry points in distribution-name order) and a
    :class:`~torch_schedule_anything.PluginLoadWarning` names both distributions;
    ``sa.register_plugin`` refuses a clashing plugin with ``ValueError``. A hook that raises
    loses everything it registered (one warning; the other plugins are unaffected).
    """


@hookspec
def register_handlers(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register parameter handlers: call ``register(name, factory)`` once per handler.

    ``factory(**options)`` must return a handler: a callable ``handler(optimizer) -> None``
    (``sa.ParameterHandler``; a ``sa.GroupHandler`` subclass is the usual factory) that acts
    on a scheduled key the optimizer does not read itself, such as a gradient-clip threshold.
    Users attach it with ``sa.attach_handler(optimizer, name, **options)``, which runs it right
    before every ``optimizer.step()``.

    When, results and conflicts: as for :func:`register_curves`.
    """
