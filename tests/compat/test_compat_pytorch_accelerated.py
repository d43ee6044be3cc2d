"""Our seed-003 schedulers against the real pytorch-accelerated 0.1.61, side by side.

* The scenarios of pytorch-accelerated's own scheduler tests (``test/scheduler`` in its sdist:
  3 for the bases, 8 for the cosine, and the WSD ones), written here for both
  implementations: every assertion runs on theirs and on ours.
* Parity: the same value at every update, on 3 param groups with different values, on ``lr``
  and on ``weight_decay``, over long runs; the largest relative difference is printed.
* The real ``Trainer``: ``create_scheduler_fn`` from ours and from theirs give the same value
  at every optimizer update of a tiny CPU run.
* Their state dicts load into ours, and the resumed run continues as theirs does.
"""

from __future__ import annotations

import copy
import inspect
import math
from typing import Any

import pytest
import torch

pa = pytest.importorskip("pytorch_accelerated")
from parity import record  # noqa: E402
from pytorch_accelerated import Trainer  # noqa: E402
from pytorch_accelerated import schedulers as theirs  # noqa: E402
from pytorch_accelerated.trainer import TrainerWithTimmScheduler  # noqa: E402

import torch_schedule_anything as sa  # noqa: E402
from torch_schedule_anything.wsd_scheduler import WSDLrScheduler  # noqa: E402

pytestmark = pytest.mark.compat

IMPLEMENTATIONS = {
    "theirs": (
        theirs.SchedulerBase,
        theirs.StatefulSchedulerBase,
        theirs.CosineLrScheduler,
        theirs.WSDLrScheduler,
    ),
    "ours": (sa.SchedulerBase, sa.StatefulSchedulerBase, sa.CosineLrScheduler, WSDLrScheduler),
}
impl = pytest.mark.parametrize("side", list(IMPLEMENTATIONS))
#: The largest relative difference allowed between their values and ours.
TOLERANCE = 1e-12


def two_group_sgd(lr_1: float, lr_2: float) -> torch.optim.SGD:
    """Their tests' optimizer: a Linear(2, 1), weight and bias in two groups."""
    weight, bias = torch.nn.Linear(2, 1).parameters()
    return torch.optim.SGD([{"params": weight}, {"params": bias, "lr": lr_2}], lr=lr_1)


def three_groups(key: str) -> torch.optim.AdamW:
    """Three groups whose ``lr`` and ``weight_decay`` all differ."""
    params = [torch.nn.Parameter(torch.zeros(2)) for _ in range(3)]
    groups = [
        {"params": [params[0]], "lr": 3e-3, "weight_decay": 0.05},
        {"params": [params[1]], "lr": 1e-3, "weight_decay": 0.01},
        {"params": [params[2]], "lr": 2.5e-4, "weight_decay": 0.0},
    ]
    if key == "weight_decay":
        groups[2]["weight_decay"] = 0.002
    return torch.optim.AdamW(groups)


def values(optimizer: torch.optim.Optimizer, key: str = "lr") -> list[float]:
    return [float(g[key]) for g in optimizer.param_groups]


def run(scheduler: Any, steps: int, key: str = "lr") -> list[list[float]]:
    """The field after each of ``steps`` optimizer updates + ``scheduler.step()``."""
    out = []
    for _ in range(steps):
        scheduler.optimizer.step()
        scheduler.step()
        out.append(values(scheduler.optimizer, key))
    return out


def max_relative_difference(a: list[list[float]], b: list[list[float]]) -> float:
    assert len(a) == len(b) and all(len(x) == len(y) for x, y in zip(a, b))
    worst = 0.0
    for row_a, row_b in zip(a, b):
        for x, y in zip(row_a, row_b):
            scale = max(abs(x), abs(y))
            worst = max(worst, 0.0 if scale == 0 else abs(x - y) / scale)
    return worst


# -- their base-class scenarios --------------------------------------------------------------
def make_equal_iteration(side: str, stateful: bool) -> type:
    base, stateful_base, _, _ = IMPLEMENTATIONS[side]

    class EqualIteration(stateful_base if stateful else base):  # type: ignore[misc,valid-type]
        def get_updated_values(self, num_updates: int) -> int:
            return num_updates

        if stateful:  # their StatefulSchedulerBase declares these abstract

            def state_dict(self) -> None:
                return None

            def load_state_dict(self, scheduler_state_dict: Any) -> None:
                return None

    return EqualIteration


