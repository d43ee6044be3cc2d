"""SequentialSchedule (sequence.py): warmup then anything, plateau, metrics, resume at any step."""

from __future__ import annotations

import io
import math
import warnings
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LRScheduler,
    ReduceLROnPlateau,
    StepLR,
)

import torch_schedule_anything as sa
from torch_schedule_anything.curves import (
    CosineAnnealingWithWarmup,
    CyclicLR,
    ExponentialWarmup,
    LinearWarmup,
    OneCycleLR,
    WarmupWithDecay,
    after_warmup,
)


def sgd(lr: Any = 0.1, **kwargs: Any) -> torch.optim.SGD:
    torch.manual_seed(0)
    return torch.optim.SGD(torch.nn.Linear(2, 1).parameters(), lr=lr, momentum=0.9, **kwargs)


def run(schedule: LRScheduler, opt: torch.optim.Optimizer, steps: int, key: str = "lr") -> list:
    out = [float(opt.param_groups[0][key])]
    for _ in range(steps):
        opt.step()
        schedule.step()
        out.append(float(opt.param_groups[0][key]))
    return out


def roundtrip(state: dict) -> dict:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


# -- Pattern 1: warmup, then a torch scheduler -------------------------------------------------


def test_warmup_then_step_lr_exact_at_the_seam() -> None:
    opt = sgd(lr=1e-3)
    warm = LinearWarmup(1e-3, 10)
    s = sa.warmup_then(opt, warm, lambda o: StepLR(o, step_size=4, gamma=0.1))
    assert isinstance(s, LRScheduler) and s.optimizer is opt
    values = run(s, opt, 30)
    for t, value in enumerate(values):
        # the warmup, then StepLR from the optimizer's lr at attach time, counted from the seam
        expected = 1e-3 * t / 10 if t < 10 else 1e-3 * 0.1 ** ((t - 10) // 4)
        assert value == pytest.approx(expected, rel=1e-12, abs=1e-300), t
    assert values[9] == pytest.approx(9e-4) and values[10] == 1e-3  # the seam
    assert s.get_last_lr() == [values[-1]]
    assert s.last_epoch == 30


def test_torch_phase_is_built_on_the_attach_time_base_and_never_leaks_early() -> None:
    opt = sgd(lr=torch.tensor(0.2))
    lr_tensor = opt.param_groups[0]["lr"]
    s = sa.sequential(
        opt, [ExponentialWarmup(0.2, 5, 1e-3), lambda o: ExponentialLR(o, gamma=0.5)], [5]
    )
    assert float(lr_tensor) == pytest.approx(1e-3)  # the warmup's step 0, not the decay's
    values = run(s, opt, 8)
    assert opt.param_groups[0]["lr"] is lr_tensor  # filled in place, never replaced
    assert values[4] == pytest.approx(0.2 * (1e-3 / 0.2) ** (1 / 5), rel=1e-6)
    assert values[5:] == pytest.approx([0.2, 0.1, 0.05, 0.025], rel=1e-6)


def test_on_another_key_with_a_multiplier_curve_phase() -> None:
    opt = sgd(weight_decay=0.01)
    s = sa.sequential(
        opt,
        [CosineAnnealingWithWarmup(1.0, 1.0, 4, 4), lambda o: CosineAnnealingLR(o, T_max=6)],
        [4],
        schedule_target="weight_decay",
    )
    values = run(s, opt, 12, key="weight_decay")
    assert values[:4] == pytest.approx([0.0, 0.0025, 0.005, 0.0075])  # base × t/L
    for t in range(4, 11):
        assert values[t] == pytest.approx(0.01 * (1 + math.cos(math.pi * (t - 4) / 6)) / 2)
    assert opt.param_groups[0]["lr"] == 0.1  # lr untouched


def test_on_betas_element() -> None:
    opt = torch.optim.AdamW(torch.nn.Linear(2, 1).parameters(), betas=(0.9, 0.999))
    s = sa.warmup_then(
        opt, LinearWarmup(0.9, 2), lambda o: StepLR(o, 1, gamma=0.5), schedule_target="betas[0]"
    )
    seen = [opt.param_groups[0]["betas"]]
    for _ in range(3):
        opt.step()
        s.step()
        seen.append(opt.param_groups[0]["betas"])
    assert seen == [(0.0, 0.999), (0.45, 0.999), (0.9, 0.999), (0.45, 0.999)]


def test_three_phases_curves_and_schedulers() -> None:
    opt = sgd(lr=0.1)
    one = OneCycleLR(0.3, 10)
    s = sa.sequential(opt, [LinearWarmup(0.1, 2), lambda o: StepLR(o, 2, 0.5), one], [2, 6])
    values = run(s, opt, 20)
    assert values[:6] == pytest.approx([0.0, 0.05, 0.1, 0.1, 0.05, 0.05])
    assert values[6:] == [one(t - 6) for t in range(6, 21)]
    assert s.phase_index(5) == 1 and s.phase_index(6) == 2
    assert [type(p).__name__ for p in s.phases] == ["LinearWarmup", "StepLR", "OneCycleLR"]


# -- Pattern 4: warmup, then ReduceLROnPlateau -------------------------------------------------


def test_warmup_then_plateau_reduces_only_on_metric_steps() -> None:
    opt = sgd(lr=0.1)
    s = sa.warmup_then(
        opt, LinearWarmup(0.1, 3), lambda o: ReduceLROnPlateau(o, factor=0.5, patience=1)
    )
    assert s.needs_metrics
    for _ in range(3):  # the warmup ignores metrics
        opt.step()
        s.step(metrics=1.0)
    assert opt.param_groups[0]["lr"] == 0.1  # the seam: the plateau's start, the base
    seen = []
    for loss in [1.0, 1.0, 1.0, 1.0, 0.5]:  # no improvement for 2 > patience, twice, then better
        opt.step()
        s.step(loss)  # positional, as Lightning passes it
        seen.append(opt.param_groups[0]["lr"])
    assert seen == [0.1, 0.1, 0.05, 0.05, 0.05]
    opt.step()
    s.step()  # no metric: the plateau holds
    assert opt.param_groups[0]["lr"] == 0.05


def test_plateau_on_weight_decay_through_synchronous_schedule() -> None:
    opt = sgd(lr=0.1, weight_decay=0.01)
    lr = sa.schedule(opt, WarmupWithDecay(0.1, 2, 10))
    wd = sa.arbitrary_schedule_factory(
        opt, lambda o: ReduceLROnPlateau(o, factor=0.1, patience=0), schedule_target="weight_decay"
    )
    sync = sa.SynchronousSchedule([lr, wd])
    with pytest.raises(ValueError, match="need a metric"):
        sync.step()
    losses = [1.0, 0.9, 0.95, 0.96, 0.8]
    wds = []
    for t, loss in enumerate(losses, start=1):
        opt.step()
        sync.step(metrics=loss)
        assert opt.param_groups[0]["lr"] == WarmupWithDecay(0.1, 2, 10)(t)
        wds.append(opt.param_groups[0]["weight_decay"])
    assert wds == pytest.approx([0.01, 0.01, 0.001, 0.0001, 0.0001])


def test_sequential_plateau_inside_synchronous_schedule() -> None:
    opt = sgd(lr=0.1, weight_decay=0.01)
    wd = sa.warmup_then(
        opt,
        LinearWarmup(0.01, 2),
        lambda o: ReduceLROnPlateau(o, factor=0.5, patience=0),
        schedule_target="weight_decay",
    )
    lr = sa.schedule(opt, CyclicLR(0.05, 0.1, 2))
    sync = sa.SynchronousSchedule([lr, wd])
    seen = []
    for loss in [1.0, 1.0, 1.0, 2.0, 3.0]:
        opt.step()
        sync.step(metrics=loss)
        seen.append(opt.param_groups[0]["weight_decay"])
    assert seen == pytest.approx([0.005, 0.01, 0.01, 0.005, 0.0025])
    assert sync.state_dict()["weight_decay"]["phases"][1]["scheduler"] == "ReduceLROnPlateau"


# -- resume ------------------------------------------------------------------------------------


def build(kind: str, opt: torch.optim.Optimizer) -> sa.SequentialSchedule:
    if kind == "step":
        return sa.sequential(
            opt,
            [
                CosineAnnealingWithWarmup(1.0, 1.0, 5, 5),
                lambda o: StepLR(o, 3, 0.7),
                CyclicLR(0.01, 0.05, 4),
            ],
            [5, 17],
        )
    return sa.warmup_then(
        opt, LinearWarmup(0.1, 4), lambda o: ReduceLROnPlateau(o, factor=0.5, patience=1)
    )


def drive(s: sa.SequentialSchedule, opt, steps: range, metric: bool) -> list[float]:
    out = []
    for t in steps:
        opt.step()
        if metric:
            s.step(metrics=[1.0, 0.9, 0.95, 0.97][t % 4] if t % 3 else None)
        else:
            s.step()
        out.append(float(opt.param_groups[0]["lr"]))
    return out


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(["step", "plateau"]), stop=st.integers(0, 30))
def test_resume_at_any_step_is_bitwise_identical(kind, stop) -> None:
    total = 32
    metric = kind == "plateau"
    opt = sgd(lr=0.1)
    reference = drive(build(kind, opt), opt, range(total), metric)

    opt = sgd(lr=0.1)
    first = build(kind, opt)
    before = drive(first, opt, range(stop), metric)
    state = roundtrip(first.state_dict())  # plain data: weights_only loads it
    opt_state = opt.state_dict()

    opt = sgd(lr=0.5)  # a fresh run, even with another lr in the constructor
    opt.load_state_dict(opt_state)
    second = build(kind, opt)
    second.load_state_dict(state)
    assert second.last_epoch == stop
    after = drive(second, opt, range(stop, total), metric)
    assert before + after == reference  # bitwise


