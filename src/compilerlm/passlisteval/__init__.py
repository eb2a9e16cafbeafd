"""Stage 4: PassListEval, the execution check every chosen pass list must pass."""

from .programs import (Program, Skipped, builtin_suite, csmith_suite, humaneval_suite,
                       parse_suite, user_program)
from .validate import Failure, PassListEval, Verdict

__all__ = ["Failure", "PassListEval", "Program", "Skipped", "Verdict", "builtin_suite",
           "csmith_suite", "humaneval_suite", "parse_suite", "user_program"]
