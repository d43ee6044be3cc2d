"""``cooldown``: warmup-stable-decay from any step; ``resume_extended``: a longer horizon."""

from __future__ import annotations

import copy
import io
import math
from collections.abc import Callable
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.optim.lr_scheduler import LRScheduler, StepLR

import torch_schedule_anything as sa
from torch_schedule_anything.cooldown_schedule import CooldownSchedule, cooldown, resume_extended
from torch_schedule_anything.curves import ConstantSchedule, FunctionCurve, LinearWarmup


def three_groups(tensor_lr: bool = True) -> torch.optim.Optimizer:
    params = [torch.nn.Parameter(torch.zeros(2)) for _ in range(3)]
    third_lr: Any = torch.tensor(5e-5, dtype=torch.float64) if tensor_lr else 5e-5
    return torch.optim.AdamW(
        [
            {"params": [params[0]], "lr": 1e-3, "weight_decay": 0.1, "betas": (0.9, 0.99)},
            {"params": [params[1]], "lr": 3e-4, "weight_decay": 0.02, "betas": (0.8, 0.95)},
            {"params": [params[2]], "lr": third_lr, "weight_decay": 0.0, "betas": (0.7, 0.9)},
        ]
    )


def read(opt: torch.optim.Optimizer, key: str) -> list[float]:
    if key.startswith("betas["):
        return [float(g["betas"][int(key[6])]) for g in opt.param_groups]
    return [float(g[key]) for g in opt.param_groups]


def roundtrip(state: Any) -> Any:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


# Builders of a "stable" schedule on an optimizer: closed form and not.
Builder = Callable[[torch.optim.Optimizer, str], LRScheduler]


def curve_schedule(opt: torch.optim.Optimizer, key: str) -> LRScheduler:
    return sa.cosine_annealing_with_warmup(opt, 1.0, 0.2, "10%", 200, schedule_target=key)


def stable_sequence(opt: torch.optim.Optimizer, key: str) -> LRScheduler:
    return sa.sequential(
        opt,
        [sa.curves.LinearScheduleWithWarmup(1.0, 1.0, 10, 10), ConstantSchedule(1.0)],
        [10],
        schedule_target=key,
    )


def adapted(opt: torch.optim.Optimizer, key: str) -> LRScheduler:
    return sa.arbitrary_schedule_factory(
        opt, lambda o: StepLR(o, step_size=7, gamma=0.8), schedule_target=key
    )


def torch_phase_sequence(opt: torch.optim.Optimizer, key: str) -> LRScheduler:
    return sa.warmup_then(
        opt, sa.curves.Multiplier(LinearWarmup(1.0, 5)), lambda o: StepLR(o, 6, 0.7), key
    )


BUILDERS = [curve_schedule, stable_sequence, adapted, torch_phase_sequence]
KEYS = ["lr", "weight_decay", "betas[0]"]


def reference_values(builder: Builder, key: str, steps: int) -> list[list[float]]:
    """The stable schedule alone, stepped ``steps`` times: values at t = 0..steps."""
    opt = three_groups()
    s = builder(opt, key)
    out = [read(opt, key)]
    for _ in range(steps):
        opt.step()
        s.step()
        out.append(read(opt, key))
    return out


def weight(shape: str, p: float) -> float:
    """The shapes, written out independently of the module."""
    p = min(1.0, p)
    return {"linear": p, "cosine": (1 - math.cos(math.pi * p)) / 2, "1-sqrt": p**0.5}[shape]


