"""The 13 built-in schedules of ScheduleAnything 1.x, with their exact 1.x signatures.

Each function binds the curve of the same name (``torch_schedule_anything.curves``) to
``schedule_target`` of every param group and returns a :class:`CurveSchedule`, a real
``torch.optim.lr_scheduler.LRScheduler``. The value written is ``initial_value × λ(t)``.
Symbols: ``W`` warmup_to_value, ``A`` anneal_to_value, ``L`` num_warmup_steps, ``M``
num_training_steps, ``R`` warmup_multiplier, ``P`` polynomial_exponent, ``V`` value,
``p = min(1, (t − L)/(M − L))``. Past ``M`` every curve holds ``A``.

Each also takes the keyword-only ``groups=`` (after the 1.x arguments, which keep their
positions): drive only some param groups, given as indices or a callable ``group -> bool``
(see :class:`~torch_schedule_anything.CurveSchedule`).
"""

from __future__ import annotations

from torch.optim import Optimizer

from . import curves
from .binding import GroupSelection
from .curve_schedule import CurveSchedule

__all__ = [
    "constant_schedule",
    "constant_with_inverse_warmup",
    "constant_with_warmup",
    "cosine_annealing_with_inverse_warmup",
    "cosine_annealing_with_warmup",
    "linear_schedule_with_inverse_warmup",
    "linear_schedule_with_warmup",
    "polynomial_schedule_with_inverse_warmup",
    "polynomial_schedule_with_warmup",
    "quadratic_schedule_with_inverse_warmup",
    "quadratic_schedule_with_warmup",
    "sqrt_schedule_with_inverse_warmup",
    "sqrt_schedule_with_warmup",
]


def cosine_annealing_with_warmup(
    optimizer: Optimizer,
    warmup_to_value: float,
    anneal_to_value: float,
    num_warmup_steps: int,
    num_training_steps: int,
    schedule_target: str = "lr",
    *,
    groups: GroupSelection | None = None,
) -> CurveSchedule:
    """Linear warmup to ``W``, then quarter-wave cosine annealing to ``A``.

    ``λ(t) = W·t/L (t < L); A + (W − A)·cos(π/2 · p) (t ≥ L)``,
    and the value written is ``initial_value × λ(t)``.
    Arguments and checks:
    :class:`~torch_schedule_anything.curves.CosineAnnealingWithWarmup`.
    """
    return CurveSchedule(
        optimizer,
        curves.CosineAnnealingWithWarmup(
            warmup_to_value, anneal_to_value, num_warmup_steps, num_training_steps
        ),
        schedule_target,
        groups=groups,
    )


def cosine_annealing_with_inverse_warmup(
    optimizer: Optimizer,
    warmup_to_value: float,
    anneal_to_value: float,
    num_warmup_steps: int,
    num_training_steps: int,
    warmup_multiplier: float = 20.0,
    schedule_target: str = "lr",
    *,
    groups: GroupSelection | None = None,
) -> CurveSchedule:
    """Inverse warmup from ``W·R`` to ``W``, then quarter-wave cosine annealing to ``A``.

    ``λ(t) = W·(R − (R − 1)·t/L) (t < L); A + (W − A)·cos(π/2 · p) (t ≥ L)``,
    and the value written is ``initial_value × λ(t)``.
    Arguments and checks:
    :class:`~torch_schedule_anything.curves.CosineAnnealingWithInverseWarmup`.
    """
    return CurveSchedule(
        optimizer,
        curves.CosineAnnealingWithInverseWarmup(
            warmup_to_value,
            anneal_to_value,
            num_warmup_steps,
            num_training_steps,
            warmup_multiplier,
        ),
        schedule_target,
        groups=groups,
    )


def polynomial_schedule_with_warmup(
    optimizer: Optimizer,
    warmup_to_value: float,
    anneal_to_value: float,
    num_warmup_steps: int,
    num_training_steps: int,
    polynomial_exponent: float = 2.0,
    schedule_target: str = "lr",
    *,
    groups: GroupSelection | None = None,
) -> CurveSchedule:
    """Linear warmup to ``W``, then polynomial annealing to ``A``.

    ``λ(t) = W·t/L (t < L); A + (W − A)·(1 − p)^P (t ≥ L)``,
    and the value written is ``initial_value × λ(t)``.
    Arguments and checks:
    :class:`~torch_schedule_anything.curves.PolynomialScheduleWithWarmup`.
    """
    return CurveSchedule(
        optimizer,
        curves.PolynomialScheduleWithWarmup(
            warmup_to_value,
            anneal_to_value,
            num_warmup_steps,
            num_training_steps,
            polynomial_exponent,
        ),
        schedule_target,
        groups=groups,
    )


