"""API authentication: hashed bearer tokens for machines, the signed-in (and second-factor verified) session
for browsers. A token request acts as the token's account, limited further by the token's scopes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from custodes.accounts.models import ApiToken, hash_token

# Touch last_used_at at most this often per token, so reads do not become a write on every request.
_LAST_USED_RESOLUTION_SECONDS = 300


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token or len(token) > 200:
            return None
        record = ApiToken.objects.usable().select_related("user").filter(token_hash=hash_token(token)).first()
        if record is None or not record.user.is_active:
            return None
        now = timezone.now()
        if record.last_used_at is None or (now - record.last_used_at).total_seconds() > _LAST_USED_RESOLUTION_SECONDS:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        user = record.user
        user.api_token_scopes = record.scope_set()  # type: ignore[attr-defined]
        user.api_token_label = record.prefix  # type: ignore[attr-defined]
        request.user = user
        return user


class VerifiedSession(SessionAuth):
    """The browser session, only once the second factor is verified. Unsafe methods need the CSRF token."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if "Authorization" in request.headers:
            # Credentials were sent and the token check refused them: answer 401, never fall back to a browser
            # session that happens to ride along, which would hide a revoked or mistyped token.
            return None
        user = request.user
        if user.is_authenticated and getattr(user, "is_verified", lambda: False)():
            return user
        return None


API_AUTH = [BearerToken(), VerifiedSession()]
