"""Audit chain benchmark on PostgreSQL (not a test: it records numbers, it does not pass or fail).

    .venv/bin/python benchmarks/audit_bench.py --database-url postgres://postgres@127.0.0.1:5432/custodes_bench

Measures, in one run on one machine:

1. Append throughput: events per second that 1, 4 and 16 writer processes achieve together through
   ``custodes.audit.record`` (each event its own transaction, as a web request writes it), with latency
   percentiles. Afterwards the chain must have no gap or fork and must verify.
2. Verification: ``custodes audit verify`` over 1,000,000 events (run as the operator runs it, in its own
   process), against the raw keyed hash: HMAC-SHA-256 over the very same canonical bytes, in memory, with no
   database, in the same run. The ratio of the two throughputs is the figure of merit (target: 0.5 or more).

The database named must be a throwaway one (its name must contain "bench"): the run migrates it and empties the
audit table. It is created if missing. Only a database on this machine (127.0.0.1) is accepted.

Results go to benchmarks/results/audit.json and audit.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Nothing from Django or the project at the top: writer processes are spawned, and import this module before
# Django is set up.

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
# A fixed key for the throwaway benchmark database only, so a loaded chain can be reused between runs. Never
# the key of a real deployment.
BENCH_AUDIT_KEY = hashlib.sha256(b"custodes benchmark key: throwaway databases only").hexdigest()
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


# --- Setting up --------------------------------------------------------------------------------------------------


def check_database_url(url: str, *, allow_any_name: bool) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit("--database-url must be a postgres:// URL")
    if parts.hostname not in LOOPBACK:
        raise SystemExit("the benchmark only talks to a database on this machine (127.0.0.1)")
    name = parts.path.lstrip("/")
    if not name or ("bench" not in name and not allow_any_name):
        raise SystemExit(f"refusing to empty the audit table of {name!r}: use a database whose name contains 'bench'")
    return name


def ensure_database(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    maintenance = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as db:
        if db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def configure_environment(url: str, var_dir: str) -> None:
    """Settings for this process and every process it starts: the benchmark database and its own keys."""
    os.environ["CUSTODES_DATABASE_URL"] = url
    os.environ["CUSTODES_AUDIT_KEY"] = BENCH_AUDIT_KEY
    os.environ["CUSTODES_VAR_DIR"] = var_dir  # any other generated key lands here, not in ./var
    os.environ["CUSTODES_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "custodes.config.settings"


def setup_django() -> None:
    import django

    django.setup()


def empty_audit_table() -> None:
    from django.db import connection

    from custodes.audit import triggers

    with connection.cursor() as cursor:
        triggers.remove(connection)
        cursor.execute("TRUNCATE audit_auditevent")
        triggers.install(connection)


# --- 1. Append throughput ----------------------------------------------------------------------------------------


def _writer(writer: int, count: int, barrier: Any, results: Any) -> None:
    """One writer process: ``count`` events, each in its own transaction, timed one by one."""
    setup_django()
    from django.db import connections

    from custodes import audit
    from custodes.audit.actors import SystemActor

    actor = SystemActor(label=f"benchmark writer {writer}")
    durations = []
    barrier.wait(timeout=300)
    started = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process on the machine
    for n in range(count):
        before = time.perf_counter()
        audit.record(
            "estate.prisoner_changed",
            actor=actor,
            target_type="estate.prisoner",
            target_id=f"A{n % 10000:04d}BC",
            establishment="WWI",
            detail={"fields": ["cell"], "writer": writer},
        )
        durations.append(time.perf_counter() - before)
    finished = time.monotonic()
    connections.close_all()
    results.put((started, finished, durations))


def append_throughput(writers: int, total: int) -> dict[str, Any]:
    import multiprocessing

    from custodes.audit import chain
    from custodes.audit.models import AuditEvent

    empty_audit_table()
    each = max(1, total // writers)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(writers), context.Queue()
    processes = [context.Process(target=_writer, args=(w, each, barrier, results)) for w in range(writers)]
    for process in processes:
        process.start()
    reports = [results.get(timeout=900) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        if process.exitcode != 0:
            raise SystemExit(f"a writer process failed (exit code {process.exitcode})")
    started = min(r[0] for r in reports)
    finished = max(r[1] for r in reports)
    durations = sorted(d for r in reports for d in r[2])
    events = each * writers

    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    verified = chain.verify()
    if seqs != list(range(1, events + 1)) or not (verified.ok and verified.count == events):
        raise SystemExit(f"the chain forked or gapped with {writers} writers: {verified}")
    return {
        "writers": writers,
        "events": events,
        "seconds": round(finished - started, 3),
        "events_per_second": round(events / (finished - started), 1),
        "latency_ms": {
            "p50": round(1000 * durations[len(durations) // 2], 2),
            "p95": round(1000 * durations[int(len(durations) * 0.95)], 2),
            "p99": round(1000 * durations[int(len(durations) * 0.99)], 2),
        },
        "chain_verified": True,
    }


# --- 2. Verification against the raw keyed hash ------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    messages: list[bytes]
    head: tuple[int, str]
    mean_message_bytes: float


_ROLES = ["investigator", "triager", "governor", "staff", "counter_corruption_lead", "reporter_liaison"]
_ACTIONS = [  # roughly what a working day records
    ("auth.sign_in", 30),
    ("auth.sign_out", 24),
    ("auth.session_expired", 6),
    ("auth.sign_in_failed", 6),
    ("auth.second_factor_failed", 2),
    ("estate.prisoner_changed", 14),
    ("estate.staff_changed", 6),
    ("estate.cell_changed", 4),
    ("accounts.role_granted", 3),
    ("accounts.updated", 3),
    ("estate.imported", 1),
    ("api.token_created", 1),
]


def _events(count: int, seed: int) -> Iterator[tuple[Any, ...]]:
    """A deterministic, plausible stream of events (fields in canonical order, without the hashes)."""
    rng = random.Random(seed)
    codes = ["".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(3)) for _ in range(120)]
    actions = [name for name, weight in _ACTIONS for _ in range(weight)]
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for _ in range(count):
        moment += dt.timedelta(microseconds=rng.randrange(1, 3_000_000))
        action = rng.choice(actions)
        code = rng.choice(codes)
        request_id = uuid.UUID(int=rng.getrandbits(128)).hex
        if action.startswith("auth.") and action != "auth.sign_in_failed":
            account = rng.randrange(1, 3000)
            actor = (account, f"user{account:04d}", f"{rng.choice(_ROLES)}@{code}")
            target = ("accounts.user", str(account))
        elif action == "auth.sign_in_failed":
            actor, target = (None, "anonymous", ""), ("", "")
        elif action == "estate.imported":
            actor, target, request_id = (None, "system", ""), ("", ""), ""
        else:
            account = rng.randrange(1, 300)
            actor = (account, f"user{account:04d}", f"{rng.choice(_ROLES)}@{code},staff@{code}")
            target = (f"estate.{action.split('.')[1].removesuffix('_changed')}", f"A{rng.randrange(10000):04d}BC")
        detail: dict[str, Any] = {
            "auth.sign_in": {"second_factor": "totp"},
            "auth.sign_out": {},
            "auth.session_expired": {"reason": rng.choice(["idle", "maximum age"])},
            "auth.sign_in_failed": {"account_exists": rng.random() < 0.7},
            "auth.second_factor_failed": {"throttled": False},
            "estate.prisoner_changed": {"fields": sorted(rng.sample(["cell", "category", "location", "name"], 2))},
            "estate.staff_changed": {"fields": ["posting"]},
            "estate.cell_changed": {"fields": ["in_use"], "in_use": rng.random() < 0.5},
            "accounts.role_granted": {"role": rng.choice(_ROLES), "scope": code},
            "accounts.updated": {"fields": ["full_name"]},
            "estate.imported": {"rows": rng.randrange(1, 5000), "file_sha256": f"{rng.getrandbits(256):064x}"},
            "api.token_created": {"scopes": ["estate:read"]},
        }[action]
        yield (moment, *actor, action, *target, code if target[0] else "", request_id, detail)


def generate_chain(count: int, seed: int = 1) -> tuple[Generated, list[tuple[Any, ...]]]:
    from custodes.audit import chain

    key = chain.audit_key()
    prev = chain.GENESIS_HASH
    messages: list[bytes] = []
    rows: list[tuple[Any, ...]] = []
    for seq, (moment, actor_id, label, roles, action, t_type, t_id, est, req, detail) in enumerate(
        _events(count, seed), start=1
    ):
        message = chain.canonical_bytes(
            seq, moment, actor_id, label, roles, action, t_type, t_id, est, req, detail, prev
        )
        digest = chain.keyed_hash(key, message)
        rows.append(
            (seq, moment, actor_id, label, roles, action, t_type, t_id, est, req, json.dumps(detail), prev, digest)
        )
        messages.append(message)
        prev = digest
    mean = sum(map(len, messages)) / len(messages)
    return Generated(messages, (count, prev), mean), rows


def load_chain(rows: list[tuple[Any, ...]]) -> None:
    """COPY the generated chain in, with the triggers lifted only for the load, then tidy the table as
    autovacuum would in a long-lived database."""
    from django.db import connection

    from custodes.audit import triggers

    empty_audit_table()
    connection.ensure_connection()
    raw = connection.connection
    columns = (
        "seq, occurred_at, actor_id, actor_label, actor_roles, action, target_type, target_id, establishment, "
        "request_id, detail, prev_hash, hash"
    )
    with raw.transaction(), raw.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        with cursor.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) audit_auditevent")
    assert triggers.installed(connection)


def raw_hash_seconds(messages: list[bytes]) -> float:
    """The baseline: HMAC-SHA-256 under the audit key over every canonical message, in memory, as fast as
    Python does it (the C function hmac.digest calls, mapped over the list)."""
    from custodes.audit import chain, pgverify

    key = chain.audit_key()
    count = len(messages)
    started = time.perf_counter()
    digests = list(map(pgverify.hmac_sha256, repeat(key, count), messages, repeat("sha256", count)))
    seconds = time.perf_counter() - started
    assert len(digests) == count
    return seconds


def raw_hash_keyed_state_seconds(messages: list[bytes]) -> float:
    """For information: the same HMAC computed by copying a prepared keyed state for each message (what
    ``hmac.new(key).copy()`` does), which skips the key set-up that each one-shot call repeats."""
    import _hashlib

    from custodes.audit import chain

    base = _hashlib.hmac_new(chain.audit_key(), digestmod="sha256")
    kind = type(base)
    count = len(messages)
    started = time.perf_counter()
    states = list(map(kind.copy, repeat(base, count)))
    list(map(kind.update, states, messages))
    digests = list(map(kind.digest, states))
    seconds = time.perf_counter() - started
    assert len(digests) == count
    return seconds


def _cpu_times() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]  # total, idle + iowait


def wait_for_quiet(min_idle: float, timeout: float = 300.0) -> float:
    """On a shared machine, wait (up to ``timeout`` seconds) until the CPUs have been at least ``min_idle`` idle
    for a second, so that a measurement is not another program's. Returns the idle fraction last seen."""
    deadline = time.monotonic() + timeout
    while True:
        total, idle = _cpu_times()
        time.sleep(1)
        total2, idle2 = _cpu_times()
        fraction = (idle2 - idle) / max(1, total2 - total)
        if fraction >= min_idle or time.monotonic() > deadline:
            return round(fraction, 2)


