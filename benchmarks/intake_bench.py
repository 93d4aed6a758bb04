"""Report intake benchmark on PostgreSQL, through the real HTTP server (not a test: it records numbers).

    .venv/bin/python benchmarks/intake_bench.py --database-url postgres://postgres@127.0.0.1:5432/custodes_intake_bench

In one run on one machine:

1. Intake: CLIENTS concurrent clients (default 50) submit anonymous reports with a small attachment to
   ``POST /api/v1/reports`` (multipart) for SECONDS (default 60) against gunicorn, as deployed. Throughput, p50 and
   p99 latency. Afterwards every report must be in the database exactly once, and every receipt issued must
   follow up (``POST /api/v1/reports/follow-up``) to its own reference: zero lost, zero duplicated.
2. Floor: the same clients against a minimal Django view that writes one row (benchmarks/floor.py), through the
   same server and middleware. Intake throughput is reported as a ratio to it.
3. Argon2id receipt hashing time, measured on its own in this process, since every submission pays it once.

The database must be a throwaway one (its name must contain "bench"; it is dropped and created afresh).
Results go to benchmarks/results/intake.json and intake.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import io
import json
import multiprocessing
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


# --- Setting up --------------------------------------------------------------------------------------------------


def recreate_database(url: str) -> str:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit("the benchmark only talks to a database on this machine (127.0.0.1)")
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: use a database whose name contains 'bench'")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as db:
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def environment(url: str, var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTODES_")}
    env.update(
        CUSTODES_DATABASE_URL=url,
        CUSTODES_VAR_DIR=var_dir,
        DJANGO_SETTINGS_MODULE="benchmarks.floor",
        PYTHONPATH=str(ROOT),
        CUSTODES_LOG_LEVEL="WARNING",
        # The benchmark's clients all fail nothing; the brake on guessing must not be what it measures.
        CUSTODES_RECEIPT_GUESS_LIMIT="1000000",
    )
    return env


def run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "custodes"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"custodes {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def start_server(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    server_env = dict(env, PORT=str(port), CUSTODES_WEB_WORKERS=str(workers), CUSTODES_WEB_THREADS=str(threads))
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "python:custodes.config.gunicorn", "custodes.config.wsgi"],
        env=server_env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


# --- Load --------------------------------------------------------------------------------------------------------


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content, content_type in files:
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        body.write(content + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


@dataclass
class ClientResult:
    latencies: list[float] = field(default_factory=list)
    issued: list[tuple[str, str]] = field(default_factory=list)  # (reference, receipt)
    errors: dict[str, int] = field(default_factory=dict)


def _client_loop(
    port: int, target: str, stop_at: float, category: str, establishment: str, attachment: bytes, result: ClientResult
) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    while time.perf_counter() < stop_at:
        if target == "intake":
            narrative = f"Benchmark report {secrets.token_hex(8)}: fictional, generated for load testing."
            body, content_type = multipart(
                {"report": json.dumps({"category": category, "establishment": establishment, "narrative": narrative})},
                [("files", "photo.png", attachment, "image/png")],
            )
            path = "/api/v1/reports"
        else:
            body, content_type = b"{}", "application/json"
            path = "/bench/floor"
        started = time.perf_counter()
        try:
            connection.request("POST", path, body=body, headers={"Content-Type": content_type})
            response = connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as problem:
            result.errors[type(problem).__name__] = result.errors.get(type(problem).__name__, 0) + 1
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=60)
            continue
        elapsed = time.perf_counter() - started
        if response.status != 201:
            key = f"HTTP {response.status}"
            result.errors[key] = result.errors.get(key, 0) + 1
            continue
        result.latencies.append(elapsed)
        if target == "intake":
            answer = json.loads(payload)
            result.issued.append((answer["reference"], answer["receipt"]))
    connection.close()


def _process(args: tuple[int, str, float, int, str, str, bytes]) -> dict[str, Any]:
    port, target, seconds, clients, category, establishment, attachment = args
    stop_at = time.perf_counter() + seconds
    results = [ClientResult() for _ in range(clients)]
    threads = [
        threading.Thread(target=_client_loop, args=(port, target, stop_at, category, establishment, attachment, result))
        for result in results
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    merged = ClientResult()
    for result in results:
        merged.latencies += result.latencies
        merged.issued += result.issued
        for key, count in result.errors.items():
            merged.errors[key] = merged.errors.get(key, 0) + count
    return {"latencies": merged.latencies, "issued": merged.issued, "errors": merged.errors}


def load(port: int, target: str, seconds: float, clients: int, processes: int, **payload: Any) -> dict[str, Any]:
    per_process = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    jobs = [
        (port, target, seconds, n, payload["category"], payload["establishment"], payload["attachment"])
        for n in per_process
    ]
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        parts = pool.map(_process, jobs)
    wall = time.perf_counter() - started
    latencies = sorted(x for part in parts for x in part["latencies"])
    issued = [x for part in parts for x in part["issued"]]
    errors: dict[str, int] = {}
    for part in parts:
        for key, count in part["errors"].items():
            errors[key] = errors.get(key, 0) + count
    return {
        "target": target,
        "clients": clients,
        "seconds": round(wall, 2),
        "requests": len(latencies),
        "per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1) if latencies else None,
        "errors": errors,
        "issued": issued,
    }


# --- Checking ----------------------------------------------------------------------------------------------------


def stored_references(database_url: str) -> list[str]:
    import psycopg

    with psycopg.connect(database_url) as db:
        return [row[0] for row in db.execute("SELECT reference FROM reporting_report").fetchall()]


def check_every_receipt(
    port: int, issued: list[tuple[str, str]], database_url: str, before: list[str]
) -> dict[str, Any]:
    # Reports that were there before the load (the demo's own) are not the load's to account for.
    stored = sorted(set(stored_references(database_url)) - set(before))
    references = [reference for reference, _ in issued]
    wrong: list[str] = []
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    for reference, receipt in issued:
        connection.request(
            "POST",
            "/api/v1/reports/follow-up",
            body=json.dumps({"receipt": receipt}),
            headers={"Content-Type": "application/json"},
        )
        response = connection.getresponse()
        answer = json.loads(response.read())
        if response.status != 200 or answer.get("reference") != reference:
            wrong.append(reference)
    connection.close()
    return {
        "issued": len(issued),
        "stored": len(stored),
        "duplicated_references": len(references) - len(set(references)),
        "stored_but_not_issued": len(set(stored) - set(references)),
        "issued_but_not_stored": len(set(references) - set(stored)),
        "receipts_not_following_up": len(wrong),
    }


def argon2_timing(rounds: int = 50) -> dict[str, float]:
    from custodes.reporting import receipts

    times = []
    for _ in range(rounds):
        receipt = receipts.new_receipt()
        started = time.perf_counter()
        receipts.hash_receipt(receipt)
        times.append(time.perf_counter() - started)
    return {"median_ms": round(statistics.median(times) * 1000, 1), "max_ms": round(max(times) * 1000, 1)}


# --- Main --------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    parser.add_argument("--note", default="")
    options = parser.parse_args()

    recreate_database(options.database_url)
    var_dir = tempfile.mkdtemp(prefix="custodes-intake-bench-")
    env = environment(options.database_url, var_dir)
    os.environ.update(env)
    run(env, "migrate", "--noinput", "-v", "0")
    run(env, "seed-demo", "--seed", "1", "--scale", "0.05")
    import psycopg

    with psycopg.connect(options.database_url.replace("postgres://", "postgresql://"), autocommit=True) as db:
        db.execute("CREATE TABLE bench_floor (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL)")
    import django

    sys.path.insert(0, str(ROOT))  # this process reads the same settings module the server runs with
    django.setup()
    from custodes.estate.models import Establishment
    from custodes.reporting.models import Category

    payload = {
        "category": Category.objects.filter(routing="establishment").values_list("code", flat=True).first(),
        "establishment": Establishment.objects.values_list("code", flat=True).first(),
        "attachment": tiny_png(),
    }
    before = stored_references(options.database_url.replace("postgres://", "postgresql://"))
    server = start_server(env, options.port, options.workers, options.threads)
    try:
        warm_up = load(options.port, "intake", 5, options.clients, options.client_processes, **payload)
        intake = load(options.port, "intake", options.seconds, options.clients, options.client_processes, **payload)
        # Every receipt issued, warm-up included, must follow up to its own report, and no report may be stored
        # that no client was told about.
        integrity = check_every_receipt(
            options.port,
            warm_up["issued"] + intake["issued"],
            options.database_url.replace("postgres://", "postgresql://"),
            before,
        )
        floor = load(options.port, "floor", options.seconds, options.clients, options.client_processes, **payload)
    finally:
        server.terminate()
        server.wait(timeout=30)
    hashing = argon2_timing()
    intake.pop("issued")
    floor.pop("issued")
    record(options, intake, floor, integrity, hashing)


def record(
    options: argparse.Namespace,
    intake: dict[str, Any],
    floor: dict[str, Any],
    integrity: dict[str, Any],
    hashing: dict[str, float],
) -> None:
    import django
    import psycopg

    ratio = round(intake["per_second"] / floor["per_second"], 3) if floor["per_second"] else None
    with psycopg.connect(options.database_url.replace("postgres://", "postgresql://")) as db:
        server_version = db.execute("SHOW server_version").fetchone()[0]
    results = {
        "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_average": os.getloadavg()},
        "versions": {"python": platform.python_version(), "django": django.get_version(), "postgresql": server_version},
        "server": {"workers": options.workers, "threads": options.threads},
        "intake": intake,
        "floor": floor,
        "intake_to_floor_ratio": ratio,
        "integrity": integrity,
        "argon2id_receipt_hash": hashing,
        "note": options.note,
    }
    options.results_dir.mkdir(parents=True, exist_ok=True)
    (options.results_dir / "intake.json").write_text(json.dumps(results, indent=2) + "\n")
    lost = integrity["issued_but_not_stored"] + integrity["receipts_not_following_up"]
    sound = lost == 0 and integrity["duplicated_references"] == 0
    verdict = "no report lost or duplicated" if sound else "PROBLEM: see the numbers above"
    lines = [
        "# Report intake benchmark",
        "",
        f"Recorded {results['recorded_at']} by `benchmarks/intake_bench.py` (see benchmarks/README.md).",
        "",
        f"Machine: {results['machine']['cpus']} CPU cores, {results['machine']['platform']}; PostgreSQL "
        f"{server_version} on the same machine; Python {results['versions']['python']}, Django "
        f"{results['versions']['django']}. gunicorn {options.workers} workers x {options.threads} threads; the "
        f"{options.clients} clients ran in {options.client_processes} processes on the same 2 cores.",
        "",
        "| load | clients | seconds | requests | per second | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in (
        ("anonymous report with a 1 KB PNG (`POST /api/v1/reports`)", intake),
        ("floor: a view that writes one row", floor),
    ):
        lines.append(
            f"| {name} | {row['clients']} | {row['seconds']} | {row['requests']:,} | {row['per_second']} | "
            f"{row['p50_ms']} | {row['p99_ms']} | {row['errors'] or 'none'} |"
        )
    lines += [
        "",
        f"**Intake throughput as a ratio to the floor: {ratio}.**",
        "",
        f"Argon2id hashing of one receipt (paid once per report, in the request): median "
        f"{hashing['median_ms']} ms, max {hashing['max_ms']} ms.",
        "",
        "## Integrity after the run",
        "",
        f"- receipts issued: {integrity['issued']:,}; reports stored: {integrity['stored']:,}",
        f"- duplicated references: {integrity['duplicated_references']}",
        f"- issued but not stored (lost): {integrity['issued_but_not_stored']}",
        f"- stored but never acknowledged to a client: {integrity['stored_but_not_issued']}",
        f"- receipts that did not follow up to their own report: {integrity['receipts_not_following_up']}",
        f"- verdict: {verdict}",
    ]
    if options.note:
        lines += ["", f"Note: {options.note}"]
    (options.results_dir / "intake.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
