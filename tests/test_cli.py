"""The `compilerlm` command as users run it: JSON contracts, tables, and one-line errors."""

import json
import random
import subprocess

import pytest
from conftest import BUNDLED, DATA, EXAMPLES, run_cli

from compilerlm.toolchain.elf import object_size
from compilerlm.toolchain.locate import find_toolchain

SIZE_KEYS = {"status", "passes", "ir_instruction_count", "binary_size", "text_size",
             "data_size", "oz_binary_size"}


def test_size_json_is_one_document_with_the_contract(tmp_path):
    r = run_cli("size", EXAMPLES / "switch.c", "--passes", "sroa,globaldce,licm", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)  # the whole of stdout is one JSON document
    assert SIZE_KEYS <= doc.keys()
    assert doc["status"] == "ok"
    assert doc["passes"] == ["sroa", "globaldce", "licm"]
    assert doc["pipeline"] == "function(sroa),globaldce,function(loop-mssa(licm))"
    assert doc["binary_size"] == doc["text_size"] + doc["data_size"] > 0
    obj = tmp_path / "ref.o"
    subprocess.run([str(find_toolchain().clang), "-Oz", "-c", str(EXAMPLES / "switch.c"), "-o",
                    str(obj)], check=True)
    assert doc["oz_binary_size"] == object_size(obj.read_bytes()).total


def test_size_without_passes_measures_the_unit_as_it_is():
    plain = json.loads(run_cli("size", EXAMPLES / "loops.c", "--json").stdout)
    oz = json.loads(run_cli("size", EXAMPLES / "loops.c", "-p", "default<Oz>", "--json").stdout)
    assert plain["passes"] == [] and plain["pipeline"] == ""
    assert plain["binary_size"] > oz["binary_size"] == oz["oz_binary_size"]


def test_size_of_a_directory_has_units_and_totals():
    r = run_cli("size", EXAMPLES, "-p", "default<Oz>", "--json", "--workers", "2")
    doc = json.loads(r.stdout)
    assert r.returncode == 0
    assert len(doc["units"]) == doc["totals"]["units"] == len(BUNDLED)
    assert doc["totals"]["oz_binary_size"] == sum(u["oz_binary_size"] for u in doc["units"])


def test_size_table_for_people():
    r = run_cli("size", EXAMPLES / "loops.c", EXAMPLES / "float.c", "-p", "default<Oz>")
    assert r.returncode == 0
    assert "loops.c" in r.stdout and "-Oz binary" in r.stdout and "total:" in r.stdout


def _bad_inputs(tmp_path):
    garbage = tmp_path / "garbage.bc"
    garbage.write_bytes(b"BC\xc0\xde" + random.Random(1).randbytes(3000))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    fake_ll = tmp_path / "fake.ll"
    fake_ll.write_text("this is not LLVM IR at all\n")
    binary_ll = tmp_path / "binary.ll"
    binary_ll.write_bytes(random.Random(2).randbytes(500))
    broken_c = tmp_path / "broken.c"
    broken_c.write_text("int main( { return }\n")
    loops = EXAMPLES / "loops.c"
    return {
        "missing file": ["size", tmp_path / "nope.c"],
        "not an input type": ["size", text],
        "random bytes named .bc": ["size", DATA / "random.bc"],
        "bitcode magic then garbage": ["size", garbage],
        "text that is not IR": ["size", fake_ll],
        "binary named .ll": ["size", binary_ll],
        "IR that fails to parse": ["size", DATA / "syntax_error.ll"],
        "IR that fails to verify": ["size", DATA / "not_dominated.ll"],
        "empty module": ["size", DATA / "empty.ll"],
        "C that does not compile": ["size", broken_c],
        "unknown pass": ["size", loops, "--passes", "sroa,licmm"],
        "unknown raw pass": ["size", loops, "--passes", "licmm", "--raw-pipeline"],
        "pipeline that aborts LLVM": ["size", loops, "--passes", "globaldce,licm",
                                      "--raw-pipeline"],
        "timeout": ["size", EXAMPLES / "toolkit.c", "-p", "default<O3>", "--timeout", "0.1",
                    "--no-cache"],
        "missing ir input": ["ir", tmp_path / "nope.c", "-o", tmp_path / "x.ll"],
    }


@pytest.mark.parametrize("as_json", [False, True])
def test_bad_input_gets_one_line_and_a_clean_exit(tmp_path, as_json):
    for what, args in _bad_inputs(tmp_path).items():
        r = run_cli(*args, *(["--json"] if as_json else []))
        assert 0 < r.returncode < 128, what
        assert "Traceback" not in r.stderr + r.stdout, what
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), (what, r.stderr)
        if as_json:
            json.loads(r.stdout)  # still exactly one JSON document on stdout


