"""The measurement engine: any pass list on any unit, measured exactly, cached, in parallel.

    from compilerlm.corpus import load_unit
    from compilerlm.toolchain.engine import Engine

    unit = load_unit("examples/loops.c")
    with Engine(workers=2) as engine:
        m = engine.measure(unit, "sroa,instcombine,simplifycfg")   # any spelling parse_pass_list takes
        oz = engine.oz_baseline(unit)                              # clang-17 -Oz -c, cached
        print(m.status, m.binary_size, oz.binary_size)
        many = engine.measure_many([(unit, p) for p in lists])     # parallel, in order
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..unit import Unit
from .cache import CacheKey, ResultCache, default_cache_path
from .libllvm import CodegenOptions
from .locate import LLVM_VERSION
from .measure import Measurement, Request
from .passes import parse_pass_list
from .reference import clang_reference, reference_pipeline
from .worker import DEFAULT_TIMEOUT_S, WorkerPool


@dataclass(frozen=True)
class EngineConfig:
    workers: int = 1  # LLVM worker processes; throughput scales ~linearly to the core count
    timeout: float = DEFAULT_TIMEOUT_S  # per evaluation; the paper drops lists past 120 s
    target: str | None = None  # None: each module's own triple (x86-64 from our front end)
    codegen: CodegenOptions = field(default_factory=CodegenOptions)  # what clang -Oz -c does
    cache_path: Path | None = None  # None: default_cache_path(); see use_cache
    use_cache: bool = True
    # Identical optimised IR (same bitcode hash) reuses the first codegen's sizes. Off: the
    # hash leaves out use-list order, which changes codegen, so a memoised size could depend
    # on what the worker compiled before (docs/engine.md has the case).
    reuse_codegen: bool = False
    # None: local worker processes; "local" starts a Ray cluster here, "auto" joins the
    # running one, anything else is a cluster address.
    ray: str | None = None


def _pipeline_of(passes, raw: bool) -> str:
    """Canonical pipeline text: normalised from a pass list, or the caller's raw string."""
    if raw:
        return str(passes).strip()
    if passes is None:
        return ""
    return parse_pass_list(passes).pipeline


