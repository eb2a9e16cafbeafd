"""Datasets for the three tasks: exact prompts, exact answers, verification, splits, corpus."""

import json

import pytest
from conftest import DATA, EXAMPLES, run_cli

from compilerlm.corpus import load_unit
from compilerlm.corpus.corpus import build_corpus, corpus_stats, load_corpus
from compilerlm.prompts.build import (
    BuildStats,
    build_disasm,
    build_emulation,
    build_flagtune,
    filter_by_tokens,
    split_of,
    write_dataset,
)
from compilerlm.prompts.templates import (
    DISASSEMBLY,
    EMULATION_ASM,
    EMULATION_IR,
    FLAG_TUNING,
    parse_emulation_answer,
    parse_flag_tuning_answer,
)
from compilerlm.prompts.tokens import TokenCounter
from compilerlm.prompts.verify import verify
from compilerlm.toolchain.passes import parse_pass_list
from compilerlm.unit import Unit


def test_prompts_are_the_released_strings():
    """Character for character what Meta's demo sends (section 5 of the facts file)."""
    assert FLAG_TUNING.format(ir="X") == (
        "[INST] Tell me how to optimize this LLVM-IR for object file size:\n\n<code>X</code> [/INST]")
    assert DISASSEMBLY.format(asm="A") == (
        "[INST] Disassemble this code to LLVM-IR:\n\n<code>A</code> [/INST]")
    assert EMULATION_IR.format(passes="module(default<Oz>)", ir="I", ir_count=3, bin_size=9) == (
        "[INST] Give the LLVM-IR for the following code when optimized using opt -p "
        "'module(default<Oz>)':\n\n<code>I</code>\n\nThe input code has instruction count 3 "
        "and binary size 9 bytes. [/INST]")
    assert EMULATION_ASM.format(passes="p", ir="I", ir_count=1, bin_size=2).startswith(
        "[INST] Give the assembly for the following code when optimized using opt -p 'p'")


@pytest.fixture(scope="module")
def small_units():
    return [load_unit(EXAMPLES / "fnptr.c"), load_unit(EXAMPLES / "switch.c"),
            Unit("tiny.ll", (DATA / "tiny.ll").read_bytes())]


def test_emulation_records_are_exact_and_verifiable(engine, small_units, tmp_path):
    records, stats = build_emulation(small_units, engine, lists_per_unit=3, seed=4)
    assert stats.units == 3 and len(records) + 2 * sum(stats.excluded.values()) == 3 * 3 * 2
    for r in records:
        template = EMULATION_IR if r["task"] == "emulation-ir" else EMULATION_ASM
        assert r["prompt"] == template.format(passes=r["pipeline"], ir=r["input_ir"],
                                              ir_count=r["input_ir_instruction_count"],
                                              bin_size=r["input_binary_size"])
        answer = parse_emulation_answer(r["completion"])
        assert answer["bin_size"] == r["output_binary_size"]
        assert answer["code"] == (r["output_ir"] if r["task"] == "emulation-ir" else r["output_asm"])
        assert "/work" not in r["input_ir"] and "source_filename = \"-\"" in r["input_ir"]
    stats_ = BuildStats(units=3)
    kept = filter_by_tokens(records, TokenCounter.load(None), "emulation", 10 ** 6, stats_)
    write_dataset(kept, tmp_path, task="emulation", stats=stats_, tokenizer="t",
                  provenance=["bundled examples"])
    report = verify(tmp_path, engine)
    assert report["ok"] and report["records_checked"] == len(kept)

    # An altered record fails verification, through the CLI too (exit 1).
    path = next(p for p in tmp_path.glob("emulation-*.jsonl") if p.read_text().strip())
    lines = path.read_text().splitlines()
    rec = json.loads(lines[0])
    rec["output_binary_size"] += 1
    path.write_text("\n".join([json.dumps(rec)] + lines[1:]) + "\n")
    assert not verify(tmp_path, engine)["ok"]
    r = run_cli("dataset", "verify", tmp_path, "--json")
    assert r.returncode == 1 and json.loads(r.stdout)["records_failed"] == 1


