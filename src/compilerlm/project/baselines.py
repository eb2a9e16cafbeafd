"""What a user would build with instead of compilerlm: the same project, the same build
command, another compiler.

Inside a project build whose environment names a baseline (`COMPILERLM_BASELINE`), the
compiler wrappers and shims (`gcc`, `cc`, `g++`, `c++`, `ar`...) run the baseline's compiler
with the call's own arguments, its optimisation level replaced by the baseline's flags:

    gcc-oz        gcc -Oz
    clang-oz-lto  clang-17 -Oz -flto -ffunction-sections -fdata-sections, linked by the
                  wheel's lld with -Wl,--gc-sections
    gcc-oz-lto    gcc -Oz -flto -ffunction-sections -fdata-sections, linked with
                  -Wl,--gc-sections (archives made by gcc-ar, which indexes LTO objects)

so the binaries differ only by compiler and flags, never by the build. (The clang -Oz
reference is compilerlm's own build with no list chosen: every unit through clang -Oz.)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from ..corpus.capture import NO_COMPILE

BASELINE_ENV = "COMPILERLM_BASELINE"

# Per baseline: the C and C++ compilers, the flags of every call that compiles, the flags of
# every call that links, and the archiver.
BASELINES = {
    "gcc-oz": {"c": "gcc", "c++": "g++", "compile": ["-Oz"], "link": [], "ar": "ar"},
    "clang-oz-lto": {"c": "clang", "c++": "clang++",
                     "compile": ["-Oz", "-flto", "-ffunction-sections", "-fdata-sections"],
                     "link": ["-Oz", "-flto", "-Wl,--gc-sections"], "ar": "ar"},
    "gcc-oz-lto": {"c": "gcc", "c++": "g++",
                   "compile": ["-Oz", "-flto", "-ffunction-sections", "-fdata-sections"],
                   "link": ["-Oz", "-flto", "-Wl,--gc-sections"], "ar": "gcc-ar"},
}
_OPT_LEVEL = re.compile(r"-O(\d|s|z|g|fast)?$")


def _tool(name: str) -> str:
    if name.startswith("clang"):
        from ..toolchain.locate import find_toolchain
        tc = find_toolchain()
        return str(tc.clangxx if name == "clang++" else tc.clang)
    from ..corpus.capture import _which_outside_shims
    found = _which_outside_shims(name)
    if found is None:
        raise SystemExit(f"compilerlm: the baseline needs {name}, which is not installed")
    return found


def baseline_argv(baseline: str, language: str, argv: list[str]) -> list[str]:
    """The command the baseline runs for one compiler (or `ar`) call of the build."""
    spec = BASELINES[baseline]
    tool = _tool(spec[language])
    if any(a in NO_COMPILE for a in argv):  # preprocessing, questions about the compiler
        return [tool, *argv]
    kept = [a for a in argv if not _OPT_LEVEL.match(a) and a != "-flto"
            and not a.startswith("-flto=")]
    extra = list(spec["compile"])
    if "-c" not in argv and "-S" not in argv:
        extra += [f for f in spec["link"] if f not in extra]
        if spec["c"] == "clang":
            from ..toolchain.locate import find_lld
            extra.append(f"--ld-path={find_lld()}")
    if spec["c"] == "clang":
        from ..corpus.capture import is_probe, sources_of
        from ..corpus.compile import as_frontend_takes_it
        from ..flagtune.dropin import with_system_cxx
        from ..unit import SOURCE_SUFFIXES
        sources = sources_of(kept)
        if sources and not any(is_probe(s) for s in sources):
            kept = as_frontend_takes_it(kept, is_cxx=language == "c++" or any(
                SOURCE_SUFFIXES.get(Path(s).suffix) == "c++" for s in sources))
        kept = with_system_cxx(language, kept)
    return [tool, *kept, *extra]


def baseline_main(language: str) -> int:
    from ..corpus.capture import looping, without_shims
    if looping():
        return 1
    baseline = os.environ[BASELINE_ENV]
    if baseline not in BASELINES:
        print(f"compilerlm: unknown baseline {baseline!r} in {BASELINE_ENV}", file=sys.stderr)
        return 2
    argv = baseline_argv(baseline, language, sys.argv[1:])  # _tool: a tool that is there
    return subprocess.run(argv, env=without_shims(), check=False).returncode
