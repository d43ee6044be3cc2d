"""Parity of ``torch_schedule_anything.compat.timm`` with timm's real schedulers, step by step.

timm is installed without torchvision, so ``import timm`` fails: its scheduler modules are loaded
by file (under a private package name; ``multistep_lr.py`` imports ``timm.scheduler.scheduler``
absolutely, which is provided only while it loads).
"""

from __future__ import annotations

import importlib.util
import io
import math
import sys
import types
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from parity import record

import torch_schedule_anything as sa
from torch_schedule_anything.compat import timm as ours

pytestmark = pytest.mark.compat

_PACKAGE = "_tsa_timm_scheduler"
_MODULES = (
    "scheduler", "cosine_lr", "step_lr", "multistep_lr", "plateau_lr", "poly_lr", "tanh_lr",
    "wsd_lr", "scheduler_factory",  # the factory imports the others relatively: loaded last
)  # fmt: skip


def _load_timm() -> dict[str, types.ModuleType]:
    spec = importlib.util.find_spec("timm")  # finds the package without running timm/__init__
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("timm is not installed", allow_module_level=True)
    folder = Path(next(iter(spec.submodule_search_locations))) / "scheduler"
    if not (folder / "scheduler.py").is_file():
        pytest.skip("timm/scheduler/ is missing", allow_module_level=True)
    package = types.ModuleType(_PACKAGE)
    package.__path__ = [str(folder)]
    sys.modules[_PACKAGE] = package
    loaded: dict[str, types.ModuleType] = {}
    for name in _MODULES:
        module_spec = importlib.util.spec_from_file_location(
            f"{_PACKAGE}.{name}", folder / f"{name}.py"
        )
        assert module_spec is not None and module_spec.loader is not None
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_spec.name] = module
        stand_ins = {}
        if name == "multistep_lr":  # imports timm.scheduler.scheduler absolutely
            fake_timm = types.ModuleType("timm")
            fake_scheduler = types.ModuleType("timm.scheduler")
            fake_timm.scheduler = fake_scheduler  # type: ignore[attr-defined]
            fake_scheduler.scheduler = loaded["scheduler"]  # type: ignore[attr-defined]
            stand_ins = {
                "timm": fake_timm,
                "timm.scheduler": fake_scheduler,
                "timm.scheduler.scheduler": loaded["scheduler"],
            }
            stand_ins = {k: v for k, v in stand_ins.items() if k not in sys.modules}
            sys.modules.update(stand_ins)
        try:
            module_spec.loader.exec_module(module)
        finally:
            for key in stand_ins:
                del sys.modules[key]
        loaded[name] = module
    return loaded


TIMM = _load_timm()
REAL = {
    "CosineLRScheduler": TIMM["cosine_lr"].CosineLRScheduler,
    "StepLRScheduler": TIMM["step_lr"].StepLRScheduler,
    "MultiStepLRScheduler": TIMM["multistep_lr"].MultiStepLRScheduler,
    "PlateauLRScheduler": TIMM["plateau_lr"].PlateauLRScheduler,
    "PolyLRScheduler": TIMM["poly_lr"].PolyLRScheduler,
    "TanhLRScheduler": TIMM["tanh_lr"].TanhLRScheduler,
    "WSDLRScheduler": TIMM["wsd_lr"].WSDLRScheduler,
}

BASES = (0.1, 0.03, 0.007)  # three param groups with different values


def make_optimizer(key: str = "lr", bases: tuple[float, ...] = BASES) -> torch.optim.Optimizer:
    """SGD with 3 groups; ``key`` holds ``bases`` (the other key a different constant)."""
    groups = []
    for i, base in enumerate(bases):
        group: dict[str, Any] = {"params": [torch.nn.Parameter(torch.zeros(2))]}
        if key == "lr":
            group.update(lr=base, weight_decay=0.5)
        else:
            group.update(lr=0.25 + i, weight_decay=base)
        groups.append(group)
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9)


def values(optimizer: torch.optim.Optimizer, key: str) -> list[float]:
    return [float(g[key]) for g in optimizer.param_groups]


def rel_diff(a: list[float], b: list[float]) -> float:
    """max |a − b| / |b| (0 where both are 0)."""
    out = 0.0
    for x, y in zip(a, b, strict=True):
        if x != y:
            out = max(out, abs(x - y) / max(abs(y), 1e-300))
    return out


