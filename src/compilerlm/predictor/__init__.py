"""The shipped flag-tuning model: features of a unit and a ranker over verified pass lists.

It sits below the autotuner, whose guided search starts from its lists; flagtune/ trains it
from the autotuner's labels and serves it to users (`optimize`).

    from compilerlm.predictor import load_model
    lists = load_model().propose(unit, 4).lists     # whichever family the file holds
"""

from .model import Predictor, load_model

__all__ = ["Predictor", "load_model"]
