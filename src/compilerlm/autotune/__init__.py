"""Stage 3: the autotuner that makes LLM Compiler's gold-standard flag-tuning labels."""

from .broadcast import broadcast, top_lists
from .minimize import minimize
from .search import AutotuneConfig, autotune, summarize, tune_program
from .store import AutotuneStore

__all__ = ["AutotuneConfig", "AutotuneStore", "autotune", "broadcast", "minimize", "summarize",
           "top_lists", "tune_program"]
