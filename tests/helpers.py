"""Helpers shared by test files (pytest puts ``tests/`` on the import path)."""

from __future__ import annotations

import copy
from typing import Any

import torch


def sgd_groups(lr: Any = 0.1, groups: int = 1) -> torch.optim.SGD:
    """SGD with ``groups`` groups holding lr ``lr``, ``2·lr``, … (one shared Tensor if ``lr`` is
    one), momentum 0.9, weight_decay 0.01."""
    params = [{"params": [torch.nn.Parameter(torch.zeros(2))]} for _ in range(groups)]
    for i, group in enumerate(params):
        group["lr"] = lr * (i + 1) if not isinstance(lr, torch.Tensor) else lr
    return torch.optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=0.01)


def snapshot(optimizer: torch.optim.Optimizer) -> list[dict[str, Any]]:
    """The param groups as comparable data (Tensors by identity and value)."""
    out = []
    for group in optimizer.param_groups:
        row = {}
        for key, value in group.items():
            if key == "params":
                row[key] = [id(p) for p in value]
            elif isinstance(value, torch.Tensor):
                row[key] = (id(value), value.item())
            else:
                row[key] = copy.deepcopy(value)
        out.append(row)
    return out
