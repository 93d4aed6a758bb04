"""What a cleaner hands back to ``inspect_upload``."""

from __future__ import annotations

from dataclasses import dataclass, field

from custodes.reporting.files.detect import Format


@dataclass
class Cleaned:
    clean: bytes
    format: Format  # may be narrower than the one detected (an MP4 holding only sound is audio/mp4)
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def remove(self, label: str) -> None:
        if label not in self.removed:
            self.removed.append(label)
