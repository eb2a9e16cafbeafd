"""Training and evaluation data for LLM Compiler's three tasks, in the released prompt formats.

- emulation: random pass lists (length 1..50 from the search space); the model sees the
  unoptimised IR, the list as `opt -p '...'`, and the input's instruction count and binary
  size, and answers with the optimised IR (or assembly) and its sizes. Lists that crash,
  time out, or give different output on a second run are excluded and counted.
- flagtune: the verified best list of each unit (from an autotuner store, or a quick built-in
  search) with the sizes before and after and the optimised IR.
- disasm: x86-64 assembly of the -Oz-optimised IR in, that IR out.

Every unit is normalised first (module id `<stdin>`, source file `-`), so no path of the
machine that made the data leaks into it and a record can be re-derived anywhere. Records go
to `train/validation/test` by the split a corpus fixes (the Debian corpus: by package), else by
unit, so no program is in two splits.

    records, stats = build_emulation(units, engine, lists_per_unit=4, seed=0)
    write_dataset(records, out_dir, task="emulation", stats=stats, ...)
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..toolchain.engine import Engine
from ..toolchain.libllvm import LibLLVM
from ..toolchain.passes import OZ, parse_pass_list
from ..unit import Unit
from .templates import (
    DISASSEMBLY,
    DISASSEMBLY_ANSWER,
    EMULATION_ANSWER,
    EMULATION_ASM,
    EMULATION_IR,
    FLAG_TUNING,
    FLAG_TUNING_ANSWER,
)
from .tokens import TokenCounter

SPLITS = (("train", 0.8), ("validation", 0.1), ("test", 0.1))
DEFAULT_MAX_TOKENS = 16384  # the released models' context
DISASM_MAX_TOKENS = 8192  # 8k in + 8k out, as the paper's disassembly evaluation


def normalize(unit: Unit) -> Unit:
    """The unit's IR with a neutral module id and source file name (no local paths)."""
    llvm = LibLLVM.load()
    with llvm.parsed(unit.ir, name="<stdin>") as mod:
        llvm.lib.LLVMSetSourceFileName(mod, b"-", 1)
        return Unit(name=unit.name, ir=llvm.bitcode(mod), source=unit.source, split=unit.split)


def split_of(unit_name: str) -> str:
    """train / validation / test, fixed by the unit's name: no program leaks across splits.
    The functions `--split-long` cuts out of a unit (named `unit#function`) go where their
    unit goes."""
    program = unit_name.split("#", 1)[0]
    x = int(hashlib.blake2b(program.encode(), digest_size=8).hexdigest(), 16) / 2 ** 64
    acc = 0.0
    for name, share in SPLITS:
        acc += share
        if x < acc:
            return name
    return SPLITS[-1][0]


@dataclass
class BuildStats:
    units: int = 0
    records: int = 0
    excluded: dict = field(default_factory=dict)  # reason -> count

    def exclude(self, reason: str, n: int = 1) -> None:
        self.excluded[reason] = self.excluded.get(reason, 0) + n


def text_unit(raw: Unit) -> Unit | None:
    """The unit as the textual IR a prompt shows (printed here: no passes, no codegen), or
    None when it does not parse."""
    from ..toolchain.libllvm import LLVMCallError

    try:
        llvm = LibLLVM.load()
        with llvm.parsed(normalize(raw).ir, name="input") as mod:  # the workers' module id
            text = llvm.print_module(mod)
    except (InputError, LLVMCallError):
        return None
    return Unit(name=raw.name, ir=text.encode(), source=raw.source, split=raw.split)


def _invalid(raw: Unit):
    from ..toolchain.measure import INVALID_INPUT, Measurement
    return Measurement(status=INVALID_INPUT, pipeline="", input_hash=raw.hash,
                       error="IR does not parse")


