"""`doctor`: is the toolchain usable, and if not, exactly why."""

from __future__ import annotations

import click

from .common import CommandFailed, json_option, print_json, stdout


@click.command()
@click.option("--warm", is_flag=True,
              help="Also build PassListEval's built-in suite into the cache (its 64 "
                   "programs' IR and reference runs), so the first `optimize` does not wait "
                   "for them.")
@json_option
def doctor(warm, as_json):
    """Check the LLVM 17 toolchain and the engine; say exactly what is wrong."""
    from ..doctor import checks_to_json, run_checks, warm_suite

    checks = run_checks()
    if warm and all(c.ok for c in checks):
        checks.append(warm_suite())
    if as_json:
        print_json(checks_to_json(checks))
    else:
        for c in checks:
            mark = "[green]ok[/]  " if c.ok else "[red]FAIL[/]"
            stdout.print(f"{mark} {c.name:<11} {c.detail}", soft_wrap=True)
    failed = [c for c in checks if not c.ok]
    if failed:
        raise CommandFailed(f"{failed[0].name}: {failed[0].detail}")

