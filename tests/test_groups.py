"""``groups=``: schedules that drive some param groups only, on any key."""

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
from torch.optim.lr_scheduler import LambdaLR, OneCycleLR, StepLR

import torch_schedule_anything as sa
from torch_schedule_anything import builtin_schedules, plot
from torch_schedule_anything.curves import (
    ConstantSchedule,
    ConstantWithWarmup,
    Join,
    LinearScheduleWithWarmup,
    LinearWarmup,
)
from torch_schedule_anything.param_groups import Slot

LRS = [0.1, 0.02, 0.003]
NAMES = ["backbone", "head", "no_decay"]


def _params(n: int) -> list[torch.nn.Parameter]:
    return [torch.nn.Parameter(torch.full((2,), float(i + 1))) for i in range(n)]


def sgd(n: int = 3, **extra: Any) -> torch.optim.SGD:
    """SGD with ``n`` named groups whose lr and weight_decay differ."""
    groups = [
        {
            "params": [p],
            "lr": LRS[i % 3] * (1 + i // 3),
            "weight_decay": 0.0 if i == 2 else 1e-2 * (i + 1),
            "name": NAMES[i] if i < 3 else f"g{i}",
        }
        for i, p in enumerate(_params(n))
    ]
    return torch.optim.SGD(groups, lr=0.5, momentum=0.9, **extra)


def adamw() -> torch.optim.AdamW:
    groups = [
        {"params": [p], "lr": lr, "betas": (0.9 - 0.05 * i, 0.999), "name": name}
        for i, (p, lr, name) in enumerate(zip(_params(3), LRS, NAMES))
    ]
    return torch.optim.AdamW(groups, lr=1e-3, weight_decay=0.05)


def key_values(opt: torch.optim.Optimizer, key: str = "lr") -> list[Any]:
    """The key's value in every group (Tensors as floats)."""
    slot = Slot(key)
    return [
        float(slot.read(g)) if isinstance(slot.read(g), torch.Tensor) else slot.read(g)
        for g in opt.param_groups
    ]


def snapshot(opt: torch.optim.Optimizer) -> list[dict[str, Any]]:
    """Everything in the param groups but the parameters (Tensors as floats)."""
    out = []
    for group in opt.param_groups:
        row = {}
        for k, v in group.items():
            if k == "params":
                continue
            row[k] = v.item() if isinstance(v, torch.Tensor) else copy.deepcopy(v)
        out.append(row)
    return out


def step(opt: torch.optim.Optimizer, *schedules: Any) -> None:
    opt.step()
    for s in schedules:
        s.step()


# -- selection ---------------------------------------------------------------------------------


def test_index_selection_drives_only_those_groups() -> None:
    opt = sgd()
    s = sa.schedule(opt, "constant_schedule", value=0.5, groups=[0, 2])
    assert key_values(opt) == [0.05, 0.02, 0.0015]
    assert "initial_lr" in opt.param_groups[0] and "initial_lr" in opt.param_groups[2]
    assert "initial_lr" not in opt.param_groups[1]  # never recorded
    assert s.groups == (0, 2)
    assert s.base_lrs == [0.1, 0.003]  # one base per selected group
    assert s.get_last_lr() == key_values(opt)  # one value per param group
    opt.param_groups[1]["lr"] = 0.7  # another schedule (or the user) owns group 1
    step(opt, s)
    assert s.get_last_lr() == [0.05, 0.7, 0.0015]


def test_callable_selection_is_resolved_once_to_indices() -> None:
    opt = sgd()
    seen: list[str] = []

    def is_head(group: Any) -> bool:
        seen.append(group["name"])
        return bool(group["name"] == "head")

    s = sa.schedule(opt, "constant_schedule", value=0.5, groups=is_head)
    assert seen == NAMES  # called once per group, at construction
    assert s.groups == (1,)
    assert key_values(opt) == [0.1, 0.01, 0.003]
    opt.add_param_group({"params": _params(1), "lr": 1.0, "name": "head"})
    step(opt, s)
    assert seen == NAMES  # not called again
    assert key_values(opt) == [0.1, 0.01, 0.003, 1.0]  # the new "head" group is not selected
    assert s.get_last_lr() == [0.1, 0.01, 0.003, 1.0]
    assert s.state_dict()["groups"] == [1]


def test_selector_sees_a_read_only_view() -> None:
    opt = sgd()

    def meddle(group: Any) -> bool:
        group["lr"] = 9.0
        return True

    before = snapshot(opt)
    with pytest.raises(ValueError, match="groups: the selector"):
        sa.schedule(opt, "constant_schedule", value=0.5, groups=meddle)
    assert snapshot(opt) == before


BAD_SELECTIONS: list[tuple[Any, type[Exception], str]] = [
    ([3], ValueError, r"groups\[0\] is 3 but the optimizer has 3 param groups"),
    ([-1], ValueError, r"groups\[0\] is -1"),
    ([0, 0], ValueError, r"groups lists param group 0 twice"),
    ([2, 0], ValueError, r"increasing order.*write \[0, 2\]"),
    ([], ValueError, r"groups=\[\] selects no param group"),
    ([0.0], TypeError, r"groups\[0\] is float"),
    ([True], TypeError, r"groups\[0\] is bool"),
    (1, TypeError, r"groups must be a list .* got int 1"),
    ("0", TypeError, r"groups must be a list"),
    ({0, 1}, TypeError, r"groups must be a list .* got set"),
    (lambda g: g["missing"], ValueError, r"selector .* raised KeyError.*param_groups\[0\]"),
    (lambda g: 1, TypeError, r"selector .* returned int 1 .* True or False"),
    (lambda g: torch.tensor(True), TypeError, r"returned Tensor"),
    (lambda g: False, ValueError, r"selects none of the 3 param groups.*'backbone'"),
]


@pytest.mark.parametrize(("groups", "error", "pattern"), BAD_SELECTIONS)
@pytest.mark.parametrize("build", ["schedule", "builtin", "adapter", "curve_schedule"])
def test_bad_selection_is_refused_and_changes_nothing(
    groups: Any, error: type[Exception], pattern: str, build: str
) -> None:
    opt = sgd()
    before, defaults = snapshot(opt), dict(opt.defaults)
    builders: dict[str, Callable[[], Any]] = {
        "schedule": lambda: sa.schedule(
            opt, "constant_schedule", "clip", value=0.5, default_value=1.0, groups=groups
        ),
        "builtin": lambda: sa.constant_schedule(opt, 0.5, groups=groups),
        "adapter": lambda: sa.arbitrary_schedule_factory(
            opt, lambda o: StepLR(o, 2), 1.0, "clip", groups=groups
        ),
        "curve_schedule": lambda: sa.CurveSchedule(opt, ConstantSchedule(0.5), groups=groups),
    }
    with pytest.raises(error, match=pattern):
        builders[build]()
    assert snapshot(opt) == before
    assert opt.defaults == defaults


def test_unselected_groups_are_never_read_or_created() -> None:
    opt = sgd()
    opt.param_groups[1]["clip"] = "not a number"  # would be refused if it were read
    s = sa.schedule(opt, "constant_schedule", "clip", value=2.0, default_value=1.5, groups=[0, 2])
    assert [g.get("clip") for g in opt.param_groups] == [3.0, "not a number", 3.0]
    assert "clip" not in opt.defaults  # default_value creates the key in the selection only
    assert "initial_clip" not in opt.param_groups[1]
    assert s.get_last_lr() == [3.0, None, 3.0]  # a group without a number reads as None
    opt.param_groups[1].pop("clip")
    step(opt, s)
    assert "clip" not in opt.param_groups[1]


def test_failed_construction_takes_back_default_value_in_the_selection_only() -> None:
    opt = sgd()
    before = snapshot(opt)
    with pytest.raises(ValueError, match="finite"):
        sa.CurveSchedule(
            opt, lambda t: math.inf, "clip", default_value=1.0, groups=[1]
        )  # the step-0 value is refused
    assert snapshot(opt) == before


def test_absolute_curve_needs_equal_bases_in_the_selection_only() -> None:
    opt = sgd()
    opt.param_groups[2]["lr"] = 0.1  # groups 0 and 2 now agree; group 1 differs
    s = sa.CurveSchedule(opt, LinearWarmup(0.4, 4), groups=[0, 2])
    step(opt, s)
    assert key_values(opt) == [0.1, 0.02, 0.1]
    with pytest.raises(ValueError, match=r"group 0: 0\.1, group 1: 0\.02"):
        sa.CurveSchedule(opt, LinearWarmup(0.4, 4), groups=[0, 1])


# -- the frozen-backbone example -------------------------------------------------------------


def test_frozen_backbone_then_warmup_while_head_follows_a_cosine() -> None:
    """Group 0: lr 0 for N steps, then a linear warmup over W steps to its own lr; group 1:
    a quarter-wave cosine from its own lr to 0 over T steps; group 2 is left alone."""
    N, W, T = 5, 4, 20
    opt = sgd()
    base0, base1, lr2 = (g["lr"] for g in opt.param_groups)
    backbone = sa.CurveSchedule(
        opt, Join([ConstantSchedule(0.0), ConstantWithWarmup(1.0, W)], [N]), groups=[0]
    )
    head = sa.cosine_annealing_with_warmup(opt, 1.0, 0.0, 0, T, groups=[1])
    sync = sa.SynchronousSchedule([backbone, head])
    assert sync.schedule_names == ["lr"]
    assert list(sync.schedules) == ["lr (groups [0])", "lr (groups [1])"]

    def expected(t: int) -> list[float]:
        frozen = 0.0 if t < N else base0 * min(1.0, (t - N) / W)
        cosine = base1 * math.cos(math.pi / 2 * min(1.0, t / T))
        return [frozen, cosine, lr2]

    for t in range(T + 5):
        assert key_values(opt) == pytest.approx(expected(t), rel=1e-12, abs=1e-15), t
        assert sync.get_last_lr() == key_values(opt)
        assert sync.get_last_schedule("lr") == key_values(opt)
        assert len(backbone.get_last_lr()) == len(head.get_last_lr()) == 3
        step(opt, sync)
    assert sync.base_lrs == [base0, base1, lr2]


def test_betas0_per_group() -> None:
    opt = adamw()
    first = sa.linear_schedule_with_warmup(opt, 1.0, 0.5, 0, 4, "betas[0]", groups=[1])
    rest = sa.schedule(opt, "constant_schedule", "betas[0]", value=1.0, groups=[0, 2])
    sync = sa.SynchronousSchedule([first, rest])
    bases = [0.9, 0.85, 0.8]
    for t in range(6):
        lam = 1.0 - 0.5 * min(1.0, t / 4)
        assert [g["betas"][0] for g in opt.param_groups] == pytest.approx(
            [bases[0], bases[1] * lam, bases[2]], rel=1e-12
        )
        assert [g["betas"][1] for g in opt.param_groups] == [0.999] * 3
        assert sync.get_last_schedule("betas[0]") == [g["betas"][0] for g in opt.param_groups]
        step(opt, sync)
    assert opt.param_groups[1]["initial_betas"] == (0.85, None)


def test_tensor_lr_groups_are_filled_in_place_and_others_untouched() -> None:
    lrs = [torch.tensor(0.1), torch.tensor(0.2), torch.tensor(0.3)]
    opt = torch.optim.Adam([{"params": [p], "lr": lr} for p, lr in zip(_params(3), lrs)])
    s = sa.CurveSchedule(opt, LinearWarmup(1.0, 4), groups=[1, 2], one_value_for_all_groups=True)
    s2 = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 2, 6, groups=[0])
    for t in range(8):
        assert [g["lr"] for g in opt.param_groups] == lrs  # same objects (filled in place)
        assert [g["lr"] is lr for g, lr in zip(opt.param_groups, lrs)] == [True] * 3
        lin = t / 2 if t < 2 else max(0.0, 1.0 - (t - 2) / 4)
        warm = min(1.0, t / 4)  # LinearWarmup from ~0 (start_lr 1e-7)
        assert lrs[0].item() == pytest.approx(0.1 * lin, abs=1e-7)
        assert [lr.item() for lr in lrs[1:]] == pytest.approx([warm, warm], abs=1e-6)
        step(opt, s, s2)