def run_verify_command(workers: int) -> tuple[float, dict[str, Any]]:
    """``custodes audit verify`` as an operator runs it: its own process, timed from start to exit."""
    script = Path(sys.executable).with_name("custodes")
    started = time.perf_counter()
    finished = subprocess.run(
        [str(script), "audit", "verify", "--json", "--workers", str(workers)],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    wall = time.perf_counter() - started
    if finished.returncode != 0:
        raise SystemExit(f"custodes audit verify failed: {finished.stdout} {finished.stderr}")
    return wall, json.loads(finished.stdout)


def verify_benchmark(
    events: int, rounds: int, worker_counts: list[int], reuse: bool, min_idle: float
) -> dict[str, Any]:
    from custodes.audit import chain

    started = time.perf_counter()
    generated, rows = generate_chain(events)
    generate_seconds = time.perf_counter() - started
    if reuse and chain.head() == generated.head:
        load_seconds = 0.0
        print("reusing the chain already loaded")
    else:
        started = time.perf_counter()
        load_chain(rows)
        load_seconds = time.perf_counter() - started
    del rows
    if chain.head() != generated.head:
        raise SystemExit("the loaded chain does not end where the generated one does")
    run_verify_command(1)  # warm the database's cache; not counted
    keyed_state = min(raw_hash_keyed_state_seconds(generated.messages) for _ in range(3))

    measurements: list[dict[str, Any]] = []
    for round_ in range(rounds):
        # Interleaved, so that whatever else the machine is doing weighs on both sides of each ratio alike.
        for workers in worker_counts:
            idle = wait_for_quiet(min_idle)
            before = raw_hash_seconds(generated.messages)
            wall, reported = run_verify_command(workers)
            after = raw_hash_seconds(generated.messages)
            if not (reported["ok"] and reported["count"] == events):
                raise SystemExit(f"verification failed: {reported}")
            baseline = (before + after) / 2
            measurements.append(
                {
                    "round": round_ + 1,
                    "workers": workers,
                    "idle_before": idle,
                    "raw_hash_seconds": round(baseline, 3),
                    "verify_wall_seconds": round(wall, 3),
                    "verify_reported_seconds": reported["seconds"],
                    "events_batch_checked": events - reported["reference_checked"],
                    "ratio_wall": round(baseline / wall, 3),
                    "ratio_in_command": round(baseline / reported["seconds"], 3),
                }
            )
            print(json.dumps(measurements[-1]))
    summary = {}
    for workers in worker_counts:
        mine = [m for m in measurements if m["workers"] == workers]
        best_hash = min(m["raw_hash_seconds"] for m in mine)
        best_wall = min(m["verify_wall_seconds"] for m in mine)
        best_walk = min(m["verify_reported_seconds"] for m in mine)
        summary[str(workers)] = {
            "raw_hash_events_per_second_best": round(events / best_hash),
            "verify_events_per_second_wall_best": round(events / best_wall),
            "verify_events_per_second_walk_best": round(events / best_walk),
            # Best of the rounds on each side: the least disturbed measurement of each (the usual reading of a
            # benchmark on a machine that other work shares); and the median of the per-round ratios.
            "ratio_wall_best": round(best_hash / best_wall, 3),
            "ratio_walk_best": round(best_hash / best_walk, 3),
            "ratio_wall_median": statistics.median(m["ratio_wall"] for m in mine),
            "ratio_walk_median": statistics.median(m["ratio_in_command"] for m in mine),
        }
    return {
        "events": events,
        "mean_message_bytes": round(generated.mean_message_bytes, 1),
        "generate_seconds": round(generate_seconds, 1),
        "load_seconds": round(load_seconds, 1),
        "measurements": measurements,
        "summary_by_workers": summary,
        "raw_hash_keyed_state_events_per_second": round(events / keyed_state),
    }


# --- Recording ---------------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import django
    import psycopg
    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        synchronous_commit = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "psycopg": psycopg.__version__,
        "libpq": psycopg.pq.version(),
        "postgresql": server,
        "synchronous_commit": synchronous_commit,
        "load_average_at_start": list(os.getloadavg()),
    }


