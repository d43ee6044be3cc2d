"""bases.py: SchedulerBase, StatefulSchedulerBase, CurveStatefulScheduler (user-written)."""

from __future__ import annotations

import io
import math
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.optim.lr_scheduler import LRScheduler

import torch_schedule_anything as sa

# The seed's examples import StatefulSchedulerBase from pytorch_accelerated.schedulers; that
# import line is the only change made to them below.
from torch_schedule_anything import SchedulerBase, StatefulSchedulerBase
from torch_schedule_anything.curves import LinearScheduleWithWarmup

# ---------------------------------------------------------------------------------------------
# The seed's two documented examples, as written.
# ---------------------------------------------------------------------------------------------
# fmt: off


class MilestoneLrScheduler(StatefulSchedulerBase):
    def __init__(
        self, optimizer, gamma=0.5, epoch_milestones=(2, 4, 5), num_steps_per_epoch=100
    ):
        super().__init__(optimizer, param_group_field="lr")
        self.milestones = set(
            (num_steps_per_epoch * milestone for milestone in epoch_milestones)  # noqa: UP034
        )
        self.gamma = gamma

    def get_updated_values(self, num_updates: int):
        if num_updates in self.milestones:
            lr_values = [
                group[self.param_group_field] for group in self.optimizer.param_groups
            ]
            updated_lrs = [lr * self.gamma for lr in lr_values]
            return updated_lrs


class StepWdScheduler(StatefulSchedulerBase):
    def __init__(self, optimizer, n=1000, gamma=1.1):
        super().__init__(optimizer, param_group_field="weight_decay")
        self.n = n
        self.gamma = gamma

    def get_updated_values(self, num_updates: int):
        if num_updates % self.n == 0 and num_updates > 0:
            wd_values = [
                group[self.param_group_field] for group in self.optimizer.param_groups
            ]
            updated_wd_values = [wd * self.gamma for wd in wd_values]
            return updated_wd_values
