"""`compilerlm-cc` and `compilerlm-c++`: one compiler with two jobs, on top of the library.

Inside `compilerlm corpus capture` (and `corpus debian`), whose environment names a capture
spool, they run the build's real compiler and record the IR (corpus/capture.py). In a project
build that names a baseline they are that compiler (project/baselines.py: clang -Oz, gcc -Oz,
gcc -Oz -flto). Anywhere else they are a drop-in optimising compiler (`make
CC=compilerlm-cc`, flagtune/dropin.py; in a project build, with its plan of lists).
"""

from __future__ import annotations

import os
import sys


def _main(language: str) -> int:
    from .corpus.capture import SPOOL_ENV, wrapper_main
    if os.environ.get(SPOOL_ENV):
        return wrapper_main(language)
    from .project.baselines import BASELINE_ENV, baseline_main
    if os.environ.get(BASELINE_ENV):
        return baseline_main(language)
    from .flagtune.dropin import compile_main
    return compile_main(language, sys.argv[1:])


def cc_main() -> int:
    return _main("c")


def cxx_main() -> int:
    return _main("c++")
