"""``arbitrary_schedule_factory``: any torch scheduler on any key gives torch's own numbers."""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Callable
from typing import Any

import pytest
import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    LRScheduler,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)

import torch_schedule_anything as sa
from torch_schedule_anything.adapter import AdaptedSchedule, ParamGroupAdapter

BASES = [0.05, 0.2]  # the target's value in the two param groups (different on purpose)
STEPS = 24
METRICS = [1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.6, 0.7, 0.8, 0.9, 0.4, 0.41, 0.42, 0.43, 0.44]

Factory = Callable[[Optimizer], Any]
FACTORIES: dict[str, tuple[Factory, int]] = {
    "StepLR": (lambda o: StepLR(o, step_size=3, gamma=0.5), STEPS),
    "MultiStepLR": (lambda o: MultiStepLR(o, milestones=[2, 5, 7], gamma=0.3), STEPS),
    "ExponentialLR": (lambda o: ExponentialLR(o, gamma=0.9), STEPS),
    "CosineAnnealingLR": (lambda o: CosineAnnealingLR(o, T_max=10, eta_min=1e-3), STEPS),
    "CosineAnnealingWarmRestarts": (
        lambda o: CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2, eta_min=1e-4),
        STEPS,
    ),
    "OneCycleLR": (
        lambda o: OneCycleLR(o, max_lr=[0.5, 1.0], total_steps=20, cycle_momentum=False),
        19,  # OneCycleLR raises past total_steps
    ),
    "LambdaLR": (lambda o: LambdaLR(o, lambda t: 0.95**t), STEPS),
    "LinearLR": (lambda o: LinearLR(o, start_factor=0.2, total_iters=6), STEPS),
    "PolynomialLR": (lambda o: PolynomialLR(o, total_iters=10, power=1.5), STEPS),
    "CyclicLR": (
        lambda o: CyclicLR(o, 0.01, [0.5, 1.0], step_size_up=3, cycle_momentum=False),
        STEPS,
    ),
    "SequentialLR": (
        lambda o: SequentialLR(
            o, [LinearLR(o, 0.1, total_iters=4), ExponentialLR(o, 0.8)], milestones=[4]
        ),
        STEPS,
    ),
    "ChainedScheduler": (
        lambda o: ChainedScheduler([ConstantLR(o, 0.5, total_iters=3), ExponentialLR(o, 0.9)]),
        STEPS,
    ),
    "ReduceLROnPlateau": (lambda o: ReduceLROnPlateau(o, factor=0.5, patience=1), len(METRICS)),
}


def real_optimizer() -> torch.optim.SGD:
    """The optimizer under test: the target key is weight_decay; lr and momentum differ."""
    return torch.optim.SGD(
        [
            {"params": [torch.nn.Parameter(torch.ones(2))], "weight_decay": BASES[0]},
            {"params": [torch.nn.Parameter(torch.ones(3))], "weight_decay": BASES[1], "lr": 0.3},
        ],
        lr=0.7,
        momentum=0.9,
    )


def reference_optimizer() -> torch.optim.SGD:
    """What torch sees in the reference run: the same values, on 'lr'."""
    return torch.optim.SGD(
        [
            {"params": [torch.nn.Parameter(torch.ones(2))], "lr": BASES[0]},
            {"params": [torch.nn.Parameter(torch.ones(3))], "lr": BASES[1]},
        ],
        lr=0.7,
    )


def step(schedule: Any, i: int, name: str) -> None:
    if name == "ReduceLROnPlateau":
        schedule.step(METRICS[i])
    else:
        schedule.step()


def torch_reference(name: str) -> list[list[float]]:
    factory, steps = FACTORIES[name]
    opt = reference_optimizer()
    scheduler = factory(opt)
    rows = [[g["lr"] for g in opt.param_groups]]
    for i in range(steps):
        opt.step()
        step(scheduler, i, name)
        rows.append([g["lr"] for g in opt.param_groups])
    return rows


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_values_equal_torchs_on_lr(name: str) -> None:
    factory, steps = FACTORIES[name]
    expected = torch_reference(name)
    opt = real_optimizer()
    before = [{k: v for k, v in g.items() if k != "weight_decay"} for g in opt.param_groups]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "scheduler stepped before optimizer" false alarm
        schedule = sa.arbitrary_schedule_factory(opt, factory, schedule_target="weight_decay")
        assert isinstance(schedule, LRScheduler)
        got = [[g["weight_decay"] for g in opt.param_groups]]
        for i in range(steps):
            opt.step()
            step(schedule, i, name)
            got.append([g["weight_decay"] for g in opt.param_groups])
    assert got == expected  # bitwise: the same torch code ran on the same numbers
    assert schedule.get_last_lr() == expected[-1]
    # Nothing else in the real groups changed: no lr, no initial_lr, no max_lr leaks; the one
    # new key is the record of the scheduled key's initial value (torch's initial_lr, by name).
    own = ("weight_decay", "initial_weight_decay")
    after = [{k: v for k, v in g.items() if k not in own} for g in opt.param_groups]
    assert after == before
    reference = reference_optimizer()
    factory(reference)  # what torch records as initial_lr on a real optimizer (if anything)
    records = [g["initial_weight_decay"] for g in opt.param_groups]
    assert records == [g.get("initial_lr", b) for g, b in zip(reference.param_groups, BASES)]
    assert len({v for row in expected for v in row}) > 2, "the reference must move"


