"""The plugin system in-process: entry-point discovery, failures, conflicts, in-house plugins.

Entry points are made real without pip: each test writes a tiny distribution (a module and a
``*.dist-info`` folder with ``METADATA`` and ``entry_points.txt``) into a temporary folder on
``sys.path``, which ``importlib.metadata`` discovers like any installed distribution.
``tests/test_plugins_install.py`` does the same with pip and the example plugins.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import os
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pluggy
import pytest
import torch

import torch_schedule_anything as sa
from torch_schedule_anything import plugins, registry
from torch_schedule_anything.curves import ConstantSchedule

_counter = itertools.count()

GOOD_CURVE_PLUGIN = """
import torch_schedule_anything as sa
from torch_schedule_anything.curves import ConstantSchedule

@sa.hookimpl
def register_curves(register):
    register({name!r}, lambda value=1.0: ConstantSchedule(value * {scale!r}))
"""


class Dists:
    """Writes fake installed distributions into a folder on ``sys.path``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.modules: list[str] = []

    def add(self, dist: str, source: str, *, version: str = "1.2.3", ep_name: str = "") -> str:
        """Install distribution ``dist`` whose entry point names a new module with ``source``."""
        module = f"fake_tsa_plugin_{next(_counter)}"
        self.modules.append(module)
        (self.root / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        info = self.root / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
        )
        (info / "entry_points.txt").write_text(
            f"[torch_schedule_anything]\n{ep_name or module} = {module}\n", encoding="utf-8"
        )
        importlib.invalidate_caches()
        return module


