"""``compat.fvcore`` against the real ``fvcore.common.param_scheduler``, point by point.

Every scheduler (and both composite scalings) is built twice from the same arguments, ours and
fvcore's, and compared at every ``where = t / M`` of a long run, as a ``where`` function and as
a curve of the step, alone and bound to a 3-group optimizer on ``lr`` and ``weight_decay``
(against ``base_g × fvcore(t / M)``, detectron2's ``LRMultiplier``).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Any

import pytest
import torch
from parity import record

import torch_schedule_anything as sa

pytestmark = pytest.mark.compat
pytest.importorskip("fvcore")

from fvcore.common import param_scheduler as real  # noqa: E402

from torch_schedule_anything.compat import fvcore as ours  # noqa: E402

LONG = 10_000  # steps of the long run: every where = t / LONG is compared
TOLERANCE = 1e-12


def _cases() -> dict[str, Callable[[Any], Any]]:
    """name -> builder(module): the same scheduler from ours or fvcore's module."""
    return {
        "constant": lambda m: m.ConstantParamScheduler(0.42),
        "cosine_decay": lambda m: m.CosineParamScheduler(start_value=1.0, end_value=1e-4),
        "cosine_warmup": lambda m: m.CosineParamScheduler(start_value=0.01, end_value=0.7),
        "exponential": lambda m: m.ExponentialParamScheduler(start_value=2.0, decay=0.02),
        "linear": lambda m: m.LinearParamScheduler(start_value=1e-4, end_value=0.01),
        "multi_step_milestones": lambda m: m.MultiStepParamScheduler(
            values=[1.0, 0.1, 0.01, 0.001], milestones=[30, 60, 80, 120]
        ),
        "multi_step_num_updates": lambda m: m.MultiStepParamScheduler(
            values=[1.0, 0.1, 0.01], num_updates=91
        ),
        "multi_step_both": lambda m: m.MultiStepParamScheduler(
            values=[1.0, 0.3, 0.09], num_updates=90, milestones=[17, 61]
        ),
        "polynomial_decay": lambda m: m.PolynomialDecayParamScheduler(base_value=0.1, power=0.9),
        "step": lambda m: m.StepParamScheduler(num_updates=120, values=[0.1, 0.01, 0.001, 1e-4]),
        "step_with_fixed_gamma": lambda m: m.StepWithFixedGammaParamScheduler(
            base_value=0.1, num_decays=3, gamma=0.3, num_updates=120
        ),
        "composite_rescaled": lambda m: m.CompositeParamScheduler(
            [m.LinearParamScheduler(0.001, 1.0), m.CosineParamScheduler(1.0, 0.0)],
            lengths=[0.1, 0.9],
            interval_scaling=["rescaled", "rescaled"],
        ),
        "composite_fixed": lambda m: m.CompositeParamScheduler(
            [m.ConstantParamScheduler(0.42), m.CosineParamScheduler(0.42, 1e-4)],
            lengths=[0.3, 0.7],
            interval_scaling=["fixed", "fixed"],
        ),
        "composite_mixed_nested": lambda m: m.CompositeParamScheduler(
            [
                m.LinearParamScheduler(0.0, 1.0),
                m.MultiStepParamScheduler([1.0, 0.1, 0.01], num_updates=90),
                m.CompositeParamScheduler(
                    [
                        m.ExponentialParamScheduler(0.01, 0.1),
                        m.PolynomialDecayParamScheduler(1e-3, 2),
                    ],
                    lengths=[0.5, 0.5],
                    interval_scaling=["rescaled", "fixed"],
                ),
            ],
            lengths=[0.1, 0.2, 0.7],  # sums to 1.0000000000000002: the last is adjusted
            interval_scaling=["rescaled", "fixed", "rescaled"],
        ),
    }


CASES = _cases()
NAMES = sorted(CASES)


def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-300) if a != b else 0.0


def _real_or_none(fn: Any, where: float) -> float | None:
    """fvcore's value, or None where fvcore raises (at where = 1 for some schedulers)."""
    try:
        return float(fn(where))
    except (RuntimeError, IndexError):
        return None


