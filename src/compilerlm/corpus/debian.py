"""Real code at scale: Debian source packages built through capture, with licences and tests.

    compilerlm corpus debian bc jq=1.6-2.1 -o corpus/
    compilerlm corpus debian --manifest corpora/debian/manifest.tsv -o corpus/ --parallel 2

Per package:

1. apt's `deb-src` entries are enabled once when missing (said on stderr), the source is
   fetched (`apt-get source PKG=VERSION`) into OUT/.work/PKG;
2. its build dependencies are installed (`apt-get build-dep`; one package at a time, since
   apt holds a lock);
3. `debian/rules build` runs under capture (capture.py: CC/CXX and gcc/cc/g++/c++ shims first
   on PATH; DEB_BUILD_OPTIONS=nocheck): the build's own compiler builds the package as Debian
   does, and clang 17's front end makes the IR of every C/C++ file it compiles, with the
   build's flags;
4. the package's test command (`debian/rules override_dh_auto_test` where the package
   defines it, else `dh_auto_test`, else `make check`/`make test`) runs once, with
   TEST_TIMEOUT_S: it counts as a test suite that runs when it exits 0 in time;
5. units: configure and CMake probes (conftest.c, try-compiles) and repeated builds of the
   same source (libtool's PIC and non-PIC objects) are left out; the rest go into the corpus,
   deduplicated by IR hash, each index line carrying package, version, source path (relative
   to the package), licence (debian/copyright), the binaries and libraries it is linked into,
   and the package's split.

OUT/packages.jsonl holds one record per package: `ok` or `failed` with the reason, seconds,
units captured and added, IR instructions, the test command and its result. A package with a
record is done, so a rerun resumes with the next one; a failed build is a record, never a stop.
"""

from __future__ import annotations

import dataclasses
import fcntl
import functools
import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..processes import run_session
from ..store import append_json_line, read_json_lines
from ..unit import Unit
from .capture import (binaries_of, capture_errors, is_probe, link_records, spooled_records,
                      spooled_units, wrapper_env)
from .corpus import build_corpus

PACKAGES = "packages.jsonl"
WORK = ".work"
SOURCES_DIR = Path("/etc/apt/sources.list.d")
SOURCES_LIST = Path("/etc/apt/sources.list")
BUILD_TIMEOUT_S = 3600  # one package's build; a larger one is a failure with that reason
TEST_TIMEOUT_S = 120  # the whole-program benchmark wants suites that run in 2 minutes
APT_TIMEOUT_S = 1800
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class PackageSpec:
    """A source package, a pinned version (None: the archive's current one) and its split."""

    name: str
    version: str | None = None
    split: str | None = None  # None: by a hash of the name (test 10 %, validation 10 %)
    category: str = ""

    @classmethod
    def parse(cls, text: str) -> "PackageSpec":
        name, _, version = text.strip().partition("=")
        if not re.fullmatch(r"[a-z0-9][a-z0-9+.-]+", name):
            raise InputError(f"{text!r}: not a Debian source package name")
        return cls(name, version or None)

    @property
    def apt_name(self) -> str:
        return f"{self.name}={self.version}" if self.version else self.name

    def split_or_default(self) -> str:
        if self.split:
            return self.split
        bucket = int(hashlib.sha256(self.name.encode()).hexdigest(), 16) % 10
        return "test" if bucket == 0 else "validation" if bucket == 1 else "train"


def select_specs(packages, manifest: list[PackageSpec] | None) -> list[PackageSpec]:
    """The packages to build: those named (`NAME` or `NAME=VERSION`), a named package listed
    in the manifest with the manifest's category, split and (unless pinned here) version;
    the whole manifest when none is named."""
    named = [PackageSpec.parse(p) for p in packages]
    if manifest is None:
        return named
    if not named:
        return list(manifest)
    listed = {s.name: s for s in manifest}
    return [dataclasses.replace(listed[s.name], version=s.version or listed[s.name].version)
            if s.name in listed else s for s in named]


def read_manifest(path: Path) -> list[PackageSpec]:
    """A manifest: tab-separated `package version category split`, `#` comments."""
    specs = []
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as e:
        raise InputError(f"{path}: cannot read the manifest: {e.strerror}") from e
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 4 or fields[3] not in SPLITS:
            raise InputError(f"{path}:{n}: expected 'package<TAB>version<TAB>category<TAB>"
                             f"train|validation|test'")
        spec = PackageSpec.parse(fields[0])
        specs.append(PackageSpec(spec.name, fields[1] or None, fields[3], fields[2]))
    return specs