@pytest.fixture
def dists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Dists]:
    """A clean plugin manager that discovers the distributions written by the test."""
    monkeypatch.delenv(plugins.DISABLE_AUTOLOAD_ENV, raising=False)
    monkeypatch.delenv(plugins.LOAD_ONLY_ENV, raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    plugins._reset_for_tests()
    made = Dists(tmp_path)
    yield made
    plugins._reset_for_tests()  # rediscovered lazily, after monkeypatch restores sys.path
    for module in made.modules:
        sys.modules.pop(module, None)


@pytest.fixture
def register() -> Iterator[Callable[..., str]]:
    """Register in-house plugins for one test; always unregister them afterwards."""
    names: list[str] = []

    def do(plugin: object, name: str | None = None) -> str:
        names.append(sa.register_plugin(plugin, name=name))
        return names[-1]

    yield do
    for name in names:
        with contextlib.suppress(ValueError):
            sa.unregister_plugin(name)


@contextlib.contextmanager
def plugin_warnings() -> Iterator[list[str]]:
    """Collect the messages of the PluginLoadWarnings issued inside the block."""
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield messages
    messages.extend(str(w.message) for w in caught if w.category is sa.PluginLoadWarning)


def curve_plugin(name: str, scale: float = 1.0) -> str:
    return GOOD_CURVE_PLUGIN.format(name=name, scale=scale)


def by_distribution(dist: str) -> dict[str, Any]:
    [info] = [p for p in sa.list_plugins() if p["distribution"] == dist]
    return info


# -- discovery -------------------------------------------------------------------------------


def test_entry_points_load_lazily_on_first_registry_use(dists: Dists) -> None:
    module = dists.add("tsa-lazy", curve_plugin("lazy_curve"))
    assert module not in sys.modules
    assert "lazy_curve" in sa.list_curves()
    assert module in sys.modules


def test_list_plugins_shows_distribution_version_source_and_hooks(dists: Dists) -> None:
    dists.add("tsa-listed", curve_plugin("listed_curve"), version="0.4.1", ep_name="listed")
    assert by_distribution("tsa-listed") == {
        "name": "listed",
        "distribution": "tsa-listed",
        "version": "0.4.1",
        "source": "entry point",
        "hooks": ["register_curves"],
    }
    builtin = sa.list_plugins()[0]
    assert (builtin["name"], builtin["source"]) == ("builtin", "builtin")
    assert builtin["distribution"] == "torch-schedule-anything"


def test_a_plugin_curve_schedules_any_target_by_name(dists: Dists) -> None:
    dists.add("tsa-scaled", curve_plugin("scaled_curve", scale=0.5))
    w = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.AdamW([w], lr=1e-3, weight_decay=0.1)
    schedule = sa.schedule(opt, "scaled_curve", "weight_decay", value=0.4)
    assert schedule.get_last_lr() == [0.1 * 0.2]
    assert registry.curve_entry("scaled_curve").distribution == "tsa-scaled"


def test_autoload_can_be_disabled(dists: Dists, monkeypatch: pytest.MonkeyPatch) -> None:
    module = dists.add("tsa-off", curve_plugin("off_curve"))
    monkeypatch.setenv(plugins.DISABLE_AUTOLOAD_ENV, "1")
    plugins._reset_for_tests()
    curves = sa.list_curves()
    assert "off_curve" not in curves
    assert "cosine_annealing_with_warmup" in curves
    assert [p["name"] for p in sa.list_plugins()] == ["builtin"]
    assert module not in sys.modules


def test_load_only_the_named_distributions(dists: Dists, monkeypatch: pytest.MonkeyPatch) -> None:
    dists.add("tsa-wanted", curve_plugin("wanted_curve"))
    unwanted = dists.add("tsa-unwanted", curve_plugin("unwanted_curve"))
    monkeypatch.setenv(plugins.LOAD_ONLY_ENV, " TSA_Wanted , tsa-not-installed")
    plugins._reset_for_tests()
    with plugin_warnings() as messages:
        curves = sa.list_curves()
    assert "wanted_curve" in curves
    assert "unwanted_curve" not in curves
    assert unwanted not in sys.modules
    assert len(messages) == 1
    assert messages[0].startswith("TSA_LOAD_PLUGINS names ['tsa-not-installed'], but no")


def test_load_only_with_an_empty_value_loads_no_entry_point(
    dists: Dists, monkeypatch: pytest.MonkeyPatch
) -> None:
    dists.add("tsa-some", curve_plugin("some_curve"))
    monkeypatch.setenv(plugins.LOAD_ONLY_ENV, "")
    plugins._reset_for_tests()
    with plugin_warnings() as messages:
        assert [p["name"] for p in sa.list_plugins()] == ["builtin"]
    assert messages == []


def test_disable_wins_over_load_only(dists: Dists, monkeypatch: pytest.MonkeyPatch) -> None:
    dists.add("tsa-some", curve_plugin("some_curve"))
    monkeypatch.setenv(plugins.LOAD_ONLY_ENV, "tsa-some")
    monkeypatch.setenv(plugins.DISABLE_AUTOLOAD_ENV, "1")
    plugins._reset_for_tests()
    assert "some_curve" not in sa.list_curves()


@pytest.mark.parametrize(
    ("value", "disabled"),
    [("1", True), ("true", True), ("yes", True), ("0", False), ("", False), ("off", False)],
)
def test_autoload_variable_values(
    value: str, disabled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(plugins.DISABLE_AUTOLOAD_ENV, value)
    assert plugins.autoload_disabled() is disabled


# -- failures --------------------------------------------------------------------------------


def test_a_plugin_that_fails_on_import_gives_one_warning(
    dists: Dists, register: Callable[..., str]
) -> None:
    dists.add("tsa-broken", "raise ImportError('needs libfoo')", version="9.9")
    dists.add("tsa-fine", curve_plugin("fine_curve"))
    with plugin_warnings() as messages:
        curves = sa.list_curves()
        register(_InHouseCurves("in_house_curve"))  # rebuilds the registry: no new warning
        sa.list_plugins()
    assert len(messages) == 1, messages
    assert "tsa-broken 9.9" in messages[0]
    assert "ImportError: needs libfoo" in messages[0]
    assert plugins.DISABLE_AUTOLOAD_ENV in messages[0]
    assert {"fine_curve", "linear_schedule_with_warmup"} <= set(curves)
    assert "tsa-broken" not in {p["distribution"] for p in sa.list_plugins()}
    failed = {k: v for k, v in plugins.failed_plugins().items() if "tsa-broken" in k}
    assert list(failed.values()) == ["ImportError: needs libfoo"]


def test_a_hook_that_raises_gives_one_warning_and_keeps_its_other_hooks(
    dists: Dists, register: Callable[..., str]
) -> None:
    dists.add(
        "tsa-half-broken",
        """
        import torch_schedule_anything as sa

        @sa.hookimpl
        def register_curves(register):
            register("half_curve", lambda: None)
            raise ZeroDivisionError("bad curve table")

        @sa.hookimpl
        def register_handlers(register):
            register("half_handler", lambda **options: (lambda optimizer: None))
        """,
    )
    with plugin_warnings() as messages:
        curves = sa.list_curves()
        register(_InHouseCurves("another_curve"))
        handlers = sa.list_handlers()
    assert len(messages) == 1, messages
    assert "tsa-half-broken" in messages[0]
    assert "register_curves()" in messages[0]
    assert "ZeroDivisionError: bad curve table" in messages[0]
    assert "half_curve" not in curves  # nothing of a failing hook is kept
    assert "half_handler" in handlers
    assert "cosine_annealing_with_warmup" in curves


def test_a_misspelt_hook_in_an_entry_point_warns_naming_the_distribution(dists: Dists) -> None:
    dists.add(
        "tsa-typo",
        """
        import torch_schedule_anything as sa

        @sa.hookimpl
        def register_curve(register):
            pass
        """,
    )
    with plugin_warnings() as messages:
        sa.list_curves()
    assert len(messages) == 1
    assert "tsa-typo" in messages[0]
    assert "register_curve" in messages[0]


def test_an_entry_point_with_no_hooks_warns(dists: Dists) -> None:
    dists.add("tsa-unmarked", "def register_curves(register):\n    pass\n")
    with plugin_warnings() as messages:
        sa.list_curves()
    assert len(messages) == 1
    assert "tsa-unmarked" in messages[0]
    assert "['register_curves'] is not marked @sa.hookimpl" in messages[0]


# -- conflicts -------------------------------------------------------------------------------


def test_two_distributions_with_one_curve_name_warn_once_and_the_first_wins(
    dists: Dists,
) -> None:
    dists.add("tsa-zeta", curve_plugin("shared_curve", scale=2.0))
    dists.add("tsa-alpha", curve_plugin("shared_curve", scale=3.0))
    with plugin_warnings() as messages:
        sa.list_curves()
        sa.list_curves()
    assert len(messages) == 1, messages
    assert "tsa-alpha" in messages[0]
    assert "tsa-zeta" in messages[0]
    assert "keeps the name" in messages[0]
    entry = registry.curve_entry("shared_curve")
    assert entry.distribution == "tsa-alpha"  # distribution-name order: alpha before zeta
    assert sa.get_curve("shared_curve")()(0) == 3.0


def test_a_plugin_cannot_take_a_builtin_name(dists: Dists) -> None:
    dists.add("tsa-usurper", curve_plugin("constant_schedule", scale=7.0))
    with plugin_warnings() as messages:
        entry = registry.curve_entry("constant_schedule")
    assert entry.plugin == "builtin"
    assert len(messages) == 1
    assert "'builtin' (torch-schedule-anything) keeps the name" in messages[0]
    assert "tsa-usurper" in messages[0]


def test_two_distributions_with_one_entry_point_name(dists: Dists) -> None:
    dists.add("tsa-one", curve_plugin("one_curve"), ep_name="same")
    dists.add("tsa-two", curve_plugin("two_curve"), ep_name="same")
    with plugin_warnings() as messages:
        curves = sa.list_curves()
    assert "one_curve" in curves
    assert "two_curve" not in curves
    assert len(messages) == 1
    assert "tsa-two" in messages[0]
    assert "already registered under that name by tsa-one" in messages[0]


# -- in-house plugins ------------------------------------------------------------------------


class _InHouseCurves:
    def __init__(self, name: str, factory: Callable[..., Any] | None = None) -> None:
        self.name = name
        self.factory = factory or (lambda value=1.0: ConstantSchedule(value))

    @sa.hookimpl
    def register_curves(self, register: Callable[[str, Any], None]) -> None:
        register(self.name, self.factory)


def test_register_plugin_adds_curves_and_unregister_removes_them(
    register: Callable[..., str],
) -> None:
    name = register(_InHouseCurves("in_house_flat"), "in_house")
    assert name == "in_house"
    assert "in_house_flat" in sa.list_curves()
    assert by_distribution("<in-house>")["source"] == "register_plugin"
    sa.unregister_plugin("in_house")
    assert "in_house_flat" not in sa.list_curves()


def test_register_plugin_takes_a_module(register: Callable[..., str]) -> None:
    import types

    module = types.ModuleType("my_company_curves")

    @sa.hookimpl
    def register_curves(register: Callable[[str, Any], None]) -> None:
        register("company_curve", lambda: ConstantSchedule(2.0))

    module.register_curves = register_curves  # type: ignore[attr-defined]
    assert register(module) == "my_company_curves"
    assert sa.get_curve("company_curve")()(5) == 2.0


def test_register_plugin_refuses_a_clashing_curve_naming_both(
    register: Callable[..., str],
) -> None:
    with pytest.raises(ValueError) as info:
        register(_InHouseCurves("cosine_annealing_with_warmup"), "clasher")
    assert "'builtin' (torch-schedule-anything)" in str(info.value)
    assert "'clasher' (<in-house>)" in str(info.value)
    assert "clasher" not in {p["name"] for p in sa.list_plugins()}


def test_register_plugin_with_a_raising_hook_raises_and_registers_nothing(
    register: Callable[..., str],
) -> None:
    class Raising:
        @sa.hookimpl
        def register_curves(self, register: Callable[[str, Any], None]) -> None:
            register("never_seen", lambda: ConstantSchedule(1.0))
            raise RuntimeError("broken in-house plugin")

    with pytest.raises(RuntimeError, match="broken in-house plugin") as info:
        register(Raising(), "raising")
    assert any("'raising'" in note for note in getattr(info.value, "__notes__", []))
    assert "never_seen" not in sa.list_curves()
    assert "raising" not in {p["name"] for p in sa.list_plugins()}


@pytest.mark.parametrize(
    ("curve_name", "factory", "error", "match"),
    [
        ("not an identifier", lambda: None, ValueError, "must be identifiers"),
        ("no_factory", 42, TypeError, "must be callable, got int"),
    ],
)
def test_register_callback_validates(
    curve_name: str, factory: Any, error: type, match: str, register: Callable[..., str]
) -> None:
    with pytest.raises(error, match=match):
        register(_InHouseCurves(curve_name, factory), "validating")


def test_a_hook_registering_one_name_twice(register: Callable[..., str]) -> None:
    class Twice:
        @sa.hookimpl
        def register_curves(self, register: Callable[[str, Any], None]) -> None:
            register("twice", lambda: ConstantSchedule(1.0))
            register("twice", lambda: ConstantSchedule(2.0))

    with pytest.raises(ValueError, match="'twice' is registered twice by the same plugin"):
        register(Twice(), "twice_plugin")


def test_register_plugin_rejects_objects_without_hooks(register: Callable[..., str]) -> None:
    class Unmarked:
        def register_curves(self, register: Callable[[str, Any], None]) -> None:
            pass

    with pytest.raises(ValueError, match=r"\['register_curves'\] is not marked @sa.hookimpl"):
        register(Unmarked(), "unmarked")
    with pytest.raises(ValueError, match="define one of"):
        register(object(), "empty")
    assert {"unmarked", "empty"}.isdisjoint(p["name"] for p in sa.list_plugins())


def test_register_plugin_rejects_misspelt_hooks(register: Callable[..., str]) -> None:
    class Misspelt:
        @sa.hookimpl
        def register_curve(self, register: Callable[[str, Any], None]) -> None:
            pass

    with pytest.raises(pluggy.PluginValidationError):
        register(Misspelt(), "misspelt")
    assert "misspelt" not in {p["name"] for p in sa.list_plugins()}


def test_register_and_unregister_argument_errors(register: Callable[..., str]) -> None:
    register(_InHouseCurves("dup_curve"), "dup")
    with pytest.raises(ValueError, match=r"'dup' .* is already registered"):
        register(_InHouseCurves("dup_curve_2"), "dup")
    with pytest.raises(TypeError, match="name must be a non-empty str"):
        sa.register_plugin(_InHouseCurves("x_curve"), name="")
    with pytest.raises(TypeError, match="import it first and pass the module"):
        sa.register_plugin("my_plugin_module")
    with pytest.raises(ValueError, match="built-in plugin cannot be unregistered"):
        sa.unregister_plugin("builtin")
    with pytest.raises(ValueError, match="no plugin named 'nope'"):
        sa.unregister_plugin("nope")


def test_a_factory_that_returns_no_curve(register: Callable[..., str]) -> None:
    register(_InHouseCurves("not_a_curve", lambda: 0.5), "bad_factory")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(TypeError, match="returned float, not a torch_schedule_anything Curve"):
        sa.schedule(opt, "not_a_curve")


def test_unknown_curve_lists_the_known_ones() -> None:
    with pytest.raises(KeyError) as info:
        sa.get_curve("cosine_anealing")
    assert "unknown curve 'cosine_anealing'" in str(info.value)
    assert "cosine_annealing_with_warmup" in str(info.value)


# -- import cost -----------------------------------------------------------------------------


def test_importing_the_package_loads_no_plugin_and_no_matplotlib(tmp_path: Path) -> None:
    """In a fresh interpreter: import is cheap, discovery waits for the first registry use."""
    module = Dists(tmp_path).add("tsa-watched", "raise RuntimeError('loaded')")
    script = textwrap.dedent(
        f"""
        import sys, warnings
        sys.path.insert(0, {str(tmp_path)!r})
        import torch_schedule_anything as sa
        from torch_schedule_anything import plugins
        assert "matplotlib" not in sys.modules, "matplotlib imported"
        assert plugins._State.manager is None, "plugin manager created at import"
        assert {module!r} not in sys.modules, "plugin imported at import"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sa.list_curves()
        assert {module!r} not in sys.modules
        assert any("tsa-watched" in str(w.message) for w in caught), caught
        print("ok")
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSA_")}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


class _Undeclared(sa.Curve):
    """A plugin curve that declares no param_names."""

    def __init__(self, peak: float, length: int = 10) -> None:
        self.peak, self.length = peak, length

    def __call__(self, step: int) -> float:
        return self.peak * min(1.0, step / self.length)


def test_a_curve_without_param_names_is_identified_by_what_it_was_built_with(
    register: Callable[..., str],
) -> None:
    register(_InHouseCurves("undeclared", _Undeclared), "undeclared_plugin")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    s = sa.schedule(opt, "undeclared", peak=1.0)
    assert s.curve.spec() == {"name": "undeclared", "params": {"peak": 1.0, "length": 10}}
    other = sa.schedule(
        torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1),
        "undeclared",
        peak=1.0,
        length=20,
    )
    with pytest.raises(ValueError, match="saved with the curve"):
        other.load_state_dict(s.state_dict())


def test_a_curve_that_cannot_be_identified_warns_naming_the_plugin(
    register: Callable[..., str],
) -> None:
    with pytest.warns(sa.PluginLoadWarning, match=r"curve 'anything' of plugin 'vague'"):
        register(_InHouseCurves("anything", lambda **kwargs: _Undeclared(1.0)), "vague")
        sa.list_curves()


def test_plugin_warnings_point_at_the_plugins_register_line(
    register: Callable[..., str],
) -> None:
    # The warning is attributed to the first frame outside the package: here the plugin's
    # hook (this file), whatever number of pluggy and registry frames lie between.
    with pytest.warns(sa.PluginLoadWarning, match="declares no param_names") as caught:
        register(_InHouseCurves("vaguer", lambda **kwargs: _Undeclared(1.0)), "vaguer")
    assert [Path(w.filename).name for w in caught] == [Path(__file__).name]
