"""Sessions: ``nox`` runs tests, lint, typecheck and integration (what CI runs); see README."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck", "integration", "compat", "v1"]
nox.options.error_on_missing_interpreters = False

# torch first, pinned: an unpinned torch in a fresh venv pulls GBs of CUDA wheels.
TORCH = "torch==2.13.0"
CONSTRAINTS = ("-c", "constraints.txt")


def _install_project(session: nox.Session, extras: str = "test") -> None:
    session.install(TORCH)
    session.install(*CONSTRAINTS, "-e", f".[{extras}]")


@nox.session
def tests(session: nox.Session) -> None:
    """The unit, property, doc-example and plugin-install tests."""
    _install_project(session)
    session.run("pytest", *session.posargs)


@nox.session(default=False)
def quick(session: nox.Session) -> None:
    """The inner loop: every test not marked slow (``pytest -m "not slow"``), about a minute."""
    _install_project(session)
    session.run("pytest", "-m", "not slow", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    session.install("ruff==0.17.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on src/."""
    _install_project(session)
    session.install(*CONSTRAINTS, "mypy>=1.10")
    session.run("mypy")
    session.run("mypy", "--strict", "plugins/tsa-curve-pack/src", "plugins/tsa-gradient-clip/src")


@nox.session
def integration(session: nox.Session) -> None:
    """Lightning, HF Trainer and Accelerate on CPU: ``pytest tests/integration -m integration``."""
    _install_project(session)
    # Constrained, so that none of them replaces the pinned torch.
    session.install(*CONSTRAINTS, "lightning", "transformers", "accelerate")
    # Fail (not skip) when a framework did not install: the tests importorskip them.
    session.run("python", "-c", "import lightning, transformers, accelerate")
    session.run("pytest", "tests/integration", "-m", "integration", *session.posargs)


# The peers whose schedules torch_schedule_anything.compat reproduces. timm is installed without
# its dependencies (torchvision has no wheel for the pinned torch): its scheduler modules need
# only torch.
PEERS = ("transformers", "fvcore", "pytorch-accelerated==0.1.61")


@nox.session
def compat(session: nox.Session) -> None:
    """Parity with the real packages, step by step: ``pytest tests/compat -m compat``."""
    _install_project(session)
    session.install(*CONSTRAINTS, *PEERS)
    session.install("--no-deps", "timm")
    # Fail (not skip) when a peer did not install: the tests importorskip them.
    session.run("python", "-c", "import transformers, fvcore, pytorch_accelerated")
    # timm cannot be imported whole without torchvision: check that its files are there.
    session.run(
        "python", "-c", "import importlib.util as u; assert u.find_spec('timm'), 'timm missing'"
    )
    session.run("pytest", "tests/compat", "-m", "compat", *session.posargs)
    # pytorch-accelerated's own scheduler tests, from its sdist, imports changed to ours.
    session.run("python", "tests/data/run_pytorch_accelerated_suite.py")


@nox.session
def v1(session: nox.Session) -> None:
    """ScheduleAnything 1.2.3's own test suite (from its sdist on PyPI) against this package."""
    _install_project(session)
    session.run("python", "tests/data/run_v1_suite.py", *session.posargs)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """The step-cost benchmarks (print Markdown tables; not run by ``nox`` alone)."""
    _install_project(session)
    session.run("python", "benchmarks/bench_binding.py", "--markdown")
    session.run("python", "benchmarks/bench_step.py", *session.posargs)
