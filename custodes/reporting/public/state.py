"""The public journey's state: carried by the reporter's own browser in one hidden form field, never on the server.

An anonymous reporter must leave nothing behind before they press "Send": no cookie (a cookie is an identifier
that could link visits), no session row, no draft in the database. So every answer so far travels from page to
page inside one hidden field, encrypted and authenticated with AES-GCM (custodes.core.crypto) under a key derived
from SECRET_KEY for this purpose alone. The reporter cannot read or alter it (an altered blob fails to decrypt),
and whoever finds it in a browser's history cannot read it either.

The blob expires: two hours after the last page on the web, and a couple of minutes on a wing kiosk (where the
next person at the terminal must not be able to bring the last person's answers back with the back button; the
kiosk's script renews it while someone is actually using the screen). A journey may not last longer than
``ABSOLUTE_HOURS`` however active it is, because its pending files are purged after a day.

The blob also holds the journey's own data key: files chosen on the files page are sealed under it before they
touch the file store (custodes.reporting.public.pending; uploads are held in memory until then,
custodes.core.uploads), so the pending files are unreadable without the
reporter's browser.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings

from custodes.core import crypto

FORMAT = 1
ABSOLUTE_HOURS = 12
_PURPOSE = b"custodes derived key\x00public journey state"
_ASSOCIATED_DATA = "custodes:public-journey"
_CONFIRMATION_DATA = "custodes:public-confirmation"
_RECEIPT_DATA = "custodes:public-receipt"
# Generous: the narrative is at most 10,000 characters; this refuses absurd input before any decryption work.
MAX_BLOB_CHARS = 200_000


class StateInvalid(ValueError):
    """Missing, altered, from another journey mode, or sealed under a key this service no longer has."""


class StateExpired(ValueError):
    """Genuine, but too old to use: the reporter must start again."""


@dataclass
class PendingFile:
    token: str
    name: str
    size: int
    content_type: str
    sha256: str


@dataclass
class JourneyState:
    kiosk: bool
    language: str = "en"
    journey_id: str = field(default_factory=lambda: secrets.token_hex(16))
    started_at: float = field(default_factory=time.time)
    expires_at: float = 0.0
    file_key: str = field(default_factory=lambda: base64.b64encode(crypto.new_data_key()).decode())
    # The kiosk's own prison, from its start address (a terminal sits in one prison), so it need not be asked.
    preset_establishment: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    files: list[PendingFile] = field(default_factory=list)
    # Set by a Change link on the check-your-answers page: after the changed page, go back there.
    checking: bool = False

    def data_key(self) -> bytes:
        return base64.b64decode(self.file_key)

    def to_json(self) -> dict[str, Any]:
        return {"v": FORMAT, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JourneyState:
        if data.pop("v", None) != FORMAT:
            raise StateInvalid("unknown journey state format")
        try:
            files = [PendingFile(**item) for item in data.pop("files", [])]
            return cls(files=files, **data)
        except TypeError as exc:
            raise StateInvalid("journey state does not have the expected fields") from exc


def _keys() -> list[bytes]:
    """The current key first, then keys from SECRET_KEY_FALLBACKS so a key rotation does not cut journeys short."""
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [hmac.digest(str(secret).encode(), _PURPOSE, "sha256") for secret in secrets_in_use]


def lifetime_seconds(kiosk: bool) -> int:
    if kiosk:
        # The idle timeout, plus the kiosk script's renewal interval (kiosk.mjs renews every third of the idle
        # time while the screen is in use), plus a short grace for the last request to arrive.
        idle = int(getattr(settings, "CUSTODES_KIOSK_IDLE_SECONDS", 120))
        return idle + max(5, idle // 3) + 30
    return int(getattr(settings, "CUSTODES_PUBLIC_JOURNEY_MINUTES", 120)) * 60


def _encode(payload: dict[str, Any], associated_data: str) -> str:
    plain = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    sealed = crypto.encrypt(_keys()[0], plain, associated_data=associated_data)
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def _decode(blob: str, associated_data: str) -> dict[str, Any]:
    if not blob or len(blob) > MAX_BLOB_CHARS:
        raise StateInvalid("no journey state")
    try:
        sealed = base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4))
    except (binascii.Error, ValueError) as exc:
        raise StateInvalid("journey state is not base64") from exc
    for key in _keys():
        try:
            plain = crypto.decrypt(key, sealed, associated_data=associated_data)
        except crypto.DecryptionError:
            continue
        try:
            data = json.loads(plain)
        except ValueError as exc:  # cannot happen unless the key leaked; refuse all the same
            raise StateInvalid("journey state is not JSON") from exc
        if not isinstance(data, dict):
            raise StateInvalid("journey state is not an object")
        return data
    raise StateInvalid("journey state does not verify")


def seal(state: JourneyState, *, now: float | None = None, lifetime: int | None = None) -> str:
    """The blob for the page about to be shown: its expiry restarts now (but never past the absolute limit).

    ``lifetime`` overrides the usual one: a kiosk page for writing, seen without JavaScript (which would renew
    the blob), gets as long as its refresh allows.
    """
    now = time.time() if now is None else now
    seconds = lifetime_seconds(state.kiosk) if lifetime is None else lifetime
    state.expires_at = min(now + seconds, state.started_at + ABSOLUTE_HOURS * 3600)
    return _encode(state.to_json(), _ASSOCIATED_DATA)


def open_state(blob: str, *, kiosk: bool, now: float | None = None) -> JourneyState:
    state = JourneyState.from_json(_decode(blob, _ASSOCIATED_DATA))
    if state.kiosk != kiosk:
        # A kiosk blob on the web journey (or the reverse) would dodge the kiosk's short expiry.
        raise StateInvalid("journey state belongs to the other journey")
    if (time.time() if now is None else now) > state.expires_at:
        raise StateExpired()
    return state


def peek_expired(blob: str, *, kiosk: bool) -> JourneyState | None:
    """An expired blob's contents (to discard its pending files), or None if it is not a genuine blob."""
    try:
        return open_state(blob, kiosk=kiosk, now=0.0)
    except (StateInvalid, StateExpired):
        return None


