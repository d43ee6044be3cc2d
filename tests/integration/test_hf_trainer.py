"""HF Trainer: ``Trainer(optimizers=(opt, schedule))`` with a tiny torch model on CPU.

Trainer steps the scheduler once per optimizer step, logs ``get_last_lr()[0]`` as
``learning_rate`` and, on resume, reloads the scheduler with ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import torch
from closed_form import cosine_warmup, linear_warmup

import torch_schedule_anything as sa

transformers = pytest.importorskip(
    "transformers",
    reason="transformers is installed only by `nox -s integration` (which fails if it is missing), "
    "not by the default test session",
)

pytestmark = pytest.mark.integration

STEPS, L = 6, 2
LR, WD = 0.05, 0.02


class TinyModel(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.layer = torch.nn.Linear(4, 1)

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"loss": (self.layer(x).squeeze(-1) - labels).pow(2).mean()}


class Data(torch.utils.data.Dataset[dict[str, torch.Tensor]]):
    def __init__(self) -> None:
        gen = torch.Generator().manual_seed(0)
        self.x = torch.randn(64, 4, generator=gen)
        self.y = torch.randn(64, generator=gen)

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return {"x": self.x[i], "labels": self.y[i]}


class Record(transformers.TrainerCallback):  # type: ignore[misc,name-defined]
    """The values the optimizer held when it stepped, by global step."""

    def __init__(self) -> None:
        self.seen: dict[int, tuple[float, float]] = {}

    def on_optimizer_step(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        group = kwargs["optimizer"].param_groups[0]
        self.seen[state.global_step] = (float(group["lr"]), float(group["weight_decay"]))


def _schedules(opt: torch.optim.Optimizer, with_lr: bool) -> sa.SynchronousSchedule:
    wd = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 0, STEPS, "weight_decay")
    if not with_lr:
        return sa.SynchronousSchedule([wd])
    return sa.SynchronousSchedule([sa.cosine_annealing_with_warmup(opt, 1.0, 0.1, L, STEPS), wd])


def _train(
    out: Path, with_lr: bool, resume: str | None = None
) -> tuple[Any, Record, sa.SynchronousSchedule]:
    model = TinyModel()
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=WD)
    sched = _schedules(opt, with_lr)
    args = transformers.TrainingArguments(
        output_dir=str(out),
        max_steps=STEPS,
        per_device_train_batch_size=4,
        logging_steps=1,
        save_strategy="steps",
        save_steps=3,
        report_to=[],
        use_cpu=True,
        disable_tqdm=True,
        seed=0,
        remove_unused_columns=False,
    )
    record = Record()
    trainer = transformers.Trainer(
        model=model,
        args=args,
        train_dataset=Data(),
        optimizers=(opt, sched),
        callbacks=[record],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trainer.train(resume_from_checkpoint=resume)
    return trainer, record, sched


def _logged_lr(trainer: Any) -> dict[int, float]:
    return {e["step"]: e["learning_rate"] for e in trainer.state.log_history if "loss" in e}


@pytest.mark.parametrize("with_lr", [True, False], ids=["lr-scheduled", "lr-not-scheduled"])
def test_values_and_logged_learning_rate(tmp_path: Path, with_lr: bool) -> None:
    trainer, record, sched = _train(tmp_path, with_lr)
    assert sorted(record.seen) == list(range(STEPS))
    for t, (lr, wd) in record.seen.items():
        expected_lr = LR * cosine_warmup(t, 1.0, 0.1, L, STEPS) if with_lr else LR
        assert lr == pytest.approx(expected_lr, rel=1e-12)
        assert wd == pytest.approx(WD * linear_warmup(t, 1.0, 0.0, 0, STEPS), rel=1e-12)
    # Trainer reads get_last_lr()[0] right after optimizer.step() and logs it under the step
    # count that follows: the entry for step s is the lr used by optimizer step s - 1. Never
    # the weight decay (a bare weight-decay CurveSchedule would be logged as "learning_rate").
    logged = _logged_lr(trainer)
    assert sorted(logged) == list(range(1, STEPS + 1))
    for step, value in logged.items():
        assert value == record.seen[step - 1][0]
    assert sched.last_epoch == STEPS


def test_resume_from_trainer_checkpoint_is_exact(tmp_path: Path) -> None:
    _, whole, _ = _train(tmp_path / "whole", with_lr=True)
    checkpoint = tmp_path / "whole" / "checkpoint-3"
    saved = torch.load(checkpoint / "scheduler.pt", weights_only=True)
    assert saved["lr"]["last_epoch"] == 3 and saved["weight_decay"]["last_epoch"] == 3

    _, resumed, sched = _train(tmp_path / "resumed", with_lr=True, resume=str(checkpoint))
    assert sorted(resumed.seen) == [3, 4, 5]
    for t in (3, 4, 5):
        assert resumed.seen[t] == whole.seen[t]  # the same floats
    assert sched.last_epoch == STEPS
