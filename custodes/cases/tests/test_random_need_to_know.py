"""Need-to-know under random load: thousands of requests, as random personas, against every case and report page
and API endpoint, none of which may reveal a case (its reference or title) or a report (its reference) outside
that persona's policy.

The world has four establishments with line-management chains (a regional manager over two governors, governors
over custodial managers, custodial managers over officers), accounts linked to staff records at every level,
restricted and open cases with staff and prisoner subjects, named people and assignments, some subjects added
after an investigator was assigned, and reports routed nationally or to an establishment, some about the
personas themselves.

What each persona may see is worked out here from the rows themselves, following DESIGN.md §3 as written, and
never by asking custodes.core.policy:

* counter-corruption lead: every case and report; a restricted case only where named;
* investigator: cases assigned to them (within their grant's scope), and the reports linked to those cases;
* governor: non-restricted cases at their establishment; reports routed to their establishment;
* triager: reports routed to their establishment; reporter liaison: every report;
* need-to-know over all of it: nothing in which they are a subject, nor about anyone below them in their
  line-management chain, and no restricted case they are not named on.

Seeded: a failure names its seed, persona and request, and reruns the same way (CUSTODES_RANDOM_SEED=N to
choose another).
"""

from __future__ import annotations

import os
import random
import re
import time
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from custodes.accounts.models import RoleGrant, User
from custodes.accounts.scopes import known_scopes
from custodes.cases.dashboards.suppression import SUPPRESS_BELOW
from custodes.cases.models import Case, CaseReport, CaseStatus, CaseType
from custodes.cases.services import lifecycle, triage
from custodes.cases.tests.api_dashboard_support import ESTABLISHMENT_CATEGORY, HOST, make_report, make_token
from custodes.cases.tests.need_to_know_model import Rows
from custodes.core.roles import Role
from custodes.estate.models import Establishment, Prisoner, StaffGrade, StaffMember
from custodes.reporting.models import Report
from custodes.testing.factories import EstablishmentFactory, PrisonerFactory, StaffMemberFactory, UserFactory
from custodes.testing.personas import signed_in_client

pytestmark = pytest.mark.django_db

SEED = int(os.environ.get("CUSTODES_RANDOM_SEED", "20261127"))
REQUESTS = 2000
CASE_REFERENCE = re.compile(r"C-\d{4}-\d{6}")
REPORT_REFERENCE = re.compile(r"R-\d{4}-\d{6}")
TITLE_MARK = re.compile(r"Marker[A-Z]{2}\d{2}")
NATIONAL_CATEGORIES = ("inappropriate-relationship", "conveyance-trafficking", "bribery-favours")


# --- The world -------------------------------------------------------------------------------------------------


@dataclass
class Persona:
    label: str
    user: User
    grants: list[tuple[Role, Establishment | None]]
    browser: Client | None = None
    api: Client | None = None


@dataclass
class World:
    establishments: list[Establishment]
    staff: dict[str, StaffMember]
    personas: list[Persona] = field(default_factory=list)


def _staff(
    world_staff: dict[str, StaffMember], key: str, establishment: Establishment, grade: str, manager: Any
) -> StaffMember:
    member = StaffMemberFactory(current_establishment=establishment, grade=grade, line_manager=manager)
    world_staff[key] = member
    return member


def _build_estate(rng: random.Random) -> World:
    establishments = [EstablishmentFactory(name=f"HMP Randmoor {n}") for n in range(4)]
    staff: dict[str, StaffMember] = {}
    regional = _staff(staff, "regional", establishments[0], StaffGrade.MANAGER, None)
    for n, establishment in enumerate(establishments):
        governor = _staff(staff, f"g{n}", establishment, StaffGrade.GOVERNOR, regional if n < 2 else None)
        managers = [_staff(staff, f"cm{n}{m}", establishment, StaffGrade.CUSTODIAL_MANAGER, governor) for m in range(2)]
        for o in range(4):
            _staff(staff, f"o{n}{o}", establishment, StaffGrade.PRISON_OFFICER, managers[o % 2])
        _staff(staff, f"c{n}", establishment, StaffGrade.CONTRACTOR, None)
    return World(establishments=establishments, staff=staff)


