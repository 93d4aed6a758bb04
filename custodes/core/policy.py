"""The one place that decides access (DESIGN.md §3).

Every app declares its actions as ``Rule`` rows in its own ``policies.py``; they all land in the one registry
here, and every view, API endpoint, export, search, count and notification asks this module:

* ``can(user, action, obj=None)``: may this user do this (to this object)?
* ``visible(user, action)``: the queryset of objects this user may do it to. Lists, counts and searches start
  from here, so they cannot show what the object pages would refuse.
* ``decide(...)``: the same answer with the reason, so pages can say 403 (you may never do this) apart from 404
  (no such object that you can see: out of scope, hidden by need-to-know, or absent, indistinguishably).

An action nobody registered raises ``UnknownAction``: a typo must fail loudly, never fall through to "allowed".
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from custodes.core.roles import ROLE_DEFINITIONS, Role


class UnknownAction(LookupError):
    """Raised for an action name that no policies.py registered."""


class Decision(enum.Enum):
    ALLOW = "allow"
    FORBID = "forbid"  # 403: the user holds no role that may do this at all
    HIDE = "hide"  # 404: out of scope or need-to-know; indistinguishable from "does not exist"


@dataclass(frozen=True)
class Grant:
    role: Role
    establishment_id: int | None  # None: national

    @property
    def national(self) -> bool:
        return self.establishment_id is None


class Principal(Protocol):
    """What the policy needs of an account (custodes.accounts.models.User provides it)."""

    pk: Any
    is_authenticated: bool
    is_active: bool

    def policy_grants(self) -> tuple[Grant, ...]: ...


def _no_establishment(_obj: Any) -> int | None:
    return None


@dataclass(frozen=True)
class Narrowing:
    """A further condition on one role's grant: ``allows(user, obj)`` for one object, ``q(user)`` for a queryset.

    For example, an establishment's triager sees reports at the establishment only when they were routed there
    (staff corruption goes to the national team, never to the prison where the staff work). Both halves must
    say the same thing; the generated permission tests check that they do.
    """

    allows: Callable[[Any, Any], bool]
    q: Callable[[Any], Q]


@dataclass(frozen=True)
class Rule:
    """One action: who may take it, and how to find the establishment an object belongs to."""

    action: str
    roles: frozenset[Role]
    description: str
    model: type[Model] | None = None
    # Object level: the establishment id the object belongs to (None: a national object, e.g. an account).
    establishment_of: Callable[[Any], int | None] = _no_establishment
    # Queryset level: the ORM path to the establishment id, for visible(). None: national grants only.
    establishment_lookup: str | None = None
    # The scope an API token needs for this action; None means tokens may never take it.
    api_scope: str | None = None
    # Report or case content: never granted to roles that do not see content (the system administrator).
    content: bool = False
    # Role-specific conditions on top of scope (see Narrowing); a role absent here has none.
    narrowing: dict[Role, Narrowing] = field(default_factory=dict)
    # The narrowing alone decides, wherever the grant is held (e.g. "reports you filed", at any prison).
    ignores_scope: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.ignores_scope and set(self.roles) - set(self.narrowing):
            raise ValueError(f"{self.action}: a rule that ignores scope must narrow every role it grants")
        if self.content:
            blind = sorted(r.value for r in self.roles if not ROLE_DEFINITIONS[r].sees_content)
            if blind:
                raise ValueError(f"{self.action}: content action granted to roles that never see content: {blind}")


# Need-to-know exclusions: per model, an object check and a queryset filter that must agree.
ObjectExclusion = Callable[[Principal, Any], bool]
QuerysetExclusion = Callable[[Principal, QuerySet[Any]], QuerySet[Any]]

_RULES: dict[str, Rule] = {}
_EXCLUSIONS: dict[type[Model], list[tuple[ObjectExclusion, QuerysetExclusion]]] = {}


def register(*rules: Rule) -> None:
    for rule in rules:
        existing = _RULES.get(rule.action)
        if existing is not None and existing != rule:
            raise ValueError(f"action {rule.action!r} registered twice with different rules")
        _RULES[rule.action] = rule


def register_exclusion(model: type[Model], *, hides: ObjectExclusion, filter_out: QuerysetExclusion) -> None:
    """Need-to-know: ``hides(user, obj)`` says the user must not see obj; ``filter_out`` removes the same from a
    queryset. Both overrule every grant."""
    _EXCLUSIONS.setdefault(model, []).append((hides, filter_out))


def rule(action: str) -> Rule:
    try:
        return _RULES[action]
    except KeyError:
        raise UnknownAction(f"no policy rule for action {action!r}") from None


def rules() -> Iterable[Rule]:
    return tuple(_RULES.values())


def grants_for(user: Any) -> tuple[Grant, ...]:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ()
    return tuple(user.policy_grants())


def _token_allows(user: Any, rule_: Rule) -> bool:
    scopes: frozenset[str] | None = getattr(user, "api_token_scopes", None)
    if scopes is None:  # a browser session, not a token
        return True
    return rule_.api_scope is not None and rule_.api_scope in scopes


def _matching_grants(user: Any, rule_: Rule) -> list[Grant]:
    if not _token_allows(user, rule_):
        return []
    return [grant for grant in grants_for(user) if grant.role in rule_.roles]


def decide(user: Any, action: str, obj: Any = None) -> Decision:
    rule_ = rule(action)
    grants = _matching_grants(user, rule_)
    if not grants:
        return Decision.FORBID
    if obj is None:
        return Decision.ALLOW
    establishment_id = rule_.establishment_of(obj)
    in_scope = any(
        (
            grant.national
            or rule_.ignores_scope
            or (establishment_id is not None and grant.establishment_id == establishment_id)
        )
        and (grant.role not in rule_.narrowing or rule_.narrowing[grant.role].allows(user, obj))
        for grant in grants
    )
    if not in_scope:
        return Decision.HIDE
    model = type(obj)
    for hides, _filter in _EXCLUSIONS.get(model, ()):
        if hides(user, obj):
            return Decision.HIDE
    return Decision.ALLOW


def can(user: Any, action: str, obj: Any = None) -> bool:
    return decide(user, action, obj) is Decision.ALLOW


def visible(user: Any, action: str) -> QuerySet[Any]:
    rule_ = rule(action)
    if rule_.model is None:
        raise UnknownAction(f"action {action!r} is not about a kind of object, so nothing is 'visible' by it")
    queryset: QuerySet[Any] = rule_.model._default_manager.all()
    grants = _matching_grants(user, rule_)
    if not grants:
        return queryset.none()
    condition = _visible_condition(user, rule_, grants)
    if condition is None:
        return queryset.none()
    if condition != Q():
        queryset = queryset.filter(condition)
    for _hides, filter_out in _EXCLUSIONS.get(rule_.model, ()):
        queryset = filter_out(user, queryset)
    return queryset


def _visible_condition(user: Any, rule_: Rule, grants: list[Grant]) -> Q | None:
    """OR over the grants of (the grant's scope AND its role's narrowing); None when nothing can be visible.

    An empty Q means "everything" (a national grant without narrowing), so the query stays a plain scan.
    """
    parts: list[Q] = []
    for grant in grants:
        if grant.national or rule_.ignores_scope:
            scope = Q()
        elif rule_.establishment_lookup is None:
            continue
        else:
            scope = Q(**{rule_.establishment_lookup: grant.establishment_id})
        narrowing = rule_.narrowing.get(grant.role)
        part = scope & narrowing.q(user) if narrowing is not None else scope
        if part == Q():
            return Q()
        parts.append(part)
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied (403) or Http404 unless the user may take the action."""
    decision = decide(user, action, obj)
    if decision is Decision.FORBID:
        raise PermissionDenied(action)
    if decision is Decision.HIDE:
        raise Http404()


def get_visible_or_404(user: Any, action: str, **lookup: Any) -> Any:
    """The object the user may act on, 403 when they may never take the action, else 404 when not visible."""
    require(user, action)
    obj = visible(user, action).filter(**lookup).first()
    if obj is None:
        raise Http404()
    return obj