@impl
def test_the_initial_value_is_recorded_at_construction(side: str) -> None:
    opt = two_group_sgd(0.01, 0.001)
    make_equal_iteration(side, stateful=False)(opt)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.01, 0.001]


@impl
def test_stateless_step_update_writes_the_values_for_that_count(side: str) -> None:
    opt = two_group_sgd(0.01, 0.001)
    scheduler = make_equal_iteration(side, stateful=False)(opt)
    assert values(opt) == [0.01, 0.001]  # get_updated_values(0) is not written
    scheduler.step_update(1)
    assert values(opt) == [1, 1]


@impl
def test_stateful_step_k_writes_the_values_for_k_minus_1(side: str) -> None:
    opt = two_group_sgd(0.01, 0.001)
    scheduler = make_equal_iteration(side, stateful=True)(opt)
    assert values(opt) == [0.01, 0.001]
    assert run(scheduler, 2) == [[0, 0], [1, 1]]


# -- their cosine scenarios ------------------------------------------------------------------
def cosine(side: str, opt: torch.optim.Optimizer, **kwargs: Any) -> Any:
    return IMPLEMENTATIONS[side][2](opt, **kwargs)


@impl
def test_cosine_peak_is_the_base_and_comes_first(side: str) -> None:
    s = cosine(
        side, two_group_sgd(0.01, 0.002), total_num_epochs=300, num_update_steps_per_epoch=10
    )
    seen = run(s, 3000)
    for g, peak in enumerate((0.01, 0.002)):
        assert seen[0][g] == peak == max(v[g] for v in seen)


@pytest.mark.parametrize("side", list(IMPLEMENTATIONS))
@pytest.mark.parametrize(
    ("option", "expected"),
    [({"lr_min": 1e-4}, (1e-4, 1e-4)), ({"min_lr_ratio": 0.5}, (0.005, 0.001))],
)
def test_cosine_ends_at_the_minimum(side: str, option: dict[str, float], expected: Any) -> None:
    s = cosine(
        side,
        two_group_sgd(0.01, 0.002),
        total_num_epochs=1,
        num_update_steps_per_epoch=10,
        **option,
    )
    seen = run(s, 11)
    for g in range(2):
        assert seen[-1][g] == expected[g] == min(v[g] for v in seen)


@impl
def test_cosine_cooldown_holds_the_minimum(side: str) -> None:
    s = cosine(
        side,
        two_group_sgd(0.01, 0.002),
        total_num_epochs=10,
        num_update_steps_per_epoch=10,
        lr_min=1e-6,
        num_cooldown_epochs=2,
    )
    assert run(s, 100)[-20:] == [[1e-6, 1e-6]] * 20


@pytest.mark.parametrize("side", list(IMPLEMENTATIONS))
@pytest.mark.parametrize("ratio", [None, 0.01])
@pytest.mark.parametrize("cooldown", [0, 2])
def test_cosine_warmup_starts_low_and_peaks_after_w_updates(
    side: str, ratio: float | None, cooldown: int
) -> None:
    s = cosine(
        side,
        two_group_sgd(0.01, 0.002),
        total_num_epochs=10,
        num_update_steps_per_epoch=10,
        num_warmup_epochs=2,
        warmup_starting_lr=1e-6,
        warmup_starting_lr_ratio=ratio,
        lr_min=1e-6,
        num_cooldown_epochs=cooldown,
    )
    seen = run(s, 100)
    starts = (1e-6, 1e-6) if ratio is None else (ratio * 0.01, ratio * 0.002)
    for g in range(2):
        assert seen[0][g] == starts[g]
        assert seen[20][g] == max(v[g] for v in seen)
    if cooldown:
        assert seen[-20:] == [[1e-6, 1e-6]] * 20


@impl
def test_cosine_resumes_from_its_state_dict(side: str) -> None:
    kwargs = dict(
        total_num_epochs=10,
        num_update_steps_per_epoch=10,
        num_warmup_epochs=2,
        warmup_starting_lr=1e-6,
        lr_min=1e-6,
        num_cooldown_epochs=2,
    )
    opt = two_group_sgd(0.01, 0.002)
    s = cosine(side, opt, **kwargs)
    run(s, 1)
    saved, saved_opt = s.state_dict(), opt.state_dict()
    expected = run(s, 1)
    opt.load_state_dict(saved_opt)
    fresh = cosine(side, opt, **kwargs)
    fresh.load_state_dict(saved)
    assert run(fresh, 1) == expected


