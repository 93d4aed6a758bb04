"""The demo's cases: ten or eleven featured stories, each showing something a newcomer should meet, and a history of
older cases so the dashboards have a past. All names, events and references are invented."""

from __future__ import annotations

from custodes.cases.models import (
    Agency,
    Case,
    CaseStatus,
    CaseType,
    DutyStatusKind,
    ExternalStatus,
    OutcomeKind,
)
from custodes.cases.services import external, work
from custodes.demo.cases.seeder import Seeder, on, report_awaiting
from custodes.estate.models import Establishment, StaffGrade

# The categories of the history's cases, with weights, and how such cases tend to end (invented proportions).
_HISTORY_CATEGORIES: tuple[tuple[str, int], ...] = (
    ("inappropriate-relationship", 35),
    ("conveyance-trafficking", 25),
    ("unauthorised-disclosure", 10),
    ("bribery-favours", 10),
    ("abuse-of-position", 10),
    ("neglect-of-procedure", 10),
)
_ENDINGS: dict[str, tuple[tuple[OutcomeKind, int], ...]] = {
    "inappropriate-relationship": (
        (OutcomeKind.DISMISSAL, 45),
        (OutcomeKind.FINAL_WRITTEN_WARNING, 20),
        (OutcomeKind.RESIGNED, 15),
        (OutcomeKind.FIRST_WRITTEN_WARNING, 10),
        (OutcomeKind.NO_CASE_TO_ANSWER, 10),
    ),
    "default": (
        (OutcomeKind.NO_CASE_TO_ANSWER, 25),
        (OutcomeKind.MANAGEMENT_ADVICE, 25),
        (OutcomeKind.FIRST_WRITTEN_WARNING, 15),
        (OutcomeKind.FINAL_WRITTEN_WARNING, 10),
        (OutcomeKind.DISMISSAL, 15),
        (OutcomeKind.REFERRED_TO_POLICE, 10),
    ),
}


