"""The autotuner: verified search on the bundled programs, minimisation, resume after kill -9,
broadcast, export, and the same results on local workers and on a real local Ray cluster."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import DATA, EXAMPLES, run_cli

from compilerlm.autotune import AutotuneConfig, AutotuneStore, autotune, broadcast, minimize
from compilerlm.autotune.config import OZ_LISTS
from compilerlm.autotune.random_search import random_lists
from compilerlm.corpus import load_unit
from compilerlm.metrics import summarize
from compilerlm.toolchain.engine import Engine
from compilerlm.unit import Unit

PROGRAMS = ["loops.c", "fnptr.c", "float.c", "structs.c"]


@pytest.fixture(scope="module")
def tuned(tmp_path_factory):
    """A short verified run (the default search, guided, budget 40) on four bundled programs."""
    db = tmp_path_factory.mktemp("tune") / "tune.sqlite"
    units = [load_unit(EXAMPLES / n) for n in PROGRAMS]
    config = AutotuneConfig(budget=40, seed=1, insertion=False)
    with Engine(workers=2, cache_path=db) as engine:
        records = autotune(units, config, engine, AutotuneStore(db))
    return db, units, config, records


def test_short_verified_run_beats_or_matches_oz(tuned):
    db, units, config, records = tuned
    assert [r.input for r in records] == [u.name for u in units]
    for r in records:
        assert r.validated is True
        assert r.best_binary_size <= r.oz_binary_size, r.input
        assert r.evaluations.search == 40 and r.evaluations.baseline == 2
    assert any(r.best_binary_size < r.oz_binary_size for r in records)
    s = summarize(records)
    assert s["improvement_total_pct"] > 0 and s["validated"] == len(PROGRAMS)


def test_stored_best_lists_reproduce_their_sizes(tuned, tmp_path):
    db, units, _, records = tuned
    with Engine(workers=2, use_cache=False) as fresh:
        for unit, r in zip(units, records):
            assert fresh.measure(unit, list(r.best_passes)).binary_size == r.best_binary_size
    r = records[0]
    out = run_cli("size", EXAMPLES / PROGRAMS[0], "--passes", ",".join(r.best_passes),
                  "--json", "--no-cache")
    assert json.loads(out.stdout)["binary_size"] == r.best_binary_size


def test_oz_lists_stand_for_clang_oz_on_the_bundled_programs(engine, units):
    """min(default<Oz>, default<Oz>,slp-vectorizer) is clang -Oz's size on every bundled
    program but one: on events.cpp (std::priority_queue, std::map) the textual pipeline is
    0.4 % larger (9,380 against 9,345 bytes), which is why results are compared with clang -Oz
    itself and the flag tuner's fallback is clang -Oz, not a pass list."""
    for name, unit in units.items():
        sizes = [engine.measure(unit, lst).binary_size for lst in OZ_LISTS]
        oz = engine.oz_baseline(unit).binary_size
        if name == "events.cpp":
            assert oz < min(sizes) <= oz * 1.01
        else:
            assert min(sizes) == oz, name


def _sizes_of(engine, unit):
    def sizes(lists):
        return [m.binary_size if m.ok else None
                for m in engine.measure_many([(unit, lst) for lst in lists])]
    return sizes


@pytest.mark.parametrize("name, insert", [("switch.c", False), ("tiny.ll", True)])
def test_minimised_lists_keep_only_passes_that_matter(engine, units, name, insert):
    # The insertion search tries all 135 passes at every position: a tiny unit keeps it quick.
    unit = units[name] if name in units else Unit(name, (DATA / name).read_bytes())
    sizes = _sizes_of(engine, unit)
    start = random_lists(seed=5, program_hash=unit.hash, start=0, count=1)[0][:25]
    if insert:
        start = ["instcombine", "sroa", "loop-rotate"]
    (before,) = sizes([start])
    best, size = minimize(start, sizes, insert=insert)
    assert size <= before
    assert sizes([best]) == [size]
    drops = sizes([best[:i] + best[i + 1:] for i in range(len(best))])
    assert all(d is None or d > size for d in drops)  # every pass matters
    if not insert:
        assert len(best) < len(start)