_PERSONAS: list[tuple[str, list[tuple[Role, int | None]], str | None]] = [
    ("lead", [(Role.COUNTER_CORRUPTION_LEAD, None)], None),
    ("lead-who-is-an-officer", [(Role.COUNTER_CORRUPTION_LEAD, None)], "o00"),
    ("lead-regional-manager", [(Role.COUNTER_CORRUPTION_LEAD, None)], "regional"),
    ("investigator", [(Role.INVESTIGATOR, None)], None),
    ("investigator-at-0-an-officer", [(Role.INVESTIGATOR, 0)], "o01"),
    ("investigator-custodial-manager", [(Role.INVESTIGATOR, None)], "cm10"),
    ("governor-0", [(Role.GOVERNOR, 0)], "g0"),
    ("governor-1-and-investigator", [(Role.GOVERNOR, 1), (Role.INVESTIGATOR, 1)], "g1"),
    ("governor-2", [(Role.GOVERNOR, 2)], "g2"),
    ("governor-3-no-staff-record", [(Role.GOVERNOR, 3)], None),
    ("triager-0", [(Role.TRIAGER, 0)], None),
    ("triager-1-an-officer", [(Role.TRIAGER, 1)], "o12"),
    ("liaison", [(Role.REPORTER_LIAISON, None)], "c2"),
    ("inspector", [(Role.INSPECTOR, None)], None),
    ("inspector-2", [(Role.INSPECTOR, 2)], None),
    ("analyst-an-officer", [(Role.ANALYST, None)], "o30"),
    ("staff-0", [(Role.STAFF, 0)], "o03"),
    ("administrator", [(Role.SYSTEM_ADMINISTRATOR, None)], None),
]


def _add_personas(world: World) -> None:
    scopes = sorted(known_scopes())
    for label, grants, staff_key in _PERSONAS:
        user = UserFactory(username=label, staff_member=world.staff[staff_key] if staff_key else None)
        resolved = [(role, world.establishments[n] if n is not None else None) for role, n in grants]
        for role, establishment in resolved:
            RoleGrant.objects.create(user=user, role=role.value, establishment=establishment)
        world.personas.append(
            Persona(
                label=label,
                user=user,
                grants=resolved,
                browser=signed_in_client(user),
                api=Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {make_token(user, *scopes)}"),
            )
        )


def _persona(world: World, label: str) -> User:
    return next(p.user for p in world.personas if p.label == label)


def _add_reports(world: World, rng: random.Random) -> list[Report]:
    reports = []
    members = list(world.staff.values())
    for _ in range(30):
        establishment = rng.choice(world.establishments)
        national = rng.random() < 0.6
        about = [rng.choice(members)] if rng.random() < 0.4 else []
        reports.append(
            make_report(
                establishment,
                category=rng.choice(NATIONAL_CATEGORIES) if national else ESTABLISHMENT_CATEGORY,
                staff=about,
            )
        )
    return reports


