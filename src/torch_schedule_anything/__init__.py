"""torch-schedule-anything: schedule any optimizer hyperparameter.

Canonical import::

    import torch_schedule_anything as sa

This module only re-exports the public API; importing it loads no plugin and no matplotlib.
"""

from __future__ import annotations

from .adapter import AdaptedSchedule, arbitrary_schedule_factory
from .builtin_schedules import (
    constant_schedule,
    constant_with_inverse_warmup,
    constant_with_warmup,
    cosine_annealing_with_inverse_warmup,
    cosine_annealing_with_warmup,
    linear_schedule_with_inverse_warmup,
    linear_schedule_with_warmup,
    polynomial_schedule_with_inverse_warmup,
    polynomial_schedule_with_warmup,
    quadratic_schedule_with_inverse_warmup,
    quadratic_schedule_with_warmup,
    sqrt_schedule_with_inverse_warmup,
    sqrt_schedule_with_warmup,
)
from .curves.base import AbsoluteCurve, Curve
from .errors import LookupKeyError
from .hookspecs import hookimpl
from .param_groups import extend_optimizer, get_param_groups_regrouped_by_key
from .plugins import PluginLoadWarning, list_plugins, register_plugin, unregister_plugin
from .registry import get_curve, get_handler, list_curves, list_handlers, schedule
from .schedule import CurveSchedule
from .synchronizer import SynchronousSchedule

__version__ = "2.0.0"

__all__ = [
    "AbsoluteCurve",
    "AdaptedSchedule",
    "Curve",
    "CurveSchedule",
    "LookupKeyError",
    "PluginLoadWarning",
    "SynchronousSchedule",
    "__version__",
    "arbitrary_schedule_factory",
    "constant_schedule",
    "constant_with_inverse_warmup",
    "constant_with_warmup",
    "cosine_annealing_with_inverse_warmup",
    "cosine_annealing_with_warmup",
    "extend_optimizer",
    "get_curve",
    "get_handler",
    "get_param_groups_regrouped_by_key",
    "hookimpl",
    "linear_schedule_with_inverse_warmup",
    "linear_schedule_with_warmup",
    "list_curves",
    "list_handlers",
    "list_plugins",
    "polynomial_schedule_with_inverse_warmup",
    "polynomial_schedule_with_warmup",
    "quadratic_schedule_with_inverse_warmup",
    "quadratic_schedule_with_warmup",
    "register_plugin",
    "schedule",
    "sqrt_schedule_with_inverse_warmup",
    "sqrt_schedule_with_warmup",
    "unregister_plugin",
]