def featured(s: Seeder) -> list[Case]:
    """Ten or eleven cases (one needs a second establishment's report), one or more in every state, each
    showing something a newcomer should meet."""
    cast, home = s.cast, s.cast.home
    others = list(Establishment.objects.exclude(pk=home.pk).order_by("code"))
    away = others[0] if others else home
    reports: set[int] = set()
    made: list[Case] = []

    # Investigation: phones conveyed on nights. Suspended officer, police in parallel, a disclosure, all tasks.
    officer = s.staff(home)
    phones = s.open(
        130,
        where=home,
        title="Phones conveyed on night shifts",
        category="conveyance-trafficking",
        summary="Intelligence that phones reach C wing on night shifts, paid for outside.",
        staff=[officer],
    )
    s.move(phones, 128, CaseStatus.INVESTIGATION)
    s.assign(phones, 127, cast.investigator)
    s.duty(phones, 126, DutyStatusKind.RESTRICTED)
    s.duty(phones, 90, DutyStatusKind.SUSPENDED)
    s.task(phones, 125, "Pull the gate search logs for night shifts", due_in=None, by=cast.investigator, done_after=10)
    s.task(phones, 60, "Request the officer's phone billing through the police", due_in=-12, by=cast.investigator)
    s.task(phones, 20, "Interview the night orderly officer", due_in=9, by=cast.investigator)
    s.note(phones, 100, "Search logs show the same two officers on every night a find followed.", by=cast.investigator)
    s.interview(
        phones,
        45,
        by=cast.investigator,
        who="witness (night orderly officer)",
        record="Saw the subject enter C wing alone twice after lock-up without a recorded reason.",
    )
    with on(s.at(95)):
        police = external.create_external_investigation(
            actor=cast.lead,
            case=phones,
            agency=Agency.POLICE,
            agency_name="Northmoor Constabulary (fictional)",
            external_reference="NC/2026/4417",
            contact="DC Ilsa Varrow, anti-corruption unit, 01632 960 417",
            status=ExternalStatus.OPEN,
            opened_on=s.at(95).date(),
        )
        external.record_disclosure(
            actor=cast.lead,
            case=phones,
            recipient="Northmoor Constabulary, anti-corruption unit",
            what="Gate search logs for the night shifts in question, and the staffing rota",
            why="Requested for the criminal investigation of misconduct in public office",
            external_investigation=police,
        )
    made.append(phones)

    # Decision, restricted: a relationship with a prisoner. The demo investigator is named (assigned).
    prisoner = s.prisoner(home)
    relationship = s.open(
        80,
        where=home,
        title="Relationship with a prisoner on C wing",
        category="inappropriate-relationship",
        restricted=True,
        staff=[s.staff(home)],
        prisoners=[prisoner],
        summary="Letters and gifts between an officer and a prisoner.",
    )
    s.move(relationship, 79, CaseStatus.INVESTIGATION)
    s.assign(relationship, 78, cast.investigator)
    s.interview(
        relationship,
        30,
        by=cast.investigator,
        who="subject",
        record="The officer accepted that letters were exchanged; denied any gifts.",
    )
    with on(s.at(12)):
        work.propose_outcome(
            actor=cast.investigator,
            case=relationship,
            subject=relationship.subjects.earliest("pk"),
            kind=OutcomeKind.DISMISSAL,
            reasons="Admitted letters; gifts corroborated by property records.",
        )
    s.move(relationship, 10, CaseStatus.DECISION)
    made.append(relationship)

    # Restricted, and the demo investigator is not named: the colleague has it. They never see it.
    leak = s.open(
        40,
        where=away,
        title="Information passed to a prisoner's associates",
        category="unauthorised-disclosure",
        restricted=True,
        staff=[s.staff(away)],
        summary="A prisoner's associates knew of a cell search before it happened.",
    )
    s.move(leak, 39, CaseStatus.INVESTIGATION)
    s.assign(leak, 38, cast.colleague)
    made.append(leak)

    # Investigation: the demo staff member is the subject (they never see it); the colleague has it.
    searching = s.open(
        25,
        where=home,
        title="Visitors let through without searches",
        category="neglect-of-procedure",
        staff=[cast.staff_account.staff_member],  # type: ignore[list-item]
        summary="Saturday visits: the same team let visitors through unsearched.",
    )
    s.move(searching, 24, CaseStatus.INVESTIGATION)
    s.assign(searching, 24, cast.colleague)
    s.task(searching, 20, "Review the visits hall camera for three Saturdays", due_in=-3, by=cast.colleague)
    made.append(searching)

    # Triage: opened from a report this week, nobody assigned yet.
    report = report_awaiting("inappropriate-relationship", used=reports, received_before=s.at(2)) or report_awaiting(
        "bribery-favours", used=reports, received_before=s.at(2)
    )
    if report is not None:
        made.append(s.from_report(2, report, title="Gifts from a prisoner's family", summary="Opened from a report."))
    else:
        made.append(
            s.open(
                2,
                where=away,
                title="Gifts from a prisoner's family",
                category="bribery-favours",
                staff=[s.staff(away)],
                summary="A family pays for favours through an officer.",
            )
        )

    # Conditions at the governor's prison (no staff subject: the governor sees it), opened from a report if any.
    conditions_report = next(
        (
            found
            for code in ("sanitation-hygiene", "heating-water", "overcrowding")
            if (found := report_awaiting(code, used=reports, received_before=s.at(35)))
            and found.establishment_id == home.pk
        ),
        None,
    )
    if conditions_report is not None:
        showers = s.from_report(
            35,
            conditions_report,
            title="Showers and hot water out of order",
            summary="Showers broken for weeks on two landings.",
        )
    else:
        showers = s.open(
            35,
            where=home,
            title="Showers and hot water out of order",
            category="sanitation-hygiene",
            case_type=CaseType.CONDITIONS,
            summary="Showers broken for weeks on two landings.",
        )
    s.move(showers, 34, CaseStatus.INVESTIGATION)
    s.assign(showers, 34, cast.investigator)
    s.task(showers, 30, "Ask the works department for the repair record", due_in=-5, by=cast.investigator)
    made.append(showers)

    # About a contractor at the governor's prison: outside the governor's line management, so they see it.
    contractor = s.staff(home, grades=(StaffGrade.CONTRACTOR, StaffGrade.HEALTHCARE, StaffGrade.OTHER))
    force = s.open(
        150,
        where=home,
        title="Force used after a prisoner stopped resisting",
        category="abuse-of-position",
        staff=[contractor],
        summary="Restraint held long after it was needed.",
    )
    s.move(force, 149, CaseStatus.INVESTIGATION)
    s.assign(force, 148, cast.investigator, cast.colleague)
    s.move(force, 60, CaseStatus.DECISION)
    s.decide(force, 55, "Refer to a conduct hearing", "Camera footage contradicts the written account.")
    s.move(force, 40, CaseStatus.OUTCOME)
    s.outcome(force, 40, OutcomeKind.FINAL_WRITTEN_WARNING)
    made.append(force)

    # Closed with an outcome, then reopened when new information arrived.
    canteen = s.open(
        300,
        where=away,
        title="Better jobs for canteen credit",
        category="bribery-favours",
        staff=[s.staff(away)],
        summary="Workshop jobs traded for canteen credit.",
    )
    s.move(canteen, 299, CaseStatus.INVESTIGATION)
    s.assign(canteen, 298, cast.investigator)
    s.move(canteen, 200, CaseStatus.DECISION, CaseStatus.OUTCOME)
    s.outcome(canteen, 199, OutcomeKind.MANAGEMENT_ADVICE)
    s.move(canteen, 195, CaseStatus.CLOSED)
    s.move(canteen, 15, CaseStatus.INVESTIGATION, reason="A second report names the same officer.")
    made.append(canteen)

    # Closed: theft from property, resigned during the investigation, then charged and convicted.
    theft = s.open(
        400,
        where=others[1] if len(others) > 1 else away,
        title="Money missing from prisoners' property",
        category="theft-fraud",
        staff=[s.staff(others[1] if len(others) > 1 else away)],
        summary="Cash missing from sealed property bags.",
    )
    s.move(theft, 399, CaseStatus.INVESTIGATION)
    s.assign(theft, 398, cast.colleague)
    s.move(theft, 250, CaseStatus.DECISION, CaseStatus.OUTCOME)
    s.outcome(theft, 250, OutcomeKind.RESIGNED, OutcomeKind.REFERRED_TO_POLICE)
    s.outcome(theft, 120, OutcomeKind.CHARGED)
    s.outcome(theft, 20, OutcomeKind.CONVICTED)
    s.move(theft, 18, CaseStatus.CLOSED)
    made.append(theft)

    # Closed from triage: nothing to pursue.
    rumour = s.open(
        70,
        where=away,
        title="Rumour of an escape plan",
        category=None,
        case_type=CaseType.SAFEGUARDING,
        summary="An unsourced rumour on the wing.",
    )
    s.move(rumour, 65, CaseStatus.CLOSED, reason="No information to act on beyond the rumour itself.")
    made.append(rumour)
    return made


