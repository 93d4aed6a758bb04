"""The API scopes a token may carry: exactly those the policy rules name, so a token can only be given a scope
that some action actually checks (a typo or a made-up scope would otherwise be stored and silently do nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

from custodes.core import policy


@dataclass(frozen=True)
class ApiScope:
    name: str
    actions: tuple[str, ...]
    descriptions: tuple[str, ...]

    @property
    def hint(self) -> str:
        return "; ".join(self.descriptions)


def known_scopes() -> dict[str, ApiScope]:
    """Every scope some registered rule asks for, with what it allows, sorted by name.

    Computed on each call from the live registry: apps register their rules when Django starts, so a module-level
    constant could be built before all of them had.
    """
    rules_by_scope: dict[str, list[policy.Rule]] = {}
    for rule in policy.rules():
        if rule.api_scope:
            rules_by_scope.setdefault(rule.api_scope, []).append(rule)
    return {
        name: ApiScope(
            name=name,
            actions=tuple(sorted(r.action for r in rules)),
            descriptions=tuple(r.description for r in sorted(rules, key=lambda r: r.action)),
        )
        for name, rules in sorted(rules_by_scope.items())
    }
