"""LLM backends: prompt in, n completions out, behind one interface.

    hf:PATH      a Hugging Face transformers causal LM in a local directory (safetensors
                 weights only: pickled checkpoints can run code, so they are refused)
    openai:URL   an OpenAI-compatible completions server (vLLM, llama.cpp server, llamafile,
                 `compilerlm serve`), e.g. openai:http://127.0.0.1:8000/v1

    backend = resolve_backend("hf:./tiny-model")
    texts = backend.complete(prompt, Generation(n=4, temperature=0.8, max_tokens=256))

Nothing is downloaded: a path is a local directory, a URL is the user's server.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..errors import CompilerlmError, InputError


@dataclass(frozen=True)
class Generation:
    n: int = 1
    temperature: float = 0.0  # 0: greedy
    max_tokens: int = 512
    seed: int = 0


class HFBackend:
    def __init__(self, path: str, device: str | None = None):
        p = Path(path)
        if not p.is_dir():
            raise InputError(f"hf:{path}: no such model directory")
        if not any(p.glob("*.safetensors")):
            pickled = [x.name for x in p.glob("*.bin")] + [x.name for x in p.glob("*.pt")]
            raise InputError(f"hf:{path}: no safetensors weights"
                             + (f" ({', '.join(pickled)} are pickle files, which compilerlm "
                                "never loads)" if pickled else ""))
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as e:  # pragma: no cover - installed by the README set-up
            raise CompilerlmError(f"hf backend needs torch and transformers: {e}") from e
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(p)
            self.model = AutoModelForCausalLM.from_pretrained(p, use_safetensors=True)
        except (OSError, ValueError) as e:
            raise InputError(f"hf:{path}: not a transformers checkpoint: "
                             f"{' '.join(str(e).split())[:200]}") from e
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model.to(self.device).eval()
        self.torch = torch
        self.name = f"hf:{path}"
        self.context = getattr(self.model.config, "max_position_embeddings", None)

    def complete(self, prompt: str, gen: Generation = Generation()) -> list[str]:
        torch = self.torch
        ids = self.tokenizer(prompt).input_ids
        bos = self.tokenizer.bos_token_id
        if bos is not None and (not ids or ids[0] != bos):
            # As in training (llm/train.py): <s> first. Llama's own tokenizers add it; the
            # BPE tokenizers `compilerlm train` makes do not.
            ids = [bos] + ids
        max_new = gen.max_tokens
        if self.context:
            max_new = min(max_new, self.context - len(ids))
            if max_new <= 0:
                return [""] * gen.n  # the prompt fills the model's context: an empty answer
        ids = torch.tensor([ids], device=self.device)
        torch.manual_seed(gen.seed)
        sample = gen.temperature > 0
        with torch.no_grad():
            out = self.model.generate(
                ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new,
                do_sample=sample, temperature=gen.temperature if sample else None,
                top_p=None, top_k=None, num_return_sequences=gen.n,
                pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id)
        return [self.tokenizer.decode(o[ids.shape[1]:], skip_special_tokens=True) for o in out]


class OpenAIBackend:
    def __init__(self, url: str, model: str = "default", timeout: float = 600.0):
        if not url.startswith(("http://", "https://")):
            raise InputError(f"openai:{url}: the URL must start with http:// or https://")
        self.url, self.model, self.timeout = url.rstrip("/"), model, timeout
        self.name = f"openai:{url}"

    def complete(self, prompt: str, gen: Generation = Generation()) -> list[str]:
        body = json.dumps({"model": self.model, "prompt": prompt, "n": gen.n,
                           "temperature": gen.temperature, "max_tokens": gen.max_tokens,
                           "seed": gen.seed}).encode()
        req = urllib.request.Request(f"{self.url}/completions", data=body,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                data = json.loads(resp.read())
        except urllib.error.HTTPError as e:
            raise CompilerlmError(f"{self.name}: the server answered {e.code} "
                                  f"{e.reason}") from e
        except (urllib.error.URLError, OSError) as e:
            raise CompilerlmError(f"{self.name}: cannot reach the server: "
                                  f"{getattr(e, 'reason', e)}") from e
        except ValueError:
            raise CompilerlmError(f"{self.name}: the server's answer is not JSON") from None
        try:
            choices = sorted(data["choices"], key=lambda c: c.get("index", 0))
            return [str(c.get("text", "")) for c in choices]
        except (KeyError, TypeError):
            raise CompilerlmError(f"{self.name}: not an OpenAI completions answer") from None


def resolve_backend(spec: str):
    kind, _, rest = spec.partition(":")
    if kind == "hf" and rest:
        return HFBackend(rest)
    if kind == "openai" and rest:
        return OpenAIBackend(rest)
    raise InputError(f"{spec!r}: an LLM backend is hf:PATH or openai:URL")
