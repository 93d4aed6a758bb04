"""`custodes keys rotate`: re-wrap every report's and identity's data key under the current master key.

Reports are submitted under master key A; B is put first (A kept to unwrap); rotation runs; then with only B
configured every narrative, message, identity and file still opens. Also: idempotence, the audit event, the
command's output and exit status, a key that cannot be unwrapped, and (on PostgreSQL) rotating while reports
are being submitted, read and answered in other connections.
"""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import base64
import io
import json
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from custodes import audit
from custodes.audit.models import AuditEvent
from custodes.core import crypto
from custodes.core.roles import Role
from custodes.reporting import services
from custodes.reporting.intake import Contact, UploadedContent
from custodes.reporting.models import Report, ReporterIdentity
from custodes.reporting.services import rotation
from custodes.testing.personas import persona

from .handling_support import World, file_store, png_with_comment, world  # noqa: F401


def master(key_id: str, fill: int) -> str:
    return f"{key_id}:{base64.b64encode(bytes([fill]) * 32).decode()}"


KEY_A = master("alpha", 1)
KEY_B = master("bravo", 2)


def make_reports(world: World, count: int = 3) -> list[services.SubmittedReport]:
    made = []
    for n in range(count):
        made.append(
            world.submit(
                narrative=f"Narrative number {n}: the visits hall search was skipped.",
                anonymity="confidential" if n % 2 == 0 else "anonymous",
                contact=Contact(name=f"Ives Hazeldean {n}") if n % 2 == 0 else Contact(),
                files=(UploadedContent(name=f"photo-{n}.png", content=png_with_comment(f"photo {n}")),),
            )
        )
    return made


def everything_opens(made: list[services.SubmittedReport], thread: set[str] | None = None) -> None:
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    liaison = persona(Role.REPORTER_LIAISON)
    for n, submitted in enumerate(made):
        report = Report.objects.get(pk=submitted.report.pk)
        assert services.open_report(actor=lead, report=report).narrative.startswith(f"Narrative number {n}:")
        attachment = report.attachments.get()
        assert services.open_attachment(actor=lead, attachment=attachment).startswith(b"\x89PNG")
        assert services.attachment_name(attachment) == f"photo-{n}.png"
        messages = services.open_follow_up(receipt=submitted.receipt).messages
        assert {m.body for m in messages} == (thread or {"Received, thank you."})
        if n % 2 == 0:
            identity = services.reveal_identity(actor=liaison, report=report, reason="To check rotation works")
            assert identity["contact"]["name"] == f"Ives Hazeldean {n}"


@pytest.mark.django_db
def test_after_rotation_the_new_key_alone_opens_everything(world: World, settings: Any):
    settings.DATA_KEYS = KEY_A
    made = make_reports(world)
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    for submitted in made:
        services.send_message(actor=lead, report=submitted.report, body="Received, thank you.")
    assert set(Report.objects.values_list("key_id", flat=True)) == {"alpha"}

    settings.DATA_KEYS = f"{KEY_B},{KEY_A}"
    assert rotation.pending() == {"reports": 3, "identities": 2}
    result = rotation.rotate_data_keys(actor=audit.SYSTEM, batch_size=2)
    assert (result.reports.rewrapped, result.identities.rewrapped) == (3, 2)
    assert result.complete
    assert not result.reports.failed
    assert set(Report.objects.values_list("key_id", flat=True)) == {"bravo"}
    assert set(ReporterIdentity.objects.values_list("key_id", flat=True)) == {"bravo"}

    settings.DATA_KEYS = KEY_B
    everything_opens(made)

    # Idempotent: nothing left to do, nothing done; one audit event per run, with the counts.
    again = rotation.rotate_data_keys(actor=audit.SYSTEM)
    assert (again.reports.rewrapped, again.identities.rewrapped) == (0, 0)
    runs = list(AuditEvent.objects.filter(action="keys.rotated").order_by("seq"))
    assert [(e.detail["reports_rewrapped"], e.detail["identities_rewrapped"]) for e in runs] == [(3, 2), (0, 0)]
    assert runs[0].actor_label == "system"