# fmt: on


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
def sgd(lrs: tuple[float, ...] = (0.1, 0.01), **kwargs: Any) -> torch.optim.SGD:
    params = [{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in lrs]
    return torch.optim.SGD(params, lr=lrs[0], **kwargs)


class Reciprocal(SchedulerBase):
    """Stateless, closed form: value = scale / (1 + n) in every group."""

    def __init__(self, optimizer: torch.optim.Optimizer, scale: float = 1.0, **kw: Any) -> None:
        super().__init__(optimizer, **kw)
        self.scale = scale

    def get_updated_values(self, num_updates: int) -> float:
        return self.scale / (1 + num_updates)


class Returns(StatefulSchedulerBase):
    """Returns whatever ``fn(n)`` gives: for testing what get_updated_values may return."""

    def __init__(self, optimizer: torch.optim.Optimizer, fn: Any, field: str = "lr") -> None:
        super().__init__(optimizer, param_group_field=field)
        self.fn = fn

    def get_updated_values(self, num_updates: int) -> Any:
        return self.fn(num_updates)


def roundtrip(state: dict[str, Any]) -> dict[str, Any]:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    loaded: dict[str, Any] = torch.load(buffer, weights_only=True)
    return loaded


def lrs(optimizer: torch.optim.Optimizer, key: str = "lr") -> list[float]:
    return [float(g[key]) for g in optimizer.param_groups]


# ---------------------------------------------------------------------------------------------
# The seed's examples behave as documented
# ---------------------------------------------------------------------------------------------
def test_milestone_example_halves_lr_at_each_epoch_milestone() -> None:
    opt = sgd()
    scheduler = MilestoneLrScheduler(opt)  # milestones at updates 200, 400, 500
    seen = {0: lrs(opt)}
    for n in range(1, 601):
        opt.step()
        scheduler.step()
        seen[n] = lrs(opt)
    # the n-th step() passes n - 1 (pytorch-accelerated's timing): milestone m shows at m + 1
    assert seen[200] == [0.1, 0.01]
    assert seen[201] == [0.1 * 0.5, 0.01 * 0.5]
    assert seen[400] == seen[201]
    assert seen[401] == [0.1 * 0.5 * 0.5, 0.01 * 0.5 * 0.5]
    assert seen[501] == [0.1 * 0.5**3, 0.01 * 0.5**3]
    assert seen[600] == seen[501]
    assert scheduler.last_epoch == 600
    assert scheduler._num_updates == scheduler.get_current_step() == 599
    assert scheduler.get_last_lr() == seen[600]


def test_step_wd_example_grows_weight_decay_every_n_steps() -> None:
    opt = sgd()
    opt.param_groups[0]["weight_decay"] = 0.01
    opt.param_groups[1]["weight_decay"] = 0.1
    scheduler = StepWdScheduler(opt, n=3, gamma=2.0)
    wd = [lrs(opt, "weight_decay")]
    for _ in range(7):
        scheduler.step()
        wd.append(lrs(opt, "weight_decay"))
    assert wd[0] == wd[1] == wd[2] == wd[3] == [0.01, 0.1]
    assert wd[4] == wd[6] == [0.02, 0.2]
    assert wd[7] == [0.04, 0.4]
    assert lrs(opt) == [0.1, 0.01]  # lr untouched
    assert scheduler.get_last_lr() == [0.04, 0.4]  # the values of ITS field


# ---------------------------------------------------------------------------------------------
# The LRScheduler protocol
# ---------------------------------------------------------------------------------------------
def test_is_a_real_lr_scheduler_and_leaves_optimizer_step_alone() -> None:
    opt = sgd()
    scheduler = StepWdScheduler(opt)
    assert isinstance(scheduler, LRScheduler)
    assert scheduler.optimizer is opt
    assert (scheduler.last_epoch, scheduler._step_count) == (0, 1)
    assert scheduler.schedule_target == scheduler.param_group_field == "weight_decay"
    assert not hasattr(opt.step, "_wrapped_by_lr_sched")
    scheduler.step()
    assert (scheduler.last_epoch, scheduler._step_count) == (1, 2)


def test_construction_records_and_writes_the_bases_not_step_zero() -> None:
    opt = sgd()
    scheduler = Reciprocal(opt, scale=0.5)  # scale is set after super().__init__
    assert lrs(opt) == [0.1, 0.01]  # get_updated_values(0) is not written
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.01]
    assert scheduler.get_last_lr() == [0.1, 0.01]
    assert scheduler.base_lrs == [0.1, 0.01] == scheduler.base_lr_values


def test_a_recorded_base_is_used_and_written_back() -> None:
    """As in pytorch-accelerated: an existing ``initial_<field>`` is the base, and the
    construction writes it into the group."""
    opt = sgd()
    opt.param_groups[0]["initial_lr"] = 0.3
    Reciprocal(opt)
    assert lrs(opt) == [0.3, 0.01]


def test_signatures_are_the_subclass_own() -> None:
    import inspect

    assert list(inspect.signature(Reciprocal).parameters) == ["optimizer", "scale", "kw"]
    assert list(inspect.signature(MilestoneLrScheduler).parameters) == [
        "optimizer",
        "gamma",
        "epoch_milestones",
        "num_steps_per_epoch",
    ]
    assert list(inspect.signature(SchedulerBase).parameters) == [
        "optimizer",
        "param_group_field",
    ]
    assert "total_num_epochs" in inspect.signature(sa.CosineLrScheduler).parameters


def test_stateless_takes_the_count_and_refuses_plain_step() -> None:
    opt = sgd()
    scheduler = Reciprocal(opt)
    scheduler.step_update(4)
    assert lrs(opt) == [0.2, 0.2]
    assert scheduler.last_epoch == 4
    scheduler.step(9)
    assert lrs(opt) == [0.1, 0.1]
    with pytest.raises(TypeError, match=r"step_update\(num_updates\)"):
        scheduler.step()
    with pytest.raises(ValueError, match="step must be >= 0"):
        scheduler.step_update(-1)
    with pytest.raises(ValueError, match="TrainerWithTimmScheduler"):
        scheduler.step(2)  # the count would go back from 9: refused, nothing written
    assert (lrs(opt), scheduler.last_epoch) == ([0.1, 0.1], 9)


