"""One evaluation: apply a pipeline to a unit's IR in-process and measure its code size.

`Evaluator` runs inside an engine worker process (see worker.py): it checks each program once
(parse, verify), then per evaluation parses it into a fresh LLVMContext, runs the textual
pipeline, verifies,
counts IR instructions, hashes the optimised module, lowers it to an ELF object in memory and
reads Berkeley text + data from the section headers. A crashing pipeline is a result, not an
exception: every evaluation returns a `Measurement` with a status.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import asdict, dataclass, field

from ..unit import hash_bytes
from .elf import ELFError, object_size
from .libllvm import CodegenOptions, LibLLVM, LLVMCallError

# Statuses of an evaluation. Only OK carries sizes.
OK = "ok"
INVALID_PIPELINE = "invalid_pipeline"  # LLVM rejected the pipeline text (unknown pass...)
INVALID_INPUT = "invalid_input"  # the unit's IR does not parse, verify, or define anything
VERIFIER_FAILURE = "verifier_failure"  # the passes produced a broken module
CODEGEN_ERROR = "codegen_error"  # the backend refused the optimised module
CRASH = "crash"  # LLVM aborted the worker (report_fatal_error, signal)
TIMEOUT = "timeout"  # the evaluation ran past its time limit
# The worker was killed from outside (the OOM killer, a user's kill -9), twice in a row: says
# nothing about the list, so it is reported but never cached.
KILLED = "killed"
STATUSES = (OK, INVALID_PIPELINE, INVALID_INPUT, VERIFIER_FAILURE, CODEGEN_ERROR, CRASH, TIMEOUT,
            KILLED)
# Failures that depend on the machine (its load, its memory, its users) rather than the input
# are never cached.
UNCACHEABLE = {TIMEOUT, KILLED}


@dataclass(frozen=True)
class Measurement:
    """The result of one evaluation (or of the clang -Oz baseline)."""

    status: str
    pipeline: str  # canonical pipeline as given to LLVMRunPasses; "clang -Oz" for the baseline
    input_hash: str
    ir_instruction_count: int | None = None
    text_size: int | None = None
    data_size: int | None = None
    ir_hash: str | None = None  # hash of the optimised module's bitcode ("b2:...")
    error: str | None = None  # one line: "LICM requires MemorySSA (loop-mssa)", "timeout"...
    seconds: float = 0.0
    cached: bool = False
    ir: str | None = field(default=None, repr=False)  # optimised IR, when asked for
    asm: str | None = field(default=None, repr=False)  # optimised assembly, when asked for
    object: bytes | None = field(default=None, repr=False)  # the ELF object, when asked for

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def binary_size(self) -> int | None:
        """LLM Compiler's binary size: .text + .data (Berkeley `size` text + data)."""
        if self.text_size is None or self.data_size is None:
            return None
        return self.text_size + self.data_size

    def to_dict(self, with_artifacts: bool = False) -> dict:
        d = asdict(self)
        d.pop("object")
        if not with_artifacts:
            d.pop("ir"), d.pop("asm")
        d["binary_size"] = self.binary_size
        return d


@dataclass(frozen=True)
class Request:
    """What the engine sends a worker: plain data, pickled across the process boundary."""

    input_hash: str
    pipeline: str
    target: str | None  # None: the module's own triple (or the default target)
    codegen: CodegenOptions
    ir: bytes | None = None  # sent when the worker does not hold the module yet
    want_ir: bool = False
    want_asm: bool = False
    reuse_codegen: bool = False  # identical optimised IR (same hash) skips codegen
    want_object: bool = False  # return the object file itself (PassListEval links it)


def _one_line(text: str, limit: int = 500) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    line = lines[0] if lines else text.strip()
    if len(lines) > 1:
        line += f" (+{len(lines) - 1} more lines)"
    return line if len(line) <= limit else line[: limit - 3] + "..."


class NeedModule(Exception):
    """The worker does not hold the module for this hash: resend with the IR."""


