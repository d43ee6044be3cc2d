"""Exception types. They subclass the builtin a caller would catch (``KeyError``)."""

from __future__ import annotations

import os
import sys

__all__ = ["LookupKeyError", "ScheduleConflictError", "add_note", "external_stacklevel"]

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
