"""Random search exactly as LLM Compiler's autotuner did it (paper, section 3): each list has a
length uniform in 1..50 and passes drawn uniformly from the search space.

Lists are derived from (seed, program hash, index) alone, so the same seed and budget give
the same lists whatever the number of workers, and a resumed run regenerates them.

    lists = random_lists(seed=0, program_hash=unit.hash, start=0, count=100)
"""

from __future__ import annotations

import random

from ..toolchain.passes import search_space

MAX_LENGTH = 50


def random_list(rng: random.Random, space: list[str], max_length: int = MAX_LENGTH) -> list[str]:
    return [rng.choice(space) for _ in range(rng.randint(1, max_length))]


def random_lists(seed: int, program_hash: str, start: int, count: int,
                 max_length: int = MAX_LENGTH) -> list[list[str]]:
    space = [p.name for p in search_space()]
    out = []
    for i in range(start, start + count):
        rng = random.Random(f"random:{seed}:{program_hash}:{i}")
        out.append(random_list(rng, space, max_length))
    return out