def test_flagtune_answers_read_back_exactly(engine, small_units):
    records, _ = build_flagtune(small_units[:2], engine, budget=12, validate=False)
    assert len(records) == 2
    for r in records:
        answer = parse_flag_tuning_answer(r["completion"])
        assert answer["passes"] == parse_pass_list(r["passes"])
        assert answer["passes"].pipeline == r["pipeline"]
        assert (answer["before"], answer["after"]) == (r["input_binary_size"],
                                                       r["output_binary_size"])
        assert answer["code"] == r["output_ir"]
        assert r["prompt"] == FLAG_TUNING.format(ir=r["input_ir"])
    assert parse_flag_tuning_answer("no idea, sorry") is None  # a failed prediction


def test_disassembly_pairs(engine, small_units, tmp_path):
    records, stats = build_disasm(small_units, engine)
    assert len(records) == 3
    for r in records:
        assert r["prompt"] == DISASSEMBLY.format(asm=r["output_asm"])
        assert r["completion"] == f"<code>{r['output_ir']}</code>" and ".text" in r["output_asm"]


def test_splits_are_by_program():
    names = [f"prog{i}.c" for i in range(300)]
    splits = {n: split_of(n) for n in names}
    assert set(splits.values()) == {"train", "validation", "test"}
    assert all(split_of(n) == s for n, s in splits.items())  # one split per program, always
    assert 200 < sum(s == "train" for s in splits.values()) < 280
    # the functions --split-long cuts out of a unit stay in the unit's split
    assert all(split_of(f"{n}#f{i}") == s for n, s in splits.items() for i in range(3))


def test_cli_datasets_end_to_end(tmp_path):
    out = tmp_path / "ds"
    r = run_cli("dataset", "disasm", EXAMPLES / "fnptr.c", EXAMPLES / "globals.c", "-o", out,
                "--json")
    card = json.loads(r.stdout)
    assert r.returncode == 0 and card["records"] == 2 and card["tokenizer"]
    assert (out / "README.md").exists() and list(out.glob("disasm-*.parquet"))
    assert json.loads(run_cli("dataset", "verify", out, "--json").stdout)["ok"]
    stats = json.loads(run_cli("dataset", "stats", out, "--json").stdout)
    assert stats["disasm"]["records"] == 2


def test_corpus_dedups_and_feeds_datasets(tmp_path):
    units = [load_unit(EXAMPLES / "fnptr.c"), load_unit(EXAMPLES / "fnptr.c"),
             load_unit(EXAMPLES / "globals.c")]
    summary = build_corpus(units, tmp_path / "c", provenance="bundled examples", licence="Apache-2.0")
    assert summary["added"] == 2 and summary["duplicates"] == 1
    assert corpus_stats(tmp_path / "c")["units"] == 2
    again = build_corpus(units[:1], tmp_path / "c")
    assert again["added"] == 0 and again["units"] == 2
    assert [u.hash for u in load_corpus(tmp_path / "c")] == [units[0].hash, units[2].hash]
    r = run_cli("dataset", "disasm", tmp_path / "c", "-o", tmp_path / "ds", "--json")
    assert json.loads(r.stdout)["records"] == 2


