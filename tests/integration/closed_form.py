"""Closed forms the integration tests compare against (written out here, not taken from sa)."""

from __future__ import annotations

import math


def cosine_warmup(t: int, W: float, A: float, L: int, M: int) -> float:
    """λ(t) of cosine_annealing_with_warmup: W·t/L, then A + (W − A)·cos(π/2·p)."""
    if t < L:
        return W * t / L
    p = min(1.0, (t - L) / (M - L)) if M > L else 1.0
    return A + (W - A) * math.cos(math.pi / 2 * p)


def linear_warmup(t: int, W: float, A: float, L: int, M: int) -> float:
    """λ(t) of linear_schedule_with_warmup: W·t/L, then A + (W − A)·(1 − p)."""
    if t < L:
        return W * t / L
    p = min(1.0, (t - L) / (M - L)) if M > L else 1.0
    return A + (W - A) * (1 - p)
