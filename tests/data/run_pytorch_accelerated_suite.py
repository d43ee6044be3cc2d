"""Run pytorch-accelerated 0.1.61's own scheduler tests against this package, imports changed.

``sa.SchedulerBase``, ``sa.StatefulSchedulerBase``, ``sa.CosineLrScheduler`` and
``sa.WSDLrScheduler`` promise pytorch-accelerated's behaviour, so that a port changes only the
import. The tests published with pytorch-accelerated are a ready-made check of that promise.
This script (``nox -s compat`` runs it):

1. takes the 0.1.61 sdist from the path given, or runs
   ``pip download --no-deps --no-binary :all: pytorch-accelerated==0.1.61`` into a temp dir;
2. unpacks it and copies **only** ``test/scheduler/`` into a fresh folder (as the package
   ``test.scheduler``, which the tests import from each other), and rewrites the three imports
   ``from pytorch_accelerated.schedulers.<module> import ...`` to
   ``from torch_schedule_anything import ...``; nothing else is changed;
3. runs pytest on the copy in a child process with its own empty configuration; a guard in the
   child refuses to run if ``pytorch_accelerated``'s schedulers were imported;
4. prints the counts and each failing test, with its diagnosis where the difference is a
   deliberate one (``EXPECTED``).

Usage (from the repository root, in the project's environment)::

    python tests/data/run_pytorch_accelerated_suite.py [SDIST] [-- PYTEST ARGS]

Exit status: 0 when every failure is an expected one, 1 when another test fails, 2 when the
suite could not run.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

REQUIREMENT = "pytorch-accelerated==0.1.61"

#: Deliberate differences, by test name: pytorch-accelerated's behaviour is kept everywhere else.
EXPECTED = {
    "test_wsd_invalid_configurations": (
        "invalid arguments raise ValueError naming the argument (python -O strips an assert); "
        "pytorch-accelerated raises AssertionError"
    ),
    "test_wsd_continuation_state": (
        "the state dict is this package's plain-data one: the scheduler's attributes are under "
        "state['attributes'] (pytorch-accelerated puts them at the top level); its dicts load "
        "here, and a continuation resumes the same"
    ),
}

IMPORTS = re.compile(
    r"from pytorch_accelerated\.schedulers\.(?:cosine_scheduler|scheduler_base|wsd_scheduler) "
    r"import"
)

CONFTEST = """\
import sys


def pytest_sessionstart(session):
    import torch_schedule_anything as tsa

    leaked = [m for m in sys.modules if m.startswith("pytorch_accelerated.schedulers")]
    if leaked:
        raise SystemExit(f"the copied tests imported pytorch_accelerated: {leaked}")
    print(f"torch_schedule_anything {tsa.__version__} from {tsa.__file__}")
"""


def download_sdist(dest: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
    subprocess.run([*command, REQUIREMENT, "-d", str(dest)], check=True)
    (sdist,) = dest.glob("pytorch_accelerated-*.tar.gz")
    return sdist


def copy_tests(sdist: Path, work: Path) -> Path:
    """``work/suite/test/scheduler/*.py``, imports rewritten; returns ``work/suite``."""
    unpacked = work / "unpacked"
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, filter="data")
    (source,) = unpacked.glob("*/test/scheduler")
    suite = work / "suite"
    target = suite / "test" / "scheduler"
    target.mkdir(parents=True)
    (suite / "test" / "__init__.py").write_text("")
    for path in sorted(source.glob("*.py")):
        text, count = IMPORTS.subn("from torch_schedule_anything import", path.read_text())
        if "pytorch_accelerated" in text:
            raise SystemExit(f"{path.name}: an import this script does not know how to change")
        (target / path.name).write_text(text)
        print(f"copied {path.name} ({count} import(s) changed)")
    (suite / "conftest.py").write_text(CONFTEST)
    (suite / "pytest.ini").write_text("[pytest]\n")
    return suite


def read_report(report: Path) -> tuple[dict[str, int], list[tuple[str, str]]]:
    root = ET.parse(report).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    assert suite is not None
    counts = {k: int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")}
    failed = []
    for case in suite.iter("testcase"):
        for kind in ("failure", "error"):
            element = case.find(kind)
            if element is not None:
                message = (element.get("message") or "").splitlines()[0][:200]
                failed.append((case.get("name", "?"), message))
    return counts, failed


def run(sdist: Path | None, work: Path, pytest_args: list[str]) -> int:
    sdist = sdist or download_sdist(work / "download")
    suite = copy_tests(sdist, work)
    report = work / "report.xml"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfE"]
    command += [f"--junitxml={report}", "test/scheduler", *pytest_args]
    subprocess.run(command, cwd=suite, check=False)
    if not report.exists():
        print("the suite did not run")
        return 2
    counts, failed = read_report(report)
    passed = counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
    print(
        f"\npytorch-accelerated's scheduler tests on torch_schedule_anything: {passed} passed, "
        f"{len(failed)} failed of {counts['tests']}"
    )
    unexpected = 0
    for name, message in failed:
        base = name.split("[")[0]
        known = EXPECTED.get(base)
        print(f"{'EXPECTED' if known else 'UNEXPECTED'} {name}: {message}")
        if known:
            print(f"    why: {known}")
        else:
            unexpected += 1
    return 1 if unexpected else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sdist", nargs="?", type=Path, help="the 0.1.61 sdist (default: download)")
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="after --: pytest args")
    args = parser.parse_args(argv)
    extra = [a for a in args.pytest_args if a != "--"]
    with tempfile.TemporaryDirectory(prefix="pa-suite-") as tmp:
        work = Path(tmp)
        return run(args.sdist, work, extra)


if __name__ == "__main__":
    sys.exit(main())