def test_stateful_counts_and_step_update_sets_the_count() -> None:
    opt = sgd()
    scheduler = Returns(opt, lambda n: 1.0 / (1 + n))
    assert (scheduler._num_updates, scheduler.last_epoch) == (-1, 0)
    for _ in range(3):
        scheduler.step()
    assert lrs(opt) == [1 / 3, 1 / 3]  # the third step() passes 2
    assert (scheduler._num_updates, scheduler.last_epoch) == (2, 3)
    scheduler.step_update(9)
    assert lrs(opt) == [0.1, 0.1]
    scheduler.step()
    assert (scheduler._num_updates, scheduler.last_epoch) == (10, 11)
    assert lrs(opt) == [1 / 11, 1 / 11]
    scheduler.step(15)  # where 15 calls of step() lead: get_updated_values(14)
    assert (lrs(opt), scheduler.get_current_step()) == ([1 / 15, 1 / 15], 14)
    with pytest.raises(ValueError, match="would move the count back"):
        scheduler.step(3)


def test_num_updates_is_assignable_as_in_pytorch_accelerated() -> None:
    """Ported subclasses restore their count by assigning ``_num_updates`` (or through
    ``__dict__``); the next step() continues from it."""
    scheduler = Returns(sgd(), lambda n: 1.0 / (1 + n))
    scheduler._num_updates = 4
    scheduler.step()
    assert scheduler.get_last_lr() == [1 / 6, 1 / 6]
    scheduler.__dict__.update({"_num_updates": 0})
    scheduler.step()
    assert scheduler.get_last_lr() == [0.5, 0.5] and scheduler.last_epoch == 2


def test_none_means_no_change() -> None:
    opt = sgd()
    scheduler = Returns(opt, lambda n: 0.5 if n == 1 else None)
    assert lrs(opt) == [0.1, 0.01]
    scheduler.step()
    assert lrs(opt) == [0.1, 0.01]
    assert scheduler.get_last_lr() == [0.1, 0.01]
    scheduler.step()
    assert lrs(opt) == [0.5, 0.5]
    scheduler.step()
    assert lrs(opt) == [0.5, 0.5]


def test_single_value_is_broadcast_and_lists_are_per_group() -> None:
    opt = sgd()
    scheduler = Returns(opt, lambda n: 0.3 if n == 1 else [0.4, 0.04])
    scheduler.step()
    assert lrs(opt) == [0.4, 0.04]
    scheduler.step()
    assert lrs(opt) == [0.3, 0.3]
    scheduler.step()
    assert lrs(opt) == [0.4, 0.04]


def test_numbers_of_any_kind_are_written_as_floats() -> None:
    opt = sgd()
    Returns(opt, lambda n: (torch.tensor(0.5), 1)).step()
    assert lrs(opt) == [0.5, 1.0]
    assert all(type(g["lr"]) is float for g in opt.param_groups)


@pytest.mark.parametrize(
    ("returned", "error", "match"),
    [
        ([0.1, 0.2, 0.3], ValueError, "returned 3 values .* 2 param groups"),
        ([0.1], ValueError, "returned 1 values .* 2 param groups"),
        ("0.1", TypeError, "one number per param group"),
        ({"lr": 0.1}, TypeError, "one number per param group"),
        ([0.1, "x"], TypeError, r"param_groups\[1\]\['lr'\]"),
        ([0.1, math.nan], ValueError, "must be finite"),
        (math.inf, ValueError, "must be finite"),
        (torch.ones(2), ValueError, "Tensor of shape"),
        (True, TypeError, "one number per param group"),
    ],
)
def test_bad_return_values_fail_with_a_clear_message(
    returned: Any, error: type[Exception], match: str
) -> None:
    opt = sgd()
    scheduler = Returns(opt, lambda n: returned)
    with pytest.raises(error, match=match):
        scheduler.step()
    assert lrs(opt) == [0.1, 0.01] and scheduler.get_current_step() == -1


