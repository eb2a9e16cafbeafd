"""compilerlm: an open reimplementation of Meta's LLM Compiler on LLVM 17.0.6.

The foundation is the measurement engine: apply any `opt` pass list to a program
with LLVM 17 in-process and measure its code size exactly::

    from compilerlm.toolchain import Engine, load_unit
    unit = load_unit("examples/loops.c")
    with Engine(workers=2) as engine:
        m = engine.measure(unit, "sroa,instcombine,simplifycfg")
        print(m.status, m.binary_size, engine.oz_baseline(unit).binary_size)
"""

__version__ = "0.1.0"
