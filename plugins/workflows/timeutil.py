"""Time for workflows: always from :mod:`core.clock` (tests move it), shown in the deployment's zone."""
from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    from core import clock

    return clock.now()


def local_now() -> dt.datetime:
    from core.i18n import deployment_tz

    return now().astimezone(deployment_tz())


def local_today() -> dt.date:
    return local_now().date()
