"""Scale benchmark on PostgreSQL: the case work pages over a national-scale dataset (not a test: it records numbers).

    .venv/bin/python benchmarks/scale_bench.py --database-url postgres://postgres@127.0.0.1:5432/custodes_scale_bench

1. Generates the dataset of issue 4 (benchmarks/scale_data.py): 120 establishments, 1,000,000 reports, 200,000
   cases and 10,000,000 audit events by default (each size a parameter), bulk-loaded with COPY, with a valid audit
   chain; ``--reuse`` keeps a dataset an earlier run loaded with the same sizes.
2. Measures p50 and p95 (and more) of the triage queue, the case list, a case page, searches and the lead's
   dashboard, as a counter-corruption lead and as an investigator, each page requested SAMPLES times through the
   Django test client (the whole middleware stack, sessions in the database, a case page's audited reading), one
   request at a time; the API's equivalents too. Also each page's query count and its slowest query.
3. Does so in the passes ``--passes`` names: PostgreSQL's defaults; JIT off (what Custodes' settings ask of every
   session); JIT off with any further indexes PROPOSED_INDEXES lists (built for that pass, dropped again after).
   The recorded results name the passes they measured.

The database must be a throwaway one whose name contains "bench" (it is dropped and created afresh unless
``--reuse``), on 127.0.0.1. Results go to benchmarks/results/scale.json and scale.md.
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
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT))


def _key(label: str) -> str:
    return hashlib.sha256(f"custodes scale benchmark: {label} (throwaway databases only)".encode()).hexdigest()


# Fixed keys for the throwaway database only, so a loaded dataset can be reused by a later run (its data keys
# unwrap and its audit chain verifies). Never the keys of a real deployment.
BENCH_ENVIRONMENT = {
    "CUSTODES_SECRET_KEY": _key("secret"),
    "CUSTODES_AUDIT_KEY": _key("audit"),
    "CUSTODES_LOOKUP_KEY": _key("lookup"),
    "CUSTODES_DATA_KEYS": "kbench:" + __import__("base64").b64encode(bytes.fromhex(_key("data"))).decode(),
    "CUSTODES_BUNDLE_SIGNING_KEY": _key("signing"),
    "CUSTODES_LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "custodes.config.settings",
}

# Indexes to try beside those in the migrations: each pass named "indexes" builds them first and drops them after.
# Empty now: the six this benchmark proposed in its first recorded run are in the migrations (cases 0002,
# reporting 0004), with the figures that justified them in results/scale.md. Add candidates here to measure them.
PROPOSED_INDEXES: dict[str, str] = {}
PASSES = {
    "defaults": "PostgreSQL's default of JIT on, the indexes in the migrations",
    "jit-off": "JIT off, as Custodes' settings now ask of every session; the indexes in the migrations",
    "indexes": "JIT off, and the proposed indexes (PROPOSED_INDEXES)",
}


# --- Setting up --------------------------------------------------------------------------------------------------


def prepare_database(url: str, *, reuse: bool) -> str:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql") or parts.hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit("the benchmark only talks to PostgreSQL on this machine (postgres://...@127.0.0.1/...)")
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: use a database whose name contains 'bench'")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as db:
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and reuse:
            return name
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def configure(url: str, var_dir: Path) -> None:
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(BENCH_ENVIRONMENT, CUSTODES_DATABASE_URL=url, CUSTODES_VAR_DIR=str(var_dir))
    import django

    django.setup()


def _marker() -> dict[str, Any] | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS scale_bench_marker (loaded jsonb NOT NULL)")
        cursor.execute("SELECT loaded FROM scale_bench_marker")
        row = cursor.fetchone()
    if row is None:
        return None
    value = row[0]
    return json.loads(value) if isinstance(value, str) else value


def _write_marker(loaded: dict[str, Any]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM scale_bench_marker")
        cursor.execute("INSERT INTO scale_bench_marker (loaded) VALUES (%s)", [json.dumps(loaded)])


def load_or_reuse(sizes: Any, *, seed: int, reuse: bool) -> dict[str, Any]:
    from django.core.management import call_command

    from benchmarks import scale_data

    call_command("migrate", verbosity=0)
    marker = _marker()
    if reuse and marker is not None and marker["sizes"] == asdict(sizes) and marker["seed"] == seed:
        print("reusing the dataset already loaded")
        return {**marker, "reused": True}
    if marker is not None:
        raise SystemExit("the database holds another dataset: run without --reuse to start afresh")
    print(f"loading {sizes}")
    started = time.perf_counter()
    loaded = scale_data.load(sizes, seed=seed)
    record = {
        "sizes": asdict(sizes),
        "seed": seed,
        "rows": loaded.rows,
        "seconds": loaded.seconds,
        "total_seconds": round(time.perf_counter() - started, 1),
        "audit_head": list(loaded.audit_head),
        "loaded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    _write_marker(record)
    return {**record, "reused": False}


# --- Measuring ---------------------------------------------------------------------------------------------------


def _client(username: str) -> Any:
    from custodes.accounts.models import User
    from custodes.testing.personas import signed_in_client

    return signed_in_client(User.objects.get(username=username))


def _targets(rng: random.Random, username: str, count: int) -> dict[str, list[str]]:
    """Addresses to cycle through for pages about one thing: cases the persona may see, search words, numbers."""
    from custodes.accounts.models import User
    from custodes.cases.models import CaseSubject
    from custodes.core import policy

    user = User.objects.get(username=username)
    visible = policy.visible(user, "cases.view_case")
    total = visible.count()
    offsets = sorted(rng.sample(range(total), min(count, total)))
    references = [visible.order_by("pk").values_list("reference", flat=True)[offset] for offset in offsets]
    titles = list(visible.order_by("?").values_list("title", flat=True)[: max(10, count // 10)])
    words = [f"{title.split(' at ')[0].split()[0]} {title.split(' at ')[1][:3]}" for title in titles]
    numbers = list(
        CaseSubject.objects.filter(case__in=visible.order_by("?")[:count], staff_member__isnull=False).values_list(
            "staff_member__staff_number", flat=True
        )
    )
    return {"reference": references, "words": words, "number": numbers or ["ZS000001"]}


def _pages(targets: dict[str, list[str]], lead: bool) -> list[tuple[str, Any]]:
    def cycle(key: str, template: str) -> Any:
        values = targets[key]
        return lambda n: template.format(values[n % len(values)])

    pages: list[tuple[str, Any]] = []
    if lead:
        pages.append(("triage queue", lambda n: "/triage/"))
    pages += [
        ("case list", lambda n: "/cases/"),
        ("case page", cycle("reference", "/cases/{}")),
        ("search: title words", cycle("words", "/cases/?text={}")),
        ("search: subject's number", cycle("number", "/cases/?subject={}")),
    ]
    if lead:
        pages.append(("lead dashboard", lambda n: "/dashboard/"))
    pages += [("API: case list", lambda n: "/api/v1/cases"), ("API: a case", cycle("reference", "/api/v1/cases/{}"))]
    if lead:
        pages += [("API: triage queue", lambda n: "/api/v1/triage"), ("API: dashboard", lambda n: "/api/v1/dashboard")]
    return pages


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _profile(client: Any, path: str) -> dict[str, Any]:
    """One request with every query timed: how many, and the slowest."""
    from django.db import connection

    timings: list[tuple[float, str]] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - started, sql))

    with connection.execute_wrapper(timer):
        client.get(path)
    slowest = max(timings, default=(0.0, ""))
    return {"queries": len(timings), "slowest_query_ms": round(slowest[0] * 1000, 1), "slowest_query": slowest[1][:600]}


def measure(username: str, *, lead: bool, samples: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    client = _client(username)
    targets = _targets(rng, username, samples)
    rows = []
    for name, address in _pages(targets, lead):
        for n in range(5):  # warm the caches (the database's and Python's)
            response = client.get(address(n))
            if response.status_code != 200:
                raise SystemExit(f"{username} {name} {address(n)} answered {response.status_code}")
        durations = []
        for n in range(samples):
            started = time.perf_counter()
            response = client.get(address(n))
            durations.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{username} {name} {address(n)} answered {response.status_code}")
        row = {
            "persona": username,
            "page": name,
            "samples": samples,
            "p50_ms": round(statistics.median(durations), 1),
            "p95_ms": round(_percentile(durations, 0.95), 1),
            "p99_ms": round(_percentile(durations, 0.99), 1),
            "max_ms": round(max(durations), 1),
            "mean_ms": round(statistics.fmean(durations), 1),
            **_profile(client, address(0)),
        }
        print(json.dumps({k: v for k, v in row.items() if k != "slowest_query"}), flush=True)
        rows.append(row)
    return rows


def configure_pass(name: str, database: str) -> float:
    """Set the database up for one pass: JIT on or off (Custodes' settings ask for it off in each session's
    options; the next connection takes what is set here), the proposed indexes there or not. Returns the seconds
    spent building indexes."""
    from django.db import connection

    started = time.perf_counter()
    connection.settings_dict["OPTIONS"]["options"] = f"-c jit={'on' if name == 'defaults' else 'off'}"
    with connection.cursor() as cursor:
        for index, definition in PROPOSED_INDEXES.items():
            if name == "indexes":
                cursor.execute(f"CREATE INDEX IF NOT EXISTS {index} {definition}")
            else:
                cursor.execute(f"DROP INDEX IF EXISTS {index}")
        cursor.execute("ANALYZE reporting_report")
        cursor.execute("ANALYZE cases_case")
        cursor.execute("ANALYZE cases_outcome")
    connection.close()
    return round(time.perf_counter() - started, 1)


# --- Recording ---------------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": server,
        "shared_buffers": buffers,
        "database_size": size,
        "load_average_at_start": list(os.getloadavg()),
    }


def markdown(results: dict[str, Any]) -> str:
    m, data = results["machine"], results["dataset"]
    rows = data["rows"]
    lines = [
        "# Scale benchmark",
        "",
        f"Recorded {results['date']} by `benchmarks/scale_bench.py --passes "
        f"{','.join(one['name'] for one in results['passes'])} --samples {results['samples']}` "
        "(see benchmarks/README.md).",
        "",
        f"Machine: {m['cpus']} CPU cores, {m['memory_gb']} GB; {m['os']}; PostgreSQL {m['postgresql'].split()[0]} "
        f"(shared_buffers {m['shared_buffers']}) on the same machine; Python {m['python']}, Django {m['django']}. "
        f"Database size after loading: {m['database_size']}.",
        "",
        "## Dataset",
        "",
        f"{'Reused from an earlier run' if data['reused'] else 'Generated and loaded in this run'} "
        f"(seed {data['seed']}; load took {data['total_seconds']:,} s):",
        "",
        "| what | rows | seconds |",
        "|---|---:|---:|",
    ]
    for name, count in rows.items():
        lines.append(f"| {name} | {count:,} | {data['seconds'].get(name, '')} |")
    for name, seconds in data["seconds"].items():
        if name not in rows:
            lines.append(f"| {name} | | {seconds} |")
    for one in results["passes"]:
        lines += [
            "",
            f"## Pass `{one['name']}`: {one['description']}",
            "",
            f"{results['samples']} requests per page, one at a time, through the Django test client."
            + (f" Building the proposed indexes took {one['index_seconds']} s." if one["name"] == "indexes" else ""),
            "",
            "| persona | page | p50 ms | p95 ms | p99 ms | max ms | queries | slowest query ms |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in one["measurements"]:
            flag = " **(over 200)**" if r["p95_ms"] > 200 else ""
            lines.append(
                f"| {r['persona']} | {r['page']} | {r['p50_ms']} | {r['p95_ms']}{flag} | {r['p99_ms']} | "
                f"{r['max_ms']} | {r['queries']} | {r['slowest_query_ms']} |"
            )
    if results["proposed_indexes"]:
        lines += ["", "## The proposed indexes", ""] + [f"- `{sql}`" for sql in results["proposed_indexes"].values()]
    if results.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {note}" for note in results["notes"]]
    return "\n".join(lines) + "\n"


def write_results(results: dict[str, Any], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "scale.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (directory / "scale.md").write_text(markdown(results))
    print(f"wrote {directory / 'scale.json'} and {directory / 'scale.md'}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/custodes_scale_bench")
    parser.add_argument("--establishments", type=int, default=120)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--audit-events", type=int, default=10_000_000)
    parser.add_argument("--samples", type=int, default=100, help="timed requests per page and persona")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep a dataset already loaded with the same sizes")
    parser.add_argument(
        "--passes", default="defaults,jit-off", help=f"which of {', '.join(PASSES)} to measure, comma-separated"
    )
    parser.add_argument("--var-dir", type=Path, default=ROOT / "var" / "scale-bench")
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    parser.add_argument("--note", action="append", default=[], help="a line for the results' notes")
    args = parser.parse_args(argv)

    database = prepare_database(args.database_url, reuse=args.reuse)
    configure(args.database_url, args.var_dir)
    from benchmarks.scale_data import Sizes

    sizes = Sizes(
        establishments=args.establishments, reports=args.reports, cases=args.cases, audit_events=args.audit_events
    )
    dataset = load_or_reuse(sizes, seed=args.seed, reuse=args.reuse)
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "dataset": dataset,
        "samples": args.samples,
        "notes": args.note,
    }
    results["passes"] = []
    for name in [p for p in args.passes.split(",") if p]:
        if name not in PASSES:
            raise SystemExit(f"unknown pass {name!r}: choose from {', '.join(PASSES)}")
        index_seconds = configure_pass(name, database)
        print(f"pass {name}: {PASSES[name]}", flush=True)
        rows = measure("bench-lead", lead=True, samples=args.samples, seed=args.seed)
        rows += measure("bench-investigator", lead=False, samples=args.samples, seed=args.seed)
        results["passes"].append(
            {"name": name, "description": PASSES[name], "index_seconds": index_seconds, "measurements": rows}
        )
    results["proposed_indexes"] = {name: f"CREATE INDEX {name} {sql}" for name, sql in PROPOSED_INDEXES.items()}
    results["load_average_at_end"] = list(os.getloadavg())
    write_results(results, args.results_dir)


if __name__ == "__main__":
    main()
