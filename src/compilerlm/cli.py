"""The `compilerlm` command line: a thin click group over the library.

Every command prints a readable summary, or exactly one JSON document on stdout with `--json`
(progress and logs go to stderr). Errors are one line on stderr and a non-zero exit status;
`COMPILERLM_RAISE_ERRORS=1` shows the traceback instead.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import CompilerlmError

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)


def print_json(data) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=False))


class CommandFailed(CompilerlmError):
    """A command ran but its result is a failure (e.g. a pipeline that crashed LLVM)."""


def json_option(f):
    return click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON document on stdout (logs go to stderr).")(f)


def engine_options(f):
    f = click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True,
                     help="LLVM worker processes.")(f)
    f = click.option("--timeout", type=click.FloatRange(0.1, None), default=120.0,
                     show_default=True, help="Seconds per evaluation (the paper's limit).")(f)
    f = click.option("--target", default=None,
                     help="Target triple (default: the module's own, x86_64-unknown-linux-gnu "
                          "from the front end; the LLVM 17 wheels carry only X86).")(f)
    f = click.option("--cache", "cache_path", type=click.Path(dir_okay=False, path_type=Path),
                     default=None, help="SQLite result cache (default: ~/.cache/compilerlm/"
                                        "results.sqlite or $COMPILERLM_CACHE_DIR).")(f)
    f = click.option("--no-cache", is_flag=True, help="Measure everything afresh.")(f)
    return f


def make_engine(workers, timeout, target, cache_path, no_cache, ray=None):
    from .toolchain.engine import Engine, EngineConfig
    return Engine(EngineConfig(workers=workers, timeout=timeout, target=target,
                               cache_path=cache_path, use_cache=not no_cache, ray=ray))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compilerlm")
def cli():
    """compilerlm: foundation models of compiler optimisation on LLVM 17.0.6."""


# -- ir ---------------------------------------------------------------------------------

@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Output file (.ll text or .bc bitcode); a directory for several units.")
@click.option("--style", type=click.Choice(["oz", "o0"]), default="oz", show_default=True,
              help="oz: clang -Oz -Xclang -disable-llvm-passes (as LLM Compiler's inputs); "
                   "o0: clang -O0 -Xclang -disable-O0-optnone.")
@click.option("--target", default=None, help="Target triple for the front end.")
@click.option("--format", "fmt", type=click.Choice(["ll", "bc"]), default=None,
              help="Output format in a directory (default: from -o's suffix, else ll).")
@click.option("--split-functions", is_flag=True,
              help="Write one module per defined function (as llvm-extract does).")
@json_option
def ir(inputs, output, style, target, fmt, split_functions, as_json):
    """Turn C/C++ sources, directories or compile_commands.json into unoptimised IR."""
    from .corpus.compile import iter_units
    from .corpus.writer import write_units

    units = iter_units(inputs, style=style, target=target)
    written = write_units(units, output, fmt=fmt, split_functions=split_functions,
                          many=len(inputs) > 1 or Path(inputs[0]).is_dir()
                          or inputs[0].endswith(".json") or split_functions)
    if as_json:
        print_json({"outputs": written})
    else:
        for w in written:
            stdout.print(f"{w['input']} -> {w['output']} ({w['ir_instruction_count']} IR "
                         f"instructions)")


# -- size -------------------------------------------------------------------------------

@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-p", "--passes", default=None,
              help="Pass list in any common spelling: 'sroa,licm', \"opt -p '...'\", "
                   "'-sroa -licm', a JSON list. Default: no passes.")
@click.option("--raw-pipeline", is_flag=True,
              help="Hand --passes to LLVM exactly as written, without normalising.")
@click.option("--style", type=click.Choice(["oz", "o0"]), default="oz", show_default=True,
              help="Front-end style for C/C++ inputs.")
@engine_options
@json_option
def size(inputs, passes, raw_pipeline, style, workers, timeout, target, cache_path,
         no_cache, as_json):
    """Measure code size: IR instructions and binary size (.text + .data) next to clang -Oz."""
    from .corpus.compile import iter_units
    from .toolchain.engine import size_record
    from .toolchain.passes import parse_pass_list

    if passes is not None and not raw_pipeline:
        passes = parse_pass_list(passes)  # reject unknown names before any work
    if raw_pipeline and passes is None:
        raise click.UsageError("--raw-pipeline needs --passes")
    units = list(iter_units(inputs, style=style, target=target))
    with make_engine(workers, timeout, target, cache_path, no_cache) as engine:
        records = [size_record(engine, u, passes, raw=raw_pipeline) for u in units]
    failed = [r for r in records if r["status"] != "ok"]
    single = len(records) == 1 and not (Path(inputs[0]).is_dir() or inputs[0].endswith(".json"))
    if as_json:
        if single:
            print_json(records[0])
        else:
            print_json({"units": records, "totals": _size_totals(records)})
    else:
        _print_size_table(records)
    if failed:
        r = failed[0]
        more = f" (and {len(failed) - 1} more units failed)" if len(failed) > 1 else ""
        raise CommandFailed(f"{r['input']}: {r['status']}: {r['error']}{more}")


def _fmt(value) -> str:
    return "" if value is None else str(value)


def _display_path(name: str) -> str:
    try:
        return str(Path(name).resolve().relative_to(Path.cwd()))
    except ValueError:
        return name


def _size_totals(records: list[dict]) -> dict:
    ok = [r for r in records if r["status"] == "ok" and r["oz_binary_size"]]
    total = sum(r["binary_size"] for r in ok)
    oz = sum(r["oz_binary_size"] for r in ok)
    return {"units": len(records), "ok": len(ok), "binary_size": total, "oz_binary_size": oz,
            "improvement_over_oz_pct": round(100 * (1 - total / oz), 4) if oz else None}


def _print_size_table(records: list[dict]) -> None:
    table = Table(title=f"pipeline: {records[0]['pipeline'] or '(no passes)'}",
                  title_justify="left")
    for col in ("input", "status", "IR instrs", "binary", "-Oz binary", "vs -Oz"):
        table.add_column(col, justify="left" if col in ("input", "status") else "right",
                         overflow="fold", no_wrap=col != "input",
                         min_width=24 if col == "input" else None)
    for r in records:
        vs = "" if r["improvement_over_oz_pct"] is None else f"{r['improvement_over_oz_pct']:+.2f}%"
        table.add_row(_display_path(r["input"]), r["status"] if r["status"] == "ok" else f"[red]{r['status']}",
                      _fmt(r["ir_instruction_count"]), _fmt(r["binary_size"]),
                      _fmt(r["oz_binary_size"]), vs)
    stdout.print(table)
    if len(records) > 1:
        t = _size_totals(records)
        if t["improvement_over_oz_pct"] is not None:
            stdout.print(f"total: {t['binary_size']} bytes vs {t['oz_binary_size']} at -Oz, "
                         f"improvement over -Oz {t['improvement_over_oz_pct']:+.2f}% "
                         f"({t['ok']}/{t['units']} units measured)")


# -- passes -----------------------------------------------------------------------------

@cli.command()
@click.option("--all", "show_all", is_flag=True,
              help="Every pass LLVM 17.0.6 registers, not only the size search space.")
@click.option("--normalize", "normalize", default=None, metavar="PASSES",
              help="Parse a pass list and print its normalised pipeline.")
@json_option
def passes(show_all, normalize, as_json):
    """The pass search space (name, kind, pipeline element), or normalise a pass list."""
    from .toolchain.passes import Pass, parse_pass_list, registry, search_space

    if normalize is not None:
        pl = parse_pass_list(normalize)
        data = {"passes": list(pl.names), "pipeline": pl.pipeline, "opt": pl.opt_command}
        if as_json:
            print_json(data)
        else:
            stdout.print(pl.pipeline, soft_wrap=True)
        return
    items = [Pass(n) for n in sorted(registry())] if show_all else list(search_space())
    rows = [{"name": p.name, "kind": p.kind, "pipeline": p.pipeline} for p in items]
    if as_json:
        print_json({"llvm_version": "17.0.6", "count": len(rows), "passes": rows})
        return
    table = Table(title=f"{len(rows)} passes ({'registry' if show_all else 'size search space'}"
                        f", LLVM 17.0.6)", title_justify="left")
    for col in ("name", "kind", "pipeline element"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], r["kind"], r["pipeline"])
    stdout.print(table)


# -- passlisteval -----------------------------------------------------------------------

@cli.command()
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
@engine_options
@json_option
def passlisteval(passes, suites, user_programs, run_args, expect_output, check_command,
                 raw_pipeline, fail_fast, seed, workers, timeout, target, cache_path, no_cache,
                 as_json):
    """Check that a pass list keeps programs correct: build, link, run, compare.

    Exit status 0 when the list is accepted, 1 when it is rejected (a list that crashes
    LLVM is a rejection with reason `crash`), 2 or more for errors."""
    import shlex

    from .passlisteval import PassListEval, parse_suite, user_program
    from .progress import progress_bar

    if not raw_pipeline:
        from .toolchain.passes import parse_pass_list
        try:
            parse_pass_list(passes)  # unknown names are the user's error, not a rejection
        except Exception as e:
            if "cannot be flattened" not in str(e):
                raise
    programs, skipped = [], []
    for spec in suites or (() if user_programs else ("builtin",)):
        p, s = parse_suite(spec, seed=seed)
        programs += p
        skipped += s
    check = tuple(shlex.split(check_command)) if check_command else ()
    expected = expect_output.read_bytes() if expect_output else None
    programs += [user_program(p, run_args, expected, check) for p in user_programs]
    with make_engine(workers, timeout, target, cache_path, no_cache) as engine, \
            progress_bar(enabled=not as_json) as bar:
        verdict = PassListEval(engine).check(passes, programs, skipped=skipped,
                                             fail_fast=fail_fast, raw=raw_pipeline,
                                             progress=bar)
    data = {"suites": list(suites or ()), "programs": [str(p) for p in user_programs],
            **verdict.to_dict()}
    if as_json:
        print_json(data)
    else:
        _print_verdict(verdict)
    if not verdict.accepted:
        raise click.exceptions.Exit(1)


def _print_verdict(v) -> None:
    word = "[green]ACCEPTED[/]" if v.accepted else "[red]REJECTED[/]"
    stdout.print(f"{word} {v.pipeline or '(no passes)'}", soft_wrap=True)
    stdout.print(f"{v.programs_passed}/{v.programs_total} programs passed"
                 f" ({v.programs_checked} checked, {v.cached} from the cache, "
                 f"{len(v.skipped)} skipped) in {v.seconds:.1f} s")
    if v.failures:
        table = Table(title="failures", title_justify="left")
        for col in ("program", "reason", "detail"):
            table.add_column(col, overflow="fold")
        for f in v.failures:
            table.add_row(f.program, f.reason, f.detail)
        stdout.print(table)
    for s in v.skipped:
        stderr.print(f"skipped {s.uri}: {s.reason}")


# -- autotune ---------------------------------------------------------------------------

def _tune_options(f):
    f = click.option("--workers", type=click.IntRange(1, 256), default=2, show_default=True,
                     help="LLVM worker processes (or Ray actors).")(f)
    f = click.option("--timeout", type=click.FloatRange(0.1, None), default=120.0,
                     show_default=True, help="Seconds per evaluation.")(f)
    f = click.option("--ray", default=None, metavar="local|auto|ADDRESS",
                     help="Run on Ray: start a local cluster, join the running one, or an "
                          "address.")(f)
    return f


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="SQLite store: every evaluation and result; rerun to resume.")
@click.option("--budget", type=click.IntRange(1, None), default=300, show_default=True,
              help="Search evaluations per program (the paper averaged 4,877).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--strategy", type=click.Choice(["guided", "random", "evolve", "coreset"]),
              default="guided", show_default=True,
              help="guided: the flag-tuning model's best coreset lists for the program, then "
                   "evolution in which only verified lists breed, with random lists mixed in; "
                   "random: the paper's search; evolve: evolutionary search from the -Oz "
                   "lists; coreset: as guided, but unverified lists breed too "
                   "(docs/autotune.md compares them).")
@click.option("--no-validate", is_flag=True, help="Raw search: no PassListEval check.")
@click.option("--suite", "suites", multiple=True, default=("builtin",), show_default=True,
              help="PassListEval suites for validation (as in `passlisteval`).")
@click.option("--no-minimize", is_flag=True, help="Skip minimisation.")
@click.option("--no-insertion", is_flag=True, help="Minimise without the insertion search.")
@click.option("--no-exchange", is_flag=True,
              help="guided: search each program alone (by default the programs tuned "
                   "together try each other's best lists when 30% of their budgets is left).")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), default=None,
              metavar="FILE",
              help="guided and coreset: start from this flag-tuning model's lists (a file "
                   "from `compilerlm train-predictor`, e.g. trained on your own code) instead "
                   "of the shipped model's.")
@_tune_options
@json_option
def autotune(inputs, db, budget, seed, strategy, no_validate, suites, no_minimize,
             no_insertion, no_exchange, model_path, workers, timeout, ray, as_json):
    """Search, minimise and verify the smallest pass list of every program."""
    from .autotune import AutotuneConfig, AutotuneStore
    from .autotune import autotune as run_autotune
    from .corpus.compile import iter_units
    from .progress import progress_bar

    config = AutotuneConfig(budget=budget, seed=seed, strategy=strategy,
                            minimize=not no_minimize, insertion=not no_insertion,
                            validate=not no_validate, suites=tuple(suites),
                            exchanges=() if no_exchange else AutotuneConfig.exchanges,
                            model=model_path)
    if model_path is not None:
        from .flagtune.predictor import Predictor
        Predictor.load(model_path)  # a missing or foreign file: one line, before any work
    units = list(iter_units(inputs))
    store = AutotuneStore(db)
    with make_engine(workers, timeout, None, db, False, ray=ray) as engine, \
            progress_bar(enabled=not as_json) as bar:
        records = run_autotune(units, config, engine, store, progress=bar)
        computed, reused = engine.stats["evaluations"], engine.stats["cache_hits"]
    stderr.print(f"{computed} evaluations computed, {reused} answered from {db}, "
                 f"{engine.stats['builds']} objects built for verification")
    _print_tuning(records, config, as_json)


def _print_tuning(records, config, as_json) -> None:
    from dataclasses import asdict

    from .autotune import summarize
    summary = summarize(records)
    if as_json:
        print_json({"programs": records, **summary,
                    "config": asdict(config) if config else None})
        return
    table = Table(title="best pass lists", title_justify="left")
    for col in ("input", "-Oz", "best", "vs -Oz", "ok", "best passes"):
        table.add_column(col, overflow="fold", justify="right" if col in ("-Oz", "best",
                                                                         "vs -Oz") else "left")
    for r in records:
        pct = "" if r["improvement_pct"] is None else f"{r['improvement_pct']:+.2f}%"
        table.add_row(_display_path(r["input"]), _fmt(r["oz_binary_size"]),
                      _fmt(r["best_binary_size"]), pct, "yes" if r["validated"] else "no",
                      ",".join(r["best_passes"]))
    stdout.print(table)
    if summary["improvement_total_pct"] is not None:
        stdout.print(f"improvement over -Oz: {summary['improvement_total_pct']:+.2f}% total, "
                     f"{summary['improvement_geomean_pct']:+.2f}% geomean; "
                     f"{summary['validated']}/{summary['programs_measured']} verified")


@cli.command()
@click.argument("input_path", metavar="INPUT")
@click.option("-p", "--passes", required=True, help="The pass list to minimise.")
@click.option("--no-insertion", is_flag=True, help="Skip the insertion search.")
@_tune_options
@json_option
def minimize(input_path, passes, no_insertion, workers, timeout, ray, as_json):
    """Minimise a pass list on one program: every pass left matters."""
    from .autotune import minimize as run_minimize
    from .corpus.unit import load_unit
    from .toolchain.passes import parse_pass_list

    names = list(parse_pass_list(passes).names)
    unit = load_unit(input_path)
    calls = [0]
    with make_engine(workers, timeout, None, None, False, ray=ray) as engine:
        def sizes_of(lists):
            calls[0] += len(lists)
            return [m.binary_size if m.ok else None
                    for m in engine.measure_many([(unit, lst) for lst in lists])]
        (before,) = sizes_of([names])
        if before is None:
            m = engine.measure(unit, names)
            raise CommandFailed(f"{unit.name}: the input list does not compile: {m.status}: "
                                f"{m.error}")
        best, size = run_minimize(names, sizes_of, insert=not no_insertion)
        oz = engine.oz_baseline(unit).binary_size
    data = {"input": unit.name, "input_passes": names, "input_binary_size": before,
            "passes": best, "pipeline": parse_pass_list(best).pipeline, "binary_size": size,
            "oz_binary_size": oz, "evaluations": calls[0]}
    if as_json:
        print_json(data)
    else:
        stdout.print(f"{len(names)} -> {len(best)} passes, {before} -> {size} bytes "
                     f"(-Oz: {oz}) in {calls[0]} evaluations", soft_wrap=True)
        stdout.print(",".join(best), soft_wrap=True)


@cli.command()
@click.option("--db", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="An autotuner store.")
@click.option("--top", type=click.IntRange(1, None), default=100, show_default=True,
              help="How many of the most common best lists to apply to every program.")
@_tune_options
@json_option
def broadcast(db, top, workers, timeout, ray, as_json):
    """Apply the most common best lists to every program of a store; keep improvements."""
    from .autotune import AutotuneStore
    from .autotune import broadcast as run_broadcast

    store = AutotuneStore(db)
    with make_engine(workers, timeout, None, db, False, ray=ray) as engine:
        records = run_broadcast(store, engine, top=top)
    _print_tuning(records, None, as_json)


@cli.command()
@click.option("--db", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="An autotuner store.")
@click.option("--export", "export", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write results to .jsonl or .parquet "
                                 "(--evaluations: every evaluation instead).")
@click.option("--evaluations", is_flag=True, help="Export every evaluation, not the results.")
@json_option
def results(db, export, evaluations, as_json):
    """Per program: -Oz size, best size, best list, improvement; corpus totals."""
    from .autotune import AutotuneStore
    from .autotune.export import export_rows

    store = AutotuneStore(db)
    records = store.results()
    if export is not None:
        rows = store.evaluation_rows() if evaluations else records
        n = export_rows(rows, export)
        stderr.print(f"wrote {n} rows to {export}")
    _print_tuning(records, None, as_json)


# -- corpus and datasets ----------------------------------------------------------------

@cli.group()
def corpus():
    """Build a deduplicated corpus of unoptimised IR from real code."""


@corpus.command("build")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--provenance", default="", help="Where the code comes from (name, version, URL).")
@click.option("--licence", default="", help="The code's licence, when known.")
@click.option("--split-functions", is_flag=True, help="One unit per defined function.")
@json_option
def corpus_build(inputs, out, provenance, licence, split_functions, as_json):
    """Add files, directories or compile_commands.json projects to a corpus (dedup by IR)."""
    from .corpus.compile import iter_units
    from .corpus.corpus import build_corpus

    summary = build_corpus(iter_units(inputs), out, provenance=provenance, licence=licence,
                           split_functions=split_functions)
    if as_json:
        print_json(summary)
    else:
        stdout.print(f"{summary['added']} units added ({summary['duplicates']} duplicates "
                     f"skipped); corpus: {summary['units']} units, {summary['functions']} "
                     f"functions, {summary['ir_instructions']} IR instructions")


@corpus.command("capture", context_settings={"ignore_unknown_options": True})
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--provenance", default="", help="Where the code comes from (name, version, URL).")
@click.option("--licence", default="", help="The code's licence, when known.")
@click.option("--split-functions", is_flag=True, help="One unit per defined function.")
@click.option("-C", "--directory", "build_dir", type=click.Path(exists=True, file_okay=False),
              default=None, help="Run the build here.")
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
@json_option
def corpus_capture(out, provenance, licence, split_functions, build_dir, command, as_json):
    """Run a build (after --) with CC/CXX set to capturing wrappers; add its IR to a corpus.

    Example: compilerlm corpus capture -o corpus -- make -j2. The build runs unchanged (its
    own compiler does the work); each C/C++ file it compiles is also turned into IR with the
    build's flags. IR is spooled in OUT/.capture, so a rerun after an interrupted build adds
    what is new."""
    from .corpus.capture import capture_errors, run_captured_build, spooled_units
    from .corpus.corpus import build_corpus

    spool = Path(out) / ".capture"
    rc = run_captured_build(list(command), spool, cwd=build_dir)
    if rc != 0:
        raise CommandFailed(f"the build failed (exit status {rc}); IR captured so far is "
                            f"in {spool}")
    summary = build_corpus(spooled_units(spool), out, provenance=provenance, licence=licence,
                           split_functions=split_functions)
    errors = capture_errors(spool)
    summary = {**summary, "capture_errors": len(errors), "errors": errors[:20]}
    if as_json:
        print_json(summary)
    else:
        stdout.print(f"build finished; {summary['added']} units added ({summary['duplicates']}"
                     f" duplicates skipped, {len(errors)} files not captured); corpus: "
                     f"{summary['units']} units, {summary['ir_instructions']} IR instructions")
        for e in errors[:5]:
            stderr.print(f"not captured: {e['file']}: {e['error']}")


@corpus.command("stats")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@json_option
def corpus_stats_cmd(directory, as_json):
    """Units, functions and IR instructions of a corpus."""
    from .corpus.corpus import corpus_stats

    summary = corpus_stats(directory)
    if as_json:
        print_json(summary)
    else:
        stdout.print(f"{summary['units']} units, {summary['functions']} functions, "
                     f"{summary['ir_instructions']} IR instructions; from: "
                     f"{', '.join(summary['provenance']) or '(unrecorded)'}")


@cli.group()
def dataset():
    """Training data for the three LLM Compiler tasks, in the released prompt formats."""


def _dataset_options(f):
    f = click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
                     required=True, help="Output directory (JSONL, Parquet, card).")(f)
    f = click.option("--tokenizer", default=None,
                     help="tokenizer.json (or its folder) for exact token counts; default: an "
                          "offline approximation.")(f)
    f = click.option("--max-tokens", type=click.IntRange(1, None), default=None,
                     help="Context limit (default 16384; disasm: 8192 each side).")(f)
    f = click.option("--workers", type=click.IntRange(1, 256), default=2, show_default=True)(f)
    f = click.option("--seed", type=int, default=0, show_default=True)(f)
    f = click.option("--ray", default=None, metavar="local|auto|ADDRESS",
                     help="Run the evaluations on Ray (as in `autotune`).")(f)
    f = click.option("--split-long", is_flag=True,
                     help="Split units whose IR is over the context into one module per "
                          "function (as the paper did) instead of leaving them out.")(f)
    return f


def _run_dataset(task, inputs, out, tokenizer, max_tokens, workers, as_json, build,
                 ray=None, split_long=False) -> None:
    from .corpus.compile import iter_units
    from .progress import progress_bar
    from .prompts.build import (DEFAULT_MAX_TOKENS, DISASM_MAX_TOKENS, filter_by_tokens,
                                write_dataset)
    from .prompts.resume import build_resumably, finish
    from .prompts.tokens import TokenCounter

    counter = TokenCounter.load(tokenizer)
    limit = max_tokens or (DISASM_MAX_TOKENS if task == "disasm" else DEFAULT_MAX_TOKENS)
    units = list(iter_units(inputs))
    if split_long:
        from .prompts.build import split_long_units
        units, split = split_long_units(units, counter, limit)
        if split:
            stderr.print(f"split {split} units over {limit} tokens into functions")
    # What decides the records (not how fast they come) names the resume spool, so a rerun
    # with other options starts afresh instead of mixing records.
    params = click.get_current_context().params
    settings = json.dumps({k: v for k, v in params.items()
                           if k not in ("out", "workers", "ray", "as_json")},
                          sort_keys=True, default=str)
    with make_engine(workers, 120.0, None, None, False, ray=ray) as engine, \
            progress_bar(enabled=not as_json) as bar:
        records, stats, resumed = build_resumably(task, units, engine, build, Path(out),
                                                  chunk=4 * workers, progress=bar,
                                                  settings=settings)
    if resumed:
        stderr.print(f"resumed: {resumed} units were already done in {out}")
    records = filter_by_tokens(records, counter, task, limit, stats)
    summary = write_dataset(records, out, task=task, stats=stats, tokenizer=counter.name,
                            provenance=sorted({u.source or u.name for u in units}))
    finish(Path(out), task)
    if as_json:
        print_json(summary)
    else:
        stdout.print(f"{summary['records']} {task} records from {summary['units']} units in "
                     f"{out} ({summary['splits']}); excluded: {summary['excluded'] or 'none'}")


@dataset.command("emulation")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--lists", type=click.IntRange(1, None), default=4, show_default=True,
              help="Random pass lists per unit.")
@click.option("--variant", type=click.Choice(["ir", "asm", "both"]), default="both",
              show_default=True)
@click.option("--no-determinism-check", is_flag=True,
              help="Run each list once instead of twice (half the cost); lists LLVM runs "
                   "nondeterministically are then kept, and `dataset verify` flags them.")
@_dataset_options
@json_option
def dataset_emulation(inputs, lists, variant, no_determinism_check, out, tokenizer, max_tokens,
                      workers, seed, ray, split_long, as_json):
    """Compiler emulation: IR + pass list in, optimised IR or assembly and sizes out."""
    from .prompts.build import build_emulation

    variants = ("ir", "asm") if variant == "both" else (variant,)
    _run_dataset("emulation", inputs, out, tokenizer, max_tokens, workers, as_json,
                 lambda units, eng: build_emulation(
                     units, eng, lists_per_unit=lists, seed=seed, variants=variants,
                     check_determinism=not no_determinism_check), ray, split_long)


@dataset.command("flagtune")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--db", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Autotuner store with the best lists (else a quick search).")
@click.option("--budget", type=click.IntRange(1, None), default=50, show_default=True,
              help="Budget of the quick built-in search.")
@click.option("--no-validate", is_flag=True, help="Quick search without PassListEval.")
@_dataset_options
@json_option
def dataset_flagtune(inputs, db, budget, no_validate, out, tokenizer, max_tokens, workers,
                     seed, ray, split_long, as_json):
    """Flag tuning: IR in, the best pass list with sizes and the optimised IR out."""
    from .prompts.build import build_flagtune

    best = None
    if db is not None:
        from .autotune import AutotuneStore
        # The smallest stored result per unit over all runs of the store, a verified one
        # where there is one.
        chosen = AutotuneStore(db).best_results(prefer_validated=True)
        best = {h: r["best_passes"] for h, r in chosen.items()}
    _run_dataset("flagtune", inputs, out, tokenizer, max_tokens, workers, as_json,
                 lambda units, eng: build_flagtune(units, eng, best=best, budget=budget,
                                                   seed=seed, validate=not no_validate), ray,
                 split_long)


@dataset.command("disasm")
@click.argument("inputs", nargs=-1, required=True)
@_dataset_options
@json_option
def dataset_disasm(inputs, out, tokenizer, max_tokens, workers, seed, ray, split_long,
                   as_json):
    """Disassembly: x86-64 assembly of -Oz IR in, that IR out."""
    from .prompts.build import build_disasm

    _run_dataset("disasm", inputs, out, tokenizer, max_tokens, workers, as_json,
                 lambda units, eng: build_disasm(units, eng), ray, split_long)


@dataset.command("verify")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--sample", type=click.IntRange(1, None), default=None,
              help="Check a seeded sample of N records instead of all.")
@click.option("--workers", type=click.IntRange(1, 256), default=2, show_default=True)
@json_option
def dataset_verify(directory, sample, workers, as_json):
    """Re-derive records with LLVM now; exit 1 when any prompt, output or size differs."""
    from .prompts.verify import verify

    with make_engine(workers, 120.0, None, None, True) as engine:
        report = verify(directory, engine, sample=sample)
    if as_json:
        print_json(report)
    else:
        stdout.print(f"{report['records_checked'] - report['records_failed']}/"
                     f"{report['records_checked']} records re-derived exactly")
        for f in report["failures"][:20]:
            stdout.print(f"[red]differs[/] {f['unit']} {f['task']}: {'; '.join(f['problems'])}")
    if not report["ok"]:
        raise CommandFailed(f"{report['records_failed']} of {report['records_checked']} "
                            f"records differ from what LLVM produces now")


@dataset.command("stats")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@json_option
def dataset_stats(directory, as_json):
    """Counts, splits and token statistics of a dataset directory."""
    import json as _json

    cards = sorted(Path(directory).glob("*-card.json"))
    if not cards:
        raise CommandFailed(f"{directory}: no dataset card (*-card.json)")
    data = {c.name.removesuffix("-card.json"): _json.loads(c.read_text()) for c in cards}
    if as_json:
        print_json(data)
    else:
        for task, card in data.items():
            stdout.print(f"{task}: {card['records']} records {card['splits']}, prompt tokens "
                         f"{card['prompt_tokens']}")


# -- doctor -----------------------------------------------------------------------------

@cli.command()
@json_option
def doctor(as_json):
    """Check the LLVM 17 toolchain and the engine; say exactly what is wrong."""
    from .toolchain.doctor import checks_to_json, run_checks

    checks = run_checks()
    if as_json:
        print_json(checks_to_json(checks))
    else:
        for c in checks:
            mark = "[green]ok[/]  " if c.ok else "[red]FAIL[/]"
            stdout.print(f"{mark} {c.name:<11} {c.detail}", soft_wrap=True)
    failed = [c for c in checks if not c.ok]
    if failed:
        raise CommandFailed(f"{failed[0].name}: {failed[0].detail}")


@cli.group("eval")
def eval_group():
    """Evaluate models on the paper's metrics: flagtune, disasm, emulate."""


