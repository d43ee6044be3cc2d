"""simulate.py: what curves and schedules will write, without touching them, no matplotlib."""

from __future__ import annotations

import copy

import pytest
import torch
from torch.optim.lr_scheduler import OneCycleLR, ReduceLROnPlateau, StepLR

import torch_schedule_anything as sa
from helpers import sgd_groups as _sgd
from helpers import snapshot as _snapshot
from torch_schedule_anything.simulate import curve_values, schedule_values

LINEAR = {
    "warmup_to_value": 1.0,
    "anneal_to_value": 0.0,
    "num_warmup_steps": 2,
    "num_training_steps": 6,
}


@pytest.mark.slow  # a fresh interpreter
def test_simulate_needs_no_matplotlib() -> None:
    import subprocess
    import sys

    code = (
        "import sys, torch, torch_schedule_anything as sa\n"
        "opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)\n"
        "s = sa.schedule(opt, 'constant_schedule', value=0.5)\n"
        "print(sa.schedule_values(s, 3))\n"
        "assert 'matplotlib' not in sys.modules\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "{'lr': [[0.05, 0.05, 0.05]]}"


def test_curve_values_is_the_closed_form() -> None:
    values = curve_values("linear_schedule_with_warmup", 7, **LINEAR)
    assert values == [0.0, 0.5, 1.0, 0.75, 0.5, 0.25, 0.0]


def test_curve_schedule_is_evaluated_in_closed_form_per_group() -> None:
    opt = _sgd(groups=2)
    s = sa.schedule(opt, "linear_schedule_with_warmup", "lr", **LINEAR)
    before = _snapshot(opt)
    values = schedule_values(s, 5)["lr"]
    lam = [0.0, 0.5, 1.0, 0.75, 0.5]
    assert values[0] == pytest.approx([0.1 * v for v in lam], rel=1e-15)
    assert values[1] == pytest.approx([0.2 * v for v in lam], rel=1e-15)
    # what the schedule itself says it will write (the scalar path), up to rounding
    scalar = [s.value_at(t) for t in range(5)]
    for g in range(2):
        assert [row[g] for row in scalar] == pytest.approx(values[g], rel=1e-15)
    assert _snapshot(opt) == before and s.last_epoch == 0


def test_torch_scheduler_is_simulated_on_a_copy_and_matches_stepping_it() -> None:
    opt = _sgd()
    s = OneCycleLR(opt, max_lr=1.0, total_steps=12)
    state, before = copy.deepcopy(s.state_dict()), _snapshot(opt)
    got = schedule_values(s, 12)
    assert _snapshot(opt) == before
    assert s.state_dict() == state
    # The reference: step an identical scheduler for real.
    ref_opt = _sgd()
    ref = OneCycleLR(ref_opt, max_lr=1.0, total_steps=12)
    expected = [ref_opt.param_groups[0]["lr"]]
    for _ in range(11):
        ref_opt.step()
        ref.step()
        expected.append(ref_opt.param_groups[0]["lr"])
    assert got == {"lr": [expected]}
    assert expected[0] == pytest.approx(1.0 / 25) and 0.9 < max(expected) <= 1.0


def test_adapted_schedule_on_momentum_and_tensor_values_are_untouched() -> None:
    opt = _sgd(lr=torch.tensor(0.1))
    lr_tensor = opt.param_groups[0]["lr"]
    s = sa.arbitrary_schedule_factory(
        opt, lambda o: StepLR(o, step_size=2, gamma=0.5), schedule_target="momentum"
    )
    before = _snapshot(opt)
    assert schedule_values(s, 5) == {"momentum": [[0.9, 0.9, 0.45, 0.45, 0.225]]}
    assert _snapshot(opt) == before
    assert opt.param_groups[0]["lr"] is lr_tensor and lr_tensor.item() == pytest.approx(0.1)
    assert s.last_epoch == 0
    s.step()  # the original still works and is driven from where it was
    assert opt.param_groups[0]["momentum"] == 0.9


def test_plateau_needs_metrics_and_follows_them() -> None:
    opt = _sgd()
    s = sa.arbitrary_schedule_factory(opt, lambda o: ReduceLROnPlateau(o, factor=0.5, patience=1))
    with pytest.raises(ValueError, match="metrics="):
        schedule_values(s, 4)
    with pytest.raises(ValueError, match="needs 5"):
        schedule_values(s, 6, metrics=[1.0, 1.0])
    got = schedule_values(s, 6, metrics=[1.0, 0.5, 0.5, 0.5, 0.5])["lr"][0]
    assert got == pytest.approx([0.1, 0.1, 0.1, 0.1, 0.05, 0.05])
    assert schedule_values(s, 3, metrics=lambda i: 1.0)["lr"][0] == pytest.approx([0.1] * 3)
    assert opt.param_groups[0]["lr"] == 0.1
