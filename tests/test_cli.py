"""Tests for the ``tsa`` command line: as a subprocess (``python -m`` and the console script)
and in process through ``cli.main`` for the many small cases."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import matplotlib.image
import pytest

import torch_schedule_anything as sa
from torch_schedule_anything import cli

LINEAR_ARGS = [
    "-p",
    "warmup_to_value=1.0",
    "-p",
    "anneal_to_value=0.1",
    "-p",
    "num_warmup_steps=2",
    "-p",
    "num_training_steps=10",
]
LINEAR = {
    "warmup_to_value": 1.0,
    "anneal_to_value": 0.1,
    "num_warmup_steps": 2,
    "num_training_steps": 10,
}
SCRIPT = Path(sys.executable).parent / "tsa"


def _subprocess(
    args: list[str], cwd: Path, script: bool = False
) -> subprocess.CompletedProcess[str]:
    command = [str(SCRIPT)] if script else [sys.executable, "-m", "torch_schedule_anything"]
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def _main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = cli.main(args)
    except SystemExit as exc:  # argparse's own errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# -- as a user runs it -----------------------------------------------------------------------


@pytest.mark.slow  # a subprocess
def test_python_m_show_json_matches_the_curve(tmp_path: Path) -> None:
    done = _subprocess(
        [
            "show",
            "linear_schedule_with_warmup",
            *LINEAR_ARGS,
            "--steps",
            "0,1,2,6,10,50",
            "--format",
            "json",
        ],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    curve = sa.get_curve("linear_schedule_with_warmup")(**LINEAR)
    assert data["steps"] == [0, 1, 2, 6, 10, 50]
    assert data["values"] == curve.values(data["steps"]).tolist()
    assert data["values"][:3] == [0.0, 0.5, 1.0] and data["values"][-2:] == [0.1, 0.1]
    assert data["params"] == LINEAR and data["absolute"] is False


@pytest.mark.skipif(not SCRIPT.exists(), reason="the tsa console script is not installed here")
@pytest.mark.slow  # a subprocess
def test_console_script_list_and_demo(tmp_path: Path) -> None:
    listed = _subprocess(["list"], tmp_path, script=True)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["CURVE", "KIND", "PLUGIN", "(DISTRIBUTION)", "PARAMETERS"]
    names = [line.split()[0] for line in lines[1 : 1 + len(sa.list_curves())]]
    assert names == sa.list_curves()
    kinds = {line.split()[0]: line.split()[1] for line in lines[1 : 1 + len(names)]}
    assert kinds["linear_schedule_with_warmup"] == "multiplier"
    assert kinds["one_cycle_lr"] == "absolute"
    assert "handlers: none registered" in lines
    row = next(line for line in lines if line.startswith("linear_schedule_with_warmup "))
    assert "builtin (torch-schedule-anything)" in row
    assert "num_warmup_steps, num_training_steps" in row

    demo = _subprocess(
        [
            "demo",
            "--scheduler",
            "step",
            "--epochs",
            "3",
            "--samples",
            "40",
            "--batch_size",
            "16",
            "--step_size",
            "1",
            "--gamma",
            "0.5",
            "--out",
            "run",
        ],
        tmp_path,
        script=True,
    )
    assert demo.returncode == 0, demo.stderr
    assert "\r" not in demo.stderr and "Traceback" not in demo.stderr  # no TTY: no bar
    assert [line.split(":")[0] for line in demo.stderr.splitlines()] == [
        f"epoch {k}/3" for k in (1, 2, 3)
    ]  # but one line per epoch
    for name in ("metrics.json", "schedule.png", "loss.png", "accuracy.png", "report.png"):
        assert f"wrote {Path('run') / name}" in demo.stdout
        assert (tmp_path / "run" / name).exists()
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert [e["value"] for e in metrics["epochs"]] == pytest.approx([0.05, 0.025, 0.0125])
    assert matplotlib.image.imread(tmp_path / "run" / "loss.png").shape[:2] == (320, 800)


@pytest.mark.slow  # a subprocess
def test_python_m_plot_writes_a_png(tmp_path: Path) -> None:
    done = _subprocess(
        ["plot", "cosine_annealing_with_warmup", *LINEAR_ARGS, "--steps", "50", "-o", "c.png"],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "wrote c.png"
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert matplotlib.image.imread(tmp_path / "c.png").shape[:2] == (320, 800)


@pytest.mark.slow  # a subprocess
def test_python_m_user_error_is_one_line_exit_2(tmp_path: Path) -> None:
    done = _subprocess(["demo", "--epochs", "0"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("tsa demo: error: --epochs: epochs must be >= 1, got 0")
    assert not (tmp_path / "tsa-demo").exists()


# -- in process ------------------------------------------------------------------------------


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(["list", "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    rows = {r["name"]: r for r in data["curves"]}
    assert sorted(rows) == sa.list_curves()
    assert data["handlers"] == []
    row = rows["linear_schedule_with_warmup"]
    assert row["parameters"] == list(LINEAR)
    assert row["kind"] == "multiplier" and rows["cyclic_lr"]["kind"] == "absolute"
    assert (row["plugin"], row["distribution"]) == ("builtin", "torch-schedule-anything")


def test_list_shows_a_hand_registered_plugin(capsys: pytest.CaptureFixture[str]) -> None:
    class InHouse:
        @sa.hookimpl
        def register_curves(self, register: Any) -> None:
            register("in_house_flat", lambda level=1.0: sa.get_curve("constant_schedule")(level))

    name = sa.register_plugin(InHouse(), name="in_house_cli")
    try:
        code, out, _ = _main(["list"], capsys)
        row = next(line for line in out.splitlines() if line.startswith("in_house_flat"))
        assert "in_house_cli (<in-house>)" in row and "level=1.0" in row
        code, out, _ = _main(["plugins"], capsys)
        assert code == 0
        assert any(line.startswith("in_house_cli ") for line in out.splitlines())
    finally:
        sa.unregister_plugin(name)


def test_plugins_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(["plugins"], capsys)
    assert code == 0
    header, first = out.splitlines()[:2]
    assert header.split() == ["NAME", "DISTRIBUTION", "VERSION", "SOURCE", "HOOKS"]
    assert first.split()[:4] == ["builtin", "torch-schedule-anything", sa.__version__, "builtin"]
    code, out, _ = _main(["plugins", "--format", "json"], capsys)
    data = json.loads(out)
    assert data["plugins"] == sa.list_plugins()
    assert isinstance(data["failed"], dict)


def test_show_csv_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(
        [
            "show",
            "linear_schedule_with_warmup",
            *LINEAR_ARGS,
            "--steps",
            "0:12:3",
            "--format",
            "csv",
        ],
        capsys,
    )
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["step", "value"]
    curve = sa.get_curve("linear_schedule_with_warmup")(**LINEAR)
    assert [int(r[0]) for r in rows[1:]] == [0, 3, 6, 9]
    assert [float(r[1]) for r in rows[1:]] == curve.values([0, 3, 6, 9]).tolist()
    code, out, _ = _main(["show", "constant_schedule", "-p", "value=0.5", "--steps", "0,7"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "ConstantSchedule(value=0.5)"
    assert lines[1].split() == ["step", "multiplier"]
    assert [line.split() for line in lines[2:]] == [["0", "0.5"], ["7", "0.5"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("n=10", ("n", 10)),
        ("x=1e-3", ("x", 0.001)),
        ("flag=true", ("flag", True)),
        ("mode=triangular2", ("mode", "triangular2")),
        ("xs=[1, 2]", ("xs", [1, 2])),
        ("none=None", ("none", None)),
        (" key = 2.5 ", ("key", 2.5)),
    ],
)
def test_parse_param(text: str, expected: tuple[str, Any]) -> None:
    assert cli.parse_param(text) == expected


def test_parse_steps() -> None:
    assert cli.parse_steps("0,5:8,20:40:10") == [0, 5, 6, 7, 20, 30]
    for bad in ("a", "1:2:0", "-1", "5:1", "1:2:3:4"):
        with pytest.raises(cli.UsageError, match="--steps"):
            cli.parse_steps(bad)


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["show", "nope"], ["unknown curve 'nope'", "linear_schedule_with_warmup"]),
        (
            ["show", "linear_schedule_with_warmup", "-p", "warmup_to_value=1"],
            ["--param", "missing", "num_training_steps"],
        ),
        (["show", "constant_schedule", "-p", "value"], ["--param expects NAME=VALUE"]),
        (["show", "constant_schedule", "-p", "value=1", "-p", "value=2"], ["given twice"]),
        (["show", "constant_schedule", "-p", "value=1", "--steps", "x"], ["--steps"]),
        (["show", "constant_schedule", "-p", "value=1", "--format", "xml"], ["--format"]),
        (["plot", "constant_schedule", "-p", "value=1", "--steps", "0"], ["--steps must be >= 1"]),
        (["plot", "constant_schedule", "--steps", "ten"], ["argument --steps"]),
        (["demo", "--epochs", "x"], ["argument --epochs: invalid int value"]),
        (["demo", "--scheduler", "nope"], ["--scheduler:", "onecycle", "constant_schedule"]),
        (["demo", "--target", "foo"], ["--target:", "'foo'"]),
        (["demo", "--scheduler", "plateau", "--gamma", "2"], ["--gamma:", "< 1"]),
        (["demo", "--scheduler", "cyclic", "--max_lr", "0.01"], ["--max_lr:"]),
        (["demo", "--scheduler", "constant_schedule", "-p", "nope=1"], ["--param:", "nope"]),
        (["demo", "--milestones", "a,b"], ["argument --milestones"]),
        (["demo", "--optimizer", "lbfgs"], ["argument --optimizer"]),
        (["bogus"], ["invalid choice"]),
        ([], ["COMMAND"]),
    ],
)
def test_user_errors_exit_2_with_one_line(
    args: list[str],
    needles: list[str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _main(args, capsys)
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("tsa")
    for needle in needles:
        assert needle in err
    assert not (tmp_path / "tsa-demo").exists()


def test_missing_matplotlib_exit_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    code, _, err = _main(
        ["plot", "constant_schedule", "-p", "value=1", "-o", str(tmp_path / "x.png")], capsys
    )
    assert code == 1
    assert 'pip install "torch-schedule-anything[plot]"' in err and err.count("\n") == 1
    code, _, err = _main(["demo", "--out", str(tmp_path / "d")], capsys)
    assert code == 1 and "[plot]" in err
    assert not (tmp_path / "d").exists()  # checked before training


def test_demo_in_process_every_torch_choice_and_a_curve(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from torch_schedule_anything.demo import TORCH_SCHEDULERS

    tiny = ["--epochs", "2", "--samples", "40", "--batch_size", "16", "--no-plots", "-q"]
    for scheduler in [*TORCH_SCHEDULERS, "linear_schedule_with_warmup"]:
        extra = LINEAR_ARGS if scheduler == "linear_schedule_with_warmup" else []
        out_dir = tmp_path / scheduler
        code, out, err = _main(
            ["demo", "--scheduler", scheduler, *tiny, *extra, "--out", str(out_dir)], capsys
        )
        assert code == 0, err
        assert out.startswith(f"{scheduler} on 'lr': 2 epochs x 2 steps")
        metrics = json.loads((out_dir / "metrics.json").read_text())
        assert len(metrics["steps"]) == 4


def test_demo_csv_and_target(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = _main(
        [
            "demo",
            "--scheduler",
            "exponential",
            "--gamma",
            "0.5",
            "--target",
            "weight_decay",
            "--epochs",
            "3",
            "--samples",
            "40",
            "--batch-size",
            "16",
            "--no-plots",
            "--metrics-format",
            "csv",
            "--out",
            str(tmp_path),
        ],
        capsys,
    )
    assert code == 0, err
    with (tmp_path / "epochs.csv").open() as fh:
        values = [float(r["value"]) for r in csv.DictReader(fh)]
    assert values == pytest.approx([1e-4, 5e-5, 2.5e-5])
    assert f"wrote {tmp_path / 'steps.csv'}" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(["--version"], capsys)
    assert code == 0 and out.strip() == f"tsa {sa.__version__}"


def test_unwritable_output_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "missing-dir" / "x.png"
    code, _, err = _main(["plot", "constant_schedule", "-p", "value=1", "-o", str(target)], capsys)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"tsa plot: error: cannot write {target}")


def _documented_runs() -> list[tuple[list[str], str]]:
    """``(argv, shown output)`` for each ```bash block of cli.md that runs one ``tsa``
    command and is followed by a ```text block (listings and abbreviated outputs skipped)."""
    import re
    import shlex

    page = (Path(__file__).resolve().parents[1] / "documentation" / "cli.md").read_text()
    pairs = re.findall(r"```bash\n(.*?)```\s*```text\n(.*?)```", page, re.S)
    runs = []
    for command, shown in pairs:
        argv = shlex.split(command.replace("\\\n", " "), comments=True)
        if argv[:1] != ["tsa"] or argv[1] in ("list", "plugins") or "..." in shown:
            continue
        runs.append((argv[1:], shown))
    return runs


def test_cli_md_sample_outputs_are_current(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runs = _documented_runs()
    assert len(runs) >= 8
    for argv, shown in runs:
        _, out, err = _main(argv, capsys)
        assert (err + out).strip() == shown.strip(), argv  # progress (stderr) comes first


# -- issue fixes: defaults per target, divergence, big ranges, paths, suggestions, imports ---


@pytest.mark.parametrize(
    "extra",
    [
        ["--target", "momentum"],
        ["--target", "betas[0]", "--optimizer", "adamw"],
        ["--target", "betas[1]", "--optimizer", "adamw"],
    ],
)
@pytest.mark.parametrize("scheduler", ["onecycle", "cyclic"])
def test_cycles_on_bounded_targets_train(
    scheduler: str, extra: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ["demo", "--scheduler", scheduler, *extra, "--epochs", "2", "--samples", "200"]
    code, out, err = _main([*args, "--no-plots", "-q", "--out", str(tmp_path)], capsys)
    assert code == 0, err
    assert "nan" not in out and err == ""
    values = [r["value"] for r in json.loads((tmp_path / "metrics.json").read_text())["steps"]]
    assert min(values) >= 0.0 and max(values) < 1.0


def test_a_diverged_demo_says_so_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ["demo", "--scheduler", "constant_schedule", "-p", "value=1", "--lr", "1e30"]
    code, out, err = _main([*args, "--no-plots", "-q", "--out", str(tmp_path)], capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("tsa demo: training diverged")


@pytest.mark.parametrize(
    "args",
    [
        [
            "--scheduler",
            "onecycle",
            "--target",
            "betas[0]",
            "--optimizer",
            "adamw",
            "--max_lr",
            "1.5",
        ],
        ["--scheduler", "cyclic", "--target", "betas[1]", "--optimizer", "adamw", "--max_lr", "2"],
        ["--scheduler", "step", "--target", "betas[1]", "--optimizer", "adamw", "--gamma", "2"],
        ["--scheduler", "step", "--target", "momentum", "--gamma", "-1"],
        ["--scheduler", "constant_schedule", "-p", "value=-1", "--target", "momentum"],
        ["--scheduler", "constant_schedule", "-p", "value=[1]"],
        ["--scheduler", "constant_schedule", "-p", "value='x'"],
        ["--scheduler", "multistep", "--milestones", "0"],
        ["--scheduler", "onecycle", "--max_lr", "-1"],
        ["--scheduler", "cosine", "--t_max", "0"],
        ["--target", "params"],
        ["--target", "betas[7]", "--optimizer", "adamw"],
        ["--target", "nesterov"],
        ["--epochs", "-3"],
        ["--batch_size", "0"],
        ["--samples", "1"],
        ["--lr", "nan"],
        ["--lr", "inf"],
        ["--scheduler", "plateau", "--patience", "-1"],
        ["--scheduler", "step", "-p", "value=1"],
    ],
)
def test_demo_user_errors_are_one_line_in_every_combination(
    args: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["demo", "--epochs", "2", "--samples", "60", "--batch_size", "8", *args, "-q"]
    code, _, err = _main([*argv, "--no-plots", "--out", str(tmp_path / "o")], capsys)
    assert code in (1, 2), err
    assert err.count("\n") == 1 and "Traceback" not in err and err.startswith("tsa demo")


def test_show_refuses_huge_ranges_fast(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["show", "constant_schedule", "-p", "value=1", "--steps", "0:1000000000000"]
    code, out, err = _main(args, capsys)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--steps 0:1000000000000:100000000" in err
    code, out, _ = _main([*args[:-1], "0:1000000000000:100000000", "--format", "csv"], capsys)
    assert code == 0 and len(out.splitlines()) == 1 + cli.MAX_ROWS
    with pytest.raises(cli.UsageError, match="more than the 3 rows"):
        cli.parse_steps("0:2,5:7", limit=3)


def test_plot_samples_a_huge_range_and_prints_the_real_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_path = tmp_path / "adir"
    args = ["plot", "cosine_annealing_with_warmup", "-p", "warmup_to_value=1.0"]
    args += ["-p", "anneal_to_value=0.0", "-p", "num_warmup_steps=100000000"]
    args += ["-p", "num_training_steps=1000000000", "--steps", "1000000000", "--log"]
    code, out, err = _main([*args, "-o", str(out_path)], capsys)
    assert code == 0, err
    assert out.strip() == f"wrote {out_path}.png"
    assert (tmp_path / "adir.png").read_bytes()[:4] == b"\x89PNG" and not out_path.exists()


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (["show", "cosine_annealing_with_warmpu"], "'cosine_annealing_with_warmup'"),
        (["plot", "constant_shedule"], "'constant_schedule'"),
        (["demo", "--target", "wd"], "'weight_decay'"),
        (["demo", "--target", "momentm"], "'momentum'"),
        (["demo", "--scheduler", "onecylce"], "'onecycle'"),
        (["demo", "--optimizer", "adamx"], "'adamw'"),
        (["lsit"], "'list'"),
    ],
)
def test_did_you_mean(
    args: list[str], suggestion: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    extra = ["--no-plots", "-q", "--out", str(tmp_path)] if args[0] == "demo" else []
    code, _, err = _main([*args, *extra], capsys)
    assert code == 2 and err.count("\n") == 1
    assert f"did you mean {suggestion}" in err


@pytest.mark.slow  # a subprocess
def test_help_and_version_do_not_import_torch() -> None:
    """cli.py itself loads only the standard library for --help and --version (loaded here as
    a standalone module: the package's __init__ imports torch on its own)."""
    path = Path(cli.__file__)
    probe = (
        "import importlib.util, sys, contextlib, io\n"
        f"spec = importlib.util.spec_from_file_location('tsa_cli_probe', {str(path)!r})\n"
        "mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)\n"
        "for argv in (['--help'], ['--version'], ['demo', '--help']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try: mod.main(argv)\n"
        "        except SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('matplotlib')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# -- tsa find: a range test on the demo's model -------------------------------------------


def test_find_prints_the_suggestion_and_rule_and_writes_the_plot(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_png = tmp_path / "wd.png"
    argv = ["find", "--target", "weight_decay", "--steps", "30", "-o", str(out_png)]
    code, out, err = _main(argv, capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("suggested weight_decay: ") and "30 of 30 steps" in lines[0]
    assert lines[1].startswith("rule: steepest descent of the smoothed loss")
    assert lines[2] == f"wrote {out_png}"
    image = matplotlib.image.imread(out_png)
    assert image.shape[0] > 100 and image.shape[1] > 100


def test_find_matches_the_library_on_the_demo_setup(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The printed suggestion is range_test's on the demo's model, data and optimizer."""
    import torch
    from torch import nn

    import torch_schedule_anything as sa
    from torch_schedule_anything.demo import DemoConfig, demo_setup

    code, out, _ = _main(["find", "--optimizer", "adamw", "--steps", "40", "--no-plot"], capsys)
    assert code == 0
    config = DemoConfig(optimizer="adamw")
    threads = torch.get_num_threads()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        torch.set_num_threads(1)
        try:
            model, optimizer, x, y = demo_setup(config)
            order = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
            batches = [(x[order[i : i + 64]], y[order[i : i + 64]]) for i in range(0, len(x), 64)]
            result = sa.range_test(
                model,
                optimizer,
                lambda m, b: nn.functional.cross_entropy(m(b[0]), b[1]),
                batches,
                "lr",
                num_steps=40,
            )
        finally:
            torch.set_num_threads(threads)
    assert out.splitlines()[0].startswith(f"suggested lr: {result.suggestion:.4g} ")
    assert out.splitlines()[1] == f"rule: {result.rule}"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--target", "wd"], ["--target:", "did you mean 'weight_decay'?"]),
        (["--target", "betas[0]"], ["--target:", "--optimizer adamw has betas[0]"]),
        (["--start", "0"], ["--start:", "must be > 0 for mode='exp'"]),
        (["--start", "1", "--end", "0.5"], ["--start:", "must be < end_value"]),
        (["--steps", "1"], ["--steps:", "num_steps must be >= 2"]),
        (["--steps", "x"], ["argument --steps: invalid int value"]),
        (["--mode", "cubic"], ["argument --mode: invalid choice"]),
        (["--target", "betas[0]", "--optimizer", "adamw", "--end", "2"], ["--end:", "[0.0, 1.0)"]),
        (["--lr", "-1"], ["--lr:", "must be > 0"]),
    ],
)
def test_find_usage_errors_are_one_line_exit_2(
    args: list[str], expected: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = _main(["find", *args, "-o", str(tmp_path / "x.png")], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("tsa find: error: ")
    for part in expected:
        assert part in err
    assert not (tmp_path / "x.png").exists()


@pytest.mark.slow  # a subprocess
def test_find_help_as_a_subprocess(tmp_path: Path) -> None:
    done = _subprocess(["find", "--help"], tmp_path)
    assert done.returncode == 0
    for flag in ("--target", "--start", "--end", "--steps", "--mode", "--output"):
        assert flag in done.stdout
