"""What confining a program run costs (docs/reliability.md): the same small binary run N
times plain (subprocess, as before the sandbox), with limits only, and with bubblewrap.

    .venv/bin/python benchmarks/bench_sandbox.py --runs 200
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from compilerlm.passlisteval import confine
from compilerlm.toolchain.locate import find_toolchain

HELLO = '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n'


def _time(fn, runs: int) -> float:
    """Median milliseconds per run."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - t))
    return round(statistics.median(times), 3)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = Path(tmp) / "hello.c", Path(tmp) / "hello"
        src.write_text(HELLO)
        subprocess.run([str(find_toolchain().clang), "-O2", str(src), "-o", str(exe)],
                       check=True)
        plain = _time(lambda: subprocess.run([str(exe)], capture_output=True,
                                             stdin=subprocess.DEVNULL), args.runs)
        bwrap = confine.bubblewrap()

        def confined():
            with confine.Confinement() as box:
                assert box.run([str(exe)], 10).stdout == b"hello\n"

        with_bwrap = _time(confined, args.runs) if bwrap else None
        confine.bubblewrap.cache_clear()
        real = confine.bubblewrap
        confine.bubblewrap = lambda: None  # limits and a fresh directory, no namespaces
        try:
            limits_only = _time(confined, args.runs)
        finally:
            confine.bubblewrap = real
    result = {"runs": args.runs, "plain_ms": plain, "limits_only_ms": limits_only,
              "bubblewrap_ms": with_bwrap, "bubblewrap": bwrap}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
