"""The state-dict contract: a corrupted dict is refused whole and changes nothing.

Every object the package returns checks the WHOLE dict in ``load_state_dict`` before it changes
anything, and raises ``ValueError``/``TypeError`` naming the first mismatch; a refused load leaves
the schedule, its children and the optimizer exactly as they were (see ``state.py``).

* ``KINDS``: one entry per kind of object, built on a real two-group SGD whose ``lr``,
  ``weight_decay`` and ``momentum`` differ between the groups.
* ``CASES``: every kind x every corruption. The corruptions are generated from the structure of
  the kind's own state dict (each required key dropped, an extra key in every dict, wrong types,
  NaN/inf/strings/negatives at the leaves, lists of the wrong length) plus whole-dict
  replacements (another kind's dict, another key's, another number of groups, torch's own
  ``StepLR`` dict, a 1.x ``LambdaLR`` dict with another key's bases, ``{}``, junk). For a
  ``SynchronousSchedule`` they reach into each child's entry, and drop or add a child.
* Each case: refused with ValueError/TypeError/KeyError, nothing changed, and one more step
  gives what an untouched twin gives.
* Hypothesis: random dicts and junk-mutated real dicts never load silently.
* Positive controls: each kind's own dict round-trips through ``torch.save``/``torch.load`` and
  the next steps are bitwise identical; 1.x dicts with this schedule's bases load.
"""

from __future__ import annotations

import copy
import functools
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch.optim.lr_scheduler import LambdaLR, StepLR

import torch_schedule_anything as sa
from torch_schedule_anything.adapter import ParamGroupAdapter
from torch_schedule_anything.curves import LinearWarmup, Multiplier

Factory = Callable[[torch.optim.Optimizer], Any]
Path = tuple[Any, ...]
Corrupt = Callable[[dict[str, Any]], Any]

#: What a refused load may raise.
REJECTED = (ValueError, TypeError, KeyError)
#: Steps before the load: the SequentialSchedule is in its StepLR phase by then (boundary 3).
N_STEPS = 4
#: The value lists of a state dict: one number per param group, each a value of the key.
VALUE_LISTS = frozenset({"base_lrs", "values", "_last_lr"})
#: The counters, ints >= 0.
COUNTERS = frozenset({"last_epoch", "_step_count"})
#: The subclass attributes of a SchedulerBase dict that are corrupted: one int, one float. Every
#: attribute goes through the same check, so corrupting all of them would repeat one case.
ATTRIBUTE_LEAVES = frozenset({"total_iterations", "k_decay"})
#: For each ``kind`` value in a state dict, another one.
OTHER_KIND_NAME = {
    "CurveSchedule": "SequentialSchedule",
    "curve": "scheduler",
    "scheduler": "curve",
}


# -- the optimizer and the kinds ---------------------------------------------------------------
def make_optimizer(n_groups: int = 2) -> torch.optim.SGD:
    """SGD whose groups hold different lr, weight_decay and momentum (the first n_groups)."""
    groups = [
        {
            "params": [torch.nn.Parameter(torch.ones(2))],
            "lr": 0.1,
            "weight_decay": 1e-4,
            "momentum": 0.9,
        },
        {
            "params": [torch.nn.Parameter(torch.ones(3))],
            "lr": 0.01,
            "weight_decay": 1e-3,
            "momentum": 0.8,
        },
    ]
    return torch.optim.SGD(groups[:n_groups], lr=0.5)


def curve_schedule_lr(key: str = "lr") -> Factory:
    return lambda opt: sa.cosine_annealing_with_warmup(opt, 1.0, 0.1, 3, 20, key)


def curve_schedule_wd(key: str = "weight_decay") -> Factory:
    return lambda opt: sa.linear_schedule_with_warmup(opt, 1.0, 0.1, 2, 10, key)


def adapted(key: str = "momentum") -> Factory:
    return lambda opt: sa.arbitrary_schedule_factory(
        opt, lambda o: StepLR(o, 2, 0.5), schedule_target=key
    )


