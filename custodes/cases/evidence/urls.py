"""Evidence pages, under /cases/<reference>/evidence/. An exhibit is addressed by its number in the case
("E3" for C-2026-000045/E3)."""

from django.urls import URLPattern, URLResolver, path, register_converter

from custodes.cases.evidence import views

# The reference converter ("report_reference": R-2026-000123, C-2026-000045, upper-cased) is registered there.
from custodes.reporting.handling import urls as _reporting_urls  # noqa: F401  isort: skip


class ExhibitNumber:
    regex = r"[Ee][0-9]{1,6}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(ExhibitNumber, "exhibit_number")

_CASE = "cases/<report_reference:reference>/evidence"
_EXHIBIT = _CASE + "/<exhibit_number:exhibit>"

urlpatterns: list[URLPattern | URLResolver] = [
    path(f"{_CASE}/", views.evidence_list, name="evidence-list"),
    path(f"{_CASE}/add/file", views.add_digital, name="evidence-add-digital"),
    path(f"{_CASE}/add/item", views.add_physical, name="evidence-add-physical"),
    path(f"{_CASE}/add/from-report", views.from_report, name="evidence-from-report"),
    path(f"{_CASE}/export", views.export, name="evidence-export"),
    path(f"{_EXHIBIT}", views.evidence_detail, name="evidence-detail"),
    path(f"{_EXHIBIT}/transfer", views.transfer, name="evidence-transfer"),
    path(f"{_EXHIBIT}/download", views.download, name="evidence-download"),
]