def _as_text(engine: Engine, raw: Unit):
    """(unit as the textual IR a prompt shows, its measurement without passes).

    Every record is derived from that very text: parsing text and bitcode can order uses
    differently, which can change codegen, so `dataset verify` re-derives from the text."""
    unit = text_unit(raw)
    if unit is None:
        return None, _invalid(raw)
    return unit, engine.measure(unit, [], want_ir=True)


def _text_units(units, engine: Engine, stats: BuildStats, progress=None, fits=None):
    """(original, textual unit, its measurement) for every unit whose input measures;
    the others are counted as excluded. The input measurements run in parallel. `fits(ir)`:
    whether a prompt holding the input IR can fit the context; the units whose cannot are
    excluded before any list is run on them (a third of a real corpus's units)."""
    units = list(units)
    texts = [text_unit(raw) for raw in units]
    measured = iter(engine.measure_many([(t, []) for t in texts if t is not None],
                                        want_ir=True))
    for i, (raw, unit) in enumerate(zip(units, texts)):
        base = next(measured) if unit is not None else _invalid(raw)
        if not base.ok:
            stats.exclude(f"input {base.status}")
        else:
            stats.units += 1
            if fits is not None and not fits(base.ir):
                stats.exclude("input IR over the context limit")
            else:
                yield raw, unit, base
        if progress:
            progress(i + 1, None, "units")


def build_emulation(units, engine: Engine, *, lists_per_unit: int = 4, seed: int = 0,
                    variants=("ir", "asm"), check_determinism: bool = True,
                    progress=None, fits=None) -> tuple[list[dict], BuildStats]:
    from ..autotune.random_search import random_lists

    stats, records = BuildStats(), []
    inputs = list(_text_units(units, engine, stats, progress, fits))
    # Each list runs twice: some passes (iroutliner, mergefunc, gvn-sink...) order their
    # work by pointer values, so LLVM itself can give different IR for the same input,
    # and a target the compiler cannot reproduce is no label. (check_determinism=False
    # halves the cost; `dataset verify` then finds such records instead.) Every unit's
    # lists are submitted at once, so the workers never wait for one unit to finish.
    plans = [random_lists(seed, unit.hash, 0, lists_per_unit) for _, unit, _ in inputs]
    futures = [[engine.submit(unit, lst, want_ir=True, want_asm=True)
                for lst in (lists + lists if check_determinism else lists)]
               for (_, unit, _), lists in zip(inputs, plans)]
    for (raw, unit, base), lists, running in zip(inputs, plans, futures):
        results = [f.result() for f in running]
        again_all = results[len(lists):] if check_determinism else results
        for lst, m, again in zip(lists, results, again_all):
            if not m.ok:
                stats.exclude(m.status)
                continue
            if (m.ir, m.asm, m.binary_size) != (again.ir, again.asm, again.binary_size):
                stats.exclude("nondeterministic output")
                continue
            pipeline = parse_pass_list(lst).pipeline
            for variant in variants:
                template = EMULATION_IR if variant == "ir" else EMULATION_ASM
                code = m.ir if variant == "ir" else m.asm
                records.append({
                    "task": f"emulation-{variant}", "unit": raw.name, "split": raw.split or split_of(raw.name),
                    "passes": list(lst), "pipeline": pipeline, "input_ir": base.ir,
                    "input_ir_instruction_count": base.ir_instruction_count,
                    "input_binary_size": base.binary_size,
                    "output_ir": m.ir, "output_asm": m.asm,
                    "output_ir_instruction_count": m.ir_instruction_count,
                    "output_binary_size": m.binary_size,
                    "prompt": template.format(passes=pipeline, ir=base.ir,
                                              ir_count=base.ir_instruction_count,
                                              bin_size=base.binary_size),
                    "completion": EMULATION_ANSWER.format(ir_count=m.ir_instruction_count,
                                                          bin_size=m.binary_size, code=code),
                })
    stats.records = len(records)
    return records, stats