def test_tensor_values_are_filled_in_place() -> None:
    lr = torch.tensor(0.1)
    opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(2))], lr=lr)
    tensor = opt.param_groups[0]["lr"]
    scheduler = Returns(opt, lambda n: 0.1 / (1 + n))
    for _ in range(3):
        scheduler.step()
    assert opt.param_groups[0]["lr"] is tensor
    assert float(tensor) == pytest.approx(0.1 / 3)
    assert isinstance(opt.param_groups[0]["initial_lr"], torch.Tensor)
    assert opt.param_groups[0]["initial_lr"] is not tensor


def test_tuple_element_betas0() -> None:
    opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(2))], betas=(0.9, 0.999))
    scheduler = Returns(opt, lambda n: 0.5 + 0.1 * n, field="betas[0]")
    assert opt.param_groups[0]["betas"] == (0.9, 0.999)
    for _ in range(3):
        scheduler.step()
    assert opt.param_groups[0]["betas"] == (0.5 + 0.1 * 2, 0.999)
    assert scheduler.current_values() == [0.5 + 0.1 * 2]
    assert scheduler.base_lrs == [0.9]
    assert scheduler.schedule_target == "betas[0]"
    assert "initial_lr" not in opt.param_groups[0]


def test_a_ported_pytorch_accelerated_subclass_runs() -> None:
    """A subclass using pytorch-accelerated's helpers: base_lr_values, _update_param_groups."""

    class HalfThenBase(StatefulSchedulerBase):
        def __init__(self, optimizer: torch.optim.Optimizer) -> None:
            super().__init__(optimizer)
            self._update_param_groups(0.5)

        def get_updated_values(self, num_updates: int) -> Any:
            return self.base_lr_values if num_updates >= 2 else None

    opt = sgd()
    scheduler = HalfThenBase(opt)
    assert lrs(opt) == [0.5, 0.5]
    scheduler.step()
    scheduler.step()
    assert lrs(opt) == [0.5, 0.5]
    scheduler.step()
    assert lrs(opt) == [0.1, 0.01]


# ---------------------------------------------------------------------------------------------
# Fail fast
# ---------------------------------------------------------------------------------------------
def test_constructor_arguments_are_checked() -> None:
    with pytest.raises(TypeError, match=r"optimizer must be a torch\.optim\.Optimizer"):
        Reciprocal("sgd")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="schedule_target must be a non-empty str"):
        Reciprocal(sgd(), param_group_field=3)  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="'momentm' is not in param_groups"):
        Reciprocal(sgd(), param_group_field="momentm")
    with pytest.raises(TypeError, match="abstract"):
        SchedulerBase(sgd())  # type: ignore[abstract]


def test_a_subclass_that_forgets_super_init_is_told_so() -> None:
    class Forgetful(StatefulSchedulerBase):
        def __init__(self, optimizer: torch.optim.Optimizer) -> None:
            self.opt = optimizer

        def get_updated_values(self, num_updates: int) -> None:
            return None

    with pytest.raises(TypeError, match=r"must call super\(\).__init__"):
        Forgetful(sgd()).step()


def test_groups_added_later_are_reported() -> None:
    opt = sgd()
    scheduler = Returns(opt, lambda n: 0.5)
    opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))]})
    with pytest.raises(RuntimeError, match="now has 3 param groups"):
        scheduler.step()


# ---------------------------------------------------------------------------------------------
# State dicts and resume
# ---------------------------------------------------------------------------------------------
def test_state_dict_is_plain_data_and_restores_attributes() -> None:
    opt = sgd()
    scheduler = MilestoneLrScheduler(opt, epoch_milestones=(1, 2), num_steps_per_epoch=2)
    for _ in range(3):
        scheduler.step()
    state = roundtrip(scheduler.state_dict())
    assert state == {
        "kind": "SchedulerBase",
        "scheduler": "MilestoneLrScheduler",
        "param_group_field": "lr",
        "last_epoch": 3,
        "_step_count": 4,
        "base_lrs": [0.1, 0.01],
        "values": [0.1 * 0.5, 0.01 * 0.5],
        "attributes": {"milestones": {2, 4}, "gamma": 0.5},
    }
    fresh = MilestoneLrScheduler(sgd(), gamma=0.1)  # another gamma, other milestones
    fresh.load_state_dict(state)
    assert (fresh.gamma, fresh.milestones, fresh.last_epoch) == (0.5, {2, 4}, 3)
    assert lrs(fresh.optimizer) == [0.1 * 0.5, 0.01 * 0.5]
    assert fresh.get_last_lr() == [0.1 * 0.5, 0.01 * 0.5]


