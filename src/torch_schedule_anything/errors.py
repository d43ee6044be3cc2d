"""Exception types. They subclass the builtin a caller would catch (``KeyError``)."""

from __future__ import annotations

import importlib
import os
import sys
import types
import warnings
from typing import Any

__all__ = [
    "MOVED",
    "LookupKeyError",
    "ScheduleConflictError",
    "add_note",
    "external_stacklevel",
    "moved",
]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class LookupKeyError(KeyError):
    """A ``KeyError`` whose message prints as written.

    A plain ``KeyError`` shows ``repr`` of its message (quotes, escaped newlines); these
    messages say what is wrong and how to fix it, so they print verbatim.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ScheduleConflictError(ValueError, RuntimeError):
    """Two schedules would drive one key in one param group.

    Raised by ``sa.SynchronousSchedule`` and ``sa.schedule_from_config`` alike. It is a
    ``ValueError`` (a wrong argument) and, for 1.x code that caught what 1.x raised, a
    ``RuntimeError``.
    """


def add_note(exc: BaseException, note: str) -> None:
    """Attach ``note`` to ``exc`` (``BaseException.add_note`` on 3.11+, the message on 3.10)."""
    adder = getattr(exc, "add_note", None)
    if adder is not None:
        adder(note)
    elif exc.args and isinstance(exc.args[0], str):
        exc.args = (f"{exc.args[0]}\n{note}", *exc.args[1:])


def external_stacklevel() -> int:
    """The ``stacklevel`` that attributes a warning to the first frame outside this package.

    Call it from the function that calls ``warnings.warn``; the warning then points at the
    user's line (e.g. ``sa.cosine_annealing_with_warmup(...)``), however many of the package's
    own frames (builtin functions, the registry) lie between.
    """
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    return level


#: Names of 2.0/2.1.0 that moved, ``(module, old name) -> (module, new name, why)``; modules
#: relative to the package ("" is the package). The old spellings keep working for a while,
#: with a ``DeprecationWarning`` that says where the name went: see :func:`moved`.
MOVED: dict[tuple[str, str], tuple[str, str, str]] = {
    ("", "CurveScheduler"): (
        "bases",
        "CurveStatefulScheduler",
        "it was one letter from CurveSchedule, a different class (for PyTorch's scheduler with "
        "a curve use sa.CurveSchedule; for a StatefulSchedulerBase driven by a curve, "
        "sa.SchedulerBase.from_curve(...))",
    ),
    ("bases", "CurveScheduler"): ("bases", "CurveStatefulScheduler", "see sa.CurveScheduler"),
    ("plugins", "register_plugin"): (
        "registry",
        "register_plugin",
        "the registry, above the plugin manager, runs the new plugin's hooks",
    ),
    ("registry", "schedule"): ("config", "schedule", "schedules by name live with configs"),
}

_PACKAGE = __name__.rsplit(".", 1)[0]


def moved(module: str, name: str) -> Any:
    """The object ``name`` of ``module`` moved to, with a ``DeprecationWarning`` pointing at
    the caller's line; ``AttributeError`` for a name that never existed (a module's
    ``__getattr__`` calls this)."""
    target = MOVED.get((module, name))
    if target is None:
        where = f"{_PACKAGE}.{module}" if module else _PACKAGE
        raise AttributeError(f"module {where!r} has no attribute {name!r}")
    home, new_name, why = target
    old = f"{_PACKAGE}.{module}.{name}" if module else f"sa.{name}"
    new = f"sa.{new_name}" if not module else f"{_PACKAGE}.{home}.{new_name}"
    warnings.warn(
        f"{old} is {new} since 2.1 ({why}); the old name will be removed in 3.0",
        DeprecationWarning,
        stacklevel=external_stacklevel(),
    )
    return getattr(importlib.import_module(f"{_PACKAGE}.{home}"), new_name)


class _MovedModule(types.ModuleType):
    """A module that moved: every attribute is looked up in its new home, with a warning."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__(f"{_PACKAGE}.{old}")
        self._new = new

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        warnings.warn(
            f"the module {self.__name__} is {_PACKAGE}.{self._new} since 2.1 (the function "
            f"sa.schedule shadowed it); import from there, or use the top-level sa.* names",
            DeprecationWarning,
            stacklevel=external_stacklevel(),
        )
        return getattr(importlib.import_module(f"{_PACKAGE}.{self._new}"), name)


def install_moved_modules() -> None:
    """Make the 2.0 module ``torch_schedule_anything.schedule`` importable again (it is
    ``curve_schedule`` now). It is put in ``sys.modules`` only, never as an attribute of the
    package, where ``sa.schedule`` is the function."""
    sys.modules.setdefault(f"{_PACKAGE}.schedule", _MovedModule("schedule", "curve_schedule"))
