"""The pool table (`corpus pool`) and the model families trained from it (flagtune/rankers.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import EXAMPLES, packaged_corpus, run_cli

from compilerlm.errors import InputError
from compilerlm.flagtune.pool import (
    measure_pool,
    pool_lists,
    read_list_file,
    read_pool,
    screen_lists,
)
from compilerlm.flagtune.rankers import (
    PoolData,
    score,
    train_average,
    train_blend,
    train_gbm,
    train_knn,
)
from compilerlm.predictor import load_model
from compilerlm.predictor.blend import BlendRanker
from compilerlm.predictor.gbm import GbmRanker
from compilerlm.toolchain.passes import parse_pass_list

PACKAGES = {"loops.c": ("pkg-a", "train"), "switch.c": ("pkg-a", "train"),
            "strings.c": ("pkg-b", "train"), "structs.c": ("pkg-b", "train"),
            "fnptr.c": ("pkg-c", "train"), "float.c": ("pkg-c", "train"),
            "recursion.c": ("pkg-d", "validation"), "globals.c": ("pkg-e", "test")}
# Lists with known effects: -Oz, no optimisation (verify: far larger), two near -Oz.
LISTS = [parse_pass_list(x).pipeline for x in
         ("default<Oz>", "verify", "default<Oz>,mergefunc", "loop-rotate,default<Oz>")]


def _corpus(tmp_path):
    return packaged_corpus(tmp_path / "corpus", PACKAGES)


def test_pool_lists_take_training_winners_only(engine):
    labels = [{"split": "train", "validated": True, "best_passes": ["sroa", "default<Oz>"]},
              {"split": "train", "validated": False, "best_passes": ["gvn"]},
              {"split": "test", "validated": True, "best_passes": ["instcombine"]},
              {"split": "train", "validated": True, "best_passes": ["sroa", "default<Oz>"]}]
    lists, rejected = pool_lists(labels, extra=[["default<Oz>"], ["mem2reg"]])
    # -Oz's own lists first, then the verified training winners, then the extra lists, once.
    assert lists == [parse_pass_list(x).pipeline for x in (
        "default<Oz>", "default<Oz>,slp-vectorizer", "sroa,default<Oz>", "mem2reg")]
    assert rejected == []


def test_pool_table_resumes_interleaves_and_grows(tmp_path, engine):
    corpus = _corpus(tmp_path)
    table = tmp_path / "pool.parquet"
    first = measure_pool(corpus, table, LISTS[:3], engine, limit=3)
    rows, lists = read_pool(table)
    assert first["added"] == 3 and lists == LISTS[:3]
    # Splits in turn: the first three units are one of each split.
    assert sorted(r["split"] for r in rows) == ["test", "train", "validation"]
    for r in rows:
        assert r["oz_binary_size"] > 0 and len(r["sizes"]) == 3
        assert r["sizes"][0] == engine.measure(load_unit_of(corpus, r), "default<Oz>").binary_size
        assert r["sizes"][1] > r["oz_binary_size"]  # no optimisation: far from -Oz
    # A rerun adds the rest, and a list new to the pool is measured on the old units too.
    second = measure_pool(corpus, table, LISTS, engine)
    rows, lists = read_pool(table)
    assert second["added"] == len(PACKAGES) - 3 and second["filled"] == 3
    assert lists == LISTS and all(None not in r["sizes"] for r in rows)
    assert measure_pool(corpus, table, LISTS, engine)["added"] == 0

    # Every family trains on the training packages and is scored on the others.
    data = PoolData.load(table)
    train = data.split_mask("train")
    blend = train_blend(data, train)
    average = train_average(data, train)
    for model in (train_gbm(data, train, rounds=20, params={"min_data_in_leaf": 2}),
                  train_knn(data, train), blend, average):
        s = score(model, data, data.split_mask("validation", "test"), budgets=(1, 2))
        assert s["units"] == 2
        # With the -Oz fallback nothing is ever larger than -Oz, and no model beats the
        # pool's own best list per unit.
        assert s["k2"]["total_pct"] >= 0
        assert s["k2"]["total_pct"] <= s["pool_bound"]["total_pct"] + 1e-9
        # no optimisation is never proposed first: it is far larger everywhere in training.
        first = model.propose(load_unit_of(corpus, rows[0]), 1, fallback=False).lists[0]
        assert first != ["verify"]

    # The average family proposes the same lists for every unit, the first being the list
    # of the largest mean gain over the training units.
    mean_gain = np.minimum(data.R[train], 0).mean(axis=0)
    assert {tuple(average.rank(x, 3)[0]) for x in data.X} == {tuple(average.rank(data.X[0], 3)[0])}
    assert average.rank(data.X[0], 1)[0][0] == int(np.argmin(mean_gain))

    # A gradient-boosted model file loads back and ranks the same.
    model = train_gbm(data, train, rounds=20, params={"min_data_in_leaf": 2})
    model.save(tmp_path / "gbm.json.gz")
    again = load_model(tmp_path / "gbm.json.gz")
    assert isinstance(again, GbmRanker)
    assert np.allclose(again.predict(data.X[0]), model.predict(data.X[0]))
    # So does a blended one; its first list (with the fallback) is one of its two parts'.
    blend.save(tmp_path / "blend.json.gz")
    again = load_model(tmp_path / "blend.json.gz")
    assert isinstance(again, BlendRanker)
    for x in data.X:
        first = again.rank(x, 3)[0]
        assert first == blend.rank(x, 3)[0]
        alone = {blend.knn.rank(x, 1)[0][0], int(np.argmin(blend.gbm.predict(x)))}
        assert len(alone) > 1 or first[0] in alone


def test_new_winners_join_the_pool_only_when_they_beat_it_on_other_units(tmp_path, engine):
    """A winner new to the table is tried on the table's training units first: it joins
    only when smaller than every pool list (and -Oz) on two of them; the best join first,
    up to max_new; lists not under screening (the model's, -Oz's) are never left out."""
    import math
    corpus = _corpus(tmp_path)
    table = tmp_path / "pool.parquet"
    measure_pool(corpus, table, LISTS[:2], engine)  # -Oz and no optimisation
    winners = [parse_pass_list(x).pipeline for x in (
        "loop-rotate,default<Oz>", "default<O1>", "default<Os>", "default<Oz>,mergefunc",
        "verify,instcombine")]
    extra = parse_pass_list("function(sroa)").pipeline  # far larger than -Oz: kept anyway
    rows, _ = read_pool(table)
    train = [r for r in rows if r["split"] == "train"]
    best = [min(r["sizes"] + [r["oz_binary_size"]]) for r in train]
    sizes = {w: [engine.measure(load_unit_of(corpus, r), w).binary_size for r in train]
             for w in winners}
    wins = {w: sum(s < b for s, b in zip(sizes[w], best)) for w in winners}
    gain = {w: sum(math.log(b / s) for s, b in zip(sizes[w], best) if s < b) for w in winners}
    eligible = {w for w in winners if wins[w] >= 2}
    assert eligible and set(winners) - eligible  # the cases under test occur here

    lists, report = screen_lists(corpus, table, LISTS[:2] + winners + [extra], engine,
                                 screened=set(winners))
    joined = [w for w in lists if w in winners]  # in the order given
    assert set(joined) <= eligible
    assert lists[:2] == LISTS[:2] and extra in lists
    assert report == {"candidates": len(winners), "sample_units": len(train),
                      "joined": len(joined), "eligible": len(eligible)}
    one, report = screen_lists(corpus, table, winners, engine, screened=set(winners),
                               max_new=1)
    assert one == [max(eligible, key=gain.get)] and report["joined"] == 1
    # Lists the table holds already are not screened again; without training units in the
    # table there is nothing to screen against, and every winner joins.
    assert screen_lists(corpus, table, LISTS[:2], engine, screened=set(LISTS))[0] == LISTS[:2]
    empty = tmp_path / "empty.parquet"
    assert screen_lists(corpus, empty, winners, engine, screened=set(winners))[0] == winners
    # On a machine whose corpus lacks some of the table's packages, nothing is measured or
    # written, and the error names the packages to build.
    partial = packaged_corpus(tmp_path / "partial",
                              {f: p for f, p in PACKAGES.items() if p[0] != "pkg-b"})
    before = table.read_bytes()
    with pytest.raises(InputError, match=r"2 of its units are not in .*: pkg-b$"):
        measure_pool(partial, table, LISTS[:3], engine)
    with pytest.raises(InputError, match=r"not in .*: pkg-b$"):
        screen_lists(partial, table, winners, engine, screened=set(winners))
    assert table.read_bytes() == before


def load_unit_of(corpus, row):
    from compilerlm.corpus.corpus import load_row, read_index
    return next(load_row(corpus, r) for r in read_index(corpus) if r["hash"] == row["unit_hash"])


def test_pool_command_and_errors(tmp_path):
    corpus = _corpus(tmp_path)
    table = tmp_path / "pool.parquet"
    r = run_cli("corpus", "pool", corpus, "--table", table, "--split", "tset")
    assert r.returncode != 0 and "unknown split 'tset'" in r.stderr
    table.write_text("not parquet")
    r = run_cli("corpus", "pool", corpus, "--table", table, "--no-model-lists", "--limit", "1")
    assert r.returncode != 0 and "not a pool table" in r.stderr
    assert "Traceback" not in r.stderr
    with pytest.raises(InputError, match="no measured units"):
        PoolData.load(tmp_path / "absent.parquet")


def test_lists_from_a_file_join_the_pool_and_bad_files_are_one_line_errors(tmp_path):
    lists = tmp_path / "lists.txt"
    lists.write_text("# joint_list.py's find\ninstcombine,sroa  # a comment\n\n"
                     "-passes=default<Oz>,mergefunc\n")
    assert read_list_file(lists) == [["instcombine", "sroa"], ["default<Oz>", "mergefunc"]]
    corpus, table = _corpus(tmp_path), tmp_path / "pool.parquet"
    r = run_cli("corpus", "pool", corpus, "--table", table, "--no-model-lists", "--lists",
                lists, "--limit", "1", "--json")
    assert r.returncode == 0, r.stderr
    _, pool = read_pool(table)
    assert {parse_pass_list("instcombine,sroa").pipeline,
            parse_pass_list("default<Oz>,mergefunc").pipeline} <= set(pool)
    lists.write_text("instcombine\nsroa,not-a-pass\n")
    r = run_cli("corpus", "pool", corpus, "--table", table, "--lists", lists)
    assert r.returncode != 0 and f"{lists}:2:" in r.stderr and "not-a-pass" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    lists.write_text("# nothing\n")
    with pytest.raises(InputError, match="no pass list"):
        read_list_file(lists)


def test_a_list_new_to_the_pool_needs_every_unit_or_drops_the_missing_ones(tmp_path, engine):
    corpus, table = _corpus(tmp_path), tmp_path / "pool.parquet"
    measure_pool(corpus, table, LISTS[:2], engine)
    # The same packages rebuilt elsewhere, one unit short (a test-only unit not captured).
    fewer = {k: v for k, v in PACKAGES.items() if k != "float.c"}
    rebuilt = packaged_corpus(tmp_path / "rebuilt", fewer)
    lists = tmp_path / "lists.txt"
    lists.write_text("loop-rotate,default<Oz>\n")
    args = ("corpus", "pool", rebuilt, "--table", table, "--no-model-lists", "--lists", lists,
            "--limit", "0", "--db", tmp_path / "cache.sqlite", "--workers", "1", "--json")
    r = run_cli(*args)
    assert r.returncode != 0 and "1 of its units are not in" in r.stderr
    assert "pkg-c" in r.stderr and "--drop-missing" in r.stderr and "Traceback" not in r.stderr
    assert len(read_pool(table)[0]) == len(PACKAGES)  # untouched
    r = run_cli(*args, "--drop-missing")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [d["name"].rsplit("/", 1)[-1] for d in out["dropped_units"]] == ["float.c"]
    rows, pool = read_pool(table)
    assert len(rows) == len(PACKAGES) - 1 and pool[-1] == LISTS[3]
    assert all(r["sizes"][-1] for r in rows)  # the new list measured on every unit left


def test_eval_flagtune_on_a_corpus_split_with_labels(tmp_path, engine):
    """`eval flagtune CORPUS --split test --labels T`: the held-out split only, the autotuner's
    gain from the label table, and the share per package (JSON and HTML); and `dataset
    flagtune --labels T`."""
    import json

    from compilerlm.autotune import AutotuneConfig, AutotuneStore
    from compilerlm.autotune.labels import label_corpus
    corpus = _corpus(tmp_path)
    labels = tmp_path / "labels.parquet"
    label_corpus(corpus, labels, AutotuneConfig(budget=4), engine,
                 AutotuneStore(tmp_path / "tune.sqlite"), splits={"validation", "test"})
    html = tmp_path / "report.html"
    r = run_cli("eval", "flagtune", corpus, "--split", "validation,test", "--labels", labels,
                "--budget", "2", "--html", html, "--json")
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["units"] == 2 and result["autotuner"]["units"] == 2
    assert set(result["per_package"]) == {"pkg-d", "pkg-e"}
    for p in result["per_package"].values():
        assert p["units"] == 1 and p["improvement_total_pct"] >= 0
    assert "Share of the autotuner" in html.read_text()
    # The flag-tuning dataset from the same table: the labelled units only, their lists.
    r = run_cli("dataset", "flagtune", corpus, "--labels", labels, "-o", tmp_path / "ft",
                "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["records"] == 2 and summary["splits"] == {"train": 0, "validation": 1,
                                                             "test": 1}
    r = run_cli("eval", "flagtune", EXAMPLES / "loops.c", "--split", "test")
    assert r.returncode != 0 and "not one" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("eval", "flagtune", corpus, "--labelled-only")
    assert r.returncode != 0 and "--labelled-only needs --labels" in r.stderr


def test_the_shipped_default_model_retrains_from_the_committed_pool_table(tmp_path, units):
    """docs/flagtune.md's one command: the committed pool table gives the shipped default
    model back (same family, lists and choices), on a fresh machine without the corpus."""
    from conftest import REPO
    shipped = load_model("default")
    family = shipped.meta["family"]
    out = tmp_path / "default.json.gz"
    r = run_cli("train-predictor", "--pool", REPO / "corpora/debian/pool.parquet", "--family",
                family, "-o", out, "--json")
    assert r.returncode == 0, r.stderr
    again = load_model(out)
    assert again.lists == shipped.lists and again.top1 == shipped.top1
    for unit in units.values():
        assert again.propose(unit, 9).lists == shipped.propose(unit, 9).lists
