"""Parity of ``torch_schedule_anything.compat.transformers`` with HF transformers' schedulers.

Every name ``transformers.get_scheduler`` accepts runs step by step next to the real HF
scheduler (on ``lr``) and ours (on ``lr`` and on ``weight_decay``, which holds the same base
values), over three param groups holding different values and well past
``num_training_steps``; the values must agree to a relative 1e-12 at every step. Resuming from
a state dict (through ``torch.save``/``torch.load(weights_only=True)``) continues exactly.
"""

from __future__ import annotations

import io
import math
import warnings
from typing import Any

import parity
import pytest
import torch
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

import torch_schedule_anything as sa
from torch_schedule_anything.compat import transformers as compat

pytestmark = pytest.mark.compat
transformers = pytest.importorskip("transformers")
hf = pytest.importorskip("transformers.optimization")

#: Each group's value of lr (HF's run) and of lr / weight_decay (ours); group 0 is the default.
BASES = (0.1, 0.03, 0.007)
WARMUP, TRAINING = 10, 100
#: How far each run goes: well past num_training_steps.
STEPS = 3 * TRAINING
TOLERANCE = 1e-12

_wsd = {"num_decay_steps": 30}
CASES: list[tuple[str, int | None, int | None, dict[str, Any]]] = [
    ("linear", WARMUP, TRAINING, {}),
    ("linear", 0, TRAINING, {}),
    ("linear", TRAINING + 20, TRAINING, {}),  # a warmup longer than the run, as HF allows
    ("cosine", WARMUP, TRAINING, {}),
    ("cosine", 0, TRAINING, {"num_cycles": 1.5}),
    ("cosine_with_restarts", WARMUP, TRAINING, {}),
    ("cosine_with_restarts", WARMUP, TRAINING, {"num_cycles": 3}),
    ("polynomial", WARMUP, TRAINING, {}),
    ("polynomial", WARMUP, TRAINING, {"lr_end": 1e-3, "power": 2.0}),
    ("polynomial", 0, TRAINING, {"lr_end": 0.0, "power": 0.5}),
    ("constant", None, None, {}),
    ("constant_with_warmup", WARMUP, None, {}),
    ("inverse_sqrt", WARMUP, None, {}),
    ("inverse_sqrt", 0, None, {}),
    ("inverse_sqrt", WARMUP, None, {"timescale": 25}),
    ("cosine_with_min_lr", WARMUP, TRAINING, {"min_lr_rate": 0.1}),
    ("cosine_with_min_lr", WARMUP, TRAINING, {"min_lr": 1e-3, "num_cycles": 1.0}),
    ("cosine_warmup_with_min_lr", WARMUP, TRAINING, {"min_lr_rate": 0.05}),
    ("cosine_warmup_with_min_lr", WARMUP, TRAINING, {"min_lr": 1e-3, "warmup_lr_rate": 0.2}),
    ("warmup_stable_decay", WARMUP, TRAINING, dict(_wsd)),
    ("warmup_stable_decay", WARMUP, TRAINING, {**_wsd, "min_lr_ratio": 0.1}),
    ("warmup_stable_decay", WARMUP, None, {**_wsd, "num_stable_steps": 40, "num_cycles": 1.0}),
    *[
        ("warmup_stable_decay", WARMUP, TRAINING, {**_wsd, "warmup_type": w, "decay_type": d})
        for w in ("linear", "cosine", "1-sqrt")
        for d in ("linear", "cosine", "1-sqrt")
        if (w, d) != ("linear", "cosine")
    ],
]
#: Every name transformers.get_scheduler accepts (read from transformers itself).
HF_NAMES = [member.value for member in transformers.SchedulerType]
CURVE_NAMES = [n for n in HF_NAMES if n not in ("reduce_lr_on_plateau", "greedy")]

#: The largest relative difference found per name, and the number of values compared.
MEASURED: dict[str, list[float]] = {}


