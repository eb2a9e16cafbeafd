"""`corpus build|capture|debian|label|pool|stats`: deduplicated IR corpora from real code, and
their labels."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .common import (
    CommandFailed,
    engine_options,
    json_option,
    print_json,
    stderr,
    stdout,
)


@click.group()
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
    from ..corpus import iter_units
    from ..corpus.corpus import build_corpus

    summary = build_corpus(iter_units(inputs), out, provenance=provenance, licence=licence,
                           split_functions=split_functions)
    if as_json:
        print_json(summary)
    else:
        stdout.print(f"{summary['added']} units added ({summary['duplicates']} duplicates "
                     f"skipped); corpus: {summary['units']} units, {summary['functions']} "
                     f"functions, {summary['ir_instructions']} IR instructions")
        _say_invalid(summary)


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
    from ..corpus.capture import capture_errors, run_captured_build, spooled_units
    from ..corpus.corpus import build_corpus

    spool = Path(out) / ".capture"
    rc = run_captured_build(list(command), spool, cwd=build_dir)
    if rc != 0:
        raise CommandFailed(f"the build failed (exit status {rc}); IR captured so far is "
                            f"in {spool}")
    summary = build_corpus(spooled_units(spool), out, provenance=provenance, licence=licence,
                           split_functions=split_functions)
    errors = capture_errors(spool)
    if summary["added"] + summary["duplicates"] == 0:
        raise CommandFailed(f"the build ran but no C/C++ compilation was captured ({len(errors)} "
                            f"failed); does it compile anything, and with a compiler called "
                            f"by a name the shims catch (cc, gcc, g++, c++, clang, $CC, $CXX)?")
    summary = {**summary, "capture_errors": len(errors), "errors": errors[:20]}
    if as_json:
        print_json(summary)
    else:
        stdout.print(f"build finished; {summary['added']} units added ({summary['duplicates']}"
                     f" duplicates skipped, {len(errors)} files not captured); corpus: "
                     f"{summary['units']} units, {summary['ir_instructions']} IR instructions")
        for e in errors[:5]:
            stderr.print(f"not captured: {e['file']}: {e['error']}")
        _say_invalid(summary)


def _say_invalid(summary: dict) -> None:
    for message in summary["invalid"][:5]:
        stderr.print(f"left out: {message}")


@corpus.command("stats")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@json_option
def corpus_stats_cmd(directory, as_json):
    """Units, functions and IR instructions of a corpus."""
    from ..corpus.corpus import corpus_stats

    summary = corpus_stats(directory)
    if as_json:
        print_json(summary)
    else:
        stdout.print(f"{summary['units']} units, {summary['functions']} functions, "
                     f"{summary['ir_instructions']} IR instructions; from: "
                     f"{', '.join(summary['provenance']) or '(unrecorded)'}")


@corpus.command("debian")
@click.argument("packages", nargs=-1)
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The corpus directory (created or extended; rerun to resume).")
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Packages to build: package, version, category and split per line "
                   "(corpora/debian/manifest.tsv).")
@click.option("--parallel", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Packages built at once.")
@click.option("--jobs", type=click.IntRange(1, 256), default=2,
              show_default=True, help="make -j of each build.")
@click.option("--no-tests", is_flag=True, help="Do not run the packages' own test commands.")
@click.option("--retry-failed", is_flag=True,
              help="Build again the packages whose earlier build failed.")
@click.option("--rebuild", is_flag=True,
              help="Build the packages again even where they built before (after a "
                   "compilerlm upgrade captures more): new units are added, the corpus's "
                   "own are kept once.")
@click.option("--ray", default=None, metavar="local|auto|ADDRESS",
              help="Spread the packages over a Ray cluster (each node needs apt and root).")
@json_option
def corpus_debian(packages, out, manifest, parallel, jobs, no_tests, retry_failed, rebuild,
                  ray, as_json):
    """Build Debian source packages through capture into a corpus, with licences and tests.

    PACKAGES are source package names, optionally pinned (bc=1.07.1-3); with --manifest, only
    they are built, at the manifest's versions and splits. Per package: the
    source is fetched (deb-src enabled in apt's sources when missing), its build
    dependencies installed, `debian/rules build` run with the compiler shims, its test
    command run once (2 minutes at most), and its own C/C++ units added to OUT. A failed
    package is recorded with its reason in OUT/packages.jsonl (exit status 1 at the end);
    a rerun builds only what is not recorded yet."""
    from ..corpus.debian import DebianCorpus, build_packages, read_manifest, select_specs
    from ..progress import progress_bar

    specs = select_specs(packages, read_manifest(manifest) if manifest else None)
    if not specs:
        raise click.UsageError("give source package names, or --manifest FILE")
    corpus_dir = DebianCorpus(out, jobs=jobs, run_package_tests=not no_tests,
                              log=lambda line: stderr.print(line, soft_wrap=True))
    if retry_failed or rebuild:
        _forget_records(Path(out), {s.name for s in specs}, failed_only=not rebuild)
    with progress_bar(enabled=not as_json) as bar:
        records = build_packages(specs, corpus_dir, parallel=parallel, ray=ray, progress=bar)
    ok = [r for r in records if r["status"] == "ok"]
    failed = [r for r in records if r["status"] != "ok"]
    summary = {"packages": len(records), "built": len(ok), "failed": len(failed),
               "units_added": sum(r.get("added", 0) for r in ok),
               "with_tests_passing": sum(r.get("test_status") == "passed" for r in ok),
               "records": records}
    if as_json:
        print_json(summary)
    else:
        stdout.print(f"{len(ok)} of {len(records)} packages built, "
                     f"{summary['units_added']} units added to {out}, "
                     f"{summary['with_tests_passing']} with test suites that pass")
    if failed:
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        raise CommandFailed(f"{len(failed)} of {len(records)} packages failed, recorded in "
                            f"{Path(out) / 'packages.jsonl'}: {failed[0]['package']}: "
                            f"{failed[0].get('reason', '')}{more}")


# The labeller's engine options: two workers, Ray.
_label_engine = engine_options(workers=2, ray=True)


def _unit_selection(verb: str, done: str):
    """--split, --limit and --max-instructions: which corpus units a run takes (`corpus
    label` and `corpus pool`); --split arrives as a set of known split names."""
    def decorate(f):
        f = click.option("--max-instructions", type=click.IntRange(1, 100_000_000),
                         default=None, help="Leave out units with more unoptimised IR "
                                            "instructions than this.")(f)
        f = click.option("--limit", type=click.IntRange(0, 10_000_000), default=None,
                         help=f"Units to add in this run (default: every unit not {done} "
                              f"yet; 0: none, so that a pool run only measures the lists "
                              f"new to it on the table's units).")(f)
        return click.option("--split", "splits", default="train,validation,test",
                            show_default=True, callback=lambda ctx, param, text: _splits(text),
                            help=f"The corpus splits to {verb}, comma-separated.")(f)
    return decorate


@corpus.command("label")
@click.argument("corpus_dir", metavar="CORPUS",
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--table", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The Parquet label table (created or extended; rerun to resume).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The autotuner's store for the evaluations (default: autotune.sqlite "
                   "beside the result cache); a killed run resumes from it.")
@_unit_selection("label", "labelled")
@click.option("--budget", type=click.IntRange(1, 100_000), default=200, show_default=True,
              help="Search evaluations per unit.")
@click.option("--seed", type=int, default=0, show_default=True)
@_label_engine
@json_option
def corpus_label(corpus_dir, table, db, splits, limit, max_instructions, budget, seed,
                 engine_opts, as_json):
    """Label a corpus: the autotuner's verified best list per unit, into a Parquet table.

    The autotuner's default strategy, minimisation (at most --budget evaluations more) and
    PassListEval's built-in suite. Units are taken in a fixed pseudo-random order, so that
    any prefix is a fair sample; the table is rewritten after every 16 units, and a rerun
    (here or on another machine with the same corpus) labels only what it lacks."""
    from ..autotune import AutotuneConfig, AutotuneStore
    from ..autotune.labels import label_corpus
    from ..progress import progress_bar

    config = AutotuneConfig(budget=budget, seed=seed)
    if db is None:
        from ..autotune.store import default_store_path
        db = default_store_path()
        stderr.print(f"store: {db}", soft_wrap=True)
    store = AutotuneStore(db)
    with engine_opts.engine(cache_path=db) as engine, progress_bar(enabled=not as_json) as bar:
        summary = label_corpus(corpus_dir, table, config, engine, store, splits=splits,
                               limit=limit, max_instructions=max_instructions, progress=bar)
    if as_json:
        print_json(summary)
        return
    stdout.print(f"{summary['added']} units labelled; {table}: {summary['units']} units of "
                 f"{summary['packages']} packages ({summary['validated']} verified), "
                 f"{_pct(summary['improvement_total_pct'])} total / "
                 f"{_pct(summary['improvement_geomean_pct'])} geomean below -Oz; "
                 f"{summary['evaluations_per_core_second']} evaluations per core-second, "
                 f"{summary['core_hours_per_1000_units']} core-hours per 1,000 units",
                 soft_wrap=True)


@corpus.command("pool")
@click.argument("corpus_dir", metavar="CORPUS",
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--table", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The Parquet pool table (created or extended; rerun to resume).")
@click.option("--labels", "label_tables", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Label tables whose training units' verified best lists join the pool "
                   "(repeatable).")
@click.option("--model-lists/--no-model-lists", default=True, show_default=True,
              help="Add the shipped library model's lists to the pool.")
@click.option("--lists", "list_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file of lists that join the pool unscreened (once PassListEval accepts "
                   "them), one per line in any spelling --passes takes, '#' comments: say, "
                   "benchmarks/joint_list.py's finds (repeatable).")
@click.option("--screen-units", type=click.IntRange(0, 100_000), default=64, show_default=True,
              help="Training units of the table a winner new to the pool is first tried on: "
                   "it joins only when smaller than every pool list on two of them (0: every "
                   "new winner joins).")
@click.option("--max-new-lists", type=click.IntRange(0, 100_000), default=64,
              show_default=True, help="Winners that may join the pool in this run (the "
                                      "screening's best).")
@click.option("--drop-missing", is_flag=True,
              help="Remove from the table the units the corpus lacks (a rebuild whose test "
                   "suite ran out of time does not compile its test-only units), instead of "
                   "stopping; they are listed in the output.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Result cache for the evaluations (default: the shared cache).")
@_unit_selection("measure", "measured")
@_label_engine
@json_option
def corpus_pool(corpus_dir, table, label_tables, model_lists, list_files, screen_units,
                max_new_lists, drop_missing, db, splits, limit, max_instructions, engine_opts,
                as_json):
    """Measure a pool of verified lists on every unit: what flag-tuning models learn from.

    The pool: -Oz's lists, the verified best lists of the label tables' training units and
    the shipped library model's lists, each kept only when PassListEval's built-in suite accepts it.
    A winner new to a table with training units joins only when it beats every pool list on
    two of its first --screen-units training units (the best --max-new-lists of those), since
    each list costs a compilation per unit. Validation and test units first, then training
    units, in the labeller's fixed order; the table is rewritten after every 16 units, and a
    rerun measures only what it lacks (lists new to the pool included)."""
    from collections import Counter

    from ..autotune.labels import read_labels
    from ..flagtune.pool import (
        drop_missing_units,
        measure_pool,
        pool_lists,
        read_list_file,
        screen_lists,
        winners_of,
    )
    from ..predictor.model import load_model
    from ..progress import progress_bar

    labels = [row for t in label_tables for row in read_labels(t)]
    dropped = drop_missing_units(corpus_dir, table) if drop_missing else []
    if dropped:
        counts = Counter(r["package"] for r in dropped)
        stderr.print(f"{table}: dropped {len(dropped)} units the corpus lacks: "
                     + ", ".join(f"{p} {n}" for p, n in sorted(counts.items())), soft_wrap=True)
    extra = load_model("library").lists if model_lists else []
    extra = [*extra, *(lst for f in list_files for lst in read_list_file(f))]
    with engine_opts.engine(cache_path=db) as engine, progress_bar(enabled=not as_json) as bar:
        lists, rejected = pool_lists(labels, extra, engine, progress=bar)
        lists, screening = screen_lists(corpus_dir, table, lists, engine,
                                        screened=winners_of(labels), units=screen_units,
                                        max_new=max_new_lists, progress=bar)
        summary = measure_pool(corpus_dir, table, lists, engine, splits=splits, limit=limit,
                               max_instructions=max_instructions, progress=bar)
    summary["rejected_lists"] = len(rejected)
    summary["screening"] = screening
    summary["dropped_units"] = [{"unit_hash": r["unit_hash"], "package": r["package"],
                                 "name": r["name"], "split": r["split"]} for r in dropped]
    if as_json:
        print_json(summary)
        return
    stdout.print(f"{summary['added']} units measured with {summary['lists']} lists "
                 f"({len(rejected)} rejected by PassListEval; {screening['joined']} of "
                 f"{screening['candidates']} new winners joined); {table}: {summary['units']} "
                 f"units of {summary['packages']} packages {summary['by_split']}",
                 soft_wrap=True)


def _splits(text: str) -> set[str]:
    wanted = {s.strip() for s in text.split(",") if s.strip()}
    unknown = wanted - {"train", "validation", "test"}
    if unknown:
        raise click.BadParameter(f"unknown split {min(unknown)!r} (train, validation, "
                                 f"test)", param_hint="--split")
    return wanted


def _pct(x) -> str:
    return "n/a" if x is None else f"{x:+.2f}%"


def _forget_records(out: Path, packages: set[str], failed_only: bool = True) -> None:
    """Drop the records (the failed ones only, by default) of `packages`, so that they are
    built again (written atomically); other packages' records stay."""
    from ..corpus.debian import PACKAGES
    from ..store import read_json_lines

    path = out / PACKAGES
    if not path.exists():
        return
    keep = [r for r in read_json_lines(path) if r.get("package") not in packages
            or (failed_only and r.get("status") == "ok")]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r) + "\n" for r in keep))
    tmp.replace(path)


@click.command("shims")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@json_option
def shims(directory, as_json):
    """Write compiler and archiver shims (gcc, cc, g++, c++, ar...) into DIRECTORY.

    With DIRECTORY first on PATH, a build that calls `gcc` by name uses compilerlm's drop-in
    compiler: PATH="$PWD/shims:$PATH" make check. (Inside `corpus capture` the same shims
    capture IR instead.)"""
    from ..corpus.capture import SHIM_NAMES, TOOL_ALIASES, make_shims

    folder = make_shims(Path(directory))
    names = sorted({n for group in SHIM_NAMES.values() for n in group} |
                   {n for n in TOOL_ALIASES if (folder / n).is_symlink()})
    if as_json:
        print_json({"directory": str(folder), "shims": names})
    else:
        stdout.print(f"wrote {len(names)} shims to {folder}; put it first on PATH",
                     soft_wrap=True)
