"""The autotuner's configuration: what decides a run's results, and names it in the store.

    config = AutotuneConfig(budget=300, strategy="guided")
    store.get_result(config.key(), unit.hash)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..passlisteval import Verifier
from ..predictor import load_model
from ..toolchain.engine import Engine
from ..unit import Unit

OZ_LISTS = (["default<Oz>"], ["default<Oz>", "slp-vectorizer"])
STRATEGIES = ("random", "evolve", "coreset", "guided")


@dataclass(frozen=True)
class AutotuneConfig:
    budget: int = 300  # search evaluations per program (the paper averaged 4,877)
    seed: int = 0
    # guided beat the paper's random search at every budget from 100 to 1,000 on the bundled
    # programs and from 300 on HumanEval-X (docs/autotune.md); evolve and coreset find small
    # lists faster, but mostly broken ones that verification then throws away.
    strategy: str = "guided"
    minimize: bool = True  # the paper's minimisation, looped to a fixed point
    insertion: bool = True  # the expensive part of minimisation: every pass at every place
    # Evaluations minimisation may spend per program (None: as many as the search's budget).
    # Unbounded, its insertion search took 2,335 evaluations on one 1.3 KB unit at budget 300.
    minimize_budget: int | None = None
    validate: bool = True  # PassListEval must accept a list before it counts
    suites: tuple[str, ...] = ("builtin",)  # what validation runs
    check_program: bool = True  # also run the program itself when it has a main()
    # Distinct lists smaller than the -Oz lists tried best first until one passes (then
    # minimised). 10 was too few: at budget 5,000 random search's ten smallest lists were
    # often all broken, and the program fell back to -Oz (docs/autotune.md).
    candidates: int = 100
    # guided: the shares of the budget left when programs tuned together exchange their best
    # verified lists (tune_programs); empty, each program's result depends on it alone.
    exchanges: tuple[float, ...] = (0.3,)
    # guided and coreset: the flag-tuning model whose lists they start from, a file written
    # by `compilerlm train-predictor` (say, trained on the user's own code); None: the
    # shipped model.
    model: str | None = None

    @property
    def minimize_evaluations(self) -> int:
        return self.budget if self.minimize_budget is None else self.minimize_budget

    @property
    def exchanging(self) -> bool:
        """Whether programs tuned together share their finds (tune_programs)."""
        return self.strategy == "guided" and bool(self.exchanges)

    def key(self) -> str:
        """What decides results (not how fast they come): names a run in the store."""
        d = asdict(self)
        d["minimize_budget"] = self.minimize_evaluations  # None and the budget are one run
        if self.model is None:
            del d["model"]  # the shipped model: the key stores made before the option have
        else:  # the model's content, not its path, decides the lists
            d["model"] = hashlib.sha256(Path(self.model).read_bytes()).hexdigest()
        return json.dumps(d, sort_keys=True)

    def start_lists(self, unit: Unit, n: int) -> list[list[str]]:
        """The model's n most promising lists for the unit: where guided and coreset start."""
        # The library model unless the run names one: the default model may change without
        # changing what a configuration's search does.
        return load_model(self.model or "library").propose(unit, n).lists

    def verifier(self, engine: Engine) -> Verifier | None:
        """What checks this run's winners (None: a raw search, nothing verified)."""
        if not self.validate:
            return None
        return Verifier(engine, self.suites, seed=self.seed, check_program=self.check_program)

