"""The cases capability's audit vocabulary."""

from custodes.audit.registry import register_action

for _name, _description, _read in [
    ("triage.decided", "A triage action was taken on a report, with its reason", False),
    ("cases.opened", "A case was opened", False),
    ("cases.viewed", "A case's content was opened", True),
    ("cases.status_changed", "A case moved through its workflow", False),
    ("cases.assigned", "An investigator was assigned to a case or taken off it", False),
    ("cases.restriction_changed", "A case was restricted or unrestricted, or people named on it", False),
    ("cases.subject_changed", "A subject was added to or removed from a case", False),
    ("cases.report_linked", "A report was linked to a case", False),
    ("cases.task_changed", "A task was added, changed or done", False),
    ("cases.note_added", "A note or interview record was added", False),
    ("cases.decision_recorded", "A decision was recorded with its reasons", False),
    ("cases.outcome_recorded", "An outcome was recorded for a subject", False),
    ("cases.duty_status_changed", "A subject's suspension or restricted duties changed", False),
    ("cases.external_investigation_changed", "A parallel external investigation was recorded or changed", False),
    ("cases.disclosure_recorded", "Something was disclosed to another body, and why", False),
    ("evidence.received", "Evidence was received into a case", False),
    ("evidence.opened", "A piece of evidence was opened or downloaded", True),
    ("evidence.integrity_failed", "A piece of evidence no longer matched the hash taken at intake", False),
    ("evidence.transferred", "Evidence changed hands or place", False),
    ("evidence.bundle_exported", "An evidence bundle was exported", True),
    ("access.flagged", "Accesses outside a user's assignments were flagged to leads", False),
    ("access.traced", "Someone read who has seen a case, report or evidence, an access history or flags", True),
]:
    register_action(_name, _description, sensitive_read=_read)