def build_real(name: str, optimizer: torch.optim.Optimizer, kwargs: dict[str, Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # timm deprecates its plateau scheduler
        return REAL[name](optimizer, **kwargs)


# -- the configurations ---------------------------------------------------------------------------
NOISE: dict[str, Any] = {
    "noise_range_t": (3, 40),
    "noise_pct": 0.3,
    "noise_std": 0.5,
    "noise_seed": 7,
}


def quadratic_decay(frac: float) -> float:
    """A callable ``decay_fn`` (timm's WSD takes one)."""
    return (1.0 - frac) ** 2


CONFIGS: list[tuple[str, dict[str, Any]]] = [
    ("CosineLRScheduler", {"t_initial": 30}),
    ("CosineLRScheduler", {"t_initial": 12, "lr_min": 1e-4, "cycle_limit": 4, "cycle_decay": 0.5}),
    ("CosineLRScheduler", {"t_initial": 8, "cycle_mul": 2.0, "cycle_limit": 4, "lr_min": 1e-3}),
    ("CosineLRScheduler", {"t_initial": 50, "cycle_mul": 0.9, "cycle_limit": 6}),
    (
        "CosineLRScheduler",
        {"t_initial": 25, "warmup_t": 5, "warmup_lr_init": 1e-4, "warmup_prefix": True},
    ),
    ("CosineLRScheduler", {"t_initial": 25, "warmup_t": 5, "warmup_lr_init": 1e-4}),
    ("CosineLRScheduler", {"t_initial": 15, "k_decay": 0.5, "cycle_limit": 3, "lr_min": 1e-5}),
    ("CosineLRScheduler", {"t_initial": 40, "k_decay": 2.0, **NOISE}),
    ("CosineLRScheduler", {"t_initial": 40, "noise_range_t": 10, "noise_seed": 3}),
    ("StepLRScheduler", {"decay_t": 7, "decay_rate": 0.5}),
    ("StepLRScheduler", {"decay_t": 2.5, "decay_rate": 0.8, "warmup_t": 4, "warmup_lr_init": 1e-3}),
    (
        "StepLRScheduler",
        {"decay_t": 6, "decay_rate": 0.7, "warmup_t": 3, "warmup_prefix": False, **NOISE},
    ),
    ("MultiStepLRScheduler", {"decay_t": [5, 9, 20], "decay_rate": 0.3}),
    ("MultiStepLRScheduler", {"decay_t": [4, 4, 11], "decay_rate": 0.5, "warmup_t": 3}),
    (
        "MultiStepLRScheduler",
        {"decay_t": [6, 15], "decay_rate": 0.1, "warmup_t": 4, "warmup_prefix": False, **NOISE},
    ),
    ("PolyLRScheduler", {"t_initial": 30}),
    ("PolyLRScheduler", {"t_initial": 10, "power": 2.0, "lr_min": 1e-4, "cycle_limit": 5}),
    (
        "PolyLRScheduler",
        {"t_initial": 6, "power": 1.5, "cycle_mul": 1.5, "cycle_limit": 5, "cycle_decay": 0.7},
    ),
    ("PolyLRScheduler", {"t_initial": 30, "k_decay": 3.0, "warmup_t": 5, "warmup_prefix": True}),
    ("PolyLRScheduler", {"t_initial": 30, "warmup_t": 6, "warmup_lr_init": 1e-3, **NOISE}),
    ("TanhLRScheduler", {"t_initial": 30}),
    ("TanhLRScheduler", {"t_initial": 12, "lb": -5.0, "ub": 4.0, "lr_min": 1e-4, "cycle_limit": 3}),
    ("TanhLRScheduler", {"t_initial": 8, "cycle_mul": 2.0, "cycle_limit": 3, "cycle_decay": 0.5}),
    ("TanhLRScheduler", {"t_initial": 30, "warmup_t": 5, "warmup_lr_init": 1e-3}),
    (
        "TanhLRScheduler",
        {"t_initial": 30, "warmup_t": 5, "warmup_lr_init": 1e-3, "warmup_prefix": True, **NOISE},
    ),
    ("WSDLRScheduler", {"t_initial": 60, "decay_t": 20}),
    (
        "WSDLRScheduler",
        {
            "t_initial": 50,
            "decay_t": 15,
            "decay_fn": "linear",
            "lr_min": 1e-4,
            "warmup_t": 5,
            "warmup_lr_init": 1e-3,
        },
    ),
    ("WSDLRScheduler", {"t_initial": 300, "decay_t": 100, "decay_fn": "cosine", "warmup_t": 10}),
    (
        "WSDLRScheduler",
        {"t_initial": 70, "decay_t": 30, "stable_fn": "rsqrt", "warmup_t": 8, "decay_fn": "linear"},
    ),
    (
        "WSDLRScheduler",
        {
            "t_initial": 200,
            "decay_t": 50,
            "stable_fn": "power",
            "stable_power": 0.3,
            "stable_timescale": 12,
            "decay_fn": "power",
            "decay_power": 2.0,
            "lr_min": 1e-3,
        },
    ),
    ("WSDLRScheduler", {"t_initial": 60, "decay_t": 60, "decay_fn": "exp", "decay_ratio": 0.05}),
    (  # the rsqrt stable phase falls to lr_min in the small groups: timm's max() clamp
        "WSDLRScheduler",
        {"t_initial": 350, "decay_t": 70, "stable_fn": "rsqrt", "lr_min": 2e-3, "warmup_t": 3},
    ),
    ("WSDLRScheduler", {"t_initial": 40, "decay_t": 12.5, "warmup_t": 4, **NOISE}),
    ("WSDLRScheduler", {"t_initial": 45, "decay_t": 16, "decay_fn": quadratic_decay}),
]
IDS = [f"{name}-{i}" for i, (name, _) in enumerate(CONFIGS)]
EPOCHS, UPDATES_PER_EPOCH = 80, 5


def timm_loop(t_in_epochs: bool) -> Iterator[tuple[str, int]]:
    """timm's training loop: ``step_update(num_updates)`` after every optimizer step and
    ``step(epoch + 1)`` after every epoch (timm's train.py)."""
    num_updates = 0
    for epoch in range(EPOCHS):
        for _ in range(UPDATES_PER_EPOCH):
            num_updates += 1
            yield "step_update", num_updates
        yield "step", epoch + 1


def call(scheduler: Any, method: str, t: int) -> None:
    getattr(scheduler, method)(t)


class Run:
    """timm's scheduler on ``lr`` beside ours on ``lr`` and on ``weight_decay``."""

    def __init__(self, name: str, kwargs: dict[str, Any]) -> None:
        self.name, self.kwargs = name, kwargs
        self.opt_timm, self.opt_lr, self.opt_wd = (
            make_optimizer(),
            make_optimizer(),
            make_optimizer("weight_decay"),
        )
        self.timm = build_real(name, self.opt_timm, kwargs)
        self.ours_lr = getattr(ours, name)(self.opt_lr, **kwargs)
        self.ours_wd = getattr(ours, name)(self.opt_wd, **kwargs, schedule_target="weight_decay")
        self.worst = 0.0
        self.compared = 0

    def compare(self) -> None:
        expected = values(self.opt_timm, "lr")
        for got in (values(self.opt_lr, "lr"), values(self.opt_wd, "weight_decay")):
            self.worst = max(self.worst, rel_diff(got, expected))
        assert self.ours_lr.get_last_lr() == values(self.opt_lr, "lr")
        self.compared += 1


def run_parity(name: str, kwargs: dict[str, Any]) -> Run:
    run = Run(name, kwargs)
    run.compare()  # the constructor's values
    t_in_epochs = kwargs.get("t_in_epochs", True)
    for method, t in timm_loop(t_in_epochs):
        for scheduler in (run.timm, run.ours_lr, run.ours_wd):
            call(scheduler, method, t)
        run.compare()
    return run


@pytest.mark.parametrize("t_in_epochs", [True, False])
@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=IDS)
def test_parity_with_timm(name: str, kwargs: dict[str, Any], t_in_epochs: bool) -> None:
    run = run_parity(name, {**kwargs, "t_in_epochs": t_in_epochs})
    record("timm", name, run.worst, run.compared * 2 * len(BASES))  # lr and weight_decay
    assert run.worst <= 1e-12, f"{name}{kwargs}: max relative difference {run.worst}"
    assert run.compared == 1 + EPOCHS * (UPDATES_PER_EPOCH + 1)


@pytest.mark.parametrize("name", ["CosineLRScheduler", "PolyLRScheduler", "TanhLRScheduler"])
def test_shrinking_cycles_past_their_sum_hold_lr_min(name: str) -> None:
    """``cycle_mul < 1``: the cycle lengths sum to ``t_initial / (1 - cycle_mul)`` = 40; timm
    raises there (math domain error), ours holds ``lr_min`` (past every cycle)."""
    kwargs = {"t_initial": 20, "cycle_mul": 0.5, "cycle_limit": 100, "lr_min": 1e-4}
    opt_timm, opt = make_optimizer(), make_optimizer()
    timm = build_real(name, opt_timm, kwargs)
    mine = getattr(ours, name)(opt, **kwargs)
    for t in range(1, 40):
        timm.step(t)
        mine.step(t)
        assert rel_diff(values(opt, "lr"), values(opt_timm, "lr")) <= 1e-12
    with pytest.raises(ValueError, match="math domain"):
        timm.step(40)
    for t in (40, 41, 500):
        mine.step(t)
        assert values(opt, "lr") == [1e-4] * 3


def test_parity_is_bitwise_for_a_noisy_cosine() -> None:
    """The same operations in the same order: not only close, equal."""
    run = run_parity("CosineLRScheduler", {"t_initial": 17, "lr_min": 1e-4, **NOISE})
    assert run.worst == 0.0


def test_parity_catches_a_wrong_seed() -> None:
    """The comparison can fail: another noise seed is far from timm's values."""
    run = Run("CosineLRScheduler", {"t_initial": 40, **NOISE})
    other = ours.CosineLRScheduler(make_optimizer(), t_initial=40, **{**NOISE, "noise_seed": 8})
    run.timm.step(5)
    other.step(5)
    assert rel_diff(other.get_last_lr(), values(run.opt_timm, "lr")) > 1e-3


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=IDS)
def test_torch_convention_step_advances_by_one(name: str, kwargs: dict[str, Any]) -> None:
    """``step()`` without an argument writes timm's values of ``last_epoch + 1``."""
    for t_in_epochs in (True, False):
        opt_timm, opt = make_optimizer(), make_optimizer()
        timm = build_real(name, opt_timm, {**kwargs, "t_in_epochs": t_in_epochs})
        mine = getattr(ours, name)(opt, **kwargs, t_in_epochs=t_in_epochs)
        timm_step = timm.step if t_in_epochs else timm.step_update
        for t in range(1, 120):
            opt.step()
            mine.step()
            timm_step(t)
            assert mine.last_epoch == t
            assert rel_diff(values(opt, "lr"), values(opt_timm, "lr")) <= 1e-12


