"""Views for the signed-in reporting pages, one module per area. Each parses input, calls a selector or a
service, and renders: access is decided by custodes.core.policy inside those (403 when the user's roles may
never do it, 404 when the report is out of scope, hidden by need-to-know, or does not exist)."""
