"""Structured JSON logs on stdout.

Every line carries the request id bound by RequestIdMiddleware. Log only identifiers that mean nothing outside
the service (account ids, object ids, request ids): never names, addresses, free text or query strings.
"""

from __future__ import annotations

import logging
import logging.config
import sys

import structlog

_CONFIGURED = False

_SHARED_PROCESSORS: list[structlog.types.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def json_formatter() -> logging.Formatter:
    """The formatter every handler uses: one JSON object per line, keys sorted."""
    return structlog.stdlib.ProcessorFormatter(
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(sort_keys=True),
        ],
        foreign_pre_chain=_SHARED_PROCESSORS,
    )


def configure_logging(*, level: str = "INFO") -> None:
    global _CONFIGURED
    if _CONFIGURED:
        return
    structlog.configure(
        processors=[*_SHARED_PROCESSORS, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": json_formatter}},
            "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": sys.stdout, "formatter": "json"}},
            "root": {"handlers": ["stdout"], "level": level},
            "loggers": {
                # Django's request logger repeats what the access log says and adds the request object's repr.
                "django.request": {"level": "ERROR"},
                "django.server": {"level": "WARNING"},
                "django.db.backends": {"level": "WARNING"},
                "axes": {"level": "WARNING"},
                # pypdf's repair messages can quote bytes from a reporter's file.
                "pypdf": {"level": "ERROR"},
                # At DEBUG these would log a template's whole context (a narrative) and a photo's EXIF (GPS,
                # names): never below INFO, whatever CUSTODES_LOG_LEVEL says.
                "django.template": {"level": "INFO"},
                "PIL": {"level": "INFO"},
            },
        }
    )
    _CONFIGURED = True


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.stdlib.get_logger(name)
