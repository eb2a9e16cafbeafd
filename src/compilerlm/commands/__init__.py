"""The command line's floor: one module per command group, over the library.

measure (ir, size, passes), doctor, passlisteval, autotune (autotune, minimize, broadcast,
results), corpus, dataset, flagtune (optimize, eval flagtune, train-predictor) and llm (serve,
train, disasm, emulate, eval disasm/emulate); common.py holds what they share. `cli.py`
assembles them into the `compilerlm` group. No library module imports this package.
"""