# -- the formula ---------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", ["linear", "cosine", "1-sqrt"])
@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_values_follow_the_formula(builder: Builder, key: str, shape: str) -> None:
    s_step, n, final = 25, 10, 0.1
    ref = reference_values(builder, key, s_step)
    opt = three_groups()
    record = "initial_betas" if key.startswith("betas") else f"initial_{key}"
    sched = cooldown(builder(opt, key), s_step, n, shape=shape, final_value=final)
    assert isinstance(sched, LRScheduler)
    assert sched.optimizer is opt
    bases = [
        float(g[record][0]) if key.startswith("betas") else float(g[record])
        for g in opt.param_groups
    ]
    got = [read(opt, key)]
    for _ in range(s_step + n + 5):
        opt.step()
        sched.step()
        got.append(read(opt, key))
        assert sched.get_last_lr() == pytest.approx(got[-1], rel=1e-6)
    assert got[: s_step + 1] == ref  # unchanged up to and including start_step (bitwise)
    start = ref[s_step]
    for t in range(s_step + 1, s_step + n + 6):
        w = weight(shape, (t - s_step) / n)
        expected = [v + (final * b - v) * w for v, b in zip(start, bases)]
        assert got[t] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    ends = [final * b for b in bases]
    assert got[s_step + n] == pytest.approx(ends, rel=1e-15)  # exact up to float32 storage
    assert got[-1] == got[s_step + n]  # held
    assert sched.last_epoch == s_step + n + 5


def test_end_value_is_exact_for_float_groups() -> None:
    opt = three_groups(tensor_lr=False)
    sched = cooldown(curve_schedule(opt, "lr"), 5, 3, shape="cosine", final_value=0.3)
    for _ in range(9):
        opt.step()
        sched.step()
    assert read(opt, "lr") == [0.3 * 1e-3, 0.3 * 3e-4, 0.3 * 5e-5]


def test_tensor_values_are_filled_in_place() -> None:
    opt = three_groups()
    tensor = opt.param_groups[2]["lr"]
    sched = cooldown(curve_schedule(opt, "lr"), 3, 4)
    for _ in range(10):
        opt.step()
        sched.step()
    assert opt.param_groups[2]["lr"] is tensor
    assert float(tensor) == 0.0


# -- resume ----------------------------------------------------------------------------------
def _cooled_from_the_start(
    builder: Builder, key: str, s: int, total: int
) -> tuple[list[list[float]], Any]:
    opt = three_groups()
    sched = cooldown(builder(opt, key), s, 12, shape="1-sqrt", final_value=0.05)
    out = []
    for _ in range(total):
        opt.step()
        sched.step()
        out.append(read(opt, key))
    return out, sched.state_dict()


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_stable_checkpoint_cooled_down_equals_cooldown_from_the_start(
    builder: Builder, key: str
) -> None:
    s, total = 30, 50
    expected, expected_state = _cooled_from_the_start(builder, key, s, total)
    # the stable run, saved at step s
    opt = three_groups()
    stable = builder(opt, key)
    for _ in range(s):
        opt.step()
        stable.step()
    opt_state, sched_state = roundtrip(opt.state_dict()), roundtrip(stable.state_dict())
    # a new process: rebuild, load, cool down from the current step
    opt2 = three_groups()
    opt2.load_state_dict(opt_state)
    resumed = builder(opt2, key)
    resumed.load_state_dict(sched_state)
    sched = cooldown(resumed, start_step=resumed.last_epoch, num_steps=12, shape="1-sqrt",
                     final_value=0.05)  # fmt: skip
    assert read(opt2, key) == expected[s - 1]  # construction changes nothing at step s
    got = []
    for _ in range(s, total):
        opt2.step()
        sched.step()
        got.append(read(opt2, key))
    assert got == expected[s:]  # bitwise
    state = sched.state_dict()
    assert state == expected_state