def test_a_tensor_shared_with_an_unselected_group_is_refused() -> None:
    opt = torch.optim.Adam(
        [{"params": [p]} for p in _params(3)], lr=torch.tensor(0.01)
    )  # every group holds the default's Tensor
    assert opt.param_groups[0]["lr"] is opt.param_groups[1]["lr"]
    before = snapshot(opt)
    with pytest.raises(ValueError, match=r"param groups 0 and 1 hold one and the same Tensor"):
        sa.constant_schedule(opt, 0.5, groups=[0])
    assert snapshot(opt) == before


# -- the layout: groups added later ----------------------------------------------------------


def test_groups_added_later_are_left_alone_by_a_selection() -> None:
    opt = sgd()
    s = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 0, 10, groups=[0, 1])
    everything = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 0, 10, "weight_decay")
    opt.add_param_group({"params": _params(1), "lr": 0.5, "weight_decay": 0.0})
    opt.step()
    s.step()  # fine: groups 0 and 1 are still there
    assert key_values(opt) == pytest.approx([0.09, 0.018, 0.003, 0.5])
    assert s.get_last_lr() == key_values(opt)
    with pytest.raises(RuntimeError, match=r"now has 4 param groups .* built for 3.*groups="):
        everything.step()  # without groups=, the count is guarded as before


