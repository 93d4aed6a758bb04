"""The reporting capability's audit vocabulary."""

from custodes.audit.registry import register_action

for _name, _description, _read in [
    ("reporting.submitted", "A report was received", False),
    ("reporting.viewed", "A handler opened a report's content", True),
    ("reporting.attachment_opened", "A handler opened a file sent with a report", True),
    ("reporting.identity_revealed", "A reporter liaison opened a reporter's sealed identity, with a reason", True),
    ("reporting.acknowledged", "A report was acknowledged to the reporter", False),
    ("reporting.feedback_given", "Feedback was given to the reporter", False),
    ("reporting.message_sent", "A handler sent the reporter a message", False),
    ("reporting.reporter_followed_up", "A reporter opened their report's follow-up page with the receipt", False),
    ("reporting.reporter_message", "A reporter added information or files through follow-up", False),
    ("reporting.category_changed", "A reporting category was created or changed", False),
    ("keys.rotated", "Data keys were re-wrapped under the current master key", False),
]:
    register_action(_name, _description, sensitive_read=_read)
