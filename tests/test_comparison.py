"""comparison.py: the curves a comparison plot draws, parameters filled by role."""

from __future__ import annotations

import pytest

from torch_schedule_anything.comparison import comparison_curves


def test_comparison_curves_fill_parameters_by_role() -> None:
    roles = [(("warmup_steps", "num_warmup_steps"), 3), (("total_steps", "num_training_steps"), 9)]
    roles += [(("base_lr", "warmup_to_value", "max_lr"), 1.0), (("min_lr", "anneal_to_value"), 0.0)]
    curves = comparison_curves(
        ("warmup",), ("inverse",), ["linear_warmup", "warmup_with_decay"], roles
    )
    assert curves["linear_warmup"](3) == 1.0 and curves["warmup_with_decay"](9) == 0.0
    with pytest.raises(ValueError, match="cannot fill"):
        comparison_curves(("warmup",), (), ["cyclic_lr"], roles)
