"""Tests for ``range_test``: the sweep, the smoothing, early stopping, the suggestion rule,
exact restoration of the model and the optimizer, argument checks and the plot."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import pytest
import torch
from torch import nn

import torch_schedule_anything as sa
from torch_schedule_anything.param_groups import Slot
from torch_schedule_anything.range_sweep import (
    RangeTestResult,
    range_test,
    steepest_descent,
    sweep_points,
)

Batch = tuple[torch.Tensor, torch.Tensor]


@pytest.fixture(autouse=True)
def _one_thread() -> Any:
    """Tiny models: one thread is fastest (and several contend on a loaded machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _mlp() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Linear(6, 16),
        nn.BatchNorm1d(16),
        nn.ReLU(),
        nn.Linear(16, 16),
        nn.ReLU(),
        nn.Linear(16, 3),
    )


def _batches(n: int = 8, size: int = 16) -> list[Batch]:
    g = torch.Generator().manual_seed(1)
    x = torch.randn(n * size, 6, generator=g)
    y = (x @ torch.randn(6, 3, generator=g)).argmax(dim=1)
    return [(x[i : i + size], y[i : i + size]) for i in range(0, n * size, size)]


def _loss(model: nn.Module, batch: Batch) -> torch.Tensor:
    return nn.functional.cross_entropy(model(batch[0]), batch[1])


def _three_groups(model: nn.Module, kind: str) -> torch.optim.Optimizer:
    first, _, _, second, _, third = model.children()
    groups = [
        {"params": [*first.parameters(), *model[1].parameters()], "lr": 0.1, "weight_decay": 1e-4},
        {"params": second.parameters(), "lr": 0.01, "weight_decay": 1e-3},
        {"params": third.parameters(), "lr": 0.001, "weight_decay": 0.0},
    ]
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=0.1, momentum=0.9)
    groups[1]["betas"] = (0.8, 0.99)
    return torch.optim.AdamW(groups, lr=0.1)


def _train(model: nn.Module, optimizer: torch.optim.Optimizer, steps: int = 3) -> None:
    for batch in _batches()[:steps]:
        optimizer.zero_grad()
        _loss(model, batch).backward()
        optimizer.step()