def _add_cases(world: World, rng: random.Random, reports: list[Report]) -> None:
    leads = [
        _persona(world, "lead"),
        _persona(world, "lead-who-is-an-officer"),
        _persona(world, "lead-regional-manager"),
    ]
    investigators = [
        _persona(world, name)
        for name in (
            "investigator",
            "investigator-at-0-an-officer",
            "investigator-custodial-manager",
            "governor-1-and-investigator",
        )
    ]
    members = list(world.staff.values())
    prisoners = [PrisonerFactory(current_establishment=e) for e in world.establishments for _ in range(2)]
    owner_plain = leads[0]
    before = Rows()  # the staff and reports, before any case
    readable = {lead.pk: {r.pk for r in before.reports_for(lead)} for lead in leads}
    for number in range(36):
        establishment = rng.choice(world.establishments)
        owner = rng.choice(leads)
        local = [m for m in members if m.current_establishment_id == establishment.pk]
        subjects = rng.sample(local, rng.choice((0, 1, 1, 2)))
        if before.blocked(owner) & {s.pk for s in subjects}:
            owner = owner_plain  # a lead never opens a case they could not then see
        linkable = [r for r in reports if r.pk in readable[owner.pk]]
        case = lifecycle.open_case(
            actor=owner,
            case_type=rng.choice(list(CaseType)),
            title=f"Marker{chr(65 + number // 26)}{chr(65 + number % 26)}{number:02d} about the wing",
            establishment=establishment,
            summary="Fictional.",
            restricted=rng.random() < 0.3,
            reports=rng.sample(linkable, min(len(linkable), rng.choice((0, 1, 2)))),
            staff_subjects=subjects,
            prisoner_subjects=[rng.choice(prisoners)] if rng.random() < 0.5 else [],
        )
        later = [r for r in linkable if not CaseReport.objects.filter(case=case, report=r).exists()]
        if later and rng.random() < 0.3:  # linked afterwards: the timeline names the report
            lifecycle.link_report(actor=owner, case=case, report=rng.choice(later), reason="Same matter")
        if case.restricted and rng.random() < 0.5:
            named = [lead for lead in leads if lead != owner and rng.random() < 0.5]
            lifecycle.set_restriction(actor=owner, case=case, restricted=True, named=named, reason="Named")
        for investigator in rng.sample(investigators, rng.choice((0, 1, 2))):
            with suppress(ValidationError):  # out of their scope, or need-to-know keeps them from it
                lifecycle.assign(actor=owner, case=case, user=investigator)
        path = rng.choice(
            ([], [CaseStatus.INVESTIGATION], [CaseStatus.INVESTIGATION, CaseStatus.DECISION], [CaseStatus.CLOSED])
        )
        for status in path:
            lifecycle.change_status(actor=owner, case=case, to=status, reason="Moved on")
        if rng.random() < 0.25 and case.status != CaseStatus.CLOSED:
            # A subject added after someone was assigned: the case (and its reports) may now be hidden from them.
            extra = rng.choice([m for m in local if m not in subjects] or local)
            assigned_staff = [
                member
                for member in StaffMember.objects.filter(
                    account__case_assignments__case=case, account__case_assignments__ended_at__isnull=True
                )
                if member not in subjects
            ]
            if assigned_staff and rng.random() < 0.6:
                extra = rng.choice(assigned_staff)  # about someone already on it: now hidden from them
            with suppress(ValidationError, PermissionDenied, Http404):
                lifecycle.add_subject(actor=owner, case=case, staff_member=extra)
    for report in rng.sample(reports, 6):
        report.refresh_from_db()
        if report.pk in readable[owner_plain.pk] and report.status in triage.AWAITING:
            triage.no_further_action(actor=owner_plain, report=report, reason="Nothing to pursue")


# --- What each persona should see ----------------------------------------------------------------------------


@dataclass
class Expected:
    cases: set[str]
    titles: set[str]
    reports: set[str]
    triage: set[str]
    dashboard_open_cases: int | None  # as the dashboard publishes it (None: suppressed, or no dashboard)


def _expected(rows: Rows, user: User) -> Expected:
    cases = rows.cases_for(user)
    total = rows.dashboard_open_cases(user)
    if total is not None and total < SUPPRESS_BELOW and not rows.dashboard_detailed(user):
        total = None
    return Expected(
        cases={case.reference for case in cases},
        titles={TITLE_MARK.search(case.title).group(0) for case in cases},  # type: ignore[union-attr]
        reports={report.reference for report in rows.reports_for(user)},
        triage={report.reference for report in rows.triage_for(user)},
        dashboard_open_cases=total,
    )


# --- The requests ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    client: str  # "browser" or "api"
    method: str
    path: str
    data: dict[str, Any] | None = None
    case: Case | None = None  # the case the request is about, if any
    report: Report | None = None
    kind: str = ""  # what the status code must say: "case", "report", "triage", or "" (anything but 200 if hidden)
    echo: str = ""  # a value the request sent that the page may repeat back (a search term)


