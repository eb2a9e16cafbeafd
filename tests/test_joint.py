"""One list for many programs (autotune/joint.py): fitness is measured, the search is elitist
and deterministic, losing candidates stop early, and refused lists never breed."""

import math

import pytest

from compilerlm.autotune import joint
from compilerlm.autotune.joint import gains, search_joint

PROGRAMS = ["loops.c", "fnptr.c", "float.c", "structs.c", "switch.c", "strings.c"]
INITIAL = [["default<Oz>"], ["default<Oz>", "default<Oz>"], ["instcombine", "simplifycfg"],
           ["iroutliner", "default<Oz>"]]


@pytest.fixture(scope="module")
def setting(units, engine):
    chosen = [units[n] for n in PROGRAMS if n in units]
    floors = [engine.oz_baseline(u).binary_size for u in chosen]
    return chosen, floors


def mean_gain(engine, units, floors, lst):
    sizes = [m.binary_size if m.ok else None
             for m in engine.measure_many([(u, lst) for u in units])]
    return sum(gains(sizes, floors)) / len(units)


def test_gains_fall_back_to_the_floor():
    assert gains([90, 110, None, 100], [100, 100, 100, 100]) == [math.log(100 / 90), 0, 0, 0]


def test_the_search_keeps_the_best_list_and_its_fitness_is_measured(engine, setting):
    units, floors = setting
    result = search_joint(units, floors, engine, initial=INITIAL, budget=12, seed=3)
    initial_best = max(mean_gain(engine, units, floors, lst) for lst in INITIAL)
    assert result.fitness >= initial_best  # elitist: never worse than where it started
    assert result.fitness == pytest.approx(mean_gain(engine, units, floors, result.best))
    assert result.candidates == len(INITIAL) + 12
    assert result.history == sorted(result.history)  # the best so far never drops
    assert [f for _, f in result.population] == sorted(
        (f for _, f in result.population), reverse=True)
    again = search_joint(units, floors, engine, initial=INITIAL, budget=12, seed=3)
    assert (again.best, again.population) == (result.best, result.population)


def test_a_losing_candidate_stops_after_its_first_block(engine, setting, monkeypatch):
    units, floors = setting
    monkeypatch.setattr(joint, "BLOCK", 2)
    race = joint._Race(units, floors, engine)
    good = race.run(["default<Oz>", "default<Oz>"], None)
    assert len(good) == len(units) and race.evaluations == len(units)
    # Against a threshold it cannot reach, a list that gains nothing is measured on one block.
    race.evaluations = 0
    assert race.run(["loop-unroll"], [1.0] * len(units)) is None
    assert race.evaluations == 2


def test_refused_lists_never_join_the_population(engine, setting):
    units, floors = setting
    allowed = {tuple(lst) for lst in INITIAL}
    result = search_joint(units, floors, engine, initial=INITIAL, budget=10, seed=1,
                          accepts=lambda lst: tuple(lst) in allowed)
    assert {tuple(lst) for lst, _ in result.population} <= allowed
    assert result.best in INITIAL


def test_no_units_is_an_error(engine):
    with pytest.raises(ValueError):
        search_joint([], [], engine, initial=INITIAL, budget=1)