def sequential(key: str = "lr") -> Factory:
    return lambda opt: sa.sequential(
        opt, [Multiplier(LinearWarmup(1.0, 3)), lambda o: StepLR(o, 2, 0.5)], [3], key
    )


def synchronous(curve_key: str = "lr", adapted_key: str = "momentum") -> Factory:
    return lambda opt: sa.SynchronousSchedule(
        [curve_schedule_lr(curve_key)(opt), adapted(adapted_key)(opt)]
    )


def cosine_lr(field: str = "lr") -> Factory:
    return lambda opt: sa.CosineLrScheduler(
        opt,
        total_num_epochs=4,
        num_update_steps_per_epoch=3,
        num_warmup_epochs=1,
        param_group_field=field,
    )


def curve_scheduler(field: str = "weight_decay") -> Factory:
    return lambda opt: sa.SchedulerBase.from_curve(
        opt, sa.curves.LinearScheduleWithWarmup(1.0, 0.0, 2, 10), field
    )


@dataclass(frozen=True)
class Kind:
    """A kind of scheduler: how to build it, the same kind on another key, its dict's shape."""

    name: str
    build: Factory
    other_key: Factory
    key: str
    #: Top-level keys its dict may lack (documented: ``kind`` is absent from 2.0 dicts, the
    #: counter and flags have defaults); dropping them is not a corruption.
    optional: frozenset[str] = frozenset()
    #: SynchronousSchedule: the kind of each child, by the name its entry has in the dict.
    parts: tuple[tuple[str, Kind], ...] = ()


CURVE_LR = Kind(
    "CurveSchedule[lr]",
    curve_schedule_lr(),
    curve_schedule_lr("weight_decay"),
    "lr",
    frozenset({"kind", "_step_count", "absolute"}),
)
CURVE_WD = Kind(
    "CurveSchedule[weight_decay]",
    curve_schedule_wd(),
    curve_schedule_wd("lr"),
    "weight_decay",
    frozenset({"kind", "_step_count", "absolute"}),
)
ADAPTED = Kind(
    "AdaptedSchedule[momentum]", adapted(), adapted("lr"), "momentum", frozenset({"kind"})
)
SEQUENTIAL = Kind(
    "SequentialSchedule[lr]",
    sequential(),
    sequential("weight_decay"),
    "lr",
    frozenset({"kind", "_step_count"}),
)
SYNCHRONOUS = Kind(
    "SynchronousSchedule[lr,momentum]",
    synchronous(),
    synchronous("weight_decay", "lr"),
    "lr",
    parts=(("lr", CURVE_LR), ("momentum", ADAPTED)),
)
COSINE = Kind(
    "CosineLrScheduler[lr]",
    cosine_lr(),
    cosine_lr("weight_decay"),
    "lr",
    frozenset({"kind", "scheduler", "_step_count", "attributes"}),
)
# ``curve`` is optional for a SchedulerBase; a CurveStatefulScheduler needs its own (strict).
CURVE_SCHEDULER = Kind(
    "CurveStatefulScheduler[weight_decay]",
    curve_scheduler(),
    curve_scheduler("lr"),
    "weight_decay",
    frozenset({"kind", "scheduler", "_step_count", "attributes"}),
)
KINDS = [CURVE_LR, CURVE_WD, ADAPTED, SEQUENTIAL, SYNCHRONOUS, COSINE, CURVE_SCHEDULER]


# -- running and observing ---------------------------------------------------------------------
def step(opt: torch.optim.Optimizer, scheduler: Any) -> None:
    opt.step()
    scheduler.step()


def stepped(build: Factory, n_groups: int = 2, steps: int = N_STEPS) -> tuple[Any, Any]:
    """A fresh optimizer and ``build(optimizer)``, stepped ``steps`` times."""
    opt = make_optimizer(n_groups)
    scheduler = build(opt)
    for _ in range(steps):
        step(opt, scheduler)
    return opt, scheduler


