"""``torch_schedule_anything.integrations``: the helpers, without the frameworks installed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch
from torch.optim.lr_scheduler import ReduceLROnPlateau, StepLR

import torch_schedule_anything as sa
from torch_schedule_anything.curves import LinearWarmup
from torch_schedule_anything.integrations import is_metric_driven


@pytest.fixture
def opt() -> torch.optim.Optimizer:
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)


def test_lightning_config_defaults_to_step_interval(opt: torch.optim.Optimizer) -> None:
    sched = sa.cosine_annealing_with_warmup(opt, 1.0, 0.0, 2, 10)
    assert sa.lightning_scheduler_config(sched) == {
        "scheduler": sched,
        "interval": "step",
        "frequency": 1,
        "reduce_on_plateau": False,
        "strict": True,
    }
    config = sa.lightning_scheduler_config(sched, interval="epoch", frequency=3, name="lr-cos")
    assert (config["interval"], config["frequency"], config["name"]) == ("epoch", 3, "lr-cos")


def test_lightning_config_validates_its_arguments(opt: torch.optim.Optimizer) -> None:
    sched = sa.constant_schedule(opt, 1.0)
    with pytest.raises(ValueError, match="interval must be 'step'"):
        sa.lightning_scheduler_config(sched, interval="batch")
    with pytest.raises(ValueError, match="frequency must be >= 1"):
        sa.lightning_scheduler_config(sched, frequency=0)
    with pytest.raises(ValueError, match="takes no metric"):
        sa.lightning_scheduler_config(sched, monitor="val_loss")
    plateau = sa.SynchronousSchedule(
        [
            sa.arbitrary_schedule_factory(
                opt, lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o)
            )
        ]
    )
    with pytest.raises(ValueError, match="monitor='<the logged metric>'"):
        sa.lightning_scheduler_config(plateau)
    config = sa.lightning_scheduler_config(plateau, monitor="val_loss", interval="epoch")
    assert config["reduce_on_plateau"] is True and config["monitor"] == "val_loss"
    with pytest.raises(TypeError, match="torch LRScheduler"):
        sa.lightning_scheduler_config(opt)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="frequency must be an int"):
        sa.lightning_scheduler_config(sched, frequency=True)
    with pytest.raises(TypeError, match="strict must be a bool"):
        sa.lightning_scheduler_config(sched, strict="yes")  # type: ignore[arg-type]


def test_is_metric_driven_sees_plateau_schedules_inside_wrappers(
    opt: torch.optim.Optimizer,
) -> None:
    assert not is_metric_driven(sa.constant_schedule(opt, 1.0))
    assert not is_metric_driven(sa.arbitrary_schedule_factory(opt, lambda o: StepLR(o, 2)))
    assert is_metric_driven(ReduceLROnPlateau(opt))
    plateau_on_momentum = sa.arbitrary_schedule_factory(
        opt, lambda o: ReduceLROnPlateau(o), schedule_target="momentum"
    )
    assert is_metric_driven(plateau_on_momentum)
    sequence = sa.sequential(opt, [LinearWarmup(0.1, 2), lambda o: ReduceLROnPlateau(o)], [2])
    assert is_metric_driven(sequence)


@pytest.mark.parametrize(
    ("split_batches", "with_optimizer", "processes", "expected"),
    [
        (False, True, 1, 1),
        (False, True, 4, 4),
        (True, True, 4, 1),
        (False, False, 4, 1),
        (True, False, 8, 1),
    ],
)
def test_accelerate_steps_per_update(
    split_batches: bool, with_optimizer: bool, processes: int, expected: int
) -> None:
    accelerator = SimpleNamespace(
        split_batches=split_batches,
        step_scheduler_with_optimizer=with_optimizer,
        num_processes=processes,
    )
    assert sa.accelerate_steps_per_update(accelerator) == expected


def test_accelerate_steps_per_update_rejects_other_objects() -> None:
    with pytest.raises(TypeError, match=r"must be an accelerate\.Accelerator"):
        sa.accelerate_steps_per_update(object())
    bad = SimpleNamespace(split_batches=False, step_scheduler_with_optimizer=True, num_processes=0)
    with pytest.raises(ValueError, match="num_processes must be an int >= 1, got 0"):
        sa.accelerate_steps_per_update(bad)
