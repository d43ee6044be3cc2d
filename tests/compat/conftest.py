"""Prints the parity table that the compat tests recorded (see ``parity.py``)."""

from __future__ import annotations

from typing import Any

from parity import PARITY


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not PARITY:
        return
    write = terminalreporter.write_line
    write("")
    write("parity with the real packages (largest relative difference, values compared):")
    write("| peer | case | max relative difference | values compared |")
    write("| --- | --- | ---: | ---: |")
    for (peer, case), (worst, compared) in sorted(PARITY.items()):
        write(f"| {peer} | {case} | {worst:.3g} | {int(compared)} |")
