"""DESIGN invariant 9: the package's modules form layers, and no import goes up or round.

Every ``import`` of the package is read from the source (function-level and ``TYPE_CHECKING``
ones too: a lazy import is still a dependency), resolved to a module, and checked against
:data:`LAYERS`. A module may import from its own layer or the layers below; the graph of all
imports has no cycle. A new module must be given a layer here, which is the point: where a
module sits is a design decision.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = "torch_schedule_anything"
SRC = Path(__file__).resolve().parents[1] / "src" / PACKAGE

#: Bottom to top. Module names are relative to the package; ``curves.*`` means the subpackage.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("checks and errors", ("checks", "errors", "horizon")),
    ("curves (pure)", ("curves", "curves.*")),
    ("param-group access and the binding", ("param_groups", "state", "binding")),
    (
        "scheduler kinds",
        (
            "curve_schedule",
            "adapter",
            "sequence",
            "synchronizer",
            "bases",
            "cosine_scheduler",
            "wsd_scheduler",
            "builtin_schedules",
            "cooldown_schedule",
        ),
    ),
    ("hookspecs, plugins, registry", ("hookspecs", "builtin_plugin", "plugins", "registry")),
    (
        "config, handlers, integrations, compat",
        ("config", "handlers", "integrations", "compat", "compat.*"),
    ),
    (
        "simulate, plot, range test, demo, cli",
        ("simulate", "comparison", "plot", "range_sweep", "demo", "cli", "__main__"),
    ),
)


def layer_of(module: str) -> int:
    """The index in :data:`LAYERS` of ``module`` (relative dotted name)."""
    for index, (_, names) in enumerate(LAYERS):
        for name in names:
            if module == name or (name.endswith(".*") and module.startswith(name[:-1])):
                return index
    raise LookupError(module)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def imports_of(module: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """``(imported module, line)`` for every import of the package in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    here = module.split(".") if module else []
    if not is_package:
        here = here[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    yield alias.name[len(PACKAGE) + 1 :], node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                target = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module and (node.module == PACKAGE or node.module.startswith(PACKAGE + ".")):
                target = node.module[len(PACKAGE) + 1 :]
            else:
                continue
            for alias in node.names:
                # ``from . import plugins`` imports a module; ``from .x import name`` imports x.
                sub = f"{target}.{alias.name}" if target else alias.name
                yield (sub if sub in known else target), node.lineno


def graph() -> dict[str, list[tuple[str, int]]]:
    found = modules()
    known = set(found)
    return {
        m: [(t, line) for t, line in imports_of(m, p, known) if t != m] for m, p in found.items()
    }


def test_every_module_has_a_layer() -> None:
    missing = []
    for module in modules():
        if module in ("", "curves"):  # the package's __init__ re-exports; curves/__init__ is curves
            continue
        try:
            layer_of(module)
        except LookupError:
            missing.append(module)
    assert not missing, f"give these modules a layer in tests/test_layers.py: {missing}"


def test_no_import_goes_up_a_layer() -> None:
    upward = []
    for module, targets in graph().items():
        if module == "":  # the package __init__ is the public API: it re-exports every layer
            continue
        own = layer_of(module)
        for target, line in targets:
            if target == "":
                upward.append(f"{module}:{line} imports the package itself (use a module)")
            elif layer_of(target) > own:
                upward.append(
                    f"{module}:{line} ({LAYERS[own][0]}) imports {target} "
                    f"({LAYERS[layer_of(target)][0]})"
                )
    assert not upward, "imports that go up a layer:\n" + "\n".join(upward)


def test_curves_import_only_checks_and_each_other() -> None:
    for module, targets in graph().items():
        if module == "curves" or module.startswith("curves."):
            assert all(layer_of(t) <= 1 for t, _ in targets if t), (module, targets)


def test_the_import_graph_has_no_cycle() -> None:
    edges = {m: {t for t, _ in ts if t} for m, ts in graph().items() if m}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)


def test_the_checker_sees_function_level_imports(tmp_path: Path) -> None:
    # A control: the reader must find an import hidden inside a function.
    source = "def f():\n    from ..registry import build_curve\n    return build_curve\n"
    path = tmp_path / "fake.py"
    path.write_text(source)
    found = list(imports_of("curves.fake", path, {"registry"}))
    assert found == [("registry", 2)]


def test_no_module_imports_another_modules_private_names() -> None:
    # What one module needs from another is that module's public API; a leading underscore
    # means "this module's business only".
    private = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (
                node.level or (node.module or "").startswith(PACKAGE)
            ):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        where = path.relative_to(SRC)
                        private.append(f"{where}:{node.lineno} imports {node.module}.{alias.name}")
    assert not private, "\n".join(private)


#: Modules without logic of their own (re-exports, hook specifications, the entry script).
NO_LOGIC = frozenset({"", "__main__", "curves", "compat", "hookspecs"})
#: Modules whose tests are named after the promise they check, not after the module.
TESTED_IN = {
    "state": "test_state_dicts.py",
    "compat.lambda_lr": "compat/test_compat_transformers.py",
    "compat.plugin": "test_builtin_plugin.py",
}


def test_every_module_with_logic_has_its_test_file() -> None:
    tests = Path(__file__).resolve().parent
    missing = []
    for module in modules():
        if module in NO_LOGIC:
            continue
        default = (
            f"compat/test_{module.replace('.', '_')}.py"
            if module.startswith("compat.")
            else f"test_{module.replace('.', '_')}.py"
        )
        if not (tests / TESTED_IN.get(module, default)).is_file():
            missing.append(f"{module}: tests/{TESTED_IN.get(module, default)}")
    assert not missing, "modules without their test file:\n" + "\n".join(missing)