def build_flagtune(units, engine: Engine, *, best: dict | None = None, budget: int = 50,
                   seed: int = 0, validate: bool = True, progress=None, fits=None
                   ) -> tuple[list[dict], BuildStats]:
    """`best` maps unit hash -> best pass list (from a store); else a quick search per unit."""
    from ..autotune import AutotuneConfig, tune_program

    config = AutotuneConfig(budget=budget, seed=seed, insertion=False, validate=validate)
    verifier = config.verifier(engine) if best is None else None
    stats, records = BuildStats(), []
    if best is not None:  # units without a stored list cost nothing (a corpus has thousands)
        for _ in range(sum(u.hash not in best for u in units)):
            stats.exclude("not in the store")
        units = [u for u in units if u.hash in best]
    for raw, unit, base in _text_units(units, engine, stats, progress, fits):
        if best is not None:
            passes = best[raw.hash]
        else:
            passes = list(tune_program(unit, config, engine, verifier).best_passes)
        m = engine.measure(unit, passes, want_ir=True)
        if not m.ok:
            stats.exclude(m.status)
            continue
        pipeline = parse_pass_list(passes).pipeline
        records.append({
            "task": "flagtune", "unit": raw.name, "split": raw.split or split_of(raw.name),
            "passes": list(passes), "pipeline": pipeline, "input_ir": base.ir,
            "input_ir_instruction_count": base.ir_instruction_count,
            "input_binary_size": base.binary_size, "output_ir": m.ir,
            "output_ir_instruction_count": m.ir_instruction_count,
            "output_binary_size": m.binary_size,
            "prompt": FLAG_TUNING.format(ir=base.ir),
            "completion": FLAG_TUNING_ANSWER.format(passes=pipeline, before=base.binary_size,
                                                    after=m.binary_size, code=m.ir),
        })
    stats.records = len(records)
    return records, stats


def build_disasm(units, engine: Engine, *, progress=None) -> tuple[list[dict], BuildStats]:
    stats, records = BuildStats(), []
    inputs = list(_text_units(units, engine, stats, progress))
    running = [engine.submit(unit, [OZ], want_ir=True, want_asm=True) for _, unit, _ in inputs]
    for (raw, unit, base), future in zip(inputs, running):
        m = future.result()
        if not m.ok:
            stats.exclude(m.status)
            continue
        records.append({
            "task": "disasm", "unit": raw.name, "split": raw.split or split_of(raw.name),
            "passes": [OZ], "pipeline": OZ, "input_ir": base.ir, "output_ir": m.ir,
            "output_asm": m.asm,
            "output_ir_instruction_count": m.ir_instruction_count,
            "output_binary_size": m.binary_size,
            "prompt": DISASSEMBLY.format(asm=m.asm),
            "completion": DISASSEMBLY_ANSWER.format(ir=m.ir),  # -Oz IR, lowered = prompt
        })
    stats.records = len(records)
    return records, stats


def split_long_units(units, counter: TokenCounter, max_tokens: int) -> tuple[list, int]:
    """Units whose IR text is over `max_tokens` replaced by one module per function (the
    paper's llvm-extract step); pieces still over it are left to the filter."""
    from ..toolchain.extract import split_functions

    out, split = [], 0
    llvm = LibLLVM.load()
    for unit in units:
        with llvm.parsed_unit(unit) as mod:
            text = llvm.print_module(mod)
        if counter.count(text) > max_tokens:
            out.extend(split_functions(unit))
            split += 1
        else:
            out.append(unit)
    return out, split


def filter_by_tokens(records: list[dict], counter: TokenCounter, task: str,
                     max_tokens: int, stats: BuildStats) -> list[dict]:
    """Count tokens; drop records over the context (disassembly: max_tokens per side)."""
    kept = []
    for r in records:
        r["prompt_tokens"] = counter.count(r["prompt"])
        r["completion_tokens"] = counter.count(r["completion"])
        if task == "disasm":
            over = max(r["prompt_tokens"], r["completion_tokens"]) > max_tokens
        else:
            over = r["prompt_tokens"] + r["completion_tokens"] > max_tokens
        if over:
            stats.exclude("over the context limit")
        else:
            kept.append(r)
    stats.records = len(kept)
    return kept


