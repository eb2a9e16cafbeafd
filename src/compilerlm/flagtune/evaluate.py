"""The flag-tuning evaluation harness: the paper's metrics, verified and unverified.

For every unit (files and directories searched recursively for .c/.cc/.cpp/.ll/.bc; units
whose -Oz object is empty are skipped and counted) the model proposes lists under the budget
(tuning.py) and the harness reports, over all units:

- `zero_shot`: the first list alone; `with_fallback`: the best of the K compilations,
  clang -Oz included;
- each as improvement over -Oz by total size, 100 x (1 - sum(size) / sum(-Oz)), and by the
  geomean of per-unit ratios, 100 x (1 - geomean(size / -Oz)), plus the share of units better
  and worse than -Oz (all in percent);
- verified (the top-level numbers: a list PassListEval or the unit's own run rejects counts at
  the -Oz size) and `unverified` (raw sizes);
- `autotuner_share_pct` when the autotuner's results for the same units are given (a store,
  or a corpus's label table): model gain / autotuner gain, by total bytes saved, and
  `autotuner_share_geomean_pct` by geomean; `per_package` the same per package (a unit's
  package is the first part of its name, as in a corpus); `mape_pct` of the predicted sizes
  when the model predicts them, and inference time per unit.
"""

from __future__ import annotations

import time

from ..metrics import improvement
from ..toolchain.engine import Engine
from ..unit import Unit
from .models import AutotuneModel
from .tuning import make_verifier, tune_unit


def evaluate(units: list[Unit], model, engine: Engine, budget: int = 2,
             validate: bool = True, suites=("builtin",), autotune_db: str | None = None,
             reference: dict[str, int] | None = None, packages: dict[str, str] | None = None,
             progress=None) -> dict:
    """`reference`: the autotuner's verified best size per unit hash (from a label table);
    `autotune_db`: the same from an autotuner store. `packages`: each unit's package by
    hash (a corpus's index says it), else the first part of its name."""
    verifier = make_verifier(engine, suites, validate)
    if autotune_db:
        reference = {h: r.best_binary_size
                     for h, r in AutotuneModel(autotune_db).records.items()}
    per_unit, skipped = [], []
    start = time.perf_counter()
    for i, unit in enumerate(units):
        oz = engine.oz_baseline(unit)
        if not oz.ok or not oz.binary_size:
            skipped.append({"input": unit.name, "reason": oz.error or "empty -Oz object"})
        else:
            o = tune_unit(unit, model, engine, budget, verifier)
            package = (packages or {}).get(unit.hash) or unit.name.lstrip("/").split("/")[0]
            row = {"input": unit.name, "package": package,
                   "oz_binary_size": o.oz_binary_size,
                   "zero_shot_size": o.zero_shot_verified_size,
                   "with_fallback_size": o.binary_size,
                   "unverified_zero_shot_size": o.raw_zero_shot_size
                   if o.raw_zero_shot_size is not None else o.oz_binary_size,
                   "unverified_with_fallback_size": o.raw_best_size,
                   "fallback": o.fallback, "compilations": o.compilations,
                   "first_list": o.candidates[0].passes if o.candidates else None,
                   "first_list_rejected": o.candidates[0].reason if o.candidates else None,
                   "chosen_list": o.chosen.passes if o.chosen else None,
                   "predicted_ratio": o.candidates[0].predicted_ratio if o.candidates else None,
                   "inference_ms": round(o.proposal.inference_ms, 3),
                   "note": o.proposal.note}
            if reference is not None:
                r = reference.get(unit.hash)
                row["autotuner_size"] = min(r, o.oz_binary_size) if r else None
            per_unit.append(row)
        if progress:
            progress(i + 1, len(units), "units evaluated")
    return summarize(per_unit, skipped, model.name, budget, validate, suites,
                     time.perf_counter() - start)


def summarize(per_unit, skipped, model_name, budget, validate, suites, seconds) -> dict:
    def agg(key):
        return improvement([(r[key], r["oz_binary_size"]) for r in per_unit])

    result = {
        "model": model_name,
        "budget": budget,
        "validated": validate,
        "suites": list(suites) if validate else [],
        "units": len(per_unit),
        "skipped": len(skipped),
        "skipped_units": skipped,
        "compilations_per_unit": round(sum(r["compilations"] for r in per_unit)
                                       / len(per_unit), 3) if per_unit else None,
        "zero_shot": {**agg("zero_shot_size"),
                      "unverified": agg("unverified_zero_shot_size")},
        "with_fallback": {**agg("with_fallback_size"),
                          "unverified": agg("unverified_with_fallback_size")},
        "fallback_used_pct": round(100 * sum(r["fallback"] for r in per_unit)
                                   / len(per_unit), 2) if per_unit else None,
        "first_list_rejected_pct": round(100 * sum(bool(r["first_list_rejected"])
                                                   for r in per_unit) / len(per_unit), 2)
        if per_unit else None,
        "inference_ms_per_unit": round(sum(r["inference_ms"] for r in per_unit)
                                       / len(per_unit), 3) if per_unit else None,
        "seconds": round(seconds, 2),  # of this loop; `eval flagtune` reports its wall time
    }
    predicted = [r for r in per_unit if r["predicted_ratio"] is not None
                 and r["unverified_zero_shot_size"]]
    if predicted:
        result["mape_pct"] = round(100 * sum(
            abs(r["predicted_ratio"] * r["oz_binary_size"] - r["unverified_zero_shot_size"])
            / r["unverified_zero_shot_size"] for r in predicted) / len(predicted), 3)
    with_ref = [r for r in per_unit if r.get("autotuner_size") is not None]
    if with_ref:
        result["autotuner"] = {"units": len(with_ref),
                               **improvement([(r["autotuner_size"], r["oz_binary_size"])
                                              for r in with_ref])}
        for name in ("zero_shot", "with_fallback"):
            result[name].update(autotuner_shares(with_ref, f"{name}_size"))
        packages = sorted({r["package"] for r in with_ref})
        result["per_package"] = {p: package_summary([r for r in with_ref if r["package"] == p])
                                 for p in packages}
    result["per_unit"] = per_unit
    return result


def autotuner_shares(rows, key: str) -> dict:
    """The model's share of the autotuner's gain on rows that have both: by total bytes
    saved and by geomean (log-ratios); None where the autotuner gained nothing."""
    import math
    gain = sum(r["oz_binary_size"] - r["autotuner_size"] for r in rows)
    mine = sum(r["oz_binary_size"] - r[key] for r in rows)
    geo = sum(math.log(max(1, r["autotuner_size"]) / r["oz_binary_size"]) for r in rows)
    my_geo = sum(math.log(max(1, r[key]) / r["oz_binary_size"]) for r in rows)
    # + 0.0: a share of nothing prints as 0.0, not -0.0
    return {"autotuner_share_pct": round(100 * mine / gain, 2) + 0.0 if gain > 0 else None,
            "autotuner_share_geomean_pct": round(100 * my_geo / geo, 2) + 0.0 if geo < 0
            else None}


def package_summary(rows) -> dict:
    model = improvement([(r["with_fallback_size"], r["oz_binary_size"]) for r in rows])
    auto = improvement([(r["autotuner_size"], r["oz_binary_size"]) for r in rows])
    return {"units": len(rows), "improvement_total_pct": model["improvement_total_pct"],
            "improvement_geomean_pct": model["improvement_geomean_pct"],
            "autotuner_total_pct": auto["improvement_total_pct"],
            "autotuner_geomean_pct": auto["improvement_geomean_pct"],
            **autotuner_shares(rows, "with_fallback_size")}
