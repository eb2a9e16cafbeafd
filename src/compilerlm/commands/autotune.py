"""`autotune`, `minimize`, `broadcast` and `results`: the autotuner and its store."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from .common import (
    CommandFailed,
    display_path,
    engine_options,
    fmt,
    json_option,
    print_json,
    stderr,
    stdout,
)
from .project import project_options, project_spec, run_project

# The engine options of the autotuner's commands: two workers, Ray.
_tune_options = engine_options(workers=2, ray=True)


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite store: every evaluation and result; rerun to resume (default: "
                   "autotune.sqlite beside the result cache).")
@click.option("--budget", type=click.IntRange(1, 100_000), default=300, show_default=True,
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
@click.option("--minimize-budget", type=click.IntRange(0, 1_000_000), default=None,
              help="Evaluations minimisation may spend per program (default: as many as "
                   "--budget); reported as evaluations.minimize beside the search's.")
@click.option("--no-exchange", is_flag=True,
              help="guided: search each program alone (by default the programs tuned "
                   "together try each other's best lists when 30% of their budgets is left).")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), default=None,
              metavar="FILE",
              help="guided and coreset: start from this flag-tuning model's lists (a file "
                   "from `compilerlm train-predictor`, e.g. trained on your own code) instead "
                   "of the shipped model's.")
@project_options
@_tune_options
@json_option
def autotune(inputs, db, budget, seed, strategy, no_validate, suites, no_minimize,
             no_insertion, minimize_budget, no_exchange, model_path, build_cmd, test_cmd,
             work_dir, step_timeout, per_unit, engine_opts, as_json):
    """Search, minimise and verify the smallest pass list of every program.

    Project mode (one INPUT, a project's folder, with --build CMD --test CMD): every unit
    the project's build compiles is tuned, the project's tests decide which lists stay
    (bisection), and the project is left built with them (see `optimize --help`)."""
    from ..autotune import AutotuneConfig, AutotuneStore
    from ..autotune import autotune as run_autotune
    from ..corpus import iter_units
    from ..progress import progress_bar

    config = AutotuneConfig(budget=budget, seed=seed, strategy=strategy,
                            minimize=not no_minimize, insertion=not no_insertion,
                            minimize_budget=minimize_budget,
                            validate=not no_validate, suites=tuple(suites),
                            exchanges=() if no_exchange else AutotuneConfig.exchanges,
                            model=model_path)
    if model_path is not None:
        from ..predictor import load_model
        load_model(model_path)  # a missing or foreign file: one line, before any work
    if (build_cmd or test_cmd) and len(inputs) != 1:
        raise CommandFailed("with --build, give one INPUT: the project's folder")
    spec = project_spec(inputs[0], build_cmd, test_cmd, step_timeout)
    if db is None:
        from ..autotune.store import default_store_path
        db = default_store_path()
        stderr.print(f"store: {db}", soft_wrap=True)
    store = AutotuneStore(db)
    if spec is not None:
        from ..project.choose import autotune_chooser
        with engine_opts.engine(cache_path=db) as engine:
            run_project(spec, work_dir, autotune_chooser(config, engine, store), as_json,
                        f"autotune {spec.root.name} (budget {budget})", per_unit)
        return
    units = list(iter_units(inputs))
    with engine_opts.engine(cache_path=db) as engine, progress_bar(enabled=not as_json) as bar:
        records = run_autotune(units, config, engine, store, progress=bar)
        computed, reused = engine.stats["evaluations"], engine.stats["cache_hits"]
        # Inputs no list compiled: what LLVM says of them as they are (one cached evaluation).
        unusable = [(u.name, engine.measure(u, []).error or "no pass list compiles")
                    for u, r in zip(units, records) if r.best_binary_size is None]
    stderr.print(f"{computed} evaluations computed, {reused} answered from {db}, "
                 f"{engine.stats['builds']} objects built for verification")
    _print_tuning(records, config, as_json)
    if unusable:
        name, why = unusable[0]
        more = f" (and {len(unusable) - 1} more)" if len(unusable) > 1 else ""
        raise CommandFailed(f"{len(unusable)} of {len(units)} inputs could not be used, their "
                            f"results are stored as such: {name}: {why}{more}")


def _print_tuning(records, config, as_json) -> None:
    from dataclasses import asdict

    from ..metrics import summarize
    summary = summarize(records)
    if as_json:
        print_json({"programs": [r.to_dict() for r in records], **summary,
                    "config": asdict(config) if config else None})
        return
    table = Table(title="best pass lists", title_justify="left")
    for col in ("input", "-Oz", "best", "vs -Oz", "ok", "best passes"):
        table.add_column(col, overflow="fold", justify="right" if col in ("-Oz", "best",
                                                                         "vs -Oz") else "left")
    for r in records:
        pct = "" if r.improvement_pct is None else f"{r.improvement_pct:+.2f}%"
        table.add_row(display_path(r.input), fmt(r.oz_binary_size), fmt(r.best_binary_size),
                      pct, "yes" if r.validated else "no", ",".join(r.best_passes))
    stdout.print(table)
    if summary["improvement_total_pct"] is not None:
        stdout.print(f"improvement over -Oz: {summary['improvement_total_pct']:+.2f}% total, "
                     f"{summary['improvement_geomean_pct']:+.2f}% geomean; "
                     f"{summary['validated']}/{summary['programs_measured']} verified")


@click.command()
@click.argument("input_path", metavar="INPUT")
@click.option("-p", "--passes", required=True, help="The pass list to minimise.")
@click.option("--no-insertion", is_flag=True, help="Skip the insertion search.")
@_tune_options
@json_option
def minimize(input_path, passes, no_insertion, engine_opts, as_json):
    """Minimise a pass list on one program: every pass left matters."""
    from ..autotune import minimize as run_minimize
    from ..corpus import load_unit
    from ..toolchain.passes import parse_pass_list

    names = list(parse_pass_list(passes).names)
    unit = load_unit(input_path)
    calls = [0]
    with engine_opts.engine() as engine:
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


@click.command()
@click.option("--db", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="An autotuner store.")
@click.option("--top", type=click.IntRange(1, 10_000), default=100, show_default=True,
              help="How many of the most common best lists to apply to every program.")
@_tune_options
@json_option
def broadcast(db, top, engine_opts, as_json):
    """Apply the most common best lists to every program of a store; keep improvements."""
    from ..autotune import AutotuneStore
    from ..autotune import broadcast as run_broadcast

    store = AutotuneStore(db)
    with engine_opts.engine(cache_path=db) as engine:
        records = run_broadcast(store, engine, top=top)
    _print_tuning(records, None, as_json)


@click.command()
@click.option("--db", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="An autotuner store.")
@click.option("--export", "export", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write results to .jsonl or .parquet "
                                 "(--evaluations: every evaluation instead).")
@click.option("--evaluations", is_flag=True, help="Export every evaluation, not the results.")
@json_option
def results(db, export, evaluations, as_json):
    """Per program: -Oz size, best size, best list, improvement; corpus totals."""
    from ..autotune import AutotuneStore
    from ..autotune.export import export_rows

    store = AutotuneStore(db)
    records = store.results()
    if export is not None:
        rows = store.evaluation_rows() if evaluations else [r.to_dict() for r in records]
        n = export_rows(rows, export)
        stderr.print(f"wrote {n} rows to {export}")
    _print_tuning(records, None, as_json)

