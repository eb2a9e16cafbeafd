"""`compilerlm optimize`, `compilerlm eval flagtune` and `compilerlm train-predictor`."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click
from rich.table import Table

from ..errors import InputError
from .common import (
    Stopwatch,
    WithCompilerFlags,
    compiler_flags,
    display_path,
    engine_options,
    fmt,
    json_option,
    print_json,
    stderr,
    stdout,
)
from .project import project_options, project_spec, run_project


def _flagtune_options(f):
    f = click.option("--model", "model_spec", default="default", show_default=True,
                     help="default | library | top1 | oz | autotune:DB | MODEL.json.gz | "
                          "hf:PATH | openai:URL")(f)
    f = click.option("--no-validate", is_flag=True,
                     help="Skip PassListEval (and the program's own run).")(f)
    f = click.option("--validate", "suites", multiple=True, default=("builtin",),
                     show_default=True, metavar="SUITE",
                     help="PassListEval suites a list must pass (as in `passlisteval`).")(f)
    return engine_options(workers=2, cache=True)(f)


def _totals(records) -> dict:
    from ..metrics import improvement
    size = sum(r["binary_size"] for r in records)
    oz = sum(r["oz_binary_size"] for r in records)
    return {"units": len(records), "binary_size": size, "oz_binary_size": oz,
            **improvement([(r["binary_size"], r["oz_binary_size"]) for r in records]),
            "fallbacks": sum(r["fallback"] for r in records),
            "compilations": sum(r["compilations"] for r in records)}


@click.command(cls=WithCompilerFlags)
@click.argument("input_path", metavar="INPUT")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write the result: an object file (.o), or IR for .ll/.bc; a directory "
                   "when INPUT holds several units.")
@click.option("--budget", type=click.IntRange(1, 1_000), default=5, show_default=True,
              help="Compilations per unit, the -Oz fallback included (K = 1: the model's "
                   "list alone, no fallback; K = 2: its best list plus -Oz).")
@click.option("--check-run", "check_run", default=None, metavar="ARGS",
              help="INPUT is a program: run it with these arguments (split like a shell "
                   "line, no shell) and keep a list only when it behaves like its -O2 build.")
@click.option("--check-command", default=None,
              help="INPUT is a program: this command decides whether the optimised binary "
                   "behaves (its path is appended; exit 0 passes).")
@click.option("--expect-output", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="With --check-run: the output the program must print.")
@project_options
@_flagtune_options
@json_option
def optimize(input_path, output, budget, check_run, check_command, expect_output, build_cmd,
             test_cmd, work_dir, step_timeout, per_unit, model_spec, no_validate, suites,
             engine_opts, as_json):
    """Choose a pass list for a program and write the smaller object (never larger than -Oz).

    INPUT is a C/C++ source or IR file, a directory, or a compile_commands.json (each unit
    gets its own list). The model proposes K - 1 lists; each is compiled, checked with
    PassListEval (and the program's own run), and the smallest accepted one wins over -Oz.
    Compiler flags for C/C++ go after `--`; the program's own check is built with them and
    with its folder on the include path.

    Project mode (INPUT is a project's folder, --build CMD --test CMD): the project is built
    with its own command and compilerlm as its compiler, each unit gets the model's list,
    each linked program is one module (an lld LTO link, internalised, with a pipeline of
    its own; --per-unit: objects linked as they are), the tests decide (failing choices
    found by bisection go back to -Oz), and the project is left built with the accepted
    ones; its binaries are compared with clang -Oz, gcc -Oz, clang -Oz -flto and gcc -Oz
    -flto (both with --gc-sections) builds of the same project (docs/projects.md)."""
    spec = project_spec(input_path, build_cmd, test_cmd, step_timeout)
    if spec is not None:
        from ..flagtune.models import resolve_model
        from ..flagtune.tuning import make_verifier
        from ..project.choose import model_chooser
        model = resolve_model(model_spec)
        with engine_opts.engine() as engine:
            choose = model_chooser(model, engine, budget,
                                   make_verifier(engine, suites, validate=not no_validate))
            run_project(spec, work_dir, choose, as_json,
                        f"optimize {spec.root.name} (model {model.name}, K = {budget})",
                        per_unit)
        return
    from ..corpus import iter_units
    from ..corpus.writer import OutputNames
    from ..flagtune.models import resolve_model
    from ..flagtune.tuning import make_verifier, tune_unit, write_output
    from ..passlisteval import user_program
    from ..progress import progress_bar

    model = resolve_model(model_spec)
    flags = compiler_flags()
    units = list(iter_units([input_path], extra_flags=flags))
    program = None
    if check_run is not None or check_command or expect_output:
        if len(units) != 1 or not str(input_path).endswith((".c", ".cc", ".cpp", ".cxx")):
            raise InputError("--check-run/--check-command need one C/C++ program as INPUT")
        program = user_program(input_path, shlex.split(check_run or ""),
                               expect_output.read_bytes() if expect_output else None,
                               tuple(shlex.split(check_command)) if check_command else (),
                               compile_flags=flags)
    many = len(units) > 1 or Path(input_path).is_dir() or str(input_path).endswith(".json")
    if output is not None and many:
        output.mkdir(parents=True, exist_ok=True)
    records, names = [], OutputNames([u.name for u in units])
    with engine_opts.engine() as engine, progress_bar(enabled=not as_json) as bar:
        verifier = make_verifier(engine, suites, validate=not no_validate)
        for i, unit in enumerate(units):
            outcome = tune_unit(unit, model, engine, budget, verifier, program)
            record = outcome.record()
            if output is not None:
                target = output / names.path(unit.name, ".o") if many else output
                target.parent.mkdir(parents=True, exist_ok=True)
                write_output(outcome, engine, target)
                record["output"] = str(target)
            records.append(record)
            bar(i + 1, len(units), "units optimised")
    data = records[0] if not many else {"units": records, "totals": _totals(records)}
    if as_json:
        print_json(data)
        return
    table = Table(title=f"optimize (model {model.name}, K = {budget})", title_justify="left")
    for col in ("unit", "-Oz", "result", "gain %", "list", "checked"):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(display_path(r["input"]), fmt(r["oz_binary_size"]),
                      fmt(r["binary_size"]), f"{r['improvement_pct']:+.2f}",
                      "-Oz (fallback)" if r["fallback"] else r["pipeline"],
                      "yes" if r["validated"] else "no")
    stdout.print(table)
    if many:
        t = _totals(records)
        stdout.print(f"whole program: {t['binary_size']} bytes against {t['oz_binary_size']} "
                     f"at -Oz ({t['improvement_total_pct']:+.2f} %), {t['fallbacks']} "
                     f"fallbacks, {t['compilations']} compilations")
    if output is not None:
        stderr.print(f"wrote {output}")


@click.command("flagtune")
@click.argument("inputs", nargs=-1)
@click.option("--budget", type=click.IntRange(1, 1_000), default=2, show_default=True,
              help="Compilations per unit, the -Oz fallback included.")
@click.option("--autotune-db", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Autotuner store for the same units: report the share of its gain.")
@click.option("--labels", "label_table", type=click.Path(exists=True, dir_okay=False),
              default=None, help="A corpus's label table (`corpus label`): the autotuner's "
                                 "gain on the same units, and the share per package.")
@click.option("--split", "splits", default=None, metavar="SPLITS",
              help="Of a corpus INPUT, only these splits (comma-separated), e.g. test.")
@click.option("--labelled-only", is_flag=True,
              help="Only the units the label table holds.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write an HTML report with plots here.")
@_flagtune_options
@json_option
def eval_flagtune(inputs, budget, autotune_db, label_table, splits, labelled_only, html_path,
                  model_spec, no_validate, suites, engine_opts, as_json):
    """Improvement over -Oz of a model's lists, zero-shot and with -Oz fallback.

    INPUTS are files, directories (searched recursively for .c/.cc/.cpp/.ll/.bc) or corpora
    (`--split test` takes their test packages); without INPUTS, the bundled benchmark, whose
    programs are run on their inputs. `seconds` is the command's wall time."""
    from ..flagtune.bench import bundled_dir
    from ..flagtune.evaluate import evaluate
    from ..flagtune.models import resolve_model
    from ..flagtune.report import write_report
    from ..progress import progress_bar

    watch = Stopwatch()
    model = resolve_model(model_spec)
    if autotune_db and label_table:
        raise InputError("give the autotuner's results once: --autotune-db or --labels")
    reference = None
    if label_table:
        from ..autotune.labels import verified_best_sizes
        reference = verified_best_sizes(label_table)
    if labelled_only and reference is None:
        raise InputError("--labelled-only needs --labels TABLE")
    units, packages = _eval_units(inputs or [bundled_dir()], splits)
    if labelled_only:
        units = [u for u in units if u.hash in reference]
    if not units:
        raise InputError("no units to evaluate" + (f" in the splits {splits}" if splits else ""))
    with engine_opts.engine() as engine, progress_bar(enabled=not as_json) as bar:
        result = evaluate(units, model, engine, budget, validate=not no_validate,
                          suites=suites, autotune_db=autotune_db, reference=reference,
                          packages=packages, progress=bar)
    result["seconds"] = watch.seconds
    if html_path:
        write_report(result, html_path)
        stderr.print(f"wrote {html_path}")
    if as_json:
        print_json(result)
        return
    _print_eval(result)


def _eval_units(inputs, splits: str | None) -> tuple[list, dict[str, str]]:
    """The units of the inputs and, for a corpus's units, their packages by hash; of a
    corpus, only the wanted splits (its IR read only for those)."""
    from ..corpus import iter_units
    from ..corpus.corpus import is_corpus, load_row, read_index
    wanted = {s.strip() for s in splits.split(",") if s.strip()} if splits else None
    units, packages = [], {}
    for item in inputs:
        path = Path(item)
        if path.is_dir() and is_corpus(path):
            rows = [r for r in read_index(path) if wanted is None or r.get("split") in wanted]
            units += [load_row(path, r) for r in rows]
            packages.update({r["hash"]: r["package"] for r in rows if r.get("package")})
        elif wanted is not None:
            raise InputError(f"{item}: --split takes the units of a corpus "
                             f"(`compilerlm corpus build`), and this is not one")
        else:
            units += list(iter_units([item]))
    return units, packages


def _print_eval(result) -> None:
    table = Table(title=f"eval flagtune: model {result['model']}, K = {result['budget']}, "
                        f"{result['units']} units ({result['skipped']} skipped)",
                  title_justify="left")
    for col in ("", "numbers", "total %", "geomean %", "better %", "worse %", "of autotuner %"):
        table.add_column(col)
    for name in ("zero_shot", "with_fallback"):
        for kind, d in (("verified", result[name]), ("unverified", result[name]["unverified"])):
            share = result[name].get("autotuner_share_pct") if kind == "verified" else None
            table.add_row(name.replace("_", " "), kind,
                          *[fmt(d[k]) for k in ("improvement_total_pct",
                                                 "improvement_geomean_pct", "better_pct",
                                                 "worse_pct")], fmt(share))
    stdout.print(table)
    if result.get("per_package"):
        per = Table(title="per package (with fallback, verified)", title_justify="left")
        for col in ("package", "units", "model total %", "autotuner total %",
                    "share total %", "share geomean %"):
            per.add_column(col)
        for name, p in result["per_package"].items():
            per.add_row(name, str(p["units"]), fmt(p["improvement_total_pct"]),
                        fmt(p["autotuner_total_pct"]), fmt(p["autotuner_share_pct"]),
                        fmt(p["autotuner_share_geomean_pct"]))
        stdout.print(per)
    stdout.print(f"{result['compilations_per_unit']} compilations per unit, inference "
                 f"{result['inference_ms_per_unit']} ms per unit"
                 + (f", MAPE of predicted sizes {result['mape_pct']} %"
                    if "mape_pct" in result else ""))


@click.command("train-predictor")
@click.option("--pool", "pool_table", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Train from a pool table (`compilerlm corpus pool`): its training "
                   "packages only, scored on its validation packages.")
@click.option("--family", type=click.Choice(["average", "blend", "knn", "gbm"]),
              default="average", show_default=True,
              help="With --pool: the lists best on average over the training units, the same "
                   "for every unit (the shipped default's family); nearest neighbours guided "
                   "by gradient-boosted trees; nearest neighbours alone; or the trees alone "
                   "(docs/flagtune.md compares them).")
@click.option("--db", "dbs", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Autotuner store(s) with verified results on the training corpus.")
@click.option("--table", "table", default=None, metavar="MODEL",
              help="Refit from the training table a nearest-neighbour model file carries "
                   "('library': the shipped one) instead of from stores.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Model file to write (.json.gz).")
@click.option("--sample", "sample_size", type=click.IntRange(1, 100_000), default=40,
              show_default=True, help="Training units on which candidate lists are screened "
                                      "and the coreset is picked.")
@click.option("--lists", type=click.IntRange(2, 10_000), default=64, show_default=True,
              help="Coreset size: lists measured on every training unit.")
@click.option("--no-screen", is_flag=True, help="No lists one pass away from -Oz.")
@engine_options(workers=2)
@json_option
def train_predictor(pool_table, family, dbs, table, output, sample_size, lists, no_screen,
                    engine_opts, as_json):
    """Train the flag-tuning model (see docs/flagtune.md): from a pool table (the shipped
    model: --pool corpora/debian/pool.parquet), from autotuner stores, or refit a file."""
    from ..flagtune.train import refit, train_from_stores
    from ..predictor import Predictor
    from ..progress import progress_bar

    command = "compilerlm train-predictor " + " ".join(shlex.quote(a) for a in sys.argv[2:])
    if sum(map(bool, (pool_table, dbs, table))) != 1:
        raise InputError("give one of --pool TABLE, --db STORE (repeatable) or --table MODEL")
    if pool_table:
        return _train_from_pool(pool_table, family, output, command, as_json)
    if table:
        model = refit(Predictor.load(table), command)
    else:
        # The stores double as the engine cache, so an interrupted training resumes.
        with engine_opts.engine(cache_path=Path(dbs[0])) as engine, \
                progress_bar(enabled=not as_json) as bar:
            model = train_from_stores([Path(d) for d in dbs], engine, bar, command,
                                      sample_size=sample_size, lists=lists,
                                      screen=not no_screen)
    model.save(output)
    summary = {"output": str(output), "k": model.k, "units": len(model.unit_names),
               "lists": len(model.lists), "top1": model.top1,
               "leave_one_out_geomean_gain_pct": model.meta["leave_one_out_geomean_gain_pct"],
               "bytes": output.stat().st_size}
    if as_json:
        print_json(summary)
    else:
        stdout.print(f"wrote {output} ({summary['bytes']} bytes): {summary['units']} training "
                     f"units, {summary['lists']} lists, k = {model.k}")
        for n, g in summary["leave_one_out_geomean_gain_pct"].items():
            stdout.print(f"  leave-one-out, best of first {n.split('_')[-1]} lists + -Oz: "
                         f"{g:+.2f} % geomean")


def _train_from_pool(pool_table: Path, family: str, output: Path, command: str, as_json: bool):
    from ..flagtune.rankers import TRAINERS, PoolData, score
    data = PoolData.load(pool_table)
    train = data.split_mask("train")
    if not train.any():
        raise InputError(f"{pool_table}: no training units in the pool table")
    meta = {"command": command, "pool": str(pool_table), "family": family,
            "training_packages": sorted(set(data.packages[train]))}
    model = TRAINERS[family](data, train, meta=meta)
    validation = data.split_mask("validation")
    scores = score(model, data, validation) if validation.any() else None
    model.meta["validation"] = scores
    model.save(output)
    summary = {"output": str(output), "family": family, "units": int(train.sum()),
               "packages": len(meta["training_packages"]), "lists": len(model.lists),
               "top1": model.top1, "validation": scores, "bytes": output.stat().st_size}
    if as_json:
        print_json(summary)
        return
    stdout.print(f"wrote {output} ({summary['bytes']} bytes): {family}, {summary['units']} "
                 f"training units of {summary['packages']} packages, {summary['lists']} lists")
    if scores:
        for k in ("k1", "k2", "k10"):
            stdout.print(f"  validation ({scores['units']} units), K = {k[1:]}: "
                         f"{scores[k]['total_pct']:+.2f} % total, "
                         f"{scores[k]['geomean_pct']:+.2f} % geomean below -Oz")
