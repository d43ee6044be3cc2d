"""The built-in curves, registered through the same hook a third-party plugin uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .curves.spec import SPEC_CURVES
from .hookspecs import hookimpl


@hookimpl
def register_curves(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register the 13 curves of ScheduleAnything 1.x under their function names."""
    for curve_class in SPEC_CURVES:
        register(curve_class.name, curve_class)
