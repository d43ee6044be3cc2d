"""The example plugins, installed for real with pip, found through their entry points.

``plugins/tsa-curve-pack``, ``plugins/tsa-gradient-clip`` and the deliberately broken
``tests/fixtures/broken_plugin`` are built from copies of their source trees (the working tree
stays clean) and installed with ``pip install --no-deps --no-build-isolation --no-index
--target DIR``: no network, no new torch, only setuptools from this environment. Each check runs
in a fresh interpreter with ``DIR`` on ``PYTHONPATH`` (the same interpreter, so torch and
torch-schedule-anything are the ones installed here); discovery then goes through
``importlib.metadata`` exactly as for a plugin installed from PyPI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # pip-installs the example plugins into a fresh environment

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = {
    "tsa-curve-pack": ROOT / "plugins" / "tsa-curve-pack",
    "tsa-gradient-clip": ROOT / "plugins" / "tsa-gradient-clip",
}
BROKEN = ROOT / "tests" / "fixtures" / "broken_plugin"
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def _cannot_build() -> str | None:
    """Why the plugins cannot be built offline here (``None``: they can)."""
    try:
        import setuptools
    except ImportError:
        return "building the plugins offline (--no-build-isolation) needs setuptools installed"
    major = int(setuptools.__version__.split(".")[0])
    if major < 77:
        return (
            f"the plugins' pyproject.toml files need setuptools>=77 (SPDX license string); "
            f"setuptools {setuptools.__version__} is installed"
        )
    return None


def _pip_install(sources: list[Path], target: Path, work: Path) -> None:
    copies = []
    for source in sources:
        copy = work / source.name
        shutil.copytree(
            source, copy, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
        )
        copies.append(str(copy))
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "--disable-pip-version-check",
        "--target",
        str(target),
        *copies,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"pip install failed:\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``good``: both example plugins; ``broken``: the broken fixture. Built once per module."""
    reason = _cannot_build()
    if reason is not None:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("plugin_install")
    good, broken = root / "good", root / "broken"
    _pip_install(list(PLUGINS.values()), good, root / "build_good")
    _pip_install([BROKEN], broken, root / "build_broken")
    return {"good": good, "broken": broken, "build": root / "build_good"}


def run_python(
    script: str, *paths: Path, disable: bool = False, cwd: Path | None = None
) -> dict[str, Any]:
    """Run ``script`` in a fresh interpreter with ``paths`` on PYTHONPATH; return its JSON."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSA_")}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in paths)
    if disable:
        env["TSA_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    prelude = textwrap.dedent(
        """
        import json, warnings
        warnings.simplefilter("always")
        _caught = warnings.catch_warnings(record=True)
        caught = _caught.__enter__()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


DISCOVERY = """
import torch
import torch_schedule_anything as sa

plugins = {p["distribution"]: p for p in sa.list_plugins()}
w = torch.nn.Parameter(torch.zeros(2))
opt = torch.optim.AdamW([w], lr=1e-3, weight_decay=0.2)
wd = sa.schedule(opt, "wsd", "weight_decay", warmup_to_value=1.0, anneal_to_value=0.0,
                 num_warmup_steps=0, num_training_steps=4, num_decay_steps=2)
lr = sa.schedule_from_config(opt, {"curve": "inverse_sqrt", "warmup_to_value": 1.0,
                                   "num_warmup_steps": 4})
sa.extend_optimizer(opt, "gradient_clip_threshold", 1.0)
sa.attach_handler(opt, "gradient_clip", norm_type=2.0)
decays, norms = [], []
for _ in range(5):
    w.grad = torch.tensor([3.0, 4.0])
    decays.append(opt.param_groups[0]["weight_decay"])
    opt.step()
    norms.append(round(float(torch.linalg.vector_norm(w.grad)), 4))
    wd.step(); lr.step()
print(json.dumps({
    "plugins": plugins,
    "curves": sa.list_curves(),
    "handlers": sa.list_handlers(),
    "decays": decays,
    "norms": norms,
    "lr": opt.param_groups[0]["lr"],
    "warnings": [f"{w.category.__name__}: {w.message}" for w in caught],
}))
"""


def test_installed_plugins_are_discovered_through_their_entry_points(
    sites: dict[str, Path],
) -> None:
    out = run_python(DISCOVERY, sites["good"])
    assert out["warnings"] == []
    assert out["plugins"]["tsa-curve-pack"] == {
        "name": "curve_pack",
        "distribution": "tsa-curve-pack",
        "version": "0.1.0",
        "source": "entry point",
        "hooks": ["register_curves"],
    }
    assert out["plugins"]["tsa-gradient-clip"] == {
        "name": "gradient_clip",
        "distribution": "tsa-gradient-clip",
        "version": "0.1.0",
        "source": "entry point",
        "hooks": ["register_handlers"],
    }
    assert {"wsd", "inverse_sqrt", "cosine_annealing_with_warmup"} <= set(out["curves"])
    assert "gradient_clip" in out["handlers"]
    assert out["decays"] == [0.2, 0.2, 0.2, 0.1, 0.0]  # wsd on weight_decay, by name
    assert out["norms"] == [1.0] * 5  # the handler clipped norm 5 to the threshold 1
    assert out["lr"] == pytest.approx(1e-3 * (4 / 5) ** 0.5, rel=1e-12)  # inverse_sqrt at 5


