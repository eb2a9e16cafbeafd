"""A drop-in compiler: `make CC=compilerlm-cc CXX=compilerlm-c++` builds a project with a pass
list chosen per unit, without compilerlm driving the build.

Each compile call (`-c`) of a C/C++ source goes through the front end with the call's own
flags (its `-O` level replaced by LLM Compiler's -Oz style) and gets, in this order, the
verified best list an autotuner store holds for that IR (`$COMPILERLM_STORE`, default the
`autotune.sqlite` beside the result cache), else the flag-tuning model's list with the -Oz
fallback (`optimize`'s K = 2: the smaller of the two, the list only once PassListEval accepts
it), and the object is written where the call asked. Everything else (linking, -E, -S,
assembly, version probes) goes to clang-17 as it is. Objects are cached per (IR, choice
settings), so a rebuild costs what the front end costs. Any failure of compilerlm itself falls
back to clang-17 with the call's arguments and -Oz, with a warning: the build never breaks
because of the optimiser.

    COMPILERLM_STORE=tune.sqlite make CC=compilerlm-cc
    COMPILERLM_DROPIN=off make CC=compilerlm-cc     # plain clang-17 (with -Oz)

Inside `optimize/autotune PROJECT --build` (project/build.py) it follows the project's plan
instead (`COMPILERLM_PROJECT_PLAN`): the list the plan names for the unit's IR hash, clang -Oz
otherwise, each compile logged and each unit's IR kept for the tuner; in whole-program mode
the objects are bitcode and links are lld LTO links with the plan's pipeline per output.
A call that compiles and links at once (`cc a.c b.c -o prog`) is split, so that each source
is a unit; configure probes (conftest.c) go to clang -Oz untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ..corpus.capture import is_probe, output_of, sources_of
from ..corpus.compile import CompileCommand, _reduce_flags, compile_command_to_ir
from ..toolchain.cache import default_cache_path
from ..toolchain.locate import find_lld, find_toolchain
from ..unit import Unit

STORE_ENV = "COMPILERLM_STORE"
# `compilerlm optimize PROJECT --build`: a JSON plan naming the list of each unit (by IR hash;
# any other unit gets clang -Oz), the build's root, and where to log each compile and keep
# each unit's IR (project/build.py writes it).
PLAN_ENV = "COMPILERLM_PROJECT_PLAN"
SWITCH_ENV = "COMPILERLM_DROPIN"  # "off": clang-17 -Oz only
CACHE_VERSION = "dropin-v1"  # part of every object's cache key: bump when choosing changes


def _clang(language: str) -> str:
    tc = find_toolchain()
    return str(tc.clangxx if language == "c++" else tc.clang)


def _output(argv: list[str], source: str) -> str:
    return output_of(argv, Path(source).with_suffix(".o").name)


def _relative(path: Path, root: Path) -> str:
    """path relative to the project's root, as the project driver names files (else whole)."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file renamed over `path`: parallel makes never read half
    a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f"{path.suffix}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    tmp.replace(path)


_CXX_SUFFIXES = {".cc", ".cpp", ".cxx", ".c++", ".C", ".cp"}
_NOT_LINKING = {"-c", "-S", "-E", "-M", "-MM"}


def with_system_cxx(language: str, argv: list[str]) -> list[str]:
    """C++ built the way the system's g++ builds it: libstdc++'s headers and library, libgcc's
    runtime and unwinder. The LLVM wheel's clang++ defaults to its own libc++, libunwind and
    compiler-rt, which are not on the loader's path: its programs would not run, and would
    not be the programs a gcc build makes."""
    if any(a.startswith("-stdlib=") for a in argv):
        return argv
    if language != "c++" and not any(Path(s).suffix in _CXX_SUFFIXES for s in sources_of(argv)):
        return argv
    flags = ["-stdlib=libstdc++"]
    if not _NOT_LINKING & set(argv):
        flags += ["-rtlib=libgcc", "-unwindlib=libgcc"]
    return [*argv, *flags]


def passthrough(language: str, argv: list[str], oz: bool = False) -> int:
    """clang-17 with the call's arguments (and -Oz last, for compiles it falls back on). In
    a whole-program project build, a link is an LTO link with the plan's pipeline."""
    extra = ["-Oz"] if oz else []
    plan = _plan()
    linking = not _NOT_LINKING & set(argv)
    whole = linking and plan and plan.get("whole_program")
    if whole:
        extra += whole_program_link_flags(argv, plan["whole_program"],
                                          Path(plan["root"]).resolve())
    rc = subprocess.run([_clang(language), *argv, *extra], check=False).returncode
    if rc != 0 and linking and not whole and not any(a.startswith("-fuse-ld") for a in argv):
        # The wheel's clang links with lld, which refuses some GNU ld options
        # (--default-symver): the system's GNU ld then, as gcc would have used.
        print("compilerlm-cc: linking again with GNU ld", file=sys.stderr)
        rc = subprocess.run([_clang(language), *argv, *extra, "-fuse-ld=bfd"],
                            check=False).returncode
    return rc


