"""Shared fixtures, and the parity table of tests/compat."""

from __future__ import annotations

import sys
from typing import Any

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


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The parity table the compat tests recorded (``tests/compat/parity.py``), if they ran."""
    parity = sys.modules.get("parity")
    table = getattr(parity, "PARITY", None)
    if not table:
        return
    write = terminalreporter.write_line
    write("")
    write("parity with the real packages (largest relative difference, values compared):")
    write("| peer | case | max relative difference | values compared |")
    write("| --- | --- | ---: | ---: |")
    for (peer, case), (worst, compared) in sorted(table.items()):
        write(f"| {peer} | {case} | {worst:.3g} | {int(compared)} |")