def _describe(values: list[int]) -> dict:
    if not values:
        return {}
    v = sorted(values)
    return {"min": v[0], "median": statistics.median(v), "mean": round(statistics.mean(v), 1),
            "p90": v[min(len(v) - 1, math.ceil(0.9 * len(v)) - 1)], "max": v[-1]}


def write_dataset(records: list[dict], out: Path, *, task: str, stats: BuildStats,
                  tokenizer: str, provenance: list[str]) -> dict:
    """JSONL per split (uncompressed), Parquet beside them, and a dataset card. `provenance`:
    where the units came from (source paths, or a corpus's packages with their licences)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    counts, tokens = {}, {}
    for split, _ in SPLITS:
        rows = [r for r in records if r["split"] == split]
        counts[split] = len(rows)
        tokens[split] = sum(r["prompt_tokens"] + r["completion_tokens"] for r in rows)
        with (out / f"{task}-{split}.jsonl").open("w") as f:
            for r in rows:
                f.write(json.dumps(r, sort_keys=True) + "\n")
        if rows:
            pq.write_table(pa.Table.from_pylist(rows), out / f"{task}-{split}.parquet")
    summary = {
        "task": task, "records": len(records), "splits": counts, "units": stats.units,
        "excluded": stats.excluded, "tokenizer": tokenizer, "split_tokens": tokens,
        "prompt_tokens": _describe([r["prompt_tokens"] for r in records]),
        "completion_tokens": _describe([r["completion_tokens"] for r in records]),
        "output_binary_size": _describe([r["output_binary_size"] for r in records]),
        "provenance": provenance,
    }
    (out / f"{task}-card.json").write_text(json.dumps(summary, indent=2) + "\n")
    (out / "README.md").write_text(_card(summary))
    return summary


def read_records(paths) -> list[dict]:
    """Every record of `compilerlm dataset` JSONL files, given as files or directories of
    them (what `write_dataset` wrote); one-line errors for what cannot be read."""
    records = []
    for p in map(Path, paths):
        files = sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
        if not files:
            raise InputError(f"{p}: no *.jsonl files")
        for f in files:
            try:
                lines = f.read_text().splitlines()
            except FileNotFoundError:
                raise InputError(f"{f}: no such file") from None
            except (OSError, UnicodeDecodeError) as e:
                raise InputError(f"{f}: cannot read: {e}") from e
            for n, line in enumerate(lines, 1):
                if line.strip():
                    try:
                        records.append(json.loads(line))
                    except json.JSONDecodeError as e:
                        raise InputError(f"{f}:{n}: not JSON: {e}") from e
    return records


def _card(s: dict) -> str:
    lines = [f"# compilerlm dataset: {s['task']}", "",
             "Made by `compilerlm dataset`; prompts in LLM Compiler's released formats.", "",
             f"- records: {s['records']} ({', '.join(f'{k} {v}' for k, v in s['splits'].items())})",
             f"- units: {s['units']}; excluded: {s['excluded'] or 'none'}",
             f"- tokens counted with: {s['tokenizer']}",
             f"- tokens (prompt + completion) per split: "
             f"{', '.join(f'{k} {v:,}' for k, v in s.get('split_tokens', {}).items())}",
             f"- prompt tokens: {s['prompt_tokens']}",
             f"- completion tokens: {s['completion_tokens']}",
             f"- output binary size (bytes): {s['output_binary_size']}", "",
             "Splits follow the corpus's fixed split where it has one (the Debian corpus: by "
             "package, so no package appears in two splits), else they are by unit (no program "
             "appears in two splits).", "", "## Provenance", ""]
    lines += [f"- {p}" for p in s["provenance"]] or ["- (not recorded)"]
    return "\n".join(lines) + "\n"

