"""A translation unit: unoptimised LLVM-IR with a name, the thing every stage works on.

A ground module: the engine (toolchain/) measures units and the front end (corpus/) makes
them, so neither owns the type. C/C++ sources become units through `corpus.load_unit`.

    unit = Unit(name="loops.ll", ir=read_ir_file(Path("loops.ll")))
    unit.name, unit.hash, unit.is_bitcode
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

BITCODE_MAGIC = b"BC\xc0\xde"
BITCODE_WRAPPER_MAGIC = b"\xde\xc0\x17\x0b"
SOURCE_SUFFIXES = {".c": "c", ".cc": "c++", ".cpp": "c++", ".cxx": "c++", ".c++": "c++",
                   ".C": "c++"}
IR_SUFFIXES = {".ll", ".bc"}
# Largest input accepted: LLM Compiler's inputs are single translation units; anything this big
# is almost certainly not IR (or would take minutes per evaluation).
MAX_INPUT_BYTES = 256 * 1024 * 1024


def hash_bytes(data: bytes) -> str:
    """Content hash tagged with its algorithm, so old cache keys stay recognisable."""
    return "b2:" + hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Unit:
    """Unoptimised IR (textual or bitcode) of one translation unit."""

    name: str  # what users see: a path or a URI like `examples/loops.c`
    ir: bytes = field(repr=False)  # textual IR or bitcode, as clang or the user produced it
    source: str | None = None  # the C/C++ file it was compiled from, if any
    # train / validation / test when a corpus fixes it (the Debian corpus splits by package);
    # None: datasets split by the unit's name.
    split: str | None = None

    @functools.cached_property
    def hash(self) -> str:
        return hash_bytes(self.ir)

    @property
    def is_bitcode(self) -> bool:
        return self.ir[:4] in (BITCODE_MAGIC, BITCODE_WRAPPER_MAGIC)

    @property
    def suffix(self) -> str:
        return ".bc" if self.is_bitcode else ".ll"


def read_ir_file(path: Path) -> bytes:
    """Read a .ll/.bc file, checking it at least looks like IR (the engine parses it)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}") from e
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a .c/.cc/.cpp/.ll/.bc file")
    if size > MAX_INPUT_BYTES:
        raise InputError(f"{path}: {size} bytes is larger than the {MAX_INPUT_BYTES}-byte limit")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}") from e
    if path.suffix == ".bc" and data[:4] not in (BITCODE_MAGIC, BITCODE_WRAPPER_MAGIC):
        raise InputError(f"{path}: not LLVM bitcode (no 'BC' magic)")
    if path.suffix == ".ll" or data[:4] not in (BITCODE_MAGIC, BITCODE_WRAPPER_MAGIC):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{path}: not textual LLVM-IR (not UTF-8 text)") from None
    return data