def test_a_killed_dataset_run_resumes_where_it_stopped(tmp_path):
    """SIGKILL part way through `dataset disasm`; the rerun builds only the units left and
    writes the same records as an uninterrupted run. (Disassembly, because some random
    emulation lists are nondeterministic in LLVM and are dropped in one run, kept in another.)"""
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import EXAMPLES, run_cli

    inputs = [EXAMPLES / n for n in ("switch.c", "globals.c", "recursion.c", "loops.c",
                                     "fnptr.c", "strings.c", "structs.c", "float.c",
                                     "sudoku.c", "wordfreq.c", "lz77.c", "bignum.c")]
    full = run_cli("dataset", "disasm", *inputs, "-o", tmp_path / "full", "--workers", "1",
                   "--json")
    assert full.returncode == 0, full.stderr
    out = tmp_path / "killed"
    env = {**os.environ, "COMPILERLM_CACHE_DIR": str(tmp_path / "cache2")}
    proc = subprocess.Popen([sys.executable, "-m", "compilerlm.cli", "dataset", "disasm",
                             *map(str, inputs), "-o", str(out), "--workers", "1", "--json"],
                            env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    def spooled() -> str:
        return "".join(f.read_text() for f in (out / ".partial").glob("disasm-*.jsonl"))

    deadline = time.time() + 300
    while time.time() < deadline and not ((out / ".partial").exists() and spooled().strip()):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert spooled().strip(), "no chunk finished before the kill"
    again = run_cli("dataset", "disasm", *inputs, "-o", out, "--workers", "1", "--json",
                    env={"COMPILERLM_CACHE_DIR": str(tmp_path / "cache2")})
    assert again.returncode == 0, again.stderr
    # Chunks of 4 units (4 x 1 worker): the kill came after the first, maybe the second.
    assert "resumed: 4 units" in again.stderr or "resumed: 8 units" in again.stderr
    assert not (out / ".partial").exists()
    for f in sorted((tmp_path / "full").glob("*.jsonl")):
        assert (out / f.name).read_text() == f.read_text()


def test_split_long_turns_an_over_long_unit_into_functions(tmp_path):
    import json

    from conftest import EXAMPLES, run_cli

    r = run_cli("dataset", "disasm", EXAMPLES / "toolkit.c", EXAMPLES / "switch.c", "-o",
                tmp_path / "d", "--max-tokens", "30000", "--split-long", "--json")
    assert r.returncode == 0, r.stderr
    assert "split 1 units" in r.stderr
    units = {json.loads(x)["unit"] for f in (tmp_path / "d").glob("*.jsonl")
             for x in f.read_text().splitlines() if x.strip()}
    assert any("toolkit.c#" in u for u in units)  # pieces, one per function
    assert any(u.endswith("switch.c") for u in units)  # short units stay whole


def test_units_whose_input_ir_cannot_fit_are_left_out_before_their_lists_run(engine,
                                                                              small_units):
    """Emulation and flag-tuning prompts hold the input IR: a unit whose IR alone is over the
    context costs its input measurement, never its lists (a third of a real corpus)."""
    counter = TokenCounter.load(None)
    tiny = small_units[2]
    limit = counter.count(tiny.ir.decode()) * 2  # tiny.ll fits, the C examples do not
    records, stats = build_emulation(small_units, engine, lists_per_unit=2, seed=1,
                                     fits=lambda ir: counter.count(ir) <= limit)
    assert stats.units == 3
    assert stats.excluded.get("input IR over the context limit") == 2
    assert records and {r["unit"] for r in records} == {"tiny.ll"}


def test_the_approximate_count_is_the_bytelevel_pre_tokenizers(engine, small_units):
    """The offline count equals the number of pieces `tokenizers`' ByteLevel pre-tokenizer
    makes, on IR, assembly and text with non-ASCII letters, digits and runs of spaces."""
    from tokenizers.pre_tokenizers import ByteLevel

    pre = ByteLevel(add_prefix_space=False)
    counter = TokenCounter.load(None)
    m = engine.measure(small_units[0], ["default<Oz>"], want_ir=True, want_asm=True)
    texts = [m.ir, m.asm, small_units[2].ir.decode(),
             "Größe 12 345  bytes;\n\n  it's   ünïcode\t\tand 'll 'd\n"]
    for text in texts:
        assert counter.count(text) == len(pre.pre_tokenize_str(text)) > 0