def _store() -> Path:
    from ..autotune.store import default_store_path
    return Path(os.environ.get(STORE_ENV) or default_store_path())


def _cache_dir() -> Path:
    return default_cache_path().parent / "dropin"


def _stored_list(unit: Unit) -> list[str] | None:
    store = _store()
    if not store.exists():
        return None
    from ..autotune.store import AutotuneStore
    s = AutotuneStore(store)
    try:
        best = s.best_results(validated_only=True).get(unit.hash)
    finally:
        s.close()
    return list(best.best_passes) if best is not None else None


def choose_and_compile(unit: Unit, out: Path) -> str:
    """Write the unit's object to `out`; what was chosen, in words (for the log)."""
    from ..toolchain.engine import Engine
    from .models import resolve_model
    from .tuning import make_verifier, tune_unit, write_output

    key = hashlib.sha256(f"{CACHE_VERSION}|{unit.hash}|{_store()}".encode()).hexdigest()
    cached = _cache_dir() / f"{key}.o"
    if cached.exists():
        out.write_bytes(cached.read_bytes())
        return "cached"
    with Engine(workers=1) as engine:
        stored = _stored_list(unit)
        if stored is not None:
            m = engine.measure(unit, stored, want_object=True)
            if m.ok:
                data, how = m.object, f"store: {','.join(stored)}"
            else:
                stored = None
        if stored is None:
            outcome = tune_unit(unit, resolve_model("default"), engine, budget=2,
                                verifier=make_verifier(engine))
            with tempfile.TemporaryDirectory(prefix="compilerlm-dropin-") as tmp:
                obj = Path(tmp) / "unit.o"
                write_output(outcome, engine, obj)
                data = obj.read_bytes()
            how = "-Oz" if outcome.fallback else f"model: {','.join(outcome.chosen.passes)}"
    _write_atomic(cached, data)
    out.write_bytes(data)
    return how


def compile_planned(unit: Unit, out: Path, plan: dict, source: Path) -> str:
    """Write the object the project plan asks for (its list for this unit, else clang -Oz),
    keep the unit's IR and log the compile for the project driver. In whole-program mode
    the "object" is the unit's bitcode after its list (default<Oz> without one): the link
    optimises the whole program (whole_program_link_flags)."""
    from ..store import append_json_line

    passes = plan["lists"].get(unit.hash)
    whole = bool(plan.get("whole_program"))
    units = Path(plan["units"])
    kept = units / f"{unit.hash.replace(':', '-')}{unit.suffix}"
    if not kept.exists():
        _write_atomic(kept, unit.ir)
    key = hashlib.sha256(f"{CACHE_VERSION}|plan|{whole}|{unit.hash}|{passes}".encode()
                         ).hexdigest()
    cached = _cache_dir() / f"{key}.o"
    meta = cached.with_suffix(".json")
    if cached.exists() and meta.exists():
        data = cached.read_bytes()
        passes, size = json.loads(meta.read_text())
    else:
        data, passes, size = _planned_object(unit, passes, whole)
        _write_atomic(meta, json.dumps([passes, size]).encode())
        _write_atomic(cached, data)
    out.write_bytes(data)
    name = _relative(source, Path(plan["root"]))
    append_json_line(Path(plan["log"]), {
        "name": name, "hash": unit.hash, "ir": str(kept), "object": str(out),
        "passes": passes, "binary_size": size})
    return f"plan: {','.join(passes)}" if passes else "plan: -Oz"


def _planned_object(unit: Unit, passes, whole: bool):
    """(object or bitcode bytes, the list used or None for -Oz, .text + .data of the unit)."""
    from ..toolchain.elf import object_size
    from ..toolchain.engine import Engine
    from .tuning import write_oz

    if whole:
        from ..toolchain.libllvm import LibLLVM
        with Engine(workers=1) as engine:
            m = engine.measure(unit, passes or ["default<Oz>"], want_ir=True)
            if not m.ok and passes:
                passes = None
                m = engine.measure(unit, ["default<Oz>"], want_ir=True)
        if not m.ok:
            raise RuntimeError(f"default<Oz> failed: {m.error}")
        llvm = LibLLVM.load()
        with llvm.parsed(m.ir.encode()) as mod:
            return llvm.bitcode(mod), passes, m.binary_size
    data = None
    if passes:
        with Engine(workers=1) as engine:
            m = engine.measure(unit, passes, want_object=True)
        data = m.object if m.ok else None
        if data is None:
            passes = None
    if data is None:
        with tempfile.TemporaryDirectory(prefix="compilerlm-dropin-") as tmp_dir:
            obj = Path(tmp_dir) / "unit.o"
            write_oz(unit, obj)
            data = obj.read_bytes()
    return data, passes, object_size(data).total