def _draw(rng: random.Random, case: Case, report: Report, numbers: list[str]) -> Request:
    mark = TITLE_MARK.search(case.title).group(0)  # type: ignore[union-attr]
    number = rng.choice(numbers)
    ref, rref = case.reference, report.reference
    options = [
        Request("browser", "GET", "/cases/"),
        Request("browser", "GET", f"/cases/?text={mark}", echo=mark),
        Request("browser", "GET", f"/cases/?subject={number}", echo=number),
        Request("browser", "GET", f"/cases/?reference={ref}", echo=ref),
        Request("browser", "GET", f"/cases/{ref}", case=case, kind="case"),
        Request("browser", "GET", f"/cases/{ref}/evidence/", case=case),
        Request("browser", "GET", f"/cases/{ref}/external/", case=case),
        Request("browser", "GET", f"/cases/{ref}/access", case=case),
        Request("browser", "POST", f"/cases/{ref}/notes/add", {"body": "A fictional note."}, case=case),
        Request("browser", "GET", "/triage/"),
        Request("browser", "GET", f"/triage/?reference={rref}", echo=rref),
        Request("browser", "GET", f"/triage/{rref}", report=report, kind="triage"),
        Request("browser", "GET", "/reports/"),
        Request("browser", "GET", f"/reports/?reference={rref}", echo=rref),
        Request("browser", "GET", f"/reports/{rref}", report=report, kind="report"),
        Request("browser", "GET", f"/access/report/{rref}", report=report),
        Request("browser", "GET", "/dashboard/"),
        Request("browser", "GET", "/notifications/"),
        Request("browser", "GET", "/"),
        Request("api", "GET", "/api/v1/cases?page_size=200"),
        Request("api", "GET", f"/api/v1/cases?subject={number}", echo=number),
        Request("api", "GET", f"/api/v1/cases?q={mark}", echo=mark),
        Request("api", "GET", f"/api/v1/cases/{ref}", case=case, kind="case"),
        Request("api", "GET", f"/api/v1/cases/{ref}/evidence", case=case),
        Request("api", "GET", f"/api/v1/cases/{ref}/external", case=case),
        Request("api", "GET", f"/api/v1/access/cases/{ref}", case=case),
        Request("api", "POST", f"/api/v1/cases/{ref}/notes", {"body": "A fictional note."}, case=case),
        Request("api", "GET", "/api/v1/triage?page_size=200"),
        Request("api", "GET", "/api/v1/reports"),
        Request("api", "GET", f"/api/v1/reports?reference={rref}", echo=rref),
        Request("api", "GET", f"/api/v1/reports/{rref}", report=report, kind="report"),
        Request("api", "GET", f"/api/v1/access/reports/{rref}", report=report),
        Request("api", "GET", "/api/v1/dashboard"),
    ]
    return rng.choice(options)


def _send(persona: Persona, request: Request) -> Any:
    client = persona.browser if request.client == "browser" else persona.api
    assert client is not None
    if request.method == "GET":
        return client.get(request.path)
    if request.client == "api":
        return client.post(request.path, request.data, content_type="application/json")
    return client.post(request.path, request.data)


# Form hints give an example reference ("For example, C-2026-000045"): not a case, and the same for everyone.
_EXAMPLE = re.compile(r"For example, [A-Z]-\d{4}-\d{6}")


def _revealed(body: str, expected: Expected, request: Request, status: int) -> list[str]:
    body = _EXAMPLE.sub("", body)
    if request.echo:
        body = body.replace(request.echo, "")
    if status in (403, 404):  # an answer about the reference asked for may repeat it, and must say nothing else
        for asked in (request.case, request.report):
            if asked is not None:
                body = body.replace(asked.reference, "")
    leaks = [f"case {ref}" for ref in set(CASE_REFERENCE.findall(body)) - expected.cases]
    leaks += [f"case title {mark}" for mark in set(TITLE_MARK.findall(body)) - expected.titles]
    leaks += [f"report {ref}" for ref in set(REPORT_REFERENCE.findall(body)) - expected.reports]
    return leaks


def _pick(rng: random.Random, visible: set[str], everything: dict[str, Any]) -> str:
    return rng.choice(sorted(visible)) if visible and rng.random() < 0.5 else rng.choice(sorted(everything))


