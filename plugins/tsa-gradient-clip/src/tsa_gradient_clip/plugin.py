"""The plugin module named by the ``torch_schedule_anything`` entry point."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch_schedule_anything as sa

from .handler import GradientClip


@sa.hookimpl
def register_handlers(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register ``gradient_clip``: ``sa.attach_handler(opt, "gradient_clip", **options)``."""
    register("gradient_clip", GradientClip)
