"""The programs PassListEval runs: the built-in suite, HumanEval-X C++ and csmith.

A `Program` is source code with what it takes to build and run it. Its expected behaviour is
its own reference build's (`clang -O0`): exit status and standard output. Built-in programs
also check themselves (exit status 0 only when every check passes), HumanEval-X programs
assert their unit tests, csmith programs print a checksum of their global state.

    programs = builtin_suite()                         # 64 programs, `builtin-v1/<name>`
    programs, skipped = humaneval_suite(path, sample=20, seed=0)
    programs = csmith_suite(10, seed=1)               # needs Debian's csmith + libcsmith-dev
    program = benchmark_program("dir/prog.c")         # args + expected output, benchmark.json
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import random
import shutil
import subprocess
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..errors import InputError, read_text_file

BUILTIN_VERSION = "builtin-v1"
HUMANEVAL_VERSION = "humaneval-cpp-v1"
CSMITH_VERSION = "csmith-v1"
CSMITH_INCLUDE = Path("/usr/include/csmith")


@dataclass(frozen=True)
class Program:
    """A runnable program: source, build flags, inputs; its reference build decides."""

    uri: str  # `builtin-v1/loop_goto`, `humaneval-cpp-v1/CPP/12`, `csmith-v1/seed-7`
    source: str = field(repr=False)
    language: str  # "c" or "c++"
    compile_flags: tuple[str, ...] = ()
    link_flags: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    timeout: float = 10.0  # seconds for one run; the reference must finish well within it
    reference_level: str = "-O0"  # how the reference is built (a user's program: -O2)
    expected_stdout: bytes | None = field(default=None, repr=False)  # instead of the reference's
    check_command: tuple[str, ...] = ()  # argv + the binary's path; exit 0 means it behaves

    @property
    def suffix(self) -> str:
        return ".cpp" if self.language == "c++" else ".c"

    @property
    def hash(self) -> str:
        """Identity of everything that decides the program's behaviour."""
        h = hashlib.blake2b(digest_size=16)
        for part in (self.source, self.language, *self.compile_flags, "|", *self.link_flags,
                     "|", *self.args, "|", self.reference_level, "|",
                     (self.expected_stdout or b"").decode("latin-1"), "|", *self.check_command):
            h.update(part.encode())
            h.update(b"\0")
        return "b2:" + h.hexdigest()


# -- the built-in suite ------------------------------------------------------------

def builtin_suite() -> list[Program]:
    """Programs written for this project, each checking itself; free of undefined behaviour
    (the tests build every one with ASan + UBSan at -O0)."""
    root = resources.files("compilerlm.passlisteval").joinpath("suite")
    programs = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith((".c", ".cpp")):
            continue
        language = "c++" if entry.name.endswith(".cpp") else "c"
        flags = ("-std=c++17",) if language == "c++" else ("-std=gnu11",)
        programs.append(Program(uri=f"{BUILTIN_VERSION}/{entry.name.rsplit('.', 1)[0]}",
                                source=entry.read_text(), language=language,
                                compile_flags=flags, link_flags=("-lm",)))
    return programs


# -- a user's own program ------------------------------------------------------------------

def user_program(path, args=(), expected_stdout: bytes | None = None,
                 check_command: tuple[str, ...] = (), reference_level: str = "-O2",
                 compile_flags: tuple[str, ...] = ()) -> Program:
    """A user's C/C++ program with a main(): by default its behaviour on `args` must match its
    own `clang -O2` build; `expected_stdout` or a `check_command` (given the binary's path as
    its last argument; exit 0 passes) decide instead when given. It is built with
    `compile_flags` (those the program's unit was compiled with) and its own folder on the
    include path, as its local headers need."""
    p = Path(path)
    source = read_text_file(p)
    if p.suffix not in (".c", ".cc", ".cpp", ".cxx"):
        raise InputError(f"{p}: a program to run must be a .c/.cc/.cpp file")
    language = "c" if p.suffix == ".c" else "c++"
    return Program(uri=f"user/{p.name}", source=source, language=language,
                   compile_flags=source_flags(p, compile_flags),
                   link_flags=("-lm",), args=tuple(args), reference_level=reference_level,
                   expected_stdout=expected_stdout, check_command=tuple(check_command))


