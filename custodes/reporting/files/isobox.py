"""Reading ISO base media files (MP4, MOV, 3GP, M4A): boxes, and where a track's samples lie in the file.

Everything here only reads, and raises ``Damaged`` when a size or count does not fit inside its box or the file.
"""

from __future__ import annotations

from dataclasses import dataclass


class Damaged(Exception):
    pass


@dataclass(frozen=True)
class Box:
    kind: bytes
    start: int
    header: int
    end: int

    @property
    def body(self) -> int:
        return self.start + self.header


def boxes(buf: bytes | bytearray, start: int, end: int) -> list[Box]:
    """The boxes that fill ``buf[start:end]`` exactly, one level deep."""
    out: list[Box] = []
    pos = start
    while pos < end:
        if end - pos < 8:
            raise Damaged
        size, kind, header = int.from_bytes(buf[pos : pos + 4], "big"), bytes(buf[pos + 4 : pos + 8]), 8
        if size == 1:
            if end - pos < 16:
                raise Damaged
            size, header = int.from_bytes(buf[pos + 8 : pos + 16], "big"), 16
        elif size == 0:
            size = end - pos  # "to the end of the file"
        if kind == b"uuid":
            header += 16
        if size < header or pos + size > end:
            raise Damaged
        out.append(Box(kind, pos, header, pos + size))
        pos += size
    return out


def child(buf: bytes | bytearray, parent: Box, kind: bytes) -> Box:
    for box in boxes(buf, parent.body, parent.end):
        if box.kind == kind:
            return box
    raise Damaged


def u32(buf: bytes | bytearray, at: int) -> int:
    if at + 4 > len(buf):
        raise Damaged
    return int.from_bytes(buf[at : at + 4], "big")


def sample_ranges(buf: bytes | bytearray, trak: Box) -> list[tuple[int, int]]:
    """The byte ranges of a track's chunks, from its sample tables (stsz, stsc, stco or co64)."""
    stbl = child(buf, child(buf, child(buf, trak, b"mdia"), b"minf"), b"stbl")
    tables = {b.kind: b for b in boxes(buf, stbl.body, stbl.end)}
    if b"stz2" in tables:
        raise Damaged  # compact sample sizes: rare enough not to support
    sizes = _sizes(buf, tables.get(b"stsz"))
    chunk_table = tables.get(b"stco") or tables.get(b"co64")
    width = 8 if chunk_table is not None and chunk_table.kind == b"co64" else 4
    offsets = [int.from_bytes(entry, "big") for entry in _table(buf, chunk_table, width)]
    runs = _table(buf, tables.get(b"stsc"), 12)
    ranges, sample, run = [], 0, 0
    for chunk, offset in enumerate(offsets, start=1):
        while run + 1 < len(runs) and u32(runs[run + 1], 0) <= chunk:
            run += 1
        per_chunk = u32(runs[run], 4) if runs else 0
        if sample + per_chunk > len(sizes):
            raise Damaged
        length = sum(sizes[sample : sample + per_chunk])
        sample += per_chunk
        if length:
            ranges.append((offset, offset + length))
    return ranges


def _table(buf: bytes | bytearray, box: Box | None, width: int) -> list[bytes]:
    if box is None:
        raise Damaged
    count = u32(buf, box.body + 4)
    first = box.body + 8
    if first + count * width > box.end:
        raise Damaged
    return [bytes(buf[first + i * width : first + (i + 1) * width]) for i in range(count)]


def _sizes(buf: bytes | bytearray, stsz: Box | None) -> list[int]:
    if stsz is None or stsz.end - stsz.body < 12:
        raise Damaged
    fixed, count = u32(buf, stsz.body + 4), u32(buf, stsz.body + 8)
    if fixed:
        if fixed * count > len(buf):
            raise Damaged
        return [fixed] * count
    if stsz.body + 12 + count * 4 > stsz.end:
        raise Damaged
    return [u32(buf, stsz.body + 12 + i * 4) for i in range(count)]
