"""Placeholder: the fvcore drop-ins (being written)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def register_curves(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register this module's curves as ``"fvcore:<name>"``."""