@pytest.mark.parametrize("stop", [3, 29, 30, 31, 36, 60])
@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_resume_a_cooldown_in_the_middle_is_bitwise(builder: Builder, stop: int) -> None:
    s, total, key = 30, 70, "lr"
    expected, _ = _cooled_from_the_start(builder, key, s, total)
    opt = three_groups()
    sched = cooldown(builder(opt, key), s, 12, shape="1-sqrt", final_value=0.05)
    for _ in range(stop):
        opt.step()
        sched.step()
    opt_state, state = roundtrip(opt.state_dict()), roundtrip(sched.state_dict())
    if stop < s and builder in (adapted, torch_phase_sequence):
        assert state["start_values"] is None  # not known before the torch scheduler gets there
    opt2 = three_groups()
    opt2.load_state_dict(opt_state)
    sched2 = cooldown(builder(opt2, key), s, 12, shape="1-sqrt", final_value=0.05)
    sched2.load_state_dict(state)
    assert sched2.last_epoch == stop
    assert read(opt2, key) == expected[stop - 1]
    got = []
    for _ in range(stop, total):
        opt2.step()
        sched2.step()
        got.append(read(opt2, key))
    assert got == expected[stop:]


def test_synchronous_schedule_is_cooled_down_per_key() -> None:
    def build(opt: torch.optim.Optimizer) -> sa.SynchronousSchedule:
        return sa.SynchronousSchedule(
            [curve_schedule(opt, "lr"), adapted(opt, "weight_decay"), curve_schedule(opt, "eps")]
        )

    final = {"lr": 0.0, "weight_decay": 0.5, "eps": None}
    opt = three_groups()
    for g in opt.param_groups:
        g["eps"] = 1e-8
    sync = cooldown(build(opt), 20, 5, final_value=final)
    assert isinstance(sync, sa.SynchronousSchedule)
    assert isinstance(sync.schedules["lr"], CooldownSchedule)
    assert not isinstance(sync.schedules["eps"], CooldownSchedule)  # None: left as it is
    values = []
    for _ in range(40):
        opt.step()
        sync.step()
        values.append((read(opt, "lr"), read(opt, "weight_decay"), read(opt, "eps")))
    assert values[-1][0] == [0.0, 0.0, 0.0]
    assert values[-1][1] == [0.05, 0.01, 0.0]
    ref_opt = three_groups()
    for g in ref_opt.param_groups:
        g["eps"] = 1e-8
    ref = curve_schedule(ref_opt, "eps")
    for t in range(40):
        ref_opt.step()
        ref.step()
        assert values[t][2] == read(ref_opt, "eps")  # the key left alone runs on
    # resume the synchronizer in the middle of the cooldown
    opt = three_groups()
    for g in opt.param_groups:
        g["eps"] = 1e-8
    sync = cooldown(build(opt), 20, 5, final_value=final)
    for _ in range(22):
        opt.step()
        sync.step()
    state = roundtrip(sync.state_dict())
    opt2 = three_groups()
    opt2.load_state_dict(roundtrip(opt.state_dict()))
    sync2 = cooldown(build(opt2), 20, 5, final_value=final)
    sync2.load_state_dict(state)
    for t in range(22, 40):
        opt2.step()
        sync2.step()
        assert (read(opt2, "lr"), read(opt2, "weight_decay"), read(opt2, "eps")) == values[t]


def test_synchronous_rejected_step_rolls_the_cooldown_back() -> None:
    opt = three_groups()
    bad = FunctionCurve(lambda t: math.nan if t == 8 else 1.0)
    sync = cooldown(
        sa.SynchronousSchedule([curve_schedule(opt, "lr"), sa.schedule(opt, bad, "weight_decay")]),
        5,
        10,
        final_value={"lr": 0.0, "weight_decay": None},
    )
    for _ in range(7):
        opt.step()
        sync.step()
    before, state = read(opt, "lr"), copy.deepcopy(sync.state_dict())
    with pytest.raises(ValueError, match="weight_decay"):
        sync.step()
    assert read(opt, "lr") == before
    assert sync.state_dict() == state


