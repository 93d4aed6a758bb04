"""The cases API: one router, assembled from each part's own router (mounted at /api/v1/).

Each module below keeps its own Router; they are joined here so that /api/v1/openapi.json documents them all.
"""

from ninja import Router

from custodes.cases.api import cases, dashboards, evidence, tracing, triage

router = Router()
for part in (triage, cases, evidence, tracing, dashboards):
    router.add_router("", part.router)
