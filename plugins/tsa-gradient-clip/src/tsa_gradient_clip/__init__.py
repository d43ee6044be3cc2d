"""tsa-gradient-clip: clip gradients to a scheduled per-group threshold (a handler plugin).

Installed, it registers the handler ``gradient_clip``:
``sa.attach_handler(optimizer, "gradient_clip", norm_type=2.0)``. Importing this package is
only needed to use :class:`GradientClip` directly.
"""

from __future__ import annotations

from .handler import DEFAULT_KEY, GradientClip

__all__ = ["DEFAULT_KEY", "GradientClip"]
__version__ = "0.1.0"
