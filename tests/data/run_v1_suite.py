"""Run the test suite shipped in the 1.2.3 sdist against the installed 2.x package.

2.x promises that 1.x code runs unchanged and gives the same numbers (except where 1.x was
wrong, see ``documentation/migration.md``). The tests published with 1.2.3 are a ready-made
check of that promise. This script:

1. takes the 1.2.3 sdist from the path given, or runs
   ``pip download --no-deps --no-binary :all: torch-schedule-anything==1.2.3`` into a temp dir;
2. unpacks it and copies **only** its ``tests/`` directory into a fresh folder, so the 1.2.3
   sources are never importable. The 1.2.3 tests import ``src.torch_schedule_anything``
   (the repository layout); that prefix is rewritten to ``torch_schedule_anything`` so that
   they import the installed 2.x package. The sdist also lacks the ``tests/conftest.py`` that
   defines the fixtures, so an equivalent one is written beside the copied tests (same
   optimizers and values as the upstream conftest at the 1.2.3 commit);
3. runs pytest on the copy in a child process (``-p no:cacheprovider``, its own empty
   ``pytest.ini`` so this project's pytest settings do not apply). The child stops at once
   unless it imported ``torch_schedule_anything`` >= 2 from outside the copy;
4. prints the counts and each failing test, with the known diagnosis where there is one.

Usage (from the repository root, with the project's virtual environment active)::

    python tests/data/run_v1_suite.py                        # pip download 1.2.3 first
    python tests/data/run_v1_suite.py path/to/torch_schedule_anything-1.2.3.tar.gz
    python tests/data/run_v1_suite.py SDIST --workdir /tmp/v1suite -- -x -k sync

Arguments after ``--`` go to pytest. Exit status: 0 when every failure is a known, expected
one (listed in ``EXPECTED``), 1 when any other test fails, 2 when the suite could not run.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

VERSION = "1.2.3"
REQUIREMENT = f"torch-schedule-anything=={VERSION}"

#: Failures that are expected against 2.x, keyed by test id prefix (file or file::test).
EXPECTED = {
    "tests/test_adapter.py": (
        "(c) 1.x private internal: imports ArbitraryScheduleAdapter from the 1.x module "
        "arbitrary_schedules (not in 1.x __all__; the 1.x CHANGELOG calls it the 'internal "
        "proxy mechanism') and checks its schedule_namespaces entries, which 2.x no longer "
        "writes (migration.md). The same scheduling through arbitrary_schedule_factory "
        "gives identical numbers."
    ),
}

# Written next to the copied tests. The fixtures are those the 1.2.3 tests use (the sdist
# does not ship its conftest); the hooks make sure the run imports the installed 2.x package.
CONFTEST = '''\
"""Fixtures for the 1.2.3 tests, and a guard that the package under test is 2.x."""

import json
import os
from pathlib import Path

import pytest
import torch.nn as nn
from torch.optim import SGD, AdamW

import torch_schedule_anything as tsa

HERE = Path(__file__).resolve().parent


def pytest_report_header(config):
    return f"torch_schedule_anything {tsa.__version__} from {tsa.__file__}"


def pytest_sessionstart(session):
    origin = Path(tsa.__file__).resolve()
    major = tsa.__version__.split(".")[0]
    (HERE / "imported.json").write_text(
        json.dumps({"version": tsa.__version__, "file": str(origin)})
    )
    if not major.isdigit() or int(major) < 2 or HERE in origin.parents:
        pytest.exit(f"expected the installed 2.x package, got {tsa.__version__} from {origin}", 4)


@pytest.fixture
def simple_model():
    return nn.Linear(10, 1)


@pytest.fixture
def optimizer(simple_model):
    return AdamW(simple_model.parameters(), lr=0.001, weight_decay=0.01)


@pytest.fixture
def optimizer_with_multiple_param_groups():
    model = nn.Sequential(nn.Linear(10, 5), nn.Linear(5, 1))
    groups = [
        {"params": model[0].parameters(), "lr": 0.001, "weight_decay": 0.01},
        {"params": model[1].parameters(), "lr": 0.01, "weight_decay": 0.1},
    ]
    return AdamW(groups)


@pytest.fixture
def sgd_optimizer(simple_model):
    return SGD(simple_model.parameters(), lr=0.1, momentum=0.9)


@pytest.fixture
def setup_schedule():
    def make(optimizer, param_name, scheduler_class, default_value=None, **kwargs):
        if default_value is not None:
            tsa.extend_optimizer(optimizer, param_name, default_value=default_value)
        return tsa.arbitrary_schedule_factory(
            optimizer, lambda opt: scheduler_class(opt, **kwargs), schedule_target=param_name
        )

    return make


@pytest.fixture
def setup_model_and_optimizer():
    def make(lr=0.001, weight_decay=0.01):
        model = nn.Linear(10, 1)
        return model, AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)

    return make
'''


def download_sdist(dest: Path) -> Path:
    """``pip download`` the 1.2.3 sdist into ``dest`` and return its path."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
    subprocess.run([*command, REQUIREMENT, "-d", str(dest)], check=True)
    found = sorted(dest.glob("torch_schedule_anything-*.tar.gz"))
    if not found:
        raise SystemExit(f"pip download left no sdist in {dest}")
    return found[0]


