"""Every audit action, named and described once. ``record()`` refuses a name that is not here.

Apps add their own actions with ``register_action`` in their ``audit_actions.py`` (imported by their
AppConfig), so the whole vocabulary can be listed (``custodes audit actions``) and documented.
"""

from __future__ import annotations

from dataclasses import dataclass


class UnknownAuditAction(LookupError):
    pass


@dataclass(frozen=True)
class AuditAction:
    name: str
    description: str
    sensitive_read: bool = False  # a read of protected content, shown in "who has seen this"


_ACTIONS: dict[str, AuditAction] = {}


def register_action(name: str, description: str, *, sensitive_read: bool = False) -> AuditAction:
    action = AuditAction(name=name, description=description, sensitive_read=sensitive_read)
    existing = _ACTIONS.get(name)
    if existing is not None and existing != action:
        raise ValueError(f"audit action {name!r} registered twice with different meanings")
    _ACTIONS[name] = action
    return action


def get_action(name: str) -> AuditAction:
    try:
        return _ACTIONS[name]
    except KeyError:
        raise UnknownAuditAction(f"audit action {name!r} is not registered") from None


def all_actions() -> list[AuditAction]:
    return sorted(_ACTIONS.values(), key=lambda a: a.name)


# The foundation's own vocabulary.
for _name, _description in [
    ("auth.sign_in", "An account signed in (password and second factor)"),
    ("auth.sign_in_failed", "A sign-in attempt failed"),
    ("auth.sign_out", "An account signed out"),
    ("auth.locked_out", "An account was locked after repeated failed sign-ins"),
    ("auth.second_factor_failed", "A second-factor code was wrong"),
    ("auth.session_expired", "A session ended for inactivity or age"),
    ("accounts.two_factor_enrolled", "An account set up its authenticator app"),
    ("accounts.two_factor_reset", "An administrator removed an account's authenticator so it must enrol again"),
    ("accounts.created", "An account was created"),
    ("accounts.updated", "An account's details were changed"),
    ("accounts.deactivated", "An account was deactivated"),
    ("accounts.reactivated", "An account was reactivated"),
    ("accounts.password_set", "An account's password was set or changed"),
    ("accounts.unlocked", "An administrator lifted a sign-in lockout"),
    ("accounts.role_granted", "A role was granted"),
    ("accounts.role_revoked", "A role was revoked"),
    ("api.token_created", "An API token was created"),
    ("api.token_revoked", "An API token was revoked"),
    ("estate.imported", "Estate records were imported from a file"),
    ("estate.establishment_changed", "An establishment was created or changed"),
    ("estate.unit_changed", "A unit was created or changed"),
    ("estate.cell_changed", "A cell was created or changed"),
    ("estate.staff_changed", "A staff member or posting was created or changed"),
    ("estate.prisoner_changed", "A prisoner or placement was created or changed"),
    ("estate.demo_seeded", "The fictional demo estate was built"),
    ("audit.verification_requested", "Someone asked for the audit chain to be verified"),
    ("audit.verified", "The audit chain was verified"),
]:
    register_action(_name, _description)