def _check(persona: Persona, request: Request, response: Any, mine: Expected, where: str) -> list[str]:
    """Everything wrong with one answer: what it reveals, and whether it answered as the policy says it must."""
    status = response.status_code
    problems = [
        f"{where}: reveals {leak}"
        for leak in _revealed(response.content.decode(errors="replace"), mine, request, status)
    ]
    if status >= 500:
        problems.append(f"{where}: server error")
    asked_case = request.case.reference if request.case is not None else None
    asked_report = request.report.reference if request.report is not None else None
    if asked_case is not None and asked_case not in mine.cases and status in (200, 201):
        problems.append(f"{where}: answered for a case outside the policy")
    inside = {
        "case": asked_case in mine.cases,
        "report": asked_report in mine.reports,
        "triage": asked_report in mine.triage,
    }.get(request.kind)
    if inside is not None and inside != (status == 200):
        problems.append(f"{where}: {request.kind} inside the policy: {inside}, but answered {status}")
    if status == 200 and request.client == "api":
        answer = response.json()
        counts = {
            "/api/v1/cases?page_size=200": len(mine.cases),
            "/api/v1/reports": len(mine.reports),
        }
        if request.path in counts and answer["count"] != counts[request.path]:
            problems.append(f"{where}: count {answer['count']}, expected {counts[request.path]}")
        if request.path == "/api/v1/dashboard":
            total = answer["open_by_establishment"]["totals"][0]["count"]
            if total != mine.dashboard_open_cases:
                problems.append(f"{where}: dashboard open cases {total}, expected {mine.dashboard_open_cases}")
    return problems


def test_thousands_of_random_requests_reveal_nothing_outside_each_personas_policy():
    rng = random.Random(SEED)
    world = _build_estate(rng)
    _add_personas(world)
    _add_cases(world, rng, _add_reports(world, rng))
    rows = Rows()
    cases = {case.reference: case for case in Case.objects.all()}
    reports = {report.reference: report for report in Report.objects.all()}
    numbers = [m.staff_number for m in world.staff.values()] + list(
        Prisoner.objects.values_list("prison_number", flat=True)
    )
    expected = {p.label: _expected(rows, p.user) for p in world.personas}
    # The world is only worth testing if need-to-know and restriction bite in it.
    assert any(case.restricted and case.reference not in expected["lead"].cases for case in rows.cases)
    assert len(expected["lead-regional-manager"].cases) < len(cases)
    assert any(
        case_id not in {c.pk for c in rows.cases_for(u)} for u in User.objects.all() for case_id in rows.assigned[u.pk]
    )

    timings: dict[str, list[float]] = {}
    problems: list[str] = []
    statuses: dict[int, int] = {}
    for number in range(REQUESTS):
        persona = rng.choice(world.personas)
        mine = expected[persona.label]
        # Half the time something the persona may see, so that visible pages get looked over as hard as hidden ones.
        case = (
            cases[rng.choice(sorted(mine.cases))]
            if mine.cases and rng.random() < 0.5
            else rng.choice(list(cases.values()))
        )
        report = (
            reports[rng.choice(sorted(mine.reports))]
            if mine.reports and rng.random() < 0.5
            else rng.choice(list(reports.values()))
        )
        request = _draw(rng, case, report, numbers)
        started = time.perf_counter()
        response = _send(persona, request)
        elapsed = time.perf_counter() - started
        timings.setdefault(re.sub(r"[CR]-\d{4}-\d{6}|=.*", "X", request.path), []).append(elapsed)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        where = f"#{number} (seed {SEED}) {persona.label} {request.method} {request.path} -> {response.status_code}"
        problems += _check(persona, request, response, mine, where)
    if os.environ.get("CUSTODES_RANDOM_TIMINGS"):
        for path, seconds in sorted(timings.items(), key=lambda kv: -sum(kv[1])):
            print(f"{sum(seconds):6.2f} s {len(seconds):4d} x {1000 * sum(seconds) / len(seconds):6.1f} ms  {path}")
    assert not problems, f"{len(problems)} problems, the first 25:\n" + "\n".join(problems[:25])
    # Every kind of answer was exercised: shown, refused, hidden.
    assert statuses.get(200, 0) > REQUESTS / 4
    assert statuses.get(404, 0) > 50
    assert statuses.get(403, 0) > 50
