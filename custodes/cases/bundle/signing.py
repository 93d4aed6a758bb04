"""The service's evidence-bundle signing key: Ed25519, from CUSTODES_BUNDLE_SIGNING_KEY (64 hex digits, the
private key's 32-byte seed). Generated into ./var/ in local mode; set in the environment in production.

The public half travels in every bundle, so a bundle checks itself; what makes the check mean something is the
recipient comparing its fingerprint with one obtained another way (docs/evidence-bundles.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

from custodes.cases.bundle import layout


class SigningKeyMissing(RuntimeError):
    """CUSTODES_BUNDLE_SIGNING_KEY is not set (or not 64 hex digits): bundles cannot be signed."""


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    public_pem: bytes
    fingerprint: str

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def signing_key() -> SigningKey:
    raw = str(getattr(settings, "BUNDLE_SIGNING_KEY", "") or "").strip()
    try:
        seed = bytes.fromhex(raw)
    except ValueError:
        seed = b""
    if len(seed) != 32:
        raise SigningKeyMissing(
            "Evidence bundles cannot be exported: CUSTODES_BUNDLE_SIGNING_KEY must be set to 64 hex digits."
        )
    private = Ed25519PrivateKey.from_private_bytes(seed)
    public = private.public_key()
    return SigningKey(
        private=private,
        public_pem=public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo),
        fingerprint=layout.fingerprint(public.public_bytes(Encoding.Raw, PublicFormat.Raw)),
    )
