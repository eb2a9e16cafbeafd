"""`dataset emulation|flagtune|disasm|verify|stats`: LLM Compiler's three tasks' data."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import InputError
from .common import (
    CommandFailed,
    engine_options,
    json_option,
    print_json,
    stderr,
    stdout,
)


@click.group()
def dataset():
    """Training data for the three LLM Compiler tasks, in the released prompt formats."""


def _dataset_options(f):
    f = click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
                     required=True, help="Output directory (JSONL, Parquet, card).")(f)
    f = click.option("--tokenizer", default=None,
                     help="tokenizer.json (or its folder) for exact token counts; default: an "
                          "offline approximation.")(f)
    f = click.option("--max-tokens", type=click.IntRange(1, 1_000_000), default=None,
                     help="Context limit (default 16384; disasm: 8192 each side).")(f)
    f = click.option("--seed", type=int, default=0, show_default=True)(f)
    f = engine_options(workers=2, timeout=False, ray=True)(f)
    f = click.option("--split-long", is_flag=True,
                     help="Split units whose IR is over the context into one module per "
                          "function (as the paper did) instead of leaving them out.")(f)
    return f


def _run_dataset(task, inputs, out, tokenizer, max_tokens, engine_opts, as_json, build,
                 split_long=False) -> None:
    from ..corpus import iter_units
    from ..corpus.corpus import dataset_provenance
    from ..progress import progress_bar
    from ..prompts.build import (
        DEFAULT_MAX_TOKENS,
        DISASM_MAX_TOKENS,
        filter_by_tokens,
        write_dataset,
    )
    from ..prompts.resume import build_resumably, finish
    from ..prompts.tokens import TokenCounter

    counter = TokenCounter.load(tokenizer)
    limit = max_tokens or (DISASM_MAX_TOKENS if task == "disasm" else DEFAULT_MAX_TOKENS)
    units = list(iter_units(inputs))
    if split_long:
        from ..prompts.build import split_long_units
        units, split = split_long_units(units, counter, limit)
        if split:
            stderr.print(f"split {split} units over {limit} tokens into functions")
    # What decides the records (not how fast they come) names the resume spool, so a rerun
    # with other options starts afresh instead of mixing records.
    params = click.get_current_context().params
    settings = json.dumps({k: v for k, v in params.items()
                           if k not in ("out", "workers", "ray", "as_json")},
                          sort_keys=True, default=str)
    # Emulation and flag-tuning prompts hold the input IR: a unit whose IR alone is over the
    # context is left out before its lists run. (Disassembly's prompt is assembly.)
    fits = None if task == "disasm" else (lambda ir: counter.count(ir) <= limit)
    with engine_opts.engine() as engine, progress_bar(enabled=not as_json) as bar:
        records, stats, resumed = build_resumably(task, units, engine,
                                                  lambda part, eng: build(part, eng, fits),
                                                  Path(out),
                                                  chunk=4 * engine_opts.workers, progress=bar,
                                                  settings=settings)
    if resumed:
        stderr.print(f"resumed: {resumed} units were already done in {out}")
    records = filter_by_tokens(records, counter, task, limit, stats)
    recorded = {r["unit"] for r in records}
    summary = write_dataset(records, out, task=task, stats=stats, tokenizer=counter.name,
                            provenance=dataset_provenance(
                                inputs, [u for u in units if u.name in recorded]))
    finish(Path(out), task)
    if as_json:
        print_json(summary)
    else:
        stdout.print(f"{summary['records']} {task} records from {summary['units']} units in "
                     f"{out} ({summary['splits']}); excluded: {summary['excluded'] or 'none'}")


@dataset.command("emulation")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--lists", type=click.IntRange(1, 1_000), default=4, show_default=True,
              help="Random pass lists per unit.")
@click.option("--variant", type=click.Choice(["ir", "asm", "both"]), default="both",
              show_default=True)
@click.option("--no-determinism-check", is_flag=True,
              help="Run each list once instead of twice (half the cost); lists LLVM runs "
                   "nondeterministically are then kept, and `dataset verify` flags them.")
@_dataset_options
@json_option
def dataset_emulation(inputs, lists, variant, no_determinism_check, out, tokenizer, max_tokens,
                      engine_opts, seed, split_long, as_json):
    """Compiler emulation: IR + pass list in, optimised IR or assembly and sizes out."""
    from ..prompts.build import build_emulation

    variants = ("ir", "asm") if variant == "both" else (variant,)
    _run_dataset("emulation", inputs, out, tokenizer, max_tokens, engine_opts, as_json,
                 lambda units, eng, fits: build_emulation(
                     units, eng, lists_per_unit=lists, seed=seed, variants=variants,
                     check_determinism=not no_determinism_check, fits=fits), split_long)


@dataset.command("flagtune")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--db", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Autotuner store with the best lists (else a quick search).")
@click.option("--labels", "label_table", type=click.Path(exists=True, dir_okay=False,
                                                       path_type=Path), default=None,
              help="A corpus's label table (`corpus label`): its verified best lists, for "
                   "the units it holds.")
@click.option("--budget", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="Budget of the quick built-in search.")
@click.option("--no-validate", is_flag=True, help="Quick search without PassListEval.")
@_dataset_options
@json_option
def dataset_flagtune(inputs, db, label_table, budget, no_validate, out, tokenizer, max_tokens,
                     engine_opts, seed, split_long, as_json):
    """Flag tuning: IR in, the best pass list with sizes and the optimised IR out."""
    from ..prompts.build import build_flagtune

    best = None
    if db is not None and label_table is not None:
        raise InputError("give the best lists once: --db or --labels")
    if label_table is not None:
        from ..autotune.labels import read_labels
        best = {r["unit_hash"]: list(r["best_passes"]) for r in read_labels(label_table)
                if r["validated"]}
    if db is not None:
        from ..autotune import AutotuneStore
        # The smallest stored result per unit over all runs of the store, a verified one
        # where there is one.
        chosen = AutotuneStore(db).best_results(prefer_validated=True)
        best = {h: list(r.best_passes) for h, r in chosen.items()}
    _run_dataset("flagtune", inputs, out, tokenizer, max_tokens, engine_opts, as_json,
                 lambda units, eng, fits: build_flagtune(units, eng, best=best, budget=budget,
                                                         seed=seed, validate=not no_validate,
                                                         fits=fits),
                 split_long)


@dataset.command("disasm")
@click.argument("inputs", nargs=-1, required=True)
@_dataset_options
@json_option
def dataset_disasm(inputs, out, tokenizer, max_tokens, engine_opts, seed, split_long,
                   as_json):
    """Disassembly: x86-64 assembly of -Oz IR in, that IR out."""
    from ..prompts.build import build_disasm

    _run_dataset("disasm", inputs, out, tokenizer, max_tokens, engine_opts, as_json,
                 lambda units, eng, fits: build_disasm(units, eng), split_long)


@dataset.command("verify")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--sample", type=click.IntRange(1, 10_000_000), default=None,
              help="Check a seeded sample of N records instead of all.")
@engine_options(workers=2, timeout=False)
@json_option
def dataset_verify(directory, sample, engine_opts, as_json):
    """Re-derive records with LLVM now; exit 1 when any prompt, output or size differs."""
    from ..prompts.verify import verify

    with engine_opts.engine(use_cache=False) as engine:
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
    cards = sorted(Path(directory).glob("*-card.json"))
    if not cards:
        raise CommandFailed(f"{directory}: no dataset card (*-card.json)")
    data = {c.name.removesuffix("-card.json"): json.loads(c.read_text()) for c in cards}
    if as_json:
        print_json(data)
    else:
        for task, card in data.items():
            stdout.print(f"{task}: {card['records']} records {card['splits']}, prompt tokens "
                         f"{card['prompt_tokens']}")

