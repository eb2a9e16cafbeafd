"""compilerlm: an open reimplementation of Meta's LLM Compiler on LLVM 17.0.6.

docs/architecture.md names the floors of the package and what each owns.

The foundation is the measurement engine: apply any `opt` pass list to a program
with LLVM 17 in-process and measure its code size exactly::

    from compilerlm.corpus import load_unit
    from compilerlm.toolchain import Engine

    unit = load_unit("src/compilerlm/examples/loops.c")   # C/C++ through clang-17's front end
    with Engine(workers=2) as engine:
        m = engine.measure(unit, "sroa,instcombine,simplifycfg")
        print(m.status, m.binary_size, engine.oz_baseline(unit).binary_size)
"""

__version__ = "0.1.0"