@functools.cache
def _cached_state(build: Factory, n_groups: int) -> dict[str, Any]:
    return stepped(build, n_groups)[1].state_dict()


def state_of(build: Factory, n_groups: int = 2) -> dict[str, Any]:
    """The state dict of ``build`` on a fresh optimizer after N_STEPS steps (a private copy)."""
    return copy.deepcopy(_cached_state(build, n_groups))


def _plain(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return _plain(value.tolist())
    if isinstance(value, (tuple, list)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def groups(opt: torch.optim.Optimizer) -> list[dict[str, Any]]:
    """Every key of every param group except ``params``, as floats/tuples."""
    return [{k: _plain(v) for k, v in g.items() if k != "params"} for g in opt.param_groups]


def _stand_ins(scheduler: Any) -> list[ParamGroupAdapter]:
    """The private stand-in optimizers inside ``scheduler`` (adapter, torch phases, children)."""
    found = []
    adapter = getattr(scheduler, "adapter", None)
    if isinstance(adapter, ParamGroupAdapter):
        found.append(adapter)
    for phase in getattr(scheduler, "_phases", ()):
        if isinstance(getattr(phase, "adapter", None), ParamGroupAdapter):
            found.append(phase.adapter)
    for child in getattr(scheduler, "schedules", {}).values():
        found.extend(_stand_ins(child))
    return found


def observe(opt: torch.optim.Optimizer, scheduler: Any) -> dict[str, Any]:
    """Everything a load could change: the state dict, the param groups, the stand-ins."""
    return {
        "state_dict": copy.deepcopy(scheduler.state_dict()),
        "param_groups": groups(opt),
        "stand_ins": [
            [{k: _plain(v) for k, v in g.items() if k != "params"} for g in a.param_groups]
            for a in _stand_ins(scheduler)
        ],
        "last_lr": _plain(scheduler.get_last_lr()),
    }


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


# -- walking a state dict ----------------------------------------------------------------------
def walk(node: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every ``(path, value)`` below ``node``, parents before children (not the root)."""
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, value in items:
        yield (*path, key), value
        yield from walk(value, (*path, key))


def at(node: Any, path: Path) -> Any:
    for key in path:
        node = node[key]
    return node


def label(path: Path) -> str:
    return ".".join(str(p) for p in path) or "the dict"


def replaced(path: Path, value: Any) -> Corrupt:
    """``state`` with the entry at ``path`` (the whole dict for ``()``) set to ``value``."""

    def corrupt(state: dict[str, Any]) -> Any:
        new = copy.deepcopy(value() if callable(value) else value)
        if not path:
            return new
        at(state, path[:-1])[path[-1]] = new
        return state

    return corrupt


def without(path: Path) -> Corrupt:
    def corrupt(state: dict[str, Any]) -> Any:
        del at(state, path[:-1])[path[-1]]
        return state

    return corrupt


def with_key(path: Path, key: str, value: Any) -> Corrupt:
    def corrupt(state: dict[str, Any]) -> Any:
        at(state, path)[key] = copy.deepcopy(value() if callable(value) else value)
        return state

    return corrupt


def owner(kind: Kind, path: Path) -> tuple[Kind, Path]:
    """The kind whose dict holds ``path`` (a child's, inside a SynchronousSchedule's)."""
    for name, child in kind.parts:
        if path[:1] == (name,):
            return child, path[1:]
    return kind, path


def other_key(key: str) -> str:
    return "weight_decay" if key == "lr" else "lr"


def torch_steplr_state() -> dict[str, Any]:
    """The state dict of torch's own StepLR on a real optimizer's lr (bases 0.1 and 0.01)."""
    return state_of(lambda opt: StepLR(opt, 2, 0.5))


def v1_lambda_state(key: str) -> dict[str, Any]:
    """What ScheduleAnything 1.x saved for a schedule of ``key``: a LambdaLR's state dict."""
    state = state_of(lambda opt: LambdaLR(opt, lambda t: 1.0))
    state["base_lrs"] = [g[key] for g in make_optimizer().param_groups]
    return state


# -- the corruptions ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    kind: Kind
    name: str
    corrupt: Corrupt

    @property
    def id(self) -> str:
        return f"{self.kind.name} <- {self.name}"


def _whole_dict_cases(kind: Kind, path: Path) -> Iterator[tuple[str, Corrupt]]:
    """Replace the dict of ``kind`` at ``path`` (the root, or a child's entry) wholesale."""
    where = f"{label(path)} := " if path else ""
    junk: dict[str, Any] = {
        "{}": {},
        "{'a': 1}": {"a": 1},
        "{'gamma': 5.0, 'last_epoch': 2}": {"gamma": 5.0, "last_epoch": 2},
        "None": None,
        "[] (not a mapping)": [],
        "'state' (a string)": "state",
    }
    for name, value in junk.items():
        yield where + name, replaced(path, value)
    for other in KINDS:
        # Its own kind's dict is no corruption (a SynchronousSchedule's child is built exactly
        # like the table's kind of the same name).
        if other.name != kind.name:
            yield where + f"the dict of {other.name}", replaced(path, _state_thunk(other.build))
    yield (
        where + "the same kind's dict on another key",
        replaced(path, _state_thunk(kind.other_key)),
    )
    yield (
        where + "the same kind's dict for 1 param group",
        replaced(path, _state_thunk(kind.build, 1)),
    )
    yield where + "torch's own StepLR dict (of lr)", replaced(path, torch_steplr_state)
    wrong = other_key(kind.key)
    yield (
        where + f"a 1.x LambdaLR dict with the bases of {wrong!r}",
        replaced(path, functools.partial(v1_lambda_state, wrong)),
    )


def _state_thunk(build: Factory, n_groups: int = 2) -> Callable[[], dict[str, Any]]:
    return functools.partial(state_of, build, n_groups)


def _leaf_cases(path: Path, value: Any) -> Iterator[tuple[str, Corrupt]]:
    """Wrong types and values at one leaf."""
    key = path[-1]
    parent = path[-2] if len(path) > 1 else None
    where = label(path)
    if isinstance(value, bool):
        for name, bad in (("int", int(value)), ("str", str(value)), ("None", None)):
            yield f"{where} := {name} {bad!r}", replaced(path, bad)
        # Flipping a torch scheduler's own flag (_is_initial, ...) gives another valid torch
        # state; flipping ``absolute`` gives another curve, which must be refused.
        if key == "absolute":
            yield f"{where} := {not value!r}", replaced(path, not value)
        return
    if isinstance(value, str):
        bad_values: list[Any] = ["bogus", None, 5]
        if key in ("schedule_target", "param_group_field"):
            bad_values.append(other_key(value))
        if key == "kind":  # another kind's name (a sequence phase: the other phase kind)
            bad_values.append(OTHER_KIND_NAME.get(value, "CurveSchedule"))
        for bad in bad_values:
            yield f"{where} := {bad!r}", replaced(path, bad)
        return
    if not isinstance(value, (int, float)):
        return  # None (a CosineLrScheduler attribute that is unset): not corrupted
    bads: dict[str, Any] = {
        "str '5'": "5",
        "None": None,
        "list": [value],
        # True == 1 in Python: where the value is 1, False is the bool that differs from it.
        "bool": value != 1,
        "nan": math.nan,
        "inf": math.inf,
    }
    # A curve's parameters and a sequence's boundaries are configuration, compared by value
    # with the object's own and never loaded: 3.0 there is the same as 3, not a corruption.
    if isinstance(value, int) and "curve" not in path and "boundaries" not in path:
        bads["float"] = float(value)
    if key in COUNTERS:
        bads["-3"] = -3
        # torch's own last_epoch may be -1 (a scheduler before its first step), so -1 is a valid
        # value inside a torch scheduler's state; ours count from 0.
        if "state" not in path:
            bads["-1"] = -1
    if parent in VALUE_LISTS or (key == "lr" and "stand_in" in path):
        bads["negative"] = -abs(value) - 0.5
    for name, bad in bads.items():
        yield f"{where} := {name}", replaced(path, bad)


def _list_cases(path: Path, value: list[Any]) -> Iterator[tuple[str, Corrupt]]:
    where = label(path)
    bads: dict[str, Any] = {"None": None, "str": "x", "[]": []}
    if value:
        bads["one entry more"] = [*value, value[-1]]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            bads["a number, not a list"] = value[0]
    for name, bad in bads.items():
        yield f"{where} := {name}", replaced(path, bad)


def cases_for(kind: Kind) -> list[Case]:
    sample = state_of(kind.build)
    out: list[tuple[str, Corrupt]] = list(_whole_dict_cases(kind, ()))
    for name, child in kind.parts:
        out.extend(_whole_dict_cases(child, (name,)))
    if kind.parts:
        out.append(
            ("add the child 'weight_decay'", with_key((), "weight_decay", state_of(CURVE_WD.build)))
        )
    out.append(("extra key in the dict", with_key((), "unexpected", 1)))
    for path, value in walk(sample):
        if "attributes" in path and len(path) > path.index("attributes") + 1:
            # Dropping a subclass attribute restores the others (documented), so only wrong
            # values of ATTRIBUTE_LEAVES are corruptions here.
            if path[-1] in ATTRIBUTE_LEAVES:
                out.extend(_leaf_cases(path, value))
            continue
        child, relative = owner(kind, path)
        if isinstance(path[-1], str) and not (len(relative) == 1 and relative[0] in child.optional):
            out.append((f"missing {label(path)}", without(path)))
        if isinstance(value, dict):
            out.append((f"extra key in {label(path)}", with_key(path, "unexpected", 1)))
        elif isinstance(value, list):
            out.extend(_list_cases(path, value))
        else:
            out.extend(_leaf_cases(path, value))
    return [Case(kind, name, corrupt) for name, corrupt in out]


CASES = [case for kind in KINDS for case in cases_for(kind)]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_corrupted_state_dict_is_refused_and_changes_nothing(case: Case) -> None:
    opt, scheduler = stepped(case.kind.build)
    twin_opt, twin = stepped(case.kind.build)
    before = observe(opt, scheduler)
    corrupted = case.corrupt(copy.deepcopy(before["state_dict"]))
    try:
        with pytest.raises(REJECTED):
            scheduler.load_state_dict(corrupted)
    except pytest.fail.Exception:
        changed = _changes(before, observe(opt, scheduler))
        pytest.fail(
            f"{case.id}: ACCEPTED silently"
            + (f" and it changed {changed}" if changed else " (nothing changed)")
        )
    except Exception as exc:  # not ValueError/TypeError/KeyError
        changed = _changes(before, observe(opt, scheduler))
        pytest.fail(
            f"{case.id}: refused with the wrong exception type {type(exc).__name__}: {exc}"
            + (f"; it changed {changed}" if changed else "")
        )
    after = observe(opt, scheduler)
    assert not _changes(before, after), f"a refused load changed {_changes(before, after)}"
    step(opt, scheduler)
    step(twin_opt, twin)
    assert observe(opt, scheduler) == observe(twin_opt, twin)


def test_every_kind_has_corruption_cases() -> None:
    counts = {kind.name: sum(case.kind is kind for case in CASES) for kind in KINDS}
    assert all(count >= 30 for count in counts.values()), counts


# -- hypothesis --------------------------------------------------------------------------------
#: Values of any type: ints, floats (NaN and infinities included), strings, None, lists.
ANY_VALUE = st.recursive(
    st.one_of(
        st.integers(-3, 30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=8),
        st.none(),
    ),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=6,
)
_JUNK_SCALAR = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf]), st.text(max_size=6), st.none()
)
#: Values that are valid nowhere in these dicts: non-finite, strings, None, lists and dicts of them.
JUNK = st.one_of(
    _JUNK_SCALAR,
    st.lists(_JUNK_SCALAR, max_size=3),
    st.dictionaries(st.text(max_size=4), _JUNK_SCALAR, max_size=2),
)
FUZZED = [CURVE_LR, ADAPTED]


