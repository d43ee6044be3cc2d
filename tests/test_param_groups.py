"""extend_optimizer, get_param_groups_regrouped_by_key and Slot, the one writer of values."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch

import torch_schedule_anything as sa
from torch_schedule_anything.param_groups import Slot


# -- extend_optimizer -----------------------------------------------------------------------
def test_adds_the_key_to_every_group_and_to_the_defaults(two_group_sgd: torch.optim.SGD) -> None:
    returned = sa.extend_optimizer(two_group_sgd, "gradient_clip_threshold", 10.0)
    assert returned is two_group_sgd
    assert [g["gradient_clip_threshold"] for g in two_group_sgd.param_groups] == [10.0, 10.0]
    assert two_group_sgd.defaults["gradient_clip_threshold"] == 10.0
    two_group_sgd.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))]})
    assert two_group_sgd.param_groups[2]["gradient_clip_threshold"] == 10.0


def test_existing_values_are_kept_unless_overwrite_values(two_group_sgd: torch.optim.SGD) -> None:
    sa.extend_optimizer(two_group_sgd, "weight_decay", 0.5)
    assert [g["weight_decay"] for g in two_group_sgd.param_groups] == [1e-4, 1e-3]
    two_group_sgd.param_groups[0]["clip"] = 3.0
    sa.extend_optimizer(two_group_sgd, "clip", 1.0)
    assert [g["clip"] for g in two_group_sgd.param_groups] == [3.0, 1.0]
    sa.extend_optimizer(two_group_sgd, "weight_decay", 0.5, overwrite_values=True)
    assert [g["weight_decay"] for g in two_group_sgd.param_groups] == [0.5, 0.5]
    assert two_group_sgd.defaults["weight_decay"] == 0.5
    sa.extend_optimizer(two_group_sgd, "clip", 2, True)  # positional overwrite_values
    assert [g["clip"] for g in two_group_sgd.param_groups] == [2, 2]


def test_numeric_forms_are_accepted(two_group_sgd: torch.optim.SGD) -> None:
    sa.extend_optimizer(two_group_sgd, "a", 3)
    sa.extend_optimizer(two_group_sgd, "b", np.float64(0.25))
    sa.extend_optimizer(two_group_sgd, "c", -1.5)
    group = two_group_sgd.param_groups[0]
    assert (group["a"], group["b"], group["c"]) == (3, 0.25, -1.5)


def test_tensor_default_is_cloned_per_group(two_group_sgd: torch.optim.SGD) -> None:
    default = torch.tensor(5.0)
    sa.extend_optimizer(two_group_sgd, "clip", default)
    first, second = (g["clip"] for g in two_group_sgd.param_groups)
    assert first is not default and second is not default and first is not second
    assert two_group_sgd.defaults["clip"] is not default
    first.fill_(1.0)  # an in-place update of one group leaks nowhere
    assert (second.item(), default.item(), two_group_sgd.defaults["clip"].item()) == (5, 5, 5)
    requires_grad = torch.tensor(2.0, requires_grad=True)
    sa.extend_optimizer(two_group_sgd, "d", requires_grad)
    assert not two_group_sgd.param_groups[0]["d"].requires_grad


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("1.0", TypeError),
        (None, TypeError),
        (True, TypeError),
        ([1.0], TypeError),
        (1 + 2j, TypeError),
        (torch.ones(2), TypeError),
        (torch.tensor(1 + 1j), TypeError),
        (math.nan, ValueError),
        (math.inf, ValueError),
        (torch.tensor(float("nan")), ValueError),
    ],
)
def test_bad_default_values(two_group_sgd: torch.optim.SGD, value: Any, error: type) -> None:
    with pytest.raises(error) as info:
        sa.extend_optimizer(two_group_sgd, "clip", value)
    assert "default_value" in str(info.value) and "clip" in str(info.value)
    assert all("clip" not in g for g in two_group_sgd.param_groups)
    assert "clip" not in two_group_sgd.defaults


def test_bad_names_and_optimizers(two_group_sgd: torch.optim.SGD) -> None:
    with pytest.raises(TypeError, match="name"):
        sa.extend_optimizer(two_group_sgd, 3, 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="name"):
        sa.extend_optimizer(two_group_sgd, "", 1.0)
    with pytest.raises(ValueError, match="params"):
        sa.extend_optimizer(two_group_sgd, "params", 1.0)
    with pytest.raises(TypeError, match="optimizer"):
        sa.extend_optimizer({"param_groups": []}, "x", 1.0)  # type: ignore[arg-type]


# -- get_param_groups_regrouped_by_key ------------------------------------------------------
def test_values_params_and_groups(two_group_sgd: torch.optim.SGD, model: torch.nn.Module) -> None:
    result = sa.get_param_groups_regrouped_by_key(two_group_sgd, "lr")
    assert [value for value, _, _ in result] == [0.1, 0.01]
    first, _, second = model.children()
    assert [p for p in result[0][1]] == list(first.parameters())
    assert [p for p in result[1][1]] == list(second.parameters())
    assert all(isinstance(params, list) for _, params, _ in result)
    assert result[0][2] is two_group_sgd.param_groups[0]
    assert result[1][2] is two_group_sgd.param_groups[1]


def test_groups_without_the_key_are_skipped(two_group_sgd: torch.optim.SGD) -> None:
    two_group_sgd.param_groups[1]["clip"] = 2.5
    result = sa.get_param_groups_regrouped_by_key(two_group_sgd, "clip")
    assert len(result) == 1 and result[0][0] == 2.5
    assert result[0][2] is two_group_sgd.param_groups[1]


def test_key_missing_everywhere_raises_key_error(two_group_sgd: torch.optim.SGD) -> None:
    with pytest.raises(KeyError) as info:
        sa.get_param_groups_regrouped_by_key(two_group_sgd, "gradient_clip_treshold")
    message = str(info.value)
    assert "'gradient_clip_treshold'" in message
    assert "weight_decay" in message  # lists the keys that are there
    assert "extend_optimizer" in message
    assert message == info.value.args[0]  # prints as written, not as a repr


def test_tensor_values_are_returned_as_the_tensor(model: torch.nn.Module) -> None:
    lr = torch.tensor(0.01)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    ((value, params, group),) = sa.get_param_groups_regrouped_by_key(opt, "lr")
    assert value is group["lr"] and isinstance(value, torch.Tensor)
    assert len(params) == len(list(model.parameters()))


def test_tuple_element_target(model: torch.nn.Module) -> None:
    opt = torch.optim.Adam(model.parameters(), betas=(0.8, 0.99))
    assert [v for v, _, _ in sa.get_param_groups_regrouped_by_key(opt, "betas[1]")] == [0.99]
    assert [v for v, _, _ in sa.get_param_groups_regrouped_by_key(opt, "betas")] == [(0.8, 0.99)]


# -- Slot: the one place that writes ----------------------------------------------------------
@pytest.mark.parametrize(("target", "error"), [(3, TypeError), ("", TypeError), (None, TypeError)])
def test_slot_rejects_bad_targets(target: Any, error: type) -> None:
    with pytest.raises(error, match="schedule_target"):
        Slot(target)


def test_slot_rejects_params() -> None:
    with pytest.raises(ValueError, match="params"):
        Slot("params")


def test_slot_parses_indexed_targets() -> None:
    slot = Slot("betas[1]")
    assert (slot.key, slot.index) == ("betas", 1)
    plain = Slot("weight_decay")
    assert (plain.key, plain.index) == ("weight_decay", None)
    assert repr(plain) == "Slot('weight_decay')"


def test_read_float_errors_name_the_group() -> None:
    slot = Slot("clip")
    with pytest.raises(KeyError, match=r"param_groups\[3\]"):
        slot.read_float({"lr": 0.1, "params": []}, 3)
    with pytest.raises(TypeError, match=r"param_groups\[0\]\['clip'\] is str"):
        slot.read_float({"clip": "high"})
    with pytest.raises(ValueError, match="finite"):
        slot.read_float({"clip": math.inf})
    with pytest.raises(TypeError, match=r"betas\[0\]"):
        Slot("betas").read_float({"betas": (0.9, 0.99)})
    with pytest.raises(TypeError, match="not a tuple"):
        Slot("lr[0]").read_float({"lr": 0.1})
    assert slot.read_float({"clip": torch.tensor(2.0)}) == 2.0


def test_write_each_keeps_tensors_and_tuple_types() -> None:
    tensor = torch.tensor(1.0)
    groups: list[dict[str, Any]] = [{"v": tensor}, {"v": 1.0}]
    slot = Slot("v")
    slot.write_each(groups, [0.5, 0.25])
    assert groups[0]["v"] is tensor and tensor.item() == 0.5 and groups[1]["v"] == 0.25
    element = Slot("b[1]")
    tuples: list[dict[str, Any]] = [{"b": (1.0, 2.0)}, {"b": [1.0, 2.0]}]
    element.write_each(tuples, [3.0, 4.0])
    assert (tuples[0]["b"], tuples[1]["b"]) == ((1.0, 3.0), [1.0, 4.0])
    assert isinstance(tuples[0]["b"], tuple) and isinstance(tuples[1]["b"], list)


def test_a_schedule_keeps_tensors_and_list_containers_of_tuple_keys() -> None:
    """The binding's fast paths: Tensors filled in place; a list of betas stays a list."""
    tensor = torch.tensor(9.0, dtype=torch.float64)
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in range(3)]
    opt = torch.optim.SGD(
        [
            {"params": [params[0]], "lr": 1.0},
            {"params": [params[1]], "lr": tensor},
            {"params": [params[2]], "lr": np.float64(3.0)},
        ],
        lr=0.1,
    )
    sa.CurveSchedule(opt, lambda t: 0.37)
    assert opt.param_groups[0]["lr"] == 0.37 and opt.param_groups[2]["lr"] == 3.0 * 0.37
    assert opt.param_groups[1]["lr"] is tensor and tensor.item() == 9.0 * 0.37
    adam = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))])
    adam.param_groups[0]["betas"] = [0.5, 0.9]  # torch makes a tuple; a user may set a list
    sa.CurveSchedule(adam, lambda t: 0.5, "betas[0]")
    assert adam.param_groups[0]["betas"] == [0.25, 0.9]


