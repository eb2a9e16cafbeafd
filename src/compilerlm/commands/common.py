"""What every command shares: output for people and for scripts, engine options, errors.

A command parses its options, calls one library function and prints a readable summary, or
exactly one JSON document on stdout with `--json` (progress and logs go to stderr). Any
error ends as one line on stderr and a non-zero exit status (`run`);
`COMPILERLM_RAISE_ERRORS=1` shows the traceback instead.

    @click.command()
    @engine_options(workers=2, cache=True)
    @json_option
    def size(inputs, engine_opts, as_json):
        with engine_opts.engine() as engine: ...
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console

from ..errors import CompilerlmError

# Piped or logged output is read whole: no terminal decides its width, so nothing is cut or
# wrapped to fit 80 columns (rich and click assume 80 there). A terminal keeps its own width.
WIDE = 10_000


def _console(stream) -> Console:
    wide = not stream.isatty() and "COLUMNS" not in os.environ
    return Console(file=stream, highlight=False, width=WIDE if wide else None)


class _LazyConsole:
    """A Console on the stream that is sys.stdout/sys.stderr when first used (click's test
    runner and pytest swap them)."""

    def __init__(self, name: str):
        self.name = name

    def __getattr__(self, attr):
        return getattr(_console(getattr(sys, self.name)), attr)


stdout = _LazyConsole("stdout")
stderr = _LazyConsole("stderr")


def help_settings() -> dict:
    """click context settings: help printed whole when stdout is not a terminal."""
    settings = {"help_option_names": ["-h", "--help"]}
    if not sys.stdout.isatty() and "COLUMNS" not in os.environ:
        settings.update(max_content_width=WIDE, terminal_width=WIDE)
    return settings


def print_json(data) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=False))


class CommandFailed(CompilerlmError):
    """A command ran but its result is a failure (e.g. a pipeline that crashed LLVM)."""


class WithCompilerFlags(click.Command):
    """A command whose arguments after `--` are compiler flags for its C/C++ inputs (legacy C
    wants `-std=gnu89`, a project `-DX -Iinclude`): `compiler_flags(ctx)` gives them."""

    def parse_args(self, ctx, args):
        if "--" in args:
            i = args.index("--")
            ctx.meta["compiler_flags"] = tuple(args[i + 1:])
            args = args[:i]
        return super().parse_args(ctx, args)


def compiler_flags() -> tuple[str, ...]:
    return click.get_current_context().meta.get("compiler_flags", ())


def json_option(f):
    return click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON document on stdout (logs go to stderr).")(f)


@dataclass(frozen=True)
class EngineOptions:
    """The engine a command asked for: what `engine_options` collected."""

    workers: int
    timeout: float = 120.0
    target: str | None = None
    cache_path: Path | None = None
    use_cache: bool = True
    ray: str | None = None

    def engine(self, cache_path: Path | None = None, use_cache: bool | None = None):
        """The engine (a context manager); a command's own store may stand for the cache."""
        from ..toolchain.engine import Engine, EngineConfig
        return Engine(EngineConfig(
            workers=self.workers, timeout=self.timeout, target=self.target,
            cache_path=cache_path or self.cache_path,
            use_cache=self.use_cache if use_cache is None else use_cache, ray=self.ray))


def engine_options(*, workers: int = 1, max_workers: int = 256, timeout: bool = True,
                   target: bool = False, cache: bool = False, no_cache: bool = False,
                   ray: bool = False):
    """The engine's options, added to a command as one `engine_opts: EngineOptions`
    argument. Each command offers the ones it uses, with the same names and help."""
    def decorate(f):
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            opts = EngineOptions(
                workers=kwargs.pop("workers"), timeout=kwargs.pop("timeout", 120.0),
                target=kwargs.pop("target", None), cache_path=kwargs.pop("cache_path", None),
                use_cache=not kwargs.pop("no_cache", False), ray=kwargs.pop("ray", None))
            return f(*args, engine_opts=opts, **kwargs)

        # Applied in this order, --help lists them as before: --no-cache first, --workers last.
        g = click.option("--workers", type=click.IntRange(1, max_workers), default=workers,
                         show_default=True,
                         help="LLVM worker processes"
                              + (" (or Ray actors with --ray)." if ray else "."))(wrapper)
        if timeout:
            g = click.option("--timeout", type=click.FloatRange(0.1, 86_400), default=120.0,
                             show_default=True,
                             help="Seconds per evaluation (the paper's limit).")(g)
        if ray:
            g = click.option("--ray", default=None, metavar="local|auto|ADDRESS",
                             help="Run on Ray: start a local cluster, join the running one, "
                                  "or an address.")(g)
        if target:
            g = click.option("--target", default=None,
                             help="Target triple (default: the module's own, "
                                  "x86_64-unknown-linux-gnu from the front end; the LLVM 17 "
                                  "wheels carry only X86).")(g)
        if cache:
            g = click.option("--cache", "cache_path",
                             type=click.Path(dir_okay=False, path_type=Path), default=None,
                             help="SQLite result cache (default: ~/.cache/compilerlm/"
                                  "results.sqlite or $COMPILERLM_CACHE_DIR).")(g)
        if no_cache:
            g = click.option("--no-cache", is_flag=True, help="Measure everything afresh.")(g)
        return g
    return decorate


class Stopwatch:
    """A command's wall time, from its start: what every reported `seconds` of a command
    is, unless its help says otherwise."""

    def __init__(self):
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return round(time.perf_counter() - self.start, 2)


def fmt(value) -> str:
    return "" if value is None else str(value)


def display_path(name: str) -> str:
    try:
        return str(Path(name).resolve().relative_to(Path.cwd()))
    except ValueError:
        return name


def run(group: click.Group, argv=None) -> int:
    """Run the command line; every error becomes one line on stderr and an exit status."""
    as_json = "--json" in (argv if argv is not None else sys.argv[1:])
    try:
        return group.main(args=argv, prog_name="compilerlm", standalone_mode=False) or 0
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.Abort:
        stderr.print("aborted")
        return 130
    except click.ClickException as e:  # usage errors: one line too
        message = " ".join(e.format_message().split())
        if as_json:
            click.echo(json.dumps({"error": message}))
        click.echo(f"error: {message}", err=True)
        return e.exit_code
    except KeyboardInterrupt:
        stderr.print("interrupted")
        return 130
    except Exception as e:
        if os.environ.get("COMPILERLM_RAISE_ERRORS") == "1":
            raise
        if isinstance(e, CompilerlmError):
            message, code = str(e), e.exit_code
        elif isinstance(e, OSError):  # e.g. an unwritable output path
            message, code = f"{e.filename or ''}: {e.strerror or e}".lstrip(": "), 1
        else:
            message = f"internal error: {type(e).__name__}: {e} " \
                      f"(set COMPILERLM_RAISE_ERRORS=1 for the traceback)"
            code = 1
        message = " ".join(message.split())  # exactly one line
        if as_json and not isinstance(e, CommandFailed):
            click.echo(json.dumps({"error": message}))
        click.echo(f"error: {message}", err=True)
        return code
