"""The service's URLs plus /bench/floor, for the intake benchmark only (never deployed)."""

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from custodes.config.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> JsonResponse:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_floor (created_at) VALUES (now()) RETURNING id")
        row_id = cursor.fetchone()[0]
    return JsonResponse({"id": row_id}, status=201)


urlpatterns = [path("bench/floor", floor), *urlpatterns]
