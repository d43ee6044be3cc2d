"""Lightning: ``configure_optimizers`` returning our schedules, stepped per optimizer step.

CPU, a linear model, a few steps. The values the optimizer holds at every optimizer step are
compared with the closed form, and a Lightning checkpoint resumes with identical values.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
from closed_form import cosine_warmup, linear_warmup

import torch_schedule_anything as sa

pl = pytest.importorskip(
    "lightning.pytorch",
    reason="lightning is installed only by `nox -s integration` (which fails if it is missing), "
    "not by the default test session",
)

pytestmark = pytest.mark.integration

BATCHES_PER_EPOCH = 2
L, M = 3, 8


def _loader() -> torch.utils.data.DataLoader[Any]:
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(BATCHES_PER_EPOCH * 4, 4, generator=gen)
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x), batch_size=4)


class Tiny(pl.LightningModule):  # type: ignore[misc,name-defined]
    """A linear model whose ``configure_optimizers`` is given from outside."""

    def __init__(self, configure: Callable[[Any], Any]) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.layer = torch.nn.Linear(4, 1)
        self._configure = configure
        self.seen: list[dict[str, float]] = []

    def training_step(self, batch: list[torch.Tensor], batch_idx: int) -> torch.Tensor:
        return self.layer(batch[0]).pow(2).mean()

    def configure_optimizers(self) -> Any:
        return self._configure(self)

    def on_before_optimizer_step(self, optimizer: Any) -> None:
        group = optimizer.param_groups[0]
        self.seen.append(
            {
                "step": float(self.global_step),
                "lr": float(group["lr"]),
                "weight_decay": float(group["weight_decay"]),
                "beta1": float(group["betas"][0]) if "betas" in group else -1.0,
            }
        )


def _trainer(tmp_path: Path, max_steps: int) -> Any:
    return pl.Trainer(
        accelerator="cpu",
        max_steps=max_steps,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=tmp_path,
    )


def _fit(module: Any, tmp_path: Path, max_steps: int, ckpt_path: str | None = None) -> Any:
    trainer = _trainer(tmp_path, max_steps)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*(num_workers|does not have many workers).*")
        trainer.fit(module, _loader(), ckpt_path=ckpt_path)
    return trainer


def _curve_only(module: Any) -> Any:
    opt = torch.optim.AdamW(module.parameters(), lr=0.1, weight_decay=0.01)
    sched = sa.cosine_annealing_with_warmup(opt, 1.0, 0.1, L, M)
    return {"optimizer": opt, "lr_scheduler": sa.lightning_scheduler_config(sched)}


def _synchronous(module: Any) -> Any:
    opt = torch.optim.AdamW(module.parameters(), lr=0.1, weight_decay=0.01, betas=(0.9, 0.99))
    sync = sa.SynchronousSchedule(
        [
            sa.cosine_annealing_with_warmup(opt, 1.0, 0.1, L, M),
            sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 0, M, "weight_decay"),
            sa.constant_with_warmup(opt, 1.0, 2, "betas[0]"),
        ]
    )
    return {"optimizer": opt, "lr_scheduler": sa.lightning_scheduler_config(sync)}


def test_curve_schedule_steps_per_optimizer_step(tmp_path: Path) -> None:
    module = Tiny(_curve_only)
    _fit(module, tmp_path, max_steps=M + 2)
    assert [int(s["step"]) for s in module.seen] == list(range(M + 2))
    for s in module.seen:
        t = int(s["step"])
        assert s["lr"] == pytest.approx(0.1 * cosine_warmup(t, 1.0, 0.1, L, M), rel=1e-12)
        assert s["weight_decay"] == 0.01  # untouched
    assert module.seen[0]["lr"] == 0.0 and module.seen[-1]["lr"] == pytest.approx(0.01)


def test_synchronous_schedule_of_three_keys(tmp_path: Path) -> None:
    module = Tiny(_synchronous)
    _fit(module, tmp_path, max_steps=M + 1)
    assert len(module.seen) == M + 1
    for s in module.seen:
        t = int(s["step"])
        assert s["lr"] == pytest.approx(0.1 * cosine_warmup(t, 1.0, 0.1, L, M), rel=1e-12)
        assert s["weight_decay"] == pytest.approx(0.01 * linear_warmup(t, 1.0, 0.0, 0, M))
        assert s["beta1"] == pytest.approx(0.9 * (t / 2 if t < 2 else 1.0), rel=1e-12)


def test_default_epoch_interval_is_the_mistake_the_helper_avoids(tmp_path: Path) -> None:
    def epoch_config(module: Any) -> Any:
        opt = torch.optim.SGD(module.parameters(), lr=0.1)
        sched = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 0, M)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": sched}}  # Lightning: "epoch"

    module = Tiny(epoch_config)
    _fit(module, tmp_path, max_steps=4)
    # Stepped once per epoch of 2 batches: the schedule runs at half speed.
    assert [s["lr"] for s in module.seen] == pytest.approx(
        [0.1 * linear_warmup(t // BATCHES_PER_EPOCH, 1.0, 0.0, 0, M) for t in range(4)]
    )


@pytest.mark.parametrize("configure", [_curve_only, _synchronous], ids=["curve", "synchronous"])
def test_checkpoint_resumes_exactly(tmp_path: Path, configure: Callable[[Any], Any]) -> None:
    whole = Tiny(configure)
    _fit(whole, tmp_path / "whole", max_steps=M + 2)

    first = Tiny(configure)
    trainer = _fit(first, tmp_path / "first", max_steps=4)  # two whole epochs
    ckpt = tmp_path / "stop.ckpt"
    trainer.save_checkpoint(ckpt)
    saved = torch.load(ckpt, weights_only=True)["lr_schedulers"]  # plain data
    state = saved[0]["lr"] if "lr" in saved[0] else saved[0]  # a synchronizer nests by key
    assert state["last_epoch"] == 4

    resumed = Tiny(configure)
    _fit(resumed, tmp_path / "resumed", max_steps=M + 2, ckpt_path=str(ckpt))
    assert first.seen + resumed.seen == whole.seen  # bitwise: the same floats, same steps