def _all_keys(state: dict[str, Any]) -> list[str]:
    return sorted({str(path[-1]) for path, _ in walk(state) if isinstance(path[-1], str)})


def _load_and_check(kind: Kind, candidate: Any, real: dict[str, Any]) -> None:
    opt, scheduler = stepped(kind.build)
    before = observe(opt, scheduler)
    try:
        scheduler.load_state_dict(candidate)
    except REJECTED:
        assert observe(opt, scheduler) == before, "a refused load changed the schedule"
        return
    assert candidate == real, f"loaded silently: {candidate!r}"


@pytest.mark.parametrize("kind", FUZZED, ids=[k.name for k in FUZZED])
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_random_dicts_never_load_silently(kind: Kind, data: st.DataObject) -> None:
    real = state_of(kind.build)
    keys = st.one_of(st.sampled_from(_all_keys(real)), st.text(max_size=8))
    candidate = data.draw(st.dictionaries(keys, ANY_VALUE, max_size=len(real) + 2))
    _load_and_check(kind, candidate, real)


@pytest.mark.parametrize("kind", FUZZED, ids=[k.name for k in FUZZED])
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_real_dicts_with_junk_never_load(kind: Kind, data: st.DataObject) -> None:
    """The real state dict with 1 to 3 entries (at any depth) replaced by junk."""
    real = state_of(kind.build)
    candidate = copy.deepcopy(real)
    paths = [path for path, _ in walk(real)]
    edits = data.draw(st.lists(st.tuples(st.sampled_from(paths), JUNK), min_size=1, max_size=3))
    first, junk = edits[0]
    assume(junk != at(real, first))
    for path, value in edits:
        try:
            parent = at(candidate, path[:-1])
            parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit replaced a parent of this path
    if data.draw(st.booleans()):
        candidate[data.draw(st.text(max_size=8))] = data.draw(JUNK)
    opt, scheduler = stepped(kind.build)
    before = observe(opt, scheduler)
    with pytest.raises(REJECTED):
        scheduler.load_state_dict(candidate)
    assert observe(opt, scheduler) == before