def test_a_selected_index_that_disappears_is_an_error() -> None:
    opt = sgd()
    s = sa.constant_schedule(opt, 0.5, groups=[2])
    del opt.param_groups[2]
    with pytest.raises(RuntimeError, match=r"drives param_groups\[2\]"):
        s.step()


# -- state dicts -----------------------------------------------------------------------------


def _save_load(state: Any) -> Any:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


def test_state_dict_records_groups_and_refuses_another_selection() -> None:
    opt = sgd()
    s = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 2, 10, groups=[0, 2])
    for _ in range(3):
        step(opt, s)
    state = _save_load(s.state_dict())
    assert state["groups"] == [0, 2] and state["base_lrs"] == [0.1, 0.003]
    other = sa.linear_schedule_with_warmup(sgd(), 1.0, 0.0, 2, 10, groups=[0, 1])
    every = sa.linear_schedule_with_warmup(sgd(), 1.0, 0.0, 2, 10)
    for target, pattern in [
        (other, r"param groups \[0, 2\] but this one drives the param groups \[0, 1\]"),
        (every, r"param groups \[0, 2\] but this one drives every param group"),
    ]:
        before, epoch = snapshot(target.optimizer), target.last_epoch
        with pytest.raises(ValueError, match=pattern):
            target.load_state_dict(state)
        assert snapshot(target.optimizer) == before and target.last_epoch == epoch
    with pytest.raises(ValueError, match=r"every param group but this one drives the param"):
        other.load_state_dict(every.state_dict())
    with pytest.raises(TypeError, match=r"groups\[0\] must be an int"):
        other.load_state_dict({**other.state_dict(), "groups": ["0", 1]})
    assert "groups" not in every.state_dict()  # the default dict is unchanged
    fresh = sa.linear_schedule_with_warmup(sgd(), 1.0, 0.0, 2, 10, groups=[0, 2])
    fresh.load_state_dict(state)
    assert fresh.get_last_lr() == s.get_last_lr()


