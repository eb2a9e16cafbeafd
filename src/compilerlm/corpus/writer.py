"""Write units' IR to disk as .ll text or .bc bitcode (what `compilerlm ir` does)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..unit import Unit


def _ir_text_and_count(unit: Unit) -> tuple[str, int]:
    """Textual IR and instruction count; parsing is safe in-process (no passes run)."""
    from ..toolchain.libllvm import LibLLVM

    llvm = LibLLVM.load()
    with llvm.parsed_unit(unit) as mod:
        return llvm.print_module(mod), llvm.instruction_count(mod)


def _bitcode(unit: Unit) -> bytes:
    if unit.is_bitcode:
        return unit.ir
    from ..toolchain.libllvm import LibLLVM
    llvm = LibLLVM.load()
    with llvm.parsed_unit(unit) as mod:
        return llvm.bitcode(mod)


def output_name(unit: Unit, suffix: str) -> str:
    """A flat, readable file name for a unit: path separators and '#' become '__'."""
    name = re.sub(r"^[./]+", "", unit.name)
    name = re.sub(r"[/\\#]+", "__", name)
    name = re.sub(r"[^A-Za-z0-9_.+-]", "_", name)
    return name[:200] + suffix


def write_units(units, output: Path, *, fmt: str | None = None, split_functions: bool = False,
                many: bool = False) -> list[dict]:
    """Write each unit (or each of its functions) to `output`: a file, or a directory."""
    from ..toolchain.extract import split_functions as split

    output = Path(output)
    if not many:
        fmt = fmt or ("bc" if output.suffix == ".bc" else "ll")
    else:
        if output.exists() and not output.is_dir():
            raise InputError(f"{output}: exists and is not a directory (several units to write)")
        output.mkdir(parents=True, exist_ok=True)
        fmt = fmt or "ll"
    written = []
    for unit in units:
        pieces = split(unit) if split_functions else [unit]
        for piece in pieces:
            text, count = _ir_text_and_count(piece)
            path = output / output_name(piece, "." + fmt) if many else output
            if fmt == "bc":
                path.write_bytes(_bitcode(piece))
            else:
                path.write_text(text)
            written.append({"input": piece.name, "output": str(path), "format": fmt,
                            "ir_hash": piece.hash, "ir_instruction_count": count})
    return written