# -- construction and timing -----------------------------------------------------------------
def test_construction_at_or_before_start_changes_nothing() -> None:
    opt = three_groups()
    stable = curve_schedule(opt, "lr")
    for _ in range(4):
        opt.step()
        stable.step()
    before = read(opt, "lr")
    sched = cooldown(stable, 10, 5)
    assert read(opt, "lr") == before
    assert sched.last_epoch == 4
    assert sched.get_last_lr() == stable.get_last_lr()


def test_start_before_the_current_step_is_retroactive_for_closed_forms() -> None:
    opt = three_groups()
    stable = curve_schedule(opt, "lr")
    for _ in range(40):
        opt.step()
        stable.step()
    start = stable.value_at(30)
    bases = list(stable.base_lrs)
    sched = cooldown(stable, 30, 20)  # construction writes the value of step 40
    assert sched.last_epoch == 40
    expected = [0.5 * v + 0.5 * 0.0 * b for v, b in zip(start, bases)]
    assert read(opt, "lr") == pytest.approx(expected, rel=1e-6)
    assert sched.value_at(40) == pytest.approx(expected, rel=1e-15)
    assert sched.value_at(10) == stable.value_at(10)


def test_torch_scheduler_cannot_start_in_the_past() -> None:
    opt = three_groups()
    stable = adapted(opt, "lr")
    for _ in range(10):
        opt.step()
        stable.step()
    before = read(opt, "lr")
    with pytest.raises(ValueError, match=r"start_step=5 is before .* current step 10.*no closed"):
        cooldown(stable, 5, 3)
    assert read(opt, "lr") == before
    sched = cooldown(stable, 10, 3)  # the current step: the values written there
    assert sched.start_values == before
    with pytest.raises(ValueError, match="no closed form"):
        sched.value_at(3)


def test_jumps_with_step_epoch() -> None:
    opt = three_groups()
    sched = cooldown(curve_schedule(opt, "lr"), 10, 10)
    sched.step(15)
    assert sched.last_epoch == 15
    assert sched.schedule.last_epoch == 10  # the wrapped schedule stops at the start
    assert read(opt, "lr") == pytest.approx(sched.value_at(15), rel=1e-6)
    sched.step(4)
    assert read(opt, "lr") == pytest.approx(sched.schedule.value_at(4), rel=1e-6)
    # a torch scheduler is jumped to the start as it would be alone (torch's step(epoch))
    jumpy = cooldown(adapted(three_groups(), "lr"), 10, 10)
    with pytest.warns(UserWarning, match="epoch parameter"):
        jumpy.step(15)
    assert jumpy.schedule.last_epoch == 10
    assert jumpy.start_values == jumpy.schedule.get_last_lr()
    # a sequence's torch phase cannot jump at all: refused, nothing changes
    opt = three_groups()
    stuck = cooldown(torch_phase_sequence(opt, "lr"), 10, 10)
    before = read(opt, "lr")
    with pytest.raises(ValueError, match="cannot jump"):
        stuck.step(15)
    assert read(opt, "lr") == before and stuck.last_epoch == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"num_steps": 0}, ValueError, "num_steps must be >= 1"),
        ({"num_steps": 2.5}, ValueError, "num_steps must be a whole number"),
        ({"num_steps": "10%"}, ValueError, "num_steps='10%' is a percentage"),
        ({"start_step": -1}, ValueError, "start_step must be >= 0"),
        ({"start_step": "5"}, TypeError, "start_step must be an integer"),
        ({"shape": "sqrt"}, ValueError, r"shape must be one of \['linear', 'cosine', '1-sqrt'\]"),
        ({"final_value": -0.1}, ValueError, "final_value must be >= 0"),
        ({"final_value": math.inf}, ValueError, "final_value must be finite"),
        ({"final_value": {"lr": 0.0}}, TypeError, "final_value may be a mapping"),
    ],
)
def test_arguments_are_checked(kwargs: dict[str, Any], error: type, match: str) -> None:
    opt = three_groups()
    stable = curve_schedule(opt, "lr")
    args = {"start_step": 5, "num_steps": 10, **kwargs}
    with pytest.raises(error, match=match):
        cooldown(stable, **args)


