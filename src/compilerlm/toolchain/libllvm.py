"""ctypes bindings to the LLVM-C API of libLLVM-17.so, and the few operations built on them.

Only the engine's worker processes should call into this module for untrusted pipelines:
some pipelines abort the whole process through `report_fatal_error` (e.g. `globaldce,licm`:
"LICM requires MemorySSA"), so the caller must be able to lose the process.

    llvm = LibLLVM.load()
    with llvm.parsed(unit.ir) as mod:                         # textual IR or bitcode
        tm = llvm.target_machine(llvm.triple(mod), CodegenOptions())
        error = llvm.run_passes(mod, "function(sroa)", tm)    # None when the passes ran
        obj = llvm.emit(mod, tm, object_file=True)            # ELF bytes in memory, no files
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
from ctypes import POINTER, byref, c_bool, c_char_p, c_int, c_size_t, c_uint, c_void_p
from dataclasses import dataclass

from ..errors import InputError, ToolchainError
from .locate import find_toolchain

# LLVM-C enum values (llvm-c/TargetMachine.h, llvm-c/Analysis.h, llvm-c/Core.h).
LLVM_RETURN_STATUS_ACTION = 2
CODEGEN_LEVEL = {"O0": 0, "O1": 1, "O2": 2, "O3": 3}  # LLVMCodeGenOptLevel
RELOC = {"default": 0, "static": 1, "pic": 2, "dynamic-no-pic": 3, "ropi": 4, "rwpi": 5,
         "ropi-rwpi": 6}
CODE_MODEL_DEFAULT = 0
ASSEMBLY_FILE, OBJECT_FILE = 0, 1
LINKAGE_EXTERNAL = 0
LINKAGE_AVAILABLE_EXTERNALLY = 1
LINKAGE_LINKONCE_ANY, LINKAGE_LINKONCE_ODR = 2, 3
LINKAGE_WEAK_ANY, LINKAGE_WEAK_ODR = 5, 6
LINKAGE_INTERNAL, LINKAGE_PRIVATE = 8, 9
LINKAGES_ODR = (LINKAGE_LINKONCE_ANY, LINKAGE_LINKONCE_ODR, LINKAGE_WEAK_ANY, LINKAGE_WEAK_ODR)
VISIBILITY_HIDDEN = 1

FATAL_ERROR_HANDLER = ctypes.CFUNCTYPE(None, c_char_p)

# name: (restype, argtypes)
_SIGNATURES = {
    "LLVMGetVersion": (None, [POINTER(c_uint)] * 3),
    "LLVMContextCreate": (c_void_p, []),
    "LLVMContextDispose": (None, [c_void_p]),
    "LLVMCreateMemoryBufferWithMemoryRangeCopy": (c_void_p, [c_char_p, c_size_t, c_char_p]),
    "LLVMDisposeMemoryBuffer": (None, [c_void_p]),
    "LLVMGetBufferStart": (c_void_p, [c_void_p]),
    "LLVMGetBufferSize": (c_size_t, [c_void_p]),
    "LLVMParseIRInContext": (c_bool, [c_void_p, c_void_p, POINTER(c_void_p), POINTER(c_void_p)]),
    "LLVMCloneModule": (c_void_p, [c_void_p]),
    "LLVMDisposeModule": (None, [c_void_p]),
    "LLVMVerifyModule": (c_bool, [c_void_p, c_int, POINTER(c_void_p)]),
    "LLVMDisposeMessage": (None, [c_void_p]),
    "LLVMPrintModuleToString": (c_void_p, [c_void_p]),
    "LLVMWriteBitcodeToMemoryBuffer": (c_void_p, [c_void_p]),
    "LLVMGetTarget": (c_char_p, [c_void_p]),
    "LLVMSetTarget": (None, [c_void_p, c_char_p]),
    "LLVMGetDefaultTargetTriple": (c_void_p, []),
    "LLVMGetTargetFromTriple": (c_bool, [c_char_p, POINTER(c_void_p), POINTER(c_void_p)]),
    "LLVMGetFirstTarget": (c_void_p, []),
    "LLVMGetNextTarget": (c_void_p, [c_void_p]),
    "LLVMGetTargetName": (c_char_p, [c_void_p]),
    "LLVMCreateTargetMachine": (c_void_p, [c_void_p, c_char_p, c_char_p, c_char_p, c_int, c_int,
                                           c_int]),
    "LLVMDisposeTargetMachine": (None, [c_void_p]),
    "LLVMTargetMachineEmitToMemoryBuffer": (c_bool, [c_void_p, c_void_p, c_int, POINTER(c_void_p),
                                                     POINTER(c_void_p)]),
    "LLVMCreatePassBuilderOptions": (c_void_p, []),
    "LLVMDisposePassBuilderOptions": (None, [c_void_p]),
    "LLVMRunPasses": (c_void_p, [c_void_p, c_char_p, c_void_p, c_void_p]),
    "LLVMGetErrorMessage": (c_void_p, [c_void_p]),
    "LLVMDisposeErrorMessage": (None, [c_void_p]),
    "LLVMInstallFatalErrorHandler": (None, [FATAL_ERROR_HANDLER]),
    "LLVMGetFirstFunction": (c_void_p, [c_void_p]),
    "LLVMGetNextFunction": (c_void_p, [c_void_p]),
    "LLVMGetFirstGlobal": (c_void_p, [c_void_p]),
    "LLVMGetNextGlobal": (c_void_p, [c_void_p]),
    "LLVMIsDeclaration": (c_bool, [c_void_p]),
    "LLVMGetFirstBasicBlock": (c_void_p, [c_void_p]),
    "LLVMGetNextBasicBlock": (c_void_p, [c_void_p]),
    "LLVMGetFirstInstruction": (c_void_p, [c_void_p]),
    "LLVMGetNextInstruction": (c_void_p, [c_void_p]),
    "LLVMGetInstructionOpcode": (c_int, [c_void_p]),
    "LLVMGetValueName2": (c_void_p, [c_void_p, POINTER(c_size_t)]),
    "LLVMGetLinkage": (c_int, [c_void_p]),
    "LLVMSetLinkage": (None, [c_void_p, c_int]),
    "LLVMSetVisibility": (None, [c_void_p, c_int]),
    "LLVMSetComdat": (None, [c_void_p, c_void_p]),
    "LLVMGetNamedFunction": (c_void_p, [c_void_p, c_char_p]),
    "LLVMGetDataLayoutStr": (c_char_p, [c_void_p]),
    "LLVMCreateTargetDataLayout": (c_void_p, [c_void_p]),
    "LLVMSetModuleDataLayout": (None, [c_void_p, c_void_p]),
    "LLVMDisposeTargetData": (None, [c_void_p]),
    "LLVMGetNamedGlobal": (c_void_p, [c_void_p, c_char_p]),
    "LLVMGetInitializer": (c_void_p, [c_void_p]),
    "LLVMGetNumOperands": (c_int, [c_void_p]),
    "LLVMGetOperand": (c_void_p, [c_void_p, c_uint]),
    "LLVMConstIntGetZExtValue": (ctypes.c_ulonglong, [c_void_p]),
    "LLVMIsNull": (c_bool, [c_void_p]),
    "LLVMIsAConstantInt": (c_void_p, [c_void_p]),
    "LLVMGetModuleContext": (c_void_p, [c_void_p]),
    "LLVMPointerTypeInContext": (c_void_p, [c_void_p, c_uint]),
    "LLVMArrayType": (c_void_p, [c_void_p, c_uint]),
    "LLVMConstArray": (c_void_p, [c_void_p, POINTER(c_void_p), c_uint]),
    "LLVMAddGlobal": (c_void_p, [c_void_p, c_void_p, c_char_p]),
    "LLVMSetInitializer": (None, [c_void_p, c_void_p]),
    "LLVMSetSection": (None, [c_void_p, c_char_p]),
    "LLVMSetAlignment": (None, [c_void_p, c_uint]),
    "LLVMDeleteGlobal": (None, [c_void_p]),
    "LLVMSetSourceFileName": (None, [c_void_p, c_char_p, c_size_t]),
}

X86_INITIALIZERS = ("LLVMInitializeX86TargetInfo", "LLVMInitializeX86Target",
                    "LLVMInitializeX86TargetMC", "LLVMInitializeX86AsmPrinter",
                    "LLVMInitializeX86AsmParser")


class LLVMCallError(Exception):
    """An LLVM-C call reported an error (parse error, unknown pass, codegen failure)."""


@dataclass(frozen=True)
class CodegenOptions:
    """How the optimised module is lowered: the choices `clang -Oz -c` makes."""

    cpu: str = "x86-64"  # clang's default CPU for x86-64; functions carry their own attributes
    features: str = ""
    level: str = "O2"  # clang -Os/-Oz lower with the default (O2) codegen level
    reloc: str = "pic"  # clang defaults to PIC/PIE on Linux; static differs when jump tables exist

    def key(self) -> str:
        return f"cpu={self.cpu};features={self.features};level={self.level};reloc={self.reloc}"


class LibLLVM:
    """A loaded libLLVM-17 with the X86 backend initialised. One per process."""

    def __init__(self, path: str):
        try:
            self.lib = ctypes.CDLL(path)
        except OSError as e:
            raise ToolchainError(f"cannot load {path}: {e}") from e
        for name, (restype, argtypes) in _SIGNATURES.items():
            fn = getattr(self.lib, name)
            fn.restype, fn.argtypes = restype, argtypes
        for name in X86_INITIALIZERS:
            getattr(self.lib, name)()
        self._target_machines: dict[tuple[str, str], int] = {}

    @classmethod
    @functools.lru_cache(maxsize=1)
    def load(cls) -> "LibLLVM":
        return cls(str(find_toolchain().libllvm))

    # -- strings -----------------------------------------------------------
    def _take_message(self, ptr: int | None) -> str:
        if not ptr:
            return ""
        text = ctypes.string_at(ptr).decode("utf-8", "replace")
        self.lib.LLVMDisposeMessage(ptr)
        return text

    def version(self) -> str:
        major, minor, patch = c_uint(), c_uint(), c_uint()
        self.lib.LLVMGetVersion(byref(major), byref(minor), byref(patch))
        return f"{major.value}.{minor.value}.{patch.value}"

    def default_triple(self) -> str:
        return self._take_message(self.lib.LLVMGetDefaultTargetTriple())

    def targets(self) -> list[str]:
        names, t = [], self.lib.LLVMGetFirstTarget()
        while t:
            names.append(self.lib.LLVMGetTargetName(t).decode())
            t = self.lib.LLVMGetNextTarget(t)
        return names

    # -- modules -----------------------------------------------------------
    def create_context(self) -> int:
        return self.lib.LLVMContextCreate()

    def dispose_context(self, ctx: int) -> None:
        self.lib.LLVMContextDispose(ctx)

    def parse(self, ctx: int, data: bytes, name: str = "input") -> int:
        """Parse textual IR or bitcode (detected by its magic) into `ctx`."""
        buf = self.lib.LLVMCreateMemoryBufferWithMemoryRangeCopy(data, len(data), name.encode())
        mod, err = c_void_p(), c_void_p()
        # LLVMParseIRInContext takes ownership of the buffer, on success and on failure.
        failed = self.lib.LLVMParseIRInContext(ctx, buf, byref(mod), byref(err))
        if failed:
            raise LLVMCallError(self._take_message(err.value) or "cannot parse IR")
        return mod.value

    @contextlib.contextmanager
    def parsed(self, data: bytes, name: str = "input"):
        """The parsed module, in a context of its own that is disposed with the block."""
        ctx = self.create_context()
        try:
            yield self.parse(ctx, data, name=name)
        finally:
            self.dispose_context(ctx)

    @contextlib.contextmanager
    def parsed_unit(self, unit):
        """`parsed` for a Unit, with a one-line InputError naming it when it does not parse."""
        try:
            with self.parsed(unit.ir, name=unit.name) as mod:
                yield mod
        except LLVMCallError as e:
            raise InputError(f"{unit.name}: IR does not parse: {str(e).splitlines()[0]}") from e

    def clone(self, mod: int) -> int:
        return self.lib.LLVMCloneModule(mod)

    def dispose(self, mod: int) -> None:
        self.lib.LLVMDisposeModule(mod)

    def verify(self, mod: int) -> str | None:
        """None when the module is valid, else the verifier's message."""
        msg = c_void_p()
        broken = self.lib.LLVMVerifyModule(mod, LLVM_RETURN_STATUS_ACTION, byref(msg))
        text = self._take_message(msg.value)
        return (text.strip() or "module is broken") if broken else None

    def print_module(self, mod: int) -> str:
        return self._take_message(self.lib.LLVMPrintModuleToString(mod))

    def bitcode(self, mod: int) -> bytes:
        buf = self.lib.LLVMWriteBitcodeToMemoryBuffer(mod)
        try:
            return ctypes.string_at(self.lib.LLVMGetBufferStart(buf),
                                    self.lib.LLVMGetBufferSize(buf))
        finally:
            self.lib.LLVMDisposeMemoryBuffer(buf)

    def triple(self, mod: int) -> str:
        return (self.lib.LLVMGetTarget(mod) or b"").decode()

    def set_triple(self, mod: int, triple: str) -> None:
        self.lib.LLVMSetTarget(mod, triple.encode())

    def ensure_data_layout(self, mod: int, tm: int) -> None:
        """Give a module without a datalayout the target's, so passes see what codegen sees."""
        if not self.lib.LLVMGetDataLayoutStr(mod):
            td = self.lib.LLVMCreateTargetDataLayout(tm)
            self.lib.LLVMSetModuleDataLayout(mod, td)
            self.lib.LLVMDisposeTargetData(td)

    def structors_to_init_array(self, mod: int) -> None:
        """Emit static constructors/destructors through .init_array/.fini_array, as clang does.

        A TargetMachine made through the C API keeps LLVM's default TargetOptions, whose
        UseInitArray is false: `llvm.global_ctors` would go to `.ctors`, which today's
        start-up code never runs (a bundled program's constructor was silently skipped).
        The C API of LLVM 17 cannot set that option, so just before codegen each entry moves
        into a pointer array placed in `.init_array[.PRIORITY]` (`.fini_array` for dtors):
        the same bytes, the same sections as clang's object. Passes never see the change."""
        lib = self.lib
        for name, section in ((b"llvm.global_ctors", ".init_array"),
                              (b"llvm.global_dtors", ".fini_array")):
            gv = lib.LLVMGetNamedGlobal(mod, name)
            if not gv:
                continue
            init = lib.LLVMGetInitializer(gv)
            by_priority: dict[int, list[int]] = {}
            if init and not lib.LLVMIsNull(init):
                for i in range(lib.LLVMGetNumOperands(init)):
                    entry = lib.LLVMGetOperand(init, i)
                    prio, fn = lib.LLVMGetOperand(entry, 0), lib.LLVMGetOperand(entry, 1)
                    if not fn or lib.LLVMIsNull(fn) or not lib.LLVMIsAConstantInt(prio):
                        continue
                    by_priority.setdefault(lib.LLVMConstIntGetZExtValue(prio), []).append(fn)
            ptr = lib.LLVMPointerTypeInContext(lib.LLVMGetModuleContext(mod), 0)
            for prio, fns in sorted(by_priority.items()):
                arr_ty = lib.LLVMArrayType(ptr, len(fns))
                arr = lib.LLVMAddGlobal(mod, arr_ty, f"__compilerlm{section.replace('.', '_')}"
                                                     f"_{prio}".encode())
                values = (c_void_p * len(fns))(*fns)
                lib.LLVMSetInitializer(arr, lib.LLVMConstArray(ptr, values, len(fns)))
                suffix = "" if prio == 65535 else f".{prio:05d}"
                lib.LLVMSetSection(arr, f"{section}{suffix}".encode())
                lib.LLVMSetAlignment(arr, 8)
                lib.LLVMSetLinkage(arr, LINKAGE_INTERNAL)
            lib.LLVMDeleteGlobal(gv)

    def functions(self, mod: int):
        f = self.lib.LLVMGetFirstFunction(mod)
        while f:
            yield f
            f = self.lib.LLVMGetNextFunction(f)

    def global_variables(self, mod: int):
        g = self.lib.LLVMGetFirstGlobal(mod)
        while g:
            yield g
            g = self.lib.LLVMGetNextGlobal(g)

    def value_name(self, value: int) -> str:
        size = c_size_t()
        ptr = self.lib.LLVMGetValueName2(value, byref(size))
        return ctypes.string_at(ptr, size.value).decode("utf-8", "replace") if ptr else ""

    def instruction_count(self, mod: int) -> int:
        """IR instructions in all function bodies (what `opt -instcount` reports as total)."""
        lib, count = self.lib, 0
        first_bb, next_bb = lib.LLVMGetFirstBasicBlock, lib.LLVMGetNextBasicBlock
        first_i, next_i = lib.LLVMGetFirstInstruction, lib.LLVMGetNextInstruction
        for f in self.functions(mod):
            bb = first_bb(f)
            while bb:
                i = first_i(bb)
                while i:
                    count += 1
                    i = next_i(i)
                bb = next_bb(bb)
        return count

    def opcode_histogram(self, mod: int) -> dict[str, int]:
        """Per function body: instructions by LLVM-C opcode number, plus block and function
        counts (the raw material of Autophase-style program features)."""
        lib = self.lib
        first_bb, next_bb = lib.LLVMGetFirstBasicBlock, lib.LLVMGetNextBasicBlock
        first_i, next_i = lib.LLVMGetFirstInstruction, lib.LLVMGetNextInstruction
        opcode = lib.LLVMGetInstructionOpcode
        counts: dict[str, int] = {"functions": 0, "declarations": 0, "blocks": 0,
                                  "internal_functions": 0, "odr_functions": 0, "globals": 0}
        for f in self.functions(mod):
            if lib.LLVMIsDeclaration(f):
                counts["declarations"] += 1
                continue
            counts["functions"] += 1
            linkage = lib.LLVMGetLinkage(f)
            if linkage in (LINKAGE_INTERNAL, LINKAGE_PRIVATE):
                counts["internal_functions"] += 1
            elif linkage in LINKAGES_ODR:  # C++ inline functions and templates
                counts["odr_functions"] += 1
            bb = first_bb(f)
            while bb:
                counts["blocks"] += 1
                i = first_i(bb)
                while i:
                    key = f"op{opcode(i)}"
                    counts[key] = counts.get(key, 0) + 1
                    i = next_i(i)
                bb = next_bb(bb)
        counts["globals"] = sum(1 for _ in self.global_variables(mod))
        return counts

    def defined_function_count(self, mod: int) -> int:
        return sum(1 for f in self.functions(mod) if not self.lib.LLVMIsDeclaration(f))

    def defines_anything(self, mod: int) -> bool:
        return any(not self.lib.LLVMIsDeclaration(v) for v in self.functions(mod)) or any(
            not self.lib.LLVMIsDeclaration(v) for v in self.global_variables(mod))

    # -- targets and codegen -------------------------------------------------
    def target_machine(self, triple: str, options: CodegenOptions) -> int:
        """A cached TargetMachine for (triple, options); reused across evaluations."""
        key = (triple, options.key())
        tm = self._target_machines.get(key)
        if tm:
            return tm
        target, err = c_void_p(), c_void_p()
        if self.lib.LLVMGetTargetFromTriple(triple.encode(), byref(target), byref(err)):
            raise LLVMCallError(f"target {triple!r}: {self._take_message(err.value)} "
                                f"(this LLVM has: {', '.join(self.targets())})")
        tm = self.lib.LLVMCreateTargetMachine(
            target, triple.encode(), options.cpu.encode(), options.features.encode(),
            CODEGEN_LEVEL[options.level], RELOC[options.reloc], CODE_MODEL_DEFAULT)
        self._target_machines[key] = tm
        return tm

    def run_passes(self, mod: int, pipeline: str, tm: int | None) -> str | None:
        """Run a textual new-PM pipeline. None on success, else LLVM's error message.

        A pipeline may also abort the process (report_fatal_error): callers isolate it."""
        options = self.lib.LLVMCreatePassBuilderOptions()
        try:
            err = self.lib.LLVMRunPasses(mod, pipeline.encode(), tm, options)
        finally:
            self.lib.LLVMDisposePassBuilderOptions(options)
        if not err:
            return None
        msg_ptr = self.lib.LLVMGetErrorMessage(err)
        text = ctypes.string_at(msg_ptr).decode("utf-8", "replace")
        self.lib.LLVMDisposeErrorMessage(msg_ptr)
        return text or "pipeline failed"

    def emit(self, mod: int, tm: int, object_file: bool = True) -> bytes:
        """Lower the module to an object file (or assembly) in memory.

        Codegen mutates the module (CodeGenPrepare...): count and hash before calling this."""
        err, buf = c_void_p(), c_void_p()
        kind = OBJECT_FILE if object_file else ASSEMBLY_FILE
        if self.lib.LLVMTargetMachineEmitToMemoryBuffer(tm, mod, kind, byref(err), byref(buf)):
            raise LLVMCallError(self._take_message(err.value) or "codegen failed")
        try:
            return ctypes.string_at(self.lib.LLVMGetBufferStart(buf.value),
                                    self.lib.LLVMGetBufferSize(buf.value))
        finally:
            self.lib.LLVMDisposeMemoryBuffer(buf.value)

    def install_fatal_error_handler(self, handler) -> None:
        """Call `handler(reason: str)` before LLVM exits on report_fatal_error."""
        cb = FATAL_ERROR_HANDLER(lambda reason: handler(
            (reason or b"").decode("utf-8", "replace")))
        self._fatal_cb = cb  # keep the callback alive as long as the library
        self.lib.LLVMInstallFatalErrorHandler(cb)
