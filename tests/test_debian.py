"""The Debian corpus: a local fake source package built through capture (no network), the
manifest, apt's deb-src switch, bad input; and one real small package end to end, skipped
with a message when Debian's archive cannot be reached."""

import json
import shutil
import subprocess

import pytest
from conftest import REPO, run_cli

from compilerlm.corpus import debian
from compilerlm.corpus.corpus import read_index
from compilerlm.corpus.debian import DebianCorpus, PackageSpec, build_packages, read_manifest
from compilerlm.errors import InputError

COPYRIGHT = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: fakepkg

Files: *
Copyright: 2026 Somebody
License: MIT

Files: debian/*
Copyright: 2026 Somebody Else
License: GPL-2+
"""

# A Makefile of the kind real programs have: gcc called by name, a configure-style probe, a
# source compiled twice (PIC and not, as libtool does), a static library, a test target.
MAKEFILE = """\
all: prog
probe:
\tprintf 'int main(void){return 0;}\\n' > conftest.c && gcc -c conftest.c -o conftest.o && rm -f conftest.*
util.o: util.c util.h
\tgcc -O2 -c util.c -o util.o
util.pic.o: util.c util.h
\tgcc -O2 -fPIC -c util.c -o util.pic.o
libutil.a: util.o util.pic.o
\tar rcs libutil.a util.o
prog: probe main.c libutil.a
\tgcc -O2 -c main.c -o main.o && gcc -o prog main.o libutil.a
check: prog
\ttest "$$(./prog)" = 42
"""

RULES = "#!/usr/bin/make -f\nbuild:\n\t$(MAKE)\nclean:\n\trm -f *.o *.a prog\n"


def _fake_package(out, name="fakepkg", makefile=MAKEFILE, sources=True):
    tree = out / ".work" / name / f"{name}-1.0"
    (tree / "debian").mkdir(parents=True)
    (tree / "debian" / "control").write_text(f"Source: {name}\n")
    (tree / "debian" / "changelog").write_text(f"{name} (1.0-1) unstable; urgency=low\n")
    (tree / "debian" / "copyright").write_text(COPYRIGHT)
    (tree / "debian" / "rules").write_text(RULES)
    (tree / "Makefile").write_text(makefile)
    if sources:
        (tree / "util.h").write_text("int twice(int x);\n")
        (tree / "util.c").write_text('#include "util.h"\nint twice(int x) { return 2 * x; }\n')
        (tree / "main.c").write_text('#include <stdio.h>\n#include "util.h"\n'
                                     'int main(void) { printf("%d\\n", twice(21)); return 0; }\n')
    return tree


def test_a_package_is_built_captured_and_recorded(tmp_path):
    out = tmp_path / "corpus"
    _fake_package(out)
    corpus = DebianCorpus(out, jobs=1, fetch=False, log=lambda line: None)
    [record] = build_packages([PackageSpec("fakepkg", split="test")], corpus)
    assert record["status"] == "ok", record
    assert record["version"] == "1.0-1" and record["licence"] == "MIT"
    assert record["test_command"] == ["make", "check"] and record["test_status"] == "passed"
    # conftest.c left out, util.c once although compiled twice
    assert record["units"] == record["added"] == 2 and record["captured"] >= 4
    rows = {r["source_path"]: r for r in read_index(out)}
    assert sorted(rows) == ["main.c", "util.c"]
    for path, row in rows.items():
        assert row["name"] == f"fakepkg/{path}" and row["package"] == "fakepkg"
        assert row["split"] == "test" and row["licence"] == "MIT"
        assert row["binaries"] == ["prog"]  # util.c through libutil.a
    # The LLM datasets of the corpus keep the package's split for every unit.
    r = run_cli("dataset", "disasm", out, "-o", tmp_path / "dis", "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["splits"] == {"train": 0, "validation": 0, "test": 2}
    # The card names the package, its licence and split, not the build tree's paths.
    assert summary["provenance"] == ["debian:fakepkg 1.0-1 (MIT, test)"]
    assert summary["split_tokens"]["test"] > 0 and summary["split_tokens"]["train"] == 0
    assert "by package" in (tmp_path / "dis" / "README.md").read_text()
    # Resumed: the package has a record, so nothing is built again.
    shutil.rmtree(out / ".work" / "fakepkg" / "fakepkg-1.0")
    again = build_packages([PackageSpec("fakepkg", split="test")], corpus)
    assert again == [record]


def test_a_failed_build_is_a_record_and_adds_nothing(tmp_path):
    out = tmp_path / "corpus"
    _fake_package(out, "broken", makefile="all:\n\tgcc -c util.c && false\n")
    _fake_package(out, "noc", makefile="all:\n\ttrue\n", sources=False)
    # gcc builds it, clang 17 cannot (no `_Decimal64` on x86-64: mpfr4's case)
    tree = _fake_package(out, "decimal", makefile="all:\n\tgcc -c dec.c\n", sources=False)
    (tree / "dec.c").write_text("_Decimal64 tenth(void) { return 0.1DD; }\n")
    corpus = DebianCorpus(out, jobs=1, fetch=False, log=lambda line: None)
    records = {r["package"]: r for r in build_packages(
        [PackageSpec("broken"), PackageSpec("noc"), PackageSpec("decimal")], corpus,
        parallel=2)}
    assert records["broken"]["status"] == "failed"
    assert records["broken"]["reason"].startswith("build failed")
    assert records["noc"]["status"] == "failed" and "no C/C++" in records["noc"]["reason"]
    assert records["decimal"]["status"] == "failed"
    assert records["decimal"]["reason"].startswith(
        "clang 17 could not compile the package's own sources (1 compiles failed"), records
    assert "dec.c" in records["decimal"]["reason"]
    assert not (out / "corpus.jsonl").exists() or read_index(out) == []
    lines = (out / "packages.jsonl").read_text().splitlines()
    assert len(lines) == 3


def test_a_package_that_compiles_at_install_time_is_built_by_binary_arch(tmp_path):
    """dnsmasq's rules build nothing in build-arch ("upstream builds and installs in one
    go"): the corpus builds binary-arch then, and says so in the record."""
    out = tmp_path / "corpus"
    tree = _fake_package(out, "lateinstall")
    (tree / "debian" / "rules").write_text(
        "#!/usr/bin/make -f\nbuild-arch:\n\ttrue\nbinary-arch:\n\t$(MAKE)\n"
        "clean:\n\trm -f *.o *.a prog\n")
    corpus = DebianCorpus(out, jobs=1, fetch=False, run_package_tests=False,
                          log=lambda line: None)
    [record] = build_packages([PackageSpec("lateinstall")], corpus)
    assert record["status"] == "ok", record
    assert record["build_target"] == "binary-arch" and record["units"] == 2


@pytest.mark.skipif(shutil.which("dpkg-architecture") is None, reason="needs dpkg-dev")
def test_rules_see_the_architecture_as_dpkg_buildpackage_exports_it(tmp_path):
    """htop's rules read DEB_HOST_ARCH_OS without including architecture.mk: run bare, they
    took the branch for other kernels and its configure failed on hwloc. The corpus runs
    rules with dpkg-buildpackage's variables, tests too."""
    out = tmp_path / "corpus"
    tree = _fake_package(out, "archdep")
    (tree / "debian" / "rules").write_text(
        "#!/usr/bin/make -f\nifneq (linux,$(DEB_HOST_ARCH_OS))\n"
        "$(error not Linux: DEB_HOST_ARCH_OS is '$(DEB_HOST_ARCH_OS)')\nendif\n"
        "build:\n\t$(MAKE)\noverride_dh_auto_test:\n\t$(MAKE) check\n"
        "clean:\n\trm -f *.o *.a prog\n")
    corpus = DebianCorpus(out, jobs=1, fetch=False, log=lambda line: None)
    [record] = build_packages([PackageSpec("archdep")], corpus)
    assert record["status"] == "ok", record
    assert record["test_command"] == ["debian/rules", "override_dh_auto_test"]
    assert record["test_status"] == "passed"


def test_named_packages_take_the_manifest_entry_and_only_their_failures_are_forgotten(
        tmp_path):
    """`corpus debian dnsmasq --manifest M --retry-failed`: dnsmasq alone, at the manifest's
    version and split, its failure forgotten and every other package's kept; `--rebuild`
    forgets a package's success too."""
    from compilerlm.commands.corpus import _forget_records

    manifest = [PackageSpec("bc", "1.07.1-3", split="test", category="maths"),
                PackageSpec("dnsmasq", "2.90-4", split="validation", category="networking")]
    assert debian.select_specs(["dnsmasq"], manifest) == [manifest[1]]
    assert debian.select_specs(["dnsmasq=2.91-1", "jq"], manifest) == [
        PackageSpec("dnsmasq", "2.91-1", split="validation", category="networking"),
        PackageSpec("jq")]
    assert debian.select_specs([], manifest) == manifest
    (tmp_path / "packages.jsonl").write_text("".join(json.dumps(r) + "\n" for r in [
        {"package": "bc", "status": "ok"}, {"package": "zip", "status": "failed"},
        {"package": "dnsmasq", "status": "failed"}]))
    _forget_records(tmp_path, {"dnsmasq", "bc"})
    kept = [json.loads(ln)["package"] for ln in (tmp_path / "packages.jsonl").open()]
    assert kept == ["bc", "zip"]
    _forget_records(tmp_path, {"bc"}, failed_only=False)  # --rebuild
    kept = [json.loads(ln)["package"] for ln in (tmp_path / "packages.jsonl").open()]
    assert kept == ["zip"]


def test_packages_spread_over_a_local_ray_cluster(tmp_path):
    """`corpus debian --ray local`: each package built by a Ray task in a worker process,
    the corpus's index and records written one package at a time."""
    ray = pytest.importorskip("ray")
    out = tmp_path / "corpus"
    _fake_package(out, "one")
    _fake_package(out, "two")
    corpus = DebianCorpus(out, jobs=1, fetch=False, log=lambda line: None)
    try:
        records = build_packages([PackageSpec("one"), PackageSpec("two", split="test")],
                                 corpus, ray="local")
    finally:
        ray.shutdown()
    assert sorted((r["package"], r["status"]) for r in records) == [("one", "ok"),
                                                                    ("two", "ok")]
    # Both packages have the same sources: the second to finish found its units there.
    assert sorted(r["added"] for r in records) == [0, 2]
    assert len(read_index(out)) == 2
    assert len((out / "packages.jsonl").read_text().splitlines()) == 2


def test_the_committed_manifest_is_split_by_package():
    specs = read_manifest(REPO / "corpora" / "debian" / "manifest.tsv")
    names = [s.name for s in specs]
    assert len(specs) >= 200 and len(set(names)) == len(names)
    assert all(s.version for s in specs)
    splits = {split: [s for s in specs if s.split == split] for split in debian.SPLITS}
    assert len(splits["test"]) >= 15 and len(splits["validation"]) >= 15
    assert len({s.category for s in specs}) >= 10


def test_bad_manifests_and_names(tmp_path):
    bad = tmp_path / "m.tsv"
    bad.write_text("bc\t1.0\tmaths\n")
    with pytest.raises(InputError, match="expected"):
        read_manifest(bad)
    with pytest.raises(InputError, match="not a Debian source package name"):
        PackageSpec.parse("../etc")
    assert PackageSpec.parse("bc=1.07.1-3").apt_name == "bc=1.07.1-3"


def test_files_the_archive_does_not_serve_are_named():
    """apt's last line says only "Failed to fetch some archives"; the files behind a 404 say
    why (the mirror here lacks zip's and 30 other packages' tarballs)."""
    stderr = ("Get:1 http://deb.debian.org/debian bookworm/main zip 3.0-13 (dsc) [1,905 B]\n"
              "Err:2 http://deb.debian.org/debian bookworm/main zip 3.0-13 (tar)\n"
              "  404  Not Found [IP: 203.0.113.80 80]\n"
              "E: Failed to fetch http://deb.debian.org/debian/pool/main/z/zip/"
              "zip_3.0.orig.tar.gz  404  Not Found [IP: 203.0.113.80 80]\n"
              "E: Failed to fetch some archives.\n")
    assert debian.not_served(stderr) == ["zip_3.0.orig.tar.gz"]
    assert debian.not_served("E: Failed to fetch some archives.\n") == []
    assert debian.not_served("E: Failed to fetch http://deb.debian.org/debian/pool/main/r/rc/"
                             "rc_1.7.4%2b97.gceb59bb-5.debian.tar.xz  404  Not Found\n") == [
        "rc_1.7.4+97.gceb59bb-5.debian.tar.xz"]


def test_a_failed_builds_reason_is_its_cause(tmp_path):
    """configure's verdict, not the config.log debhelper prints after it; a compiler's error,
    not make's "*** Error 2"; never a line that only contains the word (strerror)."""
    log = tmp_path / "build.log"
    log.write_text("checking for strerror... yes\nconfigure: error: can not find required "
                   "library libhwloc\nconftest.c:1:10: error: 'x' undeclared\n"
                   "make: *** [debian/rules:24: build-arch] Error 2\n")
    assert debian._log_tail(log) == "configure: error: can not find required library libhwloc"
    log.write_text("checking for strerror... yes\nmain.c:3:1: error: expected ';'\n"
                   "make[1]: *** [Makefile:9: main.o] Error 1\n"
                   "dh_auto_build: error: make -j2 returned exit code 2\n"
                   "make: *** [debian/rules:6: build-arch] Error 25\n")
    assert debian._log_tail(log) == "main.c:3:1: error: expected ';'"
    log.write_text("checking for strerror... yes\nFailed to find commonmark\n"
                   "make[1]: *** [Makefile:263: rrsync.1] Error 1\n"
                   "make: *** [debian/rules:6: build-arch] Error 25\n")
    assert debian._log_tail(log) == "make[1]: *** [Makefile:263: rrsync.1] Error 1"


def test_deb_src_is_switched_on_in_deb822_sources(tmp_path, monkeypatch):
    sources = tmp_path / "sources.list.d"
    sources.mkdir()
    (sources / "debian.sources").write_text(
        "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\n")
    monkeypatch.setattr(debian, "SOURCES_DIR", sources)
    monkeypatch.setattr(debian, "SOURCES_LIST", tmp_path / "sources.list")
    ran = []
    monkeypatch.setattr(debian, "_run", lambda argv, **kw: ran.append(argv) or
                        subprocess.CompletedProcess(argv, 0, "", ""))
    said = []
    assert debian.enable_deb_src(said.append) is True
    assert "Types: deb deb-src" in (sources / "debian.sources").read_text()
    assert ran == [["apt-get", "update", "-qq"]] and "enabled deb-src" in said[0]
    assert debian.enable_deb_src(said.append) is False  # already on: nothing to do


def _archive_reachable() -> bool:
    if shutil.which("apt-get") is None:
        return False
    try:
        debian.enable_deb_src(lambda line: None)
    except InputError:
        return False
    return debian.source_version("sl") is not None


def test_one_real_package_end_to_end(tmp_path):
    if not _archive_reachable():
        pytest.skip("Debian's source archive cannot be reached from here (apt-get source sl)")
    r = run_cli("corpus", "debian", "sl", "-o", tmp_path / "corpus", "--json")
    assert r.returncode == 0, r.stderr
    [record] = json.loads(r.stdout)["records"]
    assert record["status"] == "ok" and record["added"] >= 1, record
    assert record["licence"] and record["version"] == debian.source_version("sl")
    r = run_cli("corpus", "debian", "no-such-package-xyz", "-o", tmp_path / "corpus")
    assert r.returncode == 1 and "no-such-package-xyz" in r.stderr
    assert len([ln for ln in r.stderr.splitlines() if ln.startswith("error:")]) == 1