def test_final_value_must_suit_the_key() -> None:
    opt = three_groups()
    with pytest.raises(ValueError, match=r"final_value=2.0 gives the end values"):
        cooldown(curve_schedule(opt, "betas[0]"), 5, 5, final_value=2.0)  # betas < 1


def test_other_arguments() -> None:
    opt = three_groups()
    with pytest.raises(TypeError, match="must be a torch LRScheduler"):
        cooldown(opt, 1, 1)  # type: ignore[arg-type]
    sched = cooldown(curve_schedule(opt, "lr"), 1, 1)
    with pytest.raises(ValueError, match="already a cooldown"):
        cooldown(sched, 1, 1)
    sync = sa.SynchronousSchedule([curve_schedule(three_groups(), "lr")])
    with pytest.raises(ValueError, match=r"lacks \[\] and has unknown \['wd'\]"):
        cooldown(sync, 1, 1, final_value={"lr": 0.0, "wd": 0.0})
    with pytest.raises(ValueError, match="nothing to cool down"):
        cooldown(sync, 1, 1, final_value={"lr": None})


# -- state dicts -------------------------------------------------------------------------------
def _mid_cooldown() -> tuple[torch.optim.Optimizer, CooldownSchedule, dict[str, Any]]:
    opt = three_groups()
    sched = cooldown(curve_schedule(opt, "lr"), 10, 10, shape="cosine", final_value=0.1)
    for _ in range(14):
        opt.step()
        sched.step()
    return opt, sched, sched.state_dict()  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda s: s.update(num_steps=11), "num_steps=11 but this cooldown has num_steps=10"),
        (lambda s: s.update(start_step=9), "start_step=9"),
        (lambda s: s.update(shape="linear"), "shape='linear'"),
        (lambda s: s.update(final_value=0.0), "final_value=0.0"),
        (lambda s: s.update(schedule_target="weight_decay"), "weight_decay"),
        (lambda s: s.update(kind="CurveSchedule"), "not a CooldownSchedule"),
        (lambda s: s.pop("start_values"), "lacks"),
        (lambda s: s.update(start_values=[1.0, 2.0]), "2 entries"),
        (lambda s: s.update(start_values=None), "damaged"),
        (lambda s: s.update(base_lrs=[math.nan] * 3), "not finite"),
        (lambda s: s["schedule"]["curve"]["params"].update(num_warmup_steps=3), "curve"),
        (lambda s: s.update(last_epoch=-2), "last_epoch"),
    ],
)
def test_load_refuses_a_mismatch_and_changes_nothing(change: Any, match: str) -> None:
    opt, sched, _ = _mid_cooldown()
    opt_b, sched_b, _ = _mid_cooldown()
    for _ in range(3):
        opt_b.step()
        sched_b.step()
    bad = copy.deepcopy(sched_b.state_dict())
    change(bad)
    before_values, before_state = read(opt, "lr"), copy.deepcopy(sched.state_dict())
    with pytest.raises((ValueError, TypeError), match=match):
        sched.load_state_dict(bad)
    assert read(opt, "lr") == before_values
    assert sched.state_dict() == before_state


def test_state_dict_is_plain_data() -> None:
    _, _, state = _mid_cooldown()
    assert roundtrip(state) == state
    assert state["kind"] == "CooldownSchedule"
    assert state["start_step"] == 10 and state["num_steps"] == 10
    assert state["shape"] == "cosine" and state["final_value"] == 0.1
    assert state["schedule"]["last_epoch"] == 10
    assert len(state["start_values"]) == 3


