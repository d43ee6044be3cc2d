"""The ``tsa`` command line (also ``python -m torch_schedule_anything``).

Commands:

* ``tsa list``: every registered curve, its parameters and the plugin that registered it;
* ``tsa plugins``: every plugin: name, distribution, version, hooks (and skipped ones);
* ``tsa show NAME --param k=v … --steps 0,10,100``: a curve's values at chosen steps
  (``--format text|csv|json``);
* ``tsa plot NAME --param k=v … --steps N -o out.png``: a PNG of a curve (matplotlib);
* ``tsa demo --scheduler … --target … --epochs N``: train a small MLP with a schedule and
  write plots and metrics (see :mod:`torch_schedule_anything.demo`);
* ``tsa find --target KEY --start V --end V --steps N -o out.png``: a range test of one key
  on the demo's model (see :mod:`torch_schedule_anything.range_sweep`).

Exit status: 0 on success, 2 for a bad flag or parameter (one line on stderr naming it, no
traceback), 1 when something the command needs is missing (matplotlib for plots) or when the
demo's training diverged (a NaN or infinite loss).

This module imports only the standard library: torch, the registry and matplotlib load inside
the commands, so ``tsa --help`` and ``tsa --version`` stay fast.
"""

from __future__ import annotations

import argparse
import ast
import csv
import difflib
import inspect
import io
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

__all__ = ["MAX_ROWS", "UsageError", "build_parser", "main", "parse_param", "parse_steps"]

EXIT_USAGE = 2
EXIT_MISSING = 1
EXIT_DIVERGED = 1
#: ``tsa show`` prints at most this many steps.
MAX_ROWS = 10_000


class UsageError(Exception):
    """A user error: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error message (no usage block) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        found = re.search(r"invalid choice: '(.*?)' \(choose from (.*)\)", message)
        if found:
            choices = re.findall(r"'([^']*)'", found.group(2))
            message += _did_you_mean(found.group(1), choices)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    """``"; did you mean 'x'?"`` for the choices close to ``word``, else ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?" if close else ""


def _one_line(exc: BaseException) -> str:
    """``exc``'s message and notes on one line (a KeyError's without the repr quotes)."""
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
    notes = [
        str(n).replace("[torch_schedule_anything] ", "") for n in getattr(exc, "__notes__", [])
    ]
    return "; ".join(" ".join(part.split()) for part in [str(text), *notes] if part.strip())


