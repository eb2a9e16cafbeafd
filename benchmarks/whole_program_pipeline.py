"""Which pipeline a whole-program link should run by default: engine sizes (.text + .data of
the object) of each merged, internalised program that project mode's whole-program builds
leave (`PROGRAM.0.2.internalize.bc`, from lld's --save-temps), under each candidate.

    .venv/bin/python benchmarks/whole_program_pipeline.py /work/bench/*/k2/work/whole-program

prints one row per program, the total per pipeline, the total when each program takes the
smaller of the first two (what project mode does: default<Oz>, or lto<Oz> where smaller), and
on how many programs the second is smaller / larger (results in
benchmarks/results/whole_program_pipeline.tsv; project/optimize.py's LINK_TIME_PIPELINE).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from compilerlm.toolchain.engine import Engine
from compilerlm.unit import Unit

PIPELINES = ("default<Oz>", "lto<Oz>", "lto<O2>")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="+", type=Path)
    args = ap.parse_args(argv)
    modules = sorted(p for f in args.folders for p in f.rglob("*.0.2.internalize.bc")
                     if not p.name.startswith("a.out."))  # configure's link tests
    if not modules:
        raise SystemExit("error: no *.0.2.internalize.bc under the folders given")
    totals = dict.fromkeys(PIPELINES, 0)
    smaller_of_two, second_smaller, second_larger = 0, 0, 0
    print("program\t" + "\t".join(PIPELINES))
    with Engine(workers=1, use_cache=False) as engine:
        for path in modules:
            unit = Unit(name=str(path), ir=path.read_bytes(), source=str(path))
            sizes = [engine.measure(unit, [p]) for p in PIPELINES]
            if not all(m.ok for m in sizes):
                print(f"{path}: {next(m.error for m in sizes if not m.ok)}", file=sys.stderr)
                continue
            for p, m in zip(PIPELINES, sizes):
                totals[p] += m.binary_size
            first, second = sizes[0].binary_size, sizes[1].binary_size
            smaller_of_two += min(first, second)
            second_smaller += second < first
            second_larger += second > first
            name = str(path).replace(".0.2.internalize.bc", "")
            print(name + "\t" + "\t".join(str(m.binary_size) for m in sizes), flush=True)
    print("total\t" + "\t".join(str(totals[p]) for p in PIPELINES))
    first = PIPELINES[0]
    print(f"total, smaller of {first} and {PIPELINES[1]}\t{smaller_of_two}\t"
          f"{100 * (1 - smaller_of_two / totals[first]):.2f} % below {first}")
    print(f"programs where {PIPELINES[1]} is smaller / larger\t{second_smaller}\t"
          f"{second_larger}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
