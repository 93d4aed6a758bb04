"""A small, text-only PDF writer for the case summary in an evidence bundle.

Why not a library: the summary is headings, wrapped paragraphs and monospaced hashes on A4, nothing more, and
this is about 200 lines that depend on nothing. pypdf (a dependency already, for cleaning reports' PDFs) reads
and rewrites PDFs but does not lay out text; a layout library would be a new dependency to vet and pin for that.
It writes PDF 1.4 with the standard Helvetica, Helvetica-Bold and Courier fonts (every reader has them, nothing
is embedded), WinAnsi (cp1252) text, one Flate-compressed content stream per page, and an exact cross-reference
table. cp1252 has most accented letters, Welsh's â ê î ô û among them; a letter it lacks is written without its
accent (ŵ as w, ŷ as y), and anything else as "?".
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89  # A4 in points
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 56.0, 64.0, 64.0
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

REGULAR, BOLD, MONO = "F1", "F2", "F3"
_BASE_FONTS = {REGULAR: "Helvetica", BOLD: "Helvetica-Bold", MONO: "Courier"}

# Helvetica advance widths (thousandths of the font size) for the printable ASCII range, from the standard AFM.
_HELVETICA = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]  # fmt: skip
_BOLD_FACTOR = 1.1  # Helvetica-Bold is a little wider; erring wide only makes a line wrap sooner
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _char_width(char: str, font: str) -> float:
    if font == MONO:
        return 600
    code = ord(char)
    width = _HELVETICA[code - 32] if 32 <= code <= 126 else 667
    return width * (_BOLD_FACTOR if font == BOLD else 1.0)


def text_width(text: str, font: str, size: float) -> float:
    return sum(_char_width(char, font) for char in text) * size / 1000


def wrap(text: str, font: str, size: float, width: float = TEXT_WIDTH) -> list[str]:
    """Break ``text`` into lines no wider than ``width``; a word longer than a line is cut."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, font, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while text_width(word, font, size) > width:
                cut = len(word)
                while cut > 1 and text_width(word[:cut], font, size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _winansi(char: str) -> bytes:
    try:
        return char.encode("cp1252")
    except UnicodeEncodeError:
        # The base letter, if the character is one with an accent cp1252 lacks (ŵ, ŷ, ā, ...); else "?".
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        return base.encode("cp1252", errors="replace") if base else b"?"


def _pdf_string(text: str) -> bytes:
    raw = b"".join(_winansi(char) for char in _CONTROL.sub(" ", text))
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


@dataclass(frozen=True)
class _Line:
    text: str
    font: str
    size: float
    indent: float
    gap_before: float


class Document:
    """Add headings, paragraphs and key-value rows in order; ``render()`` lays them out on pages."""

    def __init__(self, *, title: str, footer: str) -> None:
        self.title = title
        self.footer = footer
        self._lines: list[_Line] = []

    def heading(self, text: str, *, level: int = 2) -> None:
        size = {1: 16.0, 2: 13.0, 3: 11.0}[level]
        gap = 4.0 if not self._lines else {1: 14.0, 2: 12.0, 3: 8.0}[level]
        self._add(text, BOLD, size, gap_before=gap)

    def paragraph(self, text: str, *, font: str = REGULAR, size: float = 10.0, indent: float = 0.0) -> None:
        self._add(text, font, size, indent=indent, gap_before=3.0)

    def field(self, label: str, value: str, *, mono: bool = False) -> None:
        """A "Label: value" row; the value wraps under itself, indented."""
        self._add(f"{label}:", BOLD, 9.5, gap_before=2.0)
        self._add(value or "-", MONO if mono else REGULAR, 9.0 if mono else 10.0, indent=14.0)

    def _add(self, text: str, font: str, size: float, *, indent: float = 0.0, gap_before: float = 0.0) -> None:
        for index, line in enumerate(wrap(text, font, size, TEXT_WIDTH - indent)):
            self._lines.append(_Line(line, font, size, indent, gap_before if index == 0 else 0.0))

    def _pages(self) -> list[list[tuple[_Line, float]]]:
        pages: list[list[tuple[_Line, float]]] = [[]]
        y = PAGE_HEIGHT - MARGIN_TOP
        for line in self._lines:
            step = line.gap_before + line.size * 1.25
            if y - step < MARGIN_BOTTOM and pages[-1]:
                pages.append([])
                y = PAGE_HEIGHT - MARGIN_TOP
                step = line.size * 1.25
            y -= step
            pages[-1].append((line, y))
        return pages

    def render(self, *, created: datetime | None = None) -> bytes:
        pages = self._pages()
        objects: list[bytes] = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"",  # the page tree, filled in below once the pages' object numbers are known
            *(
                f"<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>".encode()
                for name in _BASE_FONTS.values()
            ),
            self._info(created or datetime.now(UTC)),
        ]
        fonts = " ".join(f"/{key} {3 + i} 0 R" for i, key in enumerate(_BASE_FONTS))
        kids = []
        for number, page in enumerate(pages, start=1):
            stream = zlib.compress(self._content(page, number, len(pages)))
            objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
            content_ref = len(objects)
            objects.append(
                (
                    f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
                    f"/Resources << /Font << {fonts} >> >> /Contents {content_ref} 0 R >>"
                ).encode()
            )
            kids.append(f"{len(objects)} 0 R")
        objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
        return _serialise(objects, info_ref=6)

    def _info(self, created: datetime) -> bytes:
        stamp = created.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")
        return (
            b"<< /Title "
            + _pdf_string(self.title)
            + b" /Producer (Custodes) /CreationDate "
            + _pdf_string(stamp)
            + b" >>"
        )

    def _content(self, page: list[tuple[_Line, float]], number: int, total: int) -> bytes:
        parts = []
        for line, y in page:
            parts.append(
                b"BT /%s %.1f Tf %.2f %.2f Td %s Tj ET"
                % (line.font.encode(), line.size, MARGIN_X + line.indent, y, _pdf_string(line.text))
            )
        footer = f"{self.footer} - page {number} of {total}"
        parts.append(b"BT /%s 8 Tf %.2f %.2f Td %s Tj ET" % (REGULAR.encode(), MARGIN_X, 36.0, _pdf_string(footer)))
        return b"\n".join(parts) + b"\n"


def _serialise(objects: list[bytes], *, info_ref: int) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(objects) + 1, info_ref)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)
