"""What the signed-in reporting views share (custodes.web.forms, shared with the case pages)."""

from __future__ import annotations

from custodes.web.forms import GET_AND_POST, actor_of, add_validation_error

__all__ = ["GET_AND_POST", "actor_of", "add_validation_error"]
