"""Token counts with a Hugging Face `tokenizers` tokenizer, offline.

Give the released model's `tokenizer.json` (Code Llama's, for LLM Compiler) for exact counts.
Without one, counting still works offline: the default is `tokenizers`' own ByteLevel
pre-tokenizer (GPT-2 style splitting), an approximation that needs no downloaded file.

    counter = TokenCounter.load(None)          # or a path to tokenizer.json
    counter.count(prompt)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError


@dataclass
class TokenCounter:
    name: str
    _tokenizer: object = None
    _pre: object = None

    @classmethod
    def load(cls, path: str | None) -> "TokenCounter":
        if path:
            from tokenizers import Tokenizer
            p = Path(path)
            if p.is_dir():
                p = p / "tokenizer.json"
            if not p.exists():
                raise InputError(f"{p}: no tokenizer.json there")
            try:
                return cls(name=str(p), _tokenizer=Tokenizer.from_file(str(p)))
            except Exception as e:  # tokenizers raises its own exception types
                raise InputError(f"{p}: not a tokenizers file: {e}") from e
        from tokenizers.pre_tokenizers import ByteLevel
        return cls(name="tokenizers ByteLevel pre-tokenizer (approximate)",
                   _pre=ByteLevel(add_prefix_space=False))

    def count(self, text: str) -> int:
        if self._tokenizer is not None:
            return len(self._tokenizer.encode(text, add_special_tokens=False).ids)
        return len(self._pre.pre_tokenize_str(text))
