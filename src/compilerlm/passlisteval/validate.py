"""PassListEval: a pass list is accepted only when every program still behaves the same.

LLM Compiler compiled each of 164 HumanEval-X programs with a candidate list, linked it with
its unit tests and ran it; any failure rejected the list (9.85 % of its candidate lists).
Size plus the IR verifier is no correctness check (random search on real code finds lists that
collapse functions into `unreachable`): only running programs is.

For each program: its IR is built once (cached on disk), the list is applied in-process by the
engine, the object is linked with clang-17 and run under a time limit, and its exit status and
output are compared with the program's reference build (`clang -O0` from source). Verdicts are
cached per (pipeline, program), and per (program, object): a list that compiles a program to
bytes already judged costs its compilation only.

    with Engine(workers=2) as engine:
        checker = PassListEval(engine)
        verdict = checker.check("sroa,instcombine", builtin_suite())
        verdict.accepted, verdict.failures
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import CompilerlmError, InputError, NestedPipelineError
from ..toolchain.cache import default_cache_path
from ..toolchain.engine import Engine
from ..toolchain.locate import LLVM_VERSION
from ..toolchain.measure import CRASH, KILLED, OK, TIMEOUT
from ..toolchain.passes import parse_pass_list
from . import sandbox
from .programs import Program, Skipped
from .verdicts import VerdictStore

# Why a program rejected a list.
COMPILE_ERROR = "compile_error"  # LLVM rejected the pipeline, or it produced broken IR
COMPILER_CRASH = "crash"  # LLVM aborted while compiling (report_fatal_error, signal)
COMPILE_TIMEOUT = "compile_timeout"
COMPILE_KILLED = "compile_killed"  # the LLVM worker was killed from outside, twice
LINK_ERROR = "link_error"
RUNTIME_CRASH = "runtime_crash"  # the program died of a signal
RUN_TIMEOUT = "timeout"  # the program ran past its limit (often an infinite loop)
WRONG_EXIT = "wrong_exit_code"
WRONG_OUTPUT = "wrong_output"
CHECK_FAILED = "check_failed"  # the user's own check command said no
RESOURCE_LIMIT = "resource_limit"  # the program hit a sandbox limit (CPU time, file size)
_UNCACHED_REASONS = {COMPILE_TIMEOUT, COMPILE_KILLED, RUN_TIMEOUT}  # depend on the machine


def _keeps(failure) -> bool:
    """Whether a verdict is worth keeping: not one that depends on the machine's load."""
    return failure is None or failure.reason not in _UNCACHED_REASONS


@dataclass(frozen=True)
class Failure:
    program: str
    reason: str
    detail: str


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    pipeline: str
    passes: tuple[str, ...]
    programs_total: int
    programs_passed: int
    programs_checked: int
    failures: tuple[Failure, ...]
    skipped: tuple[Skipped, ...] = ()
    cached: int = 0  # program verdicts answered from the cache
    seconds: float = 0.0  # wall time of this check, reference builds included

    def to_dict(self) -> dict:
        d = asdict(self)
        d["passes"] = list(self.passes)
        return d


@dataclass
class _Reference:
    exit_code: int | None
    stdout_hash: str | None
    problem: str | None = None  # why the program cannot serve as a check


def _hash(data: bytes) -> str:
    return "b2:" + hashlib.blake2b(data, digest_size=16).hexdigest()


def _pipeline_and_names(passes, raw: bool) -> tuple[str, tuple[str, ...]]:
    if raw:
        return str(passes).strip(), ()
    try:
        pl = parse_pass_list(passes)
    except NestedPipelineError:  # e.g. repeat<2>(...): LLVM takes it as it is
        return str(passes).strip(), ()
    return pl.pipeline, pl.names


