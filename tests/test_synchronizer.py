"""``SynchronousSchedule``: lockstep, names, honest getters, one state dict, metrics routing."""

from __future__ import annotations

import copy
import io
import pickle
import warnings

import pytest
import torch
from torch.optim.lr_scheduler import ExponentialLR, LRScheduler, ReduceLROnPlateau, StepLR

import torch_schedule_anything as sa


def build(opt: torch.optim.Optimizer) -> sa.SynchronousSchedule:
    """lr: a built-in curve; weight_decay: another; momentum: an adapted StepLR."""
    return sa.SynchronousSchedule(
        [
            sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 2, 10),
            sa.quadratic_schedule_with_warmup(opt, 1.0, 3.0, 0, 8, "weight_decay"),
            sa.arbitrary_schedule_factory(
                opt, lambda o: StepLR(o, step_size=3, gamma=0.5), schedule_target="momentum"
            ),
        ]
    )


def values(opt: torch.optim.Optimizer) -> list[tuple[float, float, float]]:
    return [(g["lr"], g["weight_decay"], g["momentum"]) for g in opt.param_groups]


def test_is_a_real_lr_scheduler_on_the_real_optimizer(two_group_sgd: torch.optim.SGD) -> None:
    sync = build(two_group_sgd)
    assert isinstance(sync, LRScheduler)
    assert sync.optimizer is two_group_sgd
    assert sync.schedule_names == ["lr", "weight_decay", "momentum"]
    assert (sync.last_epoch, sync._step_count) == (0, 1)
    assert sync.base_lrs == [0.1, 0.01]
    assert "lr" in repr(sync) and "momentum" in repr(sync)


def test_lockstep_step_and_step_epoch(two_group_sgd: torch.optim.SGD) -> None:
    opt = two_group_sgd
    sync = build(opt)
    for t in range(1, 5):
        opt.step()
        sync.step()
        assert [s.last_epoch for s in sync.schedules.values()] == [t, t, t]
        assert sync.last_epoch == t
    assert values(opt)[1] == pytest.approx(
        (0.01 * (1 - 2 / 8), 1e-3 * (3 + (1 - 3) * (1 - 4 / 8) ** 2), 0.9 * 0.5)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch deprecates step(epoch) for StepLR
        sync.step(9)
    assert [s.last_epoch for s in sync.schedules.values()] == [9, 9, 9]
    assert values(opt)[0] == pytest.approx((0.1 * (1 - 7 / 8), 1e-4 * 3.0, 0.9 * 0.5**3))


def test_names_plain_torch_schedulers_lr(two_group_sgd: torch.optim.SGD) -> None:
    plain = ExponentialLR(two_group_sgd, gamma=0.5)
    wd = sa.constant_schedule(two_group_sgd, 2.0, "weight_decay")
    sync = sa.SynchronousSchedule([wd, plain])
    assert sync.schedule_names == ["weight_decay", "lr"]
    two_group_sgd.step()
    sync.step()
    assert sync.get_last_lr() == [0.05, 0.005]
    assert sync.get_last_schedule("weight_decay") == [2e-4, 2e-3]


@pytest.mark.parametrize("target", ["lr", "weight_decay"])
def test_two_schedules_on_one_target_raise_naming_it(
    two_group_sgd: torch.optim.SGD, target: str
) -> None:
    a = sa.constant_schedule(two_group_sgd, 1.0, target)
    b = sa.arbitrary_schedule_factory(two_group_sgd, lambda o: StepLR(o, 2), schedule_target=target)
    with pytest.raises(RuntimeError, match=f"'{target}'"):
        sa.SynchronousSchedule([a, b])


def test_a_plain_torch_scheduler_and_a_builtin_on_lr_collide(
    two_group_sgd: torch.optim.SGD,
) -> None:
    with pytest.raises(RuntimeError, match="'lr'"):
        sa.SynchronousSchedule(
            [sa.constant_schedule(two_group_sgd, 1.0), StepLR(two_group_sgd, step_size=2)]
        )


def test_get_last_schedule_unknown_name(two_group_sgd: torch.optim.SGD) -> None:
    sync = build(two_group_sgd)
    with pytest.raises(KeyError) as info:
        sync.get_last_schedule("weight_decya")
    message = str(info.value)
    assert "'weight_decya'" in message
    assert "['lr', 'weight_decay', 'momentum']" in message


def test_get_last_lr_and_get_last_schedule(two_group_sgd: torch.optim.SGD) -> None:
    sync = build(two_group_sgd)
    for _ in range(3):
        two_group_sgd.step()
        sync.step()
    groups = two_group_sgd.param_groups
    assert sync.get_last_lr() == [g["lr"] for g in groups]
    assert sync.get_lr() == sync.get_last_lr()
    assert sync.get_last_schedule("momentum") == [g["momentum"] for g in groups] == [0.45, 0.45]
    assert sync.get_last_schedule("weight_decay") == [g["weight_decay"] for g in groups]


def test_get_last_lr_when_lr_is_not_scheduled(model: torch.nn.Module) -> None:
    opt = torch.optim.Adam(model.parameters(), lr=torch.tensor(0.003), weight_decay=0.1)
    sync = sa.SynchronousSchedule([sa.constant_schedule(opt, 0.5, "weight_decay")])
    assert sync.get_last_lr() == [pytest.approx(0.003)]
    assert isinstance(sync.get_last_lr()[0], float)
    assert sync.base_lrs == [opt.param_groups[0]["lr"]]


def test_constructor_checks(two_group_sgd: torch.optim.SGD) -> None:
    s = sa.constant_schedule(two_group_sgd, 1.0)
    with pytest.raises(TypeError, match="list"):
        sa.SynchronousSchedule(s)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one"):
        sa.SynchronousSchedule([])
    with pytest.raises(TypeError, match=r"schedules\[1\]"):
        sa.SynchronousSchedule([s, "lr"])  # type: ignore[list-item]
    other = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1, weight_decay=0.1)
    with pytest.raises(ValueError, match="different optimizer"):
        sa.SynchronousSchedule([s, sa.constant_schedule(other, 1.0, "weight_decay")])


