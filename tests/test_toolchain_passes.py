"""The pass registry, the search space, the pass-list parser and its pipelines."""

import pytest

from compilerlm.errors import PassListError
from compilerlm.toolchain.measure import OK
from compilerlm.toolchain.passes import (
    MEMORYSSA_LOOP_PASSES,
    Pass,
    kind_of,
    parse_pass_list,
    registry,
    search_space,
)


def test_registry_reads_llvm_print_passes():
    reg = registry()
    assert len(reg) > 250
    assert reg["globaldce"] == "module"
    assert reg["inline"] == "cgscc"
    assert reg["instcombine"] == "function"
    assert reg["licm"] == "loop"
    assert reg["loop-flatten"] == "loop"  # a loop-nest pass runs in a loop pass manager
    assert reg["guard-widening"] == "function"  # registered twice: the outer kind wins
    assert "tbaa" not in reg  # analyses are not passes


def test_search_space_follows_the_paper_rule():
    names = [p.name for p in search_space()]
    assert len(names) == len(set(names)) == 134
    for pipeline in ("default<O0>", "default<O3>", "default<Oz>"):
        assert pipeline in names
    for excluded in ("internalize", "structurizecfg", "unify-loop-exits", "fix-irreducible",
                     "lowerinvoke",
                     "verify", "print", "asan", "strip"):
        assert excluded not in names
    assert all(kind_of(n) is not None for n in names)


@pytest.mark.parametrize("spelling", [
    "sroa,globaldce,licm",
    "opt -p 'sroa,globaldce,licm'",
    "opt -passes='function(sroa),globaldce,function(loop-mssa(licm))' -S in.ll -o out.ll",
    "-passes=sroa,globaldce,licm",
    "--passes=sroa,globaldce,licm",
    "-sroa -globaldce -licm",
    '["sroa", "globaldce", "licm"]',
    "module(function(sroa),globaldce,function(loop(licm)))",
    " sroa , globaldce , licm ",
])
def test_spellings_normalise_to_one_pipeline(spelling):
    pl = parse_pass_list(spelling)
    assert pl.names == ("sroa", "globaldce", "licm")
    assert pl.pipeline == "function(sroa),globaldce,function(loop-mssa(licm))"


def test_list_input_and_parameters():
    pl = parse_pass_list(["simplifycfg<switch-to-lookup>", "loop-unroll", "-Oz", "indvars"])
    assert pl.names == ("simplifycfg<switch-to-lookup>", "loop-unroll", "default<Oz>", "indvars")
    assert pl.pipeline == ("function(simplifycfg<switch-to-lookup>),function(loop-unroll),"
                           "default<Oz>,function(loop(indvars))")
    assert parse_pass_list("inline").pipeline == "cgscc(inline)"
    assert parse_pass_list("").pipeline == ""


def test_memoryssa_passes_go_in_loop_mssa():
    for name in MEMORYSSA_LOOP_PASSES:
        assert Pass(name).pipeline == f"function(loop-mssa({name}))"
    assert Pass("loop-idiom").pipeline == "function(loop(loop-idiom))"


@pytest.mark.parametrize("spec, hint", [
    ("sroaa", "did you mean 'sroa'"),
    ("instcombine,globaldcee", "did you mean 'globaldce'"),
    ("licm,no-such-pass-anywhere", "unknown pass 'no-such-pass-anywhere'"),
    ("function(sroa", "unclosed"),
    ("repeat<2>(instcombine)", "cannot be flattened"),
    ("[1, 2]", "must be strings"),
    ("opt -p", "needs a pipeline"),
])
def test_bad_lists_are_rejected_with_a_reason(spec, hint):
    with pytest.raises(PassListError, match=hint):
        parse_pass_list(spec)


def test_every_search_space_pass_runs_alone(engine, units):
    """Each of the 134 searchable passes, alone, on a bundled program with loops."""
    unit = units["loops.c"]
    space = search_space()
    results = engine.measure_many([(unit, [p.name]) for p in space])
    assert len(results) == 134
    failed = {p.name: (m.status, m.error) for p, m in zip(space, results) if m.status != OK}
    assert failed == {}
    assert all(m.binary_size > 0 for m in results)
