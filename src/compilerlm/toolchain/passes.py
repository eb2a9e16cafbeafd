"""LLVM 17 passes: the registry, the size search space, and a parser for pass lists.

A *pass list* is what LLM Compiler predicts and the autotuner searches: a flat sequence of
passes. LLVM's textual pipelines need each pass inside the adaptor of its kind (a bare list
takes the kind of its first pass: `instcombine,globaldce` fails), so a pass list renders into a
pipeline with every pass wrapped by kind: module passes bare, `cgscc(x)`, `function(x)`,
`function(loop(x))`, and `function(loop-mssa(x))` for loop passes that use and preserve
MemorySSA (LICM aborts the process outside `loop-mssa`).

    pl = parse_pass_list("opt -p 'sroa,globaldce,licm'")
    pl.names      # ('sroa', 'globaldce', 'licm')
    pl.pipeline   # 'function(sroa),globaldce,function(loop-mssa(licm))'
    search_space()  # the 134 searchable passes of LLVM 17.0.6
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import shlex
from dataclasses import dataclass
from importlib import resources

from ..errors import NestedPipelineError, PassListError

KINDS = ("module", "cgscc", "function", "loop")

# Sections of `opt --print-passes` that list runnable passes (the analyses sections do not).
_SECTION_KIND = {
    "Module passes": "module", "Module passes with params": "module",
    "CGSCC passes": "cgscc", "CGSCC passes with params": "cgscc",
    "Function passes": "function", "Function passes with params": "function",
    "LoopNest passes": "loop",  # a loop pass manager runs loop-nest passes too
    "Loop passes": "loop", "Loop passes with params": "loop",
}

# Module-level pipelines the parser knows by pattern rather than from the registry.
DEFAULT_PIPELINE = re.compile(r"^(default|thinlto-pre-link|thinlto|lto-pre-link|lto)<O[0123sz]>$")
_ADAPTORS = {"module", "cgscc", "function", "loop", "loop-mssa"}

# Loop passes that LLVM's own pipelines run inside `loop-mssa` (PassBuilderPipelines.cpp,
# buildFunctionSimplificationPipeline: LPM1 is created with UseMemorySSA=true). LICM and LNICM
# abort without MemorySSA ("LICM requires MemorySSA"); the others use and preserve it.
MEMORYSSA_LOOP_PASSES = frozenset({
    "licm", "lnicm", "loop-instsimplify", "loop-simplifycfg", "loop-rotate",
    "simple-loop-unswitch"})

LLVM17_REGISTRY_FILE = "llvm17-print-passes.txt"
LLVM17_SEARCH_SPACE_FILE = "llvm17-search-space.txt"


def _data_text(name: str) -> str:
    return resources.files("compilerlm.toolchain").joinpath("data", name).read_text()


@functools.lru_cache(maxsize=None)
def registry() -> dict[str, str]:
    """Every pass name LLVM 17.0.6 accepts in a pipeline, mapped to its kind.

    Read from LLVM's own `opt --print-passes` output. A name registered at several levels
    (e.g. `guard-widening` as a function and a loop pass) takes the outermost kind."""
    kinds: dict[str, str] = {}
    section = None
    for line in _data_text(LLVM17_REGISTRY_FILE).splitlines():
        if not line.startswith(" "):
            section = _SECTION_KIND.get(line.rstrip(":"))
            continue
        if section is None:
            continue
        name = line.strip().split("<")[0] if not line.strip().startswith(("print<", "invalidate<")) \
            else line.strip()
        old = kinds.get(name)
        if old is None or KINDS.index(section) < KINDS.index(old):
            kinds[name] = section
    return kinds


def kind_of(name: str) -> str | None:
    """The kind of a pass name (params allowed: `licm<allowspeculation>`), or None if unknown."""
    if DEFAULT_PIPELINE.match(name):
        return "module"
    reg = registry()
    if name in reg:  # print<...>, invalidate<...> are registered with their brackets
        return reg[name]
    return reg.get(name.split("<", 1)[0])


@dataclass(frozen=True)
class Pass:
    """One pass of a pass list: a registered name, optionally with parameters."""

    name: str  # as written in a pipeline, params included: `simplifycfg<switch-to-lookup>`

    @property
    def base(self) -> str:
        return self.name if DEFAULT_PIPELINE.match(self.name) else self.name.split("<", 1)[0]

    @property
    def kind(self) -> str:
        kind = kind_of(self.name)
        if kind is None:
            raise PassListError(f"unknown pass {self.name!r}")
        return kind

    @property
    def pipeline(self) -> str:
        """This pass alone as a pipeline element, wrapped in the adaptor of its kind."""
        kind = self.kind
        if kind == "module":
            return self.name
        if kind == "cgscc":
            return f"cgscc({self.name})"
        if kind == "function":
            return f"function({self.name})"
        adaptor = "loop-mssa" if self.base in MEMORYSSA_LOOP_PASSES else "loop"
        return f"function({adaptor}({self.name}))"


@dataclass(frozen=True)
class PassList:
    """A flat sequence of passes; renders into a correctly nested LLVM pipeline."""

    passes: tuple[Pass, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.passes)

    @property
    def pipeline(self) -> str:
        """The canonical pipeline string given to LLVMRunPasses ('' runs nothing)."""
        return ",".join(p.pipeline for p in self.passes)

    @property
    def opt_command(self) -> str:
        """How `opt` would be told to run it (the format of LLM Compiler's prompts)."""
        return f"opt -p '{self.pipeline}'"

    def __len__(self) -> int:
        return len(self.passes)

    def __str__(self) -> str:
        return ",".join(self.names)


OZ = "default<Oz>"


@functools.lru_cache(maxsize=None)
def search_space() -> tuple[Pass, ...]:
    """The passes random search draws from, for LLVM 17.0.6, in file order."""
    names = [ln.strip() for ln in _data_text(LLVM17_SEARCH_SPACE_FILE).splitlines()
             if ln.strip() and not ln.startswith("#")]
    unknown = [n for n in names if kind_of(n) is None]
    if unknown:  # a packaging error, not a user error
        raise RuntimeError(f"search space names passes LLVM 17 lacks: {unknown}")
    return tuple(Pass(n) for n in names)


# -- parsing ----------------------------------------------------------------

_IGNORED_FLAGS = {"-S", "--S", "-disable-output", "--disable-output", "-verify-each",
                  "--verify-each", "-f"}


def _split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split at separators outside (), <> nesting; raises on unbalanced brackets."""
    parts, depth, start = [], [], 0
    pairs = {"(": ")", "<": ">"}
    for i, ch in enumerate(text):
        if ch in pairs:
            depth.append(pairs[ch])
        elif ch in ")>":
            if not depth or depth.pop() != ch:
                raise PassListError(f"unbalanced {ch!r} at column {i + 1} of {text!r}")
        elif ch == sep and not depth:
            parts.append(text[start:i])
            start = i + 1
    if depth:
        raise PassListError(f"unclosed bracket in {text!r}")
    parts.append(text[start:])
    return parts


def _flatten_pipeline(text: str) -> list[str]:
    """Leaf pass names of a (possibly nested) textual pipeline, in order."""
    leaves = []
    for element in _split_top_level(text.strip()):
        element = element.strip()
        if not element:
            continue
        if "(" in element and element.endswith(")") and not element.startswith("<"):
            i = element.index("(")
            head = element[:i].strip()
            if head.split("<")[0] not in _ADAPTORS:
                raise NestedPipelineError(
                    f"{head!r} nests a pipeline that cannot be flattened into a pass list; "
                    f"give it as a raw pipeline instead")
            leaves.extend(_flatten_pipeline(element[i + 1:-1]))
        else:
            leaves.append(element)
    return leaves


def _tokens_to_elements(tokens: list[str]) -> list[str]:
    """Pipeline elements from an `opt`-style command line or a bare list."""
    elements: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if not tok:
            continue
        if tok == "opt" or tok.endswith("/opt") or re.fullmatch(r"opt-\d+", tok):
            continue
        if tok in _IGNORED_FLAGS or tok.endswith((".ll", ".bc", ".o")):
            continue
        if tok in ("-o", "--o"):
            i += 1  # skip the output file
            continue
        if tok in ("-p", "--p", "-passes", "--passes"):
            if i >= len(tokens):
                raise PassListError(f"{tok} needs a pipeline after it")
            elements.extend(_flatten_pipeline(tokens[i]))
            i += 1
            continue
        m = re.fullmatch(r"--?(?:p|passes)=(.*)", tok, flags=re.S)
        if m:
            elements.extend(_flatten_pipeline(m.group(1)))
            continue
        m = re.fullmatch(r"-O([0123sz])", tok)
        if m:
            elements.append(f"default<O{m.group(1)}>")
            continue
        if tok.startswith("-"):  # legacy pass-manager flag: `-sroa -instcombine`
            elements.append(tok.lstrip("-"))
            continue
        elements.extend(_flatten_pipeline(tok))
    return elements


def parse_pass_list(spec) -> PassList:
    """Parse the spellings people and models write into a normalised PassList.

    Accepts `opt -p '...'`, `-passes=a,b`, nested pipelines (`module(function(sroa))`), a bare
    comma list of mixed kinds (`sroa,globaldce,licm`), legacy flags (`-sroa -licm`), `-Oz`,
    a JSON list of names, or a Python list/tuple of names. Raises PassListError with a
    close-match suggestion for unknown names."""
    if isinstance(spec, PassList):
        return spec
    if isinstance(spec, (list, tuple)):
        elements = []
        for item in spec:
            if not isinstance(item, str):
                raise PassListError(f"pass names must be strings, got {item!r}")
            elements.extend(_tokens_to_elements([item.strip()]))
    else:
        text = str(spec).strip()
        if text.startswith("["):
            try:
                items = json.loads(text)
            except json.JSONDecodeError as e:
                raise PassListError(f"pass list looks like JSON but does not parse: {e}") from e
            if not isinstance(items, list):
                raise PassListError("a JSON pass list must be a list of names")
            return parse_pass_list(items)
        try:
            tokens = shlex.split(text)
        except ValueError as e:
            raise PassListError(f"cannot split pass list {text!r}: {e}") from e
        elements = _tokens_to_elements(tokens)
    passes = []
    for element in elements:
        name = re.sub(r"\s+", "", element)
        if kind_of(name) is None:
            base = name.split("<", 1)[0]
            close = difflib.get_close_matches(base, list(registry()) + [OZ], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise PassListError(f"unknown pass {name!r} (not registered in LLVM 17.0.6){hint}")
        passes.append(Pass(name))
    return PassList(tuple(passes))


_IN_TEXT = [re.compile(r"(?:^|\s)(?:opt\s+)?--?p(?:asses)?\s*=?\s*'([^']*)'"),
            re.compile(r'(?:^|\s)(?:opt\s+)?--?p(?:asses)?\s*=?\s*"([^"]*)"'),
            re.compile(r"(?:^|\s)--?passes=(\S+)")]


def extract_pass_list(text: str) -> PassList:
    """The pass list inside free text (a model's answer): the first `-p '...'`,
    `-passes=...` or `opt -p "..."`; else the whole text as parse_pass_list reads it."""
    for pattern in _IN_TEXT:
        m = pattern.search(text)
        if m:
            return parse_pass_list(m.group(1))
    return parse_pass_list(text.strip())
