"""Fill empty (or fuzzy) msgstr entries of a .po file from a JSON mapping of msgid -> translation.

    python tools/po_fill.py custodes/locale/cy/LC_MESSAGES/django.po translations.json

A small helper for translators working without polib; it leaves every other entry exactly as it was.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path


def _unquote(lines: list[str]) -> str:
    # PO strings escape like Python's double-quoted literals for everything gettext writes (\n, \", \\).
    return "".join(ast.literal_eval(line.strip()) for line in lines if line.strip())


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(po_text: str, translations: dict[str, str]) -> tuple[str, int]:
    blocks = po_text.split("\n\n")
    filled = 0
    for index, block in enumerate(blocks):
        lines = block.split("\n")
        try:
            start = next(i for i, line in enumerate(lines) if line.startswith("msgid "))
            middle = next(i for i, line in enumerate(lines) if line.startswith("msgstr "))
        except StopIteration:
            continue
        msgid_lines = [lines[start][len("msgid ") :], *lines[start + 1 : middle]]
        msgid = _unquote(msgid_lines)
        current = _unquote([lines[middle][len("msgstr ") :], *lines[middle + 1 :]])
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines[:start])
        if msgid in translations and (not current or fuzzy):
            head = [line for line in lines[:start] if not (line.startswith("#,") and "fuzzy" in line)]
            head += [line for line in lines[start:middle] if not line.startswith("#|")]
            blocks[index] = "\n".join([*head, "msgstr " + _quote(translations[msgid])])
            filled += 1
    return "\n\n".join(blocks), filled


if __name__ == "__main__":
    po_path, mapping_path = Path(sys.argv[1]), Path(sys.argv[2])
    text, count = fill(po_path.read_text(), json.loads(mapping_path.read_text()))
    po_path.write_text(text)
    print(f"filled {count} entries")
