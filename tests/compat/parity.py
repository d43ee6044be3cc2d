"""The parity table: every compat test that compares with a real package records what it saw.

``record(peer, case, worst, compared)`` keeps the largest relative difference per case;
``tests/conftest.py`` prints the table at the end of ``pytest tests/compat -m compat``: measured,
never typed.
"""

from __future__ import annotations

#: (peer, case) -> [largest relative difference, values compared]
PARITY: dict[tuple[str, str], list[float]] = {}


def record(peer: str, case: str, worst: float, compared: int) -> None:
    """Note one comparison run against the real ``peer`` package."""
    entry = PARITY.setdefault((peer, case), [0.0, 0])
    entry[0] = max(entry[0], worst)
    entry[1] += compared
