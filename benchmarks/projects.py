"""The real-projects benchmark (docs/projects.md): Debian source packages with test suites of
their own, each built by its own `debian/rules` and judged by its own tests, with clang -Oz,
gcc -Oz, clang -Oz -flto and gcc -Oz -flto (both with --gc-sections), and compilerlm
(`optimize` at K = 2 and K = 5, `autotune` at a budget), binary by binary.

    .venv/bin/python benchmarks/projects.py ed lzip figlet --out /work/bench
    .venv/bin/python benchmarks/projects.py --out /work/bench --table   # markdown table

Each (package, configuration) is one record in OUT/results.jsonl, written when it is done; a
rerun does only what is missing or failed. Sources: OUT/PKG/*.dsc when there, else `--sources DIR`
(e.g. a Debian corpus's .work folder, which holds each package's .dsc), else `apt-get
source` at the manifest's version; build dependencies are installed with apt-get build-dep.
Each configuration builds in a fresh unpacked tree; the baselines are built once per
package (with K = 2).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import time
from pathlib import Path

from compilerlm.project.build import build_system_program
from compilerlm.store import append_json_line, read_json_lines

REPO = Path(__file__).resolve().parents[1]
CONFIGS = ("k2", "k5", "autotune")


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def dsc_of(package: str, out: Path, sources: Path | None) -> Path:
    """The package's .dsc (with its tarballs beside it), fetched once into OUT/PKG."""
    from compilerlm.corpus.debian import fetch_source, read_manifest
    home = out / package
    home.mkdir(parents=True, exist_ok=True)
    found = sorted(home.glob("*.dsc"))
    if found:
        return found[-1]
    if sources is not None and sorted((sources / package).glob("*.dsc")):
        src = sorted((sources / package).glob("*.dsc"))[-1]
        for f in (sources / package).iterdir():
            if f.is_file() and f.name.startswith(src.name.split("_")[0] + "_"):
                shutil.copy2(f, home / f.name)
        return home / src.name
    specs = {s.name: s for s in read_manifest(REPO / "corpora/debian/manifest.tsv")}
    spec = specs.get(package)
    if spec is None:
        raise SystemExit(f"error: {package} is not in corpora/debian/manifest.tsv")
    fetch_source(spec, home / "fetch")
    for f in (home / "fetch").iterdir():
        if f.is_file():
            shutil.move(str(f), home / f.name)
    shutil.rmtree(home / "fetch")
    return sorted(home.glob("*.dsc"))[-1]


def fresh_tree(dsc: Path, where: Path) -> Path:
    if where.exists():
        shutil.rmtree(where)
    where.parent.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["dpkg-source", "--no-check", "-x", str(dsc), str(where)],
                       capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise SystemExit(f"error: dpkg-source -x {dsc.name}: {r.stderr.strip()[-300:]}")
    return where


def build_command(tree: Path) -> tuple[str, ...]:
    """`debian/rules build-arch` (the architecture-dependent part) without its tests, with
    the variables dpkg-buildpackage would export (as the corpus runs it)."""
    from compilerlm.corpus.debian import rules_target, with_architecture
    return ("env", "DEB_BUILD_OPTIONS=nocheck parallel=1", "FORCE_UNSAFE_CONFIGURE=1",
            *with_architecture(["debian/rules", rules_target(tree)]))


def run_config(package: str, config: str, dsc: Path, out: Path, budget: int) -> dict:
    from compilerlm.autotune import AutotuneConfig, AutotuneStore
    from compilerlm.corpus.debian import test_command, with_architecture
    from compilerlm.flagtune.models import resolve_model
    from compilerlm.flagtune.tuning import make_verifier
    from compilerlm.project import ProjectSpec, optimize_project
    from compilerlm.project.choose import autotune_chooser, model_chooser
    from compilerlm.project.optimize import BASELINE_NAMES
    from compilerlm.toolchain.engine import Engine

    tree = fresh_tree(dsc, out / package / config / "src")
    test = test_command(tree)
    if test is None:
        raise SystemExit(f"error: {package}: no test command found")
    test = with_architecture(test)
    spec = ProjectSpec(root=tree, build=build_command(tree), test=tuple(test), timeout=1800)
    db = out / "autotune.sqlite"
    commit = _commit()  # of the code this process loaded
    began = time.monotonic()
    with Engine(workers=2, cache_path=db) as engine:
        if config == "autotune":
            choose = autotune_chooser(AutotuneConfig(budget=budget), engine,
                                      AutotuneStore(db))
        else:
            choose = model_chooser(resolve_model("default"), engine, int(config[1:]),
                                   make_verifier(engine))
        result = optimize_project(spec, out / package / config / "work", choose,
                                  baselines=tuple(BASELINE_NAMES) if config == "k2" else (),
                                  log=lambda line: _log(f"{package} {config}: {line}"))
    return {"package": package, "config": config, "commit": commit,
            "date": time.strftime("%Y-%m-%d"),
            "budget": budget if config == "autotune" else int(config[1:]),
            "seconds": round(time.monotonic() - began, 1), "build": list(spec.build),
            "test": list(spec.test), **{k: result[k] for k in (
                "binaries", "totals", "tests_passed", "test_runs", "builds", "mode",
                "lists_accepted", "pipelines_accepted", "units_guilty", "binaries_guilty",
                "baselines")}, "units": len(result["units"]),
            **({"mode_note": result["mode_note"]} if "mode_note" in result else {})}