def _bound_parity(name: str, total: int) -> tuple[float, int]:
    """Bind ours to lr and weight_decay of 3 groups; compare with base × fvcore(t / M)."""
    params = [torch.nn.Parameter(torch.zeros(2)) for _ in range(3)]
    opt = torch.optim.AdamW(
        [
            {"params": [params[0]], "lr": 0.1, "weight_decay": 0.05},
            {"params": [params[1]], "lr": 0.03, "weight_decay": 0.0},
            {"params": [params[2]], "lr": 7e-4, "weight_decay": 0.2},
        ]
    )
    bases = {k: [g[k] for g in opt.param_groups] for k in ("lr", "weight_decay")}
    s_lr = sa.schedule(opt, CASES[name](ours).to_curve(total), "lr")
    s_wd = sa.schedule(opt, CASES[name](ours).to_curve(total), "weight_decay")
    reference = CASES[name](real)
    worst, compared = 0.0, 0
    for t in range(total + 1):
        if t:
            opt.step()
            s_lr.step()
            s_wd.step()
        expected = _real_or_none(reference, t / total)
        if expected is None:  # fvcore raises at where = 1 here; ours holds (tested below)
            continue
        for key in ("lr", "weight_decay"):
            for g, group in enumerate(opt.param_groups):
                worst = max(worst, _rel(group[key], bases[key][g] * expected))
                compared += 1
    return worst, compared


@pytest.mark.parametrize("name", NAMES)
def test_where_function_matches_fvcore_at_every_where(name: str) -> None:
    mine, theirs = CASES[name](ours), CASES[name](real)
    worst = 0.0
    for t in range(LONG):
        where = t / LONG
        worst = max(worst, _rel(mine(where), theirs(where)))
    for where in (0.123456789, 0.5 - 1e-7, 0.5 + 1e-7, 1 - 1e-9, 1.0, 1.5, -0.25):
        try:
            expected = theirs(where)
        except (RuntimeError, IndexError) as error:  # fvcore raises here: ours raises the same
            with pytest.raises(type(error)):
                mine(where)
            continue
        got = mine(where)
        assert type(got) is type(expected)  # fvcore's value, int/float/complex alike
        worst = max(worst, abs(got - expected) / max(abs(expected), 1e-300))
    assert worst <= TOLERANCE


@pytest.mark.parametrize("name", ["step", "step_with_fixed_gamma", "constant"])
def test_curve_holds_the_last_value_where_fvcore_raises(name: str) -> None:
    total = 2_000_000  # (M - 1) / M + 1e-6 >= 1: fvcore's StepParamScheduler raises IndexError
    mine, theirs = CASES[name](ours).to_curve(total), CASES[name](real)
    last = total - 1
    if name != "constant":
        with pytest.raises(IndexError):
            theirs(last / total)
        assert mine(last) == float(theirs(0.999))  # the last value
    assert mine(total) == mine(last) == mine(10 * total)


@pytest.mark.parametrize("name", NAMES)
def test_curve_matches_fvcore_at_every_step_and_holds_the_end(name: str) -> None:
    mine, theirs = CASES[name](ours).to_curve(LONG), CASES[name](real)
    worst = max(_rel(mine(t), float(theirs(t / LONG))) for t in range(LONG))
    assert worst <= TOLERANCE
    end = _real_or_none(theirs, 1.0)
    held = [mine(t) for t in (LONG, LONG + 1, 3 * LONG)]
    if end is not None:  # what detectron2 writes after the last iteration
        assert _rel(held[0], end) <= TOLERANCE
    else:  # fvcore raises at where = 1: the last value of the run is held
        assert held[0] == mine(LONG - 1)
    assert held == [held[0]] * 3
    assert mine.horizon == LONG


@pytest.mark.parametrize("name", NAMES)
def test_bound_to_three_groups_on_lr_and_weight_decay(name: str) -> None:
    worst, compared = _bound_parity(name, 2_000)
    record("fvcore", name, worst, compared)
    assert compared >= 2_000 * 6
    assert worst <= TOLERANCE


