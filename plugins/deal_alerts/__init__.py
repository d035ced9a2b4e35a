"""deal_alerts: email the team when a big deal is entered (Vtiger's "Amount greater than 10000 -> send mail")."""
from __future__ import annotations

from core.plugins import Manifest

manifest = Manifest(name="deal_alerts", version="0.1.0", label="Deal alerts", depends=["workflows"])
