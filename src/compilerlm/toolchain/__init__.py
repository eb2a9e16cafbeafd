"""Stage 2: IR x passes -> code size. The measurement engine and what it stands on."""

from .engine import Engine, EngineConfig
from .measure import Measurement
from .passes import Pass, PassList, parse_pass_list, search_space

__all__ = ["Engine", "EngineConfig", "Measurement", "Pass", "PassList", "parse_pass_list",
           "search_space"]