def source_flags(path: Path, flags: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Flags to build a program from a copy of its source elsewhere: its folder first on the
    include path (for `#include "local.h"`), then the flags its unit was compiled with."""
    return ("-iquote", str(Path(path).resolve().parent), *flags)


# -- programs with recorded inputs and output (a benchmark.json beside them) ----------

BENCHMARK_MANIFEST = "benchmark.json"


@functools.lru_cache(maxsize=64)
def _manifest(directory: str) -> dict:
    path = Path(directory) / BENCHMARK_MANIFEST
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())["programs"]
    except (OSError, ValueError, KeyError) as e:
        raise InputError(f"{path}: not a benchmark manifest: {e}") from e


def benchmark_manifest(directory) -> dict:
    """File name -> {"args": [...], "expected_stdout": "..."} from DIRECTORY/benchmark.json
    ({} without one)."""
    return _manifest(str(Path(directory).resolve()))


def benchmark_program(path, source: str | None = None) -> Program | None:
    """The program at `path` with the inputs and expected output its directory's
    benchmark.json records, or None when it has no entry there. `source`: its text, when the
    caller has already read it."""
    p = Path(path)
    entry = benchmark_manifest(p.parent).get(p.name)
    if entry is None:
        return None
    language = "c" if p.suffix == ".c" else "c++"
    return Program(uri=f"bench/{p.name}", source=source if source is not None else
                   read_text_file(p), language=language, link_flags=("-lm",),
                   args=tuple(entry.get("args", ())),
                   expected_stdout=entry["expected_stdout"].encode())


# -- HumanEval-X C++ -------------------------------------------------------------------

@dataclass(frozen=True)
class Skipped:
    uri: str
    reason: str


def _read_jsonl(path: Path) -> list[dict]:
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not a HumanEval-X JSONL file: {e}") from e


def humaneval_suite(path, sample: int | None = None, seed: int = 0
                    ) -> tuple[list[Program], list[Skipped]]:
    """HumanEval-X C++ problems (declaration + canonical solution + unit tests) from a JSONL
    file (gzip allowed). Problems that need headers this machine lacks (Boost; OpenSSL for
    md5) are skipped with the reason. `sample` takes a seeded random subset."""
    rows = _read_jsonl(Path(path))
    for i, row in enumerate(rows):
        missing = {"task_id", "canonical_solution", "test"} - row.keys()
        if missing or not ({"declaration", "prompt"} & row.keys()):
            raise InputError(f"{path}: record {i} lacks {sorted(missing) or ['declaration']}")
    if sample is not None and sample < len(rows):
        rows = random.Random(seed).sample(rows, sample)
        rows.sort(key=lambda r: _task_number(r["task_id"]))
    have_boost = Path("/usr/include/boost").is_dir()
    have_openssl = Path("/usr/include/openssl").is_dir()
    programs, skipped = [], []
    for row in rows:
        head = row.get("declaration") or row["prompt"]
        source = f"{head}{row['canonical_solution']}\n{row['test']}\n"
        uri = f"{HUMANEVAL_VERSION}/{row['task_id']}"
        link = ["-lm"]
        if "boost/" in source and not have_boost:
            skipped.append(Skipped(uri, "needs Boost headers (Debian: libboost-dev)"))
            continue
        if "openssl/" in source:
            if not have_openssl:
                skipped.append(Skipped(uri, "needs OpenSSL headers and -lcrypto "
                                            "(Debian: libssl-dev)"))
                continue
            link.append("-lcrypto")
        programs.append(Program(uri=uri, source=source, language="c++",
                                compile_flags=("-std=c++17",), link_flags=tuple(link)))
    return programs, skipped


def _task_number(task_id: str) -> int:
    tail = task_id.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


# -- csmith ----------------------------------------------------------------------------

def csmith_available() -> str | None:
    """None when csmith and its runtime headers are installed, else what is missing."""
    if shutil.which("csmith") is None:
        return "csmith is not installed (Debian: apt-get install csmith libcsmith-dev)"
    if not (CSMITH_INCLUDE / "csmith.h").exists():
        return f"{CSMITH_INCLUDE}/csmith.h is missing (Debian: apt-get install libcsmith-dev)"
    return None


def csmith_program(seed: int) -> Program:
    """One csmith program from a recorded seed, so every failure is reproducible."""
    problem = csmith_available()
    if problem:
        raise InputError(problem)
    try:
        out = subprocess.run(["csmith", "--seed", str(seed), "--max-funcs", "8"],
                             capture_output=True, text=True, timeout=60, check=True)
    except (subprocess.SubprocessError, OSError) as e:
        raise InputError(f"csmith --seed {seed} failed: {e}") from e
    return Program(uri=f"{CSMITH_VERSION}/seed-{seed}", source=out.stdout, language="c",
                   compile_flags=(f"-I{CSMITH_INCLUDE}", "-w"), timeout=5.0)


def csmith_suite(n: int, seed: int = 0) -> list[Program]:
    """`n` csmith programs with seeds seed, seed+1, ... (programs whose reference build does
    not finish are dropped later by the checker, which reports them as skipped)."""
    return [csmith_program(seed + i) for i in range(n)]


MAX_CSMITH_PROGRAMS = 10_000  # each is generated, built and run per list: more is a mistake


def parse_suite(spec: str, seed: int = 0) -> tuple[list[Program], list[Skipped]]:
    """`builtin`, `humaneval-x:PATH[@N]` (N: a sample) or `csmith:N` as on the command line."""
    if spec == "builtin":
        return builtin_suite(), []
    if spec.startswith("humaneval-x:"):
        rest = spec.split(":", 1)[1]
        path, _, n = rest.partition("@")
        if not path:
            raise InputError("humaneval-x: needs a path, e.g. humaneval-x:humaneval_cpp.jsonl.gz")
        try:
            sample = int(n) if n else None
        except ValueError:
            raise InputError(f"humaneval-x sample size {n!r} is not a number") from None
        if sample is not None and sample < 1:
            raise InputError(f"humaneval-x sample size must be at least 1, got {sample}")
        return humaneval_suite(path, sample=sample, seed=seed)
    if spec.startswith("csmith:"):
        n = spec.split(":", 1)[1]
        if not n.isdigit() or not 1 <= int(n) <= MAX_CSMITH_PROGRAMS:
            raise InputError(f"csmith:N needs a number of programs from 1 to "
                             f"{MAX_CSMITH_PROGRAMS}, got {n!r}")
        return csmith_suite(int(n), seed=seed), []
    raise InputError(f"unknown suite {spec!r}; use builtin, humaneval-x:PATH[@N] or csmith:N")
