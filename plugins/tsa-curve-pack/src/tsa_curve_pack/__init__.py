"""tsa-curve-pack: extra curves for torch-schedule-anything, registered through its plugin hooks.

Installed, the curves are available by name everywhere: ``sa.schedule(opt, "wsd", ...)``,
``sa.schedule_from_config``, ``sa.list_curves()``. Importing this package is not needed.
"""

from __future__ import annotations

from .curves import DECAY_SHAPES, InverseSqrt, WarmupStableDecay

__all__ = ["DECAY_SHAPES", "InverseSqrt", "WarmupStableDecay"]
__version__ = "0.1.0"
