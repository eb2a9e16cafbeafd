"""Disassembly and compiler emulation with an LLM, every answer checked by the compiler.

Disassembly (assembly -> IR): the answer's IR is parsed and lowered back to x86-64 assembly
in an engine worker (crash-isolated), and compared with the input assembly: `round_trip` is
an exact match after normalisation (comments, blank lines and spacing removed), `bleu` is
sacreBLEU's sentence BLEU (sacrebleu 2.6, its default `13a` tokenisation) of the lowered
assembly against the input. With several samples the first that round-trips wins
(`success_at`: its 1-based index), LLM Compiler's "round trip" measure made best-of-n.

Compiler emulation (IR + pass list -> optimised IR or assembly, and sizes): the answer's code
is parsed (IR) or assembled (`clang -c`, assembly) and compared with what LLVM produces;
the predicted instruction count and binary size are scored by their absolute percentage error.

Garbage, empty or over-long answers are results (parsed false, round trip false), never
errors.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from ..prompts.templates import (
    DISASSEMBLY,
    EMULATION_ASM,
    EMULATION_IR,
    first_code_block,
    parse_emulation_answer,
)
from ..toolchain.engine import Engine
from ..unit import Unit
from .backends import Generation

_COMMENT = re.compile(r"\s*#.*$")
BLEU_METHOD = "sacrebleu 2.6 sentence BLEU, 13a tokenisation, lowered vs input assembly"


def normalize_asm(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        line = _COMMENT.sub("", line).strip()
        if line:
            lines.append(" ".join(line.replace(",", ", ").split()))
    return lines


def _code(answer: str) -> str:
    code = first_code_block(answer)
    return code if code is not None else answer


def bleu(hypothesis: str, reference: str) -> float:
    import sacrebleu
    return round(sacrebleu.sentence_bleu(hypothesis, [reference], tokenize="13a").score, 4)


def lower(engine: Engine, ir_text: str, name: str = "answer"):
    """(assembly, None) for IR that parses and lowers; (None, why) otherwise."""
    m = engine.measure(Unit(name=name, ir=ir_text.encode()), [], want_asm=True)
    return (m.asm, None) if m.ok else (None, f"{m.status}: {m.error}")


def disassemble(asm: str, backend, engine: Engine, samples: int = 1,
                reference_ir: str | None = None, max_tokens: int = 4096,
                temperature: float = 0.8) -> dict:
    prompt = DISASSEMBLY.format(asm=asm)
    answers = backend.complete(prompt, Generation(n=1, max_tokens=max_tokens))
    if samples > 1:
        answers += backend.complete(prompt, Generation(n=samples - 1, temperature=temperature,
                                                       max_tokens=max_tokens))
    target = normalize_asm(asm)
    tried = []
    for i, answer in enumerate(answers):
        ir = _code(answer)
        lowered, why = lower(engine, ir) if ir.strip() else (None, "empty answer")
        ok = lowered is not None and normalize_asm(lowered) == target
        tried.append({"ir": ir if lowered is not None else None, "parsed": lowered is not None,
                      "round_trip": ok, "error": why,
                      "bleu": bleu("\n".join(normalize_asm(lowered)), "\n".join(target))
                      if lowered is not None else 0.0})
        if ok:
            break
    best = next((t for t in tried if t["round_trip"]), None) or \
        max(tried, key=lambda t: t["bleu"], default={"ir": None, "parsed": False,
                                                     "round_trip": False, "bleu": 0.0,
                                                     "error": "no answer"})
    result = {"round_trip": best["round_trip"], "bleu": best["bleu"], "bleu_method": BLEU_METHOD,
              "ir": best["ir"],
              "parsed": best["parsed"], "error": best["error"], "samples": len(answers),
              "success_at": next((i + 1 for i, t in enumerate(tried) if t["round_trip"]),
                                 None),
              "exact_match": None}
    if reference_ir is not None:
        result["exact_match"] = best["ir"] is not None and \
            best["ir"].strip() == reference_ir.strip()
    return result


def _assembles(asm: str) -> bool:
    from ..toolchain.locate import find_toolchain
    with tempfile.TemporaryDirectory(prefix="compilerlm-asm-") as tmp:
        src = Path(tmp) / "answer.s"
        src.write_text(asm)
        r = subprocess.run([str(find_toolchain().clang), "-c", str(src), "-o",
                            str(Path(tmp) / "a.o")], capture_output=True, timeout=120)
        return r.returncode == 0


def _ape(predicted, actual) -> float | None:
    if predicted is None or not actual:
        return None
    return round(100 * abs(predicted - actual) / actual, 4)


def emulate(unit: Unit, passes, backend, engine: Engine, want: str = "ir",
            max_tokens: int = 4096) -> dict:
    """Ask the model what `passes` do to the unit (`want` = "ir" or "asm"); check it."""
    from ..prompts.build import _as_text
    from ..toolchain.passes import parse_pass_list

    pipeline = parse_pass_list(passes).pipeline
    text_unit, base = _as_text(engine, unit)
    if text_unit is None:
        from ..errors import InputError
        raise InputError(f"{unit.name}: does not measure: {base.error}")
    real = engine.measure(text_unit, passes, want_ir=want == "ir", want_asm=want == "asm")
    template = EMULATION_IR if want == "ir" else EMULATION_ASM
    prompt = template.format(passes=pipeline, ir=text_unit.ir.decode(),
                             ir_count=base.ir_instruction_count, bin_size=base.binary_size)
    answer = backend.complete(prompt, Generation(max_tokens=max_tokens))[0]
    parsed = parse_emulation_answer(answer)
    code = parsed["code"] if parsed else _code(answer)
    expected = real.ir if want == "ir" else real.asm
    if want == "ir":
        valid = bool(code.strip()) and lower(engine, code)[0] is not None
    else:
        valid = bool(code.strip()) and _assembles(code)
    return {"input": unit.name, "pipeline": pipeline, "kind": want,
            "status": real.status, "parsed_answer": parsed is not None,
            "code_valid": valid,
            "exact_match": bool(expected) and code.strip() == (expected or "").strip(),
            "predicted_ir_instruction_count": parsed["ir_count"] if parsed else None,
            "predicted_binary_size": parsed["bin_size"] if parsed else None,
            "ir_instruction_count": real.ir_instruction_count,
            "binary_size": real.binary_size,
            "ir_count_ape_pct": _ape(parsed["ir_count"] if parsed else None,
                                     real.ir_instruction_count),
            "binary_size_ape_pct": _ape(parsed["bin_size"] if parsed else None,
                                        real.binary_size),
            "code": code[:20000]}


def dataset_records(paths, tasks: tuple[str, ...], limit: int | None = None) -> list[dict]:
    """Records of the given tasks from `compilerlm dataset` JSONL files or directories."""
    from ..errors import InputError
    from ..prompts.build import read_records

    out = [r for r in read_records(paths) if r.get("task") in tasks]
    if not out:
        raise InputError(f"no {'/'.join(tasks)} records in {', '.join(map(str, paths))}")
    return out[:limit] if limit else out


def eval_disasm(records, backend, engine: Engine, samples: int = 1, progress=None,
                max_tokens: int = 4096) -> dict:
    rows = []
    for i, r in enumerate(records):
        res = disassemble(r["output_asm"], backend, engine, samples=samples,
                          reference_ir=r.get("output_ir"), max_tokens=max_tokens)
        rows.append({"unit": r.get("unit"), **{k: v for k, v in res.items() if k != "ir"}})
        if progress:
            progress(i + 1, len(records), "records")
    n = len(rows)
    return {"task": "disasm", "model": backend.name, "records": n, "samples": samples,
            "round_trip_pct": round(100 * sum(x["round_trip"] for x in rows) / n, 2),
            "parsed_pct": round(100 * sum(x["parsed"] for x in rows) / n, 2),
            "exact_match_pct": round(100 * sum(bool(x["exact_match"]) for x in rows) / n, 2),
            "bleu_mean": round(sum(x["bleu"] for x in rows) / n, 4),
            "bleu_method": BLEU_METHOD,
            "per_record": rows}


def eval_emulate(records, backend, engine: Engine, progress=None,
                 max_tokens: int = 4096) -> dict:
    from ..unit import Unit

    rows = []
    for i, r in enumerate(records):
        unit = Unit(name=r.get("unit") or f"record-{i}", ir=r["input_ir"].encode())
        want = "asm" if r["task"].endswith("asm") else "ir"
        res = emulate(unit, r["passes"], backend, engine, want=want, max_tokens=max_tokens)
        rows.append({k: v for k, v in res.items() if k != "code"})
        if progress:
            progress(i + 1, len(records), "records")
    n = len(rows)

    def mape(key):
        vals = [x[key] for x in rows if x[key] is not None]
        return round(sum(vals) / len(vals), 4) if vals else None
    return {"task": "emulate", "model": backend.name, "records": n,
            "parsed_answer_pct": round(100 * sum(x["parsed_answer"] for x in rows) / n, 2),
            "code_valid_pct": round(100 * sum(x["code_valid"] for x in rows) / n, 2),
            "exact_match_pct": round(100 * sum(x["exact_match"] for x in rows) / n, 2),
            "ir_count_mape_pct": mape("ir_count_ape_pct"),
            "binary_size_mape_pct": mape("binary_size_ape_pct"),
            "per_record": rows}


def write_html(result: dict, path) -> None:
    """A one-page report: the summary numbers and one row per record."""
    import html

    summary = {k: v for k, v in result.items() if k != "per_record"}
    rows = result["per_record"]
    cols = [c for c in (rows[0].keys() if rows else []) if c not in ("error",)]
    doc = ["<!doctype html><html><head><meta charset='utf-8'><title>compilerlm eval "
           f"{html.escape(result['task'])}</title><style>body{{font-family:sans-serif;"
           "margin:2em}td,th{border:1px solid #ccc;padding:2px 6px}table{border-collapse:"
           "collapse}</style></head><body>",
           f"<h1>{html.escape(result['task'])}: {html.escape(result['model'])}</h1><table>"]
    doc += [f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
            for k, v in summary.items()]
    doc.append("</table><h2>Records</h2><table><tr>" +
               "".join(f"<th>{html.escape(c)}</th>" for c in cols) + "</tr>")
    for r in rows:
        doc.append("<tr>" + "".join(f"<td>{html.escape(str(r.get(c)))}</td>" for c in cols)
                   + "</tr>")
    doc.append("</table></body></html>")
    Path(path).write_text("\n".join(doc))
