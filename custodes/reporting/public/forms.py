"""The questions of the public journey, one form per page, with messages in the reporter's language.

Every message is marked for translation and read when the form is validated, in the language of the request.
The services check everything again (services.submit_report): these forms are for clear, early messages.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodes.estate.models import PRISON_NUMBER_PATTERN, STAFF_NUMBER_PATTERN
from custodes.reporting.intake import INVOLVED_MAX_CHARS, MESSAGE_MAX_CHARS, NARRATIVE_MAX_CHARS, PLACE_MAX_CHARS
from custodes.reporting.models import Anonymity, ReporterRole

ABOUT_MAX_CHARS = 100
NUMBERS_MAX_CHARS = 300
CONTACT_FIELD_MAX_CHARS = 300
_SEPARATORS = re.compile(r"[\s,;]+")

ROLE_CHOICES = [
    (ReporterRole.PRISONER.value, gettext_lazy("I am in prison")),
    (ReporterRole.FAMILY.value, gettext_lazy("I am family or a friend of someone in prison")),
    (ReporterRole.VISITOR.value, gettext_lazy("I visited a prison")),
    (ReporterRole.STAFF.value, gettext_lazy("I work in a prison")),
    (ReporterRole.CONTRACTOR.value, gettext_lazy("I am a contractor or volunteer in a prison")),
    (ReporterRole.PUBLIC.value, gettext_lazy("I am a member of the public")),
    (ReporterRole.UNDISCLOSED.value, gettext_lazy("I would rather not say")),
]

ANONYMITY_CHOICES = [
    (Anonymity.ANONYMOUS.value, gettext_lazy("No, I want to stay anonymous")),
    (Anonymity.CONFIDENTIAL.value, gettext_lazy("Yes, but keep my name secret")),
    (Anonymity.NAMED.value, gettext_lazy("Yes, and my name can be shared with the people looking into it")),
]

ANONYMITY_HINTS = {
    Anonymity.ANONYMOUS.value: gettext_lazy(
        "We will not know who you are. You can still read our replies and tell us more, using your receipt number."
    ),
    Anonymity.CONFIDENTIAL.value: gettext_lazy(
        "Only a small team that looks after people who report will see your name. "
        "The people looking into your report will not see it."
    ),
    Anonymity.NAMED.value: gettext_lazy(
        "The people looking into your report will see your name. This can help them find out what happened."
    ),
}

CONTACT_WEB_CHOICES = [
    ("follow_up", gettext_lazy("Only through this website, using my receipt number")),
    ("phone", gettext_lazy("By phone")),
    ("email", gettext_lazy("By email")),
    ("letter", gettext_lazy("By letter")),
    ("in_person", gettext_lazy("In person, if I am in prison")),
]

CONTACT_KIOSK_CHOICES = [
    ("follow_up", gettext_lazy("Only on this screen, using my receipt number")),
    ("in_person", gettext_lazy("Come and talk to me in private")),
    ("letter", gettext_lazy("Send me a letter")),
]

KIOSK_WHEN_CHOICES = [
    ("today", gettext_lazy("Today")),
    ("yesterday", gettext_lazy("Yesterday")),
    ("week", gettext_lazy("In the last 7 days")),
    ("longer", gettext_lazy("Longer ago")),
    ("unsure", gettext_lazy("I am not sure")),
]
# What handlers read for the kiosk's "about when" answers (handlers work in English).
KIOSK_WHEN_RECORDED = {"week": "In the last 7 days", "unsure": "Not sure"}


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def too_long(limit: int) -> str:
    return _("Use %(limit)s characters or fewer") % {"limit": f"{limit:,}"}


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].error_messages = {
            "required": _("Select who you are"),
            "invalid_choice": _("Select who you are"),
        }


class CategoryForm(forms.Form):
    category = forms.ChoiceField()

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "category").choices = [(code, code) for code in codes]
        self.fields["category"].error_messages = {
            "required": _("Select what your report is about"),
            "invalid_choice": _("Select what your report is about"),
        }


class EstablishmentForm(forms.Form):
    establishment = forms.ChoiceField()

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "establishment").choices = [("", ""), *((code, code) for code in codes)]
        self.fields["establishment"].error_messages = {
            "required": _("Select the prison where it happened"),
            "invalid_choice": _("Select the prison where it happened"),
        }


class PlaceForm(forms.Form):
    unit = forms.ChoiceField(required=False)
    place = forms.CharField(required=False, strip=True)

    def __init__(self, *args: Any, unit_codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "unit").choices = [("", ""), *((code, code) for code in unit_codes)]
        self.fields["unit"].error_messages = {"invalid_choice": _("Select a wing from the list, or leave it empty")}

    def clean_place(self) -> str:
        place: str = self.cleaned_data["place"]
        if len(place) > PLACE_MAX_CHARS:
            raise forms.ValidationError(too_long(PLACE_MAX_CHARS))
        return place


class DateForm(forms.Form):
    """Day, month and year in three boxes (GOV.UK date input); errors name the part that is missing or wrong."""

    day = forms.CharField(required=False, strip=True)
    month = forms.CharField(required=False, strip=True)
    year = forms.CharField(required=False, strip=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = {name: data.get(name, "") for name in ("day", "month", "year")}
        missing = [name for name, value in parts.items() if not value]
        if len(missing) == 3:
            self.add_error(
                "day",
                _("Enter the date it happened, or select ‘I do not know the exact date’"),  # noqa: RUF001
            )
            return data
        if missing:
            words = {"day": _("a day"), "month": _("a month"), "year": _("a year")}
            self.add_error(missing[0], _("The date must include %(part)s") % {"part": words[missing[0]]})
            return data
        if not all(value.isdigit() for value in parts.values()) or len(parts["year"]) != 4:
            self.add_error("day", _("Enter a real date, for example 27 3 2025"))
            return data
        try:
            date = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            self.add_error("day", _("Enter a real date, for example 27 3 2025"))
            return data
        if date > timezone.localdate():
            self.add_error("day", _("The date must be today or in the past"))
        elif date.year < 1950:
            self.add_error("year", _("The year must be 1950 or later"))
        else:
            data["date"] = date
        return data


class AboutWhenForm(forms.Form):
    about = forms.CharField(required=False, strip=True)

    def clean_about(self) -> str:
        about: str = self.cleaned_data["about"]
        if len(about) > ABOUT_MAX_CHARS:
            raise forms.ValidationError(too_long(ABOUT_MAX_CHARS))
        return about


class KioskWhenForm(forms.Form):
    when = forms.ChoiceField(choices=KIOSK_WHEN_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["when"].error_messages = {
            "required": _("Choose when it happened"),
            "invalid_choice": _("Choose when it happened"),
        }


def split_numbers(text: str) -> list[str]:
    return [part.upper() for part in _SEPARATORS.split(text) if part]


def _numbers(text: str, pattern: str, message: str) -> list[str]:
    if len(text) > NUMBERS_MAX_CHARS:
        raise forms.ValidationError(too_long(NUMBERS_MAX_CHARS))
    numbers = split_numbers(text)
    for number in numbers:
        if not re.fullmatch(pattern, number):
            raise forms.ValidationError(message % {"number": number[:20]})
    return list(dict.fromkeys(numbers))


class InvolvedForm(forms.Form):
    involved = forms.CharField(required=False, strip=True)
    staff_numbers = forms.CharField(required=False, strip=True)
    prison_numbers = forms.CharField(required=False, strip=True)

    def clean_involved(self) -> str:
        involved: str = self.cleaned_data["involved"]
        if len(involved) > INVOLVED_MAX_CHARS:
            raise forms.ValidationError(too_long(INVOLVED_MAX_CHARS))
        return involved

    def clean_staff_numbers(self) -> list[str]:
        return _numbers(
            self.cleaned_data["staff_numbers"],
            STAFF_NUMBER_PATTERN,
            _("‘%(number)s’ is not a staff number. Staff numbers have 4 to 12 letters and numbers"),  # noqa: RUF001
        )

    def clean_prison_numbers(self) -> list[str]:
        return _numbers(
            self.cleaned_data["prison_numbers"],
            PRISON_NUMBER_PATTERN,
            _("‘%(number)s’ is not a prison number. Prison numbers look like A1234BC"),  # noqa: RUF001
        )


class NarrativeForm(forms.Form):
    narrative = forms.CharField(strip=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["narrative"].error_messages = {"required": _("Tell us what happened")}

    def clean_narrative(self) -> str:
        narrative: str = self.cleaned_data["narrative"]
        if len(narrative) > NARRATIVE_MAX_CHARS:
            raise forms.ValidationError(too_long(NARRATIVE_MAX_CHARS))
        return narrative


class AnonymityForm(forms.Form):
    anonymity = forms.ChoiceField(choices=ANONYMITY_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["anonymity"].error_messages = {
            "required": _("Select whether you want to tell us who you are"),
            "invalid_choice": _("Select whether you want to tell us who you are"),
        }


class ContactForm(forms.Form):
    """Who you are and how we may reach you (sealed with the identity, seen only by a reporter liaison officer)."""

    name = forms.CharField(required=False, strip=True)
    preferred = forms.ChoiceField(choices=CONTACT_WEB_CHOICES)
    phone = forms.CharField(required=False, strip=True)
    email = forms.CharField(required=False, strip=True)
    postal_address = forms.CharField(required=False, strip=True)
    prison_number = forms.CharField(required=False, strip=True)
    staff_number = forms.CharField(required=False, strip=True)
    safe_times = forms.CharField(required=False, strip=True)

    def __init__(self, *args: Any, kiosk: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kiosk = kiosk
        if kiosk:
            choice_field(self, "preferred").choices = CONTACT_KIOSK_CHOICES
        self.fields["preferred"].error_messages = {
            "required": _("Select how we can contact you"),
            "invalid_choice": _("Select how we can contact you"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("name", "phone", "email", "postal_address", "safe_times"):
            if len(data.get(name, "")) > CONTACT_FIELD_MAX_CHARS:
                self.add_error(name, too_long(CONTACT_FIELD_MAX_CHARS))
        if not data.get("name"):
            self.add_error("name", _("Enter your name"))
        preferred = data.get("preferred")
        if preferred == "phone" and not data.get("phone"):
            self.add_error("phone", _("Enter a phone number"))
        elif preferred == "phone" and not re.fullmatch(r"[0-9+()\-\s]{6,30}", data["phone"]):
            self.add_error("phone", _("Enter a phone number, like 01632 960 001 or 07700 900 982"))
        if preferred == "email":
            try:
                validate_email(data.get("email", ""))
            except forms.ValidationError:
                self.add_error("email", _("Enter an email address, like name@example.com"))
        if preferred == "letter" and not data.get("postal_address") and not self.kiosk:
            self.add_error("postal_address", _("Enter the address to write to"))
        if (preferred == "letter" or preferred == "in_person") and self.kiosk and not data.get("prison_number"):
            self.add_error("prison_number", _("Enter your prison number, so we can find you"))
        prison_number = data.get("prison_number", "").replace(" ", "").upper()
        if prison_number and not re.fullmatch(PRISON_NUMBER_PATTERN, prison_number):
            self.add_error("prison_number", _("Enter a prison number like A1234BC"))
        data["prison_number"] = prison_number
        staff_number = data.get("staff_number", "").replace(" ", "").upper()
        if staff_number and not re.fullmatch(STAFF_NUMBER_PATTERN, staff_number):
            self.add_error("staff_number", _("Enter a staff number of 4 to 12 letters and numbers"))
        data["staff_number"] = staff_number
        # Keep only the way of contact chosen: a phone number typed and then abandoned is not sealed away.
        for name, needed_for in (("phone", "phone"), ("email", "email")):
            if preferred != needed_for:
                data[name] = ""
        if preferred != "letter" and not self.kiosk:
            data["postal_address"] = ""
        return data


class ReceiptForm(forms.Form):
    receipt = forms.CharField(strip=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receipt"].error_messages = {"required": _("Enter your receipt number")}

    def clean_receipt(self) -> str:
        from custodes.reporting import receipts

        value: str = self.cleaned_data["receipt"]
        digits = receipts.normalise(value)
        if digits is None:
            raise forms.ValidationError(_("Enter the 16 numbers of your receipt, like 1234 5678 9012 3456"))
        return digits


class AddInformationForm(forms.Form):
    body = forms.CharField(required=False, strip=True)
    correction = forms.BooleanField(required=False)

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if len(body) > MESSAGE_MAX_CHARS:
            raise forms.ValidationError(too_long(MESSAGE_MAX_CHARS))
        return body
