"""schedule_from_config: schedules from plain data (dicts, lists, YAML-like configs)."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
import torch

import torch_schedule_anything as sa
from torch_schedule_anything.curves import ConstantSchedule

COSINE = {
    "warmup_to_value": 1.0,
    "anneal_to_value": 0.1,
    "num_warmup_steps": 2,
    "num_training_steps": 10,
}


@pytest.fixture
def opt() -> torch.optim.AdamW:
    w = torch.nn.Parameter(torch.zeros(2))
    b = torch.nn.Parameter(torch.zeros(1))
    return torch.optim.AdamW(
        [{"params": [w], "lr": 1e-3}, {"params": [b], "lr": 1e-2}], weight_decay=0.1
    )


def test_one_entry_gives_a_curve_schedule_equal_to_sa_schedule(opt: torch.optim.AdamW) -> None:
    built = sa.schedule_from_config(
        opt, {"curve": "cosine_annealing_with_warmup", "params": COSINE}
    )
    assert isinstance(built, sa.CurveSchedule)
    reference = sa.get_curve("cosine_annealing_with_warmup")(**COSINE)
    assert built.curve == reference
    assert built.schedule_target == "lr"
    for t in range(12):
        assert built.get_last_lr() == [1e-3 * reference(t), 1e-2 * reference(t)]
        built.step()


def test_inline_parameters_equal_params(opt: torch.optim.AdamW) -> None:
    inline = sa.schedule_from_config(
        opt, {"curve": "cosine_annealing_with_warmup", "schedule_target": "weight_decay", **COSINE}
    )
    assert isinstance(inline, sa.CurveSchedule)
    assert inline.curve.params() == COSINE
    assert inline.schedule_target == "weight_decay"


def test_a_list_gives_a_synchronous_schedule(opt: torch.optim.AdamW) -> None:
    config = [
        {"curve": "cosine_annealing_with_warmup", "params": COSINE},
        {
            "curve": "linear_schedule_with_warmup",
            "schedule_target": "gradient_clip_threshold",
            "default_value": 10.0,
            "params": {
                "warmup_to_value": 1.0,
                "anneal_to_value": 0.0,
                "num_warmup_steps": 0,
                "num_training_steps": 4,
            },
        },
        {"curve": "constant_schedule", "schedule_target": "betas[0]", "value": 0.5},
    ]
    sync = sa.schedule_from_config(opt, config)
    assert isinstance(sync, sa.SynchronousSchedule)
    assert sync.schedule_names == ["lr", "gradient_clip_threshold", "betas[0]"]
    for _ in range(2):
        sync.step()
    assert sync.get_last_schedule("gradient_clip_threshold") == [5.0, 5.0]
    assert [g["betas"][0] for g in opt.param_groups] == [0.45, 0.45]
    state = sync.state_dict()
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    assert torch.load(buffer, weights_only=True) == state


def test_a_list_of_one_is_still_a_synchronous_schedule(opt: torch.optim.AdamW) -> None:
    sync = sa.schedule_from_config(opt, [{"curve": "constant_schedule", "value": 2.0}])
    assert isinstance(sync, sa.SynchronousSchedule)
    assert sync.get_last_lr() == [2e-3, 2e-2]


def test_json_round_trip_of_a_config(opt: torch.optim.AdamW) -> None:
    """What a YAML/JSON file gives: plain data with ints, floats and strings."""
    text = json.dumps([{"curve": "constant_schedule", "params": {"value": 0.5}}])
    sync = sa.schedule_from_config(opt, json.loads(text))
    assert sync.get_last_lr() == [5e-4, 5e-3]


class FrozenMapping(Mapping[str, Any]):
    """A read-only mapping, like OmegaConf's DictConfig in read-only mode."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Any:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class FrozenList(Sequence[Any]):
    def __init__(self, items: list[Any]) -> None:
        self._items = items

    def __getitem__(self, index: Any) -> Any:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)


def test_any_mapping_and_sequence_type_is_accepted(opt: torch.optim.AdamW) -> None:
    config = FrozenList(
        [FrozenMapping({"curve": "constant_schedule", "params": FrozenMapping({"value": 3.0})})]
    )
    sync = sa.schedule_from_config(opt, config)
    assert sync.get_last_lr() == [pytest.approx(3e-3), pytest.approx(3e-2)]


def test_the_config_is_not_modified(opt: torch.optim.AdamW) -> None:
    config = [
        {"curve": "cosine_annealing_with_warmup", "params": dict(COSINE)},
        {"curve": "constant_schedule", "schedule_target": "weight_decay", "value": 2.0},
    ]
    before = copy.deepcopy(config)
    sa.schedule_from_config(opt, config)
    assert config == before


