"""torch-schedule-anything: schedule any optimizer hyperparameter.

Canonical import::

    import torch_schedule_anything as sa

This module only re-exports the public API; importing it loads no plugin and no matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .adapter import AdaptedSchedule, arbitrary_schedule_factory
from .binding import rebase
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
from .config import schedule
from .curve_schedule import CurveSchedule
from .curves.base import AbsoluteCurve, Curve
from .errors import LookupKeyError, ScheduleConflictError, install_moved_modules, moved
from .horizon import PastHorizonWarning
from .param_groups import extend_optimizer, get_param_groups_regrouped_by_key
from .synchronizer import SynchronousSchedule

# Everything below is imported on first access (PEP 562), so that ``import
# torch_schedule_anything`` stays cheap on top of torch: the plugin system (pluggy), the
# pytorch-accelerated-style bases, configs, sequences, handlers and framework helpers load
# when first used.
_LAZY: dict[str, str] = {
    "CooldownSchedule": "cooldown_schedule",
    "CosineLrScheduler": "cosine_scheduler",
    "CurveStatefulScheduler": "bases",
    "GroupHandler": "handlers",
    "HandlerHandle": "handlers",
    "ParameterHandler": "handlers",
    "PluginLoadWarning": "plugins",
    "RangeTestResult": "range_sweep",
    "SchedulerBase": "bases",
    "SequentialSchedule": "sequence",
    "StatefulSchedulerBase": "bases",
    "WSDLrScheduler": "wsd_scheduler",
    "accelerate_steps_per_update": "integrations",
    "attach_handler": "handlers",
    "cooldown": "cooldown_schedule",
    "curve_from_spec": "registry",
    "get_curve": "registry",
    "get_handler": "registry",
    "hookimpl": "hookspecs",
    "lightning_scheduler_config": "integrations",
    "list_curves": "registry",
    "list_handlers": "registry",
    "list_plugins": "plugins",
    "range_test": "range_sweep",
    "register_plugin": "registry",
    "resume_extended": "cooldown_schedule",
    "schedule_from_config": "config",
    "schedule_values": "simulate",
    "sequential": "sequence",
    "unregister_plugin": "plugins",
    "warmup_then": "sequence",
}

if TYPE_CHECKING:
    from .bases import CurveStatefulScheduler, SchedulerBase, StatefulSchedulerBase
    from .config import schedule_from_config
    from .cooldown_schedule import CooldownSchedule, cooldown, resume_extended
    from .cosine_scheduler import CosineLrScheduler
    from .handlers import GroupHandler, HandlerHandle, ParameterHandler, attach_handler
    from .hookspecs import hookimpl
    from .integrations import accelerate_steps_per_update, lightning_scheduler_config
    from .plugins import PluginLoadWarning, list_plugins, unregister_plugin
    from .range_sweep import RangeTestResult, range_test
    from .registry import (
        curve_from_spec,
        get_curve,
        get_handler,
        list_curves,
        list_handlers,
        register_plugin,
    )
    from .sequence import SequentialSchedule, sequential, warmup_then
    from .simulate import schedule_values
    from .wsd_scheduler import WSDLrScheduler

__version__ = "2.1.0"

__all__ = [
    "AbsoluteCurve",
    "AdaptedSchedule",
    "CooldownSchedule",
    "CosineLrScheduler",
    "Curve",
    "CurveSchedule",
    "CurveStatefulScheduler",
    "GroupHandler",
    "HandlerHandle",
    "LookupKeyError",
    "ParameterHandler",
    "PastHorizonWarning",
    "PluginLoadWarning",
    "RangeTestResult",
    "ScheduleConflictError",
    "SchedulerBase",
    "SequentialSchedule",
    "StatefulSchedulerBase",
    "SynchronousSchedule",
    "WSDLrScheduler",
    "__version__",
    "accelerate_steps_per_update",
    "arbitrary_schedule_factory",
    "attach_handler",
    "constant_schedule",
    "constant_with_inverse_warmup",
    "constant_with_warmup",
    "cooldown",
    "cosine_annealing_with_inverse_warmup",
    "cosine_annealing_with_warmup",
    "curve_from_spec",
    "extend_optimizer",
    "get_curve",
    "get_handler",
    "get_param_groups_regrouped_by_key",
    "hookimpl",
    "lightning_scheduler_config",
    "linear_schedule_with_inverse_warmup",
    "linear_schedule_with_warmup",
    "list_curves",
    "list_handlers",
    "list_plugins",
    "polynomial_schedule_with_inverse_warmup",
    "polynomial_schedule_with_warmup",
    "quadratic_schedule_with_inverse_warmup",
    "quadratic_schedule_with_warmup",
    "range_test",
    "rebase",
    "register_plugin",
    "resume_extended",
    "schedule",
    "schedule_from_config",
    "schedule_values",
    "sequential",
    "sqrt_schedule_with_inverse_warmup",
    "sqrt_schedule_with_warmup",
    "unregister_plugin",
    "warmup_then",
]

# Plotting lives in .plot and needs matplotlib (the ``plot`` extra). It is loaded on first
# access (``sa.plot_schedule``), never at import, and not listed in ``__all__`` so that
# ``from torch_schedule_anything import *`` works without matplotlib.
_LAZY_PLOT = (
    "plot_curve",
    "plot_curves",
    "plot_cyclical_schedules",
    "plot_schedule",
    "plot_warmup_schedules",
)

if TYPE_CHECKING:
    from .plot import (  # noqa: F401 - re-exported lazily by __getattr__
        plot_curve,
        plot_curves,
        plot_cyclical_schedules,
        plot_schedule,
        plot_warmup_schedules,
    )


def __getattr__(name: str) -> Any:
    module_name = "plot" if name in _LAZY_PLOT else _LAZY.get(name)
    if module_name is not None:
        import importlib

        value = getattr(importlib.import_module(f".{module_name}", __name__), name)
        globals()[name] = value  # later lookups skip __getattr__
        return value
    return moved("", name)  # an old name (DeprecationWarning), else AttributeError


install_moved_modules()  # the 2.0 module path torch_schedule_anything.schedule
