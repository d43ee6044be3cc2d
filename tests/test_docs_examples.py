"""Every ```python block of README.md and documentation/**/*.md runs.

The blocks of one file run in order in one namespace (so a page can build on its earlier
blocks), in a temporary working directory. Non-Python snippets use ```bash or ```text fences.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
PAGES = sorted([ROOT / "README.md", *(ROOT / "documentation").rglob("*.md")])


def python_blocks(page: Path) -> list[str]:
    return FENCE.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(page)
    if not blocks:
        pytest.skip(f"{page.name} has no python examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for number, block in enumerate(blocks, start=1):
        code = compile(block, f"{page.name}[block {number}]", "exec")
        exec(code, namespace)  # running our own documentation is the point


def test_every_page_is_collected() -> None:
    assert ROOT / "README.md" in PAGES
    assert sum(len(python_blocks(p)) for p in PAGES) > 0, "no documentation example found"
    assert os.path.isdir(ROOT / "documentation")
