"""Append-only JSON lines (capture spools, dataset resume): a line cut by a kill is dropped
and cut off the file, so later appends stay readable."""

from compilerlm.store import append_json_line, read_json_lines


def test_a_cut_last_line_is_dropped_and_later_appends_survive(tmp_path):
    path = tmp_path / "spool.jsonl"
    assert read_json_lines(path) == []
    append_json_line(path, {"n": 1})
    with open(path, "ab") as f:
        f.write(b'{"n": 2, "cut')  # what a kill in the middle of a write leaves
    assert read_json_lines(path) == [{"n": 1}]
    append_json_line(path, {"n": 3})
    assert read_json_lines(path) == [{"n": 1}, {"n": 3}]
