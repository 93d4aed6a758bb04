"""``custodes seed-demo --seed N``: build the fictional demo estate and its demo accounts (see custodes.demo).

The file name has a hyphen because Django names a command after its module, and the command's published name
is ``seed-demo``; Django loads commands with importlib, which accepts it.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from custodes import audit
from custodes.demo import services
from custodes.demo.management.database import require_migrated


def _seed(value: str) -> int:
    try:
        seed = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the seed must be a whole number, not {value!r}") from None
    if not 0 <= seed <= services.SEED_MAX:
        raise argparse.ArgumentTypeError(f"the seed must be between 0 and {services.SEED_MAX}")
    return seed


def _scale(value: str) -> float:
    try:
        scale = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the scale must be a number, not {value!r}") from None
    if not 0 < scale <= 20:
        raise argparse.ArgumentTypeError("the scale must be above 0 and at most 20")
    return scale


class Command(BaseCommand):
    help = (
        "Build a deterministic fictional estate (prisons, wings, cells, about 2,000 prisoners and 600 staff) and "
        "one demo account per role, on an empty database. Running it again with the same seed reuses the estate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=_seed, default=1, help="Which fictional estate to build (default 1): same seed, same estate."
        )
        # For tests and benchmarks: a smaller (or larger) estate. Hidden because a demo wants the normal size.
        parser.add_argument("--scale", type=_scale, default=1.0, help=argparse.SUPPRESS)

    def handle(self, *args: Any, seed: int, scale: float, **options: Any) -> None:
        require_migrated()
        started = time.perf_counter()
        try:
            result = services.seed_demo(actor=audit.SYSTEM, seed=seed, scale=scale)
        except services.DemoSeedRefused as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        counts = result.counts
        summary = (
            f"{counts['establishments']} establishments, {counts['units']} units, {counts['cells']:,} cells "
            f"({counts['cells_out_of_use']} out of use), {counts['prisoners']:,} prisoners, "
            f"{counts['staff']:,} staff, {counts['accounts']} demo accounts, {counts['reports']} fictional reports"
        )
        if result.created:
            self.stdout.write(f"Built the fictional demo estate from seed {seed} in {elapsed:.1f} s: {summary}.")
        else:
            self.stdout.write(f"Reusing the demo estate already built from seed {seed}: {summary}.")
