"""Curves made of curves (curves/compose.py): Join, Scaled, after_warmup."""

from __future__ import annotations

import copy
import io
import pickle
import warnings

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import torch_schedule_anything as sa
from torch_schedule_anything.curves import (
    AbsoluteCurve,
    AbsoluteJoin,
    CosineAnnealingWarmRestarts,
    CosineAnnealingWithWarmup,
    CyclicLR,
    Join,
    LinearScheduleWithWarmup,
    LinearWarmup,
    OneCycleLR,
    Scaled,
    WarmupWithDecay,
    after_warmup,
)


def test_each_child_sees_the_step_from_its_boundary() -> None:
    warm = LinearWarmup(0.1, 10)
    cyc = CyclicLR(0.1, 0.3, 4)
    one = OneCycleLR(0.5, 50)
    j = Join([warm, cyc, one], [10, 30])
    for t in range(200):
        if t < 10:
            expected = warm(t)
        elif t < 30:
            expected = cyc(t - 10)
        else:
            expected = one(t - 30)
        assert j(t) == expected, t
    # the seams, exactly: the last step of a child, then the next child's step 0
    assert (j(9), j(10), j(29), j(30)) == (warm(9), cyc(0), cyc(19), one(0))
    assert j.horizon == 30 + 49
    assert j.horizon_is_training_end  # inherited from OneCycleLR, the last child


def test_values_agree_with_scalar_calls() -> None:
    j = Join([LinearWarmup(0.1, 10), CosineAnnealingWarmRestarts(0.1, 0.0, 7)], [10])
    vec = j.values(range(500))
    torch.testing.assert_close(vec, torch.tensor([j(t) for t in range(500)], dtype=torch.float64))
    assert j.values(torch.tensor([499, 3, 10])).tolist() == [j(499), j(3), j(10)]


def test_kind_follows_the_children() -> None:
    absolute = Join([LinearWarmup(1.0, 2), CyclicLR(1.0, 2.0, 2)], [2])
    assert isinstance(absolute, AbsoluteJoin) and isinstance(absolute, AbsoluteCurve)
    assert absolute.absolute
    multiplier = Join(
        [LinearScheduleWithWarmup(1.0, 0.5, 2, 4), CosineAnnealingWithWarmup(0.5, 0.0, 0, 4)], [4]
    )
    assert type(multiplier) is Join and not multiplier.absolute
    with pytest.raises(ValueError, match=r"curves\[1\] \(CosineAnnealingWithWarmup\) is a multi"):
        Join([LinearWarmup(1.0, 2), CosineAnnealingWithWarmup(1.0, 0.0, 0, 4)], [2])


def test_scaled_makes_a_multiplier_curve_absolute_so_it_can_follow_a_warmup() -> None:
    decay = CosineAnnealingWithWarmup(1.0, 0.1, 0, 100)  # multiplier, quarter-wave
    scaled = Scaled(decay, 3e-3)
    assert scaled.absolute and scaled.horizon == 100
    assert [scaled(t) for t in (0, 50, 100)] == [3e-3 * decay(t) for t in (0, 50, 100)]
    j = Join([LinearWarmup(3e-3, 10), scaled], [10])
    assert j(10) == 3e-3 and j(110) == pytest.approx(3e-4)
    torch.testing.assert_close(scaled.values(range(120)), decay.values(range(120)) * 3e-3)


def test_spec_is_plain_data_and_rebuilds_through_the_registry() -> None:
    j = Join(
        [LinearWarmup(1e-3, 100), Scaled(LinearScheduleWithWarmup(1.0, 0.0, 0, 50), 1e-3)], [100]
    )
    spec = j.spec()
    assert spec == {
        "name": "join",
        "params": {
            "curves": [
                {"name": "linear_warmup", "params": {"base_lr": 1e-3, "warmup_steps": 100}},
                {
                    "name": "scaled",
                    "params": {
                        "curve": {
                            "name": "linear_schedule_with_warmup",
                            "params": {
                                "warmup_to_value": 1.0,
                                "anneal_to_value": 0.0,
                                "num_warmup_steps": 0,
                                "num_training_steps": 50,
                            },
                        },
                        "scale": 1e-3,
                    },
                },
            ],
            "boundaries": [100],
        },
    }
    buffer = io.BytesIO()
    torch.save(spec, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer, weights_only=True)
    rebuilt = sa.curve_from_spec(loaded)
    assert rebuilt == j and hash(rebuilt) == hash(j)
    # The curve classes take curves; plain data is built above them, by the registry.
    with pytest.raises(TypeError, match=r"sa\.curve_from_spec"):
        sa.get_curve("join")(**loaded["params"])
    assert [rebuilt(t) for t in range(200)] == [j(t) for t in range(200)]
    assert copy.deepcopy(j) == j
    assert pickle.loads(pickle.dumps(j)) == j