def unpack_tests(sdist: Path, work: Path) -> Path:
    """Unpack ``sdist`` under ``work`` and prepare a copy of its tests; return the suite dir."""
    unpacked = work / "sdist"
    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(unpacked, filter="data")
        else:  # Python without extraction filters (3.10 before 3.10.12)
            archive.extractall(unpacked)
    sources = [path for path in unpacked.glob("*/tests") if path.is_dir()]
    if len(sources) != 1:
        raise SystemExit(f"expected one tests/ directory in {sdist}, found {len(sources)}")
    suite = work / "suite"
    shutil.copytree(sources[0], suite / "tests")
    for path in (suite / "tests").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        path.write_text(
            re.sub(r"\bsrc\.torch_schedule_anything\b", "torch_schedule_anything", text),
            encoding="utf-8",
        )
    (suite / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (suite / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return suite


def _message(element: ET.Element) -> str:
    """The exception line of a junit failure/error (pytest's last ``E   `` line)."""
    raised = [line[1:].strip() for line in (element.text or "").splitlines() if line[:2] == "E "]
    return raised[-1] if raised else element.get("message", "")


def read_report(report: Path) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Counts and (test id, first line of the message) for each failure or error."""
    counts = {"tests": 0, "passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    failures: list[tuple[str, str]] = []
    for case in ET.parse(report).getroot().iter("testcase"):
        module = case.get("classname", "")
        name = case.get("name", "")
        if module:
            test_id = module.replace(".", "/") + ".py::" + name
        else:  # a collection error names the module only
            test_id = name.replace(".", "/") + ".py"
        counts["tests"] += 1
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed", "error": "errors"}.get(child.tag, child.tag)
                if outcome != "skipped":
                    failures.append((test_id, _message(child)))
                break
        counts[outcome] += 1
    return counts, failures


def diagnosis(test_id: str) -> str | None:
    for prefix, text in EXPECTED.items():
        if test_id == prefix or test_id.startswith(prefix + "::"):
            return text
    return None


def run(sdist: Path | None, work: Path, python: str, pytest_args: list[str]) -> int:
    if sdist is None:
        sdist = download_sdist(work / "download")
    suite = unpack_tests(sdist.resolve(), work)
    report = work / "report.xml"
    command = [python, "-m", "pytest", "tests", "-c", "pytest.ini", "-p", "no:cacheprovider"]
    command += ["-rfE", "--continue-on-collection-errors", f"--junitxml={report}"]
    print("$ (cd", suite, "&&", " ".join(command + pytest_args) + ")", flush=True)
    returncode = subprocess.run(command + pytest_args, cwd=suite, check=False).returncode

    imported = suite / "imported.json"
    if not imported.exists() or not report.exists() or returncode not in (0, 1):
        print(f"\nthe {VERSION} suite did not run (pytest exit status {returncode})")
        return 2
    info = json.loads(imported.read_text(encoding="utf-8"))
    counts, failures = read_report(report)
    print(f"\n{VERSION} suite against torch_schedule_anything {info['version']} ({info['file']})")
    print(", ".join(f"{value} {key}" for key, value in counts.items()))
    unexpected = 0
    for test_id, message in failures:
        known = diagnosis(test_id)
        unexpected += known is None
        print(f"\n{'EXPECTED' if known else 'UNEXPECTED'} {test_id}\n    {message}")
        if known:
            print(f"    diagnosis: {known}")
    print(f"\n{len(failures)} failing, {unexpected} not expected")
    return 1 if unexpected else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sdist", nargs="?", type=Path, help="the 1.2.3 .tar.gz (default: download)")
    parser.add_argument("--workdir", type=Path, help="where to unpack and run (default: temp dir)")
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs pytest")
    argv = sys.argv[1:] if argv is None else argv
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    pytest_args = argv[split + 1 :]
    if args.workdir is not None:
        if args.workdir.exists() and any(args.workdir.iterdir()):
            parser.error(f"--workdir {args.workdir} is not empty")
        args.workdir.mkdir(parents=True, exist_ok=True)
        return run(args.sdist, args.workdir.resolve(), args.python, pytest_args)
    with tempfile.TemporaryDirectory(prefix="tsa-v1-suite-") as work:
        return run(args.sdist, Path(work), args.python, pytest_args)


if __name__ == "__main__":
    sys.exit(main())