def test_state_dict_loads_with_weights_only(two_group_sgd: torch.optim.SGD) -> None:
    sync = build(two_group_sgd)
    for _ in range(4):
        sync.step()
    buffer = io.BytesIO()
    torch.save(sync.state_dict(), buffer)
    buffer.seek(0)
    state = torch.load(buffer, weights_only=True)
    assert set(state) == {"lr", "weight_decay", "momentum"}
    assert state["lr"]["last_epoch"] == 4
    assert state["momentum"]["schedule_target"] == "momentum"
    assert state == sync.state_dict()


def test_load_state_dict_mismatches(two_group_sgd: torch.optim.SGD) -> None:
    sync = build(two_group_sgd)
    state = sync.state_dict()
    missing = {k: v for k, v in state.items() if k != "momentum"}
    with pytest.raises(ValueError, match=r"lacks the schedule\(s\) \['momentum'\]"):
        sync.load_state_dict(missing)
    with pytest.raises(ValueError, match=r"schedule\(s\) \['clip'\]"):
        sync.load_state_dict({**state, "clip": state["lr"]})
    swapped = {**state, "lr": state["weight_decay"]}
    with pytest.raises(ValueError) as info:
        sync.load_state_dict(swapped)
    text = str(info.value) + "".join(getattr(info.value, "__notes__", []))
    assert "weight_decay" in text and "'lr'" in text
    with pytest.raises(TypeError, match="mapping"):
        sync.load_state_dict([])  # type: ignore[arg-type]


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_copy_and_pickle(two_group_sgd: torch.optim.SGD, how: str) -> None:
    sync = build(two_group_sgd)
    sync.step()
    before = values(two_group_sgd)
    clone = copy.deepcopy(sync) if how == "deepcopy" else pickle.loads(pickle.dumps(sync))
    assert clone.optimizer is not two_group_sgd
    for schedule in clone.schedules.values():
        assert schedule.optimizer is clone.optimizer
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clone.step()
        clone.step()
    assert values(two_group_sgd) == before  # the original is untouched
    sync.step()
    sync.step()
    assert values(clone.optimizer) == values(two_group_sgd)  # and the copy kept in step


def test_metrics_go_to_reduce_lr_on_plateau(two_group_sgd: torch.optim.SGD) -> None:
    opt = two_group_sgd
    plateau = sa.arbitrary_schedule_factory(
        opt, lambda o: ReduceLROnPlateau(o, factor=0.5, patience=0), schedule_target="momentum"
    )
    lr = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 0, 10)
    sync = sa.SynchronousSchedule([lr, plateau])
    sync.step(metrics=1.0)
    sync.step(metrics=2.0)  # worse: momentum halves
    assert [g["momentum"] for g in opt.param_groups] == [0.45, 0.45]
    sync.step(3.0)  # a positional value is the metric (what Lightning passes)
    assert [g["momentum"] for g in opt.param_groups] == [0.225, 0.225]
    assert lr.last_epoch == 3
    with pytest.raises(ValueError, match="metric"):
        sync.step()
    with pytest.raises(ValueError, match="metric-driven"):
        sa.SynchronousSchedule([sa.constant_schedule(opt, 1.0)]).step(metrics=1.0)


def test_plain_reduce_lr_on_plateau_on_lr(two_group_sgd: torch.optim.SGD) -> None:
    sync = sa.SynchronousSchedule([ReduceLROnPlateau(two_group_sgd, factor=0.1, patience=0)])
    assert sync.schedule_names == ["lr"]
    sync.step(metrics=1.0)
    sync.step(metrics=1.5)
    assert sync.get_last_lr() == pytest.approx([0.01, 0.001])
