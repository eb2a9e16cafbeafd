"""Flag tuning with an LLM: LLM Compiler FTD's prompt, the pass list read back, checked.

The unit's unoptimised IR goes into the released checkpoints' flag-tuning prompt
(prompts/templates.py); each completion's pass list is read by the pass-list parser. What
does not parse (garbage, an unknown pass, an empty answer) is no list: the unit then gets
clang -Oz, never an error. The first completion is greedy; further ones (budget >= 3) are
samples at `temperature`, so best-of-n has distinct candidates to verify.

    model = LLMFlagTuner(resolve_backend("hf:./model"))
    proposal = model.propose(unit, n=3)
"""

from __future__ import annotations

import time

from ..errors import InputError, PassListError
from ..llm.backends import Generation
from ..prompts.build import text_unit
from ..prompts.templates import FLAG_TUNING, parse_flag_tuning_answer
from ..toolchain.passes import extract_pass_list
from ..unit import Unit
from .models import Proposal


def prompt_ir(unit: Unit) -> str:
    """The unit's IR exactly as the dataset prompts show it (prompts/build.py)."""
    text = text_unit(unit)
    if text is None:
        raise InputError(f"{unit.name}: IR does not parse")
    return text.ir.decode()


def read_pass_list(text: str) -> list[str] | None:
    answer = parse_flag_tuning_answer(text)
    if answer is not None and answer["passes"].names:
        return list(answer["passes"].names)
    try:
        names = list(extract_pass_list(text).names)
    except PassListError:
        return None
    return names or None


class LLMFlagTuner:
    def __init__(self, backend, max_tokens: int = 256, temperature: float = 0.8):
        self.backend, self.name = backend, backend.name
        self.max_tokens, self.temperature = max_tokens, temperature

    def propose(self, unit: Unit, n: int, fallback: bool = True) -> Proposal:
        start = time.perf_counter()
        prompt = FLAG_TUNING.format(ir=prompt_ir(unit))
        texts = self.backend.complete(prompt, Generation(n=1, max_tokens=self.max_tokens))
        if n > 1:
            texts += self.backend.complete(prompt, Generation(
                n=n - 1, temperature=self.temperature, max_tokens=self.max_tokens))
        lists, seen = [], set()
        for text in texts:
            lst = read_pass_list(text)
            if lst and tuple(lst) not in seen:
                seen.add(tuple(lst))
                lists.append(lst)
        note = None
        if not lists:
            lists, note = [None], "no pass list in the model's answers: -Oz"
        return Proposal(lists=lists, inference_ms=1000 * (time.perf_counter() - start),
                        note=note, extra={"answers": [t[:500] for t in texts]})