def _build_run(opt: torch.optim.Optimizer) -> sa.SynchronousSchedule:
    return sa.SynchronousSchedule(
        [
            sa.CurveSchedule(
                opt, Join([ConstantSchedule(0.0), ConstantWithWarmup(1.0, 3)], [4]), groups=[0]
            ),
            sa.cosine_annealing_with_warmup(
                opt, 1.0, 0.1, 2, 12, groups=lambda g: g["name"] != "backbone"
            ),
            sa.arbitrary_schedule_factory(
                opt,
                lambda o: StepLR(o, step_size=3, gamma=0.5),
                schedule_target="weight_decay",
                groups=[0, 1],
            ),
            sa.sequential(
                opt,
                [LinearWarmup(0.9, 2), lambda o: StepLR(o, 2, 0.5)],
                [2],
                "momentum",
                groups=[2],
            ),
        ]
    )


def test_resume_in_the_middle_equals_an_uninterrupted_run() -> None:
    torch.manual_seed(0)
    steps, stop = 16, 7
    reference_opt = sgd()
    reference = _build_run(reference_opt)
    keys = ["lr", "weight_decay", "momentum"]
    uninterrupted = []
    for _ in range(steps):
        uninterrupted.append({k: key_values(reference_opt, k) for k in keys})
        step(reference_opt, reference)

    opt = sgd()
    sync = _build_run(opt)
    seen = []
    for _ in range(stop):
        seen.append({k: key_values(opt, k) for k in keys})
        step(opt, sync)
    checkpoint = _save_load({"optimizer": opt.state_dict(), "schedule": sync.state_dict()})
    assert set(checkpoint["schedule"]) == {
        "lr (groups [0])",
        "lr (groups [1, 2])",
        "weight_decay",
        "momentum",
    }
    resumed_opt = sgd()
    resumed_opt.load_state_dict(checkpoint["optimizer"])
    resumed = _build_run(resumed_opt)
    resumed.load_state_dict(checkpoint["schedule"])
    for _ in range(stop, steps):
        seen.append({k: key_values(resumed_opt, k) for k in keys})
        step(resumed_opt, resumed)
    assert seen == uninterrupted  # bitwise


