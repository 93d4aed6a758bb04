"""Fixtures for the evidence and bundle tests: a prison, a case about a member of staff with a linked report that
has a file, and everyone whose access differs (DESIGN.md §3). Everything is made through the real services.

Import what a test module needs by name (``from .evidence_support import ...``).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from custodes.accounts.models import User
from custodes.cases.models import Case, CaseType, Evidence
from custodes.cases.services import evidence as services
from custodes.cases.services import lifecycle
from custodes.core.roles import Role
from custodes.estate.models import Establishment, StaffMember
from custodes.reporting.models import Attachment, Report
from custodes.reporting.tests.handling_support import World, file_store, png_with_comment, world
from custodes.testing.factories import StaffMemberFactory
from custodes.testing.personas import persona

__all__ = ["Setting", "file_store", "jpeg_bytes", "normalised", "setting", "world"]

# Fictional people and places only.
REPORTER_FILE_NAME = "photo-from-Elowen.png"


def jpeg_bytes(seed: int = 1) -> bytes:
    image = Image.new("RGB", (24, 16), (seed % 255, 80, 120))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


@dataclass
class Setting:
    """The case and the people around it."""

    prison: Establishment
    other_prison: Establishment
    subject_member: StaffMember
    case: Case
    report: Report
    attachment: Attachment
    lead: User  # opened the case: named on it
    investigator: User  # assigned
    unassigned: User
    other_lead: User
    governor: User  # at the case's prison
    other_governor: User
    subject_user: User  # a lead who is the case's subject
    line_manager: User  # a governor who manages the subject
    world: World

    def add_file(self, actor: Any = None, *, content: bytes | None = None, name: str = "cctv-still.jpg") -> Evidence:
        return services.receive_digital(
            actor=actor or self.investigator,
            case=self.case,
            name=name,
            content=content if content is not None else jpeg_bytes(),
            description="CCTV still, B wing landing 2",
        )

    def add_item(self, actor: Any = None) -> Evidence:
        return services.receive_physical(
            actor=actor or self.investigator,
            case=self.case,
            description="Mobile phone found in cell B2-14",
            seal_number="SEAL-000731",
            location="Security department evidence store, locker 4",
        )

    def restrict(self, *named: User) -> None:
        self.case = lifecycle.set_restriction(
            actor=self.lead, case=self.case, restricted=True, named=list(named), reason="Concerns a senior manager"
        )


@pytest.fixture
def setting(world: World) -> Setting:
    prison = world.a
    subject_member = world.subject_member
    manager_member = StaffMemberFactory(current_establishment=prison)
    subject_member.line_manager = manager_member
    subject_member.save()
    report = world.report(
        routed="national",
        staff_numbers=(subject_member.staff_number,),
        files=(_upload(REPORTER_FILE_NAME, png_with_comment("taken by Elowen Fallowfield")),),
    )
    lead = persona(Role.COUNTER_CORRUPTION_LEAD, full_name="Morwenna Trelawny")
    case = lifecycle.open_case(
        actor=lead,
        case_type=CaseType.STAFF_MISCONDUCT,
        title="Items conveyed on nights",
        establishment=prison,
        summary="Phones brought in on night shifts.",
        reports=[report],
        staff_subjects=[subject_member],
    )
    investigator = persona(Role.INVESTIGATOR, full_name="Idris Penhallow")
    lifecycle.assign(actor=lead, case=case, user=investigator)
    return Setting(
        prison=prison,
        other_prison=world.b,
        subject_member=subject_member,
        case=case,
        report=report,
        attachment=report.attachments.get(),
        lead=lead,
        investigator=investigator,
        unassigned=persona(Role.INVESTIGATOR),
        other_lead=persona(Role.COUNTER_CORRUPTION_LEAD),
        governor=persona(Role.GOVERNOR, prison),
        other_governor=persona(Role.GOVERNOR, world.b),
        subject_user=persona(Role.COUNTER_CORRUPTION_LEAD, staff_member=subject_member),
        line_manager=persona(Role.GOVERNOR, prison, staff_member=manager_member),
        world=world,
    )


def _upload(name: str, content: bytes) -> Any:
    from custodes.reporting.intake import UploadedContent

    return UploadedContent(name=name, content=content)


def stored_file(root: Path, evidence: Evidence) -> Path:
    return root / evidence.path


_VOLATILE = [
    re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"'),
    re.compile(rb'nonce="[^"]+"'),
]


def normalised(content: bytes) -> bytes:
    for pattern in _VOLATILE:
        content = pattern.sub(b"", content)
    return content


def members(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(contents: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return buffer.getvalue()