def write_results(results: dict[str, Any], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "audit.json").write_text(json.dumps(results, indent=2) + "\n")
    (directory / "audit.md").write_text(markdown(results))
    print(f"wrote {directory / 'audit.json'} and {directory / 'audit.md'}")


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# Audit chain benchmark",
        "",
        f"Recorded {results['date']} by `benchmarks/audit_bench.py` (see benchmarks/README.md to run it again).",
        "",
        f"Machine: {m['cpus']} CPU cores ({m['cpu']}), {m['memory_gb']} GB memory, {m['os']}; shared with other "
        f"work while it ran (load average at the start {m['load_average_at_start'][0]:.2f}, at the end "
        f"{results['load_average_at_end'][0]:.2f}). PostgreSQL {m['postgresql']} on the same machine "
        f"(synchronous_commit {m['synchronous_commit']}), Python {m['python']}, Django {m['django']}, psycopg "
        f"{m['psycopg']} (libpq {m['libpq']}).",
        "",
    ]
    if "append" in results:
        lines += [
            "## Append throughput",
            "",
            "Writer processes calling `custodes.audit.record` as fast as they can, each event in its own transaction "
            "(commit included, as a request writes it). Writers queue on the chain lock, so throughput is bounded by "
            "one commit at a time; more writers add waiting, not events.",
            "",
            "| writers | events | seconds | events/s | latency p50 ms | p95 ms | p99 ms |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in results["append"]:
            lat = r["latency_ms"]
            lines.append(
                f"| {r['writers']} | {r['events']:,} | {r['seconds']} | {r['events_per_second']:,.0f} | "
                f"{lat['p50']} | {lat['p95']} | {lat['p99']} |"
            )
        lines += ["", "After each run the chain had no gap or fork and verified.", ""]
    if "verify" in results:
        v = results["verify"]
        lines += [
            "## Verification against the raw keyed hash",
            "",
            f"{v['events']:,} events (mean canonical message {v['mean_message_bytes']} bytes), bulk-loaded with COPY. "
            "Baseline: HMAC-SHA-256 under the same key over the same canonical bytes, in memory, no database, "
            "measured just before and just after each verification and averaged. Verification: `custodes audit "
            "verify --json --workers N` in its own process, timed from start to exit (Python and Django start-up "
            "included), and the time the command reports for the walk alone.",
            "",
            "| workers | raw hash events/s | verify events/s, whole command | verify events/s, walk only | "
            "ratio, whole command (best / median) | ratio, walk only (best / median) |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        for workers, s in v["summary_by_workers"].items():
            lines.append(
                f"| {workers} | {s['raw_hash_events_per_second_best']:,} | "
                f"{s['verify_events_per_second_wall_best']:,} | "
                f"{s['verify_events_per_second_walk_best']:,} | **{s['ratio_wall_best']:.2f}** / "
                f"{s['ratio_wall_median']:.2f} | **{s['ratio_walk_best']:.2f}** / {s['ratio_walk_median']:.2f} |"
            )
        lines += [
            "",
            "The raw hash is the one-shot HMAC (`hmac.digest`; its C function mapped over the messages), the same "
            "call verification makes for each event, so the ratio measures what reading and rendering add. For "
            "information, HMAC computed by copying a prepared keyed state for each message runs at "
            f"{v['raw_hash_keyed_state_events_per_second']:,} events/s here: see the notes.",
            "",
            'Throughputs are the best of the rounds; "best" ratios divide the best raw-hash time by the best '
            'verification time, "median" is the median of each round\'s own ratio. Target: at least 0.5. Every '
            "round, with the CPU idle fraction measured just before it, is below and in audit.json.",
            "",
            "| round | workers | idle before | raw hash s | verify s, whole command | verify s, walk only | "
            "ratio, whole command | ratio, walk only |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in v["measurements"]:
            lines.append(
                f"| {r['round']} | {r['workers']} | {r['idle_before']} | {r['raw_hash_seconds']} | "
                f"{r['verify_wall_seconds']} | {r['verify_reported_seconds']} | {r['ratio_wall']} | "
                f"{r['ratio_in_command']} |"
            )
        lines.append("")
    if results.get("notes"):
        lines += ["## Notes", "", *[f"- {note}" for note in results["notes"]], ""]
    return "\n".join(lines)


# --- Main ----------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres://... on 127.0.0.1; name must contain 'bench'")
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the chain to verify")
    parser.add_argument("--append-events", type=int, default=4000, help="events appended per writer count")
    parser.add_argument("--writers", default="1,4,16", help="comma-separated writer counts")
    parser.add_argument("--verify-workers", default="1,2", help="comma-separated `--workers` for verify")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--min-idle",
        type=float,
        default=0.9,
        help="before each verification round, wait (up to 5 minutes) until the CPUs are this idle",
    )
    parser.add_argument("--skip-append", action="store_true")
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--reuse-chain", action="store_true", help="keep a chain already loaded by an earlier run")
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    parser.add_argument("--note", action="append", default=[], help="a line for the results' notes")
    parser.add_argument("--allow-any-database-name", action="store_true")
    args = parser.parse_args(argv)

    name = check_database_url(args.database_url, allow_any_name=args.allow_any_database_name)
    ensure_database(args.database_url, name)
    with tempfile.TemporaryDirectory(prefix="custodes-bench-") as var_dir:
        configure_environment(args.database_url, var_dir)
        setup_django()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        results: dict[str, Any] = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "notes": args.note,
        }
        if not args.skip_append:
            results["append"] = []
            for writers in [int(w) for w in args.writers.split(",")]:
                outcome = append_throughput(writers, args.append_events)
                print(json.dumps(outcome))
                results["append"].append(outcome)
        if not args.skip_verify:
            workers = [int(w) for w in args.verify_workers.split(",")]
            results["verify"] = verify_benchmark(args.events, args.rounds, workers, args.reuse_chain, args.min_idle)
        results["load_average_at_end"] = list(os.getloadavg())
        write_results(results, args.results_dir)


if __name__ == "__main__":
    main()
