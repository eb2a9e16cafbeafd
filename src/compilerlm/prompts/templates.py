"""Prompt and answer formats, verbatim.

The prompts are the released LLM Compiler checkpoints' exact strings (Meta's demo; BOS is
added by the tokenizer). The answers' exact wording in Meta's training data is not public:
the formats below are compilerlm's, documented here and read back by `parse_*` exactly.
"""

from __future__ import annotations

import re

EMULATION_IR = ("[INST] Give the LLVM-IR for the following code when optimized using opt -p "
                "'{passes}':\n\n<code>{ir}</code>\n\nThe input code has instruction count "
                "{ir_count} and binary size {bin_size} bytes. [/INST]")
EMULATION_ASM = EMULATION_IR.replace("Give the LLVM-IR", "Give the assembly")
FLAG_TUNING = ("[INST] Tell me how to optimize this LLVM-IR for object file size:\n\n"
               "<code>{ir}</code> [/INST]")
DISASSEMBLY = "[INST] Disassemble this code to LLVM-IR:\n\n<code>{asm}</code> [/INST]"

# compilerlm's answers.
EMULATION_ANSWER = ("The output code has instruction count {ir_count} and binary size "
                    "{bin_size} bytes:\n\n<code>{code}</code>")
FLAG_TUNING_ANSWER = ("Run passes -p '{passes}' to reduce the binary size from {before} to "
                      "{after} bytes. The optimized code:\n\n<code>{code}</code>")
DISASSEMBLY_ANSWER = "<code>{ir}</code>"

_CODE = re.compile(r"<code>(.*?)</code>", re.S)
_EMU = re.compile(r"instruction count (\d+) and binary size (\d+) bytes")
_FLAG = re.compile(r"to reduce the binary size from (\d+) to (\d+) bytes")


def first_code_block(text: str) -> str | None:
    m = _CODE.search(text)
    return m.group(1) if m else None


def parse_emulation_answer(text: str) -> dict | None:
    m, code = _EMU.search(text), first_code_block(text)
    if not m or code is None:
        return None
    return {"ir_count": int(m.group(1)), "bin_size": int(m.group(2)), "code": code}


def parse_flag_tuning_answer(text: str) -> dict | None:
    """Pass list (read by the pass-list parser), sizes and code of a flag-tuning answer."""
    from ..errors import PassListError
    from ..toolchain.passes import extract_pass_list

    m, code = _FLAG.search(text), first_code_block(text)
    try:
        passes = extract_pass_list(text.split("<code>", 1)[0])
    except PassListError:  # an unknown or garbled pass list is a failed prediction
        return None
    return {"passes": passes, "before": int(m.group(1)) if m else None,
            "after": int(m.group(2)) if m else None, "code": code}
