"""Write units' IR to disk as .ll text or .bc bitcode (what `compilerlm ir` does)."""

from __future__ import annotations

import os
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


class OutputNames:
    """Output files that mirror the inputs' relative paths below one root, so that each name
    maps back to its source and no two units write the same file (`a/b.c`, `a__b.c`,
    `a b.c` and `a_b.c` stay four files). A unit named twice (one source compiled with two
    sets of flags) gets `.2`, `.3`... before the suffix.

        names = OutputNames([u.name for u in units])
        names.path(unit.name, ".ll")      # e.g. 'a/b.c.ll', relative to the output folder
    """

    def __init__(self, names: list[str]):
        # Mirrored below the deepest folder common to all inputs (a directory given to
        # `ir`, or the project of a compile_commands.json).
        parents = [str(self._plain(n).parent) for n in names]
        self.root = Path(os.path.commonpath(parents)) if parents else Path()
        self._taken: dict[str, int] = {}

    @staticmethod
    def _plain(name: str) -> Path:
        return Path(name.split("#", 1)[0]).resolve()  # `file.c#function`: a piece of file.c

    def path(self, name: str, suffix: str) -> str:
        base, _, piece = name.partition("#")
        p = self._plain(base).relative_to(self.root)
        parts = [part for part in p.parts if part not in ("", ".", "..", "/")] or ["unit"]
        rel = "/".join(parts) + (f"#{re.sub(r'[^A-Za-z0-9_.$-]', '_', piece)}" if piece else "")
        count = self._taken.get(rel, 0) + 1
        self._taken[rel] = count
        return rel + (f".{count}" if count > 1 else "") + suffix


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
    units = list(units)
    names = OutputNames([u.name for u in units])
    for unit in units:
        pieces = split(unit) if split_functions else [unit]
        for piece in pieces:
            text, count = _ir_text_and_count(piece)
            path = output / names.path(piece.name, "." + fmt) if many else output
            path.parent.mkdir(parents=True, exist_ok=True)
            if fmt == "bc":
                path.write_bytes(_bitcode(piece))
            else:
                path.write_text(text)
            written.append({"input": piece.name, "output": str(path), "format": fmt,
                            "ir_hash": piece.hash, "ir_instruction_count": count})
    return written
