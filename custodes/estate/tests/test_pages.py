"""Estate pages: content, filters without JavaScript, pagination, methods, sign-in, strict CSP markup, and a
fixed number of queries per page however long the list."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from custodes.core.roles import Role
from custodes.estate.models import Establishment, EstablishmentCategory
from custodes.estate.tests.conftest import Prison
from custodes.testing.personas import persona, signed_in_client

pytestmark = pytest.mark.django_db


def page_urls(prison: Prison) -> list[str]:
    code = prison.establishment.code
    return [
        "/estate/establishments/",
        f"/estate/establishments/{code}/",
        f"/estate/establishments/{code}/units/A/",
        f"/estate/establishments/{code}/units/A/cells/A-1-01/",
        "/estate/prisoners/",
        f"/estate/prisoners/{prison.prisoner.prison_number}/",
        "/estate/staff/",
        f"/estate/staff/{prison.staff_member.staff_number}/",
    ]


def many_establishments(count: int) -> None:
    Establishment.objects.bulk_create(
        Establishment(
            code=f"X{chr(65 + n // 26)}{chr(65 + n % 26)}",
            name=f"HMP Elmscote {n:02d}",
            category=EstablishmentCategory.CATEGORY_C,
            region="Fictional East",
            in_use_cna=100,
            operational_capacity=120,
        )
        for n in range(count)
    )


@pytest.fixture
def lead_client() -> Client:
    return signed_in_client(persona(Role.COUNTER_CORRUPTION_LEAD))


def test_every_page_answers_a_signed_in_lead(prison_a: Prison, lead_client: Client):
    for url in page_urls(prison_a):
        response = lead_client.get(url)
        assert response.status_code == 200, url
        assert lead_client.head(url).status_code == 200, url


def test_pages_show_the_figures(prison_a: Prison, lead_client: Client):
    html = lead_client.get("/estate/establishments/").content.decode()
    assert "HMP Testmoor QAA" in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">0%</td>' in html  # 1 held of 400
    detail = lead_client.get("/estate/establishments/QAA/").content.decode()
    assert "599 places" in detail  # operational capacity 600, 1 held
    assert 'href="/estate/prisoners/?establishment=QAA"' in detail
    assert 'href="/estate/establishments/QAA/units/A/"' in detail
    unit = lead_client.get("/estate/establishments/QAA/units/A/").content.decode()
    assert 'href="/estate/establishments/QAA/units/A/cells/A-1-01/"' in unit
    cell = lead_client.get("/estate/establishments/QAA/units/A/cells/A-1-01/").content.decode()
    assert prison_a.prisoner.prison_number in cell
    prisoner = lead_client.get(f"/estate/prisoners/{prison_a.prisoner.prison_number}/").content.decode()
    assert "6 January 2025" in prisoner
    assert "Current" in prisoner
    staff = lead_client.get(f"/estate/staff/{prison_a.staff_member.staff_number}/").content.decode()
    assert "Prison officer (band 3)" in staff


def test_an_overcrowded_establishment_is_badged(prison_a: Prison, lead_client: Client):
    Establishment.objects.filter(pk=prison_a.establishment.pk).update(in_use_cna=1, operational_capacity=1)
    from custodes.estate.models import Prisoner

    Prisoner.objects.create(
        prison_number="Y0001AA", first_name="A", last_name="B", current_establishment_id=prison_a.establishment.pk
    )
    html = lead_client.get("/estate/establishments/QAA/").content.decode()
    assert "200% of in-use CNA" in html
    assert "Overcrowded" in html
    assert "None: 1 over operational capacity" in html


def test_filters_work_as_plain_get_forms(prison_a: Prison, prison_b: Prison, lead_client: Client):
    html = lead_client.get("/estate/establishments/", {"search": "QBB"}).content.decode()
    assert "HMP Testmoor QBB" in html
    assert "HMP Testmoor QAA" not in html
    assert 'value="QBB"' in html  # the form keeps what was asked
    html = lead_client.get("/estate/prisoners/", {"establishment": "QAA"}).content.decode()
    assert prison_a.prisoner.prison_number in html
    assert prison_b.prisoner.prison_number not in html
    assert '<option value="QAA" selected>' in html
    html = lead_client.get("/estate/staff/", {"grade": "band3", "name": "brackwaterqbb"}).content.decode()
    assert prison_b.staff_member.staff_number in html
    assert prison_a.staff_member.staff_number not in html


def test_an_invalid_filter_is_reported_and_ignored(prison_a: Prison, lead_client: Client):
    response = lead_client.get("/estate/establishments/", {"region": "Atlantis"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_region">Select a region from the list</a>' in html
    assert "HMP Testmoor QAA" in html
    assert "<title>Establishments \u2013 Error \u2013" in html


def test_pagination_keeps_the_filters_and_tolerates_edited_addresses(db: None, lead_client: Client):
    many_establishments(60)
    html = lead_client.get("/estate/establishments/", {"region": "Fictional East"}).content.decode()
    assert "Showing 1 to 25 of 60 establishments" in html
    assert 'class="govuk-pagination"' in html
    assert 'href="?region=Fictional+East&amp;page=2" rel="next"' in html
    page_3 = lead_client.get("/estate/establishments/", {"region": "Fictional East", "page": "3"}).content.decode()
    assert "Showing 51 to 60 of 60 establishments" in page_3
    assert 'aria-current="page">3</a>' in page_3
    assert "HMP Elmscote 59" in page_3
    assert "HMP Elmscote 00" not in page_3
    for page in ("99", "abc", "-1"):
        assert lead_client.get("/estate/establishments/", {"page": page}).status_code == 200


def test_only_get_and_head_are_answered(prison_a: Prison, lead_client: Client):
    for url in page_urls(prison_a):
        for method in ("post", "put", "delete", "patch"):
            assert getattr(lead_client, method)(url).status_code == 405, (method, url)


def test_anonymous_visitors_are_sent_to_sign_in(prison_a: Prison):
    client = Client(HTTP_HOST="127.0.0.1")
    for url in page_urls(prison_a):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/sign-in?next={url}"


_INLINE = [
    re.compile(r"\sstyle\s*=", re.IGNORECASE),
    re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    re.compile(r"<style", re.IGNORECASE),
    re.compile(r"javascript:", re.IGNORECASE),
]


def test_pages_have_no_inline_script_or_style_for_the_strict_csp(prison_a: Prison, lead_client: Client):
    for url in [*page_urls(prison_a), "/estate/establishments/?region=Nowhere"]:
        html = lead_client.get(url).content.decode()
        for pattern in _INLINE:
            assert not pattern.search(html), (url, pattern.pattern)


def test_tables_are_captioned_and_headers_scoped(prison_a: Prison, lead_client: Client):
    for url in page_urls(prison_a):
        html = lead_client.get(url).content.decode()
        assert html.count("<table") == html.count("<caption"), url
        assert "<th class" not in html.replace('<th scope="', ""), url  # every header cell has a scope


def test_navigation_offers_each_area_only_to_roles_that_may_enter(prison_a: Prison):
    def nav(role: Role, establishment: object = None) -> list[str]:
        html = signed_in_client(persona(role, establishment)).get("/").content.decode()  # type: ignore[arg-type]
        menu = html.split('aria-label="Primary navigation"', 1)[1].split("</nav>", 1)[0]
        return re.findall(r'moj-primary-navigation__link" href="[^"]+"[^>]*>([^<]+)</a>', menu)

    assert nav(Role.GOVERNOR, prison_a.establishment)[:4] == ["Home", "Establishments", "Prisoners", "Staff"]
    assert nav(Role.ANALYST)[:2] == ["Home", "Establishments"]
    assert "Prisoners" not in nav(Role.ANALYST)
    assert "Staff" not in nav(Role.INSPECTOR)


@pytest.mark.parametrize(
    "url", ["/estate/establishments/", "/estate/prisoners/", "/estate/staff/", "/estate/establishments/QAA/"]
)
def test_a_page_costs_the_same_queries_for_a_short_or_a_long_list(url: str, prison_a: Prison):
    from custodes.estate.tests.conftest import build_prison

    client = signed_in_client(persona(Role.COUNTER_CORRUPTION_LEAD))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for n in range(8):
        build_prison(f"QD{chr(65 + n)}", n=20 + n)
        from custodes.estate import services
        from custodes.estate.tests.conftest import SYSTEM

        services.save_unit(actor=SYSTEM, establishment=prison_a.establishment, code=f"W{n}", name=f"W{n} wing")
    assert queries() == few