# -- apt --------------------------------------------------------------------------------

def _run(argv: list[str], cwd=None, timeout=APT_TIMEOUT_S, env=None
         ) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env, stdin=subprocess.DEVNULL)


def _last_error(proc: subprocess.CompletedProcess) -> str:
    lines = [ln.strip() for ln in (proc.stderr + "\n" + proc.stdout).splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith(("E:", "error", "dpkg-source: error"))
              or "error:" in ln.lower()]
    return (errors or lines or [f"exit status {proc.returncode}"])[-1][:300]


def not_served(apt_stderr: str) -> list[str]:
    """The files apt could not fetch because the archive answered 404: the mirror lacks
    them (zip's .orig.tar.gz here), which no retry mends."""
    from urllib.parse import unquote  # apt prints URLs: rc_1.7.4%2b97 is rc_1.7.4+97
    return [unquote(name) for name in
            re.findall(r"^E: Failed to fetch \S*/([^/\s]+)\s+404\b", apt_stderr, re.M)]


def deb_src_enabled() -> bool:
    for path in [SOURCES_LIST, *sorted(SOURCES_DIR.glob("*.list"))]:
        if path.exists() and re.search(r"^\s*deb-src\s", path.read_text(), re.M):
            return True
    for path in sorted(SOURCES_DIR.glob("*.sources")):
        if re.search(r"^Types:.*\bdeb-src\b", path.read_text(), re.M):
            return True
    return False


