"""What happens past the end of a finite curve: the value is held, and a likely mistake warns.

Every finite curve holds its final value after its ``horizon`` (``curve.horizon``), so stepping
a schedule a few times too often is harmless. Stepping *far* past it usually means the schedule
was sized for a shorter run (the "wrong step count" pitfall: ``total_steps`` given in
epochs while ``step()`` is called per batch, or a forgotten multiplication by the number of
epochs). For curves whose horizon means "the end of training" (they set the class attribute
``horizon_is_training_end = True``: ``WarmupWithDecay``, ``OneCycleLR``, ``OneCycleMomentum``
and joins or scalings that end with one of them) a schedule warns **once**, with a
:class:`PastHorizonWarning`, when its step exceeds the horizon by more than the margin
``max(10, horizon // 10)``. Curves that are meant to be held (a warmup, a constant) never warn.

The check costs one integer comparison per step: the step that triggers the warning is
computed once, when the schedule is built.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["NEVER", "PastHorizonWarning", "horizon_warning_message", "warn_after"]

#: The "step" after which a curve that never warns would warn.
NEVER = sys.maxsize


class PastHorizonWarning(UserWarning):
    """A schedule was stepped far past the end of a curve sized to the whole training run.

    Silence it with ``warnings.filterwarnings("ignore", category=sa.PastHorizonWarning)``.
    """


def warn_after(curve: Any, offset: int = 0) -> int:
    """The last step that does not warn for ``curve`` started at step ``offset``.

    ``offset + horizon + max(10, horizon // 10)`` for a curve with ``horizon_is_training_end``
    and a finite horizon; :data:`NEVER` otherwise.
    """
    horizon = getattr(curve, "horizon", None)
    if horizon is None or not getattr(curve, "horizon_is_training_end", False):
        return NEVER
    return int(offset + horizon + max(10, horizon // 10))


def horizon_warning_message(target: str, curve: Any, step: int, end: int, value: Any) -> str:
    """The text of the warning: what happened, what is held, how to fix it."""
    return (
        f"the schedule of {target!r} was stepped to step {step}, well past the end of "
        f"{curve!r} at step {end}; it holds the final value {value!r}. If training is meant to "
        f"run this long, size the curve for it (total_steps / num_training_steps count "
        f"step() calls: per batch if you step per batch). Silence with "
        f"warnings.filterwarnings('ignore', category=sa.PastHorizonWarning)."
    )