def test_load_state_dict_rejects_a_mismatch() -> None:
    opt = sgd()
    s = build("step", opt)
    state = s.state_dict()
    other = sa.sequential(
        sgd(), [LinearWarmup(0.1, 5), lambda o: StepLR(o, 3), CyclicLR(0.01, 0.06, 4)], [5, 17]
    )
    with pytest.raises(ValueError, match=r"phases\[0\] of the state dict is .* but this"):
        other.load_state_dict(state)
    other = sa.sequential(
        sgd(),
        [
            CosineAnnealingWithWarmup(1.0, 1.0, 5, 5),
            lambda o: ExponentialLR(o, 0.7),
            CyclicLR(0.01, 0.05, 4),
        ],
        [5, 17],
    )
    with pytest.raises(ValueError, match="'StepLR' but this sequence has a ExponentialLR"):
        other.load_state_dict(state)
    state_b = dict(state, boundaries=[6, 17])
    with pytest.raises(ValueError, match="saved with boundaries"):
        s.load_state_dict(state_b)
    with pytest.raises(ValueError, match="is for schedule_target 'momentum'"):
        s.load_state_dict(dict(state, schedule_target="momentum"))
    with pytest.raises(ValueError, match="lacks"):
        s.load_state_dict({"last_epoch": 3})