@pytest.mark.parametrize("t_in_epochs", [True, False])
def test_the_other_step_method_changes_nothing(t_in_epochs: bool) -> None:
    opt = make_optimizer()
    s = ours.CosineLRScheduler(opt, t_initial=10, t_in_epochs=t_in_epochs)
    idle = s.step_update if t_in_epochs else s.step
    before = values(opt, "lr")
    idle(5)
    assert values(opt, "lr") == before and s.last_epoch == 0
    active = s.step if t_in_epochs else s.step_update
    active(5)
    assert values(opt, "lr") != before and s.last_epoch == 5


# -- resume ---------------------------------------------------------------------------------------
def roundtrip(state: dict[str, Any]) -> dict[str, Any]:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)  # type: ignore[no-any-return]


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=IDS)
def test_resume_in_the_middle(name: str, kwargs: dict[str, Any]) -> None:
    """Save in the middle, load into a new optimizer and scheduler, continue: timm's values."""
    for t_in_epochs in (True, False):
        config = {**kwargs, "t_in_epochs": t_in_epochs}
        opt_timm, opt = make_optimizer(), make_optimizer("weight_decay")
        timm = build_real(name, opt_timm, config)
        mine = getattr(ours, name)(opt, **config, schedule_target="weight_decay")
        loop = list(timm_loop(t_in_epochs))
        half = len(loop) // 2
        for method, t in loop[:half]:
            call(timm, method, t)
            call(mine, method, t)
        state = roundtrip(mine.state_dict())
        opt = make_optimizer("weight_decay")
        mine = getattr(ours, name)(opt, **config, schedule_target="weight_decay")
        mine.load_state_dict(state)
        assert rel_diff(values(opt, "weight_decay"), values(opt_timm, "lr")) <= 1e-12
        for method, t in loop[half:]:
            call(timm, method, t)
            call(mine, method, t)
            assert rel_diff(values(opt, "weight_decay"), values(opt_timm, "lr")) <= 1e-12


def test_resume_right_after_construction_keeps_the_constructors_values() -> None:
    """tanh's constructor writes the bases, not its formula at t = 0: a saved fresh scheduler
    resumes with the bases."""
    opt = make_optimizer()
    state = roundtrip(ours.TanhLRScheduler(opt, t_initial=10).state_dict())
    opt2 = make_optimizer()
    s = ours.TanhLRScheduler(opt2, t_initial=10)
    s.step(0)  # the formula at 0: below the base
    assert values(opt2, "lr") != list(BASES)
    s.load_state_dict(state)
    assert values(opt2, "lr") == list(BASES) == values(opt, "lr")


# -- the plateau ----------------------------------------------------------------------------------
METRICS = [1.0, 0.9, 0.9, 0.9, 0.95, 0.85, 0.85, 0.85, 0.85, 0.7, 0.7, 0.7, 0.7, 0.7, 0.72] * 5
PLATEAU_CONFIGS: list[dict[str, Any]] = [
    {"decay_rate": 0.5, "patience_t": 1, "mode": "min"},
    {"decay_rate": 0.3, "patience_t": 2, "cooldown_t": 2, "mode": "min", "lr_min": 1e-3},
    {"decay_rate": 0.5, "patience_t": 0, "mode": "max", "threshold": 0.05},
    {"decay_rate": 0.5, "patience_t": 1, "mode": "min", "warmup_t": 4, "warmup_lr_init": 1e-3},
    {"decay_rate": 0.5, "patience_t": 1, "mode": "min", "noise_range_t": [5, 50], "noise_seed": 9},
    {
        "decay_rate": 0.7,
        "patience_t": 1,
        "mode": "min",
        "noise_range_t": 3,
        "noise_type": "uniform",
        "noise_pct": 0.2,
    },
]


