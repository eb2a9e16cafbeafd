"""The few exceptions compilerlm raises. Each carries a one-line message for users.

The CLI turns any `CompilerlmError` into a one-line error and a non-zero exit;
`COMPILERLM_RAISE_ERRORS=1` shows the traceback instead.
"""


class CompilerlmError(Exception):
    """Base class: something the user can fix (bad input, missing toolchain...)."""

    exit_code = 1


class ToolchainError(CompilerlmError):
    """clang-17 or libLLVM-17 is missing or unusable."""

    exit_code = 3


class InputError(CompilerlmError):
    """An input file is missing, unreadable, or not C/C++/LLVM-IR."""

    exit_code = 2


class FrontendError(CompilerlmError):
    """clang failed to turn a source file into IR."""

    exit_code = 2


class PassListError(CompilerlmError):
    """A pass list names an unknown pass or cannot be parsed."""

    exit_code = 2


class NestedPipelineError(PassListError):
    """A pipeline nests one (e.g. `repeat<2>(...)`) that cannot be flattened into a pass
    list: a valid raw pipeline for LLVM, but not a list of passes."""


def read_text_file(path) -> str:
    """A user's text file, or a one-line InputError saying why it cannot be read."""
    from pathlib import Path

    p = Path(path)
    try:
        return p.read_text()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{p}: cannot read: {e}") from e