def _copy(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, (tuple, list)):
        return type(value)(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return (
            isinstance(a, torch.Tensor)
            and isinstance(b, torch.Tensor)
            and a.dtype == b.dtype
            and torch.equal(a, b)
        )
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


class Record:
    """Everything a range test must leave as it was, and the objects that must stay the same."""

    def __init__(self, model: nn.Module, optimizer: torch.optim.Optimizer) -> None:
        self.model, self.optimizer = model, optimizer
        self.params = {n: p.detach().clone() for n, p in model.named_parameters()}
        self.param_ids = {n: id(p) for n, p in model.named_parameters()}
        self.grads = {n: _copy(p.grad) for n, p in model.named_parameters()}
        self.buffers = {n: b.detach().clone() for n, b in model.named_buffers()}
        self.buffer_ids = {n: id(b) for n, b in model.named_buffers()}
        self.modes = [m.training for m in model.modules()]
        self.group_ids = [id(g) for g in optimizer.param_groups]
        self.groups = [
            {k: (list(map(id, v)) if k == "params" else _copy(v)) for k, v in g.items()}
            for g in optimizer.param_groups
        ]
        self.value_ids = [{k: id(v) for k, v in g.items()} for g in optimizer.param_groups]
        self.state = {id(p): _copy(s) for p, s in optimizer.state.items()}
        self.state_dict = _copy(optimizer.state_dict())

    def check(self) -> None:
        model, optimizer = self.model, self.optimizer
        for n, p in model.named_parameters():
            assert id(p) == self.param_ids[n] and torch.equal(p, self.params[n]), n
            assert _same(p.grad, self.grads[n]) or (p.grad is None and self.grads[n] is None), n
        for n, b in model.named_buffers():
            assert id(b) == self.buffer_ids[n] and torch.equal(b, self.buffers[n]), n
        assert [m.training for m in model.modules()] == self.modes
        assert [id(g) for g in optimizer.param_groups] == self.group_ids
        groups = [
            {k: (list(map(id, v)) if k == "params" else v) for k, v in g.items()}
            for g in optimizer.param_groups
        ]
        assert _same(groups, self.groups)
        for group, ids in zip(optimizer.param_groups, self.value_ids):
            for key, value in group.items():
                if isinstance(value, torch.Tensor):
                    assert id(value) == ids[key], key  # filled back in place, not replaced
        assert {id(p) for p in optimizer.state} == set(self.state)
        for p, s in optimizer.state.items():
            assert _same(s, self.state[id(p)])
        assert _same(optimizer.state_dict(), self.state_dict)


# -- exact restoration -----------------------------------------------------------------------


CASES = [
    ("sgd", "lr", 1e-4, 100.0),
    ("sgd", "weight_decay", 1e-3, 1e3),
    ("sgd", "momentum", 0.1, 1.5),
    ("adamw", "lr", 1e-4, 100.0),
    ("adamw", "weight_decay", 1e-3, 1e3),
    ("adamw", "betas[0]", 0.5, 1.1),
]


@pytest.mark.parametrize(("kind", "target", "start", "end"), CASES)
def test_three_groups_are_swept_per_group_and_restored_exactly(
    kind: str, target: str, start: float, end: float
) -> None:
    model = _mlp()
    optimizer = _three_groups(model, kind)
    _train(model, optimizer)  # a non-empty state (momentum buffers, Adam moments, steps)
    sa.schedule(optimizer, "constant_schedule", target, value=1.0)
    model[1].eval()  # one submodule in eval mode: each module's mode comes back
    record = Record(model, optimizer)
    slot = Slot(target)
    bases = [slot.read_float(g) for g in optimizer.param_groups]
    seen: list[list[float]] = []

    def loss_fn(m: nn.Module, batch: Batch) -> torch.Tensor:
        assert m.training and m[1].training  # the sweep trains
        seen.append([slot.read_float(g) for g in optimizer.param_groups])
        return _loss(m, batch)

    end = min(end, 0.999) if target.startswith("betas") else end
    result = range_test(
        model, optimizer, loss_fn, _batches(), target, start, end / max(bases), 12, relative=True
    )
    record.check()
    assert len(seen) == len(result.values) >= 2
    assert result.per_group is (len(set(bases)) > 1)
    multipliers = sweep_points(start, end / max(bases), 12, "exp")[: len(seen)]
    assert result.sweep == multipliers
    expected = [[b * m for b in bases] for m in multipliers]
    assert seen == expected
    assert result.values == (expected if result.per_group else [row[0] for row in expected])
    assert result.bases == bases


def test_restored_when_loss_fn_raises_midway() -> None:
    model = _mlp()
    optimizer = _three_groups(model, "adamw")
    _train(model, optimizer)
    record = Record(model, optimizer)
    calls = []

    def loss_fn(m: nn.Module, batch: Batch) -> torch.Tensor:
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("boom")
        return _loss(m, batch)

    with pytest.raises(RuntimeError, match="boom"):
        range_test(model, optimizer, loss_fn, _batches(), "lr", 1e-3, 1.0, 20, relative=True)
    record.check()
    assert len(calls) == 5


def test_fresh_optimizer_state_stays_empty_and_grads_come_back() -> None:
    model = _mlp()
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    _loss(model, _batches()[0]).backward()  # gradients present, state empty
    record = Record(model, optimizer)
    range_test(model, optimizer, _loss, _batches(), "lr", 1e-4, 1.0, 10)
    record.check()
    assert not optimizer.state and all(p.grad is not None for p in model.parameters())


def test_tensor_lr_is_written_in_place_and_restored() -> None:
    model = _mlp()
    lr = torch.tensor(0.05)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, foreach=False)
    assert optimizer.param_groups[0]["lr"] is lr
    seen = []

    def loss_fn(m: nn.Module, batch: Batch) -> torch.Tensor:
        value = optimizer.param_groups[0]["lr"]
        seen.append((value is lr, float(value)))
        return _loss(m, batch)

    result = range_test(model, optimizer, loss_fn, _batches(), "lr", 1e-4, 1e-1, 5)
    assert [same for same, _ in seen] == [True] * 5
    assert [v for _, v in seen] == pytest.approx(result.values, rel=1e-6)  # float32 Tensor
    assert optimizer.param_groups[0]["lr"] is lr and lr.item() == pytest.approx(0.05)
    assert torch.equal(lr, torch.tensor(0.05))


# -- per-group rule (invariant 4b) -----------------------------------------------------------


def test_absolute_sweep_refuses_groups_that_differ_and_changes_nothing() -> None:
    model = _mlp()
    optimizer = _three_groups(model, "sgd")
    record = Record(model, optimizer)
    with pytest.raises(ValueError, match=r"different values of 'lr'.*relative=True"):
        range_test(model, optimizer, _loss, _batches(), "lr", 1e-4, 1.0, 10)
    record.check()


