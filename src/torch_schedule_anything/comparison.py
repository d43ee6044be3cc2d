"""Which registered curves a comparison plot draws, and with what parameters (by role).

``plot_warmup_schedules`` and ``plot_cyclical_schedules`` compare every registered curve of a
family, the built-ins and any plugin's, without knowing their signatures: each parameter name
is matched to a role (a warmup length, a total length, a peak, a floor, a start) and filled
with that role's value. No matplotlib here; :mod:`.plot` draws the result.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

from .curves.base import Curve
from .registry import build_curve, curve_entry, list_curves

__all__ = [
    "FLOOR_NAMES",
    "PEAK_NAMES",
    "START_NAMES",
    "TOTAL_NAMES",
    "WARMUP_NAMES",
    "Roles",
    "comparison_curves",
]

# Parameter names a comparison plot knows how to fill, by role. Curves registered by any
# plugin are plotted when every required parameter of theirs has a role.
WARMUP_NAMES = ("warmup_steps", "num_warmup_steps", "warmup")
TOTAL_NAMES = ("total_steps", "num_training_steps", "training_steps", "max_steps")
PEAK_NAMES = ("base_lr", "max_lr", "warmup_to_value", "peak_value", "max_value", "value")
FLOOR_NAMES = ("min_lr", "anneal_to_value", "end_value", "min_value", "final_value")
START_NAMES = ("start_lr", "start_value", "init_value", "initial_value")


Roles = Sequence[tuple[tuple[str, ...], Any]]


def _fill(name: str, roles: Roles) -> dict[str, Any] | None:
    """The parameters to build curve ``name`` from ``roles`` (first match wins); ``None`` if a
    required parameter matches no role."""
    factory = curve_entry(name).obj
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):
        return None
    params: dict[str, Any] = {}
    for pname, parameter in signature.parameters.items():
        if pname == "self" or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        for names, value in roles:
            if pname in names:
                params[pname] = value
                break
        else:
            if parameter.default is parameter.empty:
                return None
    return params


def comparison_curves(
    keywords: tuple[str, ...],
    excluded: tuple[str, ...],
    names: Sequence[str] | None,
    roles: Roles,
) -> dict[str, Curve]:
    """The curves a comparison plot draws: ``names``, or every registered curve whose name
    contains one of ``keywords`` and none of ``excluded``, built with parameters filled from
    ``roles`` (a curve with a required parameter no role fills is left out, or refused when
    named)."""
    chosen = (
        list(names)
        if names is not None
        else [
            n
            for n in list_curves()
            if any(k in n for k in keywords) and not any(k in n for k in excluded)
        ]
    )
    curves: dict[str, Curve] = {}
    for name in chosen:
        filled = _fill(name, roles)
        if filled is None:
            if names is not None:
                raise ValueError(
                    f"curve {name!r} has a required parameter this comparison cannot fill "
                    f"(it takes {curve_entry(name).parameters}); plot it with plot_curve"
                )
            continue
        try:
            curves[name] = build_curve(name, filled)
        except (TypeError, ValueError):
            if names is not None:
                raise
    if not curves:
        raise ValueError(
            f"no registered curve matches {list(keywords)} with parameters this plot can fill; "
            f"pass names=[...] (registered: {list_curves()})"
        )
    return curves