def parse_param(text: str) -> tuple[str, Any]:
    """``"k=v"`` -> ``(k, v)``; ``v`` is read as a Python literal (number, bool, list …),
    else kept as a string.

    Example:
        >>> parse_param("num_warmup_steps=10"), parse_param("mode=triangular2")
        (('num_warmup_steps', 10), ('mode', 'triangular2'))
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key.isidentifier():
        raise UsageError(
            f"--param expects NAME=VALUE such as --param num_warmup_steps=10, got {text!r}"
        )
    raw = raw.strip()
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return key, lowered == "true"
    if lowered in ("none", "null"):
        return key, None
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    return key, value


def _params(pairs: Sequence[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for text in pairs or ():
        key, value = parse_param(text)
        if key in out:
            raise UsageError(f"--param {key} is given twice")
        out[key] = value
    return out


def parse_steps(text: str, limit: int = MAX_ROWS) -> list[int]:
    """``"0,10,100"`` or ranges ``"0:100:10"`` (stop excluded), mixed: the steps to show.

    More than ``limit`` steps is a :class:`UsageError` that suggests a range step (the count
    is known before any list is built, so ``0:10**12`` costs nothing).

    Example:
        >>> parse_steps("0,5:8,20:40:10")
        [0, 5, 6, 7, 20, 30]
    """
    parts: list[range | int] = []
    try:
        for part in text.split(","):
            part = part.strip()
            if ":" in part:
                bounds = [int(b) for b in part.split(":")]
                if len(bounds) not in (2, 3) or (len(bounds) == 3 and bounds[2] <= 0):
                    raise ValueError(part)
                parts.append(range(*bounds))
            else:
                parts.append(int(part))
    except ValueError:
        raise UsageError(
            f"--steps expects steps such as 0,10,100 or a range START:STOP[:STEP], got {text!r}"
        ) from None
    count = sum(len(p) if isinstance(p, range) else 1 for p in parts)
    if count > limit:
        widest = max((p for p in parts if isinstance(p, range)), key=len)
        stride = -(-len(widest) * widest.step // limit)  # ceil: at most `limit` rows
        raise UsageError(
            f"--steps {text!r} selects {count} steps, more than the {limit} rows shown; "
            f"add a step, e.g. --steps {widest.start}:{widest.stop}:{stride}"
        )
    steps: list[int] = []
    for p in parts:
        if isinstance(p, range):
            steps.extend(p)
        else:
            steps.append(p)
    if not steps:
        raise UsageError(f"--steps {text!r} selects no step")
    negative = [s for s in steps if s < 0]
    if negative:
        raise UsageError(f"--steps must be >= 0, got {negative[0]}")
    return steps


def _build(name: str, params: dict[str, Any]) -> Any:
    from .registry import build_curve, list_curves

    known = list_curves()
    if name not in known:
        hint = _did_you_mean(name, known) or f"; the registered curves are: {', '.join(known)}"
        raise UsageError(f"unknown curve {name!r}{hint} (tsa list; a plugin registers more)")
    try:
        return build_curve(name, params)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"--param: {_one_line(exc)}") from exc


def _signature(obj: Any) -> str:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "?"
    parts = []
    for p in sig.parameters.values():
        if p.name == "self":
            continue
        if p.kind is p.VAR_KEYWORD:
            parts.append(f"**{p.name}")
        elif p.kind is p.VAR_POSITIONAL:
            parts.append(f"*{p.name}")
        elif p.default is p.empty:
            parts.append(p.name)
        else:
            parts.append(f"{p.name}={p.default!r}")
    return ", ".join(parts)


def _table(rows: list[list[str]], out: Any) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [cell.ljust(w) for cell, w in zip(row[:-1], widths)] + [row[-1]]
        print("  ".join(cells).rstrip(), file=out)


# -- commands --------------------------------------------------------------------------------


def _kind(factory: Any) -> str:
    """``"multiplier"`` (scales the optimizer's value), ``"absolute"`` (is the value),
    ``"either"`` (an ``absolute=`` argument decides) or ``"?"`` when only building the curve
    would tell."""
    owner = factory if isinstance(factory, type) else None
    if owner is None:
        try:
            annotation = inspect.signature(factory).return_annotation
        except (TypeError, ValueError):
            annotation = None
        owner = annotation if isinstance(annotation, type) else None
    absolute = getattr(owner, "absolute", None)
    if isinstance(absolute, bool):
        return "absolute" if absolute else "multiplier"
    try:  # a factory with an ``absolute=`` argument (the fvcore curves) builds either kind
        if "absolute" in inspect.signature(factory).parameters:
            return "either"
    except (TypeError, ValueError):
        pass
    return "?"


def _cmd_list(args: argparse.Namespace) -> int:
    from .registry import curve_entry, handler_entry, list_curves, list_handlers

    entries = [curve_entry(name) for name in list_curves()]
    handlers = [handler_entry(name) for name in list_handlers()]
    if args.format == "json":
        data = {
            "curves": [
                {
                    "name": e.name,
                    "kind": _kind(e.obj),
                    "parameters": e.parameters,
                    "signature": _signature(e.obj),
                    "plugin": e.plugin,
                    "distribution": e.distribution,
                }
                for e in entries
            ],
            "handlers": [
                {
                    "name": h.name,
                    "signature": _signature(h.obj),
                    "plugin": h.plugin,
                    "distribution": h.distribution,
                }
                for h in handlers
            ],
        }
        print(json.dumps(data, indent=1))
        return 0
    rows = [["CURVE", "KIND", "PLUGIN (DISTRIBUTION)", "PARAMETERS"]]
    rows += [
        [e.name, _kind(e.obj), f"{e.plugin} ({e.distribution})", _signature(e.obj)] for e in entries
    ]
    _table(rows, sys.stdout)
    print(
        "KIND: multiplier = scales the optimizer's own value; absolute = is the value; "
        "either = as its absolute= argument says"
    )
    print()
    if not handlers:
        print("handlers: none registered")
        return 0
    rows = [["HANDLER", "PLUGIN (DISTRIBUTION)", "OPTIONS"]]
    rows += [[h.name, f"{h.plugin} ({h.distribution})", _signature(h.obj)] for h in handlers]
    _table(rows, sys.stdout)
    return 0


def _cmd_plugins(args: argparse.Namespace) -> int:
    from .plugins import failed_plugins, list_plugins

    found = list_plugins()
    failed = failed_plugins()
    if args.format == "json":
        print(json.dumps({"plugins": found, "failed": failed}, indent=1))
        return 0
    rows = [["NAME", "DISTRIBUTION", "VERSION", "SOURCE", "HOOKS"]]
    rows += [
        [p["name"], p["distribution"], p["version"] or "-", p["source"], ", ".join(p["hooks"])]
        for p in found
    ]
    _table(rows, sys.stdout)
    for name, why in failed.items():
        print(f"skipped: {name}: {why}")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    params = _params(args.param)
    steps = parse_steps(args.steps)
    curve = _build(args.name, params)
    values = [float(v) for v in curve.values(steps).tolist()]
    if args.format == "json":
        payload = {
            "name": args.name,
            "params": params,
            "absolute": bool(curve.absolute),
            "steps": steps,
            "values": values,
        }
        print(json.dumps(payload, indent=1))
    elif args.format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["step", "value"])
        writer.writerows([step, repr(value)] for step, value in zip(steps, values))
        sys.stdout.write(buffer.getvalue())
    else:
        kind = "value (absolute)" if curve.absolute else "multiplier"
        print(f"{curve!r}")
        _table([["step", kind]] + [[str(s), f"{v:.8g}"] for s, v in zip(steps, values)], sys.stdout)
    return 0


def _cmd_plot(args: argparse.Namespace) -> int:
    from .plot import plot_curve, png_path

    params = _params(args.param)
    if args.steps < 1:
        raise UsageError(f"--steps must be >= 1, got {args.steps}")
    curve = _build(args.name, params)
    plot_curve(curve, args.steps, path=args.output, title=args.title, log=args.log)
    print(f"wrote {png_path(args.output)}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import DemoConfig, DivergedError, default_progress_stream, run_demo

    config = DemoConfig(
        scheduler=args.scheduler,
        target=args.target,
        epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        samples=args.samples,
        seed=args.seed,
        optimizer=args.optimizer,
        step_size=args.step_size,
        milestones=args.milestones,
        gamma=args.gamma,
        max_lr=args.max_lr,
        t_max=args.t_max,
        patience=args.patience,
        params=_params(args.param),
    )
    try:
        result = run_demo(
            config,
            args.out,
            progress=default_progress_stream(args.quiet),
            plots=not args.no_plots,
            metrics_format=args.metrics_format,
        )
    except ImportError as exc:
        raise ImportError(f"{_one_line(exc)}; or pass --no-plots to skip the PNGs") from exc
    except DivergedError as exc:
        print(f"tsa demo: {_one_line(exc)}", file=sys.stderr)
        return EXIT_DIVERGED
    last = result.epochs[-1]
    print(
        f"{config.scheduler} on {config.target!r}: {config.epochs} epochs x "
        f"{config.steps_per_epoch} steps; final val_loss {last['val_loss']:.4f}, "
        f"val_acc {last['val_acc']:.3f}"
    )
    for path in result.files.values():
        print(f"wrote {path}")
    return 0


#: ``range_test`` argument names -> ``tsa find`` flags, for error messages.
_FIND_FLAGS = {
    "start_value": "--start",
    "end_value": "--end",
    "num_steps": "--steps",
    "mode": "--mode",
    "beta": "--beta",
}


def _cmd_find(args: argparse.Namespace) -> int:
    import torch
    from torch import nn

    from .demo import DemoConfig, demo_setup, did_you_mean
    from .param_groups import Slot
    from .plot import png_path
    from .range_sweep import range_test

    config = DemoConfig(
        lr=args.lr,
        batch_size=args.batch_size,
        samples=args.samples,
        seed=args.seed,
        optimizer=args.optimizer,
    )
    config.validate()
    if not args.no_plot:
        from .plot import figure  # fail before training when matplotlib is missing

        figure()
    threads = torch.get_num_threads()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        torch.set_num_threads(1)  # a tiny model: one thread is fastest and reproducible
        try:
            model, optimizer, x, y = demo_setup(config)
            group = optimizer.param_groups[0]
            try:
                slot = Slot(args.target)
                slot.read_float(group, 0)
            except (TypeError, ValueError, KeyError, IndexError) as exc:
                keys = [k for k, v in group.items() if isinstance(v, (int, float))]
                keys += [
                    f"{k}[{i}]"
                    for k, v in group.items()
                    if isinstance(v, tuple)
                    for i in range(len(v))
                ]
                hint = "" if config.optimizer == "adamw" else "; --optimizer adamw has betas[0]"
                raise UsageError(
                    f"--target: {_one_line(exc)} (optimizer {config.optimizer}{hint})"
                    f"{did_you_mean(args.target, keys)}"
                ) from exc
            end = args.end
            if end is None:  # betas[i] must stay below 1
                end = 0.999 if slot.key == "betas" else 10.0
            order = torch.randperm(len(x), generator=torch.Generator().manual_seed(config.seed))
            size = config.batch_size
            batches = [
                (x[order[i : i + size]], y[order[i : i + size]]) for i in range(0, len(x), size)
            ]

            def loss_fn(model: nn.Module, batch: tuple[Any, Any]) -> Any:
                return nn.functional.cross_entropy(model(batch[0]), batch[1])

            try:
                result = range_test(
                    model,
                    optimizer,
                    loss_fn,
                    batches,
                    args.target,
                    args.start,
                    end,
                    args.steps,
                    args.mode,
                    relative=args.relative,
                )
            except (TypeError, ValueError) as exc:
                text = _one_line(exc)
                first = re.split(r"[\s=:]", text, maxsplit=1)[0]
                flag = _FIND_FLAGS.get(first)
                raise UsageError(f"{flag}: {text}" if flag else text) from exc
        finally:
            torch.set_num_threads(threads)
    points = result.sweep if result.per_group else result.values
    swept = f"{points[0]:.3g} to {points[-1]:.3g}"
    steps = f"{len(result.sweep)} of {result.num_steps} steps"
    stopped = f"; stopped early: {result.stop_reason}" if result.stop_reason else ""
    if result.suggestion is None:
        print(f"no suggestion for {args.target} ({args.mode} sweep {swept}, {steps}{stopped})")
    else:
        print(
            f"suggested {args.target}: {result.suggestion:.4g} "
            f"({args.mode} sweep {swept}, {steps}{stopped})"
        )
    print(f"rule: {result.rule}")
    if not args.no_plot:
        result.plot(args.output)
        print(f"wrote {png_path(args.output)}")
    return 0


# -- the parser ------------------------------------------------------------------------------


def _milestones(text: str) -> list[int]:
    try:
        out = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects epochs such as 5,8, got {text!r}") from None
    if not out:
        raise argparse.ArgumentTypeError(f"expects epochs such as 5,8, got {text!r}")
    return out


def _version() -> str:
    """The package's ``__version__`` when it is loaded, else the installed distribution's."""
    version = getattr(sys.modules.get(__package__ or ""), "__version__", None)
    if isinstance(version, str):
        return version
    from importlib.metadata import version as distribution_version

    return distribution_version("torch-schedule-anything")


def build_parser() -> argparse.ArgumentParser:
    """The ``tsa`` argument parser (builds without torch: see :func:`_version`)."""
    parser = _Parser(
        prog="tsa",
        description="torch-schedule-anything: look at schedules before you train with them.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("list", help="registered curves, their parameters and plugins")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("plugins", help="registered plugins: distribution, version, hooks")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_cmd_plugins)

    param_help = "a curve parameter NAME=VALUE (repeat for several)"
    p = sub.add_parser("show", help="a curve's values at chosen steps")
    p.add_argument("name", help="a registered curve name (tsa list)")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE", help=param_help)
    p.add_argument(
        "--steps", default="0:11", help="steps: 0,10,100 or START:STOP[:STEP] (default 0:11)"
    )
    p.add_argument("--format", choices=("text", "csv", "json"), default="text")
    p.set_defaults(func=_cmd_show)

    p = sub.add_parser("plot", help="save a PNG of a curve")
    p.add_argument("name", help="a registered curve name (tsa list)")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE", help=param_help)
    p.add_argument("--steps", type=int, default=100, help="steps to plot (default 100)")
    p.add_argument("--output", "-o", type=Path, default=Path("schedule.png"), help="PNG path")
    p.add_argument("--title", default=None)
    p.add_argument("--log", action="store_true", help="logarithmic y axis")
    p.set_defaults(func=_cmd_plot)

    p = sub.add_parser(
        "demo",
        help="train a small MLP with a schedule; write plots and metrics",
        description="Train a small MLP on synthetic data (CPU, seeded) with one schedule on "
        "one optimizer key and write schedule/loss/accuracy PNGs and a metrics file.",
    )
    p.add_argument(
        "--scheduler",
        default="onecycle",
        metavar="NAME",
        help="step, multistep, exponential, cosine, onecycle, cyclic, plateau (torch's), "
        "or any registered curve (tsa list)",
    )
    p.add_argument("--target", default="lr", help="the optimizer key to schedule (default lr)")
    p.add_argument("--epochs", type=int, default=5, help="training epochs (default 5)")
    p.add_argument("--lr", type=float, default=0.05, help="the optimizer's lr (default 0.05)")
    p.add_argument("--batch_size", "--batch-size", type=int, default=64, help="default 64")
    p.add_argument(
        "--samples", type=int, default=2048, help="data set size, 80%% train (default 2048)"
    )
    p.add_argument("--seed", type=int, default=0, help="seeds data, model, shuffling")
    p.add_argument(
        "--optimizer",
        choices=("sgd", "adamw"),
        default="sgd",
        help="sgd (momentum 0.9, weight_decay 1e-4) or adamw (betas, weight_decay 0.01)",
    )
    p.add_argument(
        "--step_size",
        "--step-size",
        type=int,
        default=None,
        help="step: decay period; cyclic: half cycle; in epochs (default epochs // 3)",
    )
    p.add_argument(
        "--milestones", type=_milestones, default=None, help="multistep: epochs, e.g. 5,8"
    )
    p.add_argument(
        "--gamma",
        type=float,
        default=None,
        help="decay factor: step, multistep, plateau 0.5; exponential 0.9",
    )
    p.add_argument(
        "--max_lr",
        "--max-lr",
        type=float,
        default=None,
        help="onecycle, cyclic: the peak (default: 10 x the value for lr; the target's "
        "value for any other key, which then cycles below it)",
    )
    p.add_argument("--t_max", "--t-max", type=int, default=None, help="cosine: period in epochs")
    p.add_argument("--patience", type=int, default=2, help="plateau: epochs (default 2)")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE", help=param_help)
    p.add_argument("--out", type=Path, default=Path("tsa-demo"), help="output folder")
    p.add_argument("--metrics-format", choices=("json", "csv"), default="json")
    p.add_argument("--no-plots", action="store_true", help="skip the PNGs (no matplotlib)")
    p.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress (default: a bar on a terminal, else one line per epoch on stderr)",
    )
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser(
        "find",
        help="a range test of one key on the demo's model; write its plot",
        description="Sweep one optimizer key (lr, weight_decay, momentum, betas[0] ...) from "
        "--start to --end while training the demo's MLP (tsa demo --help), record the "
        "smoothed loss, stop when it diverges, print the suggested value and the rule, and "
        "write the plot. The model and optimizer are the demo's: SGD (momentum 0.9, "
        "weight_decay 1e-4) or AdamW (weight_decay 0.01), lr --lr.",
    )
    p.add_argument("--target", default="lr", help="the optimizer key to sweep (default lr)")
    p.add_argument(
        "--start", type=float, default=1e-7, help="first value of the sweep (default 1e-7)"
    )
    p.add_argument(
        "--end",
        type=float,
        default=None,
        help="last value of the sweep (default 10; 0.999 for betas[i])",
    )
    p.add_argument(
        "--steps", type=int, default=100, help="training steps of the sweep, >= 2 (default 100)"
    )
    p.add_argument(
        "--mode",
        choices=("exp", "linear"),
        default="exp",
        help="exp: evenly spaced in log (default); linear: evenly spaced",
    )
    p.add_argument(
        "--relative",
        action="store_true",
        help="--start/--end are multipliers of the optimizer's own value",
    )
    p.add_argument(
        "--optimizer",
        choices=("sgd", "adamw"),
        default="sgd",
        help="sgd (momentum 0.9, weight_decay 1e-4) or adamw (betas, weight_decay 0.01)",
    )
    p.add_argument("--lr", type=float, default=0.05, help="the optimizer's lr (default 0.05)")
    p.add_argument("--batch_size", "--batch-size", type=int, default=64, help="default 64")
    p.add_argument(
        "--samples", type=int, default=2048, help="data set size, 80%% used (default 2048)"
    )
    p.add_argument("--seed", type=int, default=0, help="seeds data, model, batch order")
    p.add_argument("--output", "-o", type=Path, default=Path("range_test.png"), help="PNG path")
    p.add_argument("--no-plot", action="store_true", help="skip the PNG (no matplotlib)")
    p.set_defaults(func=_cmd_find)
    return parser


def _flag_prefix(exc: BaseException, args: argparse.Namespace) -> str:
    """``"--flag: "`` for the flag a library error is about, when it can be told."""
    setting = getattr(exc, "setting", None)
    if not isinstance(setting, str):  # DemoConfig.validate() messages start with the field
        first = str(exc.args[0] if exc.args else "").split(" ", 1)[0]
        setting = first if first.isidentifier() else None
    if setting is None or not hasattr(args, setting):
        return ""
    return f"--{setting}: "


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``tsa`` command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    prog = f"tsa {args.command}"
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ImportError as exc:
        print(f"{prog}: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_MISSING
    except (ValueError, TypeError, KeyError, IndexError, ArithmeticError) as exc:
        print(f"{prog}: error: {_flag_prefix(exc, args)}{_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `tsa show ... | head`: the reader left; not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:  # an output path that cannot be written (-o, --out)
        where = f" {exc.filename}" if exc.filename else ""
        print(f"{prog}: error: cannot write{where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
