"""Who may see and work evidence, for every role and every relationship to the case (DESIGN.md §3), on the pages
and in the services: 200 when allowed; 403 when the role may never take the action (whatever the case); 404 when
the case is out of scope or hidden by need-to-know, with exactly the bytes of a case that does not exist.

The expected answers are written out here from the design, independently of custodes.cases.policies.
"""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from custodes.accounts.models import User
from custodes.cases.bundle.export import export_bundle
from custodes.cases.models import Evidence
from custodes.cases.services import evidence as services
from custodes.core.roles import Role
from custodes.testing.personas import persona, signed_in_client

from .evidence_support import Setting, file_store, normalised, setting, world  # noqa: F401

pytestmark = pytest.mark.django_db

VIEW, WORK, EXPORT = "view", "work", "export"
# Relationship → (view, work, export) status. "restricted" cases are restricted naming the lead who opened it
# and the assigned investigator.
TABLE: dict[str, tuple[int, int, int]] = {
    "assigned investigator": (200, 200, 200),
    "unassigned investigator": (404, 404, 404),
    "lead who opened it": (200, 200, 200),
    "another lead": (200, 200, 200),
    "another lead, restricted case": (404, 404, 404),
    "assigned investigator, restricted case": (200, 200, 200),
    "subject (a lead)": (404, 404, 404),
    "subject's line manager (a governor)": (404, 403, 403),
    "governor at the prison": (200, 403, 403),
    "governor at the prison, restricted case": (404, 403, 403),
    "governor elsewhere": (404, 403, 403),
    "triager at the prison": (403, 403, 403),
    "staff at the prison": (403, 403, 403),
    "reporter liaison": (403, 403, 403),
    "inspector": (403, 403, 403),
    "analyst": (403, 403, 403),
    "system administrator": (403, 403, 403),
}


def _who(setting: Setting, relationship: str) -> User:
    if relationship.endswith("restricted case"):
        setting.restrict(setting.investigator)
    return {
        "assigned investigator": lambda: setting.investigator,
        "unassigned investigator": lambda: setting.unassigned,
        "lead who opened it": lambda: setting.lead,
        "another lead": lambda: setting.other_lead,
        "another lead, restricted case": lambda: setting.other_lead,
        "assigned investigator, restricted case": lambda: setting.investigator,
        "subject (a lead)": lambda: setting.subject_user,
        "subject's line manager (a governor)": lambda: setting.line_manager,
        "governor at the prison": lambda: setting.governor,
        "governor at the prison, restricted case": lambda: setting.governor,
        "governor elsewhere": lambda: setting.other_governor,
        "triager at the prison": lambda: persona(Role.TRIAGER, setting.prison),
        "staff at the prison": lambda: persona(Role.STAFF, setting.prison),
        "reporter liaison": lambda: persona(Role.REPORTER_LIAISON),
        "inspector": lambda: persona(Role.INSPECTOR),
        "analyst": lambda: persona(Role.ANALYST),
        "system administrator": lambda: persona(Role.SYSTEM_ADMINISTRATOR),
    }[relationship]()


# Pages: (URL name, needs an exhibit, which kind, action).
PAGES = [
    ("evidence-list", None, VIEW),
    ("evidence-detail", "digital", VIEW),
    ("evidence-detail", "physical", VIEW),
    ("evidence-download", "digital", VIEW),
    ("evidence-add-digital", None, WORK),
    ("evidence-add-physical", None, WORK),
    ("evidence-from-report", None, WORK),
    ("evidence-transfer", "physical", WORK),
    ("evidence-export", None, EXPORT),
]
ACTIONS = (VIEW, WORK, EXPORT)


def _url(name: str, reference: str, exhibit: str | None) -> str:
    kwargs = {"reference": reference}
    if exhibit is not None:
        kwargs["exhibit"] = exhibit
    return reverse(f"cases:{name}", kwargs=kwargs)


@pytest.mark.parametrize("relationship", list(TABLE))
def test_every_page_answers_as_the_table_says(setting: Setting, relationship: str):
    exhibits = {"digital": setting.add_file(actor=setting.lead), "physical": setting.add_item(actor=setting.lead)}
    user = _who(setting, relationship)
    client = signed_in_client(user)
    missing = "C-2099-999999"  # no such case
    for name, kind, action in PAGES:
        exhibit = exhibits[kind].reference.rsplit("/", 1)[1] if kind else None
        expected = TABLE[relationship][ACTIONS.index(action)]
        response = client.get(_url(name, setting.case.reference, exhibit))
        assert response.status_code == expected, (name, kind, relationship)
        if expected == 404:
            absent = client.get(_url(name, missing, exhibit))
            assert absent.status_code == 404
            assert normalised(response.content) == normalised(absent.content), (name, relationship)
        if expected == 200 and kind:
            # An exhibit number that does not exist in a case the user may see: 404 as well.
            assert client.get(_url(name, setting.case.reference, "E999")).status_code == 404


def _service_calls(setting: Setting, digital: Evidence, physical: Evidence) -> dict[str, Callable[[User], object]]:
    return {
        VIEW: lambda user: services.open_file(actor=user, evidence=digital),
        WORK: lambda user: services.transfer(
            actor=user,
            evidence=physical,
            to_holder=f"Store {user.pk}",
            location=f"Shelf {user.pk}",
            reason="Moved",
            seal_intact=True,
        ),
        EXPORT: lambda user: export_bundle(actor=user, case=setting.case, recipient="Panel", reason="Hearing"),
    }


@pytest.mark.parametrize("relationship", list(TABLE))
def test_every_service_answers_as_the_table_says(setting: Setting, relationship: str):
    digital, physical = setting.add_file(actor=setting.lead), setting.add_item(actor=setting.lead)
    user = _who(setting, relationship)
    # As every request does: the exhibits read afresh, after any restriction.
    digital, physical = (Evidence.objects.select_related("case").get(pk=e.pk) for e in (digital, physical))
    calls = _service_calls(setting, digital, physical)
    for action in ACTIONS:
        expected = TABLE[relationship][ACTIONS.index(action)]
        if expected == 200:
            result = calls[action](user)
            if hasattr(result, "file"):
                result.file.close()
        else:
            with pytest.raises(PermissionDenied if expected == 403 else Http404):
                calls[action](user)
    for user_may_add in (services.receive_physical,):
        if TABLE[relationship][1] != 200:
            with pytest.raises((PermissionDenied, Http404)):
                user_may_add(actor=user, case=setting.case, description="x", seal_number="S", location="L")


def test_signed_out_is_sent_to_sign_in(setting: Setting):
    from django.test import Client

    response = Client(HTTP_HOST="127.0.0.1").get(_url("evidence-list", setting.case.reference, None))
    assert response.status_code == 302
    assert "sign-in" in response["Location"]


def test_wrong_methods_are_refused(setting: Setting):
    evidence = setting.add_file()
    client = signed_in_client(setting.investigator)
    number = evidence.reference.rsplit("/", 1)[1]
    assert client.post(_url("evidence-download", setting.case.reference, number)).status_code == 405
    assert client.post(_url("evidence-list", setting.case.reference, None)).status_code == 405
    assert client.put(_url("evidence-export", setting.case.reference, None)).status_code == 405
