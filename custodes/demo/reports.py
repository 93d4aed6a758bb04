"""Fictional reports for the demo, so that a handler signing in sees a living inbox.

Reports go in through the real intake service (encrypted, routed, audited), then have their dates moved back so
that the inbox shows every deadline state: new, due soon, overdue, acknowledged, feedback given. Receipts are
derived from the demo secret, like the demo passwords, so ``custodes demo-accounts`` can print a few for trying
the reporter's follow-up pages. All names and events are invented.
"""

from __future__ import annotations

import datetime as dt
import hmac
import random
from dataclasses import dataclass

from django.db.models import QuerySet

from custodes import audit
from custodes.accounts.models import User
from custodes.estate.models import Establishment, StaffMember
from custodes.reporting import receipts, services
from custodes.reporting.intake import Contact, Submission
from custodes.reporting.keys import receipt_lookup
from custodes.reporting.models import Anonymity, Channel, Receipt, Report, ReporterRole
from custodes.reporting.services.intake import add_months

# (category, what happened). Plain, invented accounts of the kinds of thing the service exists for.
_STORIES: tuple[tuple[str, str], ...] = (
    ("overcrowding", "Three of us in a cell built for one on the landing. One sleeps on the floor by the toilet."),
    ("vermin-pests", "Rats come out by the servery every night. Food trays left on the floor get eaten through."),
    ("sanitation-hygiene", "The showers on the wing have been broken for two weeks. Only one works for sixty men."),
    ("heating-water", "No hot water on the landing since Monday. The cell heater does not come on at night."),
    ("violence-threats", "A man on the landing is threatening people for their canteen. Staff know but do nothing."),
    ("self-harm-risk", "My cellmate has stopped eating and talks about ending it. He has not seen anyone about it."),
    ("healthcare-access", "I put in four applications to see the dentist since the summer. No answer to any of them."),
    ("conveyance-trafficking", "An officer on nights brings phones in for men on the wing, for money paid outside."),
    ("inappropriate-relationship", "An officer spends hours alone in one prisoner's cell and gives him gifts."),
    ("unauthorised-disclosure", "An officer told other prisoners what my cellmate is in for. Now he is in danger."),
    ("bribery-favours", "You can get a better job in the workshop if you pay an officer through your family."),
    ("neglect-of-procedure", "Visitors on Saturday were let through without being searched, again, by the same team."),
    ("bullying-harassment", "A supervising officer shouts at and humiliates younger staff in front of prisoners."),
    ("abuse-of-position", "Officers held a man down far longer than needed after he had stopped resisting."),
    ("discrimination", "Men from one background are always the last to be unlocked for education and work."),
)
_ROLES = (ReporterRole.PRISONER, ReporterRole.FAMILY, ReporterRole.STAFF, ReporterRole.UNDISCLOSED)


@dataclass(frozen=True)
class DemoReceipt:
    reference: str
    receipt: str


def demo_receipt(secret: bytes, reference: str) -> str:
    digest = hmac.digest(secret, b"custodes demo receipt\x00" + reference.encode(), "sha256")
    return f"{int.from_bytes(digest[:8], 'big') % 10**16:016d}"


def _backdate(report: Report, days_ago: int) -> None:
    received = report.received_at - dt.timedelta(days=days_ago)
    Report.objects.filter(pk=report.pk).update(
        received_at=received,
        acknowledgement_due=received + dt.timedelta(days=7),
        feedback_due=add_months(received, 3),
    )
    report.refresh_from_db()


def seed_reports(*, rng: random.Random, secret: bytes, count: int = 30) -> int:
    """Make ``count`` fictional reports in every deadline state; returns how many were made."""
    prisons: QuerySet[Establishment] = Establishment.objects.order_by("code")
    codes = list(prisons.values_list("code", flat=True))
    lead = User.objects.filter(username="demo-counter-corruption-lead").first()
    triager = User.objects.filter(username="demo-triager").first()
    governor_record = StaffMember.objects.filter(account__username="demo-governor").first()
    made = 0
    for number in range(count):
        category, narrative = _STORIES[number % len(_STORIES)]
        confidential = number % 5 == 3
        staff_numbers: tuple[str, ...] = ()
        if number == 1 and governor_record is not None:
            # The demo governor is named in one conditions report at their own prison: they never see it, though
            # their prison's triager does (the need-to-know rule, visible in the demo).
            staff_numbers = (governor_record.staff_number,)
        governor_prison = governor_record.current_establishment if governor_record is not None else None
        code = governor_prison.code if number == 1 and governor_prison is not None else rng.choice(codes)
        submitted = services.submit_report(
            actor=audit.AnonymousActor(),
            submission=Submission(
                category=category,
                establishment=code,
                narrative=narrative,
                reporter_role=rng.choice(_ROLES),
                channel=rng.choice((Channel.WEB, Channel.WEB, Channel.KIOSK, Channel.PHONE)),
                anonymity=Anonymity.CONFIDENTIAL if confidential else Anonymity.ANONYMOUS,
                contact=Contact(name="Rowan Fernleigh", preferred="follow_up") if confidential else Contact(),
                occurred_approximately="last week" if number % 3 else "",
                staff_numbers=staff_numbers,
            ),
        )
        report = submitted.report
        receipt = demo_receipt(secret, report.reference)
        Receipt.objects.filter(report=report).update(
            lookup=receipt_lookup(receipt), verifier=receipts.hash_receipt(receipt)
        )
        _backdate(report, days_ago=rng.choice((0, 1, 3, 6, 9, 20, 45, 100)))
        handler = triager if report.routed_to == "establishment" and code == _triager_prison(triager) else lead
        if handler is not None and number % 3 == 0:
            services.acknowledge(
                actor=handler,
                report=report,
                body="Thank you for your report. We have received it and will look into it.",
            )
        if handler is not None and number % 6 == 0:
            services.give_feedback(
                actor=handler,
                report=report,
                body="We looked into what you told us and have taken action. Thank you for telling us.",
            )
        made += 1
    return made


def _triager_prison(triager: User | None) -> str | None:
    if triager is None:
        return None
    grant = triager.role_grants.select_related("establishment").first()
    return grant.establishment.code if grant is not None and grant.establishment is not None else None


def demo_receipts(secret: bytes, limit: int = 3) -> list[DemoReceipt]:
    """A few demo reports with their receipts, for trying follow-up (demo databases only)."""
    references = Report.objects.order_by("reference").values_list("reference", flat=True)[:limit]
    return [DemoReceipt(reference, demo_receipt(secret, reference)) for reference in references]
