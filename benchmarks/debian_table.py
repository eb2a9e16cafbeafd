"""The Debian corpus's build table for docs/datasets.md, from a corpus's packages.jsonl.

    .venv/bin/python benchmarks/debian_table.py /work/debian-corpus > table.md
    .venv/bin/python benchmarks/debian_table.py /work/debian-corpus --save corpora/debian/builds.jsonl

--save keeps the records (without local paths) as the committed table of what was built.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from compilerlm.corpus.corpus import read_index
from compilerlm.store import read_json_lines

KEYS = ("package", "version", "pinned", "category", "split", "status", "reason", "seconds",
        "build_seconds", "build_target", "captured", "units", "added", "duplicates",
        "ir_instructions", "licence", "test_command", "test_status", "test_seconds")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--save", type=Path, default=None)
    args = ap.parse_args(argv)
    records = read_json_lines(args.corpus / "packages.jsonl")
    if not records:
        print(f"error: {args.corpus}: no packages.jsonl records", file=sys.stderr)
        return 2
    if args.save:
        args.save.write_text("".join(json.dumps({k: r.get(k) for k in KEYS}) + "\n"
                                     for r in records))
    rows = read_index(args.corpus) if (args.corpus / "corpus.jsonl").exists() else []
    ok = [r for r in records if r["status"] == "ok"]
    # Units per package as the corpus holds them (a package built again with --rebuild adds
    # only what is new: its record's `added` is not its total).
    units = Counter(row.get("package") for row in rows)
    print("| package | version | split | build s | units | IR instructions | tests |")
    print("|---|---|---|---:|---:|---:|---|")
    for r in sorted(ok, key=lambda r: r["package"]):
        tests = f"{r['test_status']} ({r['test_seconds']} s)" if r.get("test_status") else ""
        print(f"| {r['package']} | {r['version']} | {r['split']} | {r.get('build_seconds')} "
              f"| {units.get(r['package'], r.get('added'))} | {r.get('ir_instructions')} "
              f"| {tests} |")
    print(f"\n{len(ok)} of {len(records)} packages built; {len(rows)} distinct units, "
          f"{sum(r.get('ir_instructions', 0) for r in rows)} IR instructions; "
          f"{sum(r.get('test_status') == 'passed' for r in ok)} test suites passed in 2 min.")
    by_split = Counter(row.get("split") for row in rows)
    built = Counter(r.get("split") for r in ok)
    tried = Counter(r.get("split") for r in records)
    print("By split: " + "; ".join(
        f"{split} {built[split]} of {tried[split]} built, {by_split[split]} units"
        for split in ("train", "validation", "test")) + ".")
    failed = [r for r in records if r["status"] != "ok"]
    if failed:
        print("\n| failed package | reason |\n|---|---|")
        for r in sorted(failed, key=lambda r: r["package"]):
            print(f"| {r['package']} | {r.get('reason', '').replace('|', '/')[:160]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