def test_synchronizer_state_refuses_another_split_and_changes_nothing() -> None:
    opt = sgd()
    sync = sa.SynchronousSchedule(
        [
            sa.constant_schedule(opt, 0.5, groups=[0]),
            sa.constant_schedule(opt, 0.25, groups=[1, 2]),
        ]
    )
    state = sync.state_dict()
    other_opt = sgd()
    other = sa.SynchronousSchedule(
        [
            sa.constant_schedule(other_opt, 0.5, groups=[0, 1]),
            sa.constant_schedule(other_opt, 0.25, groups=[2]),
        ]
    )
    before = snapshot(other_opt)
    with pytest.raises(ValueError, match=r"lacks the schedule\(s\) \['lr \(groups \[0, 1\]\)'"):
        other.load_state_dict(state)
    assert snapshot(other_opt) == before
    # the one-schedule-per-key shape still loads (and is what such a synchronizer writes)
    single = sa.SynchronousSchedule([sa.constant_schedule(sgd(), 0.5, groups=[0])])
    assert list(single.state_dict()) == ["lr"]
    single.load_state_dict(single.state_dict())


def test_overlapping_schedules_of_one_key_are_refused() -> None:
    opt = sgd()
    a = sa.constant_schedule(opt, 0.5, groups=[0, 1])
    b = sa.constant_schedule(opt, 0.5, groups=[1, 2])
    c = sa.constant_schedule(opt, 0.5)
    with pytest.raises(RuntimeError, match=r"drive 'lr' in param group 1"):
        sa.SynchronousSchedule([a, b])
    with pytest.raises(RuntimeError, match=r"drive 'lr' in param group 0"):
        sa.SynchronousSchedule([a, c])
    with pytest.raises(RuntimeError, match=r"drive 'lr' in param group 1"):
        sa.SynchronousSchedule([c, b])  # the first group of b
    with pytest.raises(RuntimeError, match=r"drive 'lr' in param group 0"):
        sa.SynchronousSchedule([a, StepLR(opt, 2)])  # a torch scheduler drives every group
    # disjoint on one key, and another key alongside
    sync = sa.SynchronousSchedule(
        [
            a,
            sa.constant_schedule(opt, 2.0, "weight_decay"),
            sa.constant_schedule(opt, 1.0, groups=[2]),
        ]
    )
    assert sync.schedule_names == ["lr", "weight_decay"]


def test_undriven_groups_read_as_their_current_value_in_the_synchronizer() -> None:
    opt = sgd()
    sync = sa.SynchronousSchedule(
        [sa.constant_schedule(opt, 0.5, groups=[0]), sa.constant_schedule(opt, 0.1, groups=[2])]
    )
    opt.param_groups[1]["lr"] = 0.42
    assert sync.get_last_schedule("lr") == pytest.approx([0.05, 0.42, 0.0003])
    assert sync.get_last_schedule("lr (groups [2])") == pytest.approx([0.05, 0.42, 0.0003])


