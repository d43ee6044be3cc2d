"""Durations as percentages: ``num_warmup_steps="10%"`` of ``num_training_steps``.

The rule (``checks.check_duration``): ``⌈total × percent / 100⌉`` in exact arithmetic,
resolved once at construction, recorded as an int.
"""

from __future__ import annotations

import io
import math
from fractions import Fraction
from types import SimpleNamespace

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import torch_schedule_anything as sa
from torch_schedule_anything import curves
from torch_schedule_anything.checks import check_duration


def three_groups() -> torch.optim.Optimizer:
    params = [torch.nn.Parameter(torch.zeros(2)) for _ in range(3)]
    return torch.optim.AdamW(
        [
            {"params": [params[0]], "lr": 1e-3, "weight_decay": 0.1},
            {"params": [params[1]], "lr": 3e-4, "weight_decay": 0.01},
            {"params": [params[2]], "lr": torch.tensor(5e-5), "weight_decay": 0.0},
        ]
    )


def lrs(opt: torch.optim.Optimizer) -> list[float]:
    return [float(g["lr"]) for g in opt.param_groups]


# -- the rounding rule ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "total", "steps"),
    [
        ("5%", 1000, 50),
        ("7%", 100, 7),  # a float ceil(100 * 0.07) gives 8
        ("1%", 150, 2),  # 1.5 rounds up
        ("0.5%", 50, 1),  # any non-zero percentage is at least one step
        ("12.5%", 9, 2),  # 1.125 rounds up
        ("0%", 100, 0),
        ("100%", 37, 37),
        (" 10 % ", 30, 3),
        ("33.33%", 3, 1),
        ("10%", 0, 0),
    ],
)
def test_rounding_rule_is_the_exact_ceiling(text: str, total: int, steps: int) -> None:
    assert check_duration("n", text, total=total, total_name="total") == steps


