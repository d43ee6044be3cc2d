"""Curves and handlers by name, collected from every plugin's hooks.

The registry is rebuilt lazily whenever the set of plugins changes. Each plugin's hook is
called on its own, so the registry knows which plugin (and distribution) registered each name.

Conflicts: when two plugins register the same name, the one registered first keeps it (the
built-in plugin is always first, then entry points in distribution-name order) and a
:class:`~torch_schedule_anything.plugins.PluginLoadWarning` names both. A plugin registered by
hand with ``sa.register_plugin`` that clashes is refused with a ``ValueError`` naming both.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .curves.base import Curve, FunctionCurve
from .errors import LookupKeyError, add_note, moved

__all__ = [
    "Entry",
    "curve_entry",
    "curve_from_spec",
    "get_curve",
    "get_handler",
    "handler_entry",
    "list_curves",
    "list_handlers",
    "refresh",
    "register_plugin",
]


@dataclass(frozen=True)
class Entry:
    """One registered curve factory or handler, with the plugin that registered it."""

    name: str
    obj: Any
    plugin: str
    distribution: str

    @property
    def parameters(self) -> list[str]:
        """The factory's parameter names (for listings and error messages)."""
        try:
            sig = inspect.signature(self.obj)
        except (TypeError, ValueError):
            return []
        return [p for p in sig.parameters if p != "self"]

    def build(self, what: str, kwargs: dict[str, Any]) -> Any:
        """``obj(**kwargs)``; a ``TypeError`` gets a note naming the entry and its arguments."""
        try:
            return self.obj(**kwargs)
        except TypeError as exc:
            argument_kind = "parameters" if what == "curve" else "options"
            add_note(
                exc,
                f"[torch_schedule_anything] {what} {self.name!r} (from {self.distribution}) takes "
                f"the {argument_kind} {self.parameters}; got {sorted(kwargs)}",
            )
            raise


def valid_name(name: object) -> bool:
    """An identifier (``"wsd"``) or a namespaced one (``"transformers:cosine"``)."""
    return isinstance(name, str) and all(part.isidentifier() for part in name.split(":", 1))


class _Cache:
    generation: int = -1
    curves: dict[str, Entry] = {}  # noqa: RUF012
    handlers: dict[str, Entry] = {}  # noqa: RUF012


def _collect(hook_name: str, what: str) -> dict[str, Entry]:
    from . import plugins  # pluggy loads on first registry use, not at import

    manager = plugins.get_plugin_manager()
    hook = getattr(manager.hook, hook_name)
    found: dict[str, Entry] = {}
    # get_hookimpls() lists implementations in registration order: the built-in plugin first.
    for impl in hook.get_hookimpls():
        plugin_name = manager.get_name(impl.plugin) or "?"
        info = plugins.plugin_info(plugin_name)
        if info is None:  # registered on the pluggy manager directly: treat as in-house
            info = plugins.PluginInfo(plugin_name, "<in-house>", "", "register_plugin")
        registered: dict[str, Entry] = {}

        def register(
            name: str,
            obj: Any,
            _plugin: str = plugin_name,
            _into: dict[str, Entry] = registered,
            _dist: str = info.distribution,
        ) -> None:
            if not valid_name(name):
                raise ValueError(
                    f"{what} names must be identifiers such as 'my_{what}', optionally "
                    f"namespaced as 'package:my_{what}', got {name!r}"
                )
            if not callable(obj):
                raise TypeError(f"{what} {name!r} must be callable, got {type(obj).__name__}")
            if name in _into:
                raise ValueError(f"{what} {name!r} is registered twice by the same plugin")
            if what == "curve" and not _identifiable(obj):
                plugins.warn_once(
                    f"curve {name!r} of plugin {_plugin!r} ({_dist}) declares no param_names "
                    f"and its factory takes *args/**kwargs (or has no signature), so a state "
                    f"dict cannot tell one configuration of it from another: a schedule saved "
                    f"with other parameters would load silently. Declare param_names on the "
                    f"curve class, or give the factory named parameters."
                )
            _into[name] = Entry(name, obj, _plugin, _dist)

        try:
            impl.function(**{arg: register for arg in impl.argnames if arg == "register"})
        except Exception as exc:
            if info.source == "register_plugin":
                add_note(
                    exc,
                    f"[torch_schedule_anything] in {hook_name}() of plugin {plugin_name!r}; "
                    f"the plugin was not registered",
                )
                raise
            plugins.record_failure(
                plugin_name,
                info.distribution,
                f"{hook_name}() raised {type(exc).__name__}: {exc}",
            )
            plugins.warn_once(
                f"torch_schedule_anything plugin {plugin_name!r} from distribution "
                f"{info.distribution} {info.version} failed in {hook_name}() and its {what}s "
                f"were skipped: {type(exc).__name__}: {exc}. Its other hooks and every other "
                f"plugin keep working; uninstall or fix it, or set "
                f"{plugins.DISABLE_AUTOLOAD_ENV}=1 to skip all plugins."
            )
            continue
        for name, entry in registered.items():
            if name in found:
                first = found[name]
                message = (
                    f"{what} {name!r} is registered by plugin {first.plugin!r} "
                    f"({first.distribution}) and by plugin {entry.plugin!r} "
                    f"({entry.distribution})"
                )
                if info.source == "register_plugin":
                    raise ValueError(message + "; register yours under another name")
                plugins.warn_once(
                    message + f"; {first.plugin!r} ({first.distribution}) keeps the name "
                    f"(the built-in plugin first, then entry points in distribution-name "
                    f"order). Uninstall one of them to silence this warning."
                )
                continue
            found[name] = entry
    return found


