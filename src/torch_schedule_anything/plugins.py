"""The plugin manager: built-in plugin, entry-point discovery, hand registration, listing.

* Entry-point group ``torch_schedule_anything``; each entry point names a module or object with
  ``@sa.hookimpl`` functions.
* Discovery is lazy: nothing is imported until the registry is first used
  (``sa.list_curves()``, ``sa.schedule("name", ...)``, ``sa.list_plugins()``).
* Entry points are loaded **one at a time**: one that fails to import, or whose hooks do not
  match the specifications, gives a :class:`PluginLoadWarning` naming its distribution and the
  error, and everything else keeps working.
* ``TSA_DISABLE_PLUGIN_AUTOLOAD=1`` turns discovery off; ``TSA_LOAD_PLUGINS=dist-a,dist-b``
  limits it to the named distributions. The built-in plugin is always there.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points, version
from typing import Any

import pluggy

from . import hookspecs
from .errors import external_stacklevel, moved

__all__ = [
    "DISABLE_AUTOLOAD_ENV",
    "ENTRY_POINT_GROUP",
    "LOAD_ONLY_ENV",
    "PluginInfo",
    "PluginLoadWarning",
    "add_plugin",
    "autoload_disabled",
    "failed_plugins",
    "get_plugin_manager",
    "list_plugins",
    "plugin_info",
    "unregister_plugin",
]

ENTRY_POINT_GROUP = "torch_schedule_anything"
DISABLE_AUTOLOAD_ENV = "TSA_DISABLE_PLUGIN_AUTOLOAD"
LOAD_ONLY_ENV = "TSA_LOAD_PLUGINS"
BUILTIN_NAME = "builtin"
_DISTRIBUTION = "torch-schedule-anything"
_HOOK_NAMES = ("register_curves", "register_handlers")


class PluginLoadWarning(UserWarning):
    """A plugin could not be loaded or its hook failed; the rest keeps working."""


@dataclass(frozen=True)
class PluginInfo:
    """Where a registered plugin came from."""

    name: str
    distribution: str
    version: str
    source: str  # "builtin", "entry point" or "register_plugin"
    hooks: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "source": self.source,
            "hooks": list(self.hooks),
        }


class _State:
    manager: pluggy.PluginManager | None = None
    info: dict[str, PluginInfo] = {}  # noqa: RUF012 - module-level singleton state
    failed: dict[str, str] = {}  # noqa: RUF012 - entry point name -> why it was skipped
    warned: set[str] = set()  # noqa: RUF012 - messages already warned (one warning each)
    generation: int = 0


def warn_once(message: str) -> None:
    """Issue ``message`` as a :class:`PluginLoadWarning` unless it was already issued.

    The registry is rebuilt whenever plugins change; a broken or conflicting plugin must
    still give one warning, not one per rebuild. The warning points at the first frame
    outside this package: the plugin's own ``register(...)`` line when the hook is running,
    else the user's call that loaded the plugins.
    """
    if message in _State.warned:
        return
    _State.warned.add(message)
    warnings.warn(message, PluginLoadWarning, stacklevel=external_stacklevel())


def _own_version() -> str:
    try:
        return version(_DISTRIBUTION)
    except Exception:
        return "0+unknown"


def autoload_disabled() -> bool:
    """True when ``TSA_DISABLE_PLUGIN_AUTOLOAD`` is set to a true value."""
    value = os.environ.get(DISABLE_AUTOLOAD_ENV, "")
    return value.strip().lower() not in ("", "0", "false", "no", "off")


def _normalise(distribution: str) -> str:
    """A distribution name as PEP 503 compares them: ``Foo_Bar`` and ``foo-bar`` are equal."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def load_only() -> set[str] | None:
    """The distributions named by ``TSA_LOAD_PLUGINS`` (normalised), or ``None`` if unset.

    ``TSA_LOAD_PLUGINS=tsa-curve-pack,tsa-gradient-clip`` loads the entry points of those
    distributions only (the simonw/llm ``LLM_LOAD_PLUGINS`` idea); an empty value loads none.
    """
    value = os.environ.get(LOAD_ONLY_ENV)
    if value is None:
        return None
    return {_normalise(name.strip()) for name in value.split(",") if name.strip()}