class Engine:
    """Crash-isolated, cached, parallel evaluation of pass lists on units."""

    def __init__(self, config: EngineConfig | None = None, **overrides):
        self.config = config or EngineConfig(**overrides)
        if self.config.ray:
            from .ray_pool import RayPool
            self.pool = RayPool(self.config.ray, workers=self.config.workers,
                                timeout=self.config.timeout)
        else:
            self.pool = WorkerPool(workers=self.config.workers, timeout=self.config.timeout)
        self.cache = None
        if self.config.use_cache:
            self.cache = _open_cache(self.config.cache_path)
        # evaluations: sizes computed (each at most once per cache); builds: objects or IR
        # asked for by PassListEval, disasm, emulation (always built, never from the cache)
        self.stats = {"evaluations": 0, "cache_hits": 0, "builds": 0}
        # Evaluations under way, by cache key: a second request for one joins the first, so
        # no evaluation is ever computed twice (searches often propose a list twice).
        self._inflight: dict[CacheKey, Future] = {}
        self._inflight_lock = threading.Lock()

    # -- keys -----------------------------------------------------------------------
    def _key(self, unit: Unit, pipeline: str) -> CacheKey:
        return CacheKey(input_hash=unit.hash, pipeline=pipeline, llvm_version=LLVM_VERSION,
                        target=self.config.target or "", codegen=self.config.codegen.key())

    # -- evaluation -----------------------------------------------------------------
    def submit(self, unit: Unit, passes=None, *, raw: bool = False, want_ir: bool = False,
               want_asm: bool = False, want_object: bool = False) -> "Future[Measurement]":
        """Start one evaluation; the future's result is a Measurement (never an exception).

        `passes` is anything parse_pass_list accepts (normalised), or with raw=True a pipeline
        string handed to LLVM as it is. Unknown pass names raise PassListError here."""
        pipeline = _pipeline_of(passes, raw)
        key = self._key(unit, pipeline)
        artifacts = want_ir or want_asm or want_object
        request = Request(input_hash=unit.hash, pipeline=pipeline, target=self.config.target,
                          codegen=self.config.codegen, want_ir=want_ir, want_asm=want_asm,
                          want_object=want_object, reuse_codegen=self.config.reuse_codegen)
        with self._inflight_lock:  # one lookup-or-start at a time: nothing runs twice
            if not artifacts:
                running = self._inflight.get(key)
                if running is not None:
                    return running
                hit = self.cache.get(key) if self.cache is not None else None
                if hit is not None:
                    self.stats["cache_hits"] += 1
                    done: Future = Future()
                    done.set_result(hit)
                    return done
            self.stats["builds" if artifacts else "evaluations"] += 1
            outer: Future = Future()
            if not artifacts:
                self._inflight[key] = outer
            inner = self.pool.submit(unit.ir, request)
        inner.add_done_callback(lambda f: self._finished(key, f, outer, artifacts))
        return outer

    def _finished(self, key: CacheKey, inner: Future, outer: Future, artifacts: bool) -> None:
        # Store, leave the in-flight table, and only then wake the caller: whoever asks next
        # finds the result in the cache, never a second computation.
        if inner.cancelled():  # the pool shut down (Ctrl-C): nothing to store, nobody waits
            if not artifacts:
                with self._inflight_lock:
                    self._inflight.pop(key, None)
            outer.cancel()
            return
        error = inner.exception()
        if self.cache is not None and error is None:
            self.cache.put(key, inner.result())
        if not artifacts:
            with self._inflight_lock:
                self._inflight.pop(key, None)
        if error is not None:
            outer.set_exception(error)
        else:
            outer.set_result(inner.result())

    def measure(self, unit: Unit, passes=None, **kw) -> Measurement:
        return self.submit(unit, passes, **kw).result()

    def measure_many(self, items, **kw) -> list[Measurement]:
        """Evaluate (unit, passes) pairs on all workers; results in the input's order."""
        futures = [self.submit(unit, passes, **kw) for unit, passes in items]
        return [f.result() for f in futures]

    # -- baselines --------------------------------------------------------------------
    def reference(self, unit: Unit, level: str = "-Oz") -> Measurement:
        """A clang-17 reference build of the unit (subprocess, once per unit, cached)."""
        key = self._key(unit, reference_pipeline(level))
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                self.stats["cache_hits"] += 1
                return hit
        self.stats["evaluations"] += 1
        m = clang_reference(unit, level, target=self.config.target,
                            timeout=self.config.timeout)
        if self.cache is not None:
            self.cache.put(key, m)
        return m

    def oz_baseline(self, unit: Unit) -> Measurement:
        """What users compare against: `clang-17 -Oz -c` on the unit, byte for byte."""
        return self.reference(unit, "-Oz")

    # -- lifecycle --------------------------------------------------------------------
    def close(self, kill: bool = False) -> None:
        """Stop the workers (with `kill`, at once) and close the cache."""
        self.pool.close(kill=kill)
        if self.cache is not None:
            self.cache.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        # Ctrl-C or an error: nobody waits for the work still queued, so the workers are
        # killed instead of finishing it (a busy worker ignores SIGINT).
        self.close(kill=exc_type is not None)




def _open_cache(path: Path | None) -> ResultCache | None:
    """The cache a user named (an error when it cannot be used), or the default one: where
    that cannot be opened (a read-only $COMPILERLM_CACHE_DIR, a full disk), a warning, once,
    and no cache."""
    if path is not None:
        return ResultCache(path)
    try:
        return ResultCache(default_cache_path())
    except InputError as e:
        if not _warned_no_cache:
            _warned_no_cache.append(True)
            print(f"warning: running without the result cache: {e}", file=sys.stderr)
        return None


_warned_no_cache: list[bool] = []


def size_record(engine: Engine, unit: Unit, passes=None, *, raw: bool = False) -> dict:
    """What `compilerlm size` reports for one unit: the list's sizes next to clang -Oz's.

    Without passes the unit is measured as it is (no optimisation at all)."""
    pass_names = [] if raw or passes is None else list(parse_pass_list(passes).names)
    m = engine.measure(unit, passes, raw=raw)
    oz = engine.oz_baseline(unit)
    improvement = None
    if m.ok and oz.ok and oz.binary_size:
        improvement = round(100.0 * (1 - m.binary_size / oz.binary_size), 4)
    return {
        "input": unit.name,
        "status": m.status,
        "error": m.error,
        "passes": pass_names,
        "pipeline": m.pipeline,
        "ir_instruction_count": m.ir_instruction_count,
        "binary_size": m.binary_size,
        "text_size": m.text_size,
        "data_size": m.data_size,
        "oz_binary_size": oz.binary_size,
        "oz_text_size": oz.text_size,
        "oz_data_size": oz.data_size,
        "oz_ir_instruction_count": oz.ir_instruction_count,
        "oz_status": oz.status,
        "improvement_over_oz_pct": improvement,
        "input_hash": unit.hash,
        "ir_hash": m.ir_hash,
        "cached": m.cached,
        "seconds": round(m.seconds, 6),
        "llvm_version": LLVM_VERSION,
        "target": engine.config.target,
    }