def test_several_adapted_schedules_on_one_optimizer_do_not_collide() -> None:
    opt = real_optimizer()
    keys = {"weight_decay": "StepLR", "momentum": "CosineAnnealingLR", "lr": "OneCycleLR"}
    schedules = {}
    for key, name in keys.items():
        schedules[key] = sa.arbitrary_schedule_factory(opt, FACTORIES[name][0], schedule_target=key)
    sync = sa.SynchronousSchedule(list(schedules.values()))
    assert sync.schedule_names == list(keys)

    # each key follows torch's own run of its scheduler, started from that key's values
    expected = {}
    for key, name in keys.items():
        ref = torch.optim.SGD(
            [
                {"params": [torch.nn.Parameter(torch.ones(1))], "lr": g[key]}
                for g in real_optimizer().param_groups
            ]
        )
        scheduler = FACTORIES[name][0](ref)
        rows = [[g["lr"] for g in ref.param_groups]]
        for _ in range(15):
            ref.step()
            scheduler.step()
            rows.append([g["lr"] for g in ref.param_groups])
        expected[key] = rows
    for t in range(16):
        if t:
            opt.step()
            sync.step()
        for key in keys:
            assert [g[key] for g in opt.param_groups] == expected[key][t], (key, t)
    # torch's bookkeeping keys stay in the stand-ins; each key has only its record, and lr's
    # record is initial_lr, as OneCycleLR writes it on a real optimizer
    reference = reference_optimizer()
    FACTORIES["OneCycleLR"][0](reference)
    for group, ref in zip(opt.param_groups, reference.param_groups):
        assert "max_lr" not in group and "min_lr" not in group
        assert group["initial_lr"] == ref["initial_lr"]
        assert set(group) - set(ref) == {
            "initial_weight_decay",
            "initial_momentum",
            "momentum",
            "dampening",
            "nesterov",
            "weight_decay",
            "maximize",
            "foreach",
            "differentiable",
            "fused",
        } - set(ref)