@given(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=2),
)
def test_rounding_rule_property(hundredths: int, total: int, decimals: int) -> None:
    # a percentage with up to two decimals: k / 100 %
    percent = Fraction(hundredths, 100)
    text = f"{float(percent):.{decimals}f}%" if decimals else f"{hundredths // 100}%"
    exact = Fraction(text.rstrip("%"))
    steps = check_duration("n", text, total=total, total_name="total")
    assert isinstance(steps, int)
    assert 0 <= steps <= total
    # the smallest whole number of steps that covers the fraction
    assert steps * 100 >= total * exact
    assert (steps - 1) * 100 < total * exact or steps == 0


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        ("101%", ValueError, "more than 100%"),
        ("-5%", TypeError, "percentage of total such as '5%'"),
        ("five%", TypeError, "percentage of total"),
        ("5", TypeError, "percentage of total"),
        ("0.05", TypeError, "percentage of total"),
        ("1e1%", TypeError, "percentage of total"),
        (0.05, ValueError, "write a percentage string: n='5%'"),
        (0.5, ValueError, "n='50%'"),
        (float("nan"), ValueError, "whole number"),
    ],
)
def test_bad_percentages_name_the_argument(value: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        check_duration("n", value, total=100, total_name="total")


def test_bare_numbers_are_steps() -> None:
    # 1.x accepted whole floats (1e4): they stay a number of steps, never a fraction
    assert check_duration("n", 10.0, total=100, total_name="total") == 10
    assert check_duration("n", 1.0, total=100, total_name="total") == 1
    assert check_duration("n", torch.tensor(3), total=100, total_name="total") == 3
    with pytest.raises(TypeError):
        check_duration("n", True, total=100, total_name="total")


def test_hf_warmup_ratio_parity() -> None:
    """HF's ratio rule is ``ceil(N × ratio)`` in floats; ours is the same ceiling, exact."""
    pytest.importorskip("transformers")
    from transformers import TrainingArguments

    differ = 0
    for total in (10, 97, 150, 1000, 4096, 12_345):
        for percent in range(1, 100):
            ours = check_duration("n", f"{percent}%", total=total, total_name="total")
            hf = TrainingArguments.get_warmup_steps(
                SimpleNamespace(warmup_steps=percent / 100), total
            )
            if hf != ours:  # only where HF's float product lands just above a whole number
                differ += 1
                assert hf == ours + 1
                assert Fraction(total * (percent / 100)) > Fraction(total * percent, 100)
                assert total * percent % 100 == 0
    assert differ > 0  # e.g. 7% of 100: HF 8, exact 7


# -- the curves ----------------------------------------------------------------------------------
WITH_TOTAL = [
    c
    for c in curves.SPEC_CURVES
    if "num_training_steps" in c.param_names and "num_warmup_steps" in c.param_names
]


def _args(cls: type, warmup: object, total: int) -> dict[str, object]:
    args: dict[str, object] = {
        "warmup_to_value": 1.0,
        "anneal_to_value": 0.1,
        "num_warmup_steps": warmup,
        "num_training_steps": total,
    }
    if "warmup_multiplier" in cls.param_names:
        args["warmup_multiplier"] = 4.0
    if "polynomial_exponent" in cls.param_names:
        args["polynomial_exponent"] = 3.0
    return args


@pytest.mark.parametrize("cls", WITH_TOTAL, ids=lambda c: c.name)
def test_spec_curves_resolve_percentages(cls: type) -> None:
    assert len(WITH_TOTAL) == 10
    by_percent = cls(**_args(cls, "15%", 200))
    by_steps = cls(**_args(cls, 30, 200))
    assert by_percent.num_warmup_steps == 30
    assert type(by_percent.params()["num_warmup_steps"]) is int
    assert by_percent == by_steps
    assert by_percent.spec() == by_steps.spec()
    steps = range(0, 260)
    assert [by_percent(t) for t in steps] == [by_steps(t) for t in steps]
    assert torch.equal(by_percent.values(steps), by_steps.values(steps))


def test_warmup_with_decay_resolves_against_total_steps() -> None:
    c = curves.WarmupWithDecay(1e-3, "12.5%", total_steps=100, min_lr=1e-5)
    assert c.warmup_steps == 13  # 12.5 rounds up
    assert c == curves.WarmupWithDecay(1e-3, 13, 100, 1e-5)


@pytest.mark.parametrize(
    ("build", "name"),
    [
        (lambda: curves.ConstantWithWarmup(1.0, "5%"), "num_warmup_steps"),
        (lambda: curves.ConstantWithInverseWarmup(1.0, "5%"), "num_warmup_steps"),
        (lambda: curves.LinearWarmup(1e-3, "5%"), "warmup_steps"),
        (lambda: curves.ExponentialWarmup(1e-3, "5%"), "warmup_steps"),
        (lambda: curves.CosineWarmup(1e-3, "5%"), "warmup_steps"),
        (lambda: curves.CyclicLR(0.1, 1.0, "5%"), "step_size"),
        (lambda: curves.CyclicLR(0.1, 1.0, 4, step_size_down="5%"), "step_size_down"),
        (lambda: curves.ExponentialCyclicLR(0.1, 1.0, "5%"), "step_size"),
        (lambda: curves.CosineAnnealingWarmRestarts(1.0, 0.0, "5%"), "t_0"),
        (lambda: curves.OneCycleLR(1.0, "50%"), "total_steps"),
        (lambda: curves.WarmupWithDecay(1.0, 10, "50%"), "total_steps"),
        (lambda: curves.CosineAnnealingWithWarmup(1.0, 0.0, "5%", "50%"), "num_training_steps"),
    ],
)
def test_percentage_without_a_total_is_an_error(build: object, name: str) -> None:
    with pytest.raises(ValueError, match=rf"{name}='(5|50)%' is a percentage.*no total length"):
        build()  # type: ignore[operator]


def test_float_fraction_is_rejected_with_the_spelling_to_use() -> None:
    with pytest.raises(ValueError, match=r"num_warmup_steps='10%'"):
        curves.LinearScheduleWithWarmup(1.0, 0.0, 0.1, 100)
    with pytest.raises(ValueError, match=r"warmup_steps='5%'"):
        curves.WarmupWithDecay(1.0, 0.05, 100)


# -- through the 1.x functions, resume and configs -----------------------------------------------
def test_builtin_function_with_a_percentage_equals_steps_and_resumes() -> None:
    opt_a, opt_b = three_groups(), three_groups()
    a = sa.cosine_annealing_with_warmup(
        opt_a, 1.0, 0.1, num_warmup_steps="10%", num_training_steps=200
    )
    b = sa.cosine_annealing_with_warmup(
        opt_b, 1.0, 0.1, num_warmup_steps=20, num_training_steps=200
    )
    assert a.state_dict() == b.state_dict()
    assert a.state_dict()["curve"]["params"]["num_warmup_steps"] == 20
    for _ in range(120):
        assert lrs(opt_a) == lrs(opt_b)
        opt_a.step()
        a.step()
        opt_b.step()
        b.step()
    # the state dict holds ints: it round-trips through weights_only and loads into either
    buffer = io.BytesIO()
    torch.save(a.state_dict(), buffer)
    buffer.seek(0)
    state = torch.load(buffer, weights_only=True)
    opt_c = three_groups()
    c = sa.cosine_annealing_with_warmup(opt_c, 1.0, 0.1, "10%", 200)
    c.load_state_dict(state)
    for _ in range(100):
        opt_a.step()
        a.step()
        opt_c.step()
        c.step()
        assert lrs(opt_a) == lrs(opt_c)


@pytest.mark.parametrize(
    "function",
    [
        sa.linear_schedule_with_warmup,
        sa.linear_schedule_with_inverse_warmup,
        sa.quadratic_schedule_with_warmup,
        sa.sqrt_schedule_with_inverse_warmup,
        sa.polynomial_schedule_with_warmup,
        sa.cosine_annealing_with_inverse_warmup,
    ],
)
def test_other_builtin_functions_take_percentages(function: object) -> None:
    opt = three_groups()
    s = function(opt, 1.0, 0.0, "25%", 10, schedule_target="weight_decay")  # type: ignore[operator]
    assert s.curve.num_warmup_steps == 3  # 2.5 rounds up


def test_schedule_from_config_with_a_percentage() -> None:
    opt = three_groups()
    sync = sa.schedule_from_config(
        opt,
        [
            {
                "curve": "linear_schedule_with_warmup",
                "params": {
                    "warmup_to_value": 1.0,
                    "anneal_to_value": 0.0,
                    "num_warmup_steps": "5%",
                    "num_training_steps": 400,
                },
            },
            {
                "curve": "warmup_with_decay",
                "schedule_target": "gradient_clip_threshold",
                "default_value": 1.0,
                "base_lr": 2.0,
                "warmup_steps": "25%",
                "total_steps": 400,
            },
        ],
    )
    lr_schedule = sync.schedules["lr"]
    assert lr_schedule.curve.num_warmup_steps == 20
    assert sync.state_dict()["lr"]["curve"]["params"]["num_warmup_steps"] == 20
    assert sync.schedules["gradient_clip_threshold"].curve.warmup_steps == 100
    assert sync.state_dict()["gradient_clip_threshold"]["curve"]["params"]["warmup_steps"] == 100


def test_config_percentage_in_the_wrong_place_names_the_entry() -> None:
    opt = three_groups()
    with pytest.raises(ValueError, match=r"num_warmup_steps='5%' is a percentage"):
        sa.schedule_from_config(
            opt, {"curve": "constant_with_warmup", "warmup_to_value": 1.0, "num_warmup_steps": "5%"}
        )


def test_math_ceil_is_not_used_on_floats() -> None:
    # the regression the exact rule avoids: the float product is just above a whole number
    assert math.ceil(100 * 0.07) == 8
    assert curves.LinearScheduleWithWarmup(1.0, 0.0, "7%", 100).num_warmup_steps == 7


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=5000), st.integers(min_value=0, max_value=100))
def test_resolved_warmup_fits_the_schedule(total: int, percent: int) -> None:
    c = curves.CosineAnnealingWithWarmup(1.0, 0.0, f"{percent}%", total)
    assert 0 <= c.num_warmup_steps <= total
    assert c.num_warmup_steps == -(-total * percent // 100)
