"""Fictional cases for the demo, so that each demo role signs in to a living caseload (issue 4, item 11).

Everything goes through the real services (lifecycle, triage, work, external), so every case is encrypted,
audited, on its timeline and under the one policy exactly as a real one would be, and each step runs on the day
it "happened" (custodes.demo.cases.seeder), so the cases have a past.

What a newcomer meets:

* the counter-corruption lead opened every case, so is named on the restricted ones and sees them all; their
  dashboard has two years of outcomes;
* the demo investigator is assigned to some cases and not others (a colleague investigator has the rest), with
  overdue, due and done tasks, notes and an interview record, and a restricted case they are named on;
* the demo staff member is the subject of an open case, which they never see; the demo governor line-manages
  the officers of their prison (through its custodial managers), so they see the prison's conditions case and a
  case about a contractor, but not the cases about their own staff;
* a suspended officer, a parallel police investigation with a disclosure, a closed case that was reopened, and
  outcomes across the whole range.

All names, events and references are invented. Deterministic for a seed (the random draws and the order of the
writes); the dates move with the calendar.
"""

from __future__ import annotations

import random

from custodes.accounts.models import RoleGrant, User
from custodes.core.roles import Role
from custodes.demo import names
from custodes.demo.cases.seeder import MANAGER_GRADES, OFFICER_GRADES, Cast, Seeder
from custodes.demo.cases.stories import featured, history
from custodes.estate.models import Establishment, StaffGrade, StaffMember

COLLEAGUE_USERNAME = "demo-colleague-investigator"


def assign_line_managers() -> int:
    """Line management in every establishment: the governor manages its managers, and custodial managers (or,
    where there are none, the managers, else the governor) manage its officers, each in turn by staff number.
    Returns how many people were given a manager."""
    changed: list[StaffMember] = []
    for establishment in Establishment.objects.order_by("code"):
        staff = list(StaffMember.objects.filter(current_establishment=establishment).order_by("staff_number"))
        governors = [m for m in staff if m.grade == StaffGrade.GOVERNOR]
        if not governors:
            continue
        governor = governors[0]
        managers = [m for m in staff if m.grade in MANAGER_GRADES]
        custodial = [m for m in managers if m.grade == StaffGrade.CUSTODIAL_MANAGER] or managers or [governor]
        for member in managers:
            member.line_manager = governor
            changed.append(member)
        officers = [m for m in staff if m.grade in OFFICER_GRADES]
        for index, member in enumerate(officers):
            member.line_manager = custodial[index % len(custodial)]
            changed.append(member)
    StaffMember.objects.bulk_update(changed, ["line_manager"], batch_size=500)
    return len(changed)


class DemoCastMissing(RuntimeError):
    """The demo accounts the cases are built around are not there: seed-demo creates them first, so this is a bug."""


def _cast(rng: random.Random) -> Cast:
    accounts = {u.username: u for u in User.objects.filter(username__startswith="demo-").select_related("staff_member")}
    needed = ("demo-counter-corruption-lead", "demo-investigator", "demo-staff")
    missing = [name for name in needed if name not in accounts]
    if missing:
        raise DemoCastMissing(f"the demo cases need the accounts {', '.join(missing)}, created before them")
    lead, investigator, staff = (accounts[name] for name in needed)
    if staff.staff_member is None or staff.staff_member.current_establishment is None:
        raise DemoCastMissing("the demo cases need demo-staff to be a member of staff at an establishment")
    colleague = accounts.get(COLLEAGUE_USERNAME)
    if colleague is None:
        # A second investigator, so that the demo investigator is on some cases and not others. No sign-in: the
        # password is unusable and there is no authenticator or token (only the nine role accounts sign in).
        first, last = rng.choice(names.FIRST_NAMES_WOMEN), rng.choice(names.LAST_NAMES)
        colleague = User(username=COLLEAGUE_USERNAME, first_name=first, last_name=last, full_name=f"{first} {last}")
        colleague.set_unusable_password()
        colleague.save()
        RoleGrant.objects.create(user=colleague, role=Role.INVESTIGATOR.value, establishment=None)
    return Cast(lead, investigator, colleague, staff, staff.staff_member.current_establishment)


def seed_cases(*, rng: random.Random, scale: float = 1.0) -> int:
    """Line management, the featured cases and a scaled history, around the demo accounts (which must exist);
    returns how many cases were made."""
    cast = _cast(rng)
    assign_line_managers()
    seeder = Seeder(cast, rng)
    return len(featured(seeder)) + history(seeder, max(4, round(60 * scale)))