def _hooks_of(manager: pluggy.PluginManager, plugin: object) -> tuple[str, ...]:
    callers = manager.get_hookcallers(plugin) or []
    return tuple(sorted(caller.name for caller in callers))


def _register_checked(manager: pluggy.PluginManager, plugin: object, name: str) -> None:
    """Register ``plugin`` and validate its hooks; unregister it again if they are wrong.

    Raises ``pluggy.PluginValidationError`` for a hook that does not match its specification
    (a misspelt hook name or argument) and ``ValueError`` for an object that implements no
    hook at all (usually a function named like a hook but not marked ``@sa.hookimpl``).
    """
    manager.register(plugin, name=name)
    try:
        manager.check_pending()
        if not _hooks_of(manager, plugin):
            unmarked = [h for h in _HOOK_NAMES if callable(getattr(plugin, h, None))]
            hint = (
                f"{unmarked} {'is' if len(unmarked) == 1 else 'are'} not marked @sa.hookimpl"
                if unmarked
                else f"define one of {list(_HOOK_NAMES)} marked @sa.hookimpl"
            )
            raise ValueError(f"plugin {name!r} implements no torch_schedule_anything hook: {hint}")
    except (pluggy.PluginValidationError, ValueError):
        manager.unregister(name=name)
        raise


def _load_entry_point(manager: pluggy.PluginManager, ep: EntryPoint) -> None:
    dist = getattr(ep, "dist", None)
    dist_name = dist.name if dist is not None else "<unknown distribution>"
    dist_version = dist.version if dist is not None else "?"
    if manager.has_plugin(ep.name) or ep.name == BUILTIN_NAME:
        owner = _State.info.get(ep.name)
        other = f" by {owner.distribution}" if owner is not None else ""
        reason = f"another plugin is already registered under that name{other}"
        _State.failed[f"{ep.name} ({dist_name})"] = reason
        warn_once(
            f"torch_schedule_anything plugin {ep.name!r} from distribution {dist_name} "
            f"{dist_version} was skipped: {reason}. Rename its entry point."
        )
        return
    try:
        plugin = ep.load()
        _register_checked(manager, plugin, ep.name)
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        _State.failed[f"{ep.name} ({dist_name})"] = reason
        warn_once(
            f"torch_schedule_anything plugin {ep.name!r} from distribution {dist_name} "
            f"{dist_version} failed to load and was skipped: {reason}. Uninstall or fix it, "
            f"or set {DISABLE_AUTOLOAD_ENV}=1 to skip all plugins."
        )
        return
    _State.info[ep.name] = PluginInfo(
        ep.name, dist_name, dist_version, "entry point", _hooks_of(manager, plugin)
    )


def _load_order(ep: EntryPoint) -> tuple[str, str]:
    """Distribution name (normalised as in PEP 503: ``Foo_Bar`` = ``foo-bar``), then entry name.

    The order decides who keeps a curve or handler name that two distributions register.
    """
    dist = getattr(ep, "dist", None)
    return _normalise((dist.name if dist is not None else "") or ""), ep.name


def get_plugin_manager() -> pluggy.PluginManager:
    """The project's pluggy manager, created (and entry points loaded) on first use."""
    if _State.manager is not None:
        return _State.manager
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    from . import builtin_plugin

    _register_checked(manager, builtin_plugin, BUILTIN_NAME)
    _State.info = {
        BUILTIN_NAME: PluginInfo(
            BUILTIN_NAME,
            _DISTRIBUTION,
            _own_version(),
            "builtin",
            _hooks_of(manager, builtin_plugin),
        )
    }
    _State.failed = {}
    _State.manager = manager
    if not autoload_disabled():
        wanted = load_only()
        found = sorted(entry_points(group=ENTRY_POINT_GROUP), key=_load_order)
        if wanted is not None:
            found = [ep for ep in found if _load_order(ep)[0] in wanted]
            missing = sorted(wanted - {_load_order(ep)[0] for ep in found})
            if missing:
                warn_once(
                    f"{LOAD_ONLY_ENV} names {missing}, but no installed distribution of that "
                    f"name has a torch_schedule_anything entry point; check the spelling "
                    f"(distribution names, as pip shows them)"
                )
        for ep in found:
            _load_entry_point(manager, ep)
    _State.generation += 1
    return manager