# -- their WSD scenarios (the ones about values; see also the parity runs) -------------------
@impl
def test_wsd_resumes_from_its_state_dict(side: str) -> None:
    opt = two_group_sgd(0.01, 0.002)
    make = IMPLEMENTATIONS[side][3]
    s = make(opt, total_steps=1000, num_checkpoints=2)
    run(s, 1)
    saved, saved_opt = s.state_dict(), opt.state_dict()
    expected = run(s, 1)
    opt.load_state_dict(saved_opt)
    fresh = make(opt, total_steps=1000, num_checkpoints=2)
    fresh.load_state_dict(saved)
    assert run(fresh, 1) == expected


@impl
def test_wsd_continuation_keeps_the_new_length_and_starts_stable(side: str) -> None:
    make = IMPLEMENTATIONS[side][3]
    opt = two_group_sgd(0.01, 0.01)
    first = make(opt, total_steps=100, num_checkpoints=1, decay_phase_ratio=0.1)
    run(first, 91)
    state = first.state_dict()
    continued = make(opt, total_steps=50, is_continuation_from_checkpoint=True)
    continued.load_state_dict(state)
    assert continued.total_steps == 50
    assert continued.previous_checkpoint_step is None
    seen = [v[0] for v in run(continued, 51)]
    decay_start = int(50 * (1 - continued.decay_phase_ratio))
    assert all(v == 0.01 for v in seen[:decay_start])
    assert seen[decay_start + 1] < 0.01
    assert seen[-1] <= 0.01 * continued.lr_min * 1.1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"decay_phase_ratio": 1.5},
        {"total_steps": 0},
        {"lr_min": -0.1},
        {"num_checkpoints": 0},
        {"num_checkpoints": 3, "decay_phase_ratio": 0.5},
        {"warmup_starting_lr": 1.0},
    ],
)
def test_wsd_refuses_what_theirs_refuses(kwargs: dict[str, Any]) -> None:
    """Theirs asserts (AssertionError, gone under ``python -O``) or raises ValueError; ours
    raises ValueError naming the argument, and the optimizer is left as it was."""
    arguments = {"total_steps": 1000, **kwargs}
    with pytest.raises((AssertionError, ValueError)):
        theirs.WSDLrScheduler(two_group_sgd(0.01, 0.01), **arguments)
    opt = two_group_sgd(0.01, 0.01)
    with pytest.raises(ValueError):
        WSDLrScheduler(opt, **arguments)
    assert "initial_lr" not in opt.param_groups[0]


# -- parity over long runs -------------------------------------------------------------------
COSINE_CASES: dict[str, dict[str, Any]] = {
    "plain": {"total_num_epochs": 50, "num_update_steps_per_epoch": 7},
    "warmup+cooldown": {
        "total_num_epochs": 30,
        "num_update_steps_per_epoch": 11,
        "num_warmup_epochs": 4,
        "num_cooldown_epochs": 3,
        "lr_min": 1e-5,
        "warmup_starting_lr": 1e-7,
    },
    "ratios+k_decay": {
        "total_num_epochs": 25,
        "num_update_steps_per_epoch": 13,
        "num_warmup_epochs": 3,
        "min_lr_ratio": 0.05,
        "warmup_starting_lr_ratio": 0.1,
        "k_decay": 1.7,
    },
    "short warmup>half": {
        "total_num_epochs": 10,
        "num_update_steps_per_epoch": 5,
        "num_warmup_epochs": 6,
        "k_decay": 0.5,
    },
}
WSD_CASES: dict[str, dict[str, Any]] = {
    "sqrt, 1 checkpoint": {"total_steps": 1200, "num_warmup_steps": 50},
    "inverse, 3 checkpoints": {
        "num_epochs": 20,
        "num_update_steps_per_epoch": 60,
        "num_checkpoints": 3,
        "decay_phase_ratio": 0.2,
        "use_inverse_sqrt_decay": False,
        "lr_min": 0.01,
        "num_warmup_steps": None,
    },
    "sqrt, 4 checkpoints": {
        "total_steps": 2000,
        "num_checkpoints": 4,
        "decay_phase_ratio": 0.3,
        "warmup_starting_lr": 0.0,
        "num_warmup_steps": 37,
    },
}
#: What each parity run measured, for the report printed at the end of the module.
MEASURED: dict[str, tuple[float, int]] = {}


