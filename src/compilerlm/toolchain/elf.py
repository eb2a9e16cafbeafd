"""Code size of an ELF object file, as Berkeley `size` reports it (text + data).

LLM Compiler's binary size is `.text + .data` read the way `size` (Berkeley format) reads
an object: every allocated section counts, except NOBITS ones (.bss takes no disk);
executable or read-only ones are text (.text, .rodata, .eh_frame...), writable ones are
data. Non-allocated sections (.comment, .llvm_addrsig, .symtab, relocations) count as
neither. Parsing the section headers with `struct` takes microseconds; `llvm-size` in a
subprocess takes ~27 ms.

    sizes = object_size(elf_bytes)
    sizes.text, sizes.data, sizes.total
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 0x1, 0x2, 0x4
SHT_NOBITS = 8


class ELFError(ValueError):
    """The bytes are not an ELF object this parser understands."""


@dataclass(frozen=True)
class ObjectSize:
    text: int
    data: int

    @property
    def total(self) -> int:
        return self.text + self.data


def object_size(elf: bytes) -> ObjectSize:
    if len(elf) < 16 or elf[:4] != b"\x7fELF":
        raise ELFError("not an ELF file")
    is64 = {1: False, 2: True}.get(elf[4])
    endian = {1: "<", 2: ">"}.get(elf[5])
    if is64 is None or endian is None:
        raise ELFError("unknown ELF class or byte order")
    if is64:
        header = struct.Struct(endian + "16xHHIQQQIHHHHHH")
        section = struct.Struct(endian + "IIQQQQIIQQ")
    else:
        header = struct.Struct(endian + "16xHHIIIIIHHHHHH")
        section = struct.Struct(endian + "IIIIIIIIII")
    if len(elf) < header.size:
        raise ELFError("truncated ELF header")
    fields = header.unpack_from(elf)
    shoff, shentsize, shnum = fields[5], fields[10], fields[11]
    if shnum == 0 and shoff:
        # More than 0xff00 sections: the real count sits in section 0's sh_size.
        shnum = section.unpack_from(elf, shoff)[5]
    if shoff + shnum * shentsize > len(elf) or (shnum and shentsize < section.size):
        raise ELFError("truncated section header table")
    text = data = 0
    for i in range(shnum):
        _name, sh_type, sh_flags, _addr, _off, sh_size, *_ = section.unpack_from(
            elf, shoff + i * shentsize)
        if not sh_flags & SHF_ALLOC or sh_type == SHT_NOBITS:
            continue
        if sh_flags & SHF_EXECINSTR or not sh_flags & SHF_WRITE:
            text += sh_size
        else:
            data += sh_size
    return ObjectSize(text=text, data=data)