def plateau_loop() -> Iterator[tuple[int, float | None]]:
    for epoch, metric in enumerate(METRICS, start=1):
        yield epoch, (None if epoch % 11 == 0 else metric)  # an epoch without a metric too


@pytest.mark.parametrize("kwargs", PLATEAU_CONFIGS)
def test_plateau_parity_and_resume(kwargs: dict[str, Any]) -> None:
    opt_timm, opt_lr, opt_wd = make_optimizer(), make_optimizer(), make_optimizer("weight_decay")
    timm = build_real("PlateauLRScheduler", opt_timm, kwargs)
    mine_lr = ours.PlateauLRScheduler(opt_lr, **kwargs)
    mine_wd = ours.PlateauLRScheduler(opt_wd, **kwargs, schedule_target="weight_decay")
    worst, steps = 0.0, list(plateau_loop())
    worst = max(rel_diff(values(opt_lr, "lr"), values(opt_timm, "lr")), worst)
    for i, (epoch, metric) in enumerate(steps):
        if i == len(steps) // 2:  # resume the weight_decay one from a checkpoint
            state = roundtrip(mine_wd.state_dict())
            opt_wd = make_optimizer("weight_decay")
            mine_wd = ours.PlateauLRScheduler(opt_wd, **kwargs, schedule_target="weight_decay")
            mine_wd.load_state_dict(state)
        timm.step(epoch, metric)
        mine_lr.step(epoch, metric)
        mine_wd.step(epoch, metric)
        expected = values(opt_timm, "lr")
        worst = max(worst, rel_diff(values(opt_lr, "lr"), expected))
        worst = max(worst, rel_diff(values(opt_wd, "weight_decay"), expected))
    record("timm", "PlateauLRScheduler", worst, (1 + 2 * len(steps)) * len(BASES))
    assert worst <= 1e-12
    assert values(opt_timm, "lr") != list(BASES)  # the metrics did reduce it


def test_plateau_torch_convention_and_step_update() -> None:
    opt_timm, opt = make_optimizer(), make_optimizer()
    kwargs: dict[str, Any] = {"decay_rate": 0.5, "patience_t": 1, "mode": "min"}
    timm = build_real("PlateauLRScheduler", opt_timm, kwargs)
    mine = ours.PlateauLRScheduler(opt, **kwargs)
    for epoch, metric in enumerate(METRICS, start=1):
        mine.step_update(epoch * 3)  # nothing, as timm
        opt.step()
        mine.step(metric=metric)
        timm.step(epoch, metric)
        assert values(opt, "lr") == values(opt_timm, "lr")
        assert mine.last_epoch == epoch


# -- lr_scale, Tensor values, initialize ---------------------------------------------------------
def test_lr_scale_is_applied_on_lr_only() -> None:
    opt_timm, opt, opt_wd = make_optimizer(), make_optimizer(), make_optimizer("weight_decay")
    for o in (opt_timm, opt, opt_wd):
        for scale, group in zip((1.0, 0.5, 0.25), o.param_groups):
            group["lr_scale"] = scale
    kwargs: dict[str, Any] = {"t_initial": 20, "warmup_t": 3, "warmup_lr_init": 1e-3}
    timm = build_real("CosineLRScheduler", opt_timm, kwargs)
    mine = ours.CosineLRScheduler(opt, **kwargs)
    mine_wd = ours.CosineLRScheduler(opt_wd, **kwargs, schedule_target="weight_decay")
    plain = ours.CosineLRScheduler(make_optimizer(), **kwargs)
    for epoch in range(30):
        if epoch:
            timm.step(epoch)
            mine.step(epoch)
            mine_wd.step(epoch)
            plain.step(epoch)
        assert values(opt, "lr") == values(opt_timm, "lr")
        assert values(opt_wd, "weight_decay") == plain.get_last_lr()


def test_tensor_values_are_filled_in_place() -> None:
    opt = make_optimizer()
    tensors = []
    for group in opt.param_groups:
        group["lr"] = torch.tensor(group["lr"], dtype=torch.float64)
        tensors.append(group["lr"])
    s = ours.StepLRScheduler(opt, decay_t=2, decay_rate=0.5)
    s.step(4)
    assert all(g["lr"] is t for g, t in zip(opt.param_groups, tensors))
    assert [float(t) for t in tensors] == pytest.approx([b * 0.25 for b in BASES])


def test_initialize_false_needs_the_records_as_timm() -> None:
    opt_timm, opt = make_optimizer(), make_optimizer()
    with pytest.raises(KeyError):
        build_real("CosineLRScheduler", opt_timm, {"t_initial": 5, "initialize": False})
    with pytest.raises(KeyError, match="initialize=True"):
        ours.CosineLRScheduler(opt, t_initial=5, initialize=False)
    assert "initial_lr" not in opt.param_groups[0]
    ours.CosineLRScheduler(opt, t_initial=5)  # records initial_lr
    for group in opt.param_groups:
        group["lr"] = 123.0  # the record, not the current value, is the base
    s = ours.CosineLRScheduler(opt, t_initial=5, initialize=False)
    assert s.base_values == list(BASES)


# -- the torch protocol and the state-dict contract ------------------------------------------------
ALL = [(name, kwargs) for name, kwargs in CONFIGS[::4]] + [
    ("PlateauLRScheduler", PLATEAU_CONFIGS[0])
]


@pytest.mark.parametrize(("name", "kwargs"), ALL, ids=[n for n, _ in ALL])
def test_real_lr_schedulers(name: str, kwargs: dict[str, Any]) -> None:
    opt = make_optimizer()
    s: Any = getattr(ours, name)(opt, **kwargs)
    assert s.optimizer is opt
    assert s.last_epoch == 0 and s._step_count == 1
    assert s.get_last_lr() == values(opt, "lr")
    assert s.base_lrs == s.base_values == list(BASES)
    assert s.param_group_field == "lr"
    assert isinstance(s, torch.optim.lr_scheduler.LRScheduler)


