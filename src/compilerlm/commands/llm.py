"""`compilerlm serve` and `compilerlm train`: the LLM side."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError, read_text_file
from .common import engine_options, json_option, print_json, stderr, stdout


@click.command()
@click.option("--model", "model_spec", required=True, metavar="hf:PATH",
              help="The local transformers model to serve.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="0: any free port (printed on stderr).")
def serve(model_spec, host, port):
    """Serve a local model over an OpenAI-compatible completions API (for openai:URL)."""
    from ..llm.backends import HFBackend
    from ..llm.server import make_server

    if not model_spec.startswith("hf:"):
        raise InputError("serve takes --model hf:PATH")
    server = make_server(HFBackend(model_spec[3:]), host, port)
    h, p = server.server_address[:2]
    if not _loopback(host):
        click.echo(f"warning: --host {host} serves beyond this machine and the server has no "
                   f"authentication: anyone who reaches port {p} can use the model", err=True)
    stderr.print(f"serving {model_spec} on http://{h}:{p}/v1 (Ctrl-C stops)")
    try:
        server.serve_forever()
    finally:
        server.server_close()


def _loopback(host: str) -> bool:
    import ipaddress
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve anywhere


@click.command()
@click.argument("data", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Checkpoint directory (rerun the same command to resume).")
@click.option("--init", default=None, metavar="hf:PATH",
              help="Fine-tune this model; without it a new model is trained from scratch.")
@click.option("--steps", type=click.IntRange(1, 100_000_000), default=1000, show_default=True)
@click.option("--peak-lr", type=float, default=None,
              help="Default: 2e-5 fine-tuning (the paper's), 3e-4 from scratch.")
@click.option("--warmup-steps", type=click.IntRange(0, 100_000_000), default=1000, show_default=True)
@click.option("--final-lr-ratio", type=float, default=1 / 30, show_default=True)
@click.option("--batch-size", type=click.IntRange(1, 65_536), default=1, show_default=True)
@click.option("--grad-accum", type=click.IntRange(1, 65_536), default=1, show_default=True)
@click.option("--context", type=click.IntRange(16, 16384), default=16384, show_default=True,
              help="Tokens per example (prompt + completion), up to 16k as the paper.")
@click.option("--rope-theta", type=float, default=1e6, show_default=True)
@click.option("--hidden-size", type=click.IntRange(8, 65_536), default=256, show_default=True)
@click.option("--layers", type=click.IntRange(1, 1_024), default=4, show_default=True)
@click.option("--heads", type=click.IntRange(1, 1_024), default=4, show_default=True)
@click.option("--vocab-size", type=click.IntRange(300, 1_000_000), default=8000, show_default=True)
@click.option("--save-every", type=click.IntRange(1, 100_000_000), default=100, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--mixed-precision", type=click.Choice(["no", "bf16", "fp16"]), default="no",
              show_default=True, help="Through accelerate; bf16 on a recent GPU.")
@json_option
def train(data, output, init, steps, peak_lr, warmup_steps, final_lr_ratio, batch_size,
          grad_accum, context, rope_theta, hidden_size, layers, heads, vocab_size, save_every,
          seed, mixed_precision, as_json):
    """Train a causal LM on `compilerlm dataset` JSONL files (LLM Compiler's recipe).

    In the JSON, `seconds` is the time of the training steps (what `tokens_per_second`
    divides by), not of loading the data and the model."""
    from ..llm.train import TrainConfig
    from ..llm.train import train as run_train
    from ..progress import progress_bar

    if init is not None and not init.startswith("hf:"):
        raise InputError("--init takes hf:PATH")
    cfg = TrainConfig(data=list(data), out=str(output), init=init, steps=steps, peak_lr=peak_lr,
                      warmup_steps=warmup_steps, final_lr_ratio=final_lr_ratio,
                      batch_size=batch_size, grad_accum=grad_accum, context=context,
                      rope_theta=rope_theta, hidden_size=hidden_size, layers=layers,
                      heads=heads, vocab_size=vocab_size, save_every=save_every, seed=seed,
                      mixed_precision=mixed_precision)
    with progress_bar(enabled=not as_json) as bar:
        summary = run_train(cfg, bar)
    if as_json:
        print_json(summary)
    else:
        stdout.print(f"{summary['output']}: step {summary['steps']} (resumed from "
                     f"{summary['resumed_from']}), {summary['parameters']:,} parameters, "
                     f"loss {summary['first_loss']} -> {summary['last_loss']} on "
                     f"{summary['device']}")


def _backend(spec):
    from ..llm.backends import resolve_backend
    if not spec.startswith(("hf:", "openai:")):
        raise InputError(f"--model {spec!r}: this task needs an LLM, hf:PATH or openai:URL")
    return resolve_backend(spec)


# The LLM commands' engine: one worker by default (the model is the slow part).
_llm_engine_options = engine_options(workers=1, max_workers=64, timeout=False)


@click.command()
@click.argument("asm_file", type=click.Path(path_type=Path))
@click.option("--model", "model_spec", required=True, metavar="hf:PATH|openai:URL")
@click.option("--samples", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Best of n: the first sample whose IR round-trips wins.")
@click.option("--reference-ir", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="The true IR, for an exact-match score.")
@click.option("--max-tokens", type=click.IntRange(1, 16384), default=4096, show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the IR here when it round-trips.")
@_llm_engine_options
@json_option
def disasm(asm_file, model_spec, samples, reference_ir, max_tokens, output, engine_opts, as_json):
    """Lift x86-64 assembly to LLVM-IR with a model; check it by lowering it back.

    A failed round trip is a result (exit 0), not an error."""
    from ..llm.tasks import disassemble

    asm = read_text_file(asm_file)
    backend = _backend(model_spec)
    with engine_opts.engine() as engine:
        result = disassemble(asm, backend, engine, samples=samples, max_tokens=max_tokens,
                             reference_ir=reference_ir.read_text() if reference_ir else None)
    if output is not None and result["round_trip"]:
        output.write_text(result["ir"])
    if as_json:
        print_json(result)
    else:
        word = "[green]round trip OK[/]" if result["round_trip"] else "[red]no round trip[/]"
        stdout.print(f"{word}: BLEU {result['bleu']:.1f}, parsed {result['parsed']}, "
                     f"{result['samples']} sample(s)"
                     + (f", success at {result['success_at']}" if result["success_at"] else "")
                     + (f"; {result['error']}" if result["error"] else ""), soft_wrap=True)


@click.command()
@click.argument("input_path", metavar="INPUT")
@click.option("-p", "--passes", required=True, help="The pass list to emulate.")
@click.option("--model", "model_spec", required=True, metavar="hf:PATH|openai:URL")
@click.option("--asm", "want_asm", is_flag=True, help="Ask for assembly instead of IR.")
@click.option("--max-tokens", type=click.IntRange(1, 16384), default=4096, show_default=True)
@_llm_engine_options
@json_option
def emulate(input_path, passes, model_spec, want_asm, max_tokens, engine_opts, as_json):
    """Compiler emulation: the model's optimised code and sizes next to LLVM's."""
    from ..corpus import iter_units
    from ..llm.tasks import emulate as run_emulate

    units = list(iter_units([input_path]))
    if len(units) != 1:
        raise InputError(f"{input_path}: emulate takes one unit")
    backend = _backend(model_spec)
    with engine_opts.engine() as engine:
        result = run_emulate(units[0], passes, backend, engine,
                             want="asm" if want_asm else "ir", max_tokens=max_tokens)
    if as_json:
        print_json(result)
    else:
        stdout.print(f"answer parsed: {result['parsed_answer']}, code valid: "
                     f"{result['code_valid']}, exact match: {result['exact_match']}; "
                     f"binary size {result['predicted_binary_size']} predicted, "
                     f"{result['binary_size']} real")


def _eval_options(f):
    f = click.option("--model", "model_spec", required=True, metavar="hf:PATH|openai:URL")(f)
    f = click.option("--limit", type=click.IntRange(1, 100_000_000), default=None,
                     help="Evaluate the first N records only.")(f)
    f = click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
                     default=None, help="Write an HTML report here.")(f)
    f = click.option("--max-tokens", type=click.IntRange(1, 16384), default=4096,
                     show_default=True, help="Tokens each answer may have.")(f)
    f = _llm_engine_options(f)
    return f


def _finish_eval(result, html_path, as_json, keys):
    from ..llm.tasks import write_html
    if html_path:
        write_html(result, html_path)
        stderr.print(f"wrote {html_path}")
    if as_json:
        print_json(result)
    else:
        stdout.print(", ".join(f"{k} {result[k]}" for k in keys))


@click.command("disasm")
@click.argument("datasets", nargs=-1, required=True)
@click.option("--samples", type=click.IntRange(1, 64), default=1, show_default=True)
@_eval_options
@json_option
def eval_disasm_cmd(datasets, samples, model_spec, limit, html_path, max_tokens, engine_opts,
                    as_json):
    """Round-trip rate, BLEU and exact match on `dataset disasm` records."""
    from ..llm.tasks import dataset_records, eval_disasm
    from ..progress import progress_bar

    records = dataset_records(datasets, ("disasm",), limit)
    backend = _backend(model_spec)
    with engine_opts.engine() as engine, progress_bar(enabled=not as_json) as bar:
        result = eval_disasm(records, backend, engine, samples, bar, max_tokens=max_tokens)
    _finish_eval(result, html_path, as_json, ("records", "round_trip_pct", "parsed_pct",
                                              "exact_match_pct", "bleu_mean"))


@click.command("emulate")
@click.argument("datasets", nargs=-1, required=True)
@_eval_options
@json_option
def eval_emulate_cmd(datasets, model_spec, limit, html_path, max_tokens, engine_opts,
                     as_json):
    """Parse rate, exact match and size MAPE on `dataset emulation` records."""
    from ..llm.tasks import dataset_records, eval_emulate
    from ..progress import progress_bar

    records = dataset_records(datasets, ("emulation-ir", "emulation-asm"), limit)
    backend = _backend(model_spec)
    with engine_opts.engine() as engine, progress_bar(enabled=not as_json) as bar:
        result = eval_emulate(records, backend, engine, bar, max_tokens=max_tokens)
    _finish_eval(result, html_path, as_json, ("records", "parsed_answer_pct", "code_valid_pct",
                                              "exact_match_pct", "binary_size_mape_pct"))