def polynomial_schedule_with_inverse_warmup(
    optimizer: Optimizer,
    warmup_to_value: float,
    anneal_to_value: float,
    num_warmup_steps: int,
    num_training_steps: int,
    polynomial_exponent: float = 2.0,
    warmup_multiplier: float = 20.0,
    schedule_target: str = "lr",
    *,
    groups: GroupSelection | None = None,
) -> CurveSchedule:
    """Inverse warmup from ``W·R`` to ``W``, then polynomial annealing to ``A``.

    ``λ(t) = W·(R − (R − 1)·t/L) (t < L); A + (W − A)·(1 − p)^P (t ≥ L)``,
    and the value written is ``initial_value × λ(t)``.
    Arguments and checks:
    :class:`~torch_schedule_anything.curves.PolynomialScheduleWithInverseWarmup`.
    """
    return CurveSchedule(
        optimizer,
        curves.PolynomialScheduleWithInverseWarmup(
            warmup_to_value,
            anneal_to_value,
            num_warmup_steps,
            num_training_steps,
            polynomial_exponent,
            warmup_multiplier,
        ),
        schedule_target,
        groups=groups,
    )


def linear_schedule_with_warmup(
    optimizer: Optimizer,
    warmup_to_value: float,
    anneal_to_value: float,
    num_warmup_steps: int,
    num_training_steps: int,
    schedule_target: str = "lr",
    *,
    groups: GroupSelection | None = None,
) -> CurveSchedule:
    """Linear warmup to ``W``, then linear annealing to ``A``.

    ``λ(t) = W·t/L (t < L); A + (W − A)·(1 − p) (t ≥ L)``,
    and the value written is ``initial_value × λ(t)``.
    Arguments and checks:
    :class:`~torch_schedule_anything.curves.LinearScheduleWithWarmup`.
    """
    return CurveSchedule(
        optimizer,
        curves.LinearScheduleWithWarmup(
            warmup_to_value, anneal_to_value, num_warmup_steps, num_training_steps
        ),
        schedule_target,
        groups=groups,
    )


def linear_schedule_with_inverse_warmup(
    optimizer: Optimizer,
    warmup_to_value: float,
    anneal_to_value: float,
    num_warmup_steps: int,
    num_training_steps: int,
    warmup_multiplier: float = 20.0,
    schedule_target: str = "lr",
    *,
    groups: GroupSelection | None = None,
) -> CurveSchedule:
    """Inverse warmup from ``W·R`` to ``W``, then linear annealing to ``A``.

    ``λ(t) = W·(R − (R − 1)·t/L) (t < L); A + (W − A)·(1 − p) (t ≥ L)``,
    and the value written is ``initial_value × λ(t)``.
    Arguments and checks:
    :class:`~torch_schedule_anything.curves.LinearScheduleWithInverseWarmup`.
    """
    return CurveSchedule(
        optimizer,
        curves.LinearScheduleWithInverseWarmup(
            warmup_to_value,
            anneal_to_value,
            num_warmup_steps,
            num_training_steps,
            warmup_multiplier,
        ),
        schedule_target,
        groups=groups,
    )


def quadratic_schedule_with_warmup(
    optimizer: Optimizer,
    warmup_to_value: float,
    anneal_to_value: float,
    num_warmup_steps: int,
    num_training_steps: int,
    schedule_target: str = "lr",
    *,
    groups: GroupSelection | None = None,
) -> CurveSchedule:
    """Linear warmup to ``W``, then quadratic annealing to ``A``.

    ``λ(t) = W·t/L (t < L); A + (W − A)·(1 − p)² (t ≥ L)``,
    and the value written is ``initial_value × λ(t)``.
    Arguments and checks:
    :class:`~torch_schedule_anything.curves.QuadraticScheduleWithWarmup`.
    """
    return CurveSchedule(
        optimizer,
        curves.QuadraticScheduleWithWarmup(
            warmup_to_value, anneal_to_value, num_warmup_steps, num_training_steps
        ),
        schedule_target,
        groups=groups,
    )


def quadratic_schedule_with_inverse_warmup(
    optimizer: Optimizer,
    warmup_to_value: float,
    anneal_to_value: float,
    num_warmup_steps: int,
    num_training_steps: int,
    warmup_multiplier: float = 20.0,
    schedule_target: str = "lr",
    *,
    groups: GroupSelection | None = None,
) -> CurveSchedule:
    """Inverse warmup from ``W·R`` to ``W``, then quadratic annealing to ``A``.

    ``λ(t) = W·(R − (R − 1)·t/L) (t < L); A + (W − A)·(1 − p)² (t ≥ L)``,
    and the value written is ``initial_value × λ(t)``.
    Arguments and checks:
    :class:`~torch_schedule_anything.curves.QuadraticScheduleWithInverseWarmup`.
    """
    return CurveSchedule(
        optimizer,
        curves.QuadraticScheduleWithInverseWarmup(
            warmup_to_value,
            anneal_to_value,
            num_warmup_steps,
            num_training_steps,
            warmup_multiplier,
        ),
        schedule_target,
        groups=groups,
    )