def make_optimizer(with_weight_decay: bool = True) -> torch.optim.SGD:
    """SGD with three param groups whose lr (and weight_decay) differ; defaults = group 0."""
    groups = [
        {"params": [torch.nn.Parameter(torch.zeros(2))], "lr": base, "weight_decay": base}
        for base in BASES
    ]
    return torch.optim.SGD(groups, lr=BASES[0], weight_decay=BASES[0] if with_weight_decay else 0)


def values(optimizer: torch.optim.Optimizer, key: str) -> list[float]:
    return [float(group[key]) for group in optimizer.param_groups]


def relative_difference(ours: list[float], theirs: list[float]) -> float:
    worst = 0.0
    for a, b in zip(ours, theirs, strict=True):
        if a == b:
            continue
        worst = max(worst, abs(a - b) / abs(b) if b != 0 else math.inf)
    return worst


def record(name: str, difference: float, compared: int) -> None:
    entry = MEASURED.setdefault(name, [0.0, 0])
    entry[0] = max(entry[0], difference)
    entry[1] += compared
    parity.record("transformers", name, difference, compared)


def build(
    factory: Any, name: str, optimizer: Any, warmup: Any, training: Any, kwargs: dict[str, Any]
) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither side may warn on these configurations
        return factory(name, optimizer, warmup, training, dict(kwargs))


def ours(target: str) -> Any:
    def factory(name: str, optimizer: Any, *args: Any) -> Any:
        return compat.get_scheduler(name, optimizer, *args, schedule_target=target)

    return factory


def step_all(pairs: list[tuple[torch.optim.Optimizer, Any]], *args: Any) -> None:
    for optimizer, scheduler in pairs:
        optimizer.step()
        scheduler.step(*args)