def test_one_value_for_all_groups_writes_the_same_value() -> None:
    model = _mlp()
    optimizer = _three_groups(model, "sgd")
    seen = []

    def loss_fn(m: nn.Module, batch: Batch) -> torch.Tensor:
        seen.append({g["lr"] for g in optimizer.param_groups})
        return _loss(m, batch)

    result = range_test(
        model, optimizer, loss_fn, _batches(), "lr", 1e-4, 1.0, 6, one_value_for_all_groups=True
    )
    assert all(len(s) == 1 for s in seen)
    assert [s.pop() for s in seen] == result.values == sweep_points(1e-4, 1.0, 6, "exp")
    assert not result.per_group and isinstance(result.suggestion, (float, type(None)))
    assert [g["lr"] for g in optimizer.param_groups] == [0.1, 0.01, 0.001]


def test_per_group_suggestion_is_each_base_times_the_chosen_multiplier() -> None:
    model = _mlp()
    optimizer = _three_groups(model, "sgd")
    result = range_test(model, optimizer, _loss, _batches(), "lr", 1e-3, 100.0, 60, relative=True)
    assert result.per_group and result.suggestion_index is not None
    m = result.sweep[result.suggestion_index]
    assert result.suggestion == [0.1 * m, 0.01 * m, 0.001 * m]
    assert "multiplier" in result.rule


def test_relative_uses_the_recorded_base_not_the_current_value() -> None:
    model = _mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
    sa.schedule(optimizer, "constant_schedule", value=0.5)  # lr 0.1, initial_lr 0.2
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.1)
    result = range_test(model, optimizer, _loss, _batches(), "lr", 0.5, 2.0, 3, relative=True)
    assert result.values == [0.2 * 0.5, 0.2 * 1.0, 0.2 * 2.0]
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.1)


# -- the sweep, batches, smoothing, stopping -------------------------------------------------


def test_sweep_points_are_geometric_or_arithmetic_with_exact_ends() -> None:
    exp = sweep_points(1e-7, 10.0, 100, "exp")
    assert exp[0] == 1e-7 and exp[-1] == 10.0 and len(exp) == 100
    ratios = [b / a for a, b in itertools.pairwise(exp)]
    assert ratios == pytest.approx([1e8 ** (1 / 99)] * 99, rel=1e-12)
    lin = sweep_points(0.0, 0.9, 10, "linear")
    assert lin == pytest.approx([0.1 * k for k in range(10)], abs=1e-15)
    assert lin[-1] == 0.9


def test_batches_are_reused_in_order_when_shorter_than_num_steps() -> None:
    model = _mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    data = _batches(3)
    order = []

    def loss_fn(m: nn.Module, batch: Batch) -> torch.Tensor:
        order.append(next(i for i, b in enumerate(data) if b is batch))
        return _loss(m, batch)

    range_test(model, optimizer, loss_fn, data, "lr", 1e-4, 1e-2, 8, divergence_factor=None)
    assert order == [0, 1, 2, 0, 1, 2, 0, 1]


def test_a_generator_that_runs_out_is_an_error_and_nothing_changes() -> None:
    model = _mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    record = Record(model, optimizer)
    with pytest.raises(ValueError, match=r"ran out after 3 batches.*list or a DataLoader"):
        range_test(model, optimizer, _loss, (b for b in _batches(3)), "lr", 1e-4, 1.0, 10)
    record.check()


def test_smoothed_losses_are_the_bias_corrected_moving_average() -> None:
    model = _mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for beta in (0.98, 0.5, 0.0):
        result = range_test(model, optimizer, _loss, _batches(), "lr", 1e-4, 1e-2, 15, beta=beta)
        average, expected = 0.0, []
        for k, loss in enumerate(result.raw_losses):
            average = beta * average + (1 - beta) * loss
            expected.append(average / (1 - beta ** (k + 1)))
        assert result.losses == pytest.approx(expected, rel=1e-12)
    assert result.losses == result.raw_losses  # beta = 0: no smoothing


def test_stops_early_when_the_smoothed_loss_exceeds_four_times_the_best() -> None:
    model = _mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    result = range_test(model, optimizer, _loss, _batches(), "lr", 1e-3, 1e4, 100)
    assert result.stopped_early and len(result.values) < 100
    s = result.losses
    assert s[-1] > 4 * min(s[:-1]) or not math.isfinite(result.raw_losses[-1])
    for k in range(1, len(s) - 1):  # no earlier step met the rule
        assert not s[k] > 4 * min(s[:k])
    assert result.stop_reason is not None and f"step {len(s) - 1}" in result.stop_reason