@pytest.mark.parametrize(("name", "kwargs"), ALL, ids=[n for n, _ in ALL])
def test_rejected_state_dicts_change_nothing(name: str, kwargs: dict[str, Any]) -> None:
    opt = make_optimizer()
    s = getattr(ours, name)(opt, **kwargs)
    for epoch in range(1, 6):
        s.step(epoch, 1.0)
    good = s.state_dict()
    other_target = getattr(ours, name)(
        make_optimizer("weight_decay"), **kwargs, schedule_target="weight_decay"
    ).state_dict()
    two_groups = getattr(ours, name)(make_optimizer(bases=(0.1, 0.2)), **kwargs).state_dict()
    first_key = next(iter(s._config))
    bad_config = {**good, "config": {**good["config"], first_key: 999}}
    bad: list[tuple[Any, type[Exception], str]] = [
        (other_target, ValueError, "weight_decay"),
        (two_groups, ValueError, "param groups"),
        (bad_config, ValueError, "rebuild it with the saved arguments"),
        ({**good, "kind": "CurveSchedule"}, ValueError, "CurveSchedule"),
        ({**good, "last_epoch": -1}, ValueError, "last_epoch"),
        ({**good, "last_epoch": 2.5}, TypeError, "last_epoch"),
        ({**good, "base_lrs": [math.nan, 0.1, 0.1]}, ValueError, "finite"),
        ({k: v for k, v in good.items() if k != "base_lrs"}, ValueError, "lacks"),
        ({**good, "extra": 1}, ValueError, "extra"),
        ({"param_group_field": "lr", "base_values": [0.1]}, ValueError, "timm's own"),
        ([1, 2], TypeError, "mapping"),
    ]
    for state, error, words in bad:
        before = (s.state_dict(), [dict(g, params=None) for g in opt.param_groups])
        with pytest.raises(error, match=words):
            s.load_state_dict(state)
        assert (s.state_dict(), [dict(g, params=None) for g in opt.param_groups]) == before
    s.load_state_dict(roundtrip(good))
    assert s.state_dict() == good


def test_state_dict_is_plain_data() -> None:
    s = ours.MultiStepLRScheduler(make_optimizer(), decay_t=[3, 6], **NOISE)
    s.step(4)
    state = roundtrip(s.state_dict())
    assert state == s.state_dict()
    assert state["config"]["noise_range_t"] == [3, 40]


def test_refused_values_change_nothing() -> None:
    opt = make_optimizer()
    s = ours.StepLRScheduler(opt, decay_t=1, decay_rate=-1.0)  # negative lr on odd steps
    s.step(2)
    before = (s.state_dict(), values(opt, "lr"))
    with pytest.raises(ValueError, match="lr"):
        s.step(3)
    assert (s.state_dict(), values(opt, "lr")) == before


def test_refuses_torch_sequential_lr() -> None:
    opt = make_optimizer()
    a = ours.CosineLRScheduler(opt, t_initial=5)
    b = ours.CosineLRScheduler(opt, t_initial=5)
    with pytest.raises(TypeError, match="SequentialLR"):
        torch.optim.lr_scheduler.SequentialLR(opt, [a, b], milestones=[3])


@pytest.mark.parametrize(
    ("call_it", "words"),
    [
        (lambda o: ours.CosineLRScheduler(o, t_initial=0), "t_initial"),
        (lambda o: ours.CosineLRScheduler(o, t_initial=5, lr_min=-1.0), "lr_min"),
        (lambda o: ours.CosineLRScheduler(o, t_initial=5, cycle_mul=0), "cycle_mul"),
        (lambda o: ours.CosineLRScheduler(o, t_initial=5, k_decay=0), "k_decay"),
        (lambda o: ours.CosineLRScheduler(o, t_initial=5, warmup_t=-1), "warmup_t"),
        (lambda o: ours.CosineLRScheduler(o, t_initial=5, noise_range_t=[1]), "noise_range_t"),
        (lambda o: ours.TanhLRScheduler(o, t_initial=5, lb=3, ub=1), "lb must be < ub"),
        (lambda o: ours.MultiStepLRScheduler(o, decay_t=[5, 2]), "sorted"),
        (lambda o: ours.MultiStepLRScheduler(o, decay_t=5), "list of milestones"),  # type: ignore[arg-type]
        (lambda o: ours.PlateauLRScheduler(o, decay_rate=1.0), "decay_rate"),
        (lambda o: ours.PlateauLRScheduler(o, mode="up"), "mode"),
        (lambda o: ours.PlateauLRScheduler(o, noise_type="pink"), "noise_type"),
        (lambda o: ours.CosineLRScheduler(o, t_initial=5, t_in_epochs=1), "t_in_epochs"),  # type: ignore[arg-type]
        (lambda o: ours.CosineLRScheduler(o, t_initial=5, schedule_target="nope"), "nope"),
        (lambda o: ours.WSDLRScheduler(o, t_initial=5, decay_t=6), "decay_t must be in"),
        (lambda o: ours.WSDLRScheduler(o, t_initial=5, decay_t=0), "decay_t"),
        (lambda o: ours.WSDLRScheduler(o, t_initial=5, decay_t=2, lr_min=-1), "lr_min"),
        (lambda o: ours.WSDLRScheduler(o, t_initial=5, decay_t=2, stable_fn="x"), "stable_fn"),
        (lambda o: ours.WSDLRScheduler(o, t_initial=5, decay_t=2, decay_fn="x"), "decay_fn"),
        (lambda o: ours.WSDLRScheduler(o, t_initial=5, decay_t=2, decay_ratio=1), "decay_ratio"),
        (lambda o: ours.WSDLRScheduler(o, t_initial=5, decay_t=2, decay_power=0), "decay_power"),
        (lambda o: ours.WSDLRScheduler(o, t_initial=5, decay_t=2, stable_power=0), "stable_power"),
        (
            lambda o: ours.WSDLRScheduler(o, t_initial=5, decay_t=2, stable_fn="rsqrt"),
            "stable_timescale",
        ),
    ],
)
def test_bad_arguments_fail_fast(call_it: Callable[[Any], Any], words: str) -> None:
    opt = make_optimizer()
    before = [dict(g, params=None) for g in opt.param_groups]
    with pytest.raises((ValueError, TypeError, KeyError), match=words):
        call_it(opt)
    assert [dict(g, params=None) for g in opt.param_groups] == before