def history(s: Seeder, count: int) -> int:
    """Older cases across the estate over two years, most closed with an outcome, so the dashboards have a past."""
    places = list(Establishment.objects.order_by("code"))
    categories = [c for c, _ in _HISTORY_CATEGORIES]
    weights = [w for _, w in _HISTORY_CATEGORIES]
    for number in range(count):
        where = s.rng.choice(places)
        category = s.rng.choices(categories, weights)[0]
        opened = s.rng.randint(60, 720)
        member = s.staff(where)
        case = s.open(
            opened,
            where=where,
            title=f"{category.replace('-', ' ').capitalize()} ({number + 1})",
            category=category,
            staff=[member],
            summary="A fictional case from the demo's history.",
        )
        s.move(case, opened - 1, CaseStatus.INVESTIGATION)
        s.assign(case, opened - 1, s.rng.choice((s.cast.investigator, s.cast.colleague)))
        length = s.rng.randint(40, 220)
        if opened - length < 5:  # still running
            continue
        endings = _ENDINGS.get(category, _ENDINGS["default"])
        kind = s.rng.choices([k for k, _ in endings], [w for _, w in endings])[0]
        s.move(case, opened - length, CaseStatus.DECISION, CaseStatus.OUTCOME)
        s.outcome(case, opened - length - 1, kind)
        s.move(case, opened - length - 3, CaseStatus.CLOSED)
    return count
