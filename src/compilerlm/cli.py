"""The `compilerlm` command line: the group, assembled from the command modules.

Each command lives in `commands/` with what it shares with the others in
`commands/common.py`; this module only puts them together, so nothing registers itself when
a module is imported and no library module imports the command line.
"""

from __future__ import annotations

import sys

import click

from . import __version__
from .commands import (
    autotune,
    corpus,
    dataset,
    doctor,
    flagtune,
    llm,
    measure,
    passlisteval,
)
from .commands.common import help_settings, run


@click.group("eval")
def eval_group():
    """Evaluate models on the paper's metrics: flagtune, disasm, emulate."""


eval_group.add_command(flagtune.eval_flagtune)
eval_group.add_command(llm.eval_disasm_cmd)
eval_group.add_command(llm.eval_emulate_cmd)


@click.group(context_settings=help_settings())
@click.version_option(__version__, prog_name="compilerlm")
def cli():
    """compilerlm: foundation models of compiler optimisation on LLVM 17.0.6."""


for command in (
        measure.ir, measure.size, measure.passes,
        doctor.doctor,
        passlisteval.passlisteval,
        autotune.autotune, autotune.minimize, autotune.broadcast, autotune.results,
        corpus.corpus, corpus.shims, dataset.dataset,
        flagtune.optimize, flagtune.train_predictor, eval_group,
        llm.serve, llm.train, llm.disasm, llm.emulate):
    cli.add_command(command)


def main(argv=None) -> int:
    return run(cli, argv)


if __name__ == "__main__":
    sys.exit(main())