def sqrt_schedule_with_warmup(
    optimizer: Optimizer,
    warmup_to_value: float,
    anneal_to_value: float,
    num_warmup_steps: int,
    num_training_steps: int,
    schedule_target: str = "lr",
    *,
    groups: GroupSelection | None = None,
) -> CurveSchedule:
    """Linear warmup to ``W``, then square-root annealing to ``A``.

    ``λ(t) = W·t/L (t < L); A + (W − A)·(1 − p)^0.5 (t ≥ L)``,
    and the value written is ``initial_value × λ(t)``.
    Arguments and checks:
    :class:`~torch_schedule_anything.curves.SqrtScheduleWithWarmup`.
    """
    return CurveSchedule(
        optimizer,
        curves.SqrtScheduleWithWarmup(
            warmup_to_value, anneal_to_value, num_warmup_steps, num_training_steps
        ),
        schedule_target,
        groups=groups,
    )


def sqrt_schedule_with_inverse_warmup(
    optimizer: Optimizer,
    warmup_to_value: float,
    anneal_to_value: float,
    num_warmup_steps: int,
    num_training_steps: int,
    warmup_multiplier: float = 20.0,
    schedule_target: str = "lr",
    *,
    groups: GroupSelection | None = None,
) -> CurveSchedule:
    """Inverse warmup from ``W·R`` to ``W``, then square-root annealing to ``A``.

    ``λ(t) = W·(R − (R − 1)·t/L) (t < L); A + (W − A)·(1 − p)^0.5 (t ≥ L)``,
    and the value written is ``initial_value × λ(t)``.
    Arguments and checks:
    :class:`~torch_schedule_anything.curves.SqrtScheduleWithInverseWarmup`.
    """
    return CurveSchedule(
        optimizer,
        curves.SqrtScheduleWithInverseWarmup(
            warmup_to_value,
            anneal_to_value,
            num_warmup_steps,
            num_training_steps,
            warmup_multiplier,
        ),
        schedule_target,
        groups=groups,
    )


def constant_with_warmup(
    optimizer: Optimizer,
    warmup_to_value: float,
    num_warmup_steps: int,
    schedule_target: str = "lr",
    *,
    groups: GroupSelection | None = None,
) -> CurveSchedule:
    """Linear warmup to ``W``, then ``W`` for ever.

    ``λ(t) = W·t/L (t < L); W (t ≥ L)``,
    and the value written is ``initial_value × λ(t)``.
    Arguments and checks:
    :class:`~torch_schedule_anything.curves.ConstantWithWarmup`.
    """
    return CurveSchedule(
        optimizer,
        curves.ConstantWithWarmup(warmup_to_value, num_warmup_steps),
        schedule_target,
        groups=groups,
    )


def constant_with_inverse_warmup(
    optimizer: Optimizer,
    warmup_to_value: float,
    num_warmup_steps: int,
    warmup_multiplier: float = 20.0,
    schedule_target: str = "lr",
    *,
    groups: GroupSelection | None = None,
) -> CurveSchedule:
    """Inverse warmup from ``W·R`` to ``W``, then ``W`` for ever.

    ``λ(t) = W·(R − (R − 1)·t/L) (t < L); W (t ≥ L)``,
    and the value written is ``initial_value × λ(t)``.
    Arguments and checks:
    :class:`~torch_schedule_anything.curves.ConstantWithInverseWarmup`.
    """
    return CurveSchedule(
        optimizer,
        curves.ConstantWithInverseWarmup(warmup_to_value, num_warmup_steps, warmup_multiplier),
        schedule_target,
        groups=groups,
    )


def constant_schedule(
    optimizer: Optimizer,
    value: float,
    schedule_target: str = "lr",
    *,
    groups: GroupSelection | None = None,
) -> CurveSchedule:
    """The constant multiplier ``V`` at every step.

    ``λ(t) = V``,
    and the value written is ``initial_value × λ(t)``.
    Arguments and checks:
    :class:`~torch_schedule_anything.curves.ConstantSchedule`.
    """
    return CurveSchedule(optimizer, curves.ConstantSchedule(value), schedule_target, groups=groups)