def test_cycle_length_as_timm() -> None:
    for kwargs in (
        {"t_initial": 10, "cycle_limit": 3},
        {"t_initial": 10, "cycle_mul": 2.0, "cycle_limit": 3, "warmup_t": 4, "warmup_prefix": True},
    ):
        for name in ("CosineLRScheduler", "PolyLRScheduler", "TanhLRScheduler"):
            real = build_real(name, make_optimizer(), kwargs)
            mine = getattr(ours, name)(make_optimizer(), **kwargs)
            for cycles in (0, 1, 2, 5):
                assert mine.get_cycle_length(cycles) == real.get_cycle_length(cycles)


# -- the registered curves -------------------------------------------------------------------------
CURVE_CASES = [
    ("timm:cosine", "CosineLRScheduler", {"t_initial": 10, "cycle_limit": 3, "cycle_decay": 0.5}),
    ("timm:cosine", "CosineLRScheduler", {"t_initial": 9, "cycle_mul": 2.0, "k_decay": 1.5}),
    ("timm:poly", "PolyLRScheduler", {"t_initial": 20, "power": 2.0, "warmup_t": 4}),
    ("timm:tanh", "TanhLRScheduler", {"t_initial": 20, "warmup_t": 3, "cycle_limit": 2}),
    ("timm:step", "StepLRScheduler", {"decay_t": 4, "decay_rate": 0.5, "warmup_t": 2}),
    ("timm:multistep", "MultiStepLRScheduler", {"decay_t": [3, 9], "decay_rate": 0.2}),
    ("timm:cosine", "CosineLRScheduler", {"t_initial": 30, **NOISE}),
    ("timm:wsd", "WSDLRScheduler", {"t_initial": 60, "decay_t": 25, "warmup_t": 6}),
    (
        "timm:wsd",
        "WSDLRScheduler",
        {
            "t_initial": 70,
            "decay_t": 30,
            "stable_fn": "rsqrt",
            "warmup_t": 8,
            "decay_fn": "exp",
            "decay_ratio": 0.2,
        },
    ),
    (
        "timm:wsd",
        "WSDLRScheduler",
        {
            "t_initial": 50,
            "decay_t": 20,
            "stable_fn": "power",
            "stable_timescale": 5,
            "decay_fn": "cosine",
            **NOISE,
        },
    ),
]


@pytest.mark.parametrize(("curve", "name", "kwargs"), CURVE_CASES)
def test_curves_are_timms_multipliers(curve: str, name: str, kwargs: dict[str, Any]) -> None:
    """With zero floors, ``base_g × λ(t)`` is timm's value of every group (t >= 1; at t = 0
    timm's constructor writes the base, the curve its formula)."""
    assert curve in sa.list_curves()
    opt_timm, opt = make_optimizer(), make_optimizer("weight_decay")
    timm = build_real(name, opt_timm, kwargs)
    schedule = sa.schedule(opt, curve, "weight_decay", **kwargs)
    for t in range(1, 80):
        opt.step()
        schedule.step()
        timm.step(t)
        assert rel_diff(values(opt, "weight_decay"), values(opt_timm, "lr")) <= 1e-12
    assert sa.curve_from_spec(schedule.curve.spec()) == schedule.curve


def test_curve_floors_are_fractions_of_the_base() -> None:
    """``min_ratio`` / ``warmup_init_ratio`` = timm's ``lr_min`` / ``warmup_lr_init`` divided
    by the base (one group)."""
    opt_timm = make_optimizer(bases=(0.1,))
    timm = build_real(
        "CosineLRScheduler",
        opt_timm,
        {"t_initial": 10, "lr_min": 0.01, "warmup_t": 3, "warmup_lr_init": 0.001},
    )
    curve = ours.TimmCosineCurve(t_initial=10, min_ratio=0.1, warmup_t=3, warmup_init_ratio=0.01)
    for t in range(1, 30):
        timm.step(t)
        assert 0.1 * curve(t) == pytest.approx(opt_timm.param_groups[0]["lr"], rel=1e-12)


# -- WSDLRScheduler specifics ----------------------------------------------------------------------
WSD_BAD: list[dict[str, Any]] = [
    {"t_initial": 5, "decay_t": 6},
    {"t_initial": 5, "decay_t": 0},
    {"t_initial": 0, "decay_t": 0},
    {"t_initial": 5, "decay_t": 2, "lr_min": -1.0},
    {"t_initial": 5, "decay_t": 2, "stable_fn": "x"},
    {"t_initial": 5, "decay_t": 2, "decay_fn": "x"},
    {"t_initial": 5, "decay_t": 2, "decay_ratio": 1.0},
    {"t_initial": 5, "decay_t": 2, "decay_power": 0.0},
    {"t_initial": 5, "decay_t": 2, "stable_power": -1.0},
    {"t_initial": 5, "decay_t": 2, "stable_fn": "rsqrt"},  # no warmup, no timescale
    {"t_initial": 5, "decay_t": 2, "stable_fn": "power", "stable_timescale": 0},
]