def journey_digest(state: JourneyState) -> str:
    """What SpentJourney keeps: a hash of the journey's random id, which links to nothing else."""
    return hashlib.sha256(f"spent journey:{state.journey_id}".encode()).hexdigest()


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page shows, sealed into the page so the language switch can show it again."""

    reference: str
    receipt: str
    kiosk: bool
    preset_establishment: str
    expires_at: float


def seal_confirmation(reference: str, receipt: str, *, kiosk: bool, preset_establishment: str = "") -> str:
    # Short-lived: the receipt is meant to be shown once; this only lets the reporter switch language straight away.
    expires_at = time.time() + (lifetime_seconds(True) if kiosk else 15 * 60)
    confirmation = Confirmation(reference, receipt, kiosk, preset_establishment, expires_at)
    return _encode(asdict(confirmation), _CONFIRMATION_DATA)


def open_confirmation(blob: str, *, kiosk: bool) -> Confirmation:
    data = _decode(blob, _CONFIRMATION_DATA)
    try:
        confirmation = Confirmation(**data)
    except TypeError as exc:
        raise StateInvalid("confirmation does not have the expected fields") from exc
    if confirmation.kiosk != kiosk:
        raise StateInvalid("confirmation belongs to the other journey")
    if time.time() > confirmation.expires_at:
        raise StateExpired()
    return confirmation


def seal_receipt(receipt: str, *, kiosk: bool, now: float | None = None) -> str:
    """The receipt as the follow-up pages carry it between requests: sealed and short-lived.

    A browser keeps what each page posted, to post again from its history. On a shared kiosk, the next person
    could go back and post a plain receipt again; a sealed one expires minutes after its owner walked away.
    """
    expires_at = (time.time() if now is None else now) + lifetime_seconds(kiosk)
    return _encode({"receipt": receipt, "kiosk": kiosk, "expires_at": expires_at}, _RECEIPT_DATA)


def open_receipt(blob: str, *, kiosk: bool, now: float | None = None) -> str:
    data = _decode(blob, _RECEIPT_DATA)
    if data.get("kiosk") is not kiosk or not isinstance(data.get("receipt"), str):
        raise StateInvalid("sealed receipt belongs to the other journey")
    if (time.time() if now is None else now) > float(data.get("expires_at", 0)):
        raise StateExpired()
    return str(data["receipt"])
