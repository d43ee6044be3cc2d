"""builtin_plugin.py: the built-in curves are registered through the hook a third party uses."""

from __future__ import annotations

from typing import Any

import pluggy

import torch_schedule_anything as sa
from torch_schedule_anything import builtin_plugin, hookspecs
from torch_schedule_anything.curves import CYCLICAL_CURVES, SPEC_CURVES, WARMUP_CURVES
from torch_schedule_anything.plugins import plugin_info


def test_the_hook_registers_every_builtin_curve_under_its_own_name() -> None:
    registered: dict[str, Any] = {}
    builtin_plugin.register_curves(registered.__setitem__)
    expected = {c.name: c for c in (*SPEC_CURVES, *WARMUP_CURVES, *CYCLICAL_CURVES)}
    assert {k: registered[k] for k in expected} == expected
    assert {"join", "scaled", "multiplier"} <= set(registered)
    assert len(SPEC_CURVES) == 13


def test_it_is_a_plugin_like_any_other() -> None:
    # A pluggy manager with only the specs accepts the module as it would a third party's.
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    manager.register(builtin_plugin, "builtin")
    assert manager.hook.register_curves.get_hookimpls()[0].plugin is builtin_plugin
    info = plugin_info("builtin")
    assert info is not None and info.source == "builtin"
    assert set(registered_by("builtin")) >= {c.name for c in SPEC_CURVES}


def registered_by(plugin: str) -> list[str]:
    from torch_schedule_anything.registry import curve_entry

    return [name for name in sa.list_curves() if curve_entry(name).plugin == plugin]


def test_compat_curves_come_through_an_entry_point_of_this_distribution() -> None:
    names = registered_by("compat")
    assert "transformers:cosine" in names and "fvcore:cosine" in names and "timm:cosine" in names
    info = plugin_info("compat")
    assert info is not None and info.source == "entry point"
    assert info.distribution == "torch-schedule-anything"
