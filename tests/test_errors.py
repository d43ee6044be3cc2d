"""errors.py: exception types that print as written, notes, and warnings that point at the user."""

from __future__ import annotations

import warnings

import pytest

import torch_schedule_anything as sa
from torch_schedule_anything.errors import LookupKeyError, add_note, external_stacklevel


def test_lookup_key_error_is_a_key_error_that_prints_its_message_verbatim() -> None:
    err = LookupKeyError("unknown curve 'x'; the registered curves are: a, b")
    assert isinstance(err, KeyError)
    assert str(err) == "unknown curve 'x'; the registered curves are: a, b"
    assert str(KeyError("unknown curve 'x'")) == "\"unknown curve 'x'\""  # what it avoids
    assert str(LookupKeyError()) == ""


def test_add_note_shows_in_the_report() -> None:
    err = ValueError("bad value")
    add_note(err, "[torch_schedule_anything] while building 'x'")
    notes = getattr(err, "__notes__", None)
    if notes is not None:  # Python 3.11+
        assert notes == ["[torch_schedule_anything] while building 'x'"]
    else:  # 3.10: the note joins the message
        assert str(err) == "bad value\n[torch_schedule_anything] while building 'x'"


def _warn_from_inside_the_package() -> None:
    # The stack level is counted from the caller of external_stacklevel: this test file is
    # outside the package, so the warning points at this very line.
    warnings.warn("here", UserWarning, stacklevel=external_stacklevel())


def test_external_stacklevel_points_at_the_first_frame_outside_the_package() -> None:
    with pytest.warns(UserWarning, match="here") as caught:
        _warn_from_inside_the_package()
    assert caught[0].filename == __file__


def test_a_warning_from_deep_inside_points_at_the_users_line() -> None:
    import torch

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    schedule = sa.schedule(opt, "one_cycle_lr", "lr", max_lr=1.0, total_steps=10)
    with pytest.warns(sa.PastHorizonWarning) as caught:
        for _ in range(30):
            opt.step()
            schedule.step()  # the warning must name this line, not one of the package's
    assert caught[0].filename == __file__


def test_a_key_scheduled_twice_raises_one_type_everywhere() -> None:
    import torch

    def optimizer() -> torch.optim.Optimizer:
        return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)

    opt = optimizer()
    with pytest.raises(sa.ScheduleConflictError, match="param group 0"):
        sa.SynchronousSchedule([sa.constant_schedule(opt, 1.0), sa.constant_schedule(opt, 1.0)])
    entry = {"curve": "constant_schedule", "value": 1.0}
    with pytest.raises(sa.ScheduleConflictError, match="param group 0"):
        sa.schedule_from_config(optimizer(), [entry, entry])
    # 1.x raised RuntimeError, a wrong argument is a ValueError: both catch it.
    assert issubclass(sa.ScheduleConflictError, RuntimeError)
    assert issubclass(sa.ScheduleConflictError, ValueError)


@pytest.mark.parametrize(
    ("spelling", "new"),
    [
        ("import torch_schedule_anything as m; m.CurveScheduler", "CurveStatefulScheduler"),
        ("from torch_schedule_anything.bases import CurveScheduler", "CurveStatefulScheduler"),
        ("from torch_schedule_anything.plugins import register_plugin", "registry.register_plugin"),
        ("from torch_schedule_anything.registry import schedule", "config.schedule"),
        ("from torch_schedule_anything.schedule import CurveSchedule", "curve_schedule"),
    ],
)
def test_names_that_moved_still_work_with_a_warning_at_the_users_line(
    spelling: str, new: str
) -> None:
    with pytest.warns(DeprecationWarning, match=new) as caught:
        exec(compile(spelling, __file__, "exec"), {})
    assert caught[0].filename == __file__


def test_the_moved_module_does_not_shadow_the_function() -> None:
    import torch_schedule_anything.schedule  # noqa: F401 - the 2.0 module path

    assert callable(sa.schedule) and sa.schedule.__module__ == "torch_schedule_anything.config"
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        sa.nothing_here  # noqa: B018
