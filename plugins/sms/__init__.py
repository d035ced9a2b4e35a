"""sms: text messages to contacts and groups through provider adapters (Aligo, Solapi, NHN Cloud, a file).

Korean carriers count bytes (:mod:`plugins.sms.length`), Korean law makes
advertising special (:mod:`plugins.sms.rules`), and every recipient gets one
row in a send log that nobody can delete (:mod:`plugins.sms.models`).
"""
from __future__ import annotations

from pathlib import Path

from core.plugins import Manifest

manifest = Manifest(name="sms", version="0.1.0", label="SMS", depends=["customers"], uses=["workflows"],
                    description="Text messages with Korean byte rules, the advertising law, registered senders "
                                "and an undeletable send log.")
HERE = Path(__file__).parent
