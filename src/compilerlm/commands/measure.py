"""`ir`, `size` and `passes`: IR from sources, sizes of pass lists, the search space."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from .common import (
    CommandFailed,
    WithCompilerFlags,
    compiler_flags,
    display_path,
    engine_options,
    fmt,
    json_option,
    print_json,
    stdout,
)


@click.command(cls=WithCompilerFlags)
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
    """Turn C/C++ sources, directories or compile_commands.json into unoptimised IR.

    Compiler flags for C/C++ inputs go after `--` (e.g. `-- -std=gnu89 -DNDEBUG -Iinclude`)."""
    from ..corpus.compile import iter_units
    from ..corpus.writer import write_units

    units = iter_units(inputs, style=style, target=target, extra_flags=compiler_flags())
    written = write_units(units, output, fmt=fmt, split_functions=split_functions,
                          many=len(inputs) > 1 or Path(inputs[0]).is_dir()
                          or inputs[0].endswith(".json") or split_functions)
    if as_json:
        print_json({"outputs": written})
    else:
        for w in written:
            stdout.print(f"{w['input']} -> {w['output']} ({w['ir_instruction_count']} IR "
                         f"instructions)")


@click.command(cls=WithCompilerFlags)
@click.argument("inputs", nargs=-1, required=True)
@click.option("-p", "--passes", default=None,
              help="Pass list in any common spelling: 'sroa,licm', \"opt -p '...'\", "
                   "'-sroa -licm', a JSON list. Default: no passes.")
@click.option("--raw-pipeline", is_flag=True,
              help="Hand --passes to LLVM exactly as written, without normalising.")
@click.option("--style", type=click.Choice(["oz", "o0"]), default="oz", show_default=True,
              help="Front-end style for C/C++ inputs.")
@engine_options(target=True, cache=True, no_cache=True)
@json_option
def size(inputs, passes, raw_pipeline, style, engine_opts, as_json):
    """Measure code size: IR instructions and binary size (.text + .data) next to clang -Oz.

    Compiler flags for C/C++ inputs go after `--`.

    In the JSON, `seconds` is what the evaluation cost when it ran (for a cached one, its
    first run)."""
    from ..corpus.compile import iter_units
    from ..toolchain.engine import size_record
    from ..toolchain.passes import parse_pass_list

    if passes is not None and not raw_pipeline:
        passes = parse_pass_list(passes)  # reject unknown names before any work
    if raw_pipeline and passes is None:
        raise click.UsageError("--raw-pipeline needs --passes")
    units = list(iter_units(inputs, style=style, target=engine_opts.target,
                            extra_flags=compiler_flags()))
    with engine_opts.engine() as engine:
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


def _size_totals(records: list[dict]) -> dict:
    ok = [r for r in records if r["status"] == "ok" and r["oz_binary_size"]]
    total = sum(r["binary_size"] for r in ok)
    oz = sum(r["oz_binary_size"] for r in ok)
    return {"units": len(records), "ok": len(ok), "binary_size": total, "oz_binary_size": oz,
            "improvement_over_oz_pct": round(100 * (1 - total / oz), 4) if oz else None}


def _print_size_table(records: list[dict]) -> None:
    # The pipeline on a line of its own: a table title would be folded to the table's width.
    stdout.print(f"pipeline: {records[0]['pipeline'] or '(no passes)'}", soft_wrap=True)
    table = Table()
    for col in ("input", "status", "IR instrs", "binary", "-Oz binary", "vs -Oz"):
        table.add_column(col, justify="left" if col in ("input", "status") else "right",
                         overflow="fold", no_wrap=col != "input",
                         min_width=24 if col == "input" else None)
    for r in records:
        vs = "" if r["improvement_over_oz_pct"] is None else f"{r['improvement_over_oz_pct']:+.2f}%"
        table.add_row(display_path(r["input"]), r["status"] if r["status"] == "ok" else f"[red]{r['status']}",
                      fmt(r["ir_instruction_count"]), fmt(r["binary_size"]),
                      fmt(r["oz_binary_size"]), vs)
    stdout.print(table)
    if len(records) > 1:
        t = _size_totals(records)
        if t["improvement_over_oz_pct"] is not None:
            stdout.print(f"total: {t['binary_size']} bytes vs {t['oz_binary_size']} at -Oz, "
                         f"improvement over -Oz {t['improvement_over_oz_pct']:+.2f}% "
                         f"({t['ok']}/{t['units']} units measured)")


@click.command()
@click.option("--all", "show_all", is_flag=True,
              help="Every pass LLVM 17.0.6 registers, not only the size search space.")
@click.option("--normalize", "normalize", default=None, metavar="PASSES",
              help="Parse a pass list and print its normalised pipeline.")
@json_option
def passes(show_all, normalize, as_json):
    """The pass search space (name, kind, pipeline element), or normalise a pass list."""
    from ..toolchain.passes import Pass, parse_pass_list, registry, search_space

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

