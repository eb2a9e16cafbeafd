"""`compilerlm doctor`: is the toolchain here, does each stage of the engine work?

Each check either passes with what it found (a version, a path) or fails with exactly what is
wrong and how to fix it.
"""

from __future__ import annotations

import platform
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from . import __version__
from .errors import CompilerlmError
from .toolchain.locate import LLVM_VERSION, clang_version, find_toolchain

PROBE_C = "int square(int x) { return x * x; }\nint main(void) { return square(3) - 9; }\n"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _check(name: str, fn) -> Check:
    try:
        return Check(name, True, fn())
    except CompilerlmError as e:
        return Check(name, False, str(e))
    except Exception as e:  # doctor reports every failure instead of stopping at one
        return Check(name, False, f"{type(e).__name__}: {e}")


def run_checks() -> list[Check]:
    checks = [Check("compilerlm", True, f"{__version__} on Python {platform.python_version()}"
                    f" ({sys.executable})")]

    def toolchain():
        tc = find_toolchain()
        return f"clang {tc.clang}; libLLVM {tc.libllvm}"
    checks.append(_check("toolchain", toolchain))
    if not checks[-1].ok:
        return checks

    def clang():
        version = clang_version(find_toolchain().clang)
        if LLVM_VERSION not in version:
            raise CompilerlmError(f"expected clang {LLVM_VERSION}, found: {version}")
        return version
    checks.append(_check("clang", clang))

    def libllvm():
        from .toolchain.libllvm import LibLLVM
        llvm = LibLLVM.load()
        if llvm.version() != LLVM_VERSION:
            raise CompilerlmError(f"expected libLLVM {LLVM_VERSION}, loaded {llvm.version()}")
        targets = llvm.targets()
        if "x86-64" not in targets:
            raise CompilerlmError(f"libLLVM has no x86-64 backend (targets: {targets})")
        return f"{llvm.version()}, targets {', '.join(targets)}, default {llvm.default_triple()}"
    checks.append(_check("libLLVM", libllvm))

    def passes():
        from .toolchain.passes import registry, search_space
        return f"{len(registry())} registered, {len(search_space())} in the size search space"
    checks.append(_check("passes", passes))

    def engine():
        from .corpus import load_unit
        from .toolchain.engine import Engine
        with tempfile.TemporaryDirectory(prefix="compilerlm-doctor-") as tmp:
            src = Path(tmp) / "probe.c"
            src.write_text(PROBE_C)
            unit = load_unit(src)
            with Engine(workers=1, use_cache=False, timeout=60) as eng:
                m = eng.measure(unit, "default<Oz>")
                oz = eng.oz_baseline(unit)
        if not m.ok:
            raise CompilerlmError(f"in-process evaluation failed: {m.status}: {m.error}")
        if not oz.ok:
            raise CompilerlmError(f"clang -Oz baseline failed: {oz.status}: {oz.error}")
        return (f"front end, worker and codegen work: default<Oz> {m.binary_size} bytes, "
                f"clang -Oz {oz.binary_size} bytes")
    checks.append(_check("engine", engine))

    def sandbox():
        from .passlisteval.confine import confinement_kind
        return (f"programs built from candidate lists run confined: {confinement_kind()}"
                + ("" if "bubblewrap" in confinement_kind() else
                   " (install Debian's bubblewrap for a read-only file system and no network)"))
    checks.append(_check("sandbox", sandbox))
    return checks


def checks_to_json(checks: list[Check]) -> dict:
    return {"ok": all(c.ok for c in checks), "checks": [asdict(c) for c in checks]}


def warm_suite() -> Check:
    """Build the built-in suite's programs (IR and reference runs) into the default cache:
    what the first verified `optimize` would otherwise wait for (57-88 s measured)."""
    def warm():
        import time

        from .passlisteval import PassListEval, builtin_suite
        from .toolchain.engine import Engine
        start = time.perf_counter()
        with Engine(workers=2) as engine:
            good, bad = PassListEval(engine).usable(builtin_suite())
        if bad:
            raise CompilerlmError(f"{len(bad)} suite programs are unusable: {bad[0].uri}: "
                                  f"{bad[0].reason}")
        return (f"built-in suite ready in the cache: {len(good)} programs in "
                f"{time.perf_counter() - start:.1f} s")
    return _check("suite", warm)
