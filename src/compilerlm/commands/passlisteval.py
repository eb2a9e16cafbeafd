"""`passlisteval`: does a pass list keep programs correct?"""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from .common import Stopwatch, engine_options, json_option, print_json, stderr, stdout


@click.command()
@click.option("-p", "--passes", required=True,
              help="Any pass list LLVM 17 accepts, in any spelling `size` takes.")
@click.option("--suite", "suites", multiple=True, default=None,
              help="builtin | humaneval-x:PATH[@N] (N: a seeded sample) | csmith:N. Repeatable. "
                   "Default: builtin, unless --program is given.")
@click.option("--program", "user_programs", multiple=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Your own C/C++ program (with main): its behaviour must match its clang "
                   "-O2 build. Repeatable.")
@click.option("--run-arg", "run_args", multiple=True, help="An argument for --program runs.")
@click.option("--expect-output", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="File with the output --program must print (instead of "
                                 "its -O2 build's).")
@click.option("--check-command", default=None,
              help="A command that decides whether --program behaves (the binary's path is "
                   "appended; exit 0 passes). Split like a shell line; no shell runs it.")
@click.option("--raw-pipeline", is_flag=True, help="Hand --passes to LLVM as written.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first failing program (yes/no).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for csmith programs and HumanEval-X samples.")
@engine_options(target=True, cache=True, no_cache=True)
@json_option
def passlisteval(passes, suites, user_programs, run_args, expect_output, check_command,
                 raw_pipeline, fail_fast, seed, engine_opts, as_json):
    """Check that a pass list keeps programs correct: build, link, run, compare.

    Exit status 0 when the list is accepted, 1 when it is rejected (a list that crashes
    LLVM is a rejection with reason `crash`), 2 or more for errors. `seconds` is the
    command's wall time."""
    import shlex

    from ..errors import NestedPipelineError
    from ..passlisteval import PassListEval, parse_suite, user_program
    from ..progress import progress_bar
    from ..toolchain.passes import parse_pass_list

    watch = Stopwatch()
    if not raw_pipeline:
        try:
            parse_pass_list(passes)  # unknown names are the user's error, not a rejection
        except NestedPipelineError:
            pass  # e.g. repeat<2>(...): LLVM takes it as a raw pipeline
    programs, skipped = [], []
    for spec in suites or (() if user_programs else ("builtin",)):
        p, s = parse_suite(spec, seed=seed)
        programs += p
        skipped += s
    check = tuple(shlex.split(check_command)) if check_command else ()
    expected = expect_output.read_bytes() if expect_output else None
    programs += [user_program(p, run_args, expected, check) for p in user_programs]
    with engine_opts.engine() as engine, \
            progress_bar(enabled=not as_json) as bar:
        verdict = PassListEval(engine).check(passes, programs, skipped=skipped,
                                             fail_fast=fail_fast, raw=raw_pipeline,
                                             progress=bar)
    data = {"suites": list(suites or ()), "programs": [str(p) for p in user_programs],
            **verdict.to_dict(), "seconds": watch.seconds}
    if as_json:
        print_json(data)
    else:
        _print_verdict(verdict, data["seconds"])
    if not verdict.accepted:
        raise click.exceptions.Exit(1)


def _print_verdict(v, seconds: float) -> None:
    word = "[green]ACCEPTED[/]" if v.accepted else "[red]REJECTED[/]"
    stdout.print(f"{word} {v.pipeline or '(no passes)'}", soft_wrap=True)
    stdout.print(f"{v.programs_passed}/{v.programs_total} programs passed"
                 f" ({v.programs_checked} checked, {v.cached} from the cache, "
                 f"{len(v.skipped)} skipped) in {seconds:.1f} s")
    if v.failures:
        table = Table(title="failures", title_justify="left")
        for col in ("program", "reason", "detail"):
            table.add_column(col, overflow="fold")
        for f in v.failures:
            table.add_row(f.program, f.reason, f.detail)
        stdout.print(table)
    for s in v.skipped:
        stderr.print(f"skipped {s.uri}: {s.reason}")

