"""tsa-gradient-clip: per-group clipping to a scheduled threshold, by name and by instance.

Runs from a source tree (``pythonpath = src``, the plugin registered by hand) or installed
(the entry point registers it); ``tests/test_plugins_install.py`` runs it installed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
import torch
from tsa_gradient_clip import GradientClip
from tsa_gradient_clip import plugin as plugin_module

import torch_schedule_anything as sa
from torch_schedule_anything.plugins import get_plugin_manager


@pytest.fixture(autouse=True)
def registered() -> Iterator[None]:
    """Make sure the plugin is registered: by its entry point if installed, else by hand."""
    manager = get_plugin_manager()
    by_hand = not manager.is_registered(plugin_module)
    if by_hand:
        sa.register_plugin(plugin_module, name="gradient_clip")
    yield
    if by_hand:
        sa.unregister_plugin("gradient_clip")


def two_groups(
    first: float | None, second: float | None
) -> tuple[torch.optim.SGD, torch.nn.Parameter, torch.nn.Parameter]:
    """SGD (lr 0) over two params whose gradients have L2 norm 5 and 13."""
    a = torch.nn.Parameter(torch.zeros(2))
    b = torch.nn.Parameter(torch.zeros(2))
    groups = []
    for p, threshold in ((a, first), (b, second)):
        group: dict[str, object] = {"params": [p]}
        if threshold is not None:
            group["gradient_clip_threshold"] = threshold
        groups.append(group)
    a.grad = torch.tensor([3.0, 4.0])
    b.grad = torch.tensor([5.0, 12.0])
    return torch.optim.SGD(groups, lr=0.0), a, b  # type: ignore[arg-type]


def norm(p: torch.nn.Parameter, norm_type: float = 2.0) -> float:
    assert p.grad is not None
    return float(torch.linalg.vector_norm(p.grad, norm_type))


def test_each_group_is_clipped_to_its_own_threshold() -> None:
    opt, a, b = two_groups(1.0, 20.0)
    handler = GradientClip()
    sa.attach_handler(opt, handler)
    opt.step()
    assert norm(a) == pytest.approx(1.0, rel=1e-5)  # clipped from 5
    assert b.grad is not None
    assert b.grad.tolist() == [5.0, 12.0]  # 13 <= 20: untouched
    assert [float(n) for n in handler.last_norms] == [5.0, 13.0]


def test_a_group_without_the_key_is_not_clipped() -> None:
    opt, a, b = two_groups(None, 1.0)
    sa.attach_handler(opt, GradientClip())
    opt.step()
    assert a.grad is not None
    assert a.grad.tolist() == [3.0, 4.0]
    assert norm(b) == pytest.approx(1.0, rel=1e-5)


def test_inf_leaves_grads_alone_and_zero_zeroes_them() -> None:
    opt, a, b = two_groups(math.inf, 0.0)
    sa.attach_handler(opt, GradientClip())
    opt.step()
    assert a.grad is not None
    assert b.grad is not None
    assert a.grad.tolist() == [3.0, 4.0]
    assert b.grad.tolist() == [0.0, 0.0]


def test_norm_type_option_by_name() -> None:
    opt, a, b = two_groups(2.0, 2.0)
    handle = sa.attach_handler(opt, "gradient_clip", norm_type="inf")
    assert isinstance(handle.handler, GradientClip)
    opt.step()
    assert norm(a, math.inf) == pytest.approx(2.0, rel=1e-5)  # max |g| 4 -> 2
    assert norm(b, math.inf) == pytest.approx(2.0, rel=1e-5)  # max |g| 12 -> 2
    assert "gradient_clip" in sa.list_handlers()


def test_custom_key_option() -> None:
    w = torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.SGD([{"params": [w], "max_grad_norm": 0.5}], lr=0.0)
    sa.attach_handler(opt, "gradient_clip", key="max_grad_norm")
    w.grad = torch.tensor([3.0, 4.0])
    opt.step()
    assert norm(w) == pytest.approx(0.5, rel=1e-5)


def test_the_case_study_threshold_scheduled_from_10_to_0() -> None:
    """Seed 000: schedule gradient_clip_threshold 10 -> 0 and clip to it before each step."""
    w = torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.AdamW([w], lr=1e-3)
    threshold = sa.schedule(
        opt,
        "linear_schedule_with_warmup",
        "gradient_clip_threshold",
        default_value=10.0,
        warmup_to_value=1.0,
        anneal_to_value=0.0,
        num_warmup_steps=0,
        num_training_steps=4,
    )
    clip = sa.attach_handler(opt, "gradient_clip")
    norms = []
    for _ in range(5):
        w.grad = torch.tensor([30.0, 40.0])  # norm 50
        opt.step()
        norms.append(round(norm(w), 4))
        threshold.step()
    assert norms == [10.0, 7.5, 5.0, 2.5, 0.0]
    clip.remove()
    w.grad = torch.tensor([30.0, 40.0])
    opt.step()
    assert norm(w) == 50.0


def test_missing_threshold_key_fails_at_attach_time() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(KeyError) as info:
        sa.attach_handler(opt, "gradient_clip")
    message = str(info.value)
    assert "'gradient_clip_threshold'" in message
    assert "sa.extend_optimizer(optimizer, 'gradient_clip_threshold', value)" in message
    assert "default_value" in message


def test_negative_threshold_is_an_error() -> None:
    opt, _, _ = two_groups(-1.0, 1.0)
    sa.attach_handler(opt, GradientClip())
    with pytest.raises(ValueError, match=r"'gradient_clip_threshold' is -1\.0 in a param group"):
        opt.step()


def test_nonfinite_gradients_raise_when_asked() -> None:
    opt, a, _ = two_groups(1.0, 1.0)
    a.grad = torch.tensor([math.nan, 1.0])
    sa.attach_handler(opt, GradientClip(error_if_nonfinite=True))
    with pytest.raises(RuntimeError, match="non-finite"):
        opt.step()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"norm_type": 0}, ValueError, "norm_type must be > 0"),
        ({"norm_type": "two"}, TypeError, "norm_type must be a positive number or 'inf'"),
        ({"norm_type": True}, TypeError, "norm_type must be a positive number"),
        ({"error_if_nonfinite": 1}, TypeError, "error_if_nonfinite must be True or False"),
        ({"foreach": "yes"}, TypeError, "foreach must be True, False or None"),
        ({"key": ""}, TypeError, "schedule_target must be a non-empty str"),
    ],
)
def test_option_validation(kwargs: dict[str, object], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        GradientClip(**kwargs)  # type: ignore[arg-type]


def test_repr() -> None:
    assert repr(GradientClip(norm_type=1)) == (
        "GradientClip(key='gradient_clip_threshold', norm_type=1.0)"
    )