def test_crash_and_timeout_messages_say_what_happened(tmp_path):
    bad = _bad_inputs(tmp_path)
    crash = run_cli(*bad["pipeline that aborts LLVM"], "--json")
    assert json.loads(crash.stdout)["status"] == "crash"
    assert "LICM requires MemorySSA" in crash.stderr
    timeout = run_cli(*bad["timeout"], "--json")
    assert json.loads(timeout.stdout)["status"] == "timeout"
    assert "ran past 0.1 s" in timeout.stderr
    unknown = run_cli(*bad["unknown pass"])
    assert "did you mean 'licm'" in unknown.stderr


def test_passes_lists_the_search_space_and_normalises():
    doc = json.loads(run_cli("passes", "--json").stdout)
    assert doc["count"] == len(doc["passes"]) == 134
    assert {"name": "licm", "kind": "loop", "pipeline": "function(loop-mssa(licm))"} in doc["passes"]
    everything = json.loads(run_cli("passes", "--all", "--json").stdout)
    assert everything["count"] > 250
    norm = json.loads(run_cli("passes", "--normalize", "-sroa -globaldce", "--json").stdout)
    assert norm == {"passes": ["sroa", "globaldce"], "pipeline": "function(sroa),globaldce",
                    "opt": "opt -p 'function(sroa),globaldce'"}


def test_doctor_reports_every_check():
    r = run_cli("doctor", "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 0 and doc["ok"]
    assert [c["name"] for c in doc["checks"]] == ["compilerlm", "toolchain", "clang", "libLLVM",
                                                  "passes", "engine", "sandbox"]
    warm = json.loads(run_cli("doctor", "--warm", "--json").stdout)
    assert warm["ok"] and warm["checks"][-1]["name"] == "suite"
    assert "64 programs" in warm["checks"][-1]["detail"]


def test_doctor_says_what_is_missing(tmp_path):
    r = run_cli("doctor", env={"COMPILERLM_LIBLLVM": str(tmp_path / "libLLVM-17.so")})
    assert r.returncode == 1
    assert "libLLVM-17.so not found" in r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr


def test_ir_writes_text_bitcode_and_directories(tmp_path):
    ll, bc = tmp_path / "loops.ll", tmp_path / "loops.bc"
    assert run_cli("ir", EXAMPLES / "loops.c", "-o", ll).returncode == 0
    assert run_cli("ir", EXAMPLES / "loops.c", "-o", bc, "--style", "o0").returncode == 0
    assert "minsize" in ll.read_text() and bc.read_bytes()[:2] == b"BC"
    out = tmp_path / "all"
    doc = json.loads(run_cli("ir", EXAMPLES, "-o", out, "--json").stdout)
    assert len(doc["outputs"]) == len(BUNDLED) == len(list(out.glob("*.ll")))
    split = tmp_path / "split"
    doc = json.loads(run_cli("ir", EXAMPLES / "fnptr.c", "-o", split, "--split-functions",
                             "--json").stdout)
    names = sorted(o["input"].split("#")[1] for o in doc["outputs"])
    assert names == ["add", "apply", "cmp_asc", "cmp_desc", "fold", "main", "max", "mul",
                     "negate", "square", "sub"]
    # Each piece measures on its own.
    r = run_cli("size", doc["outputs"][0]["output"], "-p", "default<Oz>", "--json")
    assert json.loads(r.stdout)["status"] == "ok"


def test_cli_reference_is_current():
    """docs/cli.md is generated from --help; regenerate it with scripts/gen_cli_docs.py."""
    import importlib.util

    from conftest import REPO
    spec = importlib.util.spec_from_file_location("gen", REPO / "scripts" / "gen_cli_docs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert (REPO / "docs" / "cli.md").read_text() == gen.render()


def test_piped_tables_and_help_are_printed_whole():
    """No terminal, no 80-column cut: a long pass list stays whole in a table cell, and help
    lines are not wrapped."""
    long_list = ",".join(["sroa", "instcombine", "simplifycfg", "gvn", "licm", "globaldce"] * 3)
    r = run_cli("size", EXAMPLES / "loops.c", "--passes", long_list)
    assert r.returncode == 0, r.stderr
    assert "…" not in r.stdout
    pipeline = json.loads(run_cli("passes", "--normalize", long_list, "--json").stdout)
    assert pipeline["pipeline"] in r.stdout.replace("\n", "")  # the title, unfolded
    assert any(pipeline["pipeline"] in line for line in r.stdout.splitlines())
    help_text = run_cli("autotune", "--help").stdout
    assert max(len(line) for line in help_text.splitlines()) > 120