def test_same_seed_same_lists_whatever_the_workers():
    a = random_lists(seed=3, program_hash="b2:x", start=0, count=20)
    b = random_lists(seed=3, program_hash="b2:x", start=10, count=10)
    assert a[10:] == b and a != random_lists(seed=4, program_hash="b2:x", start=0, count=20)
    assert all(1 <= len(lst) <= 50 for lst in a)


def test_broadcast_and_export(tuned, tmp_path):
    db, units, config, records = tuned
    before = {r.input: r.best_binary_size for r in records}
    with Engine(workers=2, cache_path=db) as engine:
        updated = broadcast(AutotuneStore(db), engine, top=3)
    assert len(updated) == len(records)
    for r in updated:
        assert r.best_binary_size <= before[r.input]
        assert r.evaluations.broadcast >= 1
    out = tmp_path / "results.jsonl"
    r = run_cli("results", "--db", db, "--export", out, "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 0 and len(doc["programs"]) == len(records)
    assert len(out.read_text().splitlines()) == len(records)
    pq = tmp_path / "evals.parquet"
    assert run_cli("results", "--db", db, "--export", pq, "--evaluations").returncode == 0
    import pyarrow.parquet as pq_mod
    table = pq_mod.read_table(pq)
    assert table.num_rows >= 4 * 42 and "pipeline" in table.column_names


def _autotune_cmd(db, strategy="random", *extra):
    # random without validation: the paper's search alone; guided verifies lists during
    # its search, so its resume also replays PassListEval's verdicts
    validate = ["--no-validate"] if strategy == "random" else []
    return [sys.executable, "-m", "compilerlm.cli", "autotune", str(EXAMPLES / "interp.c"),
            str(EXAMPLES / "strings.c"), "--db", str(db), "--budget", "60", "--seed", "7",
            "--strategy", strategy, *validate, "--no-minimize", "--json", *extra]


def _rows(db):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT COUNT(*) FROM measurements").fetchone()[0]


@pytest.mark.parametrize("strategy", ["random", "guided"])
def test_kill_9_and_resume_loses_nothing_and_repeats_nothing(tmp_path, strategy):
    full = subprocess.run(_autotune_cmd(tmp_path / "full.sqlite", strategy), capture_output=True,
                          text=True, timeout=900)
    assert full.returncode == 0, full.stderr
    db = tmp_path / "killed.sqlite"
    proc = subprocess.Popen(_autotune_cmd(db, strategy), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline:
        time.sleep(0.2)
        try:
            if _rows(db) >= 30:
                break
        except sqlite3.Error:
            pass
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = _rows(db)
    assert 0 < done_before < _rows(tmp_path / "full.sqlite")
    resumed = subprocess.run(_autotune_cmd(db, strategy), capture_output=True, text=True,
                             timeout=900)
    assert resumed.returncode == 0, resumed.stderr

    def computed(run):
        return int(run.stderr.split(" evaluations computed")[0].split()[-1])

    # Equal results need sizes that never depend on what a worker compiled before (the
    # codegen memo broke that for guided, whose next lists follow measured sizes:
    # docs/engine.md).
    assert json.loads(resumed.stdout) == json.loads(full.stdout)
    assert _rows(db) == _rows(tmp_path / "full.sqlite")
    if strategy == "random":
        assert computed(resumed) == _rows(db) - done_before  # nothing finished was redone
    else:  # its verification builds are rows too, so rows are not evaluations here
        assert computed(resumed) < computed(full)
    again = subprocess.run(_autotune_cmd(db, strategy), capture_output=True, text=True,
                           timeout=900)
    assert json.loads(again.stdout) == json.loads(full.stdout)  # a finished run: the same


def test_local_workers_and_a_local_ray_cluster_agree(tmp_path):
    ray = pytest.importorskip("ray")
    units = [load_unit(EXAMPLES / "fnptr.c")]
    config = AutotuneConfig(budget=12, seed=2, validate=False, insertion=False,
                            strategy="random")
    with Engine(workers=2, cache_path=tmp_path / "local.sqlite") as local:
        expected = autotune(units, config, local, AutotuneStore(tmp_path / "local.sqlite"))
    try:
        with Engine(workers=2, cache_path=tmp_path / "ray.sqlite", ray="local") as on_ray:
            got = autotune(units, config, on_ray, AutotuneStore(tmp_path / "ray.sqlite"))
            pids = on_ray.pool.worker_pids()
    finally:
        ray.shutdown()
    assert got == expected
    assert len(set(pids)) >= 2 and os.getpid() not in pids  # real worker processes


@pytest.mark.parametrize("strategy", ["random", "evolve", "guided"])
def test_a_unit_that_defines_nothing_is_a_record_not_a_crash(tmp_path, strategy):
    """Real corpora have such files (pycryptodome's cast5.c only declares): every list is
    `invalid_input`, and the run goes on to the next unit."""
    empty = tmp_path / "decls.c"
    empty.write_text("int f(int);\nextern int g;\n")
    r = run_cli("autotune", empty, EXAMPLES / "globals.c", "--budget", "6", "--strategy",
                strategy, "--no-minimize", "--db", tmp_path / "t.sqlite", "--json")
    # The other input's result is written, and the exit status says one input was unusable.
    assert r.returncode == 1 and "1 of 2 inputs could not be used" in r.stderr, r.stderr
    assert "decls.c" in r.stderr and len(r.stderr.strip().splitlines()) == 2  # summary + error
    records = json.loads(r.stdout)["programs"]
    assert len(records) == 2
    first = next(x for x in records if x["input"].endswith("decls.c"))
    assert first["best_binary_size"] is None and first["improvement_pct"] is None


def test_guided_search_breeds_only_from_verified_lists():
    """verified_parents: lists smaller than the first accepted one are checked (once) and
    left out when rejected; larger ones are not checked at all."""
    from compilerlm.autotune.strategies import verified_parents
    found = {("a",): 10, ("b",): 20, ("c",): 30, ("d",): 40, ("e",): 50}
    asked = []

    def check(lst):
        asked.append(lst)
        return lst not in {("a",), ("b",)}  # the two smallest break programs

    verdicts = {}
    assert verified_parents(found, verdicts, check, 2) == [("c",), ("d",)]
    assert asked == [("a",), ("b",), ("c",)]
    assert verified_parents(found, verdicts, check, 8) == [("c",), ("d",), ("e",)]
    assert asked == [("a",), ("b",), ("c",)]  # verdicts are remembered
    found[("f",)] = 5  # a new smallest list: checked before it may breed
    assert verified_parents(found, verdicts, lambda lst: True, 1) == [("f",)]


def test_guided_mutations_include_the_list_run_twice():
    """One of guided's mutations repeats the whole parent after itself (capped at the paper's
    50 passes); the others still make small moves."""
    import random

    from compilerlm.autotune.random_search import MAX_LENGTH
    from compilerlm.autotune.strategies import _mutate
    rng, space = random.Random(0), ["sroa", "gvn", "loop-rotate"]
    parent = ["default<Oz>", "break-crit-edges", "loop-rotate", "default<Oz>"]
    children = [_mutate(rng, parent, ["gvn"], space) for _ in range(200)]
    assert parent + parent in children
    assert any(len(c) in (3, 4, 5) for c in children)  # delete, replace, insert, swap
    long = ["sroa"] * 30
    assert all(len(_mutate(rng, long, long, space)) <= MAX_LENGTH for _ in range(100))


def test_guided_search_gives_verified_deterministic_results(tmp_path):
    """The guided strategy on real programs with the real verifier: every result is
    validated and at least as small as the -Oz lists, and a second run (fresh engine, same
    store) gives the same lists."""
    units = [load_unit(EXAMPLES / n) for n in ("loops.c", "switch.c")]
    config = AutotuneConfig(budget=48, seed=2, strategy="guided", minimize=False)
    runs = []
    for name in ("a", "b"):
        db = tmp_path / f"{name}.sqlite"
        with Engine(workers=2, cache_path=db) as engine:
            runs.append(autotune(units, config, engine, AutotuneStore(db)))
    for r in runs[0]:
        assert r.validated is True and r.evaluations.search == 48
        assert r.raw_best_binary_size <= r.best_binary_size <= r.oz_binary_size
        assert r.lists_verified_in_search >= 1
    key = lambda rs: [(r.best_passes, r.best_binary_size) for r in rs]
    assert key(runs[0]) == key(runs[1])


def _record_sent(engine) -> list:
    """Every list the engine is asked to measure from now on, in order."""
    sent = []
    real = engine.measure_many

    def spy(requests):
        sent.extend(tuple(lst) for _, lst in requests)
        return real(requests)

    engine.measure_many = spy
    return sent


def test_guided_search_spends_its_budget_on_new_lists(tmp_path):
    """Bred children that repeat a measured list are bred again: over a real guided search
    (no validation, so every list may breed) the lists it sends to the engine are all new,
    apart from the model's first lists, which may hold the -Oz lists measured as baselines."""
    from compilerlm.autotune.strategies import _Evaluator, search_guided
    unit = load_unit(EXAMPLES / "switch.c")
    with Engine(workers=2, cache_path=tmp_path / "c.sqlite") as engine:
        sent = _record_sent(engine)
        ev = _Evaluator(engine, unit)
        found = dict(zip(map(tuple, OZ_LISTS), ev.sizes([list(x) for x in OZ_LISTS],
                                                          "baseline")))
        first = len(sent) + 32  # the baselines, then the model's lists (a quarter, <= 32)
        search_guided(ev, AutotuneConfig(budget=160, seed=1), found)
    assert ev.tally.search == 160 and len(sent) == 2 + 160
    bred = sent[first:]
    assert len(set(bred)) == len(bred) and not set(bred) & set(sent[:first])


def test_guided_programs_tuned_together_try_each_others_finds(tmp_path):
    """Tuned as a group, each program measures the others' best lists of the first stage near
    the end of its own budget, and its budget still counts exactly; stopping a guided search
    part way and going on sends the same lists as running it through."""
    from compilerlm.autotune.exchange import tune_programs
    from compilerlm.autotune.strategies import GuidedSearch, begin, search_guided
    units = [load_unit(EXAMPLES / n) for n in ("switch.c", "loops.c")]
    config = AutotuneConfig(budget=160, seed=1, validate=False, minimize=False)
    sent: dict[str, list] = {}
    with Engine(workers=2, cache_path=tmp_path / "c.sqlite") as engine:
        real = engine.measure_many

        def spy(requests):
            for unit, lst in requests:
                sent.setdefault(unit.name, []).append(tuple(lst))
            return real(requests)

        engine.measure_many = spy
        records = tune_programs(units, config, engine, None)
        together, sent = sent, {}
        firsts, first_stage = [], {}
        for unit in units:
            ev, found = begin(unit, engine, None)
            search = GuidedSearch(ev, config, found)
            search.run(config.budget - int(config.budget * config.exchanges[0]))
            firsts.append(search.best_verified())
            first_stage[unit.name] = list(sent[unit.name])
            search.run()
        in_two_steps, sent = sent, {}
        ev, found = begin(units[0], engine, None)
        search_guided(ev, config, found)
        in_one = sent[units[0].name]
    assert in_two_steps[units[0].name] == in_one
    assert all(r.evaluations.search == 160 for r in records)
    assert all(f is not None and f not in map(tuple, OZ_LISTS) for f in firsts)
    for i, unit in enumerate(units):
        own, other_best = first_stage[unit.name], firsts[1 - i]
        assert together[unit.name][:len(own)] == own  # the first stage is the search alone
        assert other_best not in own and other_best in together[unit.name][len(own):]


def test_a_stalled_guided_search_draws_more_random_lists(tmp_path):
    """Where nothing beats the first best list (a `main` that returns 0: the test checks that
    no list got smaller), a quarter of each generation comes from random search for the first
    STALL generations, then half; the random lists are random search's own, in order."""
    from compilerlm.autotune.strategies import (
        IMMIGRANTS,
        STALL,
        STALLED_IMMIGRANTS,
        GuidedSearch,
        begin,
    )
    source = tmp_path / "ret0.c"
    source.write_text("int main(void) { return 0; }\n")
    unit = load_unit(source)
    config = AutotuneConfig(budget=160, seed=3, validate=False, minimize=False)
    with Engine(workers=2, cache_path=tmp_path / "c.sqlite") as engine:
        sent = _record_sent(engine)
        ev, found = begin(unit, engine, None)
        search = GuidedSearch(ev, config, found)  # the model's first 32 lists
        best = min(found.values())
        search.run()
    assert min(found.values()) == best and ev.tally.search == 160
    generations = (160 - 32) // 16
    expected = STALL * int(16 * IMMIGRANTS) + (generations - STALL) * int(16 * STALLED_IMMIGRANTS)
    assert search.stalled_for == generations - 1 and search.immigrants == expected
    drawn = set(map(tuple, random_lists(3, unit.hash, 0, expected)))
    assert drawn <= set(sent)


def test_guided_search_starts_from_the_model_given(tmp_path):
    """`autotune --model FILE`: guided's first lists are that model's (e.g. one trained on the
    user's own code), and its runs are stored apart from the shipped model's."""
    from compilerlm.predictor.model import Predictor
    from compilerlm.toolchain.passes import parse_pass_list

    shipped = Predictor.load()
    mine = [["default<Oz>"], ["instcombine", "loop-rotate", "default<Oz>"], ["sroa", "gvn"]]
    ratios = np.zeros((len(shipped.unit_names), len(mine)))
    ratios[:, 1] = -0.1  # the one list this model believes in
    ratios[:, 2] = 0.2
    Predictor(lists=mine, features=shipped.features, log_ratios=ratios,
              unit_names=shipped.unit_names, k=3, top1=mine[1], meta={}).save(
        tmp_path / "mine.json.gz")
    db = tmp_path / "t.sqlite"
    r = run_cli("autotune", EXAMPLES / "switch.c", "--budget", "8", "--no-validate",
                "--no-minimize", "--model", tmp_path / "mine.json.gz", "--db", db, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["programs"][0]["evaluations"]["search"] == 8
    r = run_cli("results", "--db", db, "--evaluations", "--export", tmp_path / "e.jsonl",
                "--json")
    assert r.returncode == 0, r.stderr
    pipelines = {json.loads(x)["pipeline"] for x in
                 (tmp_path / "e.jsonl").read_text().splitlines() if x.strip()}
    assert parse_pass_list(mine[1]).pipeline in pipelines
    r = run_cli("broadcast", "--db", db, "--top", "2", "--json")  # reads the stored key back
    assert r.returncode == 0, r.stderr
    assert AutotuneConfig(model=str(tmp_path / "mine.json.gz")).key() != AutotuneConfig().key()
    assert "model" not in json.loads(AutotuneConfig().key())  # older stores' keys still match
    r = run_cli("autotune", EXAMPLES / "switch.c", "--model", tmp_path / "none.json.gz",
                "--db", db, "--json")
    assert r.returncode != 0 and "no such model file" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