def test_stops_on_a_non_finite_loss_without_stepping() -> None:
    model = _mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    record = Record(model, optimizer)
    calls = []

    def loss_fn(m: nn.Module, batch: Batch) -> torch.Tensor:
        calls.append(1)
        loss = _loss(m, batch)
        return loss * math.nan if len(calls) == 7 else loss

    result = range_test(model, optimizer, loss_fn, _batches(), "lr", 1e-4, 1e-2, 50)
    assert len(result.raw_losses) == 7 and math.isnan(result.raw_losses[-1])
    assert math.isnan(result.losses[-1]) and "nan" in str(result.stop_reason)
    record.check()


def test_divergence_factor_none_runs_every_step() -> None:
    model = _mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    result = range_test(
        model, optimizer, _loss, _batches(), "lr", 1e-3, 50.0, 40, divergence_factor=None
    )
    assert len(result.values) == 40 or not math.isfinite(result.raw_losses[-1])


# -- the suggestion rule ---------------------------------------------------------------------


def _synthetic(optimizer: torch.optim.Optimizer, curve: Callable[[float], float]) -> Any:
    """A loss_fn whose loss is ``curve(current lr)`` (plus 0 × the model, for a graph)."""

    def loss_fn(m: nn.Module, batch: Batch) -> torch.Tensor:
        lr = float(optimizer.param_groups[0]["lr"])
        return 0.0 * m(batch[0]).sum() + curve(lr)

    return loss_fn


def test_suggestion_is_the_steepest_descent_against_log_value() -> None:
    # loss = 2 - tanh(log10(lr) + 3): steepest against log lr exactly at lr = 1e-3, a grid point
    model = _mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = _synthetic(optimizer, lambda lr: 2.0 - math.tanh(math.log10(lr) + 3.0))
    result = range_test(
        model, optimizer, loss_fn, _batches(), "lr", 1e-6, 1.0, 61, beta=0.0,
        divergence_factor=None,
    )  # fmt: skip
    assert result.suggestion_index == 30
    assert result.suggestion == pytest.approx(1e-3, rel=1e-12)
    assert "steepest descent" in result.rule and "log(lr)" in result.rule


def test_suggestion_ignores_a_descent_after_the_minimum() -> None:
    # 3 - tanh(2(log10 lr + 4)): steepest (-2 per decade) at lr = 1e-4 (grid point 20); past
    # lr ~ 0.09 a spike to 10 falls back at -5 per decade but stays above the minimum (~2):
    # searched up to the minimum only, the spike's steeper fall is never chosen
    def curve(lr: float) -> float:
        u = math.log10(lr)
        return 10.0 - 5.0 * (u + 1.05) if u > -1.05 else 3.0 - math.tanh(2.0 * (u + 4.0))

    model = _mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    result = range_test(
        model, optimizer, _synthetic(optimizer, curve), _batches(), "lr", 1e-6, 1.0, 61,
        beta=0.0, divergence_factor=None,
    )  # fmt: skip
    assert len(result.values) == 61 and max(result.losses[50:]) > 9
    assert result.suggestion_index == 20
    assert result.suggestion == pytest.approx(1e-4, rel=1e-12)


def test_linear_mode_slope_is_against_the_value() -> None:
    # loss = (v - 0.6)^2 below 0.6: the slope 2(v - 0.6) against v is steepest at the first
    # step searched (skip_begin = 4: v = 0.09); against log v it would not be
    model = _mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    slot = Slot("momentum")

    def loss_fn(m: nn.Module, batch: Batch) -> torch.Tensor:
        v = slot.read_float(optimizer.param_groups[0])
        return 0.0 * m(batch[0]).sum() + (v - 0.6) ** 2 * (1.0 if v < 0.6 else 3.0)

    result = range_test(
        model, optimizer, loss_fn, _batches(), "momentum", 0.0, 0.9, 41, "linear", beta=0.0,
        divergence_factor=None, skip_begin=4,
    )  # fmt: skip
    # slope 2(v - 0.6) is steepest where v is smallest among the steps searched: step 4
    assert result.suggestion_index == 4
    assert result.suggestion == pytest.approx(0.09)
    assert "against momentum" in result.rule


