"""Cases API: tracing."""

from ninja import Router

router = Router()
