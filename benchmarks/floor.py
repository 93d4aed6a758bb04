"""Settings for the intake benchmark: the service's own, plus one minimal view that writes one row.

The floor view goes through the same gunicorn, middleware and database as report intake, so the ratio between
the two shows what intake itself costs (validation, encryption, Argon2id, files, audit) over the bare minimum.
"""

from custodes.config.settings import *  # noqa: F403  (the benchmark runs the service exactly as configured)

ROOT_URLCONF = "benchmarks.floor_urls"
