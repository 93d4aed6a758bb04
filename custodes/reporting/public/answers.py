"""The journey's answers two ways: as a Submission for services.submit_report, and as rows to check before sending."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from custodes.reporting.intake import Contact, Submission, UploadedContent
from custodes.reporting.models import Anonymity, Channel, ReporterRole
from custodes.reporting.public import choices, steps
from custodes.reporting.public.forms import (
    ANONYMITY_CHOICES,
    CONTACT_KIOSK_CHOICES,
    CONTACT_WEB_CHOICES,
    KIOSK_WHEN_CHOICES,
    KIOSK_WHEN_RECORDED,
    ROLE_CHOICES,
)
from custodes.reporting.public.state import JourneyState


def occurred_on(state: JourneyState) -> dt.date | None:
    answers = state.answers
    if state.kiosk:
        today = timezone.localdate()
        return {"today": today, "yesterday": today - dt.timedelta(days=1)}.get(answers.get("when", ""))
    if answers.get("date_known"):
        try:
            return dt.date(int(answers["year"]), int(answers["month"]), int(answers["day"]))
        except (KeyError, ValueError):
            return None
    return None


def occurred_approximately(state: JourneyState) -> str:
    if state.kiosk and state.answers.get("when") in KIOSK_WHEN_RECORDED:
        return KIOSK_WHEN_RECORDED[state.answers["when"]]
    return str(state.answers.get("about", ""))


def to_submission(state: JourneyState, uploads: tuple[UploadedContent, ...]) -> Submission:
    answers = state.answers
    contact = answers.get("contact") or {}
    role = ReporterRole.PRISONER if state.kiosk else ReporterRole(answers.get("role", ReporterRole.UNDISCLOSED))
    return Submission(
        category=str(answers.get("category", "")),
        establishment=steps.establishment_of(state),
        narrative=str(answers.get("narrative", "")),
        reporter_role=role,
        channel=Channel.KIOSK if state.kiosk else Channel.WEB,
        anonymity=Anonymity(answers.get("anonymity", Anonymity.ANONYMOUS)),
        unit=str(answers.get("unit", "")),
        place=str(answers.get("place", "")),
        occurred_on=occurred_on(state),
        occurred_approximately=occurred_approximately(state),
        involved=str(answers.get("involved", "")),
        staff_numbers=tuple(answers.get("staff_numbers", [])),
        prison_numbers=tuple(answers.get("prison_numbers", [])),
        contact=Contact(
            name=contact.get("name", ""),
            email=contact.get("email", ""),
            phone=contact.get("phone", ""),
            postal_address=contact.get("postal_address", ""),
            prison_number=contact.get("prison_number", ""),
            staff_number=contact.get("staff_number", ""),
            preferred=contact.get("preferred", ""),
            safe_times=contact.get("safe_times", ""),
        ),
        files=uploads,
        language=state.language,
    )


@dataclass
class Row:
    key: str
    lines: list[str]
    change: str  # the step to change it on
    change_label: str  # what is changed, for screen readers ("Change who you are")
    multiline: bool = False
    href: str = ""  # where its Change button posts
    anchor: str = ""  # the id an error summary links to (first row of each step only: ids are unique)


@dataclass
class Section:
    heading: str
    rows: list[Row] = field(default_factory=list)


def _label(options: Sequence[tuple[str, object]], value: str) -> str:
    return next((str(label) for key, label in options if key == value), value)


def _not_given() -> list[str]:
    return [_("Not given")]


def _when(state: JourneyState) -> list[str]:
    date = occurred_on(state)
    if state.kiosk:
        lines = [_label(KIOSK_WHEN_CHOICES, state.answers.get("when", ""))]
        if date:
            lines.append(formats.date_format(date, "j F Y"))
        if state.answers.get("about"):
            lines.append(state.answers["about"])
        return lines
    if date:
        return [formats.date_format(date, "j F Y")]
    return [state.answers["about"]] if state.answers.get("about") else [_("I do not know the exact date")]


def sections(state: JourneyState, language: str) -> list[Section]:
    answers = state.answers
    about = Section(_("About the report"))
    if not state.kiosk:
        about.rows.append(
            Row(_("Who you are"), [_label(ROLE_CHOICES, answers.get("role", ""))], "who-you-are", _("who you are"))
        )
    about.rows.append(
        Row(
            _("What it is about"),
            [choices.category_label(answers.get("category", ""), language)],
            "what-it-is-about",
            _("what it is about"),
        )
    )
    if not state.preset_establishment:
        about.rows.append(
            Row(_("Prison"), [choices.establishment_name(answers.get("establishment", ""))], "where", _("the prison"))
        )
    establishment = steps.establishment_of(state)
    unit = answers.get("unit", "")
    about.rows.append(
        Row(
            _("Wing or unit"),
            [choices.unit_name(establishment, unit)] if unit else _not_given(),
            "where-exactly",
            _("the wing or unit"),
        )
    )
    about.rows.append(
        Row(_("Place"), [answers["place"]] if answers.get("place") else _not_given(), "where-exactly", _("the place"))
    )
    about.rows.append(Row(_("When"), _when(state), "when", _("when it happened")))

    involved = Section(_("Who was involved and what happened"))
    involved.rows += [
        Row(
            _("Who was involved"),
            [answers["involved"]] if answers.get("involved") else _not_given(),
            "who-was-involved",
            _("who was involved"),
            multiline=True,
        ),
        Row(
            _("Staff numbers"),
            [", ".join(answers["staff_numbers"])] if answers.get("staff_numbers") else _not_given(),
            "who-was-involved",
            _("staff numbers"),
        ),
        Row(
            _("Prison numbers"),
            [", ".join(answers["prison_numbers"])] if answers.get("prison_numbers") else _not_given(),
            "who-was-involved",
            _("prison numbers"),
        ),
        Row(_("What happened"), [answers.get("narrative", "")], "what-happened", _("what happened"), multiline=True),
    ]
    if not state.kiosk:
        involved.rows.append(
            Row(
                _("Files"),
                [pending.name for pending in state.files] or [_("No files")],
                "files",
                _("files"),
            )
        )

    contact = Section(_("Contact"))
    anonymity = answers.get("anonymity", "")
    contact.rows.append(
        Row(_("Telling us who you are"), [_label(ANONYMITY_CHOICES, anonymity)], "contact", _("telling us who you are"))
    )
    details = answers.get("contact") or {}
    if anonymity in (Anonymity.CONFIDENTIAL, Anonymity.NAMED) and details:
        how = CONTACT_KIOSK_CHOICES if state.kiosk else CONTACT_WEB_CHOICES
        lines = [_label(how, details.get("preferred", ""))]
        lines += [details[name] for name in ("phone", "email", "postal_address") if details.get(name)]
        contact.rows.append(Row(_("Your name"), [details.get("name", "")], "contact-details", _("your name")))
        contact.rows.append(Row(_("How we can contact you"), lines, "contact-details", _("how we can contact you")))
        numbers = [n for n in (details.get("prison_number"), details.get("staff_number")) if n]
        if numbers:
            contact.rows.append(Row(_("Your number"), numbers, "contact-details", _("your number")))
        if details.get("safe_times"):
            contact.rows.append(
                Row(_("Safe times to contact you"), [details["safe_times"]], "contact-details", _("safe times"))
            )
    return [about, involved, contact]


# Which page fixes each field a service refusal names.
FIELD_STEPS = {
    "category": "what-it-is-about",
    "establishment": "where",
    "unit": "where-exactly",
    "place": "where-exactly",
    "occurred_on": "when",
    "occurred_approximately": "about-when",
    "involved": "who-was-involved",
    "staff_numbers": "who-was-involved",
    "prison_numbers": "who-was-involved",
    "narrative": "what-happened",
    "files": "files",
    "contact": "contact-details",
    "anonymity": "contact",
}
