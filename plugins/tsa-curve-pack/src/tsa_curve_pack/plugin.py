"""The plugin module named by the ``torch_schedule_anything`` entry point.

It only registers; the curves live in :mod:`tsa_curve_pack.curves`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch_schedule_anything as sa

from .curves import InverseSqrt, WarmupStableDecay


@sa.hookimpl
def register_curves(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register ``wsd`` and ``inverse_sqrt`` (each curve class under its ``name``)."""
    for curve_class in (WarmupStableDecay, InverseSqrt):
        register(curve_class.name, curve_class)