# -- errors and the horizon --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phases", "boundaries", "message"),
    [
        ([LinearWarmup(0.1, 100), lambda o: StepLR(o, 3)], [50], "longer than its phase"),
        ([], [], "phases is empty"),
        ([LinearWarmup(0.1, 5), lambda o: StepLR(o, 3)], [5, 9], "len\\(phases\\) - 1 = 1"),
        ([LinearWarmup(0.1, 5)] * 3, [5, 5], "strictly increasing"),
        ([LinearWarmup(0.1, 5), 0.1], [5], r"phases\[1\] must be a Curve"),
        ([LinearWarmup(0.1, 5), lambda o: 0.5], [5], "not a torch LRScheduler"),
    ],
)
def test_bad_sequences_raise(phases, boundaries, message) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        sa.sequential(sgd(), phases, boundaries)


def test_the_seam_warning_looks_at_every_group() -> None:
    # Group 0 meets the torch phase, group 1 does not: the warning names group 1 only.
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in range(2)]
    opt = torch.optim.SGD([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.2}], lr=0.1)
    s = sa.warmup_then(
        opt, LinearWarmup(0.1, 2), lambda o: StepLR(o, 3), one_value_for_all_groups=True
    )
    s.step()
    with pytest.warns(UserWarning, match=r"\(group 1: 0.1 -> 0.2\)"):
        s.step()