class _DetectronLRMultiplier(torch.optim.lr_scheduler.LRScheduler):
    """detectron2's binding: ``lr_g = base_g × multiplier(last_epoch / max_iter)``."""

    def __init__(self, optimizer: Any, multiplier: Any, max_iter: int) -> None:
        self._multiplier, self._max_iter = multiplier, max_iter
        super().__init__(optimizer, -1)

    def get_lr(self) -> list[float]:
        m = self._multiplier(self.last_epoch / self._max_iter)
        return [base * m for base in self.base_lrs]


@pytest.mark.parametrize("name", ["composite_rescaled", "multi_step_milestones", "cosine_decay"])
def test_lr_multiplier_has_detectron2_timing(name: str) -> None:
    def optimizer() -> torch.optim.Optimizer:
        w = [torch.nn.Parameter(torch.zeros(1)) for _ in range(3)]
        return torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(w, (0.1, 0.02, 3e-3))])

    a, b = optimizer(), optimizer()
    mine = ours.LRMultiplier(a, CASES[name](ours), max_iter=500)
    theirs = _DetectronLRMultiplier(b, CASES[name](real), max_iter=500)
    for t in range(500):
        assert [g["lr"] for g in a.param_groups] == pytest.approx(
            [g["lr"] for g in b.param_groups], rel=TOLERANCE, abs=0
        ), t
        a.step()
        b.step()
        mine.step()
        theirs.step()
    assert mine.last_epoch == theirs.last_epoch == 500


@pytest.mark.parametrize("name", NAMES)
def test_resume_in_the_middle_is_exact(name: str) -> None:
    total, middle = 300, 137

    def build() -> tuple[torch.optim.Optimizer, Any]:
        w = [torch.nn.Parameter(torch.zeros(1)) for _ in range(3)]
        opt = torch.optim.SGD(
            [{"params": [p], "lr": lr, "weight_decay": 0.01} for p, lr in zip(w, (0.1, 0.02, 3e-3))]
        )
        return opt, sa.schedule(opt, CASES[name](ours).to_curve(total), "lr")

    opt, s = build()
    trace = []
    for _ in range(total + 3):
        opt.step()
        s.step()
        trace.append([g["lr"] for g in opt.param_groups])
    opt2, s2 = build()
    for _ in range(middle):
        opt2.step()
        s2.step()
    buffer = io.BytesIO()
    torch.save({"opt": opt2.state_dict(), "sched": s2.state_dict()}, buffer)
    buffer.seek(0)
    saved = torch.load(buffer, weights_only=True)  # plain data only
    opt3, s3 = build()
    opt3.load_state_dict(saved["opt"])
    s3.load_state_dict(saved["sched"])
    assert s3.last_epoch == middle
    resumed = []
    for _ in range(total + 3 - middle):
        opt3.step()
        s3.step()
        resumed.append([g["lr"] for g in opt3.param_groups])
    assert resumed == trace[middle:]  # bitwise


def test_config_builds_the_same_curve_as_the_objects() -> None:
    config = {
        "curve": "fvcore:composite",
        "schedule_target": "weight_decay",
        "params": {
            "schedulers": [
                {"name": "fvcore:linear", "params": {"start_value": 0.001, "end_value": 1.0}},
                {"name": "fvcore:cosine", "params": {"start_value": 1.0, "end_value": 0.0}},
            ],
            "lengths": [0.1, 0.9],
            "interval_scaling": ["rescaled", "rescaled"],
            "total_steps": 400,
        },
    }
    w = [torch.nn.Parameter(torch.zeros(1)) for _ in range(3)]
    opt = torch.optim.AdamW(
        [{"params": [p], "weight_decay": wd} for p, wd in zip(w, (0.1, 0.0, 0.05))]
    )
    schedule = sa.schedule_from_config(opt, config)
    from_objects = CASES["composite_rescaled"](ours).to_curve(400)
    assert schedule.curve.spec() == from_objects.spec()
    assert schedule.curve.spec()["params"] == {**config["params"], "absolute": False}
    reference = CASES["composite_rescaled"](real)
    for t in range(400):
        expected = [0.1 * reference(t / 400), 0.0, 0.05 * reference(t / 400)]
        got = [g["weight_decay"] for g in opt.param_groups]
        assert got == pytest.approx(expected, rel=TOLERANCE, abs=0)
        opt.step()
        schedule.step()
    # a state dict saved from the config-built schedule loads into the object-built one
    opt2 = torch.optim.AdamW(
        [{"params": [p], "weight_decay": wd} for p, wd in zip(w, (0.1, 0.0, 0.05))]
    )
    other = sa.schedule(opt2, from_objects, "weight_decay")
    other.load_state_dict(schedule.state_dict())
    assert [g["weight_decay"] for g in opt2.param_groups] == [
        g["weight_decay"] for g in opt.param_groups
    ]