def register_plugin(plugin: object, name: str | None = None) -> str:
    """Register an in-house plugin (a module or object with ``@sa.hookimpl`` functions).

    Returns the name it was registered under (``name``, else the module's ``__name__``).
    The plugin's hooks run right away, so a problem raises here, and nothing is registered:

    * ``ValueError``: the name is taken; a curve or handler it registers clashes with an
      existing one (the message names both plugins); it implements no hook.
    * ``pluggy.PluginValidationError``: a hook does not match its specification.
    * whatever its hook raised (with a note naming the plugin).

    Example:
        >>> import torch_schedule_anything as sa
        >>> from torch_schedule_anything.curves import ConstantSchedule
        >>> class InHouse:
        ...     @sa.hookimpl
        ...     def register_curves(self, register):
        ...         register("flat_one", lambda: ConstantSchedule(1.0))
        >>> sa.register_plugin(InHouse(), name="in_house")
        'in_house'
        >>> "flat_one" in sa.list_curves()
        True
        >>> sa.unregister_plugin("in_house")
    """
    from . import plugins

    name = plugins.add_plugin(plugin, name)
    try:
        refresh()
    except Exception:
        plugins.unregister_plugin(name)
        raise
    return name


def refresh() -> None:
    """Rebuild the registry if plugins changed (called on every lookup; cheap when not)."""
    from . import plugins

    plugins.get_plugin_manager()
    if _Cache.generation == plugins.generation():
        return
    curves = _collect("register_curves", "curve")
    handlers = _collect("register_handlers", "handler")
    _Cache.curves, _Cache.handlers = curves, handlers
    _Cache.generation = plugins.generation()


def _unknown(what: str, name: Any, known: list[str]) -> LookupKeyError:
    listing = (
        f"the registered {what}s are: {', '.join(known)}" if known else (f"no {what} is registered")
    )
    return LookupKeyError(
        f"unknown {what} {name!r}; {listing}. Install or register the plugin that provides it "
        f"(sa.list_plugins() shows what loaded)."
    )


def list_curves() -> list[str]:
    """The names of every registered curve, sorted.

    Example:
        >>> import torch_schedule_anything as sa
        >>> "cosine_annealing_with_warmup" in sa.list_curves()
        True
    """
    refresh()
    return sorted(_Cache.curves)


def curve_entry(name: str) -> Entry:
    """The registry entry (factory and origin plugin) of curve ``name``."""
    refresh()
    if name not in _Cache.curves:
        raise _unknown("curve", name, sorted(_Cache.curves))
    return _Cache.curves[name]


def get_curve(name: str) -> Callable[..., Curve]:
    """The factory registered as ``name``: ``get_curve(name)(**params)`` returns a curve.

    Raises:
        KeyError: unknown name; the message lists the registered names.
    """
    return curve_entry(name).obj  # type: ignore[no-any-return]


def list_handlers() -> list[str]:
    """The names of every registered parameter handler, sorted."""
    refresh()
    return sorted(_Cache.handlers)