def test_tensor_target_is_filled_in_place() -> None:
    lr0, lr1 = torch.tensor(0.05), torch.tensor(0.2)
    opt = torch.optim.Adam(
        [
            {"params": [torch.nn.Parameter(torch.ones(2))], "lr": lr0},
            {"params": [torch.nn.Parameter(torch.ones(2))], "lr": lr1},
        ]
    )
    s = sa.arbitrary_schedule_factory(opt, lambda o: StepLR(o, step_size=2, gamma=0.5))
    for t in range(1, 7):
        opt.step()
        s.step()
        assert opt.param_groups[0]["lr"] is lr0 and opt.param_groups[1]["lr"] is lr1
        assert lr0.item() == pytest.approx(0.05 * 0.5 ** (t // 2))
        assert s.get_last_lr() == pytest.approx([0.05 * 0.5 ** (t // 2), 0.2 * 0.5 ** (t // 2)])
        assert all(isinstance(v, float) for v in s.get_last_lr())


def test_tensor_non_lr_target_is_filled_in_place() -> None:
    opt = real_optimizer()
    wd = [torch.tensor(b) for b in BASES]
    for g, w in zip(opt.param_groups, wd):
        g["weight_decay"] = w
    s = sa.arbitrary_schedule_factory(
        opt, lambda o: ExponentialLR(o, gamma=0.5), schedule_target="weight_decay"
    )
    for t in range(1, 4):
        s.step()
        assert [g["weight_decay"] for g in opt.param_groups] == wd  # same objects
        assert [w.item() for w in wd] == pytest.approx([b * 0.5**t for b in BASES])


def test_tuple_element_target() -> None:
    opt = torch.optim.Adam([torch.nn.Parameter(torch.ones(2))], betas=(0.9, 0.99))
    s = sa.arbitrary_schedule_factory(
        opt, lambda o: StepLR(o, step_size=1, gamma=0.5), schedule_target="betas[0]"
    )
    s.step()
    assert opt.param_groups[0]["betas"] == (0.45, 0.99)


def test_default_value_creates_the_key_everywhere() -> None:
    opt = real_optimizer()
    s = sa.arbitrary_schedule_factory(
        opt,
        lambda o: StepLR(o, step_size=1, gamma=0.5),
        default_value=10.0,
        schedule_target="gradient_clip_threshold",
    )
    assert [g["gradient_clip_threshold"] for g in opt.param_groups] == [10.0, 10.0]
    assert opt.defaults["gradient_clip_threshold"] == 10.0
    s.step()
    assert [g["gradient_clip_threshold"] for g in opt.param_groups] == [5.0, 5.0]
    assert s.base_lrs == [10.0, 10.0]


def test_default_value_is_ignored_where_the_key_exists() -> None:
    opt = real_optimizer()
    opt.param_groups[1]["momentum"] = 0.5
    s = sa.arbitrary_schedule_factory(
        opt, lambda o: StepLR(o, step_size=1, gamma=0.5), 0.1, "momentum"
    )
    assert s.base_lrs == [0.9, 0.5]
    s.step()
    assert [g["momentum"] for g in opt.param_groups] == [0.45, 0.25]


def test_missing_key_without_default_value() -> None:
    opt = real_optimizer()
    with pytest.raises(KeyError) as info:
        sa.arbitrary_schedule_factory(opt, lambda o: StepLR(o, 1), schedule_target="clip")
    message = str(info.value)
    assert "'clip'" in message and "default_value" in message and "extend_optimizer" in message
    assert "clip" not in opt.param_groups[0]


@pytest.mark.parametrize("bad", ["0.9", [0.9], None.__class__, True, object()])
def test_non_numeric_default_value(bad: Any) -> None:
    opt = real_optimizer()
    with pytest.raises(TypeError, match="default_value"):
        sa.arbitrary_schedule_factory(opt, lambda o: StepLR(o, 1), bad, "clip")
    assert "clip" not in opt.param_groups[0]


def test_non_finite_default_value() -> None:
    with pytest.raises(ValueError, match="finite"):
        sa.arbitrary_schedule_factory(real_optimizer(), lambda o: StepLR(o, 1), math.nan, "c")


def test_factory_built_on_the_real_optimizer_is_rejected() -> None:
    opt = real_optimizer()
    with pytest.raises(ValueError, match="optimizer it receives"):
        sa.arbitrary_schedule_factory(
            opt, lambda o: StepLR(opt, step_size=1), schedule_target="weight_decay"
        )


def test_factory_must_return_a_scheduler() -> None:
    opt = real_optimizer()
    with pytest.raises(TypeError, match="not a torch LRScheduler"):
        sa.arbitrary_schedule_factory(opt, lambda o: 42)  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match="schedule_factory"):
        sa.arbitrary_schedule_factory(opt, "StepLR")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="optimizer"):
        sa.arbitrary_schedule_factory([], lambda o: StepLR(o, 1))  # type: ignore[arg-type]


def test_cycle_momentum_needs_to_be_off_and_the_error_says_so() -> None:
    opt = real_optimizer()
    with pytest.raises(ValueError) as info:
        sa.arbitrary_schedule_factory(
            opt, lambda o: OneCycleLR(o, max_lr=1.0, total_steps=10), schedule_target="lr"
        )
    text = str(info.value) + "".join(getattr(info.value, "__notes__", []))
    assert "cycle_momentum=False" in text


def test_attribute_passthrough_and_protocol() -> None:
    opt = real_optimizer()
    s = sa.arbitrary_schedule_factory(
        opt, lambda o: StepLR(o, step_size=3, gamma=0.25), schedule_target="weight_decay"
    )
    assert isinstance(s, AdaptedSchedule) and isinstance(s.scheduler, StepLR)
    assert isinstance(s.scheduler.optimizer, ParamGroupAdapter)
    assert s.optimizer is opt
    assert (s.step_size, s.gamma) == (3, 0.25)
    assert s.schedule_target == "weight_decay"
    assert (s.last_epoch, s._step_count) == (0, 1)
    s.step()
    assert (s.last_epoch, s._step_count) == (1, 2)
    assert s.base_lrs == BASES
    assert s.get_lr() == s.get_last_lr() == BASES
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = s.no_such_thing
    stand_in = s.scheduler.optimizer
    with pytest.raises(NotImplementedError):
        stand_in.step()
    with pytest.raises(NotImplementedError):
        stand_in.state_dict()
    assert "weight_decay" in repr(s) and "StepLR" in repr(s)


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "OneCycleLR", "ReduceLROnPlateau"])
def test_state_dict_round_trip(name: str) -> None:
    factory, steps = FACTORIES[name]
    stop = steps // 2

    def run(schedule: Any, opt: Optimizer, start: int, end: int) -> list[list[float]]:
        rows = []
        for i in range(start, end):
            opt.step()
            step(schedule, i, name)
            rows.append([g["weight_decay"] for g in opt.param_groups])
        return rows

    opt = real_optimizer()
    s = sa.arbitrary_schedule_factory(opt, factory, schedule_target="weight_decay")
    run(s, opt, 0, stop)
    buffer = io.BytesIO()
    torch.save({"opt": opt.state_dict(), "sched": s.state_dict()}, buffer)
    uninterrupted = run(s, opt, stop, steps)

    buffer.seek(0)
    saved = torch.load(buffer, weights_only=True)
    assert saved["sched"]["schedule_target"] == "weight_decay"
    assert saved["sched"]["scheduler"] == name
    fresh = real_optimizer()
    resumed = sa.arbitrary_schedule_factory(fresh, factory, schedule_target="weight_decay")
    fresh.load_state_dict(saved["opt"])
    resumed.load_state_dict(saved["sched"])
    assert resumed.last_epoch == s.last_epoch - (steps - stop)
    assert run(resumed, fresh, stop, steps) == uninterrupted


def test_loads_a_1x_state_dict_the_bare_torch_scheduler_state() -> None:
    ref = reference_optimizer()
    torch_scheduler = StepLR(ref, step_size=2, gamma=0.5)
    for _ in range(3):
        ref.step()
        torch_scheduler.step()
    old_format = torch_scheduler.state_dict()
    assert "state" not in old_format
    opt = real_optimizer()
    s = sa.arbitrary_schedule_factory(
        opt, lambda o: StepLR(o, step_size=2, gamma=0.5), schedule_target="weight_decay"
    )
    for g, r in zip(opt.param_groups, ref.param_groups):
        g["weight_decay"] = r["lr"]  # what loading the 1.x optimizer checkpoint restores
    s.load_state_dict(old_format)
    assert s.last_epoch == 3
    s.step()
    torch_scheduler.step()
    assert [g["weight_decay"] for g in opt.param_groups] == [g["lr"] for g in ref.param_groups]


def test_state_dict_mismatches() -> None:
    opt = real_optimizer()
    wd = sa.arbitrary_schedule_factory(opt, lambda o: StepLR(o, 2), schedule_target="weight_decay")
    mom = sa.arbitrary_schedule_factory(opt, lambda o: StepLR(o, 2), schedule_target="momentum")
    exp = sa.arbitrary_schedule_factory(opt, lambda o: ExponentialLR(o, 0.5), schedule_target="lr")
    with pytest.raises(ValueError, match=r"'weight_decay'.*'momentum'"):
        mom.load_state_dict(wd.state_dict())
    with pytest.raises(ValueError, match=r"StepLR.*ExponentialLR"):
        exp.load_state_dict({**wd.state_dict(), "schedule_target": "lr"})
    with pytest.raises(TypeError, match="mapping"):
        wd.load_state_dict(None)  # type: ignore[arg-type]


def test_adding_a_param_group_later_is_an_error() -> None:
    opt = real_optimizer()
    s = sa.arbitrary_schedule_factory(opt, lambda o: StepLR(o, 2), schedule_target="weight_decay")
    opt.add_param_group({"params": [torch.nn.Parameter(torch.ones(1))]})
    with pytest.raises(RuntimeError, match="add_param_group"):
        s.step()


def test_optimizer_load_state_dict_replacing_groups_is_followed() -> None:
    """Optimizer.load_state_dict replaces the group dicts; the adapter reads the new ones."""
    opt = real_optimizer()
    s = sa.arbitrary_schedule_factory(
        opt, lambda o: StepLR(o, step_size=1, gamma=0.5), schedule_target="weight_decay"
    )
    state = opt.state_dict()
    state["param_groups"][0]["weight_decay"] = 1.0
    opt.load_state_dict(state)
    s.step()
    assert opt.param_groups[0]["weight_decay"] == 0.5