class Evaluator:
    """Holds programs and target machines of one process; measures requests.

    Each evaluation parses the program's bytes into a fresh LLVMContext instead of cloning
    a parsed module: LLVMCloneModule (like a bitcode round trip through the C API) loses
    use-list order, which changed codegen by a byte on a bundled program (structs.c), while
    parsing keeps the order `opt` and `clang` see. It costs the same as a clone (0.14 vs 0.07
    ms small, 1.75 vs 1.52 ms large; benchmarks/bench_engine.py), and a fresh context also
    avoids the struct renaming of parsing twice into one context."""

    def __init__(self, default_target: str = "x86_64-unknown-linux-gnu",
                 max_modules: int = 64, max_codegen_memo: int = 4096):
        self.llvm = LibLLVM.load()
        self.default_target = default_target
        self.max_modules = max_modules
        # input hash -> IR bytes that parsed and verified, or why they did not
        self.modules: OrderedDict[str, bytes | str] = OrderedDict()
        # (optimised IR hash, target, codegen key) -> (text, data): identical IR skips codegen
        self.codegen_memo: OrderedDict[tuple, tuple[int, int]] = OrderedDict()
        self.max_codegen_memo = max_codegen_memo

    # -- modules --------------------------------------------------------------
    def _check(self, ir: bytes) -> bytes | str:
        """The IR itself if it parses, verifies and defines something; else the reason."""
        llvm = self.llvm
        ctx = llvm.create_context()
        try:
            try:
                mod = llvm.parse(ctx, ir)
            except LLVMCallError as e:
                return f"IR does not parse: {_one_line(str(e))}"
            problem = llvm.verify(mod)
            if problem:
                return f"IR fails the verifier: {_one_line(problem)}"
            if not llvm.defines_anything(mod):
                return "empty module: it defines no functions or global variables"
            return ir
        finally:
            llvm.dispose_context(ctx)  # disposes the module with it

    def program(self, req: Request) -> bytes | str:
        entry = self.modules.get(req.input_hash)
        if entry is None:
            if req.ir is None:
                raise NeedModule(req.input_hash)
            entry = self._check(req.ir)
            self.modules[req.input_hash] = entry
            while len(self.modules) > self.max_modules:
                self.modules.popitem(last=False)
        self.modules.move_to_end(req.input_hash)
        return entry

    # -- evaluation -----------------------------------------------------------
    def measure(self, req: Request) -> Measurement:
        start = time.perf_counter()
        entry = self.program(req)

        def result(status, **kw) -> Measurement:
            return Measurement(status=status, pipeline=req.pipeline, input_hash=req.input_hash,
                               seconds=time.perf_counter() - start, **kw)

        if isinstance(entry, str):
            return result(INVALID_INPUT, error=entry)
        llvm = self.llvm
        ctx = llvm.create_context()
        try:
            mod = llvm.parse(ctx, entry)
            triple = req.target or llvm.triple(mod) or self.default_target
            try:
                tm = llvm.target_machine(triple, req.codegen)
            except LLVMCallError as e:
                return result(INVALID_INPUT, error=_one_line(str(e)))
            if req.target or not llvm.triple(mod):
                llvm.set_triple(mod, triple)
            llvm.ensure_data_layout(mod, tm)
            if req.pipeline:
                err = llvm.run_passes(mod, req.pipeline, tm)
                if err:
                    return result(INVALID_PIPELINE, error=_one_line(err))
            problem = llvm.verify(mod)
            if problem:
                return result(VERIFIER_FAILURE, error=_one_line(problem))
            count = llvm.instruction_count(mod)
            ir_hash = hash_bytes(llvm.bitcode(mod))
            ir_text = llvm.print_module(mod) if req.want_ir else None
            llvm.structors_to_init_array(mod)  # after hashing: what clang's codegen emits
            asm = None
            if req.want_asm:  # codegen mutates the module: lower a copy to assembly
                copy = llvm.clone(mod)
                try:
                    asm = llvm.emit(copy, tm, object_file=False).decode("utf-8", "replace")
                finally:
                    llvm.dispose(copy)
            key = (ir_hash, triple, req.codegen.key())
            sizes = self.codegen_memo.get(key) if req.reuse_codegen else None
            obj = None
            if sizes is None or req.want_object:
                obj = llvm.emit(mod, tm, object_file=True)
                size = object_size(obj)
                sizes = (size.text, size.data)
                self.codegen_memo[key] = sizes
                while len(self.codegen_memo) > self.max_codegen_memo:
                    self.codegen_memo.popitem(last=False)
            return result(OK, ir_instruction_count=count, text_size=sizes[0],
                          data_size=sizes[1], ir_hash=ir_hash, ir=ir_text, asm=asm,
                          object=obj if req.want_object else None)
        except (LLVMCallError, ELFError) as e:
            return result(CODEGEN_ERROR, error=_one_line(str(e)))
        finally:
            llvm.dispose_context(ctx)