# optimize, eval flagtune and train-predictor live with the flag-tuning code; serve, train,
# disasm, emulate and eval disasm/emulate with the LLM code.
from .flagtune import commands as _flagtune_commands  # noqa: E402,F401  (registers them)
from .llm import commands as _llm_commands  # noqa: E402,F401


# -- entry point ------------------------------------------------------------------------

def main(argv=None) -> int:
    as_json = "--json" in (argv if argv is not None else sys.argv[1:])
    try:
        return cli.main(args=argv, prog_name="compilerlm", standalone_mode=False) or 0
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.Abort:
        stderr.print("aborted")
        return 130
    except click.ClickException as e:  # usage errors: one line too
        message = " ".join(e.format_message().split())
        if as_json:
            click.echo(json.dumps({"error": message}))
        click.echo(f"error: {message}", err=True)
        return e.exit_code
    except KeyboardInterrupt:
        stderr.print("interrupted")
        return 130
    except Exception as e:
        if os.environ.get("COMPILERLM_RAISE_ERRORS") == "1":
            raise
        if isinstance(e, CompilerlmError):
            message, code = str(e), e.exit_code
        elif isinstance(e, OSError):  # e.g. an unwritable output path
            message, code = f"{e.filename or ''}: {e.strerror or e}".lstrip(": "), 1
        else:
            message = f"internal error: {type(e).__name__}: {e} " \
                      f"(set COMPILERLM_RAISE_ERRORS=1 for the traceback)"
            code = 1
        message = " ".join(message.split())  # exactly one line
        if as_json and not isinstance(e, CommandFailed):
            click.echo(json.dumps({"error": message}))
        click.echo(f"error: {message}", err=True)
        return code


if __name__ == "__main__":
    # Run as `python -m compilerlm.cli`: go through the imported module, on whose command group
    # the flag-tuning commands registered themselves (this file is also `__main__` here).
    from compilerlm.cli import main as _main
    sys.exit(_main())
