"""Faults and bad input (docs/reliability.md): confined program runs, workers killed from
outside, unique output names, IR for another target, unusable caches and stores, bounded
work, Ctrl-C, crafted corpora, checks that did not run, and a sweep of bad command lines that
must each end in one line on stderr and a non-zero exit."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLES, run_cli

from compilerlm.corpus import load_unit
from compilerlm.passlisteval import confine
from compilerlm.toolchain.engine import Engine
from compilerlm.toolchain.locate import find_toolchain

# Each repeat costs ~0.1 ms on loops.c: long enough to kill the worker in the middle.
SLOW = "repeat<40000>(function(instcombine,simplifycfg))"


def _aarch64_ir(tmp_path: Path) -> Path:
    src = tmp_path / "plain.c"
    src.write_text("int f(int x) { return 3 * x + 1; }\n")
    out = tmp_path / "a64.ll"
    subprocess.run([str(find_toolchain().clang), "--target=aarch64-linux-gnu", "-S",
                    "-emit-llvm", "-Oz", "-Xclang", "-disable-llvm-passes", str(src), "-o",
                    str(out)], check=True)
    return out


def _program(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text("#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n" + body)
    return path


# -- 1. confined runs ----------------------------------------------------------------------

def test_a_program_writes_only_in_its_own_fresh_directory(tmp_path):
    """A candidate program that writes by absolute path and into its working directory
    leaves nothing behind in either place, and the check still runs."""
    outside = tmp_path / "escape.txt"
    prog = _program(tmp_path, "writer.c", f"""
