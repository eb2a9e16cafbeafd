"""Stage 4: PassListEval, the execution check every chosen pass list must pass.

    verdict = PassListEval(engine).check("sroa,gvn", builtin_suite())
    Verifier(engine).check(["sroa", "gvn"], unit).accepted   # suites + the unit's own main()
"""

from .programs import (
                       Program,
                       Skipped,
                       builtin_suite,
                       csmith_suite,
                       humaneval_suite,
                       parse_suite,
                       user_program,
)
from .validate import Failure, PassListEval, Verdict
from .verifier import Verifier, own_program

__all__ = ["Failure", "PassListEval", "Program", "Skipped", "Verdict", "Verifier",
           "builtin_suite", "csmith_suite", "humaneval_suite", "own_program", "parse_suite",
           "user_program"]