def _parity(
    make_theirs: type, make_ours: type, key: str, kwargs: dict[str, Any], steps: int
) -> float:
    opt_theirs, opt_ours = three_groups(key), three_groups(key)
    s_theirs = _theirs_on_field(make_theirs, key)(opt_theirs, **kwargs)
    s_ours = make_ours(opt_ours, param_group_field=key, **kwargs)
    assert values(opt_theirs, key) == values(opt_ours, key)  # at construction
    assert s_theirs.base_lr_values == s_ours.base_lr_values
    return max_relative_difference(run(s_theirs, steps, key), run(s_ours, steps, key))


def _theirs_on_field(cls: type, key: str) -> type:
    """Their scheduler on ``key``: their CosineLrScheduler/WSDLrScheduler call
    ``super().__init__(optimizer)`` (``lr``); a class placed between them and their base in
    the MRO passes ``key`` on (their base class takes any field)."""

    class OnKey(theirs.StatefulSchedulerBase):  # type: ignore[misc]
        def __init__(self, optimizer: Any, param_group_field: str = "lr") -> None:
            super().__init__(optimizer, param_group_field=key)

    return type(f"{cls.__name__}On{key}", (cls, OnKey), {})


@pytest.mark.parametrize("key", ["lr", "weight_decay"])
@pytest.mark.parametrize("case", list(COSINE_CASES))
def test_cosine_parity(case: str, key: str) -> None:
    kwargs = COSINE_CASES[case]
    steps = kwargs["total_num_epochs"] * kwargs["num_update_steps_per_epoch"] + 25
    diff = _parity(theirs.CosineLrScheduler, sa.CosineLrScheduler, key, kwargs, steps)
    MEASURED[f"CosineLrScheduler {case} [{key}]"] = (diff, steps)
    record("pytorch-accelerated", f"CosineLrScheduler {case} [{key}]", diff, steps)
    assert diff <= TOLERANCE


@pytest.mark.parametrize("key", ["lr", "weight_decay"])
@pytest.mark.parametrize("case", list(WSD_CASES))
def test_wsd_parity(case: str, key: str) -> None:
    kwargs = WSD_CASES[case]
    total = kwargs.get("total_steps") or kwargs["num_epochs"] * kwargs["num_update_steps_per_epoch"]
    steps = total + 25
    diff = _parity(theirs.WSDLrScheduler, WSDLrScheduler, key, kwargs, steps)
    MEASURED[f"WSDLrScheduler {case} [{key}]"] = (diff, steps)
    record("pytorch-accelerated", f"WSDLrScheduler {case} [{key}]", diff, steps)
    assert diff <= TOLERANCE


def _milestones(side: str, stateful: bool) -> type:
    """A user's chainable subclass (reads the optimizer), written once for both sides."""
    base, stateful_base, _, _ = IMPLEMENTATIONS[side]

    class Milestones(stateful_base if stateful else base):  # type: ignore[misc,valid-type]
        def __init__(self, optimizer: Any, every: int = 7, gamma: float = 0.7) -> None:
            super().__init__(optimizer, param_group_field="weight_decay")
            self.every, self.gamma = every, gamma

        def get_updated_values(self, num_updates: int) -> Any:
            if num_updates % self.every == 0 and num_updates > 0:
                return [g["weight_decay"] * self.gamma for g in self.optimizer.param_groups]
            return None

        def state_dict(self) -> dict[str, Any]:
            return {"num_updates": getattr(self, "_num_updates", None)}

        def load_state_dict(self, state: dict[str, Any]) -> None:
            self._num_updates = state["num_updates"]

    return Milestones


@pytest.mark.parametrize("stateful", [True, False])
def test_user_subclass_parity(stateful: bool) -> None:
    opts = {side: three_groups("weight_decay") for side in IMPLEMENTATIONS}
    made = {side: _milestones(side, stateful)(opts[side]) for side in IMPLEMENTATIONS}
    seen: dict[str, list[list[float]]] = {side: [] for side in IMPLEMENTATIONS}
    for n in range(1, 201):
        for side, s in made.items():
            opts[side].step()
            s.step() if stateful else s.step_update(n)
            seen[side].append(values(opts[side], "weight_decay"))
    diff = max_relative_difference(seen["theirs"], seen["ours"])
    MEASURED[f"{'Stateful' if stateful else ''}SchedulerBase subclass [weight_decay]"] = (diff, 200)
    record(
        "pytorch-accelerated",
        f"{'Stateful' if stateful else ''}SchedulerBase subclass [weight_decay]",
        diff,
        200,
    )
    assert diff <= TOLERANCE


