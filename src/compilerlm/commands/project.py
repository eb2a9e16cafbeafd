"""The project mode of `optimize` and `autotune`: PROJECT_DIR --build CMD --test CMD."""

from __future__ import annotations

import hashlib
import shlex
from pathlib import Path

import click
from rich.table import Table

from .common import fmt, print_json, stderr, stdout


def project_options(f):
    """--build, --test, --work, --step-timeout, --per-unit: the project mode's options."""
    f = click.option("--per-unit", is_flag=True,
                     help="Project mode: link the units' objects as they are, without the "
                          "whole-program (LTO) link (for projects that ship static "
                          "libraries: whole-program archives hold bitcode).")(f)
    f = click.option("--step-timeout", type=click.FloatRange(1, 86_400), default=1800,
                     show_default=True, help="Project mode: seconds per build and per test "
                                             "run.")(f)
    f = click.option("--work", "work_dir", type=click.Path(file_okay=False, path_type=Path),
                     default=None, help="Project mode: where the copies are built (default: "
                                        "projects/ beside the result cache).")(f)
    f = click.option("--test", "test_cmd", default=None, metavar="CMD",
                     help="Project mode: the project's test command (split like a shell line, "
                          "no shell; exit 0 passes), e.g. 'make check'.")(f)
    f = click.option("--build", "build_cmd", default=None, metavar="CMD",
                     help="Project mode (INPUT is the project's folder): its build command, "
                          "e.g. 'make -j2'; with --test.")(f)
    return f


def project_spec(input_path, build_cmd, test_cmd, step_timeout):
    """The ProjectSpec the options name (None when not in project mode)."""
    from ..errors import InputError
    from ..project import ProjectSpec
    if build_cmd is None and test_cmd is None:
        return None
    if build_cmd is None or test_cmd is None:
        raise InputError("project mode needs both --build CMD and --test CMD")
    root = Path(input_path)
    if not root.is_dir():
        raise InputError(f"{input_path}: with --build, INPUT must be the project's folder")
    build, test = shlex.split(build_cmd), shlex.split(test_cmd)
    if not build or not test:
        raise InputError("--build and --test must name a command")
    return ProjectSpec(root=root.resolve(), build=tuple(build), test=tuple(test),
                       timeout=step_timeout)


def default_work_dir(spec) -> Path:
    from ..toolchain.cache import default_cache_path
    tag = hashlib.sha256(str(spec.root).encode()).hexdigest()[:10]
    return default_cache_path().parent / "projects" / f"{spec.root.name}-{tag}"


def run_project(spec, work_dir, choose, as_json: bool, title: str, per_unit: bool) -> dict:
    from ..project.optimize import optimize_project
    work = work_dir or default_work_dir(spec)
    stderr.print(f"work folder: {work}", soft_wrap=True)
    result = optimize_project(spec, work, choose, whole_program=not per_unit,
                              log=lambda line: stderr.print(line, soft_wrap=True))
    if as_json:
        print_json(result)
        return result
    table = Table(title=title, title_justify="left")
    for col in ("binary", "clang -Oz", "compilerlm", "gcc -Oz", "clang -Oz -flto gc",
                "gcc -Oz -flto gc"):
        table.add_column(col, justify="left" if col == "binary" else "right")
    for b in result["binaries"]:
        table.add_row(b["name"], fmt(b["clang_oz"]), fmt(b["compilerlm"]),
                      fmt(b.get("gcc_oz")), fmt(b.get("clang_oz_lto_gc")),
                      fmt(b.get("gcc_oz_lto_gc")))
    stdout.print(table)
    for key, label in (("compilerlm", f"compilerlm ({result['mode']})"),
                       ("gcc_oz", "gcc -Oz"),
                       ("clang_oz_lto_gc", "clang -Oz -flto gc-sections"),
                       ("gcc_oz_lto_gc", "gcc -Oz -flto gc-sections")):
        t = result["totals"].get(key)
        if t and t["vs_clang_oz_total_pct"] is not None:
            stdout.print(f"{label}: {t['vs_clang_oz_total_pct']:+.2f}% total, "
                         f"{t['vs_clang_oz_geomean_pct']:+.2f}% geomean smaller than clang -Oz")
    if result.get("mode_note"):
        stdout.print(result["mode_note"])
    stdout.print(f"{result['lists_accepted']} of {len(result['units'])} units with a list "
                 f"and {result['pipelines_accepted']} of {len(result['binaries'])} programs "
                 f"with a whole-program pipeline of their own "
                 f"({result['units_guilty'] + result['binaries_guilty']} put back by the "
                 f"tests), "
                 f"{result['test_runs']} test runs, {result['builds']} builds; tests "
                 f"{'PASSED' if result['tests_passed'] else 'FAILED'} on the final build in "
                 f"{spec.root} ({result['seconds']:.0f} s)")
    return result
