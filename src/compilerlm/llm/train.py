"""`compilerlm train`: fine-tune a causal LM, or train a small one from scratch, on datasets
made by `compilerlm dataset` (JSONL records with `prompt` and `completion`).

Defaults are LLM Compiler's recipe (paper, section 4): AdamW with betas (0.9, 0.95), a
cosine schedule with 1,000 warm-up steps down to a final rate of peak / 30, peak 2e-5 when
fine-tuning, RoPE base 1e6; the loss is on the completion only. Every value is an option. A
from-scratch model is a Llama-style decoder with a byte-level BPE tokenizer trained on the
data by `tokenizers`. Devices through Hugging Face accelerate: one CPU, one GPU, or several
with `accelerate launch -m compilerlm.cli train ...` (data parallel; each process takes its own
share of every step's examples).

Checkpoints are resumable: OUT holds the model and tokenizer (safetensors), the optimizer
and schedule state (`trainer_state.pt`, tensors only, loaded with weights_only) and
`trainer_state.json` (step, config); rerunning the same command continues from the last
saved step. `OUT/log.jsonl` records the loss of every step.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import InputError

SPECIALS = ("<s>", "</s>", "<pad>")


@dataclass
class TrainConfig:
    data: list[str]
    out: str
    init: str | None = None  # hf:PATH to fine-tune; None: a new model
    steps: int = 1000
    peak_lr: float | None = None  # default: 2e-5 fine-tuning, 3e-4 from scratch
    warmup_steps: int = 1000
    final_lr_ratio: float = 1 / 30
    betas: tuple[float, float] = (0.9, 0.95)
    weight_decay: float = 0.1
    batch_size: int = 1
    grad_accum: int = 1
    context: int = 16384
    rope_theta: float = 1e6
    hidden_size: int = 256
    layers: int = 4
    heads: int = 4
    vocab_size: int = 8000
    save_every: int = 100
    seed: int = 0
    mixed_precision: str = "no"  # accelerate's: no, bf16, fp16
    extra: dict = field(default_factory=dict)

    @property
    def lr(self) -> float:
        return self.peak_lr if self.peak_lr is not None else (2e-5 if self.init else 3e-4)


def training_records(paths) -> list[dict]:
    """(prompt, completion) of every record of the given dataset files or directories."""
    from ..prompts.build import read_records

    records = []
    for i, r in enumerate(read_records(paths)):
        if "prompt" not in r or "completion" not in r:
            raise InputError(f"record {i + 1}: a record needs prompt and completion")
        records.append({"prompt": r["prompt"], "completion": r["completion"]})
    if not records:
        raise InputError("no records to train on")
    return records


def lr_factor(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up to the peak, then cosine down to final_lr_ratio x peak at cfg.steps."""
    if step < cfg.warmup_steps:
        return (step + 1) / cfg.warmup_steps
    span = max(1, cfg.steps - cfg.warmup_steps)
    progress = min(1.0, (step - cfg.warmup_steps) / span)
    return cfg.final_lr_ratio + (1 - cfg.final_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


def _new_tokenizer(records, vocab_size: int):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator((r["prompt"] + r["completion"] for r in records),
                            trainers.BpeTrainer(vocab_size=vocab_size,
                                                special_tokens=list(SPECIALS),
                                                initial_alphabet=pre_tokenizers.ByteLevel
                                                .alphabet()))
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>",
                                   pad_token="<pad>")


def _new_model(cfg: TrainConfig, tokenizer):
    from transformers import LlamaConfig, LlamaForCausalLM

    return LlamaForCausalLM(LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=cfg.hidden_size,
        intermediate_size=4 * cfg.hidden_size, num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads, num_key_value_heads=cfg.heads,
        max_position_embeddings=cfg.context, rope_theta=cfg.rope_theta,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id))


def _examples(records, tokenizer, context: int):
    """(input ids, labels) with the prompt masked out; truncated to the context."""
    out = []
    for r in records:
        p = tokenizer(r["prompt"], add_special_tokens=False).input_ids
        c = tokenizer(r["completion"], add_special_tokens=False).input_ids
        ids = ([tokenizer.bos_token_id] + p + c + [tokenizer.eos_token_id])[:context]
        labels = ([-100] * (1 + len(p)) + c + [tokenizer.eos_token_id])[:context]
        if any(x != -100 for x in labels[1:]):
            out.append((ids, labels))
    if not out:
        raise InputError(f"every record's prompt fills the {context}-token context: raise "
                         "--context")
    return out


