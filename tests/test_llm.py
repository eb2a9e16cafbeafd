"""LLM backends on a tiny transformers model the tests create (no downloads): hf:PATH,
`compilerlm serve` + openai:URL, and flag tuning whose garbage answers end in -Oz."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import EXAMPLES, run_cli


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A 2-layer Llama (RoPE base 1e6, as LLM Compiler) with a byte-level BPE tokenizer
    trained on a bundled program: random weights, so it answers garbage."""
    import torch

    from compilerlm.llm.train import TrainConfig, _new_model, _new_tokenizer

    d = tmp_path_factory.mktemp("tiny-llm")
    fast = _new_tokenizer([{"prompt": (EXAMPLES / "switch.c").read_text(),
                            "completion": "Run passes -p 'sroa,gvn' to reduce"}], 400)
    fast.save_pretrained(d)
    torch.manual_seed(0)
    config = TrainConfig(data=[], out=str(d), hidden_size=32, layers=2, heads=2,
                         context=16384)  # RoPE base 1e6 by default, as LLM Compiler
    _new_model(config, fast).save_pretrained(d, safe_serialization=True)
    return d


def test_hf_backend_returns_n_completions(tiny_model):
    from compilerlm.llm.backends import Generation, HFBackend

    backend = HFBackend(str(tiny_model))
    texts = backend.complete("[INST] hello [/INST]", Generation(n=3, temperature=0.9,
                                                                 max_tokens=8))
    assert len(texts) == 3 and all(isinstance(t, str) for t in texts)
    greedy = backend.complete("[INST] hello [/INST]", Generation(max_tokens=8))
    assert greedy == backend.complete("[INST] hello [/INST]", Generation(max_tokens=8))


def test_garbage_answers_end_in_a_clean_oz_fallback(tiny_model):
    r = run_cli("optimize", EXAMPLES / "switch.c", "--model", f"hf:{tiny_model}",
                "--budget", "3", "--json")
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    assert rec["fallback"] and rec["binary_size"] == rec["oz_binary_size"]
    assert "no pass list" in rec["model_note"]


