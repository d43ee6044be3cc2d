"""Pure curves: closed-form functions of the step, testable and plottable without an optimizer."""

from .base import AbsoluteCurve, Curve, FunctionCurve, as_steps
from .spec import (
    SPEC_CURVES,
    ConstantSchedule,
    ConstantWithInverseWarmup,
    ConstantWithWarmup,
    CosineAnnealingWithInverseWarmup,
    CosineAnnealingWithWarmup,
    LinearScheduleWithInverseWarmup,
    LinearScheduleWithWarmup,
    PolynomialScheduleWithInverseWarmup,
    PolynomialScheduleWithWarmup,
    QuadraticScheduleWithInverseWarmup,
    QuadraticScheduleWithWarmup,
    SqrtScheduleWithInverseWarmup,
    SqrtScheduleWithWarmup,
)

__all__ = [
    "SPEC_CURVES",
    "AbsoluteCurve",
    "ConstantSchedule",
    "ConstantWithInverseWarmup",
    "ConstantWithWarmup",
    "CosineAnnealingWithInverseWarmup",
    "CosineAnnealingWithWarmup",
    "Curve",
    "FunctionCurve",
    "LinearScheduleWithInverseWarmup",
    "LinearScheduleWithWarmup",
    "PolynomialScheduleWithInverseWarmup",
    "PolynomialScheduleWithWarmup",
    "QuadraticScheduleWithInverseWarmup",
    "QuadraticScheduleWithWarmup",
    "SqrtScheduleWithInverseWarmup",
    "SqrtScheduleWithWarmup",
    "as_steps",
]