@pytest.mark.parametrize(
    ("name", "warmup", "training", "kwargs"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_every_step_matches_transformers(
    name: str, warmup: int | None, training: int | None, kwargs: dict[str, Any]
) -> None:
    opt_hf, opt_lr, opt_wd = make_optimizer(), make_optimizer(), make_optimizer()
    theirs = build(hf.get_scheduler, name, opt_hf, warmup, training, kwargs)
    mine_lr = build(ours("lr"), name, opt_lr, warmup, training, kwargs)
    mine_wd = build(ours("weight_decay"), name, opt_wd, warmup, training, kwargs)
    assert isinstance(mine_lr, sa.CurveSchedule) and isinstance(mine_wd, sa.CurveSchedule)
    assert mine_wd.curve.name == f"transformers:{name}"
    pairs = [(opt_hf, theirs), (opt_lr, mine_lr), (opt_wd, mine_wd)]
    worst, compared = 0.0, 0
    for step in range(STEPS + 1):
        if step:
            step_all(pairs)
        expected = values(opt_hf, "lr")
        assert expected == [float(v) for v in theirs.get_last_lr()]
        got_lr, got_wd = values(opt_lr, "lr"), values(opt_wd, "weight_decay")
        difference = max(
            relative_difference(got_lr, expected), relative_difference(got_wd, expected)
        )
        assert difference <= TOLERANCE, (name, step, expected, got_lr, got_wd)
        assert mine_wd.get_last_lr() == got_wd
        assert values(opt_wd, "lr") == list(BASES)  # the other key is left alone
        assert mine_lr.last_epoch == mine_wd.last_epoch == theirs.last_epoch == step
        worst, compared = max(worst, difference), compared + 2 * len(BASES)
    assert mine_wd._step_count == theirs._step_count == STEPS + 1
    record(name, worst, compared)


def plateau_metrics(count: int) -> list[float]:
    """A noisy, mostly improving loss: plateaus make ReduceLROnPlateau act several times."""
    generator = torch.Generator().manual_seed(0)
    noise = torch.rand(count, generator=generator, dtype=torch.float64).tolist()
    return [1.0 / (1 + (t // 25)) + 0.05 * n for t, n in enumerate(noise)]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"patience": 3, "factor": 0.5, "cooldown": 2, "min_lr": 1e-3},
        {"mode": "max", "patience": 1, "threshold": 0.01, "threshold_mode": "abs"},
    ],
)
def test_reduce_lr_on_plateau_matches_transformers(kwargs: dict[str, Any]) -> None:
    name = "reduce_lr_on_plateau"
    opt_hf, opt_lr, opt_wd = make_optimizer(), make_optimizer(), make_optimizer()
    theirs = build(hf.get_scheduler, name, opt_hf, None, None, kwargs)
    mine_lr = build(ours("lr"), name, opt_lr, None, None, kwargs)
    mine_wd = build(ours("weight_decay"), name, opt_wd, None, None, kwargs)
    assert isinstance(theirs, ReduceLROnPlateau)
    assert isinstance(mine_wd, sa.AdaptedSchedule) and isinstance(mine_wd, ReduceLROnPlateau)
    pairs = [(opt_hf, theirs), (opt_lr, mine_lr), (opt_wd, mine_wd)]
    worst, compared, changes = 0.0, 0, 0
    for metric in plateau_metrics(STEPS):
        before = values(opt_hf, "lr")
        step_all(pairs, metric)
        expected = values(opt_hf, "lr")
        changes += expected != before
        got_lr, got_wd = values(opt_lr, "lr"), values(opt_wd, "weight_decay")
        difference = max(
            relative_difference(got_lr, expected), relative_difference(got_wd, expected)
        )
        assert difference <= TOLERANCE, (metric, expected, got_lr, got_wd)
        assert mine_wd.num_bad_epochs == theirs.num_bad_epochs
        assert mine_wd.last_epoch == theirs.last_epoch
        worst, compared = max(worst, difference), compared + 2 * len(BASES)
    assert changes >= 2, "the metrics never made the scheduler act: the test would prove nothing"
    assert values(opt_wd, "lr") == list(BASES)
    record(name, worst, compared)


def test_tensor_values_are_filled_in_place_as_transformers() -> None:
    # float64: HF multiplies in the Tensor's dtype, we in float64 and round once, so float32
    # Tensors differ at float32 rounding (about 1e-7 relative).
    f64 = torch.float64

    def tensor_optimizer() -> torch.optim.SGD:
        groups = [
            {"params": [torch.nn.Parameter(torch.zeros(2))], "lr": torch.tensor(base, dtype=f64)}
            for base in BASES
        ]
        return torch.optim.SGD(groups, lr=torch.tensor(BASES[0], dtype=f64))

    opt_hf, opt = tensor_optimizer(), tensor_optimizer()
    tensors = [group["lr"] for group in opt.param_groups]
    theirs = hf.get_scheduler("cosine", opt_hf, WARMUP, TRAINING)
    mine = compat.get_scheduler("cosine", opt, WARMUP, TRAINING)
    for _ in range(STEPS):
        step_all([(opt_hf, theirs), (opt, mine)])
        assert relative_difference(values(opt, "lr"), values(opt_hf, "lr")) <= TOLERANCE
    assert all(g["lr"] is t for g, t in zip(opt.param_groups, tensors, strict=True))


def test_every_transformers_name_is_covered() -> None:
    assert set(HF_NAMES) == set(compat.SCHEDULER_NAMES)
    assert set(CURVE_NAMES) == {case[0] for case in CASES}
    registered = set(sa.list_curves())
    assert {f"transformers:{name}" for name in CURVE_NAMES} <= registered
    for name in HF_NAMES:  # every get_* function of transformers has its drop-in
        function = hf.TYPE_TO_SCHEDULER_FUNCTION[transformers.SchedulerType(name)]
        assert callable(getattr(compat, function.__name__))


# -- resume --------------------------------------------------------------------------------
def _through_disk(obj: Any) -> Any:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


def _plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, str))


@pytest.mark.parametrize(
    ("name", "warmup", "training", "kwargs"),
    [*CASES, ("reduce_lr_on_plateau", None, None, {"patience": 2, "factor": 0.5})],
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)] + ["reduce_lr_on_plateau"],
)
@pytest.mark.parametrize("split", [WARMUP // 2, TRAINING - 3, TRAINING + 40])
def test_resume_from_state_dict_is_exact(
    name: str, warmup: int | None, training: int | None, kwargs: dict[str, Any], split: int
) -> None:
    metrics = plateau_metrics(STEPS)
    args = (metrics[0],) if name == "reduce_lr_on_plateau" else ()
    build_wd = ours("weight_decay")

    def run(optimizer: Any, scheduler: Any, start: int, stop: int) -> list[list[float]]:
        seen = []
        for t in range(start, stop):
            optimizer.step()
            scheduler.step(*((metrics[t],) if args else ()))
            seen.append(values(optimizer, "weight_decay"))
        return seen

    opt = make_optimizer()
    whole = run(opt, build(build_wd, name, opt, warmup, training, kwargs), 0, STEPS)

    first_opt = make_optimizer()
    first = build(build_wd, name, first_opt, warmup, training, kwargs)
    head = run(first_opt, first, 0, split)
    state = first.state_dict()
    assert _plain(state), state
    saved = _through_disk({"optimizer": first_opt.state_dict(), "schedule": state})

    opt2 = make_optimizer()
    opt2.load_state_dict(saved["optimizer"])
    resumed = build(build_wd, name, opt2, warmup, training, kwargs)
    resumed.load_state_dict(saved["schedule"])
    assert values(opt2, "weight_decay") == whole[split - 1]
    assert resumed.last_epoch == first.last_epoch
    assert head + run(opt2, resumed, split, STEPS) == whole


def test_a_transformers_checkpoint_resumes_in_the_drop_in() -> None:
    """The state dict of HF's LambdaLR (a port's old checkpoint) restores the step."""
    opt_hf = make_optimizer()
    theirs = hf.get_cosine_schedule_with_warmup(opt_hf, WARMUP, TRAINING)
    for _ in range(37):
        step_all([(opt_hf, theirs)])
    saved = _through_disk({"optimizer": opt_hf.state_dict(), "schedule": theirs.state_dict()})
    opt = make_optimizer()
    opt.load_state_dict(saved["optimizer"])
    mine = compat.get_cosine_schedule_with_warmup(opt, WARMUP, TRAINING)
    mine.load_state_dict(saved["schedule"])
    assert mine.last_epoch == theirs.last_epoch == 37
    for _ in range(STEPS):
        assert values(opt, "lr") == values(opt_hf, "lr")
        step_all([(opt_hf, theirs), (opt, mine)])


def test_a_state_dict_of_other_parameters_is_refused() -> None:
    opt = make_optimizer()
    saved = compat.get_cosine_schedule_with_warmup(opt, 10, 100, schedule_target="weight_decay")
    other_opt = make_optimizer()
    other = compat.get_cosine_schedule_with_warmup(
        other_opt, 10, 200, schedule_target="weight_decay"
    )
    before = values(other_opt, "weight_decay")
    with pytest.raises(ValueError, match="curve"):
        other.load_state_dict(_through_disk(saved.state_dict()))
    assert values(other_opt, "weight_decay") == before and other.last_epoch == 0


# -- last_epoch ------------------------------------------------------------------------------
@pytest.mark.parametrize("last_epoch", [0, 7, TRAINING + 5])
def test_last_epoch_as_transformers(last_epoch: int) -> None:
    opt_hf, opt_wd = make_optimizer(), make_optimizer()
    for group, base in zip(opt_hf.param_groups, BASES, strict=True):
        group["initial_lr"] = base
    for group, base in zip(opt_wd.param_groups, BASES, strict=True):
        group["initial_weight_decay"] = base
        group["weight_decay"] = 0.5  # the record is the base, not the current value
    theirs = hf.get_cosine_schedule_with_warmup(opt_hf, WARMUP, TRAINING, last_epoch=last_epoch)
    mine = compat.get_cosine_schedule_with_warmup(
        opt_wd, WARMUP, TRAINING, last_epoch=last_epoch, schedule_target="weight_decay"
    )
    assert mine.last_epoch == theirs.last_epoch == last_epoch + 1
    assert mine._step_count == theirs._step_count
    for _ in range(20):
        assert relative_difference(values(opt_wd, "weight_decay"), values(opt_hf, "lr")) <= 1e-12
        step_all([(opt_hf, theirs), (opt_wd, mine)])


def test_last_epoch_without_the_record_is_a_key_error_as_in_torch() -> None:
    with pytest.raises(KeyError, match="initial_lr"):
        hf.get_linear_schedule_with_warmup(make_optimizer(), 1, 10, last_epoch=3)
    opt = make_optimizer()
    with pytest.raises(KeyError, match="initial_weight_decay"):
        compat.get_linear_schedule_with_warmup(
            opt, 1, 10, last_epoch=3, schedule_target="weight_decay"
        )
    assert values(opt, "weight_decay") == list(BASES)
    assert "initial_weight_decay" not in opt.param_groups[0]
    with pytest.raises(ValueError, match="last_epoch"):
        compat.get_constant_schedule(make_optimizer(), last_epoch=-2)


# -- errors: the same as transformers' where it has them -----------------------------------
def _both_raise(exc: type[Exception], match: str, *args: Any, **kwargs: Any) -> None:
    with pytest.raises(exc, match=match):
        hf.get_scheduler(args[0], make_optimizer(), *args[1:], **kwargs)
    opt = make_optimizer()
    with pytest.raises(exc, match=match):
        compat.get_scheduler(args[0], opt, *args[1:], **kwargs, schedule_target="weight_decay")
    assert values(opt, "weight_decay") == list(BASES)  # nothing changed
    assert "initial_weight_decay" not in opt.param_groups[0]


@pytest.mark.parametrize(
    ("exc", "match", "args", "kwargs"),
    [
        (ValueError, "not a valid SchedulerType", ("cosine_annealing",), {}),
        (ValueError, "requires `num_warmup_steps`", ("linear",), {"num_training_steps": 10}),
        (ValueError, "requires `num_training_steps`", ("cosine", 10), {}),
        (ValueError, "requires `num_training_steps`", ("cosine_with_min_lr", 10), {}),
        (ValueError, "num_training_steps or num_stable_steps", ("warmup_stable_decay",),
         {"num_warmup_steps": 1, "scheduler_specific_kwargs": {"num_decay_steps": 2}}),
        (ValueError, "warmup", ("warmup_stable_decay", 1, 10),
         {"scheduler_specific_kwargs": {"num_decay_steps": 2, "warmup_type": "exp"}}),
        (ValueError, "decay", ("warmup_stable_decay", 1, 10),
         {"scheduler_specific_kwargs": {"num_decay_steps": 2, "decay_type": "step"}}),
        (ValueError, "min_lr", ("cosine_with_min_lr", 1, 10), {}),
        (ValueError, "Only one of min_lr", ("cosine_warmup_with_min_lr", 1, 10),
         {"scheduler_specific_kwargs": {"min_lr": 1e-3, "min_lr_rate": 0.1}}),
        (ValueError, "must be smaller than initial lr", ("polynomial", 1, 10),
         {"scheduler_specific_kwargs": {"lr_end": 0.5}}),
        (TypeError, "num_cycles", ("linear", 1, 10),
         {"scheduler_specific_kwargs": {"num_cycles": 2}}),
        (TypeError, "timescal", ("cosine", 1, 10),
         {"scheduler_specific_kwargs": {"timescale": 2}}),
    ],
)  # fmt: skip
def test_errors_as_transformers(
    exc: type[Exception], match: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    _both_raise(exc, match, *args, **kwargs)


def test_both_stable_and_training_steps_warn_as_transformers() -> None:
    kwargs = {"num_decay_steps": 2, "num_stable_steps": 3}
    with pytest.warns(UserWarning, match="num_stable_steps will be used"):
        hf.get_scheduler("warmup_stable_decay", make_optimizer(), 1, 10, kwargs)
    with pytest.warns(UserWarning, match="num_stable_steps will be used") as caught:
        compat.get_scheduler("warmup_stable_decay", make_optimizer(), 1, 10, kwargs)
    assert caught[0].filename == __file__  # attributed to the caller's line


def test_scheduler_type_enum_is_accepted() -> None:
    opt = make_optimizer()
    s = compat.get_scheduler(transformers.SchedulerType.COSINE, opt, 2, 10)
    assert s.curve == compat.CosineWithWarmup(2, 10)


def test_greedy_cannot_be_expressed() -> None:
    assert isinstance(hf.get_scheduler("greedy", make_optimizer()), hf.GreedyLR)
    opt = make_optimizer()
    with pytest.raises(NotImplementedError, match="GreedyLR"):
        compat.get_scheduler("greedy", opt)
    with pytest.raises(NotImplementedError, match="not a torch LRScheduler"):
        compat.get_greedy_schedule(opt, patience=3)
    assert "initial_lr" not in opt.param_groups[0]


def test_constant_ignores_the_other_arguments_as_transformers() -> None:
    hf.get_scheduler("constant", make_optimizer(), 5, 10, {"anything": 1})
    s = compat.get_scheduler("constant", make_optimizer(), 5, 10, {"anything": 1})
    assert s.curve == compat.Constant()
    hf.get_scheduler("constant_with_warmup", make_optimizer(), 5, 10, {"anything": 1})
    s = compat.get_scheduler("constant_with_warmup", make_optimizer(), 5, 10, {"anything": 1})
    assert s.curve == compat.ConstantWithWarmup(5)


# -- where the drop-in refuses what transformers runs into an error later --------------------
def test_polynomial_without_a_decay_is_refused_up_front() -> None:
    opt = make_optimizer()
    theirs = hf.get_polynomial_decay_schedule_with_warmup(opt, 4, 4)
    with pytest.raises(ZeroDivisionError):  # transformers fails at step T
        for _ in range(4):
            opt.step()
            theirs.step()
    with pytest.raises(ValueError, match="must differ from num_warmup_steps"):
        compat.get_polynomial_decay_schedule_with_warmup(make_optimizer(), 4, 4)


def test_wsd_longer_than_the_run_is_refused() -> None:
    with pytest.raises(ValueError, match="exceeds num_training_steps"):
        compat.get_wsd_schedule(make_optimizer(), 10, 30, num_training_steps=20)


def test_polynomial_needs_the_default_of_the_key() -> None:
    opt = make_optimizer(with_weight_decay=False)  # defaults['weight_decay'] == 0
    with pytest.raises(ValueError, match="must be smaller than initial lr"):
        compat.get_polynomial_decay_schedule_with_warmup(opt, 1, 10, schedule_target="weight_decay")
    opt.defaults.pop("momentum")
    with pytest.raises(ValueError, match=r"optimizer\.defaults has no 'momentum'"):
        compat.get_polynomial_decay_schedule_with_warmup(opt, 1, 10, schedule_target="momentum")


def test_bad_arguments_name_themselves() -> None:
    opt = make_optimizer()
    with pytest.raises(ValueError, match="num_warmup_steps must be >= 0"):
        compat.get_linear_schedule_with_warmup(opt, -1, 10)
    with pytest.raises(ValueError, match="num_training_steps must be a whole number"):
        compat.get_cosine_schedule_with_warmup(opt, 1, 10.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="num_cycles must be a real number"):
        compat.get_cosine_schedule_with_warmup(opt, 1, 10, "2")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"optimizer must be a torch\.optim\.Optimizer"):
        compat.get_scheduler("linear", object(), 1, 10)  # type: ignore[arg-type]
    assert "initial_lr" not in opt.param_groups[0]


# -- through the registry and configs ---------------------------------------------------------
def test_registered_curves_give_the_same_schedule() -> None:
    opt_a, opt_b, opt_c = make_optimizer(), make_optimizer(), make_optimizer()
    direct = compat.get_cosine_with_min_lr_schedule_with_warmup(
        opt_a, WARMUP, TRAINING, min_lr_rate=0.1, schedule_target="weight_decay"
    )
    named = sa.schedule(
        opt_b,
        "transformers:cosine_with_min_lr",
        "weight_decay",
        num_warmup_steps=WARMUP,
        num_training_steps=TRAINING,
        min_lr_rate=0.1,
    )
    configured = sa.schedule_from_config(
        opt_c,
        {
            "curve": "transformers:cosine_with_min_lr",
            "schedule_target": "weight_decay",
            "params": {
                "num_warmup_steps": WARMUP,
                "num_training_steps": TRAINING,
                "min_lr_rate": 0.1,
            },
        },
    )
    assert direct.state_dict() == named.state_dict() == configured.state_dict()
    for _ in range(STEPS):
        step_all([(opt_a, direct), (opt_b, named), (opt_c, configured)])
        assert values(opt_a, "weight_decay") == values(opt_b, "weight_decay")
        assert values(opt_a, "weight_decay") == values(opt_c, "weight_decay")


@pytest.mark.parametrize(("name", "warmup", "training", "kwargs"), CASES[:1] + CASES[3::2])
def test_a_saved_spec_rebuilds_the_curve(
    name: str, warmup: int | None, training: int | None, kwargs: dict[str, Any]
) -> None:
    s = build(ours("weight_decay"), name, make_optimizer(), warmup, training, kwargs)
    spec = _through_disk(s.state_dict())["curve"]
    rebuilt = sa.get_curve(spec["name"])(**spec["params"])
    assert rebuilt == s.curve
    assert [rebuilt(t) for t in range(STEPS)] == [s.curve(t) for t in range(STEPS)]
    assert s.curve.values(range(STEPS)).tolist() == [s.curve(t) for t in range(STEPS)]


def test_schedules_are_real_lr_schedulers_and_keys_do_not_collide() -> None:
    opt = make_optimizer()
    lr = compat.get_scheduler("linear", opt, 2, 20)
    wd = compat.get_scheduler("cosine", opt, 2, 20, schedule_target="weight_decay")
    assert isinstance(lr, LRScheduler) and isinstance(wd, LRScheduler)
    assert lr.optimizer is opt and wd.optimizer is opt
    reference = make_optimizer()
    theirs = hf.get_scheduler("linear", reference, 2, 20)
    cosine_curve = compat.CosineWithWarmup(2, 20)
    for t in range(1, 30):
        step_all([(opt, lr), (reference, theirs)])
        wd.step()
        assert values(opt, "lr") == values(reference, "lr")
        assert values(opt, "weight_decay") == [b * cosine_curve(t) for b in BASES]


def test_report_measured_differences() -> None:
    """Prints the table of the largest relative differences (run with -s to see it)."""
    if not MEASURED:
        pytest.skip("run with the parity tests to measure")
    print("\n| name | max relative difference | values compared |")
    print("| --- | --- | --- |")
    for name in HF_NAMES:
        if name in MEASURED:
            worst, compared = MEASURED[name]
            print(f"| {name} | {worst:.3g} | {int(compared)} |")
    assert all(worst <= TOLERANCE for worst, _ in MEASURED.values())