def test_an_answer_with_a_pass_list_is_read_and_verified(engine, units):
    """The parse-and-check path, with answers written out (what a trained model says)."""
    from compilerlm.flagtune.llm_model import LLMFlagTuner, read_pass_list
    from compilerlm.flagtune.tuning import tune_unit
    from compilerlm.passlisteval import Verifier

    answer = ("Run passes -p 'module(default<Oz>),function(loop-mssa(licm))' to reduce the "
              "binary size from 837 to 800 bytes. The optimized code:\n\n<code>...</code>")
    assert read_pass_list(answer) == ["default<Oz>", "licm"]
    assert read_pass_list("opt -passes=sroa,gvn") == ["sroa", "gvn"]
    assert read_pass_list("certainly! <code>define</code>") is None
    assert read_pass_list("") is None

    class Scripted:  # a backend that says what a model would say
        name = "scripted"

        def complete(self, prompt, gen):
            assert prompt.startswith("[INST] Tell me how to optimize this LLVM-IR")
            return ["-p 'loop-rotate,default<Oz>'"] + ["nonsense"] * (gen.n - 1)

    outcome = tune_unit(units["switch.c"], LLMFlagTuner(Scripted()), engine, budget=3,
                        verifier=Verifier(engine))
    assert outcome.candidates[0].passes == ["loop-rotate", "default<Oz>"]
    assert outcome.binary_size <= outcome.oz_binary_size
    if not outcome.fallback:
        assert outcome.candidates[0].accepted


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_and_the_openai_backend(tiny_model):
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "compilerlm.cli", "serve", "--model",
                               f"hf:{tiny_model}", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/v1"
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as resp:
                    assert json.loads(resp.read())["data"]
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.5)
        from compilerlm.llm.backends import Generation, OpenAIBackend

        texts = OpenAIBackend(url).complete("[INST] hi [/INST]",
                                            Generation(n=2, temperature=0.7, max_tokens=6))
        assert len(texts) == 2
        r = run_cli("optimize", EXAMPLES / "recursion.c", "--model", f"openai:{url}",
                    "--budget", "2", "--json")
        assert r.returncode == 0, r.stderr
        rec = json.loads(r.stdout)
        assert rec["binary_size"] <= rec["oz_binary_size"]
        r = run_cli("eval", "flagtune", EXAMPLES / "globals.c", "--model", f"openai:{url}",
                    "--json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["with_fallback"]["worse_pct"] == 0
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_pickle_checkpoints_and_dead_servers_are_one_line_errors(tmp_path):
    (tmp_path / "pytorch_model.bin").write_bytes(b"not loaded")
    r = run_cli("optimize", EXAMPLES / "switch.c", "--model", f"hf:{tmp_path}")
    assert r.returncode == 2 and "pickle" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    r = run_cli("optimize", EXAMPLES / "switch.c", "--model",
                f"openai:http://127.0.0.1:{_free_port()}/v1")
    assert r.returncode != 0 and "cannot reach the server" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_train_from_scratch_lowers_the_loss_resumes_and_reloads(tmp_path):
    """A few steps of LLM Compiler's recipe on a real disassembly dataset: the loss falls, a
    rerun resumes from the checkpoint, and the checkpoint loads as hf:PATH."""
    data = tmp_path / "dis"
    r = run_cli("dataset", "disasm", EXAMPLES / "switch.c", EXAMPLES / "globals.c",
                EXAMPLES / "loops.c", "-o", data, "--json")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "model"
    common = ["train", data, "-o", out, "--context", "4096", "--hidden-size", "32",
              "--layers", "2", "--heads", "2", "--vocab-size", "400", "--warmup-steps", "5",
              "--peak-lr", "3e-3", "--save-every", "10", "--json"]
    r = run_cli(*common, "--steps", "30")
    assert r.returncode == 0, r.stderr
    first = json.loads(r.stdout)
    assert first["resumed_from"] == 0
    losses = [json.loads(x)["loss"] for x in (out / "log.jsonl").read_text().splitlines()]
    assert len(losses) == 30
    assert sum(losses[-5:]) / 5 < 0.8 * sum(losses[:5]) / 5  # it learns
    state = json.loads((out / "trainer_state.json").read_text())
    assert state["step"] == 30 and state["config"]["betas"] == [0.9, 0.95]
    assert state["config"]["rope_theta"] == 1e6
    assert list(out.glob("*.safetensors")) and not list(out.glob("*.bin"))

    r = run_cli(*common, "--steps", "35")
    assert r.returncode == 0, r.stderr
    again = json.loads(r.stdout)
    assert again["resumed_from"] == 30 and again["steps"] == 35
    assert len((out / "log.jsonl").read_text().splitlines()) == 35

    from compilerlm.llm.backends import Generation, HFBackend
    assert len(HFBackend(str(out)).complete("[INST] x [/INST]", Generation(max_tokens=4))) == 1


def test_the_learning_rate_schedule_is_the_papers():
    from compilerlm.llm.train import TrainConfig, lr_factor

    cfg = TrainConfig(data=[], out="", steps=11000)
    assert lr_factor(0, cfg) == pytest.approx(1 / 1000)
    assert lr_factor(999, cfg) == pytest.approx(1.0)
    assert lr_factor(11000, cfg) == pytest.approx(1 / 30)
    assert lr_factor(6000, cfg) == pytest.approx(1 / 30 + (1 - 1 / 30) * 0.5)
    assert cfg.lr == 3e-4 and TrainConfig(data=[], out="", init="hf:x").lr == 2e-5


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    d = tmp_path_factory.mktemp("llm-data")
    for task, extra in (("disasm", []), ("emulation", ["--lists", "1"])):
        r = run_cli("dataset", task, EXAMPLES / "switch.c", "-o", d / task, *extra, "--json")
        assert r.returncode == 0, r.stderr
    return d


def _first_record(directory):
    lines = [x for f in sorted(directory.glob("*.jsonl")) for x in f.read_text().splitlines()
             if x.strip()]
    return json.loads(lines[0])


def test_a_perfect_disassembly_round_trips_and_garbage_does_not(engine, datasets):
    from compilerlm.llm.tasks import disassemble, emulate

    record = _first_record(datasets / "disasm")

    class Says:
        name = "says"

        def __init__(self, *answers):
            self.answers = list(answers)

        def complete(self, prompt, gen):
            return [self.answers.pop(0) for _ in range(gen.n)]

    best = disassemble(record["output_asm"], Says("garbage", record["completion"]), engine,
                       samples=2, reference_ir=record["output_ir"])
    assert best["round_trip"] and best["success_at"] == 2 and best["bleu"] == 100.0
    assert best["exact_match"]
    bad = disassemble(record["output_asm"], Says("<code>define void @f() {\n  ret void\n}"
                                                 "</code>"), engine)
    assert bad["parsed"] and not bad["round_trip"] and 0 <= bad["bleu"] < 100

    emu = _first_record(datasets / "emulation")
    from compilerlm.unit import Unit
    unit = Unit(name="switch", ir=emu["input_ir"].encode())
    want = "asm" if emu["task"].endswith("asm") else "ir"
    right = emulate(unit, emu["passes"], Says(emu["completion"]), engine, want=want)
    assert right["exact_match"] and right["code_valid"]
    assert right["binary_size_ape_pct"] == 0 and right["ir_count_ape_pct"] == 0


def test_all_three_tasks_run_end_to_end_with_a_tiny_model(tiny_model, datasets, tmp_path):
    model = f"hf:{tiny_model}"
    record = _first_record(datasets / "disasm")
    asm = tmp_path / "f.s"
    asm.write_text(record["output_asm"])
    r = run_cli("disasm", asm, "--model", model, "--samples", "2", "--max-tokens", "16",
                "--json")
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["round_trip"] is False and res["ir"] is None and res["samples"] == 2
    r = run_cli("emulate", EXAMPLES / "switch.c", "-p", "sroa,gvn", "--model", model,
                "--max-tokens", "16", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["binary_size"] > 0
    # Answers are capped (here and above): a tiny model's 4,096 tokens took minutes on a busy
    # 2-core machine.
    r = run_cli("eval", "disasm", datasets / "disasm", "--model", model, "--limit", "1",
                "--max-tokens", "16", "--html", tmp_path / "d.html", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["round_trip_pct"] == 0 and (tmp_path / "d.html").exists()
    r = run_cli("eval", "emulate", datasets / "emulation", "--model", model, "--limit", "1",
                "--max-tokens", "16", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["records"] == 1


def test_serve_beyond_loopback_warns_that_there_is_no_authentication(tiny_model):
    server = subprocess.Popen([sys.executable, "-m", "compilerlm.cli", "serve", "--model",
                               f"hf:{tiny_model}", "--host", "0.0.0.0", "--port", "0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in server.stderr:
            lines.append(line)
            if line.startswith("serving"):
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert any("warning:" in ln and "no authentication" in ln for ln in lines), lines
