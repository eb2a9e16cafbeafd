"""Flag tuning: the shipped model, `optimize`, `train-predictor` and `eval flagtune`."""

from __future__ import annotations

import gzip
import json
import math

import numpy as np
import pytest
from conftest import EXAMPLES, run_cli

SMALL = ["switch.c", "recursion.c", "globals.c"]


@pytest.fixture(scope="module")
def tuned_store(tmp_path_factory):
    """A small verified autotuner store (the bundled programs run on their inputs)."""
    db = tmp_path_factory.mktemp("flagtune") / "tune.sqlite"
    r = run_cli("autotune", *[EXAMPLES / n for n in SMALL], "--budget", "12",
                "--no-minimize", "--db", db, "--json")
    assert r.returncode == 0, r.stderr
    return db, json.loads(r.stdout)


def test_bundled_benchmark_programs_print_their_expected_output(engine):
    from compilerlm.flagtune.bench import benchmark_files
    from compilerlm.passlisteval import PassListEval
    from compilerlm.passlisteval.programs import benchmark_program

    files = benchmark_files()
    assert len(files) >= 19 and all(f.exists() for f in files)
    programs = [benchmark_program(f) for f in files]
    assert all(p.expected_stdout for p in programs)
    assert sum(bool(p.args) for p in programs) >= 8  # programs that take inputs
    # -Oz keeps every one of them printing exactly the recorded output.
    verdict = PassListEval(engine).check("default<Oz>", programs)
    assert verdict.accepted, verdict.failures


def test_shipped_models_load_and_rank_quickly(units):
    import time

    from compilerlm.predictor.model import Predictor, load_model
    from compilerlm.toolchain.passes import parse_pass_list

    for name in ("default", "library"):
        start = time.perf_counter()
        model = load_model(name)
        choice = model.propose(units["toolkit.c"], 9)
        elapsed = time.perf_counter() - start
        assert elapsed < 2.0  # milliseconds in practice (docs/flagtune.md); generous here
        assert len(choice.lists) == 9 and len({tuple(x) for x in choice.lists}) == 9
        for lst in choice.lists:
            parse_pass_list(lst)  # every proposed list is a valid LLVM 17 pipeline
        assert all(r > 0 for r in choice.predicted_ratios or [1.0])
        assert model.top1 not in ([], ["default<Oz>"])
    assert isinstance(load_model("library"), Predictor)


def test_refit_from_the_shipped_table_reproduces_the_model(tmp_path, units):
    from compilerlm.predictor.model import Predictor

    out = tmp_path / "refit.json.gz"
    r = run_cli("train-predictor", "--table", "library", "-o", out, "--json")
    assert r.returncode == 0, r.stderr
    shipped, refit = Predictor.load(), Predictor.load(out)
    assert refit.k == shipped.k and refit.lists == shipped.lists
    assert refit.meta["leave_one_out_geomean_gain_pct"] == \
        shipped.meta["leave_one_out_geomean_gain_pct"]
    for unit in units.values():  # same choices on every bundled benchmark program
        assert refit.propose(unit, 9).lists == shipped.propose(unit, 9).lists


def test_train_predictor_from_a_store_is_deterministic(tmp_path, tuned_store):
    from compilerlm.predictor.model import Predictor

    db, _ = tuned_store
    outs = []
    for name in ("a.json.gz", "b.json.gz"):
        r = run_cli("train-predictor", "--db", db, "-o", tmp_path / name, "--json")
        assert r.returncode == 0, r.stderr
        outs.append(json.loads(r.stdout))
    a, b = (gzip.decompress((tmp_path / n).read_bytes()) for n in ("a.json.gz", "b.json.gz"))
    assert json.loads(a)["lists"] == json.loads(b)["lists"]
    assert json.loads(a)["log_ratios"] == json.loads(b)["log_ratios"]
    model = Predictor.load(tmp_path / "a.json.gz")
    assert model.unit_names and len(model.lists) >= 2  # the -Oz lists at least
    assert np.isfinite(model.log_ratios).all()


def test_optimize_is_never_larger_than_oz_and_never_rejected(tmp_path, engine):
    from compilerlm.passlisteval import PassListEval, builtin_suite
    from compilerlm.passlisteval.programs import benchmark_program

    r = run_cli("optimize", EXAMPLES / "recursion.c", "--budget", "4", "-o",
                tmp_path / "out.o", "--json")
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    for key in ("passes", "binary_size", "oz_binary_size", "improvement_pct", "validated",
                "fallback"):
        assert key in rec
    assert rec["binary_size"] <= rec["oz_binary_size"] and rec["validated"]
    assert rec["compilations"] <= 4
    from compilerlm.toolchain.elf import object_size
    size = object_size((tmp_path / "out.o").read_bytes())
    assert size.text + size.data == rec["binary_size"]  # the written object is the result
    if not rec["fallback"]:
        programs = builtin_suite() + [benchmark_program(EXAMPLES / "recursion.c")]
        assert PassListEval(engine).check(rec["passes"], programs).accepted


def _model_with(lists, path):
    """A model file whose table makes `lists` its choices, best first."""
    from compilerlm.predictor.features import FEATURE_NAMES
    from compilerlm.predictor.model import Predictor

    n = 3
    ratios = np.array([[math.log(0.5 + 0.1 * j) for j in range(len(lists))]] * n)
    feats = np.random.default_rng(0).normal(size=(n, len(FEATURE_NAMES)))
    Predictor(lists=lists, features=feats, log_ratios=ratios, unit_names=["a", "b", "c"],
              k=3, top1=lists[0], meta={}).save(path)
    return path


