"""Error pages for the browser (the API answers JSON instead)."""
from __future__ import annotations

from flask import render_template


def error_page(exc):
    return render_template("error.html", error=exc), exc.status