def _commit() -> str | None:
    """The repository's commit the run's code is (+ when the tree has changes)."""
    here = Path(__file__).resolve().parent
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here,
                          capture_output=True, text=True, check=False)
    if head.returncode != 0:
        return None
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           cwd=here, capture_output=True, text=True, check=False).stdout
    return head.stdout.strip() + ("+" if dirty.strip() else "")


def _pct(new: int | None, old: int | None) -> str:
    return f"{100 * (1 - new / old):+.2f}" if new and old else "n/a"


def table(records: list[dict]) -> str:
    """docs/projects.md's table: per package, .text + .data of its binaries, in bytes for
    clang -Oz and as % smaller than it for the others; the geomean over packages."""
    by_pkg: dict[str, dict[str, dict]] = {}
    for r in records:
        if "error" not in r:
            by_pkg.setdefault(r["package"], {})[r["config"]] = r
    errors = [r for r in records if "error" in r and r["config"] not in by_pkg.get(
        r["package"], {})]
    cols = [("gcc -Oz", "k2", "gcc_oz"), ("clang -Oz -flto gc", "k2", "clang_oz_lto_gc"),
            ("gcc -Oz -flto gc", "k2", "gcc_oz_lto_gc"), ("compilerlm K=2", "k2", "compilerlm"),
            ("K=5", "k5", "compilerlm"), ("autotune", "autotune", "compilerlm")]
    lines = ["| package | binaries | clang -Oz bytes | " + " | ".join(c[0] for c in cols)
             + " | tests pass | wall s (K=2 / K=5 / autotune) |",
             "|---|---:|---:|" + "---:|" * len(cols) + "---|---|"]
    logs: dict[str, list[float]] = {c[0]: [] for c in cols}
    for pkg in sorted(by_pkg):
        runs = by_pkg[pkg]
        base = runs.get("k2")
        if base is None:
            continue
        # records made before project/build.py left the build system's programs out still
        # list them
        names = [b["name"] for b in base["binaries"]
                 if b["clang_oz"] and not build_system_program(b["name"])]
        oz = sum(b["clang_oz"] for b in base["binaries"] if b["name"] in names)
        cells = []
        for label, config, key in cols:
            run = runs.get(config)
            if run is None:
                cells.append("")
                continue
            sizes = {b["name"]: b.get(key) for b in run["binaries"]}
            if not all(sizes.get(n) for n in names):
                cells.append("n/a")
                continue
            total = sum(sizes[n] for n in names)
            logs[label].append(math.log(total / oz))
            cells.append(_pct(total, oz))
        passed = "/".join("yes" if runs[c]["tests_passed"] else "NO" for c in CONFIGS
                          if c in runs)
        wall = " / ".join(f"{runs[c]['seconds']:.0f}" if c in runs else "-" for c in CONFIGS)
        lines.append(f"| {pkg} | {len(names)} | {oz:,} | " + " | ".join(cells)
                     + f" | {passed} | {wall} |")
    geo = [f"{100 * (1 - math.exp(sum(v) / len(v))):+.2f} ({len(v)})" if v else ""
           for v in logs.values()]
    lines.append("| **geomean** (packages) | | | " + " | ".join(geo) + " | | |")
    lines += [f"\n{r['package']} ({r['config']}) failed: {r['error']}" for r in errors]
    lines += [f"\n{pkg} ({config}): {run['mode_note']}" for pkg in sorted(by_pkg)
              for config, run in sorted(by_pkg[pkg].items()) if run.get("mode_note")]
    return "\n".join(lines)


def _drop_records(results: Path, package: str, config: str) -> None:
    """Leave out a configuration's earlier records (a rerun's new one replaces them)."""
    kept = [r for r in read_json_lines(results)
            if (r["package"], r["config"]) != (package, config)]
    tmp = results.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r) + "\n" for r in kept))
    tmp.replace(results)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("packages", nargs="*")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--sources", type=Path, default=None,
                    help="A folder with PKG/*.dsc (a Debian corpus's .work).")
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--budget", type=int, default=300, help="autotune's budget per unit.")
    ap.add_argument("--table", action="store_true", help="Print the markdown table.")
    ap.add_argument("--rerun", action="store_true",
                    help="Run the named packages' configurations again, replacing their "
                         "records.")
    args = ap.parse_args(argv)
    results = args.out / "results.jsonl"
    if args.table:
        print(table(read_json_lines(results)))
        return 0
    configs = [c for c in args.configs.split(",") if c]
    unknown = set(configs) - set(CONFIGS)
    if unknown:
        raise SystemExit(f"error: unknown configuration {sorted(unknown)[0]} ({CONFIGS})")
    from compilerlm.corpus.debian import PackageSpec, install_build_deps
    args.out.mkdir(parents=True, exist_ok=True)
    done = {(r["package"], r["config"]) for r in read_json_lines(results) if "error" not in r}
    if args.rerun:
        done -= {(p, c) for p in args.packages for c in configs}
    failed = 0
    for package in args.packages:
        todo = [c for c in configs if (package, c) not in done]
        if not todo:
            continue
        dsc = dsc_of(package, args.out, args.sources)
        install_build_deps(PackageSpec.parse(package), args.out / "apt.lock")
        for config in todo:
            try:
                record = run_config(package, config, dsc, args.out, args.budget)
            except Exception as e:  # one project's failure is a result, never a stop
                record = {"package": package, "config": config, "error": str(e)[:500]}
                failed += 1
            if args.rerun and "error" not in record:  # a failed rerun keeps the old one
                _drop_records(results, package, config)
            append_json_line(results, record)
            _log(json.dumps({k: record.get(k) for k in ("package", "config", "tests_passed",
                                                        "seconds", "error")}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
