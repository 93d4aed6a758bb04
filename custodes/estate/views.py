"""Estate pages: read-only lists and detail pages. Each view parses input, calls selectors, renders.

Access is decided by the selectors through custodes.core.policy: 403 when the user's roles may never take
the action, 404 when the object is out of their scope. Anonymous visitors are sent to sign in; any method but
GET (or HEAD) is answered 405.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from custodes.core.pagination import paginate
from custodes.estate import selectors
from custodes.estate.forms import EstablishmentFilterForm, PrisonerFilterForm, StaffFilterForm


@require_safe
@login_required
def establishment_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = EstablishmentFilterForm(request.GET or None, regions=selectors.region_choices(user))
    establishments = selectors.establishment_list(user, **form.filters())
    context = {"form": form, "pagination": paginate(request, establishments)}
    return render(request, "estate/establishment_list.html", context)


@require_safe
@login_required
def establishment_detail(request: HttpRequest, code: str) -> HttpResponse:
    detail = selectors.establishment_detail(request.user, code=code)
    context = {"detail": detail, "establishment": detail.establishment}
    return render(request, "estate/establishment_detail.html", context)


@require_safe
@login_required
def unit_detail(request: HttpRequest, code: str, unit_code: str) -> HttpResponse:
    detail = selectors.unit_detail(request.user, establishment_code=code, unit_code=unit_code)
    return render(request, "estate/unit_detail.html", {"detail": detail, "unit": detail.unit})


@require_safe
@login_required
def cell_detail(request: HttpRequest, code: str, unit_code: str, label: str) -> HttpResponse:
    detail = selectors.cell_detail(request.user, establishment_code=code, unit_code=unit_code, label=label)
    return render(request, "estate/cell_detail.html", {"detail": detail, "cell": detail.cell})


@require_safe
@login_required
def prisoner_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PrisonerFilterForm(request.GET or None, establishments=selectors.establishment_choices(user))
    prisoners = selectors.prisoner_list(user, **form.filters())
    context = {"form": form, "pagination": paginate(request, prisoners)}
    return render(request, "estate/prisoner_list.html", context)


@require_safe
@login_required
def prisoner_detail(request: HttpRequest, prison_number: str) -> HttpResponse:
    detail = selectors.prisoner_detail(request.user, prison_number=prison_number)
    return render(request, "estate/prisoner_detail.html", {"detail": detail, "prisoner": detail.prisoner})


@require_safe
@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = StaffFilterForm(request.GET or None, establishments=selectors.establishment_choices(user))
    staff = selectors.staff_list(user, **form.filters())
    context = {"form": form, "pagination": paginate(request, staff)}
    return render(request, "estate/staff_list.html", context)


@require_safe
@login_required
def staff_detail(request: HttpRequest, staff_number: str) -> HttpResponse:
    detail = selectors.staff_detail(request.user, staff_number=staff_number)
    return render(request, "estate/staff_detail.html", {"detail": detail, "staff_member": detail.staff_member})