def test_a_warmup_ending_elsewhere_than_the_torch_phase_starts_warns_at_the_seam() -> None:
    opt = sgd(lr=0.1)
    s = sa.warmup_then(opt, LinearWarmup(1e-3, 3), lambda o: StepLR(o, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        s.step()
        s.step()
    with pytest.warns(UserWarning, match=r"jumps at boundary 3 \(group 0: 0.001 -> 0.1\)"):
        s.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for make in (
            lambda: sa.warmup_then(sgd(lr=0.1), LinearWarmup(0.1, 3), lambda o: StepLR(o, 3)),
            # a multiplier warmup ends at base × W = the base
            lambda: sa.warmup_then(
                sgd(lr=0.1), CosineAnnealingWithWarmup(1.0, 1.0, 3, 3), lambda o: StepLR(o, 3)
            ),
        ):
            s = make()
            for _ in range(5):
                s.optimizer.step()
                s.step()


def test_factory_must_use_the_optimizer_it_receives() -> None:
    opt = sgd()
    with pytest.raises(ValueError, match="optimizer it receives"):
        sa.sequential(opt, [LinearWarmup(0.1, 2), lambda o: StepLR(opt, 3)], [2])


def test_warmup_then_follows_after_warmups_rule_for_empty_and_endless_warmups() -> None:
    # One rule for curves (after_warmup) and schedules (warmup_then): 0 steps is no warmup.
    opt, twin = sgd(), sgd()
    s = sa.warmup_then(opt, LinearWarmup(0.1, 0), lambda o: StepLR(o, 3, gamma=0.5))
    plain = StepLR(twin, 3, gamma=0.5)
    for _ in range(8):
        opt.step(), twin.step()
        s.step(), plain.step()
        assert opt.param_groups[0]["lr"] == twin.param_groups[0]["lr"]
    curve = after_warmup(LinearWarmup(0.1, 0), CyclicLR(0.1, 0.2, 3))
    with_curve = sa.warmup_then(sgd(), LinearWarmup(0.1, 0), CyclicLR(0.1, 0.2, 3))
    assert with_curve.get_last_lr() == [curve(0)]
    for call in (after_warmup, lambda w, t: sa.warmup_then(sgd(), w, t)):
        with pytest.raises(ValueError, match="never ends"):
            call(CyclicLR(0.1, 0.2, 3), CyclicLR(0.1, 0.2, 3))


def test_metrics_without_a_metric_phase_and_jumps_across_torch_phases() -> None:
    opt = sgd()
    s = sa.sequential(opt, [LinearWarmup(0.1, 5), lambda o: StepLR(o, 3)], [5])
    with pytest.raises(ValueError, match=r"no phase .* is metric-driven"):
        s.step(metrics=1.0)
    s.step(3)  # a jump inside the curve phase is closed form
    assert opt.param_groups[0]["lr"] == pytest.approx(0.06)
    with pytest.raises(ValueError, match="would cross the torch scheduler phase"):
        s.step(8)


def test_far_past_the_end_of_a_final_curve_warns_once() -> None:
    opt = sgd()
    s = sa.warmup_then(opt, LinearWarmup(0.1, 5), OneCycleLR(0.1, 100))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        for _ in range(5 + 99 + 10):
            s.step()
    with pytest.warns(sa.PastHorizonWarning) as record:
        for _ in range(50):
            s.step()
    assert len(record) == 1
    assert opt.param_groups[0]["lr"] == OneCycleLR(0.1, 100)(99)
