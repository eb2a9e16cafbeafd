"""The shipped flag-tuning model: features of a unit and a ranker over verified pass lists.

It sits below the autotuner, whose guided search starts from its lists; flagtune/ trains it
from the autotuner's labels and serves it to users (`optimize`).

    from compilerlm.predictor import Predictor
    lists = Predictor.load().propose(unit, 4).lists
"""

from .model import Predictor

__all__ = ["Predictor"]