def whole_program_link_flags(argv: list[str], whole: dict, root: Path) -> list[str]:
    """What a whole-program link adds: lld from the LLVM 17 wheel doing LTO (it internalises
    every symbol the output does not export), the plan's pipeline for this output on the
    merged module, and dead sections collected (lld's LTO code generation puts each function
    and object in a section of its own). With `save_temps`, lld also leaves the merged,
    internalised module beside the output (OUTPUT.0.2.internalize.bc), for tuning."""
    path = (Path(os.getcwd()) / output_of(argv, "a.out")).resolve()
    pipeline = whole.get("binaries", {}).get(_relative(path, root)) or whole["default"]
    flags = [f"--ld-path={find_lld()}", "-flto", "-Xlinker", f"--lto-newpm-passes={pipeline}"]
    if "-r" not in argv:
        flags.append("-Wl,--gc-sections")
    if whole.get("save_temps"):
        flags.append("-Wl,--save-temps")
    return flags


def _plan() -> dict | None:
    path = os.environ.get(PLAN_ENV)
    return json.loads(Path(path).read_text()) if path else None


# Flags that only linking reads: left out when a compile-and-link call is split in two.
_LINK_ONLY_PREFIXES = ("-l", "-L", "-Wl,", "-fuse-ld=", "-rtlib=", "-unwindlib=")
_LINK_ONLY = {"-static", "-shared", "-rdynamic", "-pie", "-no-pie", "-nostdlib",
              "-nostartfiles", "-s"}


def split_compile_and_link(language: str, argv: list[str], sources: list[str]) -> int:
    """`gcc -O2 a.c b.c -o prog`: each source compiled as its own `-c` call (so it gets its
    list like any other unit), then the objects linked by clang-17 with the call's flags."""
    compile_flags, link_args, skip = [], [], False
    for a in argv:
        if skip:
            skip = False
            link_args.append(a)
            continue
        if a == "-o":
            skip = True
            link_args.append(a)
            continue
        if a in sources:
            continue
        link_args.append(a)
        link_only = a in _LINK_ONLY or a.startswith(_LINK_ONLY_PREFIXES) \
            or (a.startswith("-o") and len(a) > 2) or Path(a).suffix in (".o", ".a", ".so", ".lo")
        if not link_only:
            compile_flags.append(a)
    with tempfile.TemporaryDirectory(prefix="compilerlm-split-") as tmp:
        objects = []
        for i, source in enumerate(sources):
            obj = str(Path(tmp) / f"{i}-{Path(source).stem}.o")
            rc = compile_main(language, [*compile_flags, "-c", source, "-o", obj])
            if rc != 0:
                return rc
            objects.append(obj)
        return passthrough(language, [*objects, *link_args])


_DEP_FLAGS = {"-MD": "-M", "-MMD": "-MM"}


def write_depfile(language: str, argv: list[str], out: str) -> int:
    """The dependency file a `-MD`/`-MMD` compile promises (automake moves it right after),
    made by clang-17 from the same arguments."""
    mode = next((_DEP_FLAGS[a] for a in argv if a in _DEP_FLAGS), None)
    if mode is None:
        return 0
    args, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == "-o":
            skip = True
            continue
        if a in ("-c", "-MD", "-MMD") or (a.startswith("-o") and len(a) > 2):
            continue
        args.append(a)
    if "-MF" not in args:
        args += ["-MF", str(Path(out).with_suffix(".d"))]
    if "-MT" not in args and "-MQ" not in args:
        args += ["-MT", out]
    return subprocess.run([_clang(language), *args, mode]).returncode


def compile_main(language: str, argv: list[str]) -> int:
    """The drop-in compiler's main: returns the exit status, like a compiler."""
    argv = with_system_cxx(language, argv)
    sources = sources_of(argv)
    off = os.environ.get(SWITCH_ENV) == "off"
    if not off and sources and not _NOT_LINKING & set(argv) \
            and not any(is_probe(s) for s in sources):
        return split_compile_and_link(language, argv, sources)
    if off or "-c" not in argv or len(sources) != 1 or is_probe(sources[0]):
        # Configure probes too: they learn about the compiler, and a build runs hundreds.
        return passthrough(language, argv, oz="-c" in argv)
    source, cwd = sources[0], os.getcwd()
    try:
        path = Path(source) if Path(source).is_absolute() else Path(cwd) / source
        unit = compile_command_to_ir(CompileCommand(
            file=path, directory=Path(cwd), flags=_reduce_flags(["cc", *argv], source)))
        out = _output(argv, source)
        plan = _plan()
        how = (compile_planned(unit, Path(cwd) / out, plan, path) if plan is not None
               else choose_and_compile(unit, Path(cwd) / out))
        if write_depfile(language, argv, out) != 0:
            raise RuntimeError("clang-17 could not write the dependency file")
    except Exception as e:  # the build must not break because of the optimiser
        print(f"compilerlm-cc: warning: {source}: {' '.join(str(e).split())[:300]}; "
              f"compiled with clang -Oz instead", file=sys.stderr)
        return passthrough(language, argv, oz=True)
    if os.environ.get("COMPILERLM_DROPIN_LOG"):
        print(f"compilerlm-cc: {source}: {how}", file=sys.stderr)
    return 0