@pytest.mark.parametrize("kwargs", WSD_BAD)
def test_wsd_refuses_what_timm_refuses(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        build_real("WSDLRScheduler", make_optimizer(), kwargs)
    opt = make_optimizer()
    with pytest.raises(ValueError):
        ours.WSDLRScheduler(opt, **kwargs)
    assert "initial_lr" not in opt.param_groups[0]


def test_wsd_attributes_and_cycle_length_as_timm() -> None:
    for kwargs in WSD_ATTRIBUTE_CASES:
        real = build_real("WSDLRScheduler", make_optimizer(), kwargs)
        mine = ours.WSDLRScheduler(make_optimizer(), **kwargs)
        for cycles in (0, 1, 3):
            assert mine.get_cycle_length(cycles) == real.get_cycle_length(cycles)
        for name in (
            "t_initial", "decay_t", "lr_min", "stable_fn", "stable_timescale", "stable_power",
            "decay_fn", "decay_power", "decay_ratio", "warmup_t", "warmup_lr_init",
        ):  # fmt: skip
            assert getattr(mine, name) == getattr(real, name), name
        assert mine.warmup_steps == real.warmup_steps


WSD_ATTRIBUTE_CASES: list[dict[str, Any]] = [
    {"t_initial": 30, "decay_t": 10},
    {"t_initial": 30, "decay_t": 10, "warmup_t": 4, "stable_fn": "rsqrt", "warmup_lr_init": 1e-3},
    {"t_initial": 30, "decay_t": 10, "stable_fn": "power", "stable_timescale": 2.5},
    {"t_initial": 30, "decay_t": 30, "decay_fn": quadratic_decay},
]


def test_wsd_holds_lr_min_after_the_schedule_and_steps_short_of_it_before() -> None:
    """timm's note: ``lr_min`` from ``warmup_t + t_initial`` on, not at the last step."""
    opt = make_optimizer()
    s = ours.WSDLRScheduler(opt, t_initial=20, decay_t=5, lr_min=1e-4, warmup_t=2)
    s.step(21)
    assert all(v > 1e-4 for v in values(opt, "lr"))
    for t in (22, 23, 500):
        s.step(t)
        assert values(opt, "lr") == [1e-4] * 3


def test_wsd_callable_decay_fn_is_recorded_by_name() -> None:
    opt = make_optimizer("weight_decay")
    kwargs: dict[str, Any] = {"t_initial": 30, "decay_t": 10, "decay_fn": quadratic_decay}
    s = ours.WSDLRScheduler(opt, **kwargs, schedule_target="weight_decay")
    s.step(25)
    state = roundtrip(s.state_dict())
    assert state["config"]["decay_fn"] == "function:quadratic_decay"
    assert s.decay_fn is quadratic_decay
    again = ours.WSDLRScheduler(
        make_optimizer("weight_decay"), **kwargs, schedule_target="weight_decay"
    )
    again.load_state_dict(state)
    assert again.get_last_lr() == s.get_last_lr()
    other = ours.WSDLRScheduler(
        make_optimizer("weight_decay"),
        **{**kwargs, "decay_fn": "linear"},
        schedule_target="weight_decay",
    )
    with pytest.raises(ValueError, match="rebuild it with the saved arguments"):
        other.load_state_dict(state)


def test_wsd_curve_floors_are_fractions_of_the_base() -> None:
    """``min_ratio`` / ``warmup_init_ratio`` = timm's ``lr_min`` / ``warmup_lr_init`` over the
    base (one group), the rsqrt clamp at ``lr_min`` included."""
    opt_timm = make_optimizer(bases=(0.1,))
    kwargs: dict[str, Any] = {"t_initial": 200, "decay_t": 40, "stable_fn": "rsqrt"}
    timm = build_real(
        "WSDLRScheduler",
        opt_timm,
        {**kwargs, "lr_min": 0.02, "warmup_t": 3, "warmup_lr_init": 0.001},
    )
    curve = ours.TimmWSDCurve(**kwargs, min_ratio=0.2, warmup_t=3, warmup_init_ratio=0.01)
    for t in range(1, 260):
        timm.step(t)
        assert 0.1 * curve(t) == pytest.approx(opt_timm.param_groups[0]["lr"], rel=1e-12)


def test_wsd_curve_takes_names_only() -> None:
    with pytest.raises(ValueError, match="decay_fn"):
        ours.TimmWSDCurve(t_initial=10, decay_t=4, decay_fn=quadratic_decay)  # type: ignore[arg-type]


# -- the factories ---------------------------------------------------------------------------------
FACTORY = TIMM["scheduler_factory"]
#: Every name timm's create_scheduler_v2 takes (its docstring's list; test_unknown_... checks
#: that timm refuses others).
TIMM_SCHED_NAMES = (
    "cosine", "tanh", "step", "multistep", "poly", "wsd", "rsqrt", "constant", "plateau", "none",
)  # fmt: skip
FACTORY_CONFIGS: list[dict[str, Any]] = [
    {},  # timm's defaults (300 epochs)
    {
        "num_epochs": 60, "warmup_epochs": 5, "warmup_lr": 1e-4, "min_lr": 1e-5,
        "cooldown_epochs": 3, "decay_epochs": 20,
    },
    {
        "num_epochs": 50, "warmup_epochs": 4, "warmup_prefix": True, "noise": (0.2, 0.7),
        "noise_pct": 0.3, "noise_std": 0.5, "noise_seed": 11, "cycle_limit": 3,
        "cycle_decay": 0.5, "cycle_mul": 1.5, "k_decay": 1.5, "decay_epochs": 0.3,
        "decay_rate": 0.5, "decay_fn": "cosine",
    },
    {
        "num_epochs": 70, "decay_rate": 0.5, "decay_milestones": (10, 25, 40), "patience_epochs": 2,
        "plateau_mode": "min", "noise": 0.5, "decay_epochs": 25, "stable_timescale": 4,
        "min_lr": 1e-3, "cooldown_epochs": 5,
    },
    {"num_epochs": 40, "warmup_epochs": 6, "noise": [0.25], "decay_epochs": 7, "decay_fn": "exp"},
]  # fmt: skip
METRIC_OF_EPOCH = [1.0 / (1 + (e // 7)) for e in range(EPOCHS + 1)]  # plateaus of 7 epochs


def factory_loop(on_epochs: bool) -> Iterator[tuple[str, int, float]]:
    for method, t in timm_loop(on_epochs):
        yield method, t, METRIC_OF_EPOCH[t] if method == "step" else 0.0


@pytest.mark.parametrize("on_epochs", [True, False])
@pytest.mark.parametrize("config", range(len(FACTORY_CONFIGS)))
@pytest.mark.parametrize("sched", TIMM_SCHED_NAMES)
def test_create_scheduler_v2_as_timm(sched: str, config: int, on_epochs: bool) -> None:
    """Each name: the same class, the same returned epochs, the same values at every step of a
    long run (on ``lr``, and ours on ``weight_decay`` too)."""
    kwargs = {
        **FACTORY_CONFIGS[config],
        "sched": sched,
        "step_on_epochs": on_epochs,
        "updates_per_epoch": UPDATES_PER_EPOCH,
    }
    if sched == "plateau" and not on_epochs:
        with pytest.raises(AssertionError):
            FACTORY.create_scheduler_v2(make_optimizer(), **kwargs)
        with pytest.raises(ValueError, match="step_on_epochs=True"):
            ours.create_scheduler_v2(make_optimizer(), **kwargs)
        return
    opt_timm, opt_lr, opt_wd = make_optimizer(), make_optimizer(), make_optimizer("weight_decay")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            timm, timm_epochs = FACTORY.create_scheduler_v2(opt_timm, **kwargs)
    except ValueError:  # "rsqrt" with timm's defaults: no warmup, so no timescale
        with pytest.raises(ValueError, match="stable_timescale"):
            ours.create_scheduler_v2(opt_lr, **kwargs)
        assert (sched, config) == ("rsqrt", 0)
        return
    mine, epochs = ours.create_scheduler_v2(opt_lr, **kwargs)
    mine_wd, epochs_wd = ours.create_scheduler_v2(opt_wd, **kwargs, schedule_target="weight_decay")
    assert epochs == epochs_wd == timm_epochs
    assert type(epochs) is type(timm_epochs)
    if timm is None:
        assert mine is None and mine_wd is None
        assert values(opt_lr, "lr") == values(opt_timm, "lr") == list(BASES)
        return
    assert type(mine).__name__ == type(mine_wd).__name__ == type(timm).__name__
    assert mine_wd is not None and mine_wd.schedule_target == "weight_decay"
    worst = rel_diff(values(opt_lr, "lr"), values(opt_timm, "lr"))
    worst = max(worst, rel_diff(values(opt_wd, "weight_decay"), values(opt_timm, "lr")))
    compared, changed = 1, False
    for method, t, metric in factory_loop(on_epochs):
        for scheduler in (timm, mine, mine_wd):
            getattr(scheduler, method)(t, metric)
        expected = values(opt_timm, "lr")
        worst = max(worst, rel_diff(values(opt_lr, "lr"), expected))
        worst = max(worst, rel_diff(values(opt_wd, "weight_decay"), expected))
        compared += 1
        changed = changed or expected != list(BASES)
    record("timm", f"create_scheduler_v2('{sched}')", worst, compared * 2 * len(BASES))
    assert worst <= 1e-12, f"{sched} {kwargs}: max relative difference {worst}"
    # the run moved the values (timm's defaults: "step" decays at epoch 90, "constant" holds)
    assert changed or config == 0


def test_the_factory_names_are_timms() -> None:
    assert set(ours.SCHEDULER_NAMES) == set(TIMM_SCHED_NAMES)
    for name in TIMM_SCHED_NAMES:  # timm builds each one
        kwargs = {"num_epochs": 20, "warmup_epochs": 2}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            FACTORY.create_scheduler_v2(make_optimizer(), sched=name, **kwargs)


@pytest.mark.parametrize("sched", ["cosin", "linear", "Cosine", ""])
def test_unknown_sched_names_fail_as_in_timm(sched: str) -> None:
    with pytest.raises(ValueError, match="Unknown scheduler"):
        FACTORY.create_scheduler_v2(make_optimizer(), sched=sched)
    opt = make_optimizer()
    with pytest.raises(ValueError, match=r"Unknown scheduler .* sched must be one of"):
        ours.create_scheduler_v2(opt, sched=sched)
    assert "initial_lr" not in opt.param_groups[0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sched": "wsd", "num_epochs": 10, "warmup_epochs": 10},  # no stable + decay left
        {"sched": "wsd", "num_epochs": 10, "decay_epochs": 11},
        {"sched": "rsqrt", "num_epochs": 10, "decay_epochs": 2},  # no warmup, no timescale
        {"sched": "cosine", "step_on_epochs": False},  # no updates_per_epoch
    ],
)
def test_factory_refuses_what_timm_refuses(kwargs: dict[str, Any]) -> None:
    with pytest.raises((ValueError, AssertionError)):
        FACTORY.create_scheduler_v2(make_optimizer(), **kwargs)
    with pytest.raises(ValueError):
        ours.create_scheduler_v2(make_optimizer(), **kwargs)


ARGS: list[dict[str, Any]] = [
    {"sched": "cosine"},  # every other field from timm's defaults
    {
        "sched": "wsd", "epochs": 40, "warmup_epochs": 3, "decay_epochs": 0.25, "min_lr": 1e-5,
        "lr_decay_fn": "linear", "sched_on_updates": True, "eval_metric": "loss", "seed": 5,
        "lr_noise": [0.1, 0.9], "lr_noise_pct": 0.2, "lr_noise_std": 0.4,
    },
    {
        "sched": "plateau", "epochs": 60, "patience_epochs": 3, "decay_rate": 0.5,
        "eval_metric": "top5", "warmup_epochs": 0, "cooldown_epochs": 2,
    },
    {
        "sched": "rsqrt", "epochs": 50, "warmup_epochs": 5, "lr_stable_timescale": 3,
        "warmup_prefix": True, "lr_cycle_mul": 2.0, "lr_k_decay": 0.5,
    },
    {"sched": "multistep", "epochs": 50, "decay_milestones": [5, 20], "lr_cycle_limit": 2},
]  # fmt: skip


@pytest.mark.parametrize("args", ARGS)
@pytest.mark.parametrize("decreasing", [None, True, False])
def test_scheduler_kwargs_as_timm(args: dict[str, Any], decreasing: bool | None) -> None:
    cfg = types.SimpleNamespace(**args)
    assert ours.scheduler_kwargs(cfg, decreasing) == FACTORY.scheduler_kwargs(cfg, decreasing)


def test_scheduler_kwargs_needs_sched_as_timm() -> None:
    with pytest.raises(AttributeError):
        FACTORY.scheduler_kwargs(types.SimpleNamespace(epochs=3))
    with pytest.raises(AttributeError):
        ours.scheduler_kwargs(types.SimpleNamespace(epochs=3))


@pytest.mark.parametrize("args", ARGS)
def test_create_scheduler_as_timm(args: dict[str, Any]) -> None:
    cfg = types.SimpleNamespace(**args)
    on_epochs = not args.get("sched_on_updates", False)
    opt_timm, opt = make_optimizer(), make_optimizer("weight_decay")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        timm, timm_epochs = FACTORY.create_scheduler(cfg, opt_timm, UPDATES_PER_EPOCH)
    mine, epochs = ours.create_scheduler(
        cfg, opt, updates_per_epoch=UPDATES_PER_EPOCH, schedule_target="weight_decay"
    )
    assert epochs == timm_epochs and type(mine).__name__ == type(timm).__name__
    worst, compared = rel_diff(values(opt, "weight_decay"), values(opt_timm, "lr")), 1
    for method, t, metric in factory_loop(on_epochs):
        getattr(timm, method)(t, metric)
        getattr(mine, method)(t, metric)
        worst = max(worst, rel_diff(values(opt, "weight_decay"), values(opt_timm, "lr")))
        compared += 1
    record("timm", "create_scheduler(args)", worst, compared * len(BASES))
    assert worst <= 1e-12