# -- hypothesis ------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(
    start=st.integers(min_value=0, max_value=60),
    length=st.integers(min_value=1, max_value=40),
    shape=st.sampled_from(["linear", "cosine", "1-sqrt"]),
    final=st.floats(min_value=0.0, max_value=3.0),
    stop=st.integers(min_value=0, max_value=120),
)
def test_cooldown_is_monotone_between_its_ends_and_resumes(
    start: int, length: int, shape: str, final: float, stop: int
) -> None:
    opt = three_groups(tensor_lr=False)
    sched = cooldown(curve_schedule(opt, "lr"), start, length, shape, final)
    assert isinstance(sched, CooldownSchedule)
    first = sched.start_values
    assert first is not None
    ends = [final * b for b in sched.base_lrs]
    previous = first
    for t in range(start + 1, start + length + 2):
        now = sched.value_at(t)
        for v0, v1, a, b in zip(previous, now, first, ends):
            assert min(a, b) - 1e-18 <= v1 <= max(a, b) + 1e-18
            assert (v1 - v0) * (b - a) >= -1e-24  # moves towards the end, never back
        previous = now
    assert sched.value_at(start + length) == ends
    for _ in range(stop):
        opt.step()
        sched.step()
    opt2 = three_groups(tensor_lr=False)
    sched2 = cooldown(curve_schedule(opt2, "lr"), start, length, shape, final)
    sched2.load_state_dict(roundtrip(sched.state_dict()))
    assert read(opt2, "lr") == read(opt, "lr")


# -- resume_extended -------------------------------------------------------------------------
def _saved_at(
    step: int, total: int, warmup: Any = 20
) -> tuple[dict[str, Any], dict[str, Any], torch.optim.Optimizer]:
    opt = three_groups()
    s = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, warmup, total)
    for _ in range(step):
        opt.step()
        s.step()
    return roundtrip(s.state_dict()), roundtrip(opt.state_dict()), opt


def test_resume_extended_continues_on_the_longer_horizon() -> None:
    state, opt_state, _ = _saved_at(50, 100)
    opt = three_groups()
    opt.load_state_dict(opt_state)
    longer = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 20, 300)
    with pytest.raises(ValueError, match="num_training_steps"):  # the strict load says no
        longer.load_state_dict(state)
    changes = resume_extended(longer, state)
    assert changes == {"state_dict['curve']['params']['num_training_steps']": (100, 300)}
    assert longer.last_epoch == 50
    # the same values as a run built with 300 from the start
    ref_opt = three_groups()
    ref = sa.linear_schedule_with_warmup(ref_opt, 1.0, 0.0, 20, 300)
    ref.step(50)
    assert read(opt, "lr") == read(ref_opt, "lr")
    for _ in range(300):
        opt.step()
        longer.step()
        ref_opt.step()
        ref.step()
        assert read(opt, "lr") == read(ref_opt, "lr")


def test_resume_extended_refuses_everything_but_the_horizon() -> None:
    state, _, _ = _saved_at(50, 100, warmup="10%")
    opt = three_groups()
    longer = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, "10%", 300)  # warmup 10 -> 30
    before = read(opt, "lr")
    with pytest.raises(ValueError, match=r"\['num_warmup_steps'\].*num_warmup_steps=10.*'10%'"):
        resume_extended(longer, state)
    assert read(opt, "lr") == before and longer.last_epoch == 0
    other = sa.linear_schedule_with_warmup(three_groups(), 0.5, 0.0, 10, 300)
    with pytest.raises(ValueError, match=r"\['warmup_to_value'\]: the saved 1.0 differs"):
        resume_extended(other, state)
    shorter = sa.linear_schedule_with_warmup(three_groups(), 1.0, 0.0, 10, 60)
    with pytest.raises(ValueError, match=r"shorter than the saved 100.*sa\.cooldown"):
        resume_extended(shorter, state)
    with pytest.raises(TypeError, match="cannot be extended"):
        resume_extended(adapted(three_groups(), "lr"), state)


