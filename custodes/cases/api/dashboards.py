"""Cases API: dashboards."""

from ninja import Router

router = Router()