def test_schedule_from_config_builds_a_join() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0, momentum=0.9)
    s = sa.schedule(
        opt,
        "join",
        "momentum",
        curves=[
            {"name": "linear_warmup", "params": {"base_lr": 0.9, "warmup_steps": 2}},
            {"name": "cyclic_lr", "params": {"base_lr": 0.9, "max_lr": 0.8, "step_size": 1}},
        ],
        boundaries=[2],
    )
    seen = [opt.param_groups[0]["momentum"]]
    for _ in range(4):
        opt.step()
        s.step()
        seen.append(round(opt.param_groups[0]["momentum"], 12))
    assert seen == [0.0, 0.45, 0.9, 0.8, 0.9]


@pytest.mark.parametrize(
    ("curves", "boundaries", "message"),
    [
        ([], [], "curves is empty"),
        ([LinearWarmup(1.0, 2), LinearWarmup(1.0, 2)], [2, 4], r"len\(curves\) - 1 = 1"),
        ([LinearWarmup(1.0, 2)] * 3, [4, 4], "strictly increasing"),
        ([LinearWarmup(1.0, 2)] * 2, [0], r"boundaries\[0\] must be >= 1"),
        ([LinearWarmup(1.0, 100), CyclicLR(1.0, 2.0, 2)], [50], "a warmup longer than its phase"),
        ([WarmupWithDecay(1.0, 1, 100), CyclicLR(1.0, 2.0, 2)], [99], "Move the boundary to 100"),
        ([LinearWarmup(1.0, 2), {"name": "linear_warmup"}], [2], r"curves\[1\] is the plain"),
        ("linear_warmup", [2], "curves must be a list"),
        ([LinearWarmup, CyclicLR(1.0, 2.0, 2)], [2], "pass an instance"),
    ],
)
def test_bad_joins_raise(curves, boundaries, message) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        Join(curves, boundaries)


@pytest.mark.parametrize(
    ("curves", "message"),
    [
        ([{"name": "linear_warmup"}, {"name": "constant_schedule"}], "takes the parameters"),
        (
            [{"name": "linear_warmup", "params": {"base_lr": 1.0, "warmup_steps": 2}}, {}],
            r"join\.curves\[1\] must be a Curve or a mapping",
        ),
        ([{"name": "constant_schedule", "params": [1]}] * 2, r"\['params'\] must be a mapping"),
        ([{"name": "constant_schedule", "param": {}}] * 2, "has the keys \\['param'\\]"),
    ],
)
def test_bad_plain_data_children_raise_through_the_registry(curves, message) -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    with pytest.raises((ValueError, TypeError), match=message):
        sa.schedule(opt, "join", curves=curves, boundaries=[2])
    with pytest.raises((ValueError, TypeError), match=message):
        sa.curve_from_spec({"name": "join", "params": {"curves": curves, "boundaries": [2]}})
    assert "initial_lr" not in opt.param_groups[0]


def test_a_join_of_one_curve_is_that_curve_as_a_one_phase_sequence_is() -> None:
    curve = LinearWarmup(1.0, 4)
    joined = Join([curve], [])
    assert [joined(t) for t in range(8)] == [curve(t) for t in range(8)]
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sequence = sa.sequential(opt, [curve], [])
    assert sequence.get_last_lr() == [joined(0)]


def test_after_warmup() -> None:
    warm, then = LinearWarmup(0.1, 5), CyclicLR(0.1, 0.2, 3)
    j = after_warmup(warm, then)
    assert isinstance(j, Join) and j.boundaries == [5]
    assert [j(t) for t in range(12)] == [warm(t) if t < 5 else then(t - 5) for t in range(12)]
    assert after_warmup(LinearWarmup(0.1, 0), then) is then
    with pytest.raises(ValueError, match="never ends"):
        after_warmup(CyclicLR(0.1, 0.2, 3), then)


def test_join_bound_to_a_schedule_warns_once_far_past_its_end() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    j = Join([LinearWarmup(1.0, 5), WarmupWithDecay(1.0, 0, 100)], [5])
    s = sa.schedule(opt, j)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s.step(115)  # 105 + max(10, 10): the last quiet step
    with pytest.warns(sa.PastHorizonWarning):
        s.step()
    assert opt.param_groups[0]["lr"] == 0.0


@settings(max_examples=50, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 30), min_size=1, max_size=4),
    t=st.integers(0, 400),
)
def test_join_of_constants_picks_the_segment(lengths, t) -> None:
    bounds = [sum(lengths[: i + 1]) for i in range(len(lengths))]
    children = [LinearWarmup(float(i + 1), 0) for i in range(len(bounds) + 1)]
    j = Join(children, bounds)
    expected = 1.0 + sum(1 for b in bounds if t >= b)
    assert j(t) == expected
    assert j.values([t]).item() == expected