# -- the adapter --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "factory",
    [
        lambda o: OneCycleLR(o, max_lr=[0.5, 0.05], total_steps=12, cycle_momentum=False),
        lambda o: StepLR(o, step_size=3, gamma=0.3),
        lambda o: LambdaLR(o, [lambda t: 1.0 / (t + 1), lambda t: 0.9**t]),
    ],
    ids=["OneCycleLR", "StepLR", "LambdaLR-per-group"],
)
def test_adapter_on_a_subset_matches_torch_on_an_optimizer_of_those_groups(
    factory: Callable[[Any], Any],
) -> None:
    opt = sgd()
    adapted = sa.arbitrary_schedule_factory(opt, factory, groups=[1, 2])
    assert len(adapted.adapter.param_groups) == 2
    alone = torch.optim.SGD(
        [{"params": _params(1), "lr": g["lr"]} for g in opt.param_groups[1:]], lr=0.5
    )
    torch_scheduler = factory(alone)
    for t in range(12):
        assert key_values(opt)[1:] == [g["lr"] for g in alone.param_groups], t
        assert key_values(opt)[0] == 0.1  # never touched
        assert adapted.get_last_lr() == [0.1, *torch_scheduler.get_last_lr()]
        step(opt, adapted)
        step(alone, torch_scheduler)
    assert adapted.base_lrs == torch_scheduler.base_lrs
    state = _save_load(adapted.state_dict())
    assert state["groups"] == [1, 2]
    other = sa.arbitrary_schedule_factory(sgd(), factory, groups=[0, 1])
    with pytest.raises(ValueError, match=r"groups \[1, 2\] but this one drives"):
        other.load_state_dict(state)


def test_adapter_per_group_lists_are_sized_to_the_selection() -> None:
    opt = sgd()
    with pytest.raises(ValueError, match=r"(?s)max_lr has 2 values.*groups \[0\].*one entry"):
        sa.arbitrary_schedule_factory(
            opt,
            lambda o: OneCycleLR(o, max_lr=[0.5, 0.05], total_steps=12, cycle_momentum=False),
            groups=[0],
        )
    assert "initial_lr" not in opt.param_groups[0]


# -- configs, plots, sequences -----------------------------------------------------------------


def test_config_entries_take_groups() -> None:
    opt = sgd()
    sync = sa.schedule_from_config(
        opt,
        [
            {"curve": "constant_schedule", "value": 0.5, "groups": [0]},
            {"curve": "constant_schedule", "params": {"value": 0.25}, "groups": [1, 2]},
            {
                "curve": "constant_schedule",
                "schedule_target": "clip",
                "value": 1.0,
                "default_value": 2.0,
                "groups": [2],
            },
        ],
    )
    assert isinstance(sync, sa.SynchronousSchedule)
    assert key_values(opt) == pytest.approx([0.05, 0.005, 0.00075])
    assert [g.get("clip") for g in opt.param_groups] == [None, None, 2.0]
    one = sa.schedule_from_config(
        sgd(), {"curve": "constant_schedule", "value": 2.0, "groups": [1]}
    )
    assert isinstance(one, sa.CurveSchedule) and one.groups == (1,)


@pytest.mark.parametrize(
    ("entries", "error", "pattern"),
    [
        (
            [
                {"curve": "constant_schedule", "value": 0.5, "groups": [0, 1]},
                {"curve": "constant_schedule", "value": 0.5, "groups": [1]},
            ],
            ValueError,
            r"config\[1\].*config\[0\] already schedules 'lr' in param group 1",
        ),
        (
            [
                {"curve": "constant_schedule", "value": 0.5},
                {"curve": "constant_schedule", "value": 0.5, "groups": [2]},
            ],
            ValueError,
            r"config\[1\].*in param group 2",
        ),
        (
            [{"curve": "constant_schedule", "value": 0.5, "groups": lambda g: True}],
            TypeError,
            r"config\[0\].*plain data",
        ),
        (
            [
                {"curve": "constant_schedule", "value": 0.5, "groups": [0]},
                {"curve": "constant_schedule", "value": 0.5, "groups": [5]},
            ],
            ValueError,
            r"config\[1\].*groups\[0\] is 5",
        ),
        (
            [{"curve": "constant_schedule", "value": 0.5, "groups": "0"}],
            TypeError,
            r"config\[0\].*'groups' must be a list",
        ),
    ],
)
def test_bad_config_groups_are_refused_before_anything_is_written(
    entries: list[dict[str, Any]], error: type[Exception], pattern: str
) -> None:
    opt = sgd()
    before = snapshot(opt)
    with pytest.raises(error, match=pattern):
        sa.schedule_from_config(opt, entries)
    assert snapshot(opt) == before