def test_values_turned_into_tensors_later_are_still_filled_in_place(
    two_group_sgd: torch.optim.SGD,
) -> None:
    """The usual loop that turns every value into a Tensor (for torch.compile) after the
    schedule exists: the cached layout notices, and the Tensors are filled, never replaced."""
    same = sa.linear_schedule_with_warmup(two_group_sgd, 1.0, 0.0, 0, 10)
    same.step()
    swapped = [torch.tensor(0.5, dtype=torch.float64) for _ in two_group_sgd.param_groups]
    for group, tensor in zip(two_group_sgd.param_groups, swapped):
        group["lr"] = tensor
    same.step()
    assert [g["lr"] for g in two_group_sgd.param_groups] == swapped  # the same objects
    assert all(g["lr"] is t for g, t in zip(two_group_sgd.param_groups, swapped))
    assert [t.item() for t in swapped] == pytest.approx([0.1 * 0.8, 0.01 * 0.8])


@pytest.mark.parametrize("position", [0, -1])
def test_one_value_turned_into_a_tensor_in_the_first_or_last_group_is_noticed(
    position: int,
) -> None:
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in range(4)]
    opt = torch.optim.SGD([{"params": [p]} for p in params], lr=0.1)
    s = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 0, 10)
    s.step()
    swapped = torch.tensor(0.5, dtype=torch.float64)
    opt.param_groups[position]["lr"] = swapped
    s.step()
    assert opt.param_groups[position]["lr"] is swapped
    assert swapped.item() == pytest.approx(0.1 * 0.8)


def test_tensor_values_stay_in_place_across_optimizer_load_state_dict() -> None:
    """load_state_dict replaces the group dicts and loads new Tensors: those are filled."""
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in range(2)]
    make = lambda: torch.optim.Adam(  # noqa: E731
        [
            {"params": [params[0]], "lr": torch.tensor(0.01)},
            {"params": [params[1]], "lr": torch.tensor(0.02)},
        ]
    )
    opt = make()
    s = sa.linear_schedule_with_warmup(opt, 1.0, 0.0, 0, 10)
    s.step()
    saved = opt.state_dict()
    opt.load_state_dict(saved)  # new dicts, new Tensors
    loaded = [g["lr"] for g in opt.param_groups]
    s.step()
    assert all(g["lr"] is t for g, t in zip(opt.param_groups, loaded))
    assert [t.item() for t in loaded] == pytest.approx([0.01 * 0.8, 0.02 * 0.8])
