"""Who picks each unit's list in a project: the flag-tuning model at budget K, or the
autotuner. Either way a list reaches the project build only once PassListEval accepted it on
the unit; the project's tests judge it after that."""

from __future__ import annotations

from ..errors import InputError
from ..unit import Unit
from .optimize import Choice


def model_chooser(model, engine, budget: int, verifier, progress=None):
    from ..flagtune.tuning import tune_unit

    def choose(units: list[Unit]) -> dict[str, Choice]:
        out = {}
        for i, unit in enumerate(units):
            try:
                o = tune_unit(unit, model, engine, budget, verifier)
            except InputError as e:
                out[unit.hash] = Choice(None, None, None, str(e))
                continue
            out[unit.hash] = Choice(
                tuple(o.chosen.passes) if o.chosen else None, o.binary_size,
                o.oz_binary_size, "" if o.chosen else "no list both smaller and accepted")
            if progress:
                progress(i + 1, len(units), "units")
        return out
    return choose


def autotune_chooser(config, engine, store, progress=None):
    from ..autotune import autotune

    def choose(units: list[Unit]) -> dict[str, Choice]:
        records = autotune(units, config, engine, store, progress=progress)
        out = {}
        for unit, r in zip(units, records):
            better = (r.validated and r.best_binary_size is not None and r.oz_binary_size
                      and r.best_binary_size < r.oz_binary_size)
            out[unit.hash] = Choice(tuple(r.best_passes) if better else None,
                                    r.best_binary_size, r.oz_binary_size,
                                    "" if better else "the autotuner found nothing smaller "
                                                      "that passed PassListEval")
        return out
    return choose
