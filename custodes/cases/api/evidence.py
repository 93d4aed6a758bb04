"""Cases API: evidence."""

from ninja import Router

router = Router()