def test_non_plain_attributes_are_not_saved() -> None:
    scheduler = Returns(sgd(), lambda n: None)
    scheduler.note = "kept"  # type: ignore[attr-defined]
    scheduler.buffer = torch.zeros(1)  # type: ignore[attr-defined]
    attributes = roundtrip(scheduler.state_dict())["attributes"]
    assert attributes == {"note": "kept"}


def test_mismatched_state_dicts_raise_naming_the_mismatch() -> None:
    wd_state = StepWdScheduler(sgd(weight_decay=0.1)).state_dict()
    with pytest.raises(
        ValueError, match=r"field 'weight_decay' but this MilestoneLrScheduler drives 'lr'"
    ):
        MilestoneLrScheduler(sgd()).load_state_dict(wd_state)
    one_group = MilestoneLrScheduler(sgd((0.1,))).state_dict()
    with pytest.raises(ValueError, match=r"has 1 entries but the optimizer has 2"):
        MilestoneLrScheduler(sgd()).load_state_dict(one_group)
    milestone_state = MilestoneLrScheduler(sgd()).state_dict()
    with pytest.raises(ValueError, match="saved by MilestoneLrScheduler but this is Returns"):
        Returns(sgd(), lambda n: None).load_state_dict(milestone_state)
    with pytest.raises(ValueError, match="lacks"):
        MilestoneLrScheduler(sgd()).load_state_dict({"last_epoch": 3})
    with pytest.raises(TypeError, match="must be a mapping"):
        MilestoneLrScheduler(sgd()).load_state_dict([1, 2])  # type: ignore[arg-type]
    bad = dict(milestone_state, attributes={"_slot": 1})
    with pytest.raises(ValueError, match="cannot be restored"):
        MilestoneLrScheduler(sgd()).load_state_dict(bad)


def test_strict_false_loads_another_class() -> None:
    milestone = MilestoneLrScheduler(sgd())
    milestone.step_update(7)
    other = Returns(sgd(), lambda n: None)
    other.load_state_dict(milestone.state_dict(), strict=False)  # attributes are not restored
    assert other.last_epoch == 8 and other.get_current_step() == 7


def run_milestone(
    total: int, stop: int | None, restore_optimizer: bool, restore_scheduler: bool = True
) -> list[list[float]]:
    """Step a milestone scheduler ``total`` times, saving and rebuilding everything at ``stop``."""
    torch.manual_seed(0)
    model = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = MilestoneLrScheduler(opt, epoch_milestones=(1, 3, 4), num_steps_per_epoch=3)
    seen = [lrs(opt)]
    for n in range(1, total + 1):
        model(torch.ones(1, 2)).sum().backward()
        opt.step()
        opt.zero_grad()
        scheduler.step()
        seen.append(lrs(opt))
        if n == stop:
            saved = roundtrip({"opt": opt.state_dict(), "sched": scheduler.state_dict()})
            opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            scheduler = MilestoneLrScheduler(opt, epoch_milestones=(1, 3, 4), num_steps_per_epoch=3)
            if restore_optimizer:
                opt.load_state_dict(saved["opt"])
            if restore_scheduler:
                scheduler.load_state_dict(saved["sched"])
    return seen


@settings(max_examples=25, deadline=None)
@given(stop=st.integers(0, 16), restore_optimizer=st.booleans())
def test_resume_of_a_chainable_scheduler_is_exact(stop: int, restore_optimizer: bool) -> None:
    assert run_milestone(16, stop, restore_optimizer) == run_milestone(16, None, False)


def test_resume_with_only_the_optimizer_state_also_works_for_chainable_ones() -> None:
    """The values of a chainable scheduler live in the optimizer; the count is what is lost."""
    full = run_milestone(16, None, False)
    assert run_milestone(16, 5, True, restore_scheduler=True) == full
    assert run_milestone(16, 5, False, restore_scheduler=True) == full
    assert run_milestone(16, 5, True, restore_scheduler=False) != full  # the count matters


