"""The paper's metrics: improvement over -Oz, by total size and by geomean, in one place.

LLM Compiler reports a model's or the autotuner's gain as the improvement over clang -Oz of
the summed code size (100 x (1 - sum(size) / sum(-Oz))) and of the geomean of per-program
ratios, with the share of programs made smaller and larger. The autotuner's summary, the
flag-tuning harness and its report all take their numbers from here, so they agree.

    improvement([(size, oz_size), ...])["improvement_geomean_pct"]
    summarize(search_results)["improvement_total_pct"]
"""

from __future__ import annotations

import math


def improvement(pairs: list[tuple[int, int]]) -> dict:
    """(size, -Oz size) pairs -> the paper's aggregate numbers, in percent."""
    pairs = [(s, oz) for s, oz in pairs if oz]
    if not pairs:
        return {"improvement_total_pct": None, "improvement_geomean_pct": None,
                "better_pct": None, "worse_pct": None}
    total = 1 - sum(s for s, _ in pairs) / sum(oz for _, oz in pairs)
    geo = 1 - math.exp(sum(math.log(max(s, 1) / oz) for s, oz in pairs) / len(pairs))
    return {"improvement_total_pct": round(100 * total, 4),
            "improvement_geomean_pct": round(100 * geo, 4),
            "better_pct": round(100 * sum(s < oz for s, oz in pairs) / len(pairs), 2),
            "worse_pct": round(100 * sum(s > oz for s, oz in pairs) / len(pairs), 2)}


def summarize(results) -> dict:
    """Corpus totals of per-program best results (anything with `best_binary_size`,
    `oz_binary_size` and `validated`, such as the autotuner's SearchResult)."""
    usable = [r for r in results if r.oz_binary_size and r.best_binary_size is not None]
    gains = improvement([(r.best_binary_size, r.oz_binary_size) for r in usable])
    return {
        "programs_total": len(results),
        "programs_measured": len(usable),
        "best_binary_size_total": sum(r.best_binary_size for r in usable),
        "oz_binary_size_total": sum(r.oz_binary_size for r in usable),
        "improvement_total_pct": gains["improvement_total_pct"],
        "improvement_geomean_pct": gains["improvement_geomean_pct"],
        "validated": sum(1 for r in usable if r.validated),
        "better_than_oz": sum(1 for r in usable if r.best_binary_size < r.oz_binary_size),
    }
