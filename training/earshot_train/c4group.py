"""Reads OpenClonk's packed groups (.ocg), the archive format its Debian package ships the game's sounds in.

A packed group is gzip with the first two magic bytes changed (1e 8c for 1f 8b). Inside, a group is a 204-byte header
(XOR 237, then bytes swapped in threes: "RedWolf Design GrpFolder", versions, entry count at byte 36), one 316-byte
entry per file (name[260], packed, child-group flag, size, reserved, offset) and then the entries' data, offsets
counted from the end of the entry table. A child group is stored inline with the same layout, uncompressed.
Layout worked out from the package's own Sound.ocg; only what reading files needs is decoded.
"""

import gzip
import struct
from collections.abc import Iterator
from pathlib import Path

HEADER, ENTRY = 204, 316
MAGIC = b"RedWolf Design GrpFolder"


def _unscramble(header: bytes) -> bytes:
    out = bytearray(b ^ 237 for b in header)
    for i in range(0, len(out) - 2, 3):
        out[i], out[i + 2] = out[i + 2], out[i]
    return bytes(out)


def _entries(data: bytes, prefix: str) -> Iterator[tuple[str, bytes]]:
    header = _unscramble(data[:HEADER])
    if not header.startswith(MAGIC):
        raise ValueError(f"not a C4Group: {prefix or 'top level'}")
    count = struct.unpack_from("<i", header, 36)[0]
    base = HEADER + ENTRY * count
    for k in range(count):
        entry = data[HEADER + ENTRY * k: HEADER + ENTRY * (k + 1)]
        name = entry[:260].split(b"\0")[0].decode("latin-1")
        _packed, child, size, _reserved, offset = struct.unpack_from("<5i", entry, 260)
        blob = data[base + offset: base + offset + size]
        if child:
            yield from _entries(blob, f"{prefix}{Path(name).stem}/")
        else:
            yield prefix + name, blob


def read_group(path: Path) -> Iterator[tuple[str, bytes]]:
    """-> (path inside the group with the .ocg suffixes of child groups dropped, file bytes) for every file."""
    raw = path.read_bytes()
    yield from _entries(gzip.decompress(b"\x1f\x8b" + raw[2:]), "")


def extract_group(path: Path, out: Path, suffixes: tuple[str, ...]) -> None:
    """Writes the group's files ending in one of suffixes under out."""
    for name, blob in read_group(path):
        if name.lower().endswith(suffixes):
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blob)
