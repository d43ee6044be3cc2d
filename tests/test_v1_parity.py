"""2.x gives the numbers 1.2.3 gave, wherever 1.2.3 was right (steps 0..M).

The reference values in ``tests/data/v1_reference.json`` were produced by running the
published 1.2.3 wheel (``tests/data/make_v1_reference.py``). The scalar path of every built-in
evaluates the 1.x formula in 1.x's operation order, so the values must be bitwise equal; the
vectorised ``Curve.values`` uses torch kernels and must agree to 1e-12 relative.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import torch

import torch_schedule_anything as sa

REFERENCE = json.loads(
    (Path(__file__).parent / "data" / "v1_reference.json").read_text(encoding="utf-8")
)
CASES: list[dict[str, Any]] = REFERENCE["cases"]


def _case_id(case: dict[str, Any]) -> str:
    extra = ",".join(f"{k}={v}" for k, v in case["kwargs"].items())
    return f"{case['function']}({','.join(map(str, case['args']))}{',' + extra if extra else ''})"


def _optimizer() -> torch.optim.SGD:
    return torch.optim.SGD(
        [
            {"params": [torch.nn.Parameter(torch.ones(3))], "lr": 0.1, "weight_decay": 1e-4},
            {"params": [torch.nn.Parameter(torch.ones(2))], "lr": 0.03, "weight_decay": 0.02},
        ],
        lr=0.5,
        momentum=0.9,
    )


def test_reference_was_generated_by_1_2_3() -> None:
    assert REFERENCE["package"] == "torch-schedule-anything==1.2.3"
    assert {c["function"] for c in CASES} == {name for name in sa.builtin_schedules.__all__}, (
        "every one of the 13 built-ins has reference values"
    )
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_scalar_path_is_bitwise_equal_to_1_2_3(case: dict[str, Any]) -> None:
    optimizer = _optimizer()
    schedule = getattr(sa, case["function"])(optimizer, *case["args"], **case["kwargs"])
    target = case["target"]
    got = [[g[target] for g in optimizer.param_groups]]
    for _ in range(case["M"]):
        optimizer.step()
        schedule.step()
        got.append([g[target] for g in optimizer.param_groups])
    assert len(got) == len(case["values"]) == case["M"] + 1
    for t, (ours, theirs) in enumerate(zip(got, case["values"])):
        assert ours == theirs, f"step {t}: 2.x {ours} != 1.2.3 {theirs}"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_vectorised_values_match_1_2_3(case: dict[str, Any]) -> None:
    optimizer = _optimizer()
    schedule = getattr(sa, case["function"])(optimizer, *case["args"], **case["kwargs"])
    lam = schedule.curve.values(range(case["M"] + 1)).tolist()
    for t, row in enumerate(case["values"]):
        for base, expected in zip(case["bases"], row):
            assert math.isclose(base * lam[t], expected, rel_tol=1e-12, abs_tol=1e-300), (
                f"step {t}: base {base} × λ {lam[t]} != 1.2.3 {expected}"
            )


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_step_epoch_jumps_give_the_same_values(case: dict[str, Any]) -> None:
    """``step(epoch)`` lands on 1.2.3's value for that step, visiting the steps backwards."""
    optimizer = _optimizer()
    schedule = getattr(sa, case["function"])(optimizer, *case["args"], **case["kwargs"])
    for t in reversed(range(case["M"] + 1)):
        schedule.step(t)
        assert [g[case["target"]] for g in optimizer.param_groups] == case["values"][t]
