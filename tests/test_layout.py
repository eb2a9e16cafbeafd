"""The package's floors: the command line on top, no library module importing it, no two
subpackages importing each other, and the examples in the docstring and README running."""

import ast
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "src" / "compilerlm"
COMMAND_LINE = {"compilerlm.cli", "compilerlm.commands"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function, as absolute names."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)  # `from . import x`
    return {m for m in found if m == "compilerlm" or m.startswith("compilerlm.")}


def _modules() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _in_command_line(module: str) -> bool:
    return any(module == c or module.startswith(c + ".") for c in COMMAND_LINE)


def _subpackage(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) > 1 and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return None


def test_no_library_module_imports_the_command_line():
    modules = _modules()
    library = {m: deps for m, deps in modules.items() if not _in_command_line(m)}
    assert len(library) >= 60  # every module was seen, not an empty walk
    offenders = {m: sorted(d for d in deps if _in_command_line(d))
                 for m, deps in library.items()}
    assert {m: d for m, d in offenders.items() if d} == {}


def test_no_two_subpackages_import_each_other():
    edges: dict[str, set[str]] = {}
    for module, deps in _modules().items():
        src = _subpackage(module)
        if src is None or _in_command_line(module):
            continue
        for dep in deps:
            dst = _subpackage(dep)
            if dst is not None and dst != src:
                edges.setdefault(src, set()).add(dst)
    assert {"corpus", "autotune", "passlisteval", "flagtune", "llm", "prompts"} <= set(edges)
    mutual = sorted((a, b) for a in edges for b in edges[a] if a < b and a in edges.get(b, ()))
    assert mutual == []
    assert "corpus" not in edges.get("toolchain", ())  # the engine never needs the front end


def _python_block(text: str) -> str:
    """The indented example after '::' in a docstring."""
    lines = text.split("::\n", 1)[1].splitlines()
    return "\n".join(line[4:] for line in lines if line.startswith("    ") or not line.strip())


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=300)


def test_the_package_docstring_example_runs():
    import compilerlm

    r = _run(_python_block(compilerlm.__doc__))
    assert r.returncode == 0, r.stderr
    status, size, oz = r.stdout.split()
    assert status == "ok" and int(size) > 0 and int(oz) > 0


def test_the_readme_python_example_runs():
    code = re.search(r"From Python:\n\n```python\n(.*?)```", (REPO / "README.md").read_text(),
                     re.S).group(1)
    r = _run(code)
    assert r.returncode == 0, r.stderr
    status, *sizes = r.stdout.split()
    assert status == "ok" and all(int(s) > 0 for s in sizes)
