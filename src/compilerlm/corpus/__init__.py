"""Stage 1, source to IR: the front end, compile_commands.json, build capture and corpora.

    from compilerlm.corpus import iter_units, load_unit
    unit = load_unit("src/compilerlm/examples/loops.c")
"""

from .compile import iter_units, load_unit

__all__ = ["iter_units", "load_unit"]