# -- positive controls -------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_own_state_dict_round_trips_bitwise(kind: Kind) -> None:
    opt, scheduler = stepped(kind.build)
    buffer = io.BytesIO()
    torch.save(scheduler.state_dict(), buffer)
    buffer.seek(0)
    saved = torch.load(buffer, weights_only=True)
    twin_opt = make_optimizer()
    twin = kind.build(twin_opt)
    twin.load_state_dict(saved)
    assert observe(twin_opt, twin) == observe(opt, scheduler)
    for _ in range(5):
        step(opt, scheduler)
        step(twin_opt, twin)
        assert observe(twin_opt, twin) == observe(opt, scheduler)


@pytest.mark.parametrize(
    ("kind", "v1_state"),
    [
        (CURVE_LR, lambda: v1_lambda_state("lr")),
        (CURVE_WD, lambda: v1_lambda_state("weight_decay")),
        (ADAPTED, lambda: state_of(ADAPTED.build)["state"]),
    ],
    ids=[CURVE_LR.name, CURVE_WD.name, ADAPTED.name],
)
def test_v1_dict_with_this_schedules_bases_loads(
    kind: Kind, v1_state: Callable[[], dict[str, Any]]
) -> None:
    """The 1.x cases above are refused for their bases, not for being 1.x dicts."""
    opt, scheduler = stepped(kind.build)
    twin_opt = make_optimizer()
    twin = kind.build(twin_opt)
    twin.load_state_dict(v1_state())
    assert twin.last_epoch == scheduler.last_epoch == N_STEPS
    assert groups(twin_opt) == groups(opt)
    step(opt, scheduler)
    step(twin_opt, twin)
    assert groups(twin_opt) == groups(opt)