def ensure_tools(log=print) -> None:
    """dpkg-dev (dpkg-source unpacks what apt-get source fetches), installed when missing."""
    if shutil.which("dpkg-source"):
        return
    log("installing dpkg-dev (dpkg-source) with apt-get")
    proc = _run(["apt-get", "install", "-y", "-qq", "-o", "DPkg::Lock::Timeout=1200",
                 "dpkg-dev"], env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if proc.returncode != 0:
        raise InputError(f"cannot install dpkg-dev: {_last_error(proc)}")


def enable_deb_src(log=print) -> bool:
    """Add deb-src to apt's deb822 sources where it is missing; True when something changed
    (then `apt-get update` has run)."""
    if deb_src_enabled():
        return False
    changed = []
    for path in sorted(SOURCES_DIR.glob("*.sources")):
        text = path.read_text()
        new = re.sub(r"^Types:\s*deb\s*$", "Types: deb deb-src", text, flags=re.M)
        if new != text:
            try:
                path.write_text(new)
            except OSError as e:
                raise InputError(f"deb-src is not enabled in {path} and it cannot be changed "
                                 f"({e.strerror}); enable it, or run as root") from e
            changed.append(str(path))
    if not changed:
        raise InputError("apt has no deb-src entries and no deb822 sources to add them to; "
                         "add a deb-src line to /etc/apt/sources.list")
    log(f"enabled deb-src in {', '.join(changed)}; running apt-get update")
    proc = _run(["apt-get", "update", "-qq"])
    if proc.returncode != 0:
        raise InputError(f"apt-get update failed: {_last_error(proc)} (no network?)")
    return True


def available_versions(name: str) -> list[str]:
    """The versions of a source package apt knows, newest first."""
    proc = _run(["apt-cache", "showsrc", "--only-source", name], timeout=120)
    versions = list(dict.fromkeys(re.findall(r"^Version:\s*(\S+)", proc.stdout, re.M)))
    return sorted(versions, key=functools.cmp_to_key(_compare_versions), reverse=True)


def _compare_versions(a: str, b: str) -> int:
    if a == b:
        return 0
    newer = _run(["dpkg", "--compare-versions", a, "gt", b], timeout=30).returncode == 0
    return 1 if newer else -1


def source_version(name: str) -> str | None:
    """The newest version apt knows of a source package (None: no such source package)."""
    versions = available_versions(name)
    return versions[0] if versions else None


class _FileLock:
    """One holder at a time across threads and processes (Ray workers included): apt takes
    one install at a time, and the corpus's index is written by one package at a time."""

    _thread_locks: dict[str, threading.Lock] = {}
    _guard = threading.Lock()

    def __init__(self, path: Path):
        self.path = path
        with self._guard:
            self._thread_lock = self._thread_locks.setdefault(str(path), threading.Lock())

    def __enter__(self):
        self._thread_lock.acquire()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._f = open(self.path, "w")
        fcntl.flock(self._f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self._f, fcntl.LOCK_UN)
        self._f.close()
        self._thread_lock.release()


def _trees(work: Path) -> list[Path]:
    return [d for d in work.iterdir() if d.is_dir() and (d / "debian" / "control").exists()]


def fetch_source(spec: PackageSpec, work: Path) -> Path:
    """A freshly unpacked source tree of the package under `work`: downloaded once, unpacked
    again for every build (a tree an earlier attempt built would make `debian/rules` find
    nothing to do)."""
    work.mkdir(parents=True, exist_ok=True)
    dscs = sorted(work.glob("*.dsc"))
    if dscs:
        for tree in _trees(work):
            shutil.rmtree(tree)
        proc = _run(["dpkg-source", "--no-check", "-x", dscs[-1].name], cwd=work)
        if proc.returncode == 0 and _trees(work):
            return _trees(work)[0]
    proc = _run(["apt-get", "source", "-qq", "--only-source", spec.apt_name], cwd=work)
    if proc.returncode != 0 and spec.version and "Failed to fetch" in proc.stderr:
        # The pinned version's files are gone from the mirror (a security update replaced
        # them): the newest version still served, recorded as what was built.
        for version in available_versions(spec.name):
            if version == spec.version:
                continue
            proc = _run(["apt-get", "source", "-qq", "--only-source",
                         f"{spec.name}={version}"], cwd=work)
            if proc.returncode == 0:
                break
    if proc.returncode != 0:
        missing = not_served(proc.stderr)
        why = (f"the archive does not serve {', '.join(missing)} (404 Not Found)" if missing
               else _last_error(proc))
        raise InputError(f"apt-get source {spec.apt_name}: {why}")
    trees = _trees(work)
    if not trees:
        raise InputError(f"apt-get source {spec.apt_name}: no source tree was unpacked")
    return trees[0]


def install_build_deps(spec: PackageSpec, lock: Path) -> None:
    with _FileLock(lock):
        # Another apt (another corpus, the user's) may hold dpkg's lock: wait for it.
        proc = _run(["apt-get", "build-dep", "-y", "-qq", "-o", "DPkg::Lock::Timeout=1200",
                     "--only-source", spec.apt_name],
                    env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if proc.returncode != 0:
        raise InputError(f"apt-get build-dep {spec.apt_name}: {_last_error(proc)}")


# -- one package ---------------------------------------------------------------------------

def licence_of(tree: Path) -> str:
    """The licence of the package's main files, from debian/copyright (DEP-5 where it is)."""
    path = tree / "debian" / "copyright"
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "unknown (no debian/copyright)"
    for paragraph in re.split(r"\n\s*\n", text):
        if re.search(r"^Files:\s*\*\s*$", paragraph, re.M):
            m = re.search(r"^License:\s*(.+)$", paragraph, re.M)
            if m:
                return m.group(1).strip()
    m = re.search(r"^License:\s*(.+)$", text, re.M)
    return m.group(1).strip() if m else "unknown (debian/copyright is not machine-readable)"


def test_command(tree: Path) -> list[str] | None:
    """How the package runs its own tests, the way its Debian build would."""
    rules = tree / "debian" / "rules"
    text = rules.read_text(errors="replace") if rules.exists() else ""
    if re.search(r"^override_dh_auto_test(-arch)?\s*:", text, re.M):
        target = "override_dh_auto_test-arch" if re.search(
            r"^override_dh_auto_test-arch\s*:", text, re.M) else "override_dh_auto_test"
        return ["debian/rules", target]
    if re.search(r"^\s*(%:|\s*dh\s)", text, re.M) and shutil.which("dh_auto_test"):
        return ["dh_auto_test"]
    for makefile in ("GNUmakefile", "Makefile", "makefile"):
        mk = tree / makefile
        if mk.exists():
            body = mk.read_text(errors="replace")
            for target in ("check", "test"):
                if re.search(rf"^{target}\s*:", body, re.M):
                    return ["make", target]
    return None


def _log_tail(path: Path, n: int = 300) -> str:
    try:
        lines = [ln.strip() for ln in path.read_text(errors="replace").splitlines()
                 if ln.strip()]
    except OSError:
        return ""
    # configure's own verdict, before the config.log that debhelper prints after it (whose
    # probes' compile errors are expected ones)
    configure = [ln for ln in lines if ln.startswith(("configure: error:", "CMake Error"))]
    if configure:
        return configure[0][:n]
    errors = [ln for ln in lines if _ERROR.search(ln)]  # not "checking for strerror"
    # make's "*** [target] Error 2" lines only say that something below failed; without a
    # better line, the first of them names the innermost target that did
    causes = [ln for ln in errors if not _MAKE_FAILED.match(ln)]
    return (causes[-1:] or errors[:1] or lines[-1:] or [""])[0][:n]


_ERROR = re.compile(r"\berror\b", re.I)
_MAKE_FAILED = re.compile(r"^(g?make(\[\d+\])?: \*\*\*|dh_auto_\w+: error: .* returned exit code)")


def rules_target(tree: Path) -> str:
    """The debian/rules target that builds the package's C and C++ (made executable): the
    architecture-dependent part where the rules file has it (indep builds are documentation,
    or cross builds: gzip's win32 flavour), else `build`."""
    rules = tree / "debian" / "rules"
    if rules.exists():
        rules.chmod(rules.stat().st_mode | 0o111)
    return "build-arch" if has_rules_target(tree, "build-arch") else "build"


def has_rules_target(tree: Path, target: str) -> bool:
    """Whether debian/rules has `target` (explicitly, or through dh's `%:` rule)."""
    rules = tree / "debian" / "rules"
    text = rules.read_text(errors="replace") if rules.exists() else ""
    return bool(re.search(rf"^({re.escape(target)}\s*:|%:)", text, re.M))


def with_architecture(argv: list[str]) -> list[str]:
    """`argv` as dpkg-buildpackage runs it: under `dpkg-architecture -c`, which exports
    DEB_HOST_ARCH_OS and the other variables first. A rules file that reads them without
    including architecture.mk (htop, socat, jdupes...) otherwise takes the branch for another
    kernel (htop's configure then required hwloc, for Hurd and kFreeBSD). The corpus and the
    projects benchmark both run debian/rules this way."""
    return ["dpkg-architecture", "-c", *argv] if shutil.which("dpkg-architecture") else argv


def build_tree(tree: Path, spool: Path, jobs: int, log: Path, target: str | None = None
               ) -> tuple[int, float]:
    """`debian/rules build` (or `target`) under capture; (exit status, seconds). Output goes
    to `log` (appended: a second target's output follows the first's)."""
    env = wrapper_env(spool)
    env["DEB_BUILD_OPTIONS"] = f"nocheck parallel={jobs}"
    env.setdefault("DEBIAN_FRONTEND", "noninteractive")
    # Debian's build daemons are not root; this builder often is, and gnulib's configure
    # (coreutils, tar) refuses root unless told.
    env.setdefault("FORCE_UNSAFE_CONFIGURE", "1")
    target = target or rules_target(tree)
    start = time.perf_counter()
    with open(log, "a") as out:
        out.write(f"$ debian/rules {target}\n")
        out.flush()
        rc = run_session(with_architecture(["debian/rules", target]), BUILD_TIMEOUT_S,
                         cwd=tree, env=env, stdout=out, stderr=subprocess.STDOUT)
    return (-1 if rc is None else rc), time.perf_counter() - start


def run_tests(tree: Path, command: list[str], spool: Path, log: Path) -> tuple[str, float]:
    """('passed' | 'failed' | 'timeout', seconds) of the package's own test command."""
    env = wrapper_env(spool)
    env.pop("DEB_BUILD_OPTIONS", None)
    start = time.perf_counter()
    with open(log, "w") as out:
        try:
            rc = run_session(with_architecture(command), TEST_TIMEOUT_S, cwd=tree, env=env,
                             stdout=out, stderr=subprocess.STDOUT)
        except OSError:
            rc = 127
    status = "timeout" if rc is None else "passed" if rc == 0 else "failed"
    return status, time.perf_counter() - start


def _own_source(path: str | Path, root: str) -> bool:
    """Whether a compiled file is the package's own: not a configure probe, and inside the
    package's tree (not a tool's file in /tmp)."""
    return not is_probe(str(path)) and str(Path(path).resolve()).startswith(root)


def package_units(records: list[dict], tree: Path) -> list[dict]:
    """The records that are the package's own code: probes and repeated builds left out."""
    kept, seen_sources = [], set()
    root = str(tree.resolve())
    for r in records:
        name = r["name"]
        if not _own_source(name, root):
            continue
        if "-m32" in r.get("arguments", ()):
            continue  # a 32-bit flavour (zlib's lib32z): the corpus is x86-64 code
        source = os.path.relpath(Path(name).resolve(), root)
        if source in seen_sources:
            continue  # the same source built again (libtool: PIC and non-PIC)
        seen_sources.add(source)
        kept.append({**r, "source_path": source})
    return kept


@dataclass
class DebianCorpus:
    """Builds packages into one corpus directory, resumably."""

    out: Path
    jobs: int = max(1, os.cpu_count() or 1)
    run_package_tests: bool = True
    fetch: bool = True  # False: the sources are already unpacked under OUT/.work/PKG
    log: object = None  # a function that prints a line to stderr

    def __post_init__(self):
        self.out = Path(self.out)
        self._say = self.log or (lambda line: print(line, file=sys.stderr))

    def done(self) -> dict[str, dict]:
        return {r["package"]: r for r in read_json_lines(self.out / PACKAGES)}

    def build(self, spec: PackageSpec) -> dict:
        """Fetch, install build dependencies, build, test and add one package; its record
        (also appended to packages.jsonl). Failures are records with a reason."""
        start = time.perf_counter()
        record = {"package": spec.name, "version": spec.version, "split":
                  spec.split_or_default(), "category": spec.category}
        work = self.out / WORK / spec.name
        try:
            if self.fetch:
                tree = fetch_source(spec, work)
                install_build_deps(spec, self.out / WORK / "apt.lock")
            else:
                trees = [d for d in work.iterdir() if (d / "debian").is_dir()] \
                    if work.exists() else []
                if not trees:
                    raise InputError(f"{work}: no unpacked source tree")
                tree = trees[0]
            # What was built (the pinned version, unless the mirror no longer serves it).
            record.update(pinned=spec.version, version=_tree_version(tree) or spec.version)
            record.update(self._build_tree(spec, tree, record))
        except InputError as e:
            record.update(status="failed", reason=str(e))
        except (OSError, subprocess.SubprocessError) as e:
            record.update(status="failed", reason=f"{type(e).__name__}: {e}"[:300])
        record["seconds"] = round(time.perf_counter() - start, 1)
        with _FileLock(self.out / WORK / "corpus.lock"):
            append_json_line(self.out / PACKAGES, record)
        return record

    def _build_tree(self, spec: PackageSpec, tree: Path, record: dict) -> dict:
        spool = self.out / WORK / spec.name / "spool"
        if spool.exists():
            shutil.rmtree(spool)  # a half-done earlier attempt: start the capture afresh
        spool.mkdir(parents=True)
        log = self.out / WORK / spec.name / "build.log"
        log.unlink(missing_ok=True)
        rc, seconds = build_tree(tree, spool, self.jobs, log)
        result = {"build_seconds": round(seconds, 1)}
        if rc == 0 and not package_units(spooled_records(spool), tree) \
                and not own_failures(spool, tree) and has_rules_target(tree, "binary-arch"):
            # Some packages compile at install time ("upstream builds and installs in one
            # go": dnsmasq), so their build target compiles nothing: build the binaries.
            self._say(f"{spec.name}: the build target compiled nothing of its own; "
                      "trying debian/rules binary-arch")
            rc, more = build_tree(tree, spool, self.jobs, log, target="binary-arch")
            result = {"build_seconds": round(seconds + more, 1),
                      "build_target": "binary-arch"}
            if rc != 0:
                return {**result, "status": "failed",
                        "reason": f"the build compiled no C/C++ of the package's own, and "
                                  f"binary-arch, tried since, failed: {_why(rc, log)}"}
        if rc != 0:
            return {**result, "status": "failed", "reason": f"build failed: {_why(rc, log)}"}
        command = test_command(tree) if self.run_package_tests else None
        if command:
            status, test_seconds = run_tests(tree, command, spool,
                                             self.out / WORK / spec.name / "test.log")
            result.update(test_command=command, test_status=status,
                          test_seconds=round(test_seconds, 1))
        records = spooled_records(spool)
        own = package_units(records, tree)
        binaries = binaries_of(own, link_records(spool))
        root = str(tree.resolve())
        if not own:
            return {**result, "status": "failed", "captured": len(records),
                    "reason": _nothing_captured(spool, tree)}
        licence = licence_of(tree)
        # Units are named PACKAGE/SOURCE_PATH (held out by package: the first component),
        # their `source` the file as it was built.
        by_name = {f"{spec.name}/{r['source_path']}": r for r in own}
        units = [Unit(name=f"{spec.name}/{r['source_path']}", ir=u.ir, source=u.source)
                 for r, u in zip(own, spooled_units(spool, own))]

        def metadata(unit: Unit) -> dict:
            r = by_name[unit.name]
            return {"package": spec.name, "version": record["version"],
                    "source_path": r["source_path"], "split": record["split"],
                    "binaries": [os.path.relpath(b, root) if b.startswith(root) else b
                                 for b in binaries.get(r["name"], [])]}

        with _FileLock(self.out / WORK / "corpus.lock"):
            summary = build_corpus(units, self.out,
                                   provenance=f"debian:{spec.name} {record['version']}",
                                   licence=licence, metadata=metadata)
        instructions = sum(r.get("ir_instructions", 0) for r in _rows_of(self.out, spec.name))
        return {**result, "status": "ok", "licence": licence, "captured": len(records),
                "units": len(own), "added": summary["added"],
                "duplicates": summary["duplicates"], "ir_instructions": instructions,
                **({"not_ir": len(summary["invalid"])} if summary["invalid"] else {})}


def _why(rc: int, log: Path) -> str:
    """Why a build failed: its time limit, or the last error its log shows."""
    return "ran past the build time limit" if rc == -1 else _log_tail(log)


def own_failures(spool: Path, tree: Path) -> list[dict]:
    """The capture errors of the package's own sources (configure probes left out)."""
    root = str(tree.resolve())
    return [e for e in capture_errors(spool) if e.get("file")
            and _own_source(Path(e.get("directory") or ".") / e["file"], root)]


def _nothing_captured(spool: Path, tree: Path) -> str:
    """Why a build that succeeded added no unit: it compiled none of the package's own C/C++,
    or clang 17 could not compile what it did (mpfr4's header uses `_Decimal64`, which gcc
    has and clang 17 has not on x86-64)."""
    failed = own_failures(spool, tree)
    if not failed:
        return "the build compiled no C/C++ of the package's own"
    return (f"clang 17 could not compile the package's own sources ({len(failed)} compiles "
            f"failed, none captured); first: {failed[0].get('error', '')}")[:300]


def _rows_of(out: Path, package: str) -> list[dict]:
    from .corpus import read_index
    return [r for r in read_index(out) if r.get("package") == package]


def _tree_version(tree: Path) -> str | None:
    changelog = tree / "debian" / "changelog"
    try:
        m = re.match(r"\S+ \(([^)]+)\)", changelog.read_text(errors="replace"))
    except OSError:
        return None
    return m.group(1) if m else None


def build_packages(specs: list[PackageSpec], corpus: DebianCorpus, parallel: int = 1,
                   ray: str | None = None, progress=None) -> list[dict]:
    """Every package not yet done, `parallel` at a time (or over a Ray cluster); the records
    of all of them, those done before included."""
    done = corpus.done()
    todo = [s for s in specs if s.name not in done]
    if corpus.fetch and todo:
        enable_deb_src(corpus._say)
        ensure_tools(corpus._say)
    records = [done[s.name] for s in specs if s.name in done]
    report = progress or (lambda i, n, phase: None)
    report(len(records), len(specs), "packages")
    if ray:
        return records + _build_on_ray(todo, corpus, ray, report, len(records), len(specs))
    from concurrent.futures import ThreadPoolExecutor, as_completed
    with ThreadPoolExecutor(max(1, parallel)) as pool:
        futures = [pool.submit(corpus.build, s) for s in todo]
        for f in as_completed(futures):
            r = f.result()
            records.append(r)
            corpus._say(f"{r['package']}: {r['status']}"
                        + (f", {r.get('added', 0)} units added" if r["status"] == "ok"
                           else f": {r.get('reason', '')}"))
            report(len(records), len(specs), "packages")
    return records


def _build_on_ray(todo, corpus: DebianCorpus, address: str, report, start: int,
                  total: int) -> list[dict]:
    """Each package built by a Ray task into OUT as that node sees it (shared storage, or
    gathered afterwards); apt runs on each node that builds."""
    import ray

    ray.init(address=None if address == "local" else address, ignore_reinit_error=True,
             log_to_driver=False)
    remote = ray.remote(_build_remote)
    records, pending = [], [remote.remote(str(corpus.out), corpus.jobs,
                                          corpus.run_package_tests, corpus.fetch, s)
                            for s in todo]
    while pending:
        ready, pending = ray.wait(pending)
        records += ray.get(ready)
        report(start + len(records), total, "packages")
    return records


def _build_remote(out: str, jobs: int, tests: bool, fetch: bool, spec: PackageSpec) -> dict:
    return DebianCorpus(Path(out), jobs=jobs, run_package_tests=tests, fetch=fetch).build(spec)
