"""The label table of a corpus (`corpus label`): verified best lists per unit, resumable."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from conftest import packaged_corpus, run_cli

from compilerlm.autotune import AutotuneConfig, AutotuneStore
from compilerlm.autotune.labels import label_corpus, label_order, read_labels
from compilerlm.errors import InputError
from compilerlm.predictor.features import FEATURE_NAMES

PACKAGES = {"loops.c": ("pkg-a", "train"), "switch.c": ("pkg-a", "train"),
            "recursion.c": ("pkg-b", "validation"), "globals.c": ("pkg-c", "test")}


def _corpus(tmp_path):
    return packaged_corpus(tmp_path / "corpus", PACKAGES)


def test_labels_table_resumes_and_keeps_what_a_model_needs(tmp_path, engine):
    corpus = _corpus(tmp_path)
    table, store = tmp_path / "labels.parquet", AutotuneStore(tmp_path / "tune.sqlite")
    config = AutotuneConfig(budget=6)
    first = label_corpus(corpus, table, config, engine, store, splits={"train", "validation"},
                         limit=2)
    assert first["added"] == 2 and first["units"] == 2
    rows = read_labels(table)
    # Units are taken in the fixed pseudo-random order, whatever the corpus's order.
    index = [json.loads(line) for line in (corpus / "corpus.jsonl").read_text().splitlines()]
    wanted = sorted((r for r in index if r["split"] != "test"),
                    key=lambda r: label_order(r["hash"]))[:2]
    assert {r["unit_hash"] for r in rows} == {r["hash"] for r in wanted}
    for r in rows:
        assert r["split"] in ("train", "validation") and r["package"].startswith("pkg-")
        assert len(r["features"]) == len(FEATURE_NAMES)
        assert r["oz_binary_size"] > 0 and r["best_binary_size"] <= r["oz_binary_size"]
        assert r["evaluations_search"] >= 6 and r["core_seconds"] > 0
        sizes = [c["binary_size"] for c in r["candidates"]]
        assert sizes == sorted(sizes) and len(sizes) >= 1
        if r["validated"]:
            accepted = [c for c in r["candidates"] if c["verdict"] == "accepted"]
            assert len(accepted) == 1 and accepted[0]["binary_size"] == r["best_binary_size"]
    meta = pq.read_schema(table).metadata
    assert json.loads(meta[b"feature_names"]) == list(FEATURE_NAMES)

    # A rerun labels only what the table lacks; the test split stays out unless asked for.
    second = label_corpus(corpus, table, config, engine, store, splits={"train", "validation"})
    assert second["added"] == 1 and second["units"] == 3
    assert second["by_split"] == {"train": 2, "validation": 1}
    assert second["evaluations_per_core_second"] > 0
    again = label_corpus(corpus, table, config, engine, store, splits={"train", "validation"})
    assert again["added"] == 0
    # Labels of another configuration never mix into the table.
    with pytest.raises(InputError, match="labelled with another configuration"):
        label_corpus(corpus, table, AutotuneConfig(budget=9), engine, store)


def test_label_command_errors(tmp_path):
    corpus = _corpus(tmp_path)
    table = tmp_path / "labels.parquet"
    r = run_cli("corpus", "label", corpus, "--table", table, "--split", "trian")
    assert r.returncode != 0 and "unknown split 'trian'" in r.stderr
    table.write_text("not parquet")
    r = run_cli("corpus", "label", corpus, "--table", table, "--db", tmp_path / "t.sqlite",
                "--budget", "4", "--limit", "1")
    assert r.returncode != 0 and "not a label table" in r.stderr
    assert "Traceback" not in r.stderr
