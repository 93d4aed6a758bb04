"""gunicorn settings shared by the demo and production (override with GUNICORN_CMD_ARGS)."""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("CUSTODES_WEB_WORKERS", "2"))
threads = int(os.environ.get("CUSTODES_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 60
# No access log: gunicorn's would record client addresses, which the anonymous channel must never keep.
# Requests are logged by custodes.core.middleware.AccessLogMiddleware, without addresses or query strings.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("CUSTODES_FORWARDED_ALLOW_IPS", "127.0.0.1")
