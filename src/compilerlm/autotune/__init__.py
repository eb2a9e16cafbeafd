"""Stage 3: the autotuner, whose verified best lists are the gold-standard labels."""

from .broadcast import broadcast, top_lists
from .config import AutotuneConfig
from .exchange import tune_program, tune_programs
from .minimize import minimize
from .result import SearchResult
from .search import autotune
from .store import AutotuneStore

__all__ = ["AutotuneConfig", "AutotuneStore", "SearchResult", "autotune", "broadcast",
           "minimize", "top_lists", "tune_program", "tune_programs"]
