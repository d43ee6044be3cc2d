"""The built-in curves, registered through the same hook a third-party plugin uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .curves.base import Curve
from .curves.compose import Join, Multiplier, Scaled
from .curves.cyclical import CYCLICAL_CURVES
from .curves.spec import SPEC_CURVES
from .curves.warmup import WARMUP_CURVES
from .hookspecs import hookimpl


@hookimpl
def register_curves(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register the 13 curves of ScheduleAnything 1.x under their function names, the warmup
    and cyclical families, and the compositions ``join``, ``scaled`` and
    ``multiplier``."""
    curve_classes: tuple[type[Curve], ...] = (
        *SPEC_CURVES,
        *WARMUP_CURVES,
        *CYCLICAL_CURVES,
        Join,
        Multiplier,
        Scaled,
    )
    for curve_class in curve_classes:
        register(curve_class.name, curve_class)
