"""Parameter handlers: attach_handler, GroupHandler, registered handler factories."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import torch_schedule_anything as sa
from torch_schedule_anything.handlers import check_handler_keys


class ScaleGrads(sa.GroupHandler):
    """Multiply each group's gradients by the group's value of ``key`` (records what it saw)."""

    def __init__(self, key: str = "grad_scale") -> None:
        super().__init__(key)
        self.seen: list[float] = []

    def apply(self, value: float, params: list[torch.nn.Parameter], group: dict[str, Any]) -> None:
        self.seen.append(value)
        for p in params:
            if p.grad is not None:
                p.grad.mul_(value)


class _HandlerPlugin:
    """An in-house plugin registering ScaleGrads under ``scale_grads``."""

    def __init__(self, factory: Callable[..., Any] = ScaleGrads) -> None:
        self.factory = factory

    @sa.hookimpl
    def register_handlers(self, register: Callable[[str, Any], None]) -> None:
        register("scale_grads", self.factory)


@pytest.fixture
def register() -> Iterator[Callable[..., str]]:
    """Register in-house plugins for one test; always unregister them afterwards."""
    names: list[str] = []

    def do(plugin: object, name: str) -> str:
        names.append(sa.register_plugin(plugin, name=name))
        return names[-1]

    yield do
    for name in names:
        with contextlib.suppress(ValueError):
            sa.unregister_plugin(name)


def _sgd(*groups: dict[str, Any], lr: float = 1.0) -> torch.optim.SGD:
    return torch.optim.SGD(list(groups), lr=lr)


def _param(value: float, n: int = 2) -> torch.nn.Parameter:
    return torch.nn.Parameter(torch.full((n,), value))


def test_handler_runs_before_every_step_and_sees_the_gradients() -> None:
    w = _param(1.0)
    opt = _sgd({"params": [w]})
    seen: list[tuple[list[float], list[float]]] = []

    def record(o: torch.optim.Optimizer) -> None:
        p = o.param_groups[0]["params"][0]
        seen.append((p.detach().tolist(), p.grad.tolist()))

    sa.attach_handler(opt, record)
    for _ in range(2):
        w.grad = torch.ones(2)
        opt.step()
    # the handler ran before each update: it saw w before the step, and the grad
    assert seen == [([1.0, 1.0], [1.0, 1.0]), ([0.0, 0.0], [1.0, 1.0])]


def test_remove_detaches_and_is_idempotent() -> None:
    opt = _sgd({"params": [_param(0.0)]})
    calls: list[int] = []
    handle = sa.attach_handler(opt, lambda o: calls.append(1))
    opt.step()
    assert handle.attached
    handle.remove()
    handle.remove()
    opt.step()
    assert calls == [1]
    assert not handle.attached
    assert "removed" in repr(handle)


def test_handle_is_a_context_manager() -> None:
    opt = _sgd({"params": [_param(0.0)]})
    calls: list[int] = []
    with sa.attach_handler(opt, lambda o: calls.append(1)):
        opt.step()
    opt.step()
    assert calls == [1]


def test_handlers_run_in_attach_order() -> None:
    opt = _sgd({"params": [_param(0.0)]})
    order: list[str] = []
    sa.attach_handler(opt, lambda o: order.append("first"))
    sa.attach_handler(opt, lambda o: order.append("second"))
    opt.step()
    assert order == ["first", "second"]


def test_optimizer_step_is_not_replaced() -> None:
    opt = _sgd({"params": [_param(0.0)]})
    class_step = type(opt).step
    sa.attach_handler(opt, lambda o: None)
    assert "step" not in vars(opt)
    assert type(opt).step is class_step


def test_group_handler_uses_each_groups_value_and_skips_groups_without_the_key() -> None:
    a, b, c = _param(1.0), _param(1.0), _param(1.0)
    opt = _sgd(
        {"params": [a], "grad_scale": 0.5}, {"params": [b], "grad_scale": 2.0}, {"params": [c]}
    )
    handler = ScaleGrads()
    sa.attach_handler(opt, handler)
    for p in (a, b, c):
        p.grad = torch.ones(2)
    opt.step()
    assert handler.seen == [0.5, 2.0]
    assert a.tolist() == [0.5, 0.5]  # 1 - 1.0 * (1 * 0.5)
    assert b.tolist() == [-1.0, -1.0]  # 1 - 1.0 * (1 * 2.0)
    assert c.tolist() == [0.0, 0.0]  # unscaled


def test_group_handler_reads_tensor_values() -> None:
    w = _param(1.0)
    opt = _sgd({"params": [w], "grad_scale": torch.tensor(0.25)})
    handler = ScaleGrads()
    sa.attach_handler(opt, handler)
    w.grad = torch.ones(2)
    opt.step()
    assert handler.seen == [0.25]
    assert w.tolist() == [0.75, 0.75]


def test_scheduled_key_drives_the_handler_step_by_step() -> None:
    """The case study: a schedule writes the key, the handler reads it before each step."""
    w = _param(0.0, n=1)
    opt = _sgd({"params": [w]})
    schedule = sa.schedule(
        opt,
        "linear_schedule_with_warmup",
        "grad_scale",
        default_value=1.0,
        warmup_to_value=1.0,
        anneal_to_value=0.0,
        num_warmup_steps=0,
        num_training_steps=4,
    )
    handler = ScaleGrads()
    sa.attach_handler(opt, handler)
    for _ in range(6):
        w.grad = torch.ones(1)
        opt.step()
        schedule.step()
    assert handler.seen == [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    assert w.item() == -2.5


def test_missing_key_fails_at_attach_time_saying_how_to_create_it() -> None:
    opt = _sgd({"params": [_param(0.0)]})
    with pytest.raises(KeyError) as info:
        sa.attach_handler(opt, ScaleGrads("gradient_clip_threshold"))
    message = str(info.value)
    assert "'gradient_clip_threshold'" in message
    assert "sa.extend_optimizer(optimizer, 'gradient_clip_threshold', value)" in message
    assert "default_value" in message
    assert message.startswith("handler 'ScaleGrads' reads the param-group key")
    calls: list[int] = []
    sa.attach_handler(opt, lambda o: calls.append(1))
    opt.step()  # the failed attach left no hook behind: only the second handler ran
    assert calls == [1]


def test_missing_key_at_step_time_names_the_handler() -> None:
    opt = _sgd({"params": [_param(0.0)], "grad_scale": 1.0})
    sa.attach_handler(opt, ScaleGrads())
    del opt.param_groups[0]["grad_scale"]
    with pytest.raises(KeyError) as info:
        opt.step()
    assert "ScaleGrads handler reads the param-group key 'grad_scale'" in str(info.value)
    assert "extend_optimizer" in str(info.value)
    assert getattr(info.value, "__notes__", []) == [
        "[torch_schedule_anything] in handler 'ScaleGrads', run before optimizer.step()"
    ]


def test_check_handler_keys_rejects_a_str_keys_attribute() -> None:
    class Bad:
        keys = "grad_scale"

        def __call__(self, optimizer: torch.optim.Optimizer) -> None:
            pass

    opt = _sgd({"params": [_param(0.0)], "grad_scale": 1.0})
    with pytest.raises(TypeError, match="'keys' must be a tuple"):
        check_handler_keys(opt, Bad())


def test_registered_handler_by_name_with_options(register: Callable[..., str]) -> None:
    register(_HandlerPlugin(), "scale_plugin")
    assert "scale_grads" in sa.list_handlers()
    w = _param(1.0)
    opt = _sgd({"params": [w], "my_scale": 3.0})
    handle = sa.attach_handler(opt, "scale_grads", key="my_scale")
    assert isinstance(handle.handler, ScaleGrads)
    assert handle.name == "scale_grads"
    w.grad = torch.ones(2)
    opt.step()
    assert w.tolist() == [-2.0, -2.0]
    assert sa.get_handler("scale_grads") is ScaleGrads


def test_unknown_handler_name_lists_the_known_ones(register: Callable[..., str]) -> None:
    register(_HandlerPlugin(), "scale_plugin")
    opt = _sgd({"params": [_param(0.0)]})
    with pytest.raises(KeyError) as info:
        sa.attach_handler(opt, "gradient_clipp")
    assert "'gradient_clipp'" in str(info.value)
    assert "scale_grads" in str(info.value)


def test_bad_options_name_the_handler_and_its_options(register: Callable[..., str]) -> None:
    register(_HandlerPlugin(), "scale_plugin")
    opt = _sgd({"params": [_param(0.0)], "grad_scale": 1.0})
    with pytest.raises(TypeError) as info:
        sa.attach_handler(opt, "scale_grads", threshold=1.0)
    notes = " ".join(getattr(info.value, "__notes__", [])) + str(info.value)
    assert "scale_grads" in notes
    assert "['key']" in notes


def test_factory_returning_a_non_callable_is_refused(register: Callable[..., str]) -> None:
    register(_HandlerPlugin(factory=lambda **options: 42), "bad_factory")
    opt = _sgd({"params": [_param(0.0)]})
    with pytest.raises(TypeError, match=r"returned int, not a callable handler"):
        sa.attach_handler(opt, "scale_grads")


def test_handler_errors_carry_a_note_naming_the_handler() -> None:
    opt = _sgd({"params": [_param(0.0)]})

    def broken(o: torch.optim.Optimizer) -> None:
        raise RuntimeError("boom")

    sa.attach_handler(opt, broken)
    with pytest.raises(RuntimeError, match="boom") as info:
        opt.step()
    assert any("'broken'" in note for note in getattr(info.value, "__notes__", []))


@pytest.mark.parametrize(
    ("optimizer", "handler", "options", "error", "match"),
    [
        ("not an optimizer", lambda o: None, {}, TypeError, "optimizer must be"),
        (None, ScaleGrads, {}, TypeError, r"pass an instance, e\.g\. ScaleGrads\(\.\.\.\)"),
        (None, 3.5, {}, TypeError, "registered handler name .* or a callable"),
        (None, lambda o: None, {"norm_type": 2}, TypeError, "only used with a registered"),
    ],
)
def test_bad_arguments(
    optimizer: Any, handler: Any, options: dict[str, Any], error: type, match: str
) -> None:
    opt = optimizer if optimizer is not None else _sgd({"params": [_param(0.0)]})
    with pytest.raises(error, match=match):
        sa.attach_handler(opt, handler, **options)


def test_handlers_are_exported() -> None:
    assert isinstance(ScaleGrads(), sa.ParameterHandler)
    assert isinstance(lambda o: None, sa.ParameterHandler)
    assert not isinstance(3, sa.ParameterHandler)
    assert {"attach_handler", "GroupHandler", "HandlerHandle", "ParameterHandler"} <= set(
        sa.__all__
    )


@settings(max_examples=25, deadline=None)
@given(scales=st.lists(st.floats(0.0, 10.0), min_size=1, max_size=4))
def test_each_group_is_scaled_by_its_own_value(scales: list[float]) -> None:
    params = [_param(0.0, n=1) for _ in scales]
    opt = _sgd(*({"params": [p], "grad_scale": s} for p, s in zip(params, scales)))
    sa.attach_handler(opt, ScaleGrads())
    for p in params:
        p.grad = torch.ones(1)
    opt.step()
    assert [p.item() for p in params] == [
        -float(torch.tensor(s, dtype=torch.float32)) for s in scales
    ]


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (float("nan"), ValueError, r"param_groups\[1\]\['grad_scale'\] is NaN"),
        ("high", TypeError, r"param_groups\[1\]\['grad_scale'\] is str 'high'; ScaleGrads needs"),
    ],
)
def test_group_handler_rejects_values_that_are_not_numbers(
    value: Any, error: type, match: str
) -> None:
    opt = _sgd({"params": [_param(0.0)], "grad_scale": 1.0}, {"params": [_param(0.0)]})
    opt.param_groups[1]["grad_scale"] = value
    handler = ScaleGrads()
    sa.attach_handler(opt, handler)
    with pytest.raises(error, match=match):
        opt.step()
    assert handler.seen == [1.0]


def test_group_handler_passes_infinity_through() -> None:
    opt = _sgd({"params": [_param(0.0)], "grad_scale": float("inf")})
    handler = ScaleGrads()
    handler(opt)
    assert handler.seen == [float("inf")]


def test_unknown_handler_name_when_none_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TSA_DISABLE_PLUGIN_AUTOLOAD", "1")
    from torch_schedule_anything import plugins

    plugins._reset_for_tests()
    try:
        opt = _sgd({"params": [_param(0.0)]})
        with pytest.raises(KeyError) as info:
            sa.attach_handler(opt, "gradient_clip")
        assert str(info.value).startswith(
            "unknown handler 'gradient_clip'; no handler is registered. Install or register"
        )
    finally:
        plugins._reset_for_tests()
