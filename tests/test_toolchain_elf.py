"""Binary size from ELF section headers, checked against GNU size and clang's objects."""

import shutil
import struct
import subprocess

import pytest
from conftest import EXAMPLES

from compilerlm.toolchain.elf import ELFError, ObjectSize, object_size
from compilerlm.toolchain.locate import find_toolchain


def _elf64(sections):
    """A minimal ELF64 object with the given (type, flags, size) sections after the null one."""
    header = struct.Struct("<16sHHIQQQIHHHHHH")
    section = struct.Struct("<IIQQQQIIQQ")
    shoff = header.size
    entries = [(0, 0, 0)] + list(sections)
    ident = b"\x7fELF\x02\x01\x01" + bytes(9)
    data = header.pack(ident, 1, 62, 1, 0, 0, shoff, 0, header.size, 0, 0, section.size,
                       len(entries), 0)
    for sh_type, flags, size in entries:
        data += section.pack(0, sh_type, flags, 0, 0, size, 0, 0, 1, 0)
    return data


def test_berkeley_rules_on_a_synthetic_object():
    progbits, nobits = 1, 8
    alloc, write, execinstr = 2, 1, 4
    elf = _elf64([
        (progbits, alloc | execinstr, 100),  # .text
        (progbits, alloc, 40),  # .rodata counts as text
        (1879048193, alloc, 24),  # .eh_frame (SHT_X86_64_UNWIND) counts as text
        (progbits, alloc | write, 16),  # .data
        (nobits, alloc | write, 4096),  # .bss takes no disk
        (progbits, 0, 77),  # .comment: not allocated
    ])
    assert object_size(elf) == ObjectSize(text=164, data=16)
    assert object_size(elf).total == 180


def test_rejects_what_is_not_elf():
    truncated = _elf64([(1, 2, 10)] * 4)[:-100]  # the section table runs past the end
    for blob in (b"", b"\x7fELF", b"MZ" + bytes(100), b"\x7fELF\x03\x01" + bytes(60),
                 truncated):
        with pytest.raises(ELFError):
            object_size(blob)


@pytest.mark.skipif(shutil.which("size") is None, reason="GNU size (binutils) not installed")
@pytest.mark.parametrize("name", ["globals.c", "toolkit.c", "shapes.cpp"])
def test_agrees_with_gnu_size(tmp_path, name):
    tc = find_toolchain()
    obj = tmp_path / "x.o"
    compiler = tc.clangxx if name.endswith(".cpp") else tc.clang
    subprocess.run([str(compiler), "-Oz", "-c", str(EXAMPLES / name), "-o", str(obj)], check=True)
    out = subprocess.run(["size", "-B", str(obj)], capture_output=True, text=True, check=True)
    text, data, _bss = (int(x) for x in out.stdout.splitlines()[1].split()[:3])
    assert object_size(obj.read_bytes()) == ObjectSize(text=text, data=data)
