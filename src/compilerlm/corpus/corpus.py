"""A corpus: deduplicated units of unoptimised IR with provenance, on disk.

    DIR/corpus.jsonl    one line per unit: name, hash, source, provenance, licence, sizes
    DIR/units/<hash>.bc the unit's IR

    summary = build_corpus(units, Path("corpus"), provenance="zlib 1.3 (zlib licence)")
    units = load_corpus(Path("corpus"))
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError
from ..store import append_json_line
from ..unit import Unit

INDEX = "corpus.jsonl"


def is_corpus(path: Path) -> bool:
    return (Path(path) / INDEX).exists()


def count_unit(unit: Unit) -> tuple[int, int]:
    """(IR instructions, defined functions) of a unit."""
    from ..toolchain.libllvm import LibLLVM
    llvm = LibLLVM.load()
    with llvm.parsed_unit(unit) as mod:
        return llvm.instruction_count(mod), llvm.defined_function_count(mod)


def build_corpus(units, out: Path, *, provenance: str = "", licence: str = "",
                 split_functions: bool = False, metadata=None) -> dict:
    """Add units to the corpus at `out` (created or extended), skipping IR already in it.
    `metadata(unit)`, when given, adds fields to each new unit's index line (the Debian
    corpus records package, version, source path, binaries and split there). Each line is
    written whole, after its IR file: a kill leaves no half-written entry."""
    from ..toolchain.extract import split_functions as split

    out = Path(out)
    (out / "units").mkdir(parents=True, exist_ok=True)
    index = out / INDEX
    seen = {row["hash"] for row in read_index(out)} if index.exists() else set()
    added = duplicates = 0
    invalid = []
    for unit in units:
        try:
            pieces = split(unit) if split_functions else [unit]
        except InputError as e:
            invalid.append(str(e))
            continue
        for piece in pieces:
            if piece.hash in seen:
                duplicates += 1
                continue
            try:
                instructions, functions = count_unit(piece)
            except InputError as e:  # not IR after all: one unit left out, not the build
                invalid.append(str(e))
                continue
            seen.add(piece.hash)
            path = out / "units" / f"{piece.hash.replace(':', '-')}{piece.suffix}"
            path.write_bytes(piece.ir)
            row = {"name": piece.name, "hash": piece.hash, "file": str(path.relative_to(out)),
                   "source": piece.source, "provenance": provenance, "licence": licence,
                   "functions": functions, "ir_instructions": instructions}
            if metadata is not None:
                row.update(metadata(piece))
            append_json_line(index, row)
            added += 1
    return {"added": added, "duplicates": duplicates, "invalid": invalid, **corpus_stats(out)}


def read_index(directory: Path) -> list[dict]:
    index = Path(directory) / INDEX
    if not index.exists():
        raise InputError(f"{directory}: not a corpus (no {INDEX})")
    rows = []
    text = index.read_text()
    if text and not text.endswith("\n"):
        text = text[:text.rfind("\n") + 1]  # a line cut short by a kill: not an entry
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as e:
            raise InputError(f"{index}:{n}: not JSON: {e}") from e
        if not isinstance(row, dict) or not isinstance(row.get("file"), str) \
                or not isinstance(row.get("name"), str):
            raise InputError(f"{index}:{n}: not a corpus entry (needs 'name' and 'file')")
        rows.append(row)
    return rows


def unit_file(directory: Path, row: dict) -> Path:
    """The IR file of an index entry, which must lie inside the corpus: a crafted index
    naming ../../etc/passwd or /root/.ssh/id_rsa reads nothing."""
    root = Path(directory).resolve()
    path = (root / row["file"]).resolve()
    if not path.is_relative_to(root):
        raise InputError(f"{directory}: index entry {row['name']!r} points outside the corpus "
                         f"({row['file']})")
    return path


def load_row(directory: Path, row: dict) -> Unit:
    """The unit an index entry names, its IR read from the corpus."""
    try:
        ir = unit_file(directory, row).read_bytes()
    except OSError as e:
        raise InputError(f"{directory}: cannot read {row['file']}: {e.strerror}") from e
    return Unit(name=row["name"], ir=ir, source=row.get("source"), split=row.get("split"))


def load_corpus(directory: Path) -> list[Unit]:
    return [load_row(directory, row) for row in read_index(directory)]


def dataset_provenance(inputs, units) -> list[str]:
    """A dataset card's sources (of the units given: those with records): one line per package
    (with version, licence and split) for the units of a corpus whose index records them
    (`corpus debian`), each unit's source file otherwise. A corpus of thousands of units is
    then described by its packages."""
    described = {}
    for item in inputs:
        path = Path(item)
        if path.is_dir() and is_corpus(path):
            for row in read_index(path):
                if row.get("provenance"):
                    split = f", {row['split']}" if row.get("split") else ""
                    described[row["name"]] = (f"{row['provenance']} "
                                              f"({row.get('licence') or 'licence unknown'}{split})")
    # `--split-long` names a function of a unit `UNIT#FUNCTION` (a name may hold '#' itself)
    return sorted({described.get(u.name) or described.get(u.name.rsplit("#", 1)[0])
                   or u.source or u.name for u in units})


def corpus_stats(directory: Path) -> dict:
    rows = read_index(directory)
    return {"units": len(rows), "functions": sum(r.get("functions", 0) for r in rows),
            "ir_instructions": sum(r.get("ir_instructions", 0) for r in rows),
            "provenance": sorted({r["provenance"] for r in rows if r.get("provenance")})}
