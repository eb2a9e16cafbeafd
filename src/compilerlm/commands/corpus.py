"""`corpus build|capture|stats`: deduplicated IR corpora from real code."""

from __future__ import annotations

from pathlib import Path

import click

from .common import CommandFailed, json_option, print_json, stderr, stdout


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
    from ..corpus.corpus import corpus_stats

    summary = corpus_stats(directory)
    if as_json:
        print_json(summary)
    else:
        stdout.print(f"{summary['units']} units, {summary['functions']} functions, "
                     f"{summary['ir_instructions']} IR instructions; from: "
                     f"{', '.join(summary['provenance']) or '(unrecorded)'}")

