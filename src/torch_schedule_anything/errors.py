"""Exception types. They subclass the builtin a caller would catch (``KeyError``)."""

from __future__ import annotations

__all__ = ["LookupKeyError", "add_note"]


class LookupKeyError(KeyError):
    """A ``KeyError`` whose message prints as written.

    A plain ``KeyError`` shows ``repr`` of its message (quotes, escaped newlines); these
    messages say what is wrong and how to fix it, so they print verbatim.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def add_note(exc: BaseException, note: str) -> None:
    """Attach ``note`` to ``exc`` (``BaseException.add_note`` on 3.11+, the message on 3.10)."""
    adder = getattr(exc, "add_note", None)
    if adder is not None:
        adder(note)
    elif exc.args and isinstance(exc.args[0], str):
        exc.args = (f"{exc.args[0]}\n{note}", *exc.args[1:])
