"""Reference builds with clang-17 itself: the -Oz baseline every result is compared against.

The textual `default<Oz>` pipeline is not clang's -Oz in LLVM 17: parsing it switches the SLP
vectoriser off, while clang's -Oz runs it. So the baseline comes from clang-17 on the unit's
IR (`clang-17 -Oz -c unit.bc`, which reproduces `clang-17 -Oz -c unit.c` exactly), once per
unit, then cached. Its IR instruction count comes from `clang-17 -Oz -emit-llvm` on the same IR.

    m = clang_reference(unit, "-Oz")
    m.binary_size   # bytes of .text + .data, exactly what users compare against
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from ..unit import Unit, hash_bytes
from .elf import ELFError, object_size
from .locate import find_toolchain
from .measure import CODEGEN_ERROR, INVALID_INPUT, OK, TIMEOUT, Measurement

REFERENCE_LEVELS = ("-O0", "-O1", "-O2", "-O3", "-Os", "-Oz")


def reference_pipeline(level: str) -> str:
    """How a reference build is named in measurements and the cache."""
    return f"clang {level}"


def _clang(argv: list[str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, timeout=timeout)


def _first_error(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode(errors="replace").splitlines() if ln.strip()]
    errors = [ln for ln in lines if "error" in ln.lower()]
    return (errors or lines or ["clang failed"])[0]


def clang_reference(unit: Unit, level: str = "-Oz", target: str | None = None,
                    timeout: float = 120.0) -> Measurement:
    """Compile the unit's IR with `clang-17 <level> -c` and measure the object, as users do."""
    if level not in REFERENCE_LEVELS:
        raise ValueError(f"unknown optimisation level {level!r}")
    clang = str(find_toolchain().clang)
    start = time.perf_counter()
    pipeline = reference_pipeline(level)

    def result(status, **kw) -> Measurement:
        return Measurement(status=status, pipeline=pipeline, input_hash=unit.hash,
                           seconds=time.perf_counter() - start, **kw)

    with tempfile.TemporaryDirectory(prefix="compilerlm-ref-") as tmp:
        src = Path(tmp) / f"unit{unit.suffix}"
        src.write_bytes(unit.ir)
        target_flags = [f"--target={target}"] if target else []
        common = [clang, *target_flags, level, "-Wno-override-module", str(src)]
        # One deadline for both runs of clang: the timeout bounds the whole reference build.
        deadline = start + timeout
        try:
            obj = _clang([*common, "-c", "-o", str(Path(tmp) / "unit.o")], timeout)
            if obj.returncode != 0:
                return result(INVALID_INPUT, error=f"clang {level} -c: {_first_error(obj.stderr)}")
            left = deadline - time.perf_counter()
            if left <= 0:
                raise subprocess.TimeoutExpired(clang, timeout)
            bc = _clang([*common, "-c", "-emit-llvm", "-o", str(Path(tmp) / "opt.bc")], left)
        except subprocess.TimeoutExpired:
            return result(TIMEOUT, error=f"clang {level} ran past {timeout:g} s")
        try:
            size = object_size((Path(tmp) / "unit.o").read_bytes())
        except ELFError as e:
            return result(CODEGEN_ERROR, error=f"clang {level} object: {e}")
        count, ir_hash = None, None
        if bc.returncode == 0:
            count, ir_hash = _count_and_hash((Path(tmp) / "opt.bc").read_bytes())
        return result(OK, text_size=size.text, data_size=size.data,
                      ir_instruction_count=count, ir_hash=ir_hash)


def _count_and_hash(bitcode: bytes) -> tuple[int | None, str | None]:
    """Instruction count and engine-style hash (bitcode as libLLVM writes it) of clang's
    optimised IR. Parsing is safe in-process: no passes run."""
    from .libllvm import LibLLVM, LLVMCallError

    llvm = LibLLVM.load()
    try:
        with llvm.parsed(bitcode) as mod:
            return llvm.instruction_count(mod), hash_bytes(llvm.bitcode(mod))
    except LLVMCallError:
        return None, None
