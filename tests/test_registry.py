"""registry.py: curves and handlers by name, plain-data curves, names and conflicts."""

from __future__ import annotations

from typing import Any

import pytest
import torch

import torch_schedule_anything as sa
from torch_schedule_anything.curves import LinearWarmup, Multiplier
from torch_schedule_anything.registry import build_curve, valid_name


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("wsd", True),
        ("inverse_sqrt", True),
        ("transformers:cosine", True),
        ("my-curve", False),
        ("a:b:c", False),
        (":cosine", False),
        ("transformers:", False),
        ("", False),
        (3, False),
    ],
)
def test_names_are_identifiers_optionally_namespaced(name: Any, valid: bool) -> None:
    assert valid_name(name) is valid


def test_unknown_names_list_what_is_registered_and_how_to_get_more() -> None:
    with pytest.raises(KeyError) as caught:
        sa.get_curve("no_such_curve")
    text = str(caught.value)
    assert "unknown curve 'no_such_curve'" in text and "linear_warmup" in text
    assert "sa.list_plugins()" in text


def test_curve_from_spec_inverts_spec_through_nested_children() -> None:
    decay = sa.curves.Scaled(sa.curves.LinearScheduleWithWarmup(1.0, 0.0, 0, 5), 1.0)
    curve = Multiplier(sa.curves.Join([LinearWarmup(1.0, 3), decay], [3]))
    assert sa.curve_from_spec(curve.spec()) == curve
    with pytest.raises(TypeError, match=r"what curve\.spec\(\) returns"):
        sa.curve_from_spec([("name", "x")])  # type: ignore[arg-type]


def test_build_curve_reports_the_parameters_a_factory_takes() -> None:
    with pytest.raises(TypeError) as caught:
        build_curve("linear_warmup", {"base_lr": 1.0, "warmup": 3})
    notes = "\n".join(getattr(caught.value, "__notes__", [])) + str(caught.value)
    assert "takes the parameters" in notes and "warmup_steps" in notes


def test_sa_schedule_builds_plain_data_children_by_name() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    child = {"name": "linear_warmup", "params": {"base_lr": 1.0, "warmup_steps": 4}}
    schedule = sa.schedule(opt, "multiplier", curve=child)
    assert schedule.curve == Multiplier(LinearWarmup(1.0, 4))