def handler_entry(name: str) -> Entry:
    """The registry entry of handler ``name``."""
    refresh()
    if name not in _Cache.handlers:
        raise _unknown("handler", name, sorted(_Cache.handlers))
    return _Cache.handlers[name]


def get_handler(name: str) -> Any:
    """The handler factory registered as ``name``."""
    return handler_entry(name).obj


def build_curve(name: str, params: dict[str, Any]) -> Curve:
    """``get_curve(name)(**params)``, with errors that name the curve and its parameters.

    Parameters the factory lists in ``curve_params`` may hold plain-data curves
    ``{"name": ..., "params": {...}}`` (or lists of them): they are built first, recursively.
    """
    entry = curve_entry(name)
    params = _build_children(name, getattr(entry.obj, "curve_params", ()), params)
    curve = entry.build("curve", params)
    if not isinstance(curve, Curve):
        raise TypeError(
            f"the factory of curve {name!r} (plugin {entry.plugin!r}, {entry.distribution}) "
            f"returned {type(curve).__name__}, not a torch_schedule_anything Curve"
        )
    if not curve.param_names and not isinstance(curve, FunctionCurve):
        # The curve does not say what it was built with: record it, so that its state dicts
        # identify the configuration (see Curve.params).
        curve.record_origin(name, _bound_arguments(entry.obj, params))
    return curve


def _build_children(name: str, curve_params: Any, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with the plain-data curves of the parameters in ``curve_params`` built."""
    if not curve_params:
        return params
    built = dict(params)
    for param in curve_params:
        value = params.get(param)
        if isinstance(value, Mapping):
            built[param] = _child_from_data(f"{name}.{param}", value)
        elif isinstance(value, (list, tuple)):
            built[param] = [
                _child_from_data(f"{name}.{param}[{i}]", item)
                if isinstance(item, Mapping)
                else item
                for i, item in enumerate(value)
            ]
    return built


def curve_from_spec(spec: Mapping[str, Any]) -> Curve:
    """The curve described by plain data ``{"name": registered_name, "params": {...}}``.

    The inverse of :meth:`Curve.spec`: ``sa.curve_from_spec(curve.spec()) == curve``. Nested
    plain-data curves (the children of ``join``, ``scaled``, ``multiplier``) are built too.

    Example:
        >>> import torch_schedule_anything as sa
        >>> spec = {"name": "multiplier", "params": {"curve": {"name": "linear_warmup",
        ...         "params": {"base_lr": 1.0, "warmup_steps": 4}}}}
        >>> curve = sa.curve_from_spec(spec)
        >>> curve.spec() == spec, curve(2)
        (True, 0.5)
    """
    if not isinstance(spec, Mapping):
        raise TypeError(
            f"spec must be a mapping {{'name': <registered curve>, 'params': {{...}}}} "
            f"(what curve.spec() returns), got {type(spec).__name__}"
        )
    return _child_from_data("spec", spec)


def _child_from_data(where: str, data: Mapping[str, Any]) -> Curve:
    """The curve described by ``{"name": registered_name, "params": {...}}``."""
    if not isinstance(data.get("name"), str):
        raise ValueError(
            f"{where} must be a Curve or a mapping {{'name': <registered curve>, "
            f"'params': {{...}}}}, got the mapping {dict(data)!r}"
        )
    unknown = sorted(set(data) - {"name", "params"})
    if unknown:
        raise ValueError(
            f"{where} has the keys {unknown}; a plain-data curve has only 'name' and 'params'"
        )
    params = data.get("params") or {}
    if not isinstance(params, Mapping):
        raise TypeError(f"{where}['params'] must be a mapping, got {type(params).__name__}")
    return build_curve(data["name"], dict(params))


def _bound_arguments(factory: Any, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` bound to ``factory``'s signature, with its defaults filled in."""
    try:
        bound = inspect.signature(factory).bind(**params)
    except (TypeError, ValueError):
        return dict(params)
    bound.apply_defaults()
    return dict(bound.arguments)


def _identifiable(factory: Any) -> bool:
    """Whether a state dict can name the configuration of the curves ``factory`` builds."""
    if isinstance(factory, type) and issubclass(factory, Curve) and factory.param_names:
        return True
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return False
    return not any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters)


def __getattr__(name: str) -> Any:
    # A name that moved (its new home is looked up by name: no import up the layers).
    return moved("registry", name)