@pytest.mark.django_db
def test_without_rotation_the_old_key_is_still_needed(world: World, settings: Any):
    settings.DATA_KEYS = KEY_A
    (submitted,) = make_reports(world, 1)
    settings.DATA_KEYS = KEY_B
    with pytest.raises(crypto.DecryptionError):
        services.open_report(actor=persona(Role.COUNTER_CORRUPTION_LEAD), report=submitted.report)


@pytest.mark.django_db
def test_the_command_reports_counts_and_fails_on_what_it_cannot_unwrap(world: World, settings: Any):
    settings.DATA_KEYS = KEY_A
    make_reports(world, 2)
    settings.DATA_KEYS = f"{KEY_B},{KEY_A}"
    out = io.StringIO()
    call_command("keys", "status", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"current_key": "bravo", "reports": 2, "identities": 1}
    out = io.StringIO()
    call_command("keys", "rotate", stdout=out)
    assert "Re-wrapped under bravo: 2 report data keys, 1 identity data keys." in out.getvalue()
    assert "the older keys may now be removed" in out.getvalue()

    # A data key wrapped under a master key that is no longer configured cannot be re-wrapped: say so, exit 1.
    settings.DATA_KEYS = KEY_A
    (stranded,) = make_reports(world, 1)
    settings.DATA_KEYS = KEY_B
    with pytest.raises(CommandError, match="Could not unwrap 1 report and 1 identity data keys"):
        call_command("keys", "rotate", "--json", stdout=io.StringIO())
    assert Report.objects.get(pk=stranded.report.pk).key_id == "alpha"
    assert AuditEvent.objects.filter(action="keys.rotated").count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_rotation_while_the_service_is_in_use(world: World, settings: Any):
    """Rotation in one connection, in small batches, while others submit, read and acknowledge reports."""
    if connection.vendor != "postgresql":
        pytest.skip("needs several connections with row locks (PostgreSQL)")
    settings.DATA_KEYS = KEY_A
    made = make_reports(world, 12)
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    for submitted in made:
        services.send_message(actor=lead, report=submitted.report, body="Received, thank you.")
    settings.DATA_KEYS = f"{KEY_B},{KEY_A}"
    start = threading.Barrier(4)
    problems: list[BaseException] = []
    results: list[rotation.RotationResult] = []
    submitted_meanwhile: list[services.SubmittedReport] = []

    def run(work: Any) -> None:
        try:
            start.wait()
            work()
        except BaseException as exc:  # reported by the assertion below
            problems.append(exc)
        finally:
            connections.close_all()

    def rotate() -> None:
        results.append(rotation.rotate_data_keys(actor=audit.SYSTEM, batch_size=2))

    def submit_and_read() -> None:
        for n in range(4):
            submitted_meanwhile.append(world.submit(narrative=f"Meanwhile {n}", anonymity="confidential"))
            report = Report.objects.get(pk=made[n].report.pk)
            assert services.open_report(actor=lead, report=report).narrative.startswith(f"Narrative number {n}:")

    def answer() -> None:
        for submitted in made[::-1]:
            services.acknowledge(actor=lead, report=Report.objects.get(pk=submitted.report.pk), body="Thank you.")

    def reporters_add() -> None:
        for submitted in made:
            services.reporter_adds(receipt=submitted.receipt, body="One more thing.")

    threads = [threading.Thread(target=run, args=(work,)) for work in (rotate, submit_and_read, answer, reporters_add)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not problems, [str(p) for p in problems]
    assert results
    assert results[0].complete
    assert rotation.pending() == {"reports": 0, "identities": 0}
    assert Report.objects.filter(acknowledged_at__isnull=False).count() == 12
    settings.DATA_KEYS = KEY_B
    everything_opens(made, thread={"Received, thank you.", "Thank you.", "One more thing."})
    for submitted in submitted_meanwhile:
        opened = services.open_report(actor=lead, report=Report.objects.get(pk=submitted.report.pk))
        assert opened.narrative.startswith("Meanwhile")
