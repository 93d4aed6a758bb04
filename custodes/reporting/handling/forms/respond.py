"""Responding to a reporter: acknowledge, message (or ask for more information), give feedback; and the reason a
reporter liaison gives before opening a sealed identity."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms

from custodes.reporting.handling.forms._common import helper
from custodes.reporting.intake import MESSAGE_MAX_CHARS

# Plain English, editable: most reporters are anxious, some read with difficulty, some read it on a wing kiosk.
DEFAULT_ACKNOWLEDGEMENT = (
    "Thank you for your report. We have received it and it is being looked at by the team responsible.\n\n"
    "We will tell you what we are doing about it here, within 3 months. We may send you a message before then "
    "if we need to ask you something, so please check back using your receipt.\n\n"
    "If you are in danger now, tell a member of staff you trust, or call 999 if you are outside prison."
)

_BODY_ERRORS = {
    "required": "Write the message to the reporter",
    "max_length": f"The message must be {MESSAGE_MAX_CHARS:,} characters or fewer",
}


def _body(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=MESSAGE_MAX_CHARS,
        error_messages=_BODY_ERRORS,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


_REPORTER_SEES = "The reporter sees this, word for word, when they follow up with their receipt. Use plain English."


class AcknowledgeForm(forms.Form):
    body = _body("Acknowledgement", _REPORTER_SEES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"body": DEFAULT_ACKNOWLEDGEMENT})
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.textarea("body", label_size=Size.MEDIUM, max_characters=MESSAGE_MAX_CHARS),
            submit="Send acknowledgement",
        )


_MESSAGE, _REQUEST = "message", "request"


class MessageForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of message is it?",
        choices=[
            Choice(_MESSAGE, "A message", hint="To tell the reporter something"),
            Choice(
                _REQUEST,
                "A request for more information",
                hint="To ask the reporter a question. Ask one clear thing at a time",
            ),
        ],
        initial=_MESSAGE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of message it is"},
    )
    body = _body("Message", _REPORTER_SEES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.textarea("body", label_size=Size.SMALL, max_characters=MESSAGE_MAX_CHARS),
            submit="Send message",
        )

    @property
    def asks_for_more(self) -> bool:
        return self.cleaned_data.get("kind") == _REQUEST


class FeedbackForm(forms.Form):
    body = _body(
        "Feedback",
        "What has been done or is planned, and why. "
        "Say what you can without naming anyone or harming an investigation. " + _REPORTER_SEES,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.textarea("body", label_size=Size.MEDIUM, max_characters=MESSAGE_MAX_CHARS),
            submit="Send feedback",
        )


class IdentityReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to see who made this report?",
        help_text="For example, to arrange a safe time to speak to them. Your reason is recorded with your name",
        min_length=10,
        max_length=500,
        error_messages={
            "required": "Give the reason you need the reporter's identity",
            "min_length": "Give the reason in at least 10 characters",
            "max_length": "The reason must be 500 characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.textarea("reason", label_size=Size.MEDIUM, max_characters=500),
            submit="Open the reporter's identity",
        )