def test_plot_draws_one_line_per_group() -> None:
    opt = sgd()
    sync = sa.SynchronousSchedule(
        [
            sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 2, 6, groups=[0]),
            sa.constant_schedule(opt, 0.5, groups=[1]),
        ]
    )
    values = plot.schedule_values(sync, 4)
    assert values == {
        "lr": [
            pytest.approx([0.0, 0.05, 0.1, 0.075]),
            pytest.approx([0.01] * 4),
            [0.003] * 4,  # no schedule drives group 2: its current value
        ]
    }
    fig = plot.plot_schedule(sync, 4)
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.get_lines()] == ["group 0", "group 1", "group 2"]
    # an adapted (simulated) schedule on a subset: the same shape
    adapted = sa.arbitrary_schedule_factory(sgd(), lambda o: StepLR(o, 1, 0.5), groups=[2])
    assert plot.schedule_values(adapted, 3)["lr"] == [
        [0.1] * 3,
        [0.02] * 3,
        [0.003, 0.0015, 0.00075],
    ]
    # a key that an unselected group lacks: that group is left out of the plot
    opt2 = sgd()
    clip = sa.schedule(
        opt2, "constant_schedule", "clip", value=1.0, default_value=2.0, groups=[0, 1]
    )
    assert plot.schedule_values(clip, 2)["clip"] == [[2.0, 2.0], [2.0, 2.0], [None, None]]
    opt2.param_groups[1]["clip"] = 3.0
    clip2 = sa.schedule(
        opt2,
        "linear_schedule_with_warmup",
        "clip",
        warmup_to_value=1.0,
        anneal_to_value=0.0,
        num_warmup_steps=0,
        num_training_steps=2,
        groups=[0, 1],
    )
    labels = [line.get_label() for line in plot.plot_schedule(clip2, 3).axes[0].get_lines()]
    # both groups follow the record of the first schedule (initial_clip = 2.0): the same line,
    # the second drawn dashed over the first and labelled as the same
    assert labels == ["group 0", "group 1 (= group 0)"]


def test_warmup_then_on_some_groups() -> None:
    opt = sgd()
    s = sa.warmup_then(opt, LinearWarmup(1.0, 2), lambda o: StepLR(o, 2, 0.5), groups=[1])
    values = []
    for _ in range(6):
        values.append(key_values(opt))
        step(opt, s)
    assert [v[1] for v in values] == pytest.approx([1e-7, 0.5, 0.02, 0.02, 0.01, 0.01], abs=1e-6)
    assert all(v[0] == 0.1 and v[2] == 0.003 for v in values)
    assert s.state_dict()["groups"] == [1] and len(s.get_last_lr()) == 3


def test_every_builtin_takes_groups() -> None:
    for name in builtin_schedules.__all__:
        opt = sgd()
        fn = getattr(sa, name)
        positional = [1.0, 0.0, 1, 4] if "anneal" in name or "schedule_with" in name else [1.0, 1]
        if name == "constant_schedule":
            positional = [0.5]
        s = fn(opt, *positional, groups=[2])
        assert s.groups == (2,)
        assert key_values(opt)[:2] == [0.1, 0.02], name


def test_default_is_unchanged() -> None:
    opt = sgd()
    s = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 2, 10)
    assert s.groups is None and "groups" not in s.state_dict()
    sync = sa.SynchronousSchedule([s, sa.constant_schedule(opt, 1.0, "weight_decay")])
    assert list(sync.state_dict()) == ["lr", "weight_decay"]
    assert list(sync.schedules) == sync.schedule_names == ["lr", "weight_decay"]


# -- property ------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 6),
    data=st.data(),
    steps=st.integers(0, 8),
)
def test_selected_groups_follow_the_curve_and_the_others_never_change(
    n: int, data: st.DataObject, steps: int
) -> None:
    chosen = data.draw(
        st.lists(st.integers(0, n - 1), min_size=1, unique=True).map(sorted), label="groups"
    )
    opt = sgd(n)
    before = snapshot(opt)
    curve = LinearScheduleWithWarmup(1.0, 0.1, 2, 6)
    s = sa.CurveSchedule(opt, curve, groups=chosen)
    for _ in range(steps):
        step(opt, s)
    after = snapshot(opt)
    for index in range(n):
        if index in chosen:
            assert after[index]["lr"] == before[index]["lr"] * curve(steps)
            assert after[index]["initial_lr"] == before[index]["lr"]
        else:
            assert after[index] == before[index]
    assert len(s.get_last_lr()) == n
    assert s.value_at(steps) == s.get_last_lr()