def test_unknown_curve_names_the_entry_and_lists_the_curves(opt: torch.optim.AdamW) -> None:
    config = [
        {"curve": "constant_schedule", "value": 1.0},
        {"curve": "cosine_anealing", "schedule_target": "weight_decay"},
    ]
    with pytest.raises(KeyError) as info:
        sa.schedule_from_config(opt, config)
    message = str(info.value)
    assert message.startswith("config[1] (schedule_target 'weight_decay'): unknown curve")
    assert "'cosine_anealing'" in message
    for name in sa.list_curves():
        assert name in message


def test_a_failing_entry_leaves_the_optimizer_untouched(opt: torch.optim.AdamW) -> None:
    before = [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
    config = [
        {"curve": "constant_schedule", "value": 0.5},
        {"curve": "constant_schedule", "schedule_target": "gradient_clip_threshold", "value": 1},
    ]
    with pytest.raises(KeyError) as info:
        sa.schedule_from_config(opt, config)
    assert str(info.value).startswith("config[1] (schedule_target 'gradient_clip_threshold'):")
    assert "default_value" in str(info.value)
    assert [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups] == before


@pytest.mark.parametrize(
    ("config", "error", "match"),
    [
        (
            {"curve": "constant_schedule", "params": {"value": 1.0}, "valeu": 2.0},
            ValueError,
            r"^config \(schedule_target 'lr'\): unknown key\(s\) \['valeu'\] next to 'params'",
        ),
        (
            {"schedule_target": "momentum", "value": 1.0},
            ValueError,
            r"^config \(schedule_target 'momentum'\): the entry has no 'curve'",
        ),
        (
            {"curve": ConstantSchedule(1.0)},
            TypeError,
            r"'curve' must be a registered curve name \(a str\)",
        ),
        (
            {"curve": "constant_schedule", "params": [1.0]},
            TypeError,
            r"'params' must be a mapping of the curve's parameters, got list",
        ),
        (
            {"curve": "constant_schedule", "params": {"value": "high"}},
            TypeError,
            r"^config \(schedule_target 'lr'\), curve 'constant_schedule': value must be a real",
        ),
        (
            {"curve": "linear_schedule_with_warmup", "num_warmup_steps": 5},
            TypeError,
            r"(?s)^config \(schedule_target 'lr'\), curve 'linear_schedule_with_warmup': .*"
            r"missing .*takes the parameters \['warmup_to_value', .*got \['num_warmup_steps'\]",
        ),
        (
            {
                "curve": "linear_schedule_with_warmup",
                "params": {
                    "warmup_to_value": 1.0,
                    "anneal_to_value": 0.0,
                    "num_warmup_steps": 9,
                    "num_training_steps": 3,
                },
            },
            ValueError,
            r"^config \(schedule_target 'lr'\), curve 'linear_schedule_with_warmup': "
            r"num_warmup_steps \(9\) must be <= num_training_steps \(3\)",
        ),
        ({1: "x", "curve": "constant_schedule"}, TypeError, "keys must be strings"),
        ([], ValueError, "config is an empty list"),
        ("constant_schedule", TypeError, "config must be a mapping"),
        ([["curve", "constant_schedule"]], TypeError, r"^config\[0\] must be a mapping"),
    ],
)
def test_malformed_configs(opt: torch.optim.AdamW, config: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        sa.schedule_from_config(opt, config)


def test_two_entries_for_one_key(opt: torch.optim.AdamW) -> None:
    config = [
        {"curve": "constant_schedule", "schedule_target": "weight_decay", "value": 1.0},
        {"curve": "constant_schedule", "value": 1.0},
        {"curve": "constant_schedule", "schedule_target": "weight_decay", "value": 2.0},
    ]
    with pytest.raises(ValueError) as info:
        sa.schedule_from_config(opt, config)
    assert str(info.value).startswith(
        "config[2] (schedule_target 'weight_decay'): config[0] already schedules 'weight_decay'"
    )


def test_not_an_optimizer() -> None:
    with pytest.raises(TypeError, match=r"optimizer must be a torch\.optim\.Optimizer"):
        sa.schedule_from_config("opt", {"curve": "constant_schedule", "value": 1.0})  # type: ignore[arg-type]


def test_params_none_means_no_parameters(opt: torch.optim.AdamW) -> None:
    with pytest.raises(TypeError, match="constant_schedule"):
        sa.schedule_from_config(opt, {"curve": "constant_schedule", "params": None})