def test_no_suggestion_when_the_loss_only_rises() -> None:
    model = _mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = _synthetic(optimizer, lambda lr: 1.0 + lr)
    result = range_test(
        model, optimizer, loss_fn, _batches(), "lr", 1e-3, 1.0, 30, divergence_factor=None
    )
    assert result.suggestion is None and result.suggestion_index is None
    assert "did not fall" in result.rule


def test_steepest_descent_helper() -> None:
    assert steepest_descent([1.0, 2.0], [1.0, math.nan], "linear") is None
    assert steepest_descent([1.0, 2.0, 3.0], [3.0, 2.0, 1.0], "linear") == 0
    assert steepest_descent([1.0, 2.0, 3.0], [3.0, 2.0, 1.0], "linear", skip_begin=1) == 1


# -- argument checks -------------------------------------------------------------------------


def _call(**overrides: Any) -> RangeTestResult:
    model = _mlp()
    kwargs: dict[str, Any] = {
        "model": model,
        "optimizer": torch.optim.SGD(model.parameters(), lr=0.1),
        "loss_fn": _loss,
        "batches": _batches(2),
        "schedule_target": "lr",
        "start_value": 1e-4,
        "end_value": 1.0,
        "num_steps": 5,
    }
    kwargs.update(overrides)
    return range_test(**kwargs)


@pytest.mark.parametrize(
    ("overrides", "error", "match"),
    [
        ({"num_steps": 1}, ValueError, "num_steps must be >= 2"),
        ({"num_steps": 2.5}, ValueError, "num_steps must be a whole number"),
        ({"start_value": 1.0, "end_value": 1.0}, ValueError, "start_value must be < end_value"),
        ({"start_value": 0.0}, ValueError, "start_value must be > 0 for mode='exp'"),
        ({"start_value": math.nan}, ValueError, "start_value must be finite"),
        ({"mode": "log"}, ValueError, r"mode must be one of \['exp', 'linear'\]"),
        ({"model": "net"}, TypeError, "model must be a torch.nn.Module"),
        ({"optimizer": object()}, TypeError, "optimizer must be a torch.optim.Optimizer"),
        ({"loss_fn": 3}, TypeError, "loss_fn must be a callable"),
        ({"batches": []}, ValueError, "batches is empty"),
        ({"batches": 5}, TypeError, "batches must be an iterable"),
        ({"schedule_target": "wd"}, KeyError, "'wd' is not in param_groups"),
        ({"schedule_target": "betas[0]"}, KeyError, "'betas' is not in param_groups"),
        ({"schedule_target": "momentum", "start_value": -1.0, "mode": "linear"}, ValueError,
         "start_value=-1.0.*only in"),
        ({"beta": 1.0}, ValueError, r"beta \(the smoothing factor\) must be in \[0, 1\)"),
        ({"divergence_factor": 1.0}, ValueError, "divergence_factor must be > 1"),
        ({"relative": 1}, TypeError, "relative must be True or False"),
        ({"skip_begin": -1}, ValueError, "skip_begin must be >= 0"),
        ({"loss_fn": lambda m, b: 1.0}, TypeError, "must return the loss as a one-element"),
        ({"loss_fn": lambda m, b: _loss(m, b).detach()}, TypeError, "does not require grad"),
    ],
)  # fmt: skip
def test_bad_arguments_are_refused(overrides: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        _call(**overrides)


def test_betas_out_of_range_is_refused_before_training() -> None:
    model = _mlp()
    optimizer = torch.optim.AdamW(model.parameters())
    calls = []

    def loss_fn(m: nn.Module, b: Batch) -> torch.Tensor:
        calls.append(1)
        return _loss(m, b)

    with pytest.raises(ValueError, match=r"end_value=1.5.*'betas\[0\]' only in \[0.0, 1.0\)"):
        range_test(model, optimizer, loss_fn, _batches(), "betas[0]", 0.5, 1.5, 10)
    assert not calls


# -- the plot --------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["exp", "linear"])
def test_plot_writes_a_png_with_a_log_axis_for_exp(mode: str, tmp_path: Any) -> None:
    matplotlib_image = pytest.importorskip("matplotlib.image")
    model = _mlp()
    optimizer = _three_groups(model, "sgd")
    result = range_test(
        model, optimizer, _loss, _batches(), "lr", 1e-3, 50.0, 30, mode, relative=True
    )
    fig = result.plot(tmp_path / "rt.png")
    assert fig.axes[0].get_xscale() == ("log" if mode == "exp" else "linear")
    image = matplotlib_image.imread(tmp_path / "rt.png")
    assert image.shape[0] > 100 and image.shape[1] > 100
