"""gunicorn settings shipped with plugcrm: ``gunicorn -c python:core.gunicorn_conf 'core.wsgi:app'``.

gunicorn's own lines, its access log and the application's loggers (``plugcrm.*``) all go to stderr
in the one format ``plugcrm serve`` and ``plugcrm worker`` use (:mod:`core.log_setup`):
``2026-03-02T09:15:04Z WARNING plugcrm: database unavailable on GET /api/v1/accounts: ...``.
The level is ``PLUGCRM_LOG_LEVEL`` (default INFO); ``WEB_CONCURRENCY`` sets the number of workers.

Workers are threaded (``gthread``, ``PLUGCRM_THREADS`` threads each, default 8): a long-lived request
such as the CTI popup stream (Server-Sent Events, ``plugins/cti_lg/stream.py``) then takes one thread
while it waits, not a whole process; the stream also ends every 25 seconds and the browser reconnects.
Command-line options (``-w 8 -b 0.0.0.0:8000``) override these.
"""
import os

from core.log_setup import DATE_FORMAT, FORMAT, level_number

LEVEL = os.environ.get("PLUGCRM_LOG_LEVEL", "INFO").upper()
level_number(LEVEL)  # an unknown level stops gunicorn at start with a clear message

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("PLUGCRM_THREADS", "8"))
timeout = 60
graceful_timeout = 30
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
loglevel = LEVEL.lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plugcrm": {"()": "core.log_setup.UTCFormatter", "fmt": FORMAT, "datefmt": DATE_FORMAT}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plugcrm", "stream": "ext://sys.stderr"}},
    "root": {"level": LEVEL, "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": LEVEL, "handlers": ["stderr"], "propagate": False, "qualname": "gunicorn.error"},
        "gunicorn.access": {"level": "INFO", "handlers": ["stderr"], "propagate": False,
                            "qualname": "gunicorn.access"},
    },
}
