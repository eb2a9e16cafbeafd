"""Program features for the flag-tuning model: what the unoptimised IR is made of.

Autophase-style (Haj-Ali et al., 2020) counts read from the module through LLVM-C: the mix
of instruction kinds (as shares of all instructions), and the size and shape of the module
(log counts of instructions, blocks, functions, declarations, globals; instructions per block,
blocks per function, shares of internal and of C++ inline/template (ODR) functions). Reading them costs one parse and one walk
over the instructions (a few milliseconds on the largest bundled program), so the model ranks
lists without compiling anything.

    vector = unit_features(unit)        # numpy array, len(FEATURE_NAMES)
"""

from __future__ import annotations

import math

import numpy as np

from ..toolchain.libllvm import LibLLVM
from ..unit import Unit

# LLVM-C's LLVMOpcode numbers (llvm-c/Core.h), the ones C and C++ front ends produce.
OPCODES = {
    1: "ret", 2: "br", 3: "switch", 4: "indirectbr", 5: "invoke", 7: "unreachable",
    8: "add", 9: "fadd", 10: "sub", 11: "fsub", 12: "mul", 13: "fmul", 14: "udiv", 15: "sdiv",
    16: "fdiv", 17: "urem", 18: "srem", 19: "frem", 20: "shl", 21: "lshr", 22: "ashr",
    23: "and", 24: "or", 25: "xor", 26: "alloca", 27: "load", 28: "store",
    29: "getelementptr", 30: "trunc", 31: "zext", 32: "sext", 33: "fptoui", 34: "fptosi",
    35: "uitofp", 36: "sitofp", 37: "fptrunc", 38: "fpext", 39: "ptrtoint", 40: "inttoptr",
    41: "bitcast", 42: "icmp", 43: "fcmp", 44: "phi", 45: "call", 46: "select", 49: "va_arg",
    50: "extractelement", 51: "insertelement", 52: "shufflevector", 53: "extractvalue",
    54: "insertvalue", 55: "fence", 56: "cmpxchg", 57: "atomicrmw", 58: "resume",
    59: "landingpad", 66: "fneg", 68: "freeze",
}
SHAPE = ("log_instructions", "log_blocks", "log_functions", "log_declarations", "log_globals",
         "log_instructions_per_block", "log_blocks_per_function", "internal_function_share",
         "odr_function_share")
# The smallest spread a feature is scaled by: a share that is almost constant in the training
# corpus (a rare instruction kind) must not make one unit infinitely far from all others.
SCALE_FLOOR = {"share": 0.02, "log": 0.25}
FEATURE_NAMES = SHAPE + tuple(f"share_{name}" for name in OPCODES.values())


def histogram_features(hist: dict[str, int]) -> np.ndarray:
    """The feature vector from LibLLVM.opcode_histogram's counts."""
    total = sum(v for k, v in hist.items() if k.startswith("op"))
    blocks, functions = hist.get("blocks", 0), hist.get("functions", 0)
    shape = [math.log1p(total), math.log1p(blocks), math.log1p(functions),
             math.log1p(hist.get("declarations", 0)), math.log1p(hist.get("globals", 0)),
             math.log1p(total / blocks) if blocks else 0.0,
             math.log1p(blocks / functions) if functions else 0.0,
             hist.get("internal_functions", 0) / functions if functions else 0.0,
             hist.get("odr_functions", 0) / functions if functions else 0.0]
    shares = [hist.get(f"op{code}", 0) / total if total else 0.0 for code in OPCODES]
    return np.array(shape + shares, dtype=np.float64)


def scale_floors() -> np.ndarray:
    return np.array([SCALE_FLOOR["log"] if n.startswith("log") else SCALE_FLOOR["share"]
                     for n in FEATURE_NAMES])


def unit_features(unit: Unit) -> np.ndarray:
    llvm = LibLLVM.load()
    with llvm.parsed_unit(unit) as mod:
        return histogram_features(llvm.opcode_histogram(mod))
