"""Split a module into per-function modules, as LLM Compiler did with `llvm-extract`.

Units over the context limit were split into one module per defined function (paper,
section 3). Like `llvm-extract --func=F`, each piece keeps F's body; every other function and
global variable becomes a declaration (its body or initialiser dropped), and a local F becomes
external with hidden visibility so that it survives dead-code elimination. `keep_globals`
keeps global variables' initialisers instead (closer to the unit's real data size).

There is no llvm-extract binary in the LLVM 17 wheels; this does the same in-process: mark
the others `available_externally`, then `elim-avail-extern` drops their bodies and
`globaldce,strip-dead-prototypes` removes what F does not reference.

    pieces = split_functions(unit)       # list[Unit], named "unit.c#function"
"""

from __future__ import annotations

from ..errors import InputError
from ..unit import Unit
from .libllvm import (
    LINKAGE_AVAILABLE_EXTERNALLY,
    LINKAGE_EXTERNAL,
    LINKAGE_INTERNAL,
    LINKAGE_LINKONCE_ANY,
    LINKAGE_LINKONCE_ODR,
    LINKAGE_PRIVATE,
    LINKAGE_WEAK_ANY,
    LINKAGE_WEAK_ODR,
    VISIBILITY_HIDDEN,
    LibLLVM,
)

_LOCAL = {LINKAGE_INTERNAL, LINKAGE_PRIVATE}
_DISCARDABLE = {LINKAGE_LINKONCE_ANY, LINKAGE_LINKONCE_ODR, LINKAGE_WEAK_ANY, LINKAGE_WEAK_ODR,
                LINKAGE_AVAILABLE_EXTERNALLY}
CLEANUP_PIPELINE = "elim-avail-extern,globaldce,strip-dead-prototypes"


def defined_functions(unit: Unit) -> list[str]:
    """Names of the functions the unit defines, in module order."""
    llvm = LibLLVM.load()
    with llvm.parsed_unit(unit) as mod:
        _verified(llvm, unit, mod)
        return _defined(llvm, mod)


def _defined(llvm: LibLLVM, mod: int) -> list[str]:
    return [llvm.value_name(f) for f in llvm.functions(mod)
            if not llvm.lib.LLVMIsDeclaration(f)]


def _verified(llvm: LibLLVM, unit: Unit, mod: int) -> None:
    problem = llvm.verify(mod)
    if problem:
        raise InputError(f"{unit.name}: IR fails the verifier: {problem.splitlines()[0]}")


def split_functions(unit: Unit, functions: list[str] | None = None,
                    keep_globals: bool = False) -> list[Unit]:
    """One Unit per defined function (or per name in `functions`), in module order."""
    llvm = LibLLVM.load()
    lib = llvm.lib
    with llvm.parsed_unit(unit) as mod:
        _verified(llvm, unit, mod)
        defined = _defined(llvm, mod)
        wanted = defined if functions is None else list(functions)
        missing = sorted(set(wanted) - set(defined))
        if missing:
            raise InputError(f"{unit.name}: defines no function named {', '.join(missing)}")
        pieces = []
        for name in wanted:
            clone = llvm.clone(mod)
            try:
                for f in llvm.functions(clone):
                    if lib.LLVMIsDeclaration(f):
                        continue
                    linkage = lib.LLVMGetLinkage(f)
                    if llvm.value_name(f) == name:
                        if linkage in _LOCAL:
                            lib.LLVMSetLinkage(f, LINKAGE_EXTERNAL)
                            lib.LLVMSetVisibility(f, VISIBILITY_HIDDEN)
                        elif linkage in _DISCARDABLE:
                            lib.LLVMSetLinkage(f, LINKAGE_EXTERNAL)
                    else:
                        lib.LLVMSetComdat(f, None)
                        lib.LLVMSetLinkage(f, LINKAGE_AVAILABLE_EXTERNALLY)
                if not keep_globals:
                    for g in llvm.global_variables(clone):
                        if lib.LLVMIsDeclaration(g) or llvm.value_name(g).startswith("llvm."):
                            continue
                        lib.LLVMSetComdat(g, None)
                        lib.LLVMSetLinkage(g, LINKAGE_AVAILABLE_EXTERNALLY)
                err = llvm.run_passes(clone, CLEANUP_PIPELINE, None)
                problem = err or llvm.verify(clone)
                if problem:
                    raise InputError(f"{unit.name}: cannot extract {name}: "
                                     f"{problem.splitlines()[0]}")
                pieces.append(Unit(name=f"{unit.name}#{name}", ir=llvm.bitcode(clone),
                                   source=unit.source, split=unit.split))
            finally:
                llvm.dispose(clone)
        return pieces
