"""`doctor`: is the toolchain usable, and if not, exactly why."""

from __future__ import annotations

import click

from .common import CommandFailed, json_option, print_json, stdout


@click.command()
@json_option
def doctor(as_json):
    """Check the LLVM 17 toolchain and the engine; say exactly what is wrong."""
    from ..doctor import checks_to_json, run_checks

    checks = run_checks()
    if as_json:
        print_json(checks_to_json(checks))
    else:
        for c in checks:
            mark = "[green]ok[/]  " if c.ok else "[red]FAIL[/]"
            stdout.print(f"{mark} {c.name:<11} {c.detail}", soft_wrap=True)
    failed = [c for c in checks if not c.ok]
    if failed:
        raise CommandFailed(f"{failed[0].name}: {failed[0].detail}")

