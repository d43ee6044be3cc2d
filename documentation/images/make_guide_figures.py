"""Draws the figures of per_group.md and range_test.md.

Run ``python documentation/images/make_guide_figures.py``.

Each figure is computed with the package itself (plots of real schedules and a real range test);
run it again after changing what they show.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

import torch_schedule_anything as sa
from torch_schedule_anything.curves import ConstantSchedule, LinearWarmup, Multiplier

HERE = Path(__file__).resolve().parent


def per_group() -> Path:
    """A frozen backbone that warms up after 200 steps, a head on a half-wave cosine."""
    params = [nn.Parameter(torch.zeros(2)) for _ in range(3)]
    optimizer = torch.optim.AdamW(
        [
            {"params": [params[0]], "lr": 3e-4, "name": "backbone"},
            {"params": [params[1]], "lr": 1e-3, "name": "head"},
            {"params": [params[2]], "lr": 5e-4, "weight_decay": 0.0, "name": "no_decay"},
        ],
        weight_decay=0.05,
    )
    frozen_then_warm = sa.sequential(
        optimizer,
        [ConstantSchedule(0.0), Multiplier(LinearWarmup(1.0, 200))],
        [200],
        groups=lambda g: g["name"] == "backbone",
    )
    head = sa.schedule(
        optimizer,
        "multiplier",
        curve={
            "name": "warmup_with_decay",
            "params": {"base_lr": 1.0, "warmup_steps": 50, "total_steps": 1000},
        },
        groups=lambda g: g["name"] != "backbone",
    )
    decay = sa.schedule(
        optimizer,
        "linear_schedule_with_warmup",
        "weight_decay",
        warmup_to_value=1.0,
        anneal_to_value=0.1,
        num_warmup_steps=0,
        num_training_steps=1000,
        groups=[0, 1],
    )
    sync = sa.SynchronousSchedule([frozen_then_warm, head, decay])
    path = HERE / "per_group.png"
    sa.plot_schedule(
        sync,
        1000,
        path=path,
        title="groups=: backbone (group 0) frozen for 200 steps, then warmed up; head (1) and "
        "no-decay group (2) on a cosine; weight decay on groups 0 and 1 only",
    )
    return path


def range_test() -> Path:
    """An lr range test on a small classifier."""
    torch.manual_seed(0)
    x = torch.randn(512, 8)
    y = (x @ torch.randn(8, 3)).argmax(dim=1)
    batches = [(x[i : i + 32], y[i : i + 32]) for i in range(0, 512, 32)]
    model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

    def loss_fn(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        return nn.functional.cross_entropy(model(batch[0]), batch[1])

    result = sa.range_test(model, optimizer, loss_fn, batches, "lr", 1e-5, 10.0, num_steps=100)
    path = HERE / "range_test.png"
    result.plot(path)
    return path


if __name__ == "__main__":
    for made in (per_group(), range_test()):
        print(f"wrote {made.relative_to(HERE.parent.parent)}")