def test_a_rejected_list_falls_back_to_oz(tmp_path):
    # attributor-cgscc miscompiles a built-in C++ program (docs/passlisteval.md).
    model = _model_with([["attributor-cgscc"], ["instcombine"]], tmp_path / "m.json.gz")
    r = run_cli("optimize", EXAMPLES / "globals.c", "--model", model, "--budget", "1", "--json")
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    assert rec["fallback"] and rec["passes"] is None
    assert rec["binary_size"] == rec["oz_binary_size"]
    assert rec["candidates"][0]["accepted"] is False


def test_optimize_a_directory_and_ir_output(tmp_path):
    d = tmp_path / "proj"
    d.mkdir()
    for n in SMALL:
        (d / n).write_text((EXAMPLES / n).read_text())
    (d / "notes.txt").write_text("ignored")
    r = run_cli("optimize", d, "--budget", "2", "-o", tmp_path / "objs", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert len(data["units"]) == 3 and data["totals"]["units"] == 3
    assert all(u["binary_size"] <= u["oz_binary_size"] for u in data["units"])
    assert len(list((tmp_path / "objs").glob("*.o"))) == 3
    r = run_cli("optimize", EXAMPLES / "switch.c", "--budget", "2", "-o", tmp_path / "s.ll")
    assert r.returncode == 0, r.stderr
    assert "define" in (tmp_path / "s.ll").read_text()


def test_optimize_check_run_with_a_users_program(tmp_path):
    prog = tmp_path / "p.c"
    prog.write_text('#include <stdio.h>\n#include <stdlib.h>\nint main(int c, char **v) {'
                    ' long n = c > 1 ? atol(v[1]) : 5, s = 0; for (long i = 0; i < n; i++)'
                    ' s += i * i; printf("%ld\\n", s); return 0; }\n')
    r = run_cli("optimize", prog, "--budget", "3", "--check-run", "100", "--json")
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    assert rec["binary_size"] <= rec["oz_binary_size"]


def test_eval_oz_is_exactly_zero_and_autotune_matches_its_store(tmp_path, tuned_store):
    db, tuned = tuned_store
    inputs = [EXAMPLES / n for n in SMALL]
    r = run_cli("eval", "flagtune", *inputs, "--model", "oz", "--budget", "2", "--json")
    assert r.returncode == 0, r.stderr
    oz = json.loads(r.stdout)
    for part in ("zero_shot", "with_fallback"):
        assert oz[part]["improvement_total_pct"] == 0
        assert oz[part]["improvement_geomean_pct"] == 0
        assert oz[part]["better_pct"] == 0 and oz[part]["worse_pct"] == 0

    r = run_cli("eval", "flagtune", *inputs, "--model", f"autotune:{db}", "--budget", "1",
                "--autotune-db", db, "--html", tmp_path / "r.html", "--json")
    assert r.returncode == 0, r.stderr
    at = json.loads(r.stdout)
    assert at["zero_shot"]["improvement_total_pct"] == tuned["improvement_total_pct"]
    assert at["zero_shot"]["improvement_geomean_pct"] == tuned["improvement_geomean_pct"]
    assert at["units"] == 3 and at["skipped"] == 0 and len(at["per_unit"]) == 3
    if tuned["improvement_total_pct"] > 0:
        assert at["zero_shot"]["autotuner_share_pct"] == 100.0
    html = (tmp_path / "r.html").read_text()
    assert "<svg" in html and "switch.c" in html


def test_eval_default_model_on_part_of_the_benchmark():
    r = run_cli("eval", "flagtune", EXAMPLES / "switch.c", EXAMPLES / "sha256.c",
                "--budget", "3", "--json")
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["model"] == "default" and res["units"] == 2
    wf, zs = res["with_fallback"], res["zero_shot"]
    assert wf["worse_pct"] == 0  # never worse than -Oz with the fallback
    assert wf["improvement_total_pct"] >= max(zs["improvement_total_pct"], 0) - 1e-9
    assert res["compilations_per_unit"] <= 3 and "mape_pct" in res


@pytest.mark.parametrize("args, message", [
    (["eval", "flagtune", "--model", "hf:/nope"], "no such model directory"),
    (["eval", "flagtune", "--model", "nonsense"], "unknown model"),
    (["optimize", "/no/such/file.c"], "no such file"),
    (["optimize", "x.c", "--budget", "0"], "budget"),
])
def test_bad_input_is_one_line(args, message, tmp_path):
    r = run_cli(*args, "--json", cwd=tmp_path)
    assert r.returncode != 0
    assert message.lower() in r.stderr.lower() and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_autotune_coreset_strategy_starts_from_the_models_lists(tmp_path):
    from compilerlm.corpus import load_unit
    from compilerlm.predictor.model import Predictor

    r = run_cli("autotune", EXAMPLES / "switch.c", "--budget", "12", "--strategy", "coreset",
                "--no-minimize", "--db", tmp_path / "t.sqlite", "--json")
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)["programs"][0]
    assert rec["strategy"] == "coreset" and rec["validated"]
    assert rec["evaluations"]["search"] == 12
    assert rec["best_binary_size"] <= rec["oz_binary_size"]
    # The model's first list was among the candidates measured.
    first = Predictor.load("library").propose(load_unit(EXAMPLES / "switch.c"), 1).lists[0]
    r = run_cli("results", "--db", tmp_path / "t.sqlite", "--evaluations", "--export",
                tmp_path / "e.jsonl", "--json")
    assert r.returncode == 0, r.stderr
    from compilerlm.toolchain.passes import parse_pass_list
    pipelines = {json.loads(x)["pipeline"] for x in (tmp_path / "e.jsonl").read_text().split("\n")
                 if x.strip()}
    assert parse_pass_list(first).pipeline in pipelines