@settings(max_examples=25, deadline=None)
@given(stop=st.integers(0, 12))
def test_resume_of_a_stateless_closed_form_scheduler_is_exact(stop: int) -> None:
    def run(stop_at: int | None) -> list[list[float]]:
        opt = sgd()
        scheduler = Reciprocal(opt, scale=0.3)
        out = []
        for n in range(1, 13):
            scheduler.step_update(n)
            out.append(lrs(opt))
            if n == stop_at:
                state = roundtrip(scheduler.state_dict())
                opt = sgd()
                scheduler = Reciprocal(opt)  # scale comes back from the state dict
                scheduler.load_state_dict(state)
        return out

    assert run(stop) == run(None)


# ---------------------------------------------------------------------------------------------
# SynchronousSchedule
# ---------------------------------------------------------------------------------------------
def test_synchronous_schedule_names_them_by_field_and_saves_them() -> None:
    opt = sgd(weight_decay=0.01)
    sync = sa.SynchronousSchedule(
        [StepWdScheduler(opt, n=2, gamma=2.0), sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 0, 4)]
    )
    assert sync.schedule_names == ["weight_decay", "lr"]
    for _ in range(2):
        sync.step()
    assert sync.get_last_schedule("weight_decay") == [0.01, 0.01]  # n = 2 comes at step 3
    assert sync.get_last_lr() == pytest.approx([0.05, 0.005])
    state = roundtrip(sync.state_dict())

    opt2 = sgd(weight_decay=0.01)
    sync2 = sa.SynchronousSchedule(
        [
            StepWdScheduler(opt2, n=2, gamma=2.0),
            sa.linear_schedule_with_warmup(opt2, 1.0, 0.0, 0, 4),
        ]
    )
    sync2.load_state_dict(state)
    for _ in range(2):
        sync.step()
        sync2.step()
    assert lrs(opt2) == lrs(opt)
    assert lrs(opt2, "weight_decay") == lrs(opt, "weight_decay") == [0.02, 0.02]
    assert sync2.last_epoch == sync.last_epoch == 4


def test_two_schedulers_of_one_field_are_refused() -> None:
    opt = sgd(weight_decay=0.01)
    with pytest.raises(RuntimeError, match="two schedules drive 'weight_decay'"):
        sa.SynchronousSchedule([StepWdScheduler(opt), Returns(opt, lambda n: None, "weight_decay")])


def test_a_stateless_scheduler_in_a_synchronizer_needs_the_count() -> None:
    opt = sgd()
    sync = sa.SynchronousSchedule([Reciprocal(opt)])
    with pytest.raises(TypeError, match="stateless"):
        sync.step()
    sync.step(3)
    assert lrs(opt) == [0.25, 0.25]


# ---------------------------------------------------------------------------------------------
# Curves are ready-made get_updated_values
# ---------------------------------------------------------------------------------------------
def test_from_curve_matches_curve_schedule_step_for_step() -> None:
    curve = LinearScheduleWithWarmup(1.0, 0.0, 3, 10)
    opt_a, opt_b = sgd(), sgd()
    reference = sa.CurveSchedule(opt_a, curve)
    scheduler = SchedulerBase.from_curve(opt_b, curve)
    assert isinstance(scheduler, sa.CurveStatefulScheduler)
    assert lrs(opt_a) == lrs(opt_b)
    for _ in range(12):
        reference.step()
        scheduler.step()
        assert lrs(opt_a) == lrs(opt_b)
        assert reference.get_last_lr() == scheduler.get_last_lr()
    scheduler.step_update(5)
    assert lrs(opt_b) == reference.value_at(5)


