"""A national-scale dataset for the scale benchmark (benchmarks/scale_bench.py), bulk-loaded with COPY.

Everything is fictional and drawn from one seed: establishments, staff with line management (governors over
custodial managers over officers), prisoners, accounts, reports over five years, and (in benchmarks/scale_cases.py)
cases with subjects, linked reports, investigators, named people, tasks, notes, decisions, outcomes and timelines,
and a tamper-evident audit chain that ``custodes audit verify`` accepts. What the service encrypts is encrypted here
too, each report and case under a data key of its own wrapped by the configured master key, so every page the
benchmark opens can decrypt what it shows. Rows go straight into the tables with COPY (the services would take
days for a million reports); the shapes follow what the services write.

Not generated (the measured pages never read them): report receipts, messages, attachments and sealed reporter
identities, triage decisions, evidence, external investigations, notifications.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

# Django and the project are imported inside the functions: the caller configures the environment first.

DAY = dt.timedelta(days=1)
YEARS = 5
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TITLES = {
    "inappropriate-relationship": "Relationship with a prisoner",
    "conveyance-trafficking": "Items conveyed",
    "unauthorised-disclosure": "Information disclosed",
    "abuse-of-position": "Abuse of position",
    "bribery-favours": "Favours for payment",
    "neglect-of-procedure": "Searches not done",
    "theft-fraud": "Property missing",
    "bullying-harassment": "Bullying of staff",
    "discrimination": "Unequal treatment",
}


@dataclass(frozen=True)
class Sizes:
    establishments: int = 120
    reports: int = 1_000_000
    cases: int = 200_000
    audit_events: int = 10_000_000
    staff_per_establishment: int = 250
    prisoners_per_establishment: int = 600
    investigators: int = 300
    leads: int = 10
    # The measured investigator's caseload: open cases now, and closed ones from the past.
    investigator_open_cases: int = 60
    investigator_closed_cases: int = 300


@dataclass
class Loaded:
    sizes: Sizes
    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    lead_username: str = "bench-lead"
    investigator_username: str = "bench-investigator"
    audit_head: tuple[int, str] = (0, "")


def _copy(model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """COPY rows (dicts keyed by column) into the model's table, in the column order of the first row."""
    from django.db import connection

    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    columns = list(first)
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write_row([first[c] for c in columns])
            count = 1
            for row in iterator:
                copy.write_row([row[c] for c in columns])
                count += 1
    return count


def _reset_sequences(*models: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), "
                f"COALESCE((SELECT MAX({pk}) FROM {table}), 1))"
            )


def _timed(loaded: Loaded, name: str, work: Callable[[], int]) -> None:
    started = time.perf_counter()
    loaded.rows[name] = work()
    loaded.seconds[name] = round(time.perf_counter() - started, 1)
    print(f"  {name}: {loaded.rows[name]:,} rows in {loaded.seconds[name]} s", flush=True)