@pytest.mark.parametrize("name", NAMES)
def test_registered_name_rebuilds_the_spec(name: str) -> None:
    curve = CASES[name](ours).to_curve(1000, absolute=name == "constant")
    spec = curve.spec()
    assert spec["name"].startswith("fvcore:")
    rebuilt = sa.get_curve(spec["name"])(**spec["params"])
    assert rebuilt.spec() == spec
    assert rebuilt.absolute is curve.absolute
    assert [rebuilt(t) for t in range(0, 1001, 7)] == [curve(t) for t in range(0, 1001, 7)]


def test_absolute_curve_writes_fvcore_values() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=123.0, momentum=0.9)
    s = sa.schedule(
        opt, "fvcore:cosine", "lr", start_value=0.1, end_value=1e-4, total_steps=50, absolute=True
    )
    reference = real.CosineParamScheduler(0.1, 1e-4)
    for t in range(50):
        assert opt.param_groups[0]["lr"] == pytest.approx(reference(t / 50), rel=TOLERANCE)
        opt.step()
        s.step()


def _gamma(base_value: Any, num_decays: Any, gamma: Any, num_updates: Any) -> dict[str, Any]:
    return {
        "base_value": base_value,
        "num_decays": num_decays,
        "gamma": gamma,
        "num_updates": num_updates,
    }


ARGUMENT_ERRORS = [
    ("MultiStepParamScheduler", {"values": [1, 2]}),
    ("MultiStepParamScheduler", {"values": [1, 2], "num_updates": 10, "milestones": [3, 5]}),
    ("MultiStepParamScheduler", {"values": [1, 2], "milestones": [5]}),
    ("MultiStepParamScheduler", {"values": [1, 2, 3], "num_updates": 2}),
    ("MultiStepParamScheduler", {"values": [1, 2], "num_updates": 10, "milestones": [10]}),
    ("MultiStepParamScheduler", {"values": [1, 2, 3], "num_updates": 10, "milestones": [5, 5]}),
    ("MultiStepParamScheduler", {"values": [1, 2], "num_updates": 10, "milestones": [0]}),
    ("StepParamScheduler", {"num_updates": 0, "values": [1]}),
    ("StepParamScheduler", {"num_updates": 10, "values": []}),
    ("StepParamScheduler", {"num_updates": 10, "values": 0.1}),
    ("StepWithFixedGammaParamScheduler", _gamma(0, 1, 0.1, 1)),
    ("StepWithFixedGammaParamScheduler", _gamma(1, 1, -1, 1)),
    ("StepWithFixedGammaParamScheduler", _gamma(1, 0, 0.1, 1)),
    ("StepWithFixedGammaParamScheduler", _gamma(1, 1, 0.1, 2.0)),
    ("StepWithFixedGammaParamScheduler", _gamma("1", 1, 0.1, 2)),
]  # fmt: skip


