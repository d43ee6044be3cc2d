"""Shared fixtures."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture
def model() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))


@pytest.fixture
def two_group_sgd(model: torch.nn.Module) -> torch.optim.SGD:
    """SGD with two param groups whose lr, momentum and weight_decay differ."""
    layers = list(model.children())
    first, second = layers[0], layers[2]
    return torch.optim.SGD(
        [
            {"params": first.parameters(), "lr": 0.1, "weight_decay": 1e-4},
            {"params": second.parameters(), "lr": 0.01, "weight_decay": 1e-3},
        ],
        lr=0.1,
        momentum=0.9,
    )