@dataclass
class PassListEval:
    """Checks pass lists against programs with one engine; caches everything it learns."""

    engine: Engine
    threads: int = 0  # 0: twice the engine's workers (overlap codegen with link and run)
    ir_cache_dir: Path | None = None  # default: next to the result cache
    _irs: dict = field(default_factory=dict, repr=False)
    _refs: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Reference runs and verdicts, in the engine's cache file (None: the engine caches
    # nothing, so neither does this).
    verdicts: VerdictStore | None = field(default=None, repr=False)
    # Answer a program from the verdict on identical bytes (False: always link and run, the
    # verification-cost benchmark's baseline).
    reuse_objects: bool = True

    def __post_init__(self):
        if self.verdicts is None and self.engine.cache is not None:
            self.verdicts = VerdictStore(self.engine.cache.path)
        if self.ir_cache_dir is None and self.engine.cache is not None:
            self.ir_cache_dir = self.engine.cache.path.parent / "programs"
        if self.ir_cache_dir is None:
            self.ir_cache_dir = default_cache_path().parent / "programs"
        self.threads = self.threads or max(2, 2 * self.engine.pool.size)

    # -- per-program state, built once ----------------------------------------------------
    def _ir(self, program: Program):
        unit = self._irs.get(program.hash)
        if unit is None:
            unit = sandbox.program_ir(program, self.ir_cache_dir)
            with self._lock:
                self._irs[program.hash] = unit
        return unit

    def reference(self, program: Program) -> _Reference:
        """How the program behaves when built as written; cached in memory and SQLite."""
        ref = self._refs.get(program.hash)
        if ref is not None:
            return ref
        cache = self.verdicts
        row = cache.get_reference(program.hash) if cache is not None else None
        if row is not None:
            ref = _Reference(*row)
        else:
            ref = self._run_reference(program)
            if cache is not None and not (ref.problem or "").startswith("timeout"):
                cache.put_reference(program.hash, program.uri, ref.exit_code, ref.stdout_hash,
                                    ref.problem)
        with self._lock:
            self._refs[program.hash] = ref
        return ref

    def _run_reference(self, program: Program) -> _Reference:
        with tempfile.TemporaryDirectory(prefix="compilerlm-ref-") as tmp:
            try:
                exe = sandbox.build_reference(program, Path(tmp), program.reference_level)
                self._ir(program)  # the candidate's front end must work too
            except CompilerlmError as e:
                return _Reference(None, None, f"does not build: {e}")
            if program.check_command:
                passed, detail = sandbox.user_check(program, exe)
                return _Reference(0, None) if passed else _Reference(
                    None, None, f"its reference build fails the check command: {detail}")
            result = sandbox.run(program, exe)
        if result.timed_out:
            return _Reference(None, None, f"timeout: its reference build ran past "
                                          f"{program.timeout:g} s")
        if result.limit:
            return _Reference(None, None, f"its reference build hits the sandbox's "
                                          f"{result.limit}")
        if result.exit_code != 0:
            return _Reference(result.exit_code, None, f"its reference build exits with "
                                                      f"{result.exit_code}")
        if program.expected_stdout is not None:
            if result.stdout != program.expected_stdout:
                return _Reference(0, None, "its reference build does not print the expected "
                                           "output")
            return _Reference(0, _hash(program.expected_stdout))
        return _Reference(0, _hash(result.stdout))

    def usable(self, programs: list[Program], progress=None
               ) -> tuple[list[Program], list[Skipped]]:
        """Programs whose reference build runs and passes its own checks (in parallel).

        `progress(done, total, phase)` is called as reference builds finish."""
        done = [0]

        def ref(program):
            r = self.reference(program)
            with self._lock:
                done[0] += 1
            if progress:
                progress(done[0], len(programs), "reference builds")
            return r

        if all(p.hash in self._refs for p in programs):  # known: no threads needed
            refs = [self._refs[p.hash] for p in programs]
        else:
            with ThreadPoolExecutor(self.threads) as pool:
                refs = list(pool.map(ref, programs))
        good = [p for p, r in zip(programs, refs) if r.problem is None]
        bad = [Skipped(p.uri, r.problem) for p, r in zip(programs, refs) if r.problem]
        return good, bad

    # -- checking a list ----------------------------------------------------------------
    def _key(self, pipeline: str, program: Program) -> str:
        cfg = self.engine.config
        return "|".join((pipeline, program.hash, LLVM_VERSION, cfg.target or "",
                         cfg.codegen.key()))

    def _check_one(self, pipeline: str, program: Program, known: dict
                   ) -> tuple[Failure | None, bool]:
        """(failure or None, answered from cache); `known` holds the pipeline's cached rows."""
        cache = self.verdicts
        key = self._key(pipeline, program)
        row = known.get(key)
        if row is not None:
            passed, reason, detail = row
            return (None if passed else Failure(program.uri, reason, detail)), True
        start = time.perf_counter()
        failure = self._run_candidate(pipeline, program)
        if cache is not None and _keeps(failure):
            cache.put_verdict(key, pipeline, program.hash, program.uri, failure is None,
                              failure.reason if failure else None,
                              failure.detail if failure else None,
                              time.perf_counter() - start)
        return failure, False

    def _run_candidate(self, pipeline: str, program: Program) -> Failure | None:
        m = self.engine.measure(self._ir(program), pipeline, raw=True, want_object=True)
        if m.status != OK:
            reason = {CRASH: COMPILER_CRASH, TIMEOUT: COMPILE_TIMEOUT,
                      KILLED: COMPILE_KILLED}.get(m.status, COMPILE_ERROR)
            return Failure(program.uri, reason, f"{m.status}: {m.error}")
        # Lists that compile the program to bytes already judged need no link and no run.
        cache = self.verdicts if self.reuse_objects else None
        if cache is None:
            return self._run_object(program, m.object)
        key = "|".join((program.hash, _hash(m.object), LLVM_VERSION))
        row = cache.object_verdict(key)
        if row is not None:
            passed, reason, detail = row
            return None if passed else Failure(program.uri, reason, detail)
        failure = self._run_object(program, m.object)
        if _keeps(failure):
            cache.put_object_verdict(key, failure is None, failure and failure.reason,
                                     failure and failure.detail)
        return failure

    def _run_object(self, program: Program, obj: bytes) -> Failure | None:
        """Link the candidate object, run it confined and compare with the reference."""
        ref = self.reference(program)
        with tempfile.TemporaryDirectory(prefix="compilerlm-cand-") as tmp:
            exe, why = sandbox.link(program, obj, Path(tmp))
            if exe is None:
                return Failure(program.uri, LINK_ERROR, why)
            if program.check_command:
                passed, detail = sandbox.user_check(program, exe)
                return None if passed else Failure(program.uri, CHECK_FAILED, detail)
            result = sandbox.run(program, exe)
        if result.timed_out:
            return Failure(program.uri, RUN_TIMEOUT, f"ran past {program.timeout:g} s")
        if result.limit:
            return Failure(program.uri, RESOURCE_LIMIT, f"stopped by the {result.limit}")
        if result.signal_name:
            return Failure(program.uri, RUNTIME_CRASH, f"killed by {result.signal_name}")
        if result.exit_code != ref.exit_code:
            detail = f"exit status {result.exit_code}, expected {ref.exit_code}"
            if result.stdout:
                detail += f"; printed {result.stdout.decode(errors='replace').strip()[:200]!r}"
            return Failure(program.uri, WRONG_EXIT, detail)
        if _hash(result.stdout) != ref.stdout_hash:
            out = result.stdout.decode(errors="replace").strip()
            return Failure(program.uri, WRONG_OUTPUT, f"output differs from the reference "
                                                      f"build: {out[:200]!r}")
        return None

    def check(self, passes, programs: list[Program], *, skipped: list[Skipped] = (),
              fail_fast: bool = False, raw: bool = False, progress=None) -> Verdict:
        """Check one pass list on the programs; the verdict says which failed and why.

        With fail_fast, stop at the first failure (a yes/no answer)."""
        start = time.perf_counter()
        pipeline, names = _pipeline_and_names(passes, raw)
        usable, unusable = self.usable(programs, progress)
        if not usable:
            why = f": {unusable[0].uri}: {unusable[0].reason}" if unusable else ""
            raise InputError("no runnable programs to check the list with "
                                  f"({len(programs)} given, {len(unusable)} unusable){why}")
        stop = threading.Event()
        done = [0]
        known = self.verdicts.verdicts_for(pipeline) if self.verdicts else {}
        if all(self._key(pipeline, p) in known for p in usable):  # a repeated list
            outcomes = [self._check_one(pipeline, p, known) for p in usable]
            return self._verdict(pipeline, names, usable, outcomes, skipped, unusable, start)

        def task(program):
            if stop.is_set():
                return "not-run", False
            failure, cached = self._check_one(pipeline, program, known)
            if failure is not None and fail_fast:
                stop.set()
            with self._lock:
                done[0] += 1
            if progress:
                progress(done[0], len(usable), "programs checked")
            return failure, cached

        with ThreadPoolExecutor(self.threads) as pool:
            outcomes = list(pool.map(task, usable))
        return self._verdict(pipeline, names, usable, outcomes, skipped, unusable, start)

    @staticmethod
    def _verdict(pipeline, names, usable, outcomes, skipped, unusable, start) -> Verdict:
        failures = tuple(f for f, _ in outcomes if isinstance(f, Failure))
        checked = sum(1 for f, _ in outcomes if f != "not-run")
        return Verdict(
            accepted=not failures and checked == len(usable), pipeline=pipeline, passes=names,
            programs_total=len(usable), programs_passed=checked - len(failures),
            programs_checked=checked, failures=failures,
            skipped=tuple(skipped) + tuple(unusable),
            cached=sum(1 for f, c in outcomes if c and f != "not-run"),
            seconds=time.perf_counter() - start)