def _code(n: int) -> str:
    return "Q" + _LETTERS[(n // 26) % 26] + _LETTERS[n % 26]


def _reference(prefix: str, moment: dt.datetime, counters: dict[tuple[str, int], int]) -> str:
    key = (prefix, moment.year)
    counters[key] = counters.get(key, 0) + 1
    return f"{prefix}-{moment.year}-{counters[key]:06d}"


# --- The estate and accounts -----------------------------------------------------------------------------------


def _estate(rng: random.Random, sizes: Sizes) -> tuple[list[int], dict[int, list[int]], dict[int, list[int]]]:
    """Establishments, staff with line managers, prisoners. Returns establishment ids, and per establishment the
    ids of its officers (possible subjects) and its prisoners."""
    from custodes.demo import names
    from custodes.estate.models import Establishment, Prisoner, StaffMember

    _copy(
        Establishment,
        (
            {
                "id": n + 1,
                "code": _code(n),
                "name": f"HMP Benchmoor {n + 1}",
                "category": "cat_b_local",
                "region": f"Region {n % 12 + 1}",
                "in_use_cna": 600,
                "operational_capacity": 900,
                "is_active": True,
            }
            for n in range(sizes.establishments)
        ),
    )
    officers: dict[int, list[int]] = {}
    staff_rows = []
    pk = 0
    for est in range(1, sizes.establishments + 1):
        governor = pk + 1
        managers = list(range(governor + 1, governor + 1 + max(2, sizes.staff_per_establishment // 25)))
        officers[est] = list(range(managers[-1] + 1, governor + sizes.staff_per_establishment))
        for member in range(governor, governor + sizes.staff_per_establishment):
            if member == governor:
                grade, manager = "governor", None
            elif member in managers:
                grade, manager = "band5", governor
            else:
                grade, manager = (
                    rng.choice(("band3", "band3", "band3", "band4", "osg")),
                    managers[member % len(managers)],
                )
            staff_rows.append(
                {
                    "id": member,
                    "staff_number": f"ZS{member:06d}",
                    "first_name": rng.choice(names.FIRST_NAMES_MEN + names.FIRST_NAMES_WOMEN),
                    "last_name": rng.choice(names.LAST_NAMES),
                    "grade": grade,
                    "current_establishment_id": est,
                    "line_manager_id": manager,
                }
            )
        pk = governor + sizes.staff_per_establishment - 1
    _copy(StaffMember, staff_rows)
    prisoners: dict[int, list[int]] = {}
    prisoner_rows = []
    for est in range(1, sizes.establishments + 1):
        start = (est - 1) * sizes.prisoners_per_establishment + 1
        prisoners[est] = list(range(start, start + sizes.prisoners_per_establishment))
        for number in prisoners[est]:
            prisoner_rows.append(
                {
                    "id": number,
                    "prison_number": f"{_LETTERS[number // 10000 % 26]}{number % 10000:04d}"
                    f"{_LETTERS[number // 260000 % 26]}{_LETTERS[number % 26]}",
                    "first_name": rng.choice(names.FIRST_NAMES_MEN),
                    "last_name": rng.choice(names.LAST_NAMES),
                    "current_establishment_id": est,
                    "current_cell_id": None,
                }
            )
    _copy(Prisoner, prisoner_rows)
    _reset_sequences(Establishment, StaffMember, Prisoner)
    return list(range(1, sizes.establishments + 1)), officers, prisoners


def _accounts(sizes: Sizes) -> tuple[list[int], list[int], int, int]:
    """Leads and investigators (national), through the ORM: a few hundred rows. Returns lead ids, investigator
    ids, and the two measured accounts' ids."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from custodes.accounts.models import RoleGrant, User

    def make(username: str, role: str) -> int:
        user = User(username=username, full_name=username.replace("-", " ").title())
        user.set_unusable_password()
        user.save()
        RoleGrant.objects.create(user=user, role=role, establishment=None)
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        return user.pk

    leads = [make("bench-lead", "counter_corruption_lead")]
    leads += [make(f"bench-lead-{n}", "counter_corruption_lead") for n in range(1, sizes.leads)]
    investigators = [make("bench-investigator", "investigator")]
    investigators += [make(f"bench-investigator-{n}", "investigator") for n in range(1, sizes.investigators)]
    return leads, investigators, leads[0], investigators[0]


# --- Reports ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Category:
    pk: int
    code: str
    routing: str


def _categories() -> list[_Category]:
    from custodes.reporting.models import Category

    return [_Category(pk, code, routing) for pk, code, routing in Category.objects.values_list("pk", "code", "routing")]


def _reports(
    rng: random.Random, sizes: Sizes, now: dt.datetime, places: list[int], officers: dict[int, list[int]]
) -> list[tuple[int, int, int, dt.datetime]]:
    """A million reports over five years, oldest first: the recent few days awaiting triage, nearly every older
    one acknowledged within 7 days and answered within 3 months. Returns (id, establishment, category, received)
    for linking to cases."""
    from custodes.core import crypto
    from custodes.reporting.models import Report
    from custodes.reporting.models import Subject as ReportSubject
    from custodes.reporting.services.intake import add_months

    categories = _categories()
    weights = [6 if c.routing == "national" else 4 for c in categories]
    counters: dict[tuple[str, int], int] = {}
    span = YEARS * 365 * 86400
    received = sorted(now - dt.timedelta(seconds=rng.randrange(span)) for _ in range(sizes.reports))
    index: list[tuple[int, int, int, dt.datetime]] = []
    subjects: list[dict[str, Any]] = []

    def rows() -> Iterator[dict[str, Any]]:
        for pk, moment in enumerate(received, start=1):
            category = rng.choices(categories, weights)[0]
            establishment = rng.choice(places)
            reference = _reference("R", moment, counters)
            key = crypto.new_data_key()
            wrapped = crypto.wrap_data_key(key, context=f"report:{reference}")
            age = (now - moment).days
            awaiting = age < 4 or rng.random() < 0.001
            acknowledged = None if awaiting or rng.random() < 0.01 else moment + rng.randint(1, 6) * DAY
            feedback_due = add_months(moment, 3)
            answered = feedback_due < now and acknowledged is not None and rng.random() < 0.98
            status = (
                rng.choice(("received", "acknowledged", "in_triage"))
                if awaiting
                else rng.choice(("no_further_action", "intelligence_only", "linked_to_case", "closed"))
            )
            index.append((pk, establishment, category.pk, moment))
            if category.routing == "national" and rng.random() < 0.5:
                subjects.append(
                    {
                        "report_id": pk,
                        "staff_member_id": rng.choice(officers[establishment]),
                        "prisoner_id": None,
                        "identifier": "",
                    }
                )
            yield {
                "id": pk,
                "reference": reference,
                "category_id": category.pk,
                "establishment_id": establishment,
                "unit_id": None,
                "place": "",
                "occurred_on": None,
                "occurred_approximately": "",
                "reporter_role": rng.choice(("prisoner", "family", "staff", "undisclosed")),
                "channel": rng.choice(("web", "kiosk", "phone", "letter")),
                "anonymity": rng.choice(("anonymous", "anonymous", "confidential")),
                "routed_to": category.routing,
                "status": status,
                "language": "en",
                "received_at": moment,
                "acknowledgement_due": moment + 7 * DAY,
                "acknowledged_at": acknowledged,
                "feedback_due": feedback_due,
                "feedback_given_at": moment + rng.randint(20, 85) * DAY if answered else None,
                "key_id": wrapped.master_key_id,
                "wrapped_key": wrapped.wrapped,
                "narrative": crypto.encrypt(
                    key, b"A fictional account for the benchmark.", associated_data=f"{reference}:narrative"
                ),
                "involved": crypto.encrypt(key, b"", associated_data=f"{reference}:involved"),
                "filer_tag": "",
                "recorded_by_id": None,
                "created_at": moment,
                "updated_at": moment,
            }

    _copy(Report, rows())
    _copy(ReportSubject, ({"id": n, **row} for n, row in enumerate(subjects, start=1)))
    _reset_sequences(Report, ReportSubject)
    _set_counters(counters)
    return index


def _set_counters(counters: dict[tuple[str, int], int]) -> None:
    """Reference counters where the load left them, so the service's next reference follows on."""
    from custodes.core.models import ReferenceCounter

    for (prefix, year), last in counters.items():
        ReferenceCounter.objects.update_or_create(prefix=prefix, year=year, defaults={"last": last})


# --- All of it -------------------------------------------------------------------------------------------------


def load(sizes: Sizes, *, seed: int = 1, now: dt.datetime | None = None) -> Loaded:
    """Generate and load the whole dataset into the (empty, migrated) database Django is configured for."""
    from django.db import connection, transaction

    from benchmarks import scale_cases
    from custodes.accounts.models import User
    from custodes.estate.models import Establishment

    now = now or dt.datetime.now(dt.UTC)
    rng = random.Random(seed)
    loaded = Loaded(sizes=sizes)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
        holder: dict[str, Any] = {}

        def estate() -> int:
            holder["places"], holder["officers"], holder["prisoners"] = _estate(rng, sizes)
            return sizes.establishments * (1 + sizes.staff_per_establishment + sizes.prisoners_per_establishment)

        _timed(loaded, "establishments, staff and prisoners", estate)

        def accounts() -> int:
            holder["leads"], holder["investigators"], _, _ = _accounts(sizes)
            return sizes.leads + sizes.investigators

        _timed(loaded, "accounts", accounts)

        def reports() -> int:
            holder["reports"] = _reports(rng, sizes, now, holder["places"], holder["officers"])
            return sizes.reports

        _timed(loaded, "reports", reports)
        plans = scale_cases.plans(
            rng,
            sizes,
            now,
            holder["places"],
            holder["officers"],
            holder["prisoners"],
            holder["reports"],
            holder["leads"],
            holder["investigators"],
        )
        del holder["reports"]
        scale_cases.cases(rng, plans, now, loaded)
        del plans
        users = {
            pk: (username, f"{'counter_corruption_lead' if 'lead' in username else 'investigator'}@national")
            for pk, username in User.objects.values_list("pk", "username")
        }
        codes = list(Establishment.objects.values_list("code", flat=True))
        scale_cases.audit_chain(rng, sizes, now, users, codes, loaded)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    loaded.seconds["vacuum analyze"] = round(time.perf_counter() - started, 1)
    return loaded
