"""The pages of the public journey, in order, and what each one asks, shows and saves into the journey state.

The web journey and the kiosk journey share most pages. The kiosk skips "who you are" (a wing terminal is used by
people in prison), the prison (when the terminal's address names it) and files (terminals have none to send),
and asks "when" with a few plain choices instead of a date.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from custodes.reporting.intake import INVOLVED_MAX_CHARS, NARRATIVE_MAX_CHARS, PLACE_MAX_CHARS
from custodes.reporting.models import Anonymity
from custodes.reporting.public import choices
from custodes.reporting.public import forms as public_forms
from custodes.reporting.public.forms import ABOUT_MAX_CHARS, ANONYMITY_HINTS, CONTACT_FIELD_MAX_CHARS
from custodes.reporting.public.state import JourneyState

CHECK = "check-your-answers"


class Step:
    slug: str = ""
    title: Any = ""  # the page's question; also its <title>
    template: str = ""
    form_class: type[forms.Form] = forms.Form
    fields: tuple[str, ...] = ()
    typing = False  # free text on this page: the kiosk's no-JavaScript refresh waits longer

    def applies(self, state: JourneyState) -> bool:
        return True

    def answered(self, state: JourneyState) -> bool:
        return self.slug in state.answers.get("done", [])

    def form_kwargs(self, state: JourneyState) -> dict[str, Any]:
        return {}

    def initial(self, state: JourneyState) -> dict[str, Any]:
        return {name: state.answers.get(name, "") for name in self.fields}

    def make_form(self, state: JourneyState, data: Any = None) -> forms.Form:
        if data is not None:
            return self.form_class(data, **self.form_kwargs(state))
        return self.form_class(initial=self.initial(state), **self.form_kwargs(state))

    def save(self, state: JourneyState, cleaned: dict[str, Any]) -> None:
        for name in self.fields:
            state.answers[name] = cleaned.get(name, "")

    def context(self, state: JourneyState, form: forms.Form, language: str) -> dict[str, Any]:
        return {}

    def mark_done(self, state: JourneyState) -> None:
        done = state.answers.setdefault("done", [])
        if self.slug not in done:
            done.append(self.slug)


def unmark(state: JourneyState, slug: str) -> None:
    state.answers["done"] = [s for s in state.answers.get("done", []) if s != slug]


def options(pairs: list[tuple[str, Any]]) -> list[choices.Option]:
    return [choices.Option(value, str(label)) for value, label in pairs]


class WhoYouAre(Step):
    slug, template, form_class, fields = "who-you-are", "who_you_are.html", public_forms.RoleForm, ("role",)
    title = gettext_lazy("Who are you?")

    def context(self, state: JourneyState, form: forms.Form, language: str) -> dict[str, Any]:
        return {"role_options": options(public_forms.ROLE_CHOICES)}


class WhatItIsAbout(Step):
    slug, template, form_class, fields = (
        "what-it-is-about",
        "what_it_is_about.html",
        public_forms.CategoryForm,
        ("category",),
    )
    title = gettext_lazy("What is your report about?")

    def form_kwargs(self, state: JourneyState) -> dict[str, Any]:
        return {"codes": [category.code for category in choices.active_categories()]}

    def context(self, state: JourneyState, form: forms.Form, language: str) -> dict[str, Any]:
        return {"groups": choices.category_groups(choices.active_categories(), language)}


class Where(Step):
    slug, template, form_class, fields = "where", "where.html", public_forms.EstablishmentForm, ("establishment",)
    title = gettext_lazy("Which prison did it happen in?")

    def applies(self, state: JourneyState) -> bool:
        return not state.preset_establishment

    def form_kwargs(self, state: JourneyState) -> dict[str, Any]:
        return {"codes": [option.value for option in choices.establishments()]}

    def context(self, state: JourneyState, form: forms.Form, language: str) -> dict[str, Any]:
        return {"options": choices.establishments()}

    def save(self, state: JourneyState, cleaned: dict[str, Any]) -> None:
        if state.answers.get("establishment") != cleaned["establishment"]:
            # A wing belongs to one prison: ask again where inside the new one.
            state.answers["unit"] = ""
            unmark(state, WhereExactly.slug)
        super().save(state, cleaned)


def establishment_of(state: JourneyState) -> str:
    return state.preset_establishment or str(state.answers.get("establishment", ""))


class WhereExactly(Step):
    slug, template, form_class, fields = (
        "where-exactly",
        "where_exactly.html",
        public_forms.PlaceForm,
        (
            "unit",
            "place",
        ),
    )
    title = gettext_lazy("Where in the prison did it happen?")

    def form_kwargs(self, state: JourneyState) -> dict[str, Any]:
        return {"unit_codes": [option.value for option in choices.units(establishment_of(state))]}

    def context(self, state: JourneyState, form: forms.Form, language: str) -> dict[str, Any]:
        code = establishment_of(state)
        return {
            "units": choices.units(code),
            "establishment_name": choices.establishment_name(code),
            "place_max": PLACE_MAX_CHARS,
        }


class When(Step):
    slug, template, form_class, fields = "when", "when.html", public_forms.DateForm, ("day", "month", "year")
    title = gettext_lazy("When did it happen?")

    def save(self, state: JourneyState, cleaned: dict[str, Any]) -> None:
        super().save(state, cleaned)
        state.answers["date_known"] = True
        state.answers["about"] = ""

    def not_known(self, state: JourneyState) -> None:
        state.answers["date_known"] = False
        for name in self.fields:
            state.answers[name] = ""
        self.mark_done(state)


class KioskWhen(Step):
    slug, template, form_class, fields = "when", "kiosk_when.html", public_forms.KioskWhenForm, ("when",)
    title = gettext_lazy("When did it happen?")

    def context(self, state: JourneyState, form: forms.Form, language: str) -> dict[str, Any]:
        return {"when_options": options(public_forms.KIOSK_WHEN_CHOICES)}

    def save(self, state: JourneyState, cleaned: dict[str, Any]) -> None:
        super().save(state, cleaned)
        if cleaned["when"] != "longer":
            state.answers["about"] = ""
            unmark(state, AboutWhen.slug)


class AboutWhen(Step):
    slug, template, form_class, fields = "about-when", "about_when.html", public_forms.AboutWhenForm, ("about",)
    title = gettext_lazy("About when did it happen?")

    def applies(self, state: JourneyState) -> bool:
        if state.kiosk:
            return state.answers.get("when") == "longer"
        return state.answers.get("date_known") is False

    def context(self, state: JourneyState, form: forms.Form, language: str) -> dict[str, Any]:
        return {"about_max": ABOUT_MAX_CHARS}


class WhoWasInvolved(Step):
    slug, template, form_class = "who-was-involved", "who_was_involved.html", public_forms.InvolvedForm
    fields = ("involved", "staff_numbers", "prison_numbers")
    title = gettext_lazy("Who was involved?")
    typing = True

    def initial(self, state: JourneyState) -> dict[str, Any]:
        return {
            "involved": state.answers.get("involved", ""),
            "staff_numbers": ", ".join(state.answers.get("staff_numbers", [])),
            "prison_numbers": ", ".join(state.answers.get("prison_numbers", [])),
        }

    def context(self, state: JourneyState, form: forms.Form, language: str) -> dict[str, Any]:
        return {"involved_max": INVOLVED_MAX_CHARS}


class WhatHappened(Step):
    slug, template, form_class, fields = (
        "what-happened",
        "what_happened.html",
        public_forms.NarrativeForm,
        ("narrative",),
    )
    title = gettext_lazy("What happened?")
    typing = True

    def context(self, state: JourneyState, form: forms.Form, language: str) -> dict[str, Any]:
        return {"narrative_max": NARRATIVE_MAX_CHARS}


class Files(Step):
    """Handled by its own view (uploads and removals), but placed in the sequence like any other page."""

    slug, template = "files", "files.html"
    title = gettext_lazy("Do you want to send photos, documents or recordings?")


class Contact(Step):
    slug, template, form_class, fields = "contact", "contact.html", public_forms.AnonymityForm, ("anonymity",)
    title = gettext_lazy("Do you want to tell us who you are?")

    def context(self, state: JourneyState, form: forms.Form, language: str) -> dict[str, Any]:
        options = [
            choices.Option(value, str(label), str(ANONYMITY_HINTS[value]))
            for value, label in public_forms.ANONYMITY_CHOICES
        ]
        return {"options": options}

    def save(self, state: JourneyState, cleaned: dict[str, Any]) -> None:
        super().save(state, cleaned)
        if cleaned["anonymity"] == Anonymity.ANONYMOUS:
            # Nothing that identifies an anonymous reporter is kept, even what they typed before changing their mind.
            state.answers.pop("contact", None)
            unmark(state, ContactDetails.slug)


class ContactDetails(Step):
    slug, template, form_class = "contact-details", "contact_details.html", public_forms.ContactForm
    fields = ("name", "preferred", "phone", "email", "postal_address", "prison_number", "staff_number", "safe_times")
    title = gettext_lazy("Your name and how we can contact you")
    typing = True

    def applies(self, state: JourneyState) -> bool:
        return state.answers.get("anonymity") in (Anonymity.CONFIDENTIAL, Anonymity.NAMED)

    def form_kwargs(self, state: JourneyState) -> dict[str, Any]:
        return {"kiosk": state.kiosk}

    def initial(self, state: JourneyState) -> dict[str, Any]:
        contact = state.answers.get("contact", {})
        return {name: contact.get(name, "") for name in self.fields}

    def save(self, state: JourneyState, cleaned: dict[str, Any]) -> None:
        state.answers["contact"] = {name: cleaned.get(name, "") for name in self.fields}

    def context(self, state: JourneyState, form: forms.Form, language: str) -> dict[str, Any]:
        return {"contact_max": CONTACT_FIELD_MAX_CHARS}


WEB_STEPS: tuple[Step, ...] = (
    WhoYouAre(),
    WhatItIsAbout(),
    Where(),
    WhereExactly(),
    When(),
    AboutWhen(),
    WhoWasInvolved(),
    WhatHappened(),
    Files(),
    Contact(),
    ContactDetails(),
)
KIOSK_STEPS: tuple[Step, ...] = (
    WhatItIsAbout(),
    Where(),
    WhereExactly(),
    KioskWhen(),
    AboutWhen(),
    WhoWasInvolved(),
    WhatHappened(),
    Contact(),
    ContactDetails(),
)


def steps(kiosk: bool) -> tuple[Step, ...]:
    return KIOSK_STEPS if kiosk else WEB_STEPS


def step_for(slug: str, kiosk: bool) -> Step | None:
    return next((step for step in steps(kiosk) if step.slug == slug), None)


def first(state: JourneyState) -> Step:
    return next(step for step in steps(state.kiosk) if step.applies(state))


def next_slug(state: JourneyState, current: Step) -> str:
    """Where "Continue" leads: on to the next page; or, when changing an answer, to what is still unanswered (a
    change can make a new page apply, such as contact details) and otherwise back to check your answers."""
    sequence = [step for step in steps(state.kiosk) if step.applies(state)]
    if state.checking:
        unanswered = [step for step in sequence if not step.answered(state)]
        return unanswered[0].slug if unanswered else CHECK
    slugs = [step.slug for step in sequence]
    if current.slug in slugs and slugs.index(current.slug) + 1 < len(slugs):
        return slugs[slugs.index(current.slug) + 1]
    return CHECK


def previous_slug(state: JourneyState, current_slug: str) -> str | None:
    """Where "Back" leads; None means the start page."""
    sequence = [step.slug for step in steps(state.kiosk) if step.applies(state)]
    if current_slug == CHECK:
        return sequence[-1]
    if state.checking:
        return CHECK
    if current_slug in sequence and sequence.index(current_slug) > 0:
        return sequence[sequence.index(current_slug) - 1]
    return None


def complete(state: JourneyState) -> bool:
    return all(step.answered(state) for step in steps(state.kiosk) if step.applies(state))