int main(void) {{
  FILE *f = fopen("{outside}", "w"); if (f) {{ fputs("x", f); fclose(f); }}
  f = fopen("local.txt", "w"); if (f) {{ fputs("x", f); fclose(f); }}
  puts("done");
  return 0;
}}
""")
    cwd = tmp_path / "caller"
    cwd.mkdir()
    r = run_cli("passlisteval", "-p", "sroa", "--program", prog, "--json", cwd=cwd)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["accepted"] is True
    assert not (cwd / "local.txt").exists()
    if confine.bubblewrap():
        assert not outside.exists()  # the file system is read-only but for its directory


def test_limits_stop_a_program_and_say_which(tmp_path):
    with confine.Confinement() as box:
        big = box.run(["sh", "-c", "exec head -c 200000000 /dev/zero > big"], 20)
        assert big.limit == "file size limit", big
        assert (box.workdir / "big").stat().st_size <= confine.FILE_SIZE
        memory = box.run([sys.executable, "-c", "bytearray(8 << 30)"], 20)
        assert memory.exit_code != 0 and "MemoryError" in memory.stderr_tail
        env = box.run(["sh", "-c", "echo $HOME; pwd; cat </dev/stdin | wc -c"], 20)
        home, pwd, stdin_bytes = env.stdout.decode().split()
        assert home == pwd == str(box.workdir) and stdin_bytes == "0"
        if confine.bubblewrap():
            # A port this test listens on, on this machine's loopback: the program has a
            # network namespace of its own, whose loopback has nothing listening.
            with socket.socket() as listener:
                listener.bind(("127.0.0.1", 0))
                listener.listen()
                port = listener.getsockname()[1]
                net = box.run([sys.executable, "-c", "import socket; socket.create_connection("
                               f"('127.0.0.1', {port}), timeout=2)"], 20)
            assert net.exit_code != 0 and "Connection refused" in net.stderr_tail


def test_a_program_that_prints_without_end_is_cut_not_fatal(tmp_path):
    with confine.Confinement() as box:
        r = box.run(["yes"], 2)
    assert r.timed_out or r.limit == "file size limit"
    assert len(r.stdout) == confine.MAX_OUTPUT


# -- 2. a worker killed from outside ------------------------------------------------------

def _kill_busy_worker(engine: Engine, old_pids: set) -> int:
    """Wait for a new worker to be busy, then kill -9 it; its pid."""
    for _ in range(200):
        pids = set(engine.pool.worker_pids()) - old_pids
        if pids:
            time.sleep(0.6)  # in the middle of the pipeline
            pid = max(pids)
            os.kill(pid, signal.SIGKILL)
            return pid
        time.sleep(0.05)
    raise AssertionError("no worker started")


def test_a_worker_killed_once_is_retried_and_the_true_result_cached(tmp_path):
    unit = load_unit(EXAMPLES / "loops.c")
    with Engine(workers=1, cache_path=tmp_path / "c.sqlite") as engine:
        future = engine.submit(unit, SLOW, raw=True)
        _kill_busy_worker(engine, set())
        m = future.result()
    assert m.status == "ok" and m.binary_size == 947


def test_a_worker_killed_twice_is_reported_never_cached(tmp_path):
    unit = load_unit(EXAMPLES / "loops.c")
    cache = tmp_path / "c.sqlite"
    with Engine(workers=1, cache_path=cache) as engine:
        future = engine.submit(unit, SLOW, raw=True)
        first = _kill_busy_worker(engine, set())
        _kill_busy_worker(engine, {first})
        m = future.result()
    assert m.status == "killed" and "SIGKILL" in m.error
    with Engine(workers=1, cache_path=cache) as engine:
        again = engine.measure(unit, SLOW, raw=True)
    assert again.status == "ok" and not again.cached


# -- 3. output names ----------------------------------------------------------------------

def test_ir_of_a_directory_mirrors_relative_paths(tmp_path):
    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    names = ["a/b.c", "a__b.c", "a b.c", "a_b.c"]
    for i, name in enumerate(names):
        (src / name).write_text(f"int f{i}(void) {{ return {i}; }}\n")
    r = run_cli("ir", src, "-o", tmp_path / "out", "--json")
    assert r.returncode == 0, r.stderr
    outputs = {Path(o["input"]).relative_to(src).as_posix(): o["output"]
               for o in json.loads(r.stdout)["outputs"]}
    assert outputs == {n: str(tmp_path / "out" / f"{n}.ll") for n in names}
    assert all(Path(p).exists() for p in outputs.values())


# -- 4. IR for another target, unusable inputs -----------------------------------------------

def test_ir_for_another_target_is_refused(tmp_path):
    a64 = _aarch64_ir(tmp_path)
    r = run_cli("optimize", a64, "-o", tmp_path / "a64.o")
    assert r.returncode == 2 and "aarch64" in r.stderr
    assert not (tmp_path / "a64.o").exists()


def test_autotune_exits_non_zero_when_an_input_is_unusable(tmp_path):
    a64 = _aarch64_ir(tmp_path)
    r = run_cli("autotune", a64, EXAMPLES / "globals.c", "--budget", "4", "--no-validate",
                "--no-minimize", "--db", tmp_path / "t.sqlite", "--json")
    assert r.returncode == 1 and "1 of 2 inputs could not be used" in r.stderr
    records = json.loads(r.stdout)["programs"]
    good = next(x for x in records if x["input"].endswith("globals.c"))
    assert good["best_binary_size"] is not None  # the other input's result is written


# -- 5. caches and stores ---------------------------------------------------------------

def test_an_unusable_cache_folder_warns_once_and_runs_without(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    r = run_cli("size", EXAMPLES / "loops.c", "-p", "sroa", "--json",
                env={"COMPILERLM_CACHE_DIR": str(blocked / "cache")})
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["status"] == "ok"
    warnings = [ln for ln in r.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warnings) == 1 and "without the result cache" in warnings[0]


# -- 6. Ctrl-C ------------------------------------------------------------------------------

def _children(pid: int) -> set[int]:
    kids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.add(int(stat.parent.name))
    return kids


def test_ctrl_c_with_busy_workers_stops_at_once_and_leaves_no_process(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "compilerlm.cli", "size",
                             EXAMPLES / "loops.c", EXAMPLES / "switch.c", "--raw-pipeline",
                             "-p", "repeat<4000000>(function(instcombine,simplifycfg))",
                             "--workers", "2", "--no-cache"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: set[int] = set()
    for _ in range(200):  # both workers busy
        workers |= _children(proc.pid)
        if len(workers) >= 2:
            break
        time.sleep(0.05)
    time.sleep(1.5)
    workers |= _children(proc.pid)
    start = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    stopped = time.monotonic() - start
    assert stopped < 2, stopped
    assert proc.returncode == 130 and proc.stderr.read().strip() in (b"aborted", b"interrupted")
    time.sleep(0.2)
    assert all(not Path(f"/proc/{pid}").exists() or
               Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] == "Z"
               for pid in workers)


# -- 8. crafted corpora ---------------------------------------------------------------------

def test_a_corpus_index_cannot_read_outside_the_corpus(tmp_path):
    secret = tmp_path / "secret.ll"
    secret.write_text((DATA / "empty.ll").read_text())
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "corpus.jsonl").write_text(json.dumps(
        {"name": "x", "file": "../secret.ll", "functions": 0, "ir_instructions": 0}) + "\n")
    r = run_cli("size", corpus)
    assert r.returncode == 2 and "points outside the corpus" in r.stderr


# -- 9. checks that did not run -----------------------------------------------------------

def test_a_check_the_user_asked_for_must_run(tmp_path):
    prog = _program(tmp_path, "tok.c", 'int main(void) { puts("42"); return 0; }\n')
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("41\n")
    for extra in (["--check-command", "false"], ["--check-run", "", "--expect-output", wrong]):
        r = run_cli("optimize", prog, "-o", tmp_path / "tok.o", *extra)
        assert r.returncode == 2 and "the check you asked for cannot run" in r.stderr, extra
        assert not (tmp_path / "tok.o").exists()


def test_an_automatic_check_that_cannot_run_is_not_validated(tmp_path):
    """A program of several units (helper() is in another file) cannot be built from its one
    file: its check cannot run. A local header alone no longer stops it."""
    (tmp_path / "h.h").write_text("int helper(int);\n")
    prog = tmp_path / "m.c"
    prog.write_text('#include "h.h"\n#include <stdio.h>\n'
                    'int main(void) { printf("%d\\n", helper(2)); return 0; }\n')
    r = run_cli("optimize", prog, "--budget", "2", "--json")
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    assert rec["validated"] is False and "helper" in rec["checks_skipped"][0]
    prog.write_text('#include "h.h"\n#include <stdio.h>\nint helper(int x) { return x + 1; }\n'
                    'int main(void) { printf("%d\\n", helper(2)); return 0; }\n')
    rec = json.loads(run_cli("optimize", prog, "--budget", "2", "--json").stdout)
    assert rec["validated"] is True and rec["checks_skipped"] == []
    ok = json.loads(run_cli("optimize", EXAMPLES / "recursion.c", "--budget", "2",
                            "--json").stdout)
    assert ok["validated"] is True and ok["checks_skipped"] == []


# -- the sweep ------------------------------------------------------------------------------

def _sweep(tmp_path: Path) -> dict[str, list]:
    notdb = tmp_path / "notdb.sqlite"
    notdb.write_text("this is not SQLite\n")
    prog = _program(tmp_path, "tok.c", 'int main(void) { puts("42"); return 0; }\n')
    corpus = tmp_path / "badcorpus"
    corpus.mkdir()
    (corpus / "corpus.jsonl").write_text("{not json\n")
    (tmp_path / "hdr.h").write_text("int h(void);\n")
    hdr = tmp_path / "hdr.c"
    hdr.write_text('#include "hdr.h"\nint main(void) { return h(); }\n')  # h() elsewhere
    empty_dir = tmp_path / "nothing"
    empty_dir.mkdir()
    loops = EXAMPLES / "loops.c"
    return {
        "optimize: IR that defines nothing": ["optimize", DATA / "empty.ll"],
        "optimize: --check-command that fails on the reference": [
            "optimize", prog, "--check-command", "false"],
        "optimize: a check for a program of several units": [
            "optimize", hdr, "--check-run", ""],
        "optimize: --budget 0": ["optimize", loops, "--budget", "0"],
        "optimize: --budget past its bound": ["optimize", loops, "--budget", "100000"],
        "optimize: unknown model": ["optimize", loops, "--model", "nope"],
        "optimize: missing --expect-output file": [
            "optimize", prog, "--check-run", "", "--expect-output", tmp_path / "none.txt"],
        "autotune: --db that is not SQLite": ["autotune", loops, "--db", notdb],
        "autotune: --budget past its bound": ["autotune", loops, "--budget", "1000000000",
                                              "--db", tmp_path / "t.sqlite"],
        "autotune: a model file that does not exist": [
            "autotune", loops, "--model", tmp_path / "none.json.gz", "--db",
            tmp_path / "t.sqlite"],
        "autotune: only an empty module": ["autotune", DATA / "empty.ll", "--budget", "2",
                                           "--no-validate", "--db", tmp_path / "e.sqlite"],
        "results: --db that is not SQLite": ["results", "--db", notdb],
        "broadcast: --top 0": ["broadcast", "--db", notdb, "--top", "0"],
        "size: --cache that is not SQLite": ["size", loops, "--cache", notdb],
        "size: --timeout past a day": ["size", loops, "--timeout", "1e9"],
        "size: a corpus whose index is not JSON": ["size", corpus],
        "ir: a directory without sources": ["ir", empty_dir, "-o", tmp_path / "o"],
        "minimize: unknown pass": ["minimize", loops, "-p", "sroa,licmm"],
        "passlisteval: unknown pass": ["passlisteval", "-p", "sroa,licmm"],
        "passlisteval: csmith:0": ["passlisteval", "-p", "sroa", "--suite", "csmith:0"],
        "passlisteval: csmith past its bound": ["passlisteval", "-p", "sroa", "--suite",
                                                "csmith:100000000"],
        "passlisteval: humaneval-x sample 0": ["passlisteval", "-p", "sroa", "--suite",
                                               f"humaneval-x:{tmp_path / 'x.jsonl'}@0"],
        "passlisteval: a program of several units": [
            "passlisteval", "-p", "sroa", "--program", hdr],
        "dataset emulation: --lists 10^11": ["dataset", "emulation", loops, "--lists",
                                             "100000000000", "-o", tmp_path / "d"],
        "dataset verify: not a dataset": ["dataset", "stats", empty_dir],
        "eval flagtune: --budget past its bound": ["eval", "flagtune", loops, "--budget",
                                                   "5000"],
        "train: --steps 0": ["train", tmp_path / "none.jsonl", "-o", tmp_path / "ck",
                             "--steps", "0"],
        "train: --layers past its bound": ["train", tmp_path / "none.jsonl", "-o",
                                           tmp_path / "ck", "--layers", "100000"],
        "train-predictor: neither --db nor --table": ["train-predictor", "-o",
                                                      tmp_path / "m.json.gz"],
        "disasm: a model that is not an LLM": ["disasm", tmp_path / "f.s", "--model", "default"],
        "emulate: a model that is not an LLM": ["emulate", loops, "-p", "sroa", "--model",
                                                "default"],
        "serve: a model that is not hf:": ["serve", "--model", "openai:http://127.0.0.1:9"],
        "corpus capture: a build command that does not exist": [
            "corpus", "capture", "-o", tmp_path / "c", "--", "no-such-build-tool"],
        "eval disasm: --max-tokens 0": ["eval", "disasm", tmp_path, "--model", "hf:x",
                                        "--max-tokens", "0"],
    }


SWEEP_CASES = 34  # raise it with each case added; a shrinking sweep fails here


def test_the_sweep_has_all_its_cases(tmp_path):
    assert len(_sweep(tmp_path)) == SWEEP_CASES


@pytest.mark.parametrize("index", range(SWEEP_CASES))
def test_bad_input_sweep(tmp_path, index):
    what, args = list(_sweep(tmp_path).items())[index]
    start = time.monotonic()
    r = run_cli(*args, "--json") if args[0] != "corpus" else run_cli(*args)
    assert 0 < r.returncode < 128, (what, r.returncode, r.stderr)
    assert "Traceback" not in r.stderr + r.stdout, what
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1, (what, r.stderr)
    assert time.monotonic() - start < 60, what


# -- compiler flags, and what autotune spends ----------------------------------------------

def test_compiler_flags_after_the_double_dash_reach_the_front_end_and_the_check(tmp_path):
    legacy = tmp_path / "legacy.c"
    legacy.write_text('main(argc) { int n = strlen("abc"); printf("%d\\n", n + BIAS); '
                      'return 0; }\n')
    r = run_cli("size", legacy)  # BIAS comes from the flags
    assert r.returncode == 2 and "BIAS" in r.stderr, r.stderr
    # Implicit int and implicit declarations compile, as with gcc 12 (errors in clang 17
    # unless downgraded: the front end downgrades them for C).
    flags = ["--", "-std=gnu89", "-DBIAS=1"]
    r = run_cli("size", legacy, "--json", *flags)
    assert r.returncode == 0 and json.loads(r.stdout)["status"] == "ok", r.stderr
    r = run_cli("optimize", legacy, "--budget", "2", "--check-run", "", "--json", *flags)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["validated"] is True
    r = run_cli("ir", legacy, "-o", tmp_path / "l.ll", *flags)
    assert r.returncode == 0 and (tmp_path / "l.ll").exists(), r.stderr


def test_autotune_has_a_default_store_and_bounds_minimisation(tmp_path):
    r = run_cli("autotune", EXAMPLES / "switch.c", "--budget", "30", "--minimize-budget", "25",
                "--no-validate", "--json", env={"COMPILERLM_CACHE_DIR": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    [rec] = json.loads(r.stdout)["programs"]
    assert rec["evaluations"]["search"] == 30 and 1 <= rec["evaluations"]["minimize"] <= 25
    assert (tmp_path / "autotune.sqlite").exists() and str(tmp_path) in r.stderr


def test_a_long_job_logging_to_a_file_says_how_far_it_is():
    """Without a terminal (a corpus build or labelling run with stderr in a log file) there is
    no bar: a plain line per minute at most, the first after a minute, with an ETA from the
    phase's own rate; a short run writes nothing."""
    import io

    from compilerlm.progress import progress_lines
    now, out = [0.0], io.StringIO()
    update = progress_lines(every=60, stream=out, clock=lambda: now[0])
    for done in range(0, 41):  # one unit every 6 s
        now[0] = 6.0 * done
        update(done, 100, "programs tuned")
    lines = out.getvalue().splitlines()
    assert lines == ["progress: 10/100 programs tuned, 1m elapsed, ETA 9m",
                     "progress: 20/100 programs tuned, 2m elapsed, ETA 8m",
                     "progress: 30/100 programs tuned, 3m elapsed, ETA 7m",
                     "progress: 40/100 programs tuned, 4m elapsed, ETA 6m"]
    quiet = io.StringIO()
    short = progress_lines(every=60, stream=quiet, clock=lambda: 30.0)
    short(5, 10, "units")
    assert quiet.getvalue() == ""
