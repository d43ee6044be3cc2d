"""``torch.compile``-d optimizer steps with Tensor hyperparameters: scheduling never recompiles.

The schedules write Tensor values in place (``fill_``), so the compiled ``opt.step`` keeps
reading the same tensors and its guards keep passing. The controls show that the recompile
counter used here does move: when a Tensor is replaced by a float (what a scheduler that
assigns ``group["lr"] = value`` does) and when Dynamo specializes on float values.

Most tests use ``backend="aot_eager"``: Dynamo's tracing and guards (what decides about
recompilation) are the same for every backend, and it compiles in about a second on a CPU,
where inductor takes about 15 s per graph. One ``slow`` test runs inductor end to end.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import pytest
import torch
import torch._dynamo
from torch._dynamo.utils import counters

import torch_schedule_anything as sa

pytestmark = pytest.mark.slow  # compiles with torch.compile (dynamo and inductor)

STEPS = 100


@pytest.fixture(autouse=True)
def fresh_dynamo() -> Iterator[None]:
    torch._dynamo.reset()
    counters.clear()
    yield
    torch._dynamo.reset()
    counters.clear()


def _graphs() -> int:
    """Graphs Dynamo has compiled since the last reset (one more per recompilation)."""
    return int(counters["stats"]["unique_graphs"])


def _setup(
    tensors: bool,
) -> tuple[torch.optim.Adam, sa.SynchronousSchedule, Callable[[], None]]:
    torch.manual_seed(0)
    model = torch.nn.Linear(8, 8)
    for p in model.parameters():
        p.grad = torch.randn_like(p)

    def number(x: float) -> float | torch.Tensor:
        return torch.tensor(x) if tensors else x

    opt = torch.optim.Adam(
        model.parameters(),
        lr=number(0.01),
        betas=(number(0.9), number(0.999)),
        foreach=False,
    )
    sync = sa.SynchronousSchedule(
        [
            sa.cosine_annealing_with_warmup(opt, 1.0, 0.1, 10, STEPS),
            sa.linear_schedule_with_warmup(opt, 1.0, 0.5, 0, STEPS, "betas[0]"),
        ]
    )
    return opt, sync, opt.step


def _compiled(step: Callable[[], None], backend: str) -> Callable[[], None]:
    @torch.compile(fullgraph=False, backend=backend)
    def opt_step() -> None:
        step()

    return opt_step


def test_tensor_hyperparameters_never_recompile_over_100_steps() -> None:
    opt, sync, step = _setup(tensors=True)
    lr, beta1 = opt.param_groups[0]["lr"], opt.param_groups[0]["betas"][0]
    opt_step = _compiled(step, "aot_eager")
    opt_step()
    sync.step()
    after_first = _graphs()
    assert after_first >= 1
    for _ in range(STEPS):
        opt_step()
        sync.step()
    assert _graphs() == after_first  # not one recompilation
    group = opt.param_groups[0]
    assert group["lr"] is lr and group["betas"][0] is beta1  # filled in place, never replaced
    # Past the horizon the values hold the curve's end: lr 0.01 × 0.1, β₁ 0.9 × 0.5.
    assert group["lr"].item() == pytest.approx(0.001, rel=1e-6)
    assert group["betas"][0].item() == pytest.approx(0.45, rel=1e-6)


def test_control_replacing_a_tensor_by_a_float_recompiles() -> None:
    opt, sync, step = _setup(tensors=True)
    opt_step = _compiled(step, "aot_eager")
    for _ in range(3):
        opt_step()
        sync.step()
    settled = _graphs()
    opt.param_groups[0]["lr"] = 0.005  # what a float-writing scheduler would do
    opt_step()
    assert _graphs() > settled


def test_control_float_values_recompile_when_dynamo_specializes_floats() -> None:
    # With specialize_float=True (the default before torch 2.6; a config some users set),
    # every new float lr is a new constant in the graph: a recompile per scheduled value.
    # Tensor values are graph inputs: the same config does not recompile them.
    with torch._dynamo.config.patch(specialize_float=True):
        seen = {}
        for tensors in (False, True):
            torch._dynamo.reset()
            counters.clear()
            _, sync, step = _setup(tensors=tensors)
            opt_step = _compiled(step, "aot_eager")
            for _ in range(5):
                opt_step()
                sync.step()
            seen[tensors] = _graphs()
    assert seen[True] == 1
    assert seen[False] >= 4  # warmup changes lr and β₁ every step


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("gcc") is None and shutil.which("cc") is None, reason="inductor needs a C compiler"
)
def test_inductor_compiled_step_does_not_recompile() -> None:
    opt, sync, step = _setup(tensors=True)
    opt_step = _compiled(step, "inductor")
    opt_step()
    sync.step()
    after_first = _graphs()
    for _ in range(STEPS):
        opt_step()
        sync.step()
    assert _graphs() == after_first
    assert opt.param_groups[0]["lr"].item() == pytest.approx(0.001, rel=1e-6)