# -- the real Trainer --------------------------------------------------------------------------
class RecordingTrainer(Trainer):
    """Records each group's lr and weight decay as each optimizer update uses them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.used: list[list[float]] = []

    def optimizer_step(self) -> None:
        groups = self.optimizer.param_groups
        self.used.append([float(g[k]) for g in groups for k in ("lr", "weight_decay")])
        super().optimizer_step()


def _train(create_scheduler_fn: Any) -> list[list[float]]:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    first, second = list(model[0].parameters()), list(model[2].parameters())
    opt = torch.optim.AdamW(
        [{"params": first, "lr": 1e-2}, {"params": second, "lr": 3e-3, "weight_decay": 0.1}]
    )
    data = torch.utils.data.TensorDataset(torch.randn(24, 3), torch.randn(24, 1))
    trainer = RecordingTrainer(model, torch.nn.MSELoss(), opt, callbacks=())
    trainer.train(
        train_dataset=data,
        num_epochs=4,
        per_device_batch_size=4,
        create_scheduler_fn=create_scheduler_fn,
    )
    return trainer.used


@pytest.mark.parametrize("name", ["cosine", "cosine+warmup", "wsd", "wsd+warmup epochs"])
def test_real_trainer_gives_the_same_values(name: str) -> None:
    factories = {
        "cosine": lambda cls: cls.create_scheduler_fn(),
        "cosine+warmup": lambda cls: cls.create_scheduler_fn(
            num_warmup_epochs=1, num_cooldown_epochs=1, lr_min=1e-4
        ),
        "wsd": lambda cls: cls.create_scheduler_fn(decay_phase_ratio=0.25),
        "wsd+warmup epochs": lambda cls: cls.create_scheduler_fn(
            num_warmup_epochs=1, decay_phase_ratio=0.3, use_inverse_sqrt_decay=False, lr_min=0.1
        ),
    }
    pair = (
        (theirs.CosineLrScheduler, sa.CosineLrScheduler)
        if name.startswith("cosine")
        else (theirs.WSDLrScheduler, WSDLrScheduler)
    )
    expected = _train(factories[name](pair[0]))
    got = _train(factories[name](pair[1]))
    assert len(got) == len(expected) == 24
    diff = max_relative_difference(expected, got)
    MEASURED[f"Trainer + create_scheduler_fn: {name}"] = (diff, len(got))
    record("pytorch-accelerated", f"Trainer + create_scheduler_fn: {name}", diff, len(got))
    assert diff <= TOLERANCE
    assert len({tuple(v) for v in got}) > 3  # the schedule moved


def test_create_scheduler_fn_outside_the_trainer_says_what_to_give() -> None:
    make = sa.CosineLrScheduler.create_scheduler_fn(num_warmup_epochs=1)
    with pytest.raises(TypeError, match="placeholder NUM_EPOCHS"):
        make(two_group_sgd(0.1, 0.01))
    s = make(two_group_sgd(0.1, 0.01), total_num_epochs=3, num_update_steps_per_epoch=4)
    assert s.total_iterations == 12
    # their own placeholders are recognised too
    their_fn = sa.CosineLrScheduler.create_scheduler_fn(
        total_num_epochs=pa.TrainerPlaceholderValues.NUM_EPOCHS
    )
    with pytest.raises(TypeError, match="placeholder NUM_EPOCHS"):
        their_fn(two_group_sgd(0.1, 0.01))


def test_timm_trainer_epoch_step_is_refused_not_silent() -> None:
    """TrainerWithTimmScheduler calls step_update(n) per update and step(epoch + 1) per epoch.
    Theirs fails there (their stateful step() takes no argument); ours refuses the count going
    back with a message that names the trainer, instead of resetting it."""
    assert TrainerWithTimmScheduler.eval_epoch_end  # the code path described above
    opt = two_group_sgd(0.1, 0.01)
    s_theirs = theirs.CosineLrScheduler(opt, 2, 5)
    with pytest.raises(TypeError):
        s_theirs.step(2)  # type: ignore[call-arg]
    s = sa.CosineLrScheduler(two_group_sgd(0.1, 0.01), 2, 5)
    for n in range(1, 6):
        s.step_update(n)
    before = values(s.optimizer)
    with pytest.raises(ValueError, match="TrainerWithTimmScheduler"):
        s.step(2)
    assert values(s.optimizer) == before and s.get_current_step() == 5


# -- their state dicts into ours ---------------------------------------------------------------
@pytest.mark.parametrize("stop", [0, 1, 19, 20, 57, 80, 95])
def test_their_cosine_state_dict_resumes_in_ours(stop: int) -> None:
    kwargs = dict(
        total_num_epochs=10,
        num_update_steps_per_epoch=10,
        num_warmup_epochs=2,
        num_cooldown_epochs=1,
        min_lr_ratio=0.1,
        k_decay=1.3,
    )
    opt = three_groups("lr")
    s = theirs.CosineLrScheduler(opt, **kwargs)
    run(s, stop)
    saved, saved_opt = copy.deepcopy(s.state_dict()), copy.deepcopy(opt.state_dict())
    expected = run(s, 30)
    opt2 = three_groups("lr")
    opt2.load_state_dict(saved_opt)
    ours = sa.CosineLrScheduler(opt2, total_num_epochs=3, num_update_steps_per_epoch=2)
    ours.load_state_dict(saved)  # their options replace ours, as loading does there
    assert ours.get_current_step() == saved["num_updates"]
    assert run(ours, 30) == expected


def test_their_wsd_state_dict_loads_as_it_does_there() -> None:
    """Theirs leaves the count out of its dict, so a resumed run restarts its count there;
    ours does the same with their dict (and keeps the count with its own)."""
    results = {}
    for side, make in (("theirs", theirs.WSDLrScheduler), ("ours", WSDLrScheduler)):
        source = theirs.WSDLrScheduler(three_groups("lr"), total_steps=300, num_checkpoints=3)
        run(source, 120)
        saved = copy.deepcopy(source.state_dict())
        target = make(three_groups("lr"), total_steps=300, num_checkpoints=3)
        target.load_state_dict(saved)
        results[side] = run(target, 200)
    assert results["ours"] == results["theirs"]


def test_their_state_dicts_are_checked_before_anything_changes() -> None:
    s = sa.CosineLrScheduler(three_groups("lr"), 10, 10)
    their_state = theirs.CosineLrScheduler(three_groups("lr"), 10, 10).state_dict()
    before = copy.deepcopy(vars(s))
    with pytest.raises(ValueError, match="not attributes"):
        s.load_state_dict({**their_state, "surprise": 1})
    with pytest.raises(TypeError, match="not a number"):
        s.load_state_dict({**their_state, "k_decay": "fast"})
    with pytest.raises(TypeError, match="not a finite number"):
        s.load_state_dict({**their_state, "lr_min": math.nan})
    with pytest.raises(ValueError, match="empty"):
        s.load_state_dict({})
    assert vars(s).keys() == before.keys()
    assert s.get_current_step() == -1


# -- signatures --------------------------------------------------------------------------------
def test_signatures_match_theirs() -> None:
    for ours_cls, theirs_cls in (
        (sa.CosineLrScheduler, theirs.CosineLrScheduler),
        (WSDLrScheduler, theirs.WSDLrScheduler),
    ):
        mine = inspect.signature(ours_cls).parameters
        them = inspect.signature(theirs_cls).parameters
        assert list(mine)[: len(them)] == list(them)
        for name, parameter in them.items():
            assert mine[name].kind == parameter.kind, name
            if name not in ("num_update_steps_per_epoch", "total_num_epochs"):
                assert mine[name].default == parameter.default, name
        fn_mine = inspect.signature(ours_cls.create_scheduler_fn).parameters
        fn_them = inspect.signature(theirs_cls.create_scheduler_fn).parameters
        assert list(fn_mine)[: len(fn_them)] == list(fn_them)


def test_zz_print_parity_table(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints what the parity tests above measured (run with -s to see it)."""
    with capsys.disabled():
        print("\n| case | max rel diff | updates compared |\n|---|---|---|")
        for name, (diff, steps) in MEASURED.items():
            print(f"| {name} | {diff:.3g} | {steps} |")
