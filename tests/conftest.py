"""Shared fixtures: an isolated cache per test session, the bundled programs, one engine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "src" / "compilerlm" / "examples"
DATA = Path(__file__).resolve().parent / "data"
BUNDLED = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".c", ".cpp"))


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory):
    """No test reads or writes the user's ~/.cache/compilerlm."""
    path = tmp_path_factory.mktemp("cache")
    old = os.environ.get("COMPILERLM_CACHE_DIR")
    os.environ["COMPILERLM_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("COMPILERLM_CACHE_DIR", None)
    else:
        os.environ["COMPILERLM_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def units():
    from compilerlm.corpus import load_unit
    return {name: load_unit(EXAMPLES / name) for name in BUNDLED}


@pytest.fixture(scope="session")
def engine(isolated_cache):
    from compilerlm.toolchain.engine import Engine
    with Engine(workers=2, cache_path=isolated_cache / "engine.sqlite") as eng:
        yield eng


@pytest.fixture()
def fresh_engine(tmp_path):
    """An engine with its own empty cache, for tests that count evaluations."""
    from compilerlm.toolchain.engine import Engine
    with Engine(workers=2, cache_path=tmp_path / "cache.sqlite") as eng:
        yield eng


def run_cli(*args, cwd=None, env=None) -> subprocess.CompletedProcess:
    """Run the real `compilerlm` command in a subprocess (exit codes, stdout, stderr)."""
    return subprocess.run([sys.executable, "-m", "compilerlm.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=600,
                          env={**os.environ, **(env or {})})


def packaged_corpus(out: Path, packages: dict[str, tuple[str, str]]) -> Path:
    """A corpus of bundled examples, each given a (package, split) as the Debian corpus does:
    packages maps an example's file name to them."""
    from compilerlm.corpus import iter_units
    from compilerlm.corpus.corpus import build_corpus

    def metadata(unit):
        package, split = packages[unit.name.rsplit("/", 1)[-1]]
        return {"package": package, "split": split}
    build_corpus(list(iter_units([EXAMPLES / name for name in packages])), out,
                 metadata=metadata)
    return out