def add_plugin(plugin: object, name: str | None = None) -> str:
    """Register ``plugin`` on the manager (no registry rebuild); returns its name.

    :func:`torch_schedule_anything.register_plugin` (in the registry) calls this, then runs the
    plugin's hooks and takes the plugin back out if they fail.
    """
    if name is not None and (not isinstance(name, str) or not name):
        raise TypeError(f"name must be a non-empty str or None, got {name!r}")
    if plugin is None or isinstance(plugin, (str, bytes)):
        raise TypeError(
            f"plugin must be a module or object with @sa.hookimpl functions, got {plugin!r}; "
            f"to load a plugin by module name, import it first and pass the module"
        )
    manager = get_plugin_manager()
    if name is None:
        name = getattr(plugin, "__name__", None) or f"{type(plugin).__name__}-{id(plugin):x}"
    if manager.has_plugin(name) or manager.is_registered(plugin):
        raise ValueError(f"a plugin named {name!r} (or this same object) is already registered")
    _register_checked(manager, plugin, name)
    _State.info[name] = PluginInfo(
        name, "<in-house>", "", "register_plugin", _hooks_of(manager, plugin)
    )
    _State.generation += 1
    return name


def unregister_plugin(name_or_plugin: str | object) -> None:
    """Remove a plugin registered by hand or by entry point (not the built-in one)."""
    manager = get_plugin_manager()
    name = name_or_plugin if isinstance(name_or_plugin, str) else manager.get_name(name_or_plugin)
    if name == BUILTIN_NAME:
        raise ValueError("the built-in plugin cannot be unregistered")
    if name is None or not manager.has_plugin(name):
        raise ValueError(f"no plugin named {name_or_plugin!r} is registered")
    manager.unregister(name=name)
    _State.info.pop(name, None)
    _State.generation += 1


def plugin_info(name: str) -> PluginInfo | None:
    """The :class:`PluginInfo` of the plugin registered as ``name`` (``None`` if unknown)."""
    get_plugin_manager()
    return _State.info.get(name)


def record_failure(name: str, distribution: str, reason: str) -> None:
    """Note that plugin ``name`` (partly) failed, for :func:`failed_plugins`."""
    _State.failed[f"{name} ({distribution})"] = reason


def list_plugins() -> list[dict[str, Any]]:
    """Every registered plugin: name, distribution, version, source and hooks.

    Example:
        >>> import torch_schedule_anything as sa
        >>> sa.list_plugins()[0]["name"]
        'builtin'
    """
    get_plugin_manager()
    return [info.as_dict() for info in _State.info.values()]


def failed_plugins() -> dict[str, str]:
    """Entry points that were skipped, ``"name (distribution)" -> "why"`` (empty if none).

    Example:
        >>> import torch_schedule_anything as sa
        >>> from torch_schedule_anything.plugins import failed_plugins
        >>> isinstance(failed_plugins(), dict)
        True
    """
    get_plugin_manager()
    return dict(_State.failed)


def generation() -> int:
    """A counter that changes whenever the set of plugins changes (registry cache key)."""
    return _State.generation


def _reset_for_tests() -> None:
    """Forget the manager so the next use rediscovers entry points (tests only)."""
    _State.manager = None
    _State.info = {}
    _State.failed = {}
    _State.warned = set()
    _State.generation += 1


def __getattr__(name: str) -> Any:
    # A name that moved (its new home is looked up by name: no import up the layers).
    return moved("plugins", name)
