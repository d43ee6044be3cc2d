"""tsa-curve-pack: exact values, validation, and use by name through torch-schedule-anything.

Runs from a source tree (``pythonpath = src``, the plugin registered by hand) or installed
(the entry point registers it); ``tests/test_plugins_install.py`` runs it installed.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from tsa_curve_pack import InverseSqrt, WarmupStableDecay
from tsa_curve_pack import plugin as plugin_module

import torch_schedule_anything as sa
from torch_schedule_anything.plugins import get_plugin_manager


@pytest.fixture(autouse=True)
def registered() -> Iterator[None]:
    """Make sure the plugin is registered: by its entry point if installed, else by hand."""
    manager = get_plugin_manager()
    by_hand = not manager.is_registered(plugin_module)
    if by_hand:
        sa.register_plugin(plugin_module, name="curve_pack")
    yield
    if by_hand:
        sa.unregister_plugin("curve_pack")


def wsd(shape: str = "linear") -> WarmupStableDecay:
    return WarmupStableDecay(
        1.0, 0.1, num_warmup_steps=4, num_training_steps=20, num_decay_steps=8, decay_shape=shape
    )


# -- WarmupStableDecay ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "mid"),
    [("linear", 0.55), ("cosine", 0.55), ("sqrt", 0.1 + 0.9 * (1 - math.sqrt(0.5)))],
)
def test_wsd_values_at_the_boundaries(shape: str, mid: float) -> None:
    c = wsd(shape)
    # warmup: 0 at t=0, W·3/4 at L−1; plateau W from L to S−1 = 11; decay from S = 12 to M = 20
    assert c(0) == 0.0
    assert c(3) == 0.75
    assert c(4) == 1.0
    assert c(11) == 1.0
    assert c(12) == 1.0  # q = 0: the decay starts from the plateau, continuously
    assert c(16) == pytest.approx(mid, rel=1e-15)  # q = 1/2
    assert c(20) == 0.1
    assert c(21) == 0.1
    assert c(10**9) == 0.1
    assert c.horizon == 20


def test_wsd_without_warmup_or_decay_length() -> None:
    c = WarmupStableDecay(2.0, 0.5, num_warmup_steps=0, num_training_steps=3, num_decay_steps=0)
    assert [c(t) for t in range(5)] == [2.0, 2.0, 2.0, 0.5, 0.5]
    only_decay = WarmupStableDecay(1.0, 0.0, 0, 4, 4)
    assert [only_decay(t) for t in range(6)] == [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]


@settings(max_examples=60, deadline=None)
@given(
    warmup=st.integers(0, 30),
    decay=st.integers(0, 30),
    plateau=st.integers(0, 30),
    shape=st.sampled_from(["linear", "cosine", "sqrt"]),
    w=st.floats(0.0, 10.0),
    a=st.floats(0.0, 10.0),
)
def test_wsd_values_agree_with_call(
    warmup: int, decay: int, plateau: int, shape: str, w: float, a: float
) -> None:
    total = warmup + decay + plateau
    c = WarmupStableDecay(w, a, warmup, total, decay, decay_shape=shape)
    steps = range(total + 3)
    expected = torch.tensor([c(t) for t in steps], dtype=torch.float64)
    torch.testing.assert_close(c.values(steps), expected, rtol=1e-12, atol=1e-12)
    assert c(total) == a
    assert c(total + 2) == a


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"num_decay_steps": 17}, ValueError, r"num_warmup_steps \+ num_decay_steps \(4 \+ 17\)"),
        ({"num_warmup_steps": -1}, ValueError, "num_warmup_steps must be >= 0, got -1"),
        ({"num_training_steps": 2.5}, ValueError, "num_training_steps must be a whole number"),
        ({"warmup_to_value": float("nan")}, ValueError, "warmup_to_value must be finite"),
        ({"anneal_to_value": "0.1"}, TypeError, "anneal_to_value must be a real number"),
        ({"decay_shape": "exp"}, ValueError, r"decay_shape must be one of \['linear'"),
        ({"num_decay_steps": True}, TypeError, "got the bool True"),
    ],
)
def test_wsd_validation(kwargs: dict[str, object], error: type, match: str) -> None:
    args: dict[str, object] = {
        "warmup_to_value": 1.0,
        "anneal_to_value": 0.1,
        "num_warmup_steps": 4,
        "num_training_steps": 20,
        "num_decay_steps": 8,
    }
    with pytest.raises(error, match=match):
        WarmupStableDecay(**{**args, **kwargs})  # type: ignore[arg-type]


def test_integral_floats_are_accepted_as_step_counts() -> None:
    assert WarmupStableDecay(1.0, 0.0, 2.0, 10.0, 4.0).num_training_steps == 10  # type: ignore[arg-type]


# -- InverseSqrt ---------------------------------------------------------------------------


def test_inverse_sqrt_values() -> None:
    c = InverseSqrt(2.0, num_warmup_steps=4)
    assert [c(t) for t in (0, 1, 3, 4, 16, 64, 400)] == [0.0, 0.5, 1.5, 2.0, 1.0, 0.5, 0.2]
    assert c.horizon is None
    shifted = InverseSqrt(1.0, num_warmup_steps=0, timescale=100)
    assert shifted(0) == 1.0
    assert shifted(300) == 0.5  # √(100 / 400)


@settings(max_examples=40, deadline=None)
@given(warmup=st.integers(0, 50), tau=st.floats(0.5, 1e4), w=st.floats(0.0, 10.0))
def test_inverse_sqrt_values_agree_with_call(warmup: int, tau: float, w: float) -> None:
    c = InverseSqrt(w, warmup, timescale=tau)
    steps = range(0, warmup + 200, 3)
    expected = torch.tensor([c(t) for t in steps], dtype=torch.float64)
    torch.testing.assert_close(c.values(steps), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((1.0, 0), ValueError, "timescale is required when num_warmup_steps is 0"),
        ((1.0, 10, 0.0), ValueError, "timescale must be > 0, got 0.0"),
        ((1.0, 10, float("inf")), ValueError, "timescale must be finite"),
        ((None, 10), TypeError, "warmup_to_value must be a real number"),
    ],
)
def test_inverse_sqrt_validation(args: tuple[object, ...], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        InverseSqrt(*args)  # type: ignore[arg-type]


# -- through torch-schedule-anything -------------------------------------------------------


def test_the_curves_are_registered_by_name() -> None:
    assert {"wsd", "inverse_sqrt"} <= set(sa.list_curves())
    assert sa.get_curve("wsd") is WarmupStableDecay
    assert sa.get_curve("inverse_sqrt") is InverseSqrt


def test_wsd_schedules_weight_decay_by_name() -> None:
    w = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.AdamW([w], lr=1e-3, weight_decay=0.2)
    schedule = sa.schedule(
        opt,
        "wsd",
        "weight_decay",
        warmup_to_value=1.0,
        anneal_to_value=0.0,
        num_warmup_steps=0,
        num_training_steps=4,
        num_decay_steps=2,
    )
    seen = []
    for _ in range(5):
        seen.append(opt.param_groups[0]["weight_decay"])
        opt.step()
        schedule.step()
    assert seen == [0.2, 0.2, 0.2, 0.1, 0.0]


def test_state_dict_is_plain_data_and_resumes_exactly() -> None:
    def build() -> tuple[torch.optim.Optimizer, sa.CurveSchedule]:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.5)
        return opt, sa.schedule(opt, "inverse_sqrt", warmup_to_value=1.0, num_warmup_steps=3)

    opt, schedule = build()
    for _ in range(7):
        opt.step()
        schedule.step()
    state = schedule.state_dict()
    assert state["curve"] == {
        "name": "inverse_sqrt",
        "params": {"warmup_to_value": 1.0, "num_warmup_steps": 3, "timescale": None},
    }
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    restored_opt, restored = build()
    restored.load_state_dict(torch.load(buffer, weights_only=True))
    assert restored_opt.param_groups[0]["lr"] == opt.param_groups[0]["lr"] == 0.5 * math.sqrt(3 / 7)


def test_schedule_from_config_names_the_pack_curves() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0, momentum=0.9)
    sync = sa.schedule_from_config(
        opt,
        [
            {"curve": "inverse_sqrt", "params": {"warmup_to_value": 1.0, "num_warmup_steps": 4}},
            {
                "curve": "wsd",
                "schedule_target": "momentum",
                "params": {
                    "warmup_to_value": 1.0,
                    "anneal_to_value": 0.5,
                    "num_warmup_steps": 0,
                    "num_training_steps": 10,
                    "num_decay_steps": 5,
                    "decay_shape": "cosine",
                },
            },
        ],
    )
    sync.step(10)
    assert opt.param_groups[0]["lr"] == math.sqrt(4 / 10)
    assert opt.param_groups[0]["momentum"] == 0.45
