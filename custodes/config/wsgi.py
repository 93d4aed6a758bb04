"""WSGI entry point for gunicorn (the same server in the demo and in production)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custodes.config.settings")
application = get_wsgi_application()