def test_from_curve_absolute_curve_and_plain_callable() -> None:
    opt = sgd(momentum=0.9)
    scheduler = SchedulerBase.from_curve(opt, lambda t: 0.5**t, param_group_field="momentum")
    scheduler.step()
    assert lrs(opt, "momentum") == [0.45, 0.45]

    class Flat(sa.AbsoluteCurve):
        param_names = ("value",)

        def __init__(self, value: float) -> None:
            self.value = value

        def __call__(self, step: int) -> float:
            return self.value

    with pytest.raises(ValueError, match="one_value_for_all_groups"):
        SchedulerBase.from_curve(sgd(), Flat(0.2))  # the two groups' lrs differ
    flat = SchedulerBase.from_curve(sgd(), Flat(0.2), one_value_for_all_groups=True)
    assert lrs(flat.optimizer) == [0.2, 0.2]


def test_curve_scheduler_state_dict_records_the_curve() -> None:
    scheduler = SchedulerBase.from_curve(sgd(), LinearScheduleWithWarmup(1.0, 0.0, 0, 4))
    scheduler.step()
    state = roundtrip(scheduler.state_dict())
    assert state["curve"] == LinearScheduleWithWarmup(1.0, 0.0, 0, 4).spec()
    assert "curve" not in state["attributes"]
    other = SchedulerBase.from_curve(sgd(), LinearScheduleWithWarmup(1.0, 0.0, 0, 8))
    with pytest.raises(ValueError, match="saved with the curve"):
        other.load_state_dict(state)
    other.load_state_dict(state, strict=False)
    assert other.last_epoch == 1


def test_a_failing_get_updated_values_leaves_the_count_alone() -> None:
    scheduler = Returns(sgd(), lambda n: [0.1] if n == 1 else None)
    scheduler.step()
    with pytest.raises(ValueError, match="returned 1 values"):
        scheduler.step()
    assert (scheduler.last_epoch, scheduler._num_updates, scheduler._step_count) == (1, 0, 2)


def test_deepcopy_keeps_a_working_scheduler() -> None:
    import copy

    opt = sgd()
    scheduler = Reciprocal(opt, scale=0.5)
    clone = copy.deepcopy(scheduler)
    clone.step_update(1)
    assert lrs(clone.optimizer) == [0.25, 0.25]
    assert lrs(opt) == [0.1, 0.01]


def test_the_seed_example_on_a_tensor_lr_fills_it_in_place() -> None:
    opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(2))], lr=torch.tensor(0.1))
    tensor = opt.param_groups[0]["lr"]
    scheduler = MilestoneLrScheduler(opt, epoch_milestones=(1,), num_steps_per_epoch=2)
    for _ in range(3):
        scheduler.step()
    assert opt.param_groups[0]["lr"] is tensor
    assert float(tensor) == pytest.approx(0.05)
    assert scheduler.get_last_lr() == [pytest.approx(0.05)]


def test_pickle_round_trip_continues_identically() -> None:
    import pickle

    opt = sgd()
    scheduler = MilestoneLrScheduler(opt, epoch_milestones=(1, 2), num_steps_per_epoch=2)
    scheduler.step()
    clone = pickle.loads(pickle.dumps(scheduler))
    for _ in range(4):
        scheduler.step()
        clone.step()
        assert clone.get_last_lr() == scheduler.get_last_lr()
    assert lrs(clone.optimizer) == lrs(opt) == [0.1 * 0.25, 0.01 * 0.25]


def test_the_old_name_curve_scheduler_warns_and_its_dicts_still_load() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, weight_decay=0.01)
    with pytest.warns(DeprecationWarning, match="sa.CurveScheduler is sa.CurveStatefulScheduler"):
        old = sa.CurveScheduler
    assert old is sa.CurveStatefulScheduler
    scheduler = sa.SchedulerBase.from_curve(opt, lambda t: 0.5**t, "weight_decay")
    for _ in range(3):
        opt.step()
        scheduler.step()
    state = scheduler.state_dict()
    state["scheduler"] = "CurveScheduler"  # what 2.0/2.1.0 wrote
    twin_opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, weight_decay=0.01)
    twin = sa.SchedulerBase.from_curve(twin_opt, lambda t: 0.5**t, "weight_decay")
    twin.load_state_dict(state)
    assert twin.last_epoch == scheduler.last_epoch
    assert twin_opt.param_groups[0]["weight_decay"] == opt.param_groups[0]["weight_decay"]
