"""Who picks each unit's list in a project: the flag-tuning model at budget K, or the
autotuner. Either way a list reaches the project build only once PassListEval accepted it on
the unit; the project's tests judge it after that.

A chooser is called as `choose(units)`, or `choose(programs, also_try)` for merged programs:
the pipeline `also_try` (the link-time pipeline) is measured on each too, and taken where it
is smaller than the pick (or than -Oz, without one)."""

from __future__ import annotations

from ..errors import InputError
from ..unit import Unit
from .optimize import Choice


def model_chooser(model, engine, budget: int, verifier, progress=None):
    from ..flagtune.tuning import tune_unit

    def choose(units: list[Unit], also_try: str | None = None) -> dict[str, Choice]:
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
        return _or_smaller(also_try, units, out, engine)
    return choose


def autotune_chooser(config, engine, store, progress=None):
    from ..autotune import autotune

    def choose(units: list[Unit], also_try: str | None = None) -> dict[str, Choice]:
        records = autotune(units, config, engine, store, progress=progress)
        out = {}
        for unit, r in zip(units, records):
            better = (r.validated and r.best_binary_size is not None and r.oz_binary_size
                      and r.best_binary_size < r.oz_binary_size)
            out[unit.hash] = Choice(tuple(r.best_passes) if better else None,
                                    r.best_binary_size, r.oz_binary_size,
                                    "" if better else "the autotuner found nothing smaller "
                                                      "that passed PassListEval")
        return _or_smaller(also_try, units, out, engine)
    return choose


def _or_smaller(also_try: str | None, units: list[Unit], choices: dict[str, Choice],
                engine) -> dict[str, Choice]:
    """The choices, with `also_try` instead on each unit where it is smaller than the pick
    (than -Oz without one): one more compilation per unit. `also_try` is one of LLVM's own
    pipelines (as -Oz is), not checked by PassListEval; the project's tests judge it."""
    if also_try is None:
        return choices
    out = dict(choices)
    for unit in units:
        c = out.get(unit.hash)
        best = c and (c.binary_size if c.passes else c.oz_binary_size)
        if best is None:  # nothing measured to compare with: the pick (or -Oz) stands
            continue
        m = engine.measure(unit, [also_try])
        if m.ok and m.binary_size < best:
            out[unit.hash] = Choice((also_try,), m.binary_size, c.oz_binary_size,
                                    f"{also_try}: smaller than the pick or -Oz")
    return out