def train(cfg: TrainConfig, progress=None) -> dict:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    state_file = out / "trainer_state.json"
    records = training_records(cfg.data)
    random.Random(cfg.seed).shuffle(records)
    torch.manual_seed(cfg.seed)
    start_step = 0
    if state_file.exists():  # resume
        state = json.loads(state_file.read_text())
        start_step = state["step"]
        tokenizer = AutoTokenizer.from_pretrained(out)
        model = AutoModelForCausalLM.from_pretrained(out, use_safetensors=True)
    elif cfg.init:
        from .backends import HFBackend
        base = HFBackend(cfg.init.removeprefix("hf:"))
        tokenizer, model = base.tokenizer, base.model
    else:
        tokenizer = _new_tokenizer(records, cfg.vocab_size)
        model = _new_model(cfg, tokenizer)
    from accelerate import Accelerator

    acc = Accelerator(mixed_precision=cfg.mixed_precision)
    device = acc.device
    model.train()
    examples = _examples(records, tokenizer, cfg.context)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, betas=tuple(cfg.betas),
                            weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: lr_factor(s, cfg))
    if start_step:
        saved = torch.load(out / "trainer_state.pt", weights_only=True, map_location="cpu")
        opt.load_state_dict(saved["optimizer"])
        sched.load_state_dict(saved["scheduler"])
    model, opt = acc.prepare(model, opt)

    def save(step: int) -> None:
        acc.wait_for_everyone()
        if not acc.is_main_process:
            return
        acc.unwrap_model(model).save_pretrained(out, safe_serialization=True)
        tokenizer.save_pretrained(out)
        torch.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()},
                   out / "trainer_state.pt")
        state_file.write_text(json.dumps({"step": step, "config": asdict(cfg)}, indent=1))

    log = (out / "log.jsonl").open("a") if acc.is_main_process else None
    losses, tokens, started = [], 0, time.perf_counter()
    for step in range(start_step, cfg.steps):
        opt.zero_grad()
        total = 0.0
        for micro in range(cfg.grad_accum):
            base = ((step * cfg.grad_accum + micro) * acc.num_processes
                    + acc.process_index) * cfg.batch_size
            batch = [examples[(base + j) % len(examples)] for j in range(cfg.batch_size)]
            width = max(len(ids) for ids, _ in batch)
            ids = torch.tensor([x + [tokenizer.pad_token_id] * (width - len(x)) for x, _ in batch])
            labels = torch.tensor([y + [-100] * (width - len(y)) for _, y in batch])
            mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x, _ in batch])
            loss = model(input_ids=ids.to(device), attention_mask=mask.to(device),
                         labels=labels.to(device)).loss / cfg.grad_accum
            acc.backward(loss)
            total += float(loss.detach())
            tokens += int(mask.sum())
        acc.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        losses.append(total)
        if log is not None:
            log.write(json.dumps({"step": step + 1, "loss": round(total, 6),
                                  "lr": sched.get_last_lr()[0]}) + "\n")
            log.flush()
        if (step + 1) % cfg.save_every == 0 or step + 1 == cfg.steps:
            save(step + 1)
        if progress:
            progress(step + 1, cfg.steps, "training steps")
    elapsed = max(1e-9, time.perf_counter() - started)
    if log is not None:
        log.close()
    if start_step >= cfg.steps:
        save(start_step)
    return {"output": str(out), "steps": cfg.steps, "resumed_from": start_step,
            "examples": len(examples), "parameters": sum(p.numel() for p in model.parameters()),
            "first_loss": losses[0] if losses else None,
            "last_loss": losses[-1] if losses else None, "device": str(device),
            "processes": acc.num_processes,
            "peak_lr": cfg.lr, "mixed_precision": cfg.mixed_precision,
            "seconds": round(elapsed, 1), "tokens_per_second": round(tokens / elapsed, 1)}
