"""Minimisation of a pass list, looped to a fixed point (LLM Compiler, section 3):

1. redundant-pass elimination: drop a pass whenever the binary does not grow without it,
   until no single pass can be dropped;
2. canonical reordering ("bubble sort" by name) of neighbours wherever the size stays the same,
   so that equivalent lists look alike;
3. insertion search: try every searchable pass at every position, keep the best improvement,
   and go back to 1.

The result is never larger than the input (each step only accepts lists at least as small),
and in it every pass matters: dropping any single pass makes the binary larger.

    best, size = minimize(passes, size_of)   # size_of(list of lists) -> list of sizes or None
"""

from __future__ import annotations

from ..toolchain.passes import search_space

INF = float("inf")


def _size(sizes_of, lists):
    return [INF if s is None else s for s in sizes_of(lists)]


def eliminate(passes: list[str], size: float, sizes_of) -> tuple[list[str], float]:
    while passes:
        drops = [passes[:i] + passes[i + 1:] for i in range(len(passes))]
        sizes = _size(sizes_of, drops)
        # The first drop that does not grow the binary (lowest position: deterministic).
        i = next((i for i, s in enumerate(sizes) if s <= size), None)
        if i is None:
            return passes, size
        passes, size = drops[i], min(size, sizes[i])
    return passes, size


def bubble_sort(passes: list[str], size: float, sizes_of) -> tuple[list[str], float]:
    changed = True
    while changed:
        changed = False
        for i in range(len(passes) - 1):
            if passes[i] > passes[i + 1]:
                swapped = passes[:i] + [passes[i + 1], passes[i]] + passes[i + 2:]
                (s,) = _size(sizes_of, [swapped])
                if s == size:
                    passes, changed = swapped, True
    return passes, size


def insertion(passes: list[str], size: float, sizes_of, space: list[str]
              ) -> tuple[list[str], float] | None:
    """The best single insertion that makes the binary smaller, or None."""
    candidates = [passes[:i] + [p] + passes[i:] for i in range(len(passes) + 1) for p in space]
    sizes = _size(sizes_of, candidates)
    best = min(range(len(candidates)), key=lambda k: (sizes[k], k))
    return (candidates[best], sizes[best]) if sizes[best] < size else None


def canonical(passes: list[str], size: float, sizes_of,
              max_cycles: int = 20) -> tuple[list[str], float]:
    """Eliminate and reorder until neither changes the list: every pass then matters."""
    for _ in range(max_cycles):
        passes, size = eliminate(passes, size, sizes_of)
        ordered, size = bubble_sort(passes, size, sizes_of)
        if ordered == passes:
            break
        passes = ordered
    return passes, size


class _Spent(Exception):
    """The evaluation budget of a minimisation ran out."""


def minimize(passes: list[str], sizes_of, *, insert: bool = True, max_rounds: int = 10,
             budget: int | None = None) -> tuple[list[str], float]:
    """Minimise `passes`; `sizes_of(lists)` returns a binary size (None: failed) per list.

    With `budget`, at most that many lists are measured: when it runs out, the smallest list
    measured so far (the shortest of equals) is the result, smaller or as small as the input,
    though not every pass in it need matter then."""
    if budget is None:
        return _minimize(passes, sizes_of, insert, max_rounds)
    seen: dict[tuple, float] = {}
    left = [budget]

    def bounded(lists):
        if len(lists) > left[0]:
            raise _Spent
        left[0] -= len(lists)
        sizes = sizes_of(lists)
        for lst, s in zip(lists, sizes):
            if s is not None:
                seen[tuple(lst)] = s
        return sizes

    try:
        return _minimize(passes, bounded, insert, max_rounds)
    except _Spent:
        if not seen:
            return list(passes), INF
        best = min(seen, key=lambda lst: (seen[lst], len(lst), lst))
        return list(best), seen[best]


def _minimize(passes: list[str], sizes_of, insert: bool, max_rounds: int
              ) -> tuple[list[str], float]:
    (size,) = _size(sizes_of, [passes])
    passes = list(passes)
    space = [p.name for p in search_space()]
    for _ in range(max_rounds):
        passes, size = canonical(passes, size, sizes_of)
        better = insertion(passes, size, sizes_of, space) if insert else None
        if better is None:
            return passes, size
        passes, size = better
    return canonical(passes, size, sizes_of)
