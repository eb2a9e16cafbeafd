"""`compilerlm dataset verify`: re-derive records with LLVM now and compare.

A record passes when its prompt renders again character for character from its fields, and
the optimised IR, assembly and sizes it records are what the engine produces today from its
input IR and pass list.
"""

from __future__ import annotations

import random
from pathlib import Path

from ..toolchain.engine import Engine
from ..unit import Unit
from .build import read_records
from .templates import DISASSEMBLY, EMULATION_ASM, EMULATION_IR, FLAG_TUNING


def _problems(record: dict, engine: Engine) -> list[str]:
    task = record.get("task", "")
    problems = []
    if task.startswith("emulation"):
        template = EMULATION_IR if task == "emulation-ir" else EMULATION_ASM
        prompt = template.format(passes=record["pipeline"], ir=record["input_ir"],
                                 ir_count=record["input_ir_instruction_count"],
                                 bin_size=record["input_binary_size"])
    elif task == "flagtune":
        prompt = FLAG_TUNING.format(ir=record["input_ir"])
    elif task == "disasm":
        prompt = DISASSEMBLY.format(asm=record["output_asm"])
    else:
        return [f"unknown task {task!r}"]
    if prompt != record["prompt"]:
        problems.append("prompt differs from its template")
    unit = Unit(name=record["unit"], ir=record["input_ir"].encode())
    if task != "disasm":
        base = engine.measure(unit, [])
        if base.ir_instruction_count != record["input_ir_instruction_count"]:
            problems.append("input instruction count differs")
        if base.binary_size != record["input_binary_size"]:
            problems.append("input binary size differs")
    m = engine.measure(unit, record["passes"], want_ir=True, want_asm=True)
    if not m.ok:
        return problems + [f"{m.status}: {m.error}"]
    if m.binary_size != record["output_binary_size"]:
        problems.append(f"binary size {m.binary_size} != recorded {record['output_binary_size']}")
    if m.ir_instruction_count != record["output_ir_instruction_count"]:
        problems.append("output instruction count differs")
    if m.ir != record["output_ir"]:
        problems.append("optimised IR differs")
    if "output_asm" in record and record["output_asm"] is not None and m.asm != record["output_asm"]:
        problems.append("assembly differs")
    return problems


# A few pass lists make LLVM's output depend on pointer values (iroutliner, mergefunc,
# gvn-sink...): the same input can give another IR on another run. A record counts as
# re-derived when any of these runs reproduces it exactly.
ATTEMPTS = 5


def verify(directory: Path, engine: Engine, sample: int | None = None, seed: int = 0) -> dict:
    records = read_records([directory])
    chosen = records if sample is None or sample >= len(records) else \
        random.Random(seed).sample(records, sample)
    failures, retried = [], 0
    for r in chosen:
        for attempt in range(ATTEMPTS):
            problems = _problems(r, engine)
            if not problems:
                retried += attempt > 0
                break
        if problems:
            failures.append({"unit": r.get("unit"), "task": r.get("task"),
                             "passes": r.get("passes"), "problems": problems})
    return {"records_total": len(records), "records_checked": len(chosen),
            "records_failed": len(failures), "reproduced_after_retries": retried,
            "ok": not failures, "failures": failures}
