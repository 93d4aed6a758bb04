"""Exceptions of the files package.

``FileRefused`` is what a person sees: a code for programs and a plain message in English and Welsh that names the
file and says what to do. Its ``str()`` is the code alone, so that a refusal logged by accident (``log.info(exc)``)
never writes the file's name, which can itself say who sent it, into the logs.

``Reject`` is raised inside the package, where the file's name is not known; ``inspect_upload`` turns it into a
``FileRefused`` with the name filled in.
"""

from __future__ import annotations

from typing import Any


class FileRefused(Exception):
    """The file cannot be accepted; ``message_en`` and ``message_cy`` tell the sender why and what to do."""

    def __init__(self, code: str, message_en: str, message_cy: str) -> None:
        super().__init__(code)
        self.code = code
        self.message_en = message_en
        self.message_cy = message_cy

    @property
    def message(self) -> str:
        return self.message_en

    def message_in(self, language: str) -> str:
        return self.message_cy if language.lower().startswith("cy") else self.message_en

    def __str__(self) -> str:
        return f"file refused ({self.code})"

    def __repr__(self) -> str:
        return f"FileRefused({self.code!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.code, self.message_en, self.message_cy))


class Reject(Exception):
    """Internal: why a file is refused, before its name is attached. ``params`` fill the message template."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class IntegrityFailure(Exception):
    """A sealed file is missing, does not decrypt under its key and context, or is not the file that was sealed.

    ``reason`` is one of "missing", "does_not_verify", "hash_mismatch", "bad_path".
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
