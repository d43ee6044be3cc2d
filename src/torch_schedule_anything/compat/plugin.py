"""Registers the compat curves (namespaced: ``"transformers:cosine"``) through the curve hook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..hookspecs import hookimpl
from . import fvcore, timm, transformers


@hookimpl
def register_curves(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Each compat module registers its curves under ``"<peer>:<name>"``."""
    for module in (transformers, timm, fvcore):
        module.register_curves(register)
