"""Cases API: triage."""

from ninja import Router

router = Router()
