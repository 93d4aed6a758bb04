"""Helpers for the import tests: run ``custodes import estate`` as the console would, and read what it said."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str

    @property
    def problems(self) -> list[str]:
        """The "line N: ..." lines the command printed, in order."""
        return [line for line in self.err.splitlines() if line.startswith("line ")]


def run_import(path: Path, *options: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", "estate", str(path), *options, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"CommandError: {exc}\n")
        return Run(exc.returncode, out.getvalue(), err.getvalue())
    return Run(0, out.getvalue(), err.getvalue())


def csv_file(tmp_path: Path, text: str, *, name: str = "estate.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