def test_a_broken_plugin_warns_once_and_nothing_else_breaks(sites: dict[str, Path]) -> None:
    out = run_python(DISCOVERY, sites["good"], sites["broken"])
    assert len(out["warnings"]) == 1, out["warnings"]
    [message] = out["warnings"]
    assert message.startswith("PluginLoadWarning: ")
    assert "'broken' from distribution tsa-broken-plugin 0.0.1" in message
    assert "RuntimeError: tsa-broken-plugin is broken on purpose" in message
    assert "tsa-broken-plugin" not in out["plugins"]
    assert {"wsd", "inverse_sqrt", "linear_schedule_with_warmup"} <= set(out["curves"])
    assert out["norms"] == [1.0] * 5


def test_autoload_off_keeps_builtins_and_allows_in_house_registration(
    sites: dict[str, Path],
) -> None:
    script = """
    import sys
    import torch_schedule_anything as sa
    before = {"curves": sa.list_curves(), "plugins": [p["name"] for p in sa.list_plugins()],
              "handlers": sa.list_handlers()}
    import tsa_curve_pack.plugin
    sa.register_plugin(tsa_curve_pack.plugin, name="curve_pack")
    print(json.dumps({"before": before, "after": sa.list_curves(),
                      "imported_clip": "tsa_gradient_clip" in sys.modules,
                      "warnings": [str(w.message) for w in caught]}))
    """
    out = run_python(script, sites["good"], sites["broken"], disable=True)
    assert out["warnings"] == []  # the broken plugin is not even imported
    assert out["before"]["plugins"] == ["builtin"]
    assert out["before"]["handlers"] == []
    assert "linear_schedule_with_warmup" in out["before"]["curves"]
    assert "wsd" not in out["before"]["curves"]
    assert {"wsd", "inverse_sqrt"} <= set(out["after"])
    assert out["imported_clip"] is False


def test_plugin_readme_examples_run_installed(sites: dict[str, Path]) -> None:
    """Every python block of each plugin's README.md, in one namespace per README."""
    pages = {}
    for distribution, tree in PLUGINS.items():
        blocks = FENCE.findall((tree / "README.md").read_text(encoding="utf-8"))
        assert blocks, f"{distribution}/README.md has no python example"
        pages[distribution] = "\n".join(textwrap.dedent(b) for b in blocks)
    script = f"""
    for page, code in {pages!r}.items():
        exec(compile(code, page + "/README.md", "exec"), {{"__name__": "__readme__"}})
    print(json.dumps({{"warnings": [str(w.message) for w in caught]}}))
    """
    out = run_python(script, sites["good"])
    assert out["warnings"] == []


def test_plugin_test_suites_pass_installed(sites: dict[str, Path]) -> None:
    """The plugins' own tests and doctests, against the installed plugins (one pytest run)."""
    build = sites["build"]
    trees = [PLUGINS[d].name for d in sorted(PLUGINS)]
    (build / "pytest.ini").write_text(
        "[pytest]\naddopts = --doctest-modules -p no:cacheprovider\n", encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSA_")}
    env["PYTHONPATH"] = str(sites["good"])
    # the tests from the source trees, the doctests from the installed packages
    paths = [f"{tree}/tests" for tree in trees]
    paths += [str(sites["good"] / p) for p in ("tsa_curve_pack", "tsa_gradient_clip")]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-c", "pytest.ini", "--rootdir", ".", *paths],
        capture_output=True,
        text=True,
        env=env,
        cwd=build,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(r"^\d+ passed in", summary), summary


@pytest.mark.parametrize(
    ("distribution", "entry_point"),
    [
        ("tsa-curve-pack", {"curve_pack": "tsa_curve_pack.plugin"}),
        ("tsa-gradient-clip", {"gradient_clip": "tsa_gradient_clip.plugin"}),
    ],
)
def test_plugin_metadata_declares_the_entry_point_and_no_torch(
    distribution: str, entry_point: dict[str, str]
) -> None:
    """Static: the contract in pyproject.toml (runs even without setuptools)."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((PLUGINS[distribution] / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["name"] == distribution
    assert project["project"]["entry-points"] == {"torch_schedule_anything": entry_point}
    # torch comes pinned with torch-schedule-anything; a plugin must not pull its own
    (requirement,) = project["project"]["dependencies"]
    assert requirement.startswith("torch-schedule-anything>=2.")