def test_resume_extended_through_a_synchronizer_and_a_cooldown() -> None:
    def build(opt: torch.optim.Optimizer, total: int) -> sa.SynchronousSchedule:
        return sa.SynchronousSchedule(
            [
                sa.schedule(opt, sa.curves.Multiplier(sa.curves.WarmupWithDecay(1.0, 10, total))),
                sa.cosine_annealing_with_warmup(opt, 1.0, 0.1, 0, total, "weight_decay"),
            ]
        )

    opt = three_groups()
    sync = build(opt, 100)
    for _ in range(40):
        opt.step()
        sync.step()
    state = roundtrip(sync.state_dict())
    opt2 = three_groups()
    sync2 = build(opt2, 250)
    changes = resume_extended(sync2, state)
    assert sorted(changes.values()) == [(100, 250), (100, 250)]
    assert sync2.last_epoch == 40
    # a cooldown of a synchronizer: its wrapped schedules are extended the same way
    opt3 = three_groups()
    cooled = cooldown(build(opt3, 100), 60, 10)
    for _ in range(70):
        opt3.step()
        cooled.step()
    opt4 = three_groups()
    cooled4 = cooldown(build(opt4, 250), 60, 10)
    # the cooldown started from the 100-step curves' values at step 60: recorded, and kept
    assert len(resume_extended(cooled4, roundtrip(cooled.state_dict()))) == 2
    assert cooled4.last_epoch == 70
    assert read(opt4, "lr") == read(opt3, "lr")  # past the start: the recorded start values


def test_resume_extended_refuses_a_torch_horizon_inside_a_sequence() -> None:
    def build(opt: torch.optim.Optimizer, t_max: int) -> LRScheduler:
        return sa.warmup_then(
            opt,
            sa.curves.Multiplier(LinearWarmup(1.0, 5)),
            lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=t_max),
        )

    opt = three_groups()
    s = build(opt, 50)
    for _ in range(10):
        opt.step()
        s.step()
    with pytest.raises(ValueError, match=r"T_max=50.*cannot be extended"):
        resume_extended(build(three_groups(), 100), roundtrip(s.state_dict()))


def test_a_cooldown_drives_only_the_groups_its_schedule_drives() -> None:
    # groups=[0, 2]: group 1 is never touched, before or after the start of the cooldown.
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in range(3)]
    opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, (0.1, 0.2, 0.3))])
    stable = sa.schedule(opt, "constant_schedule", value=1.0, groups=[0, 2])
    for _ in range(3):
        opt.step()
        stable.step()
    decay = sa.cooldown(stable, start_step=3, num_steps=4)
    for t in range(4, 10):
        opt.step()
        decay.step()
        w = min(1.0, (t - 3) / 4)
        expected = [(1 - w) * 0.1, 0.2, (1 - w) * 0.3]
        assert [g["lr"] for g in opt.param_groups] == pytest.approx(expected, abs=1e-15)
        assert decay.get_last_lr() == [g["lr"] for g in opt.param_groups]
        assert decay.value_at(t) == decay.get_last_lr()
    assert "initial_lr" not in opt.param_groups[1]


def test_a_synchronous_schedule_with_two_schedules_on_one_key_cools_down_both() -> None:
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in range(2)]
    opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, (0.1, 0.2))])
    sync = sa.SynchronousSchedule(
        [
            sa.constant_schedule(opt, 1.0, groups=[0]),
            sa.constant_schedule(opt, 0.5, groups=[1]),
        ]
    )
    for final_value in (0.0, {"lr": 0.0}):
        decayed = sa.cooldown(sync, start_step=0, num_steps=4, final_value=final_value)
        assert isinstance(decayed, sa.SynchronousSchedule)
        assert [g["lr"] for g in opt.param_groups] == [0.1, 0.1]  # step 0: the stable values
    for t in range(1, 6):
        opt.step()
        decayed.step()
        keep = 1 - min(1.0, t / 4)
        assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.1 * keep, 0.1 * keep])