@pytest.mark.parametrize(("cls", "kwargs"), ARGUMENT_ERRORS)
def test_argument_errors_are_fvcore_s(cls: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(Exception) as theirs:
        getattr(real, cls)(**kwargs)
    with pytest.raises(type(theirs.value)):
        getattr(ours, cls)(**kwargs)


@pytest.mark.parametrize(
    ("lengths", "scalings", "n"),
    [([0.5, 0.5], ["rescaled", "rescaled"], 1), ([], [], 0), ([0.5, 0.6], ["fixed"] * 2, 2),
     ([0.5, 0.5], ["rescaled", "linear"], 2)],
)  # fmt: skip
def test_composite_argument_errors_are_fvcore_s(
    lengths: list[float], scalings: list[str], n: int
) -> None:
    for module, kind in ((real, None), (ours, None)):
        children = [module.ConstantParamScheduler(1.0) for _ in range(n)]
        with pytest.raises(ValueError):
            module.CompositeParamScheduler(
                children, lengths=list(lengths), interval_scaling=scalings
            )
        del kind


def test_where_checks_are_fvcore_s() -> None:
    for module in (real, ours):
        with pytest.raises(RuntimeError):
            module.ConstantParamScheduler(1.0)(1.0)
        with pytest.raises(RuntimeError):
            module.MultiStepParamScheduler([1, 2], milestones=[1, 2])(1.0 + 1e-9)
        assert module.MultiStepParamScheduler([1, 2], milestones=[1, 2])(1.0) == 2
        assert module.CosineParamScheduler(1.0, 0.0)(1.5) == real.CosineParamScheduler(1.0, 0.0)(
            1.5
        )


def test_composite_does_not_change_the_caller_s_lengths() -> None:
    lengths = [0.1, 0.2, 0.70001]  # within 1e-3 of 1: the last length is replaced by 0.7
    mine = ours.CompositeParamScheduler(
        [ours.LinearParamScheduler(0.0, 1.0)] * 3, lengths, ["rescaled"] * 3
    )
    assert lengths == [0.1, 0.2, 0.70001]
    theirs = real.CompositeParamScheduler(
        [real.LinearParamScheduler(0.0, 1.0)] * 3, lengths, ["rescaled"] * 3
    )
    assert lengths[-1] != 0.70001  # fvcore rewrites the caller's list (the reason ours copies)
    assert all(mine(t / 997) == theirs(t / 997) for t in range(997))


@pytest.mark.parametrize(
    ("scheduler", "total", "error", "match"),
    [
        (ours.LinearParamScheduler(1.0, 0.0), 0, ValueError, "total_steps"),
        (ours.ExponentialParamScheduler(1.0, -0.5), 10, ValueError, "decay"),
        (ours.PolynomialDecayParamScheduler(1.0, -1.0), 10, ValueError, "power"),
        (ours.LinearParamScheduler("a", 0.0), 10, TypeError, "start_value"),
        (ours.CosineParamScheduler(math.inf, 0.0), 10, ValueError, "start_value"),
    ],
)
def test_curves_refuse_what_would_not_be_finite(
    scheduler: Any, total: int, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        scheduler.to_curve(total)


def test_composite_children_must_be_plain_data_or_ours() -> None:
    with pytest.raises(TypeError, match=r"compat\.fvcore"):
        ours.CompositeParamScheduler([real.ConstantParamScheduler(1.0)], [1.0], ["fixed"])
    with pytest.raises(ValueError, match="fvcore:cosine"):
        ours.CompositeParamScheduler([{"name": "cosine", "params": {}}], [1.0], ["fixed"])


def test_a_missing_total_steps_is_named() -> None:
    with pytest.raises(TypeError, match="total_steps"):
        sa.get_curve("fvcore:cosine")(start_value=1.0, end_value=0.0)


@pytest.mark.parametrize("source", ["compat", "fvcore"])
def test_a_progress_function_bound_as_a_step_function_is_refused(source: str) -> None:
    # Bound as a function of the step, fvcore's where would pass 1 at step 1: silently wrong.
    import fvcore.common.param_scheduler as real

    from torch_schedule_anything.compat import fvcore as ours

    module = ours if source == "compat" else real
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(TypeError, match=r"to_curve\(total_steps=\.\.\.\)"):
        sa.schedule(opt, module.CosineParamScheduler(1.0, 0.0))
    assert "initial_lr" not in opt.param_groups[0]
