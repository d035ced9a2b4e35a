"""The deployment's SMS settings (``core_settings`` key ``sms``) and the provider they choose.

Secret provider settings (API keys) are sealed at rest with
:mod:`core.secret_values`, like the SMTP password, and opened only when a
provider is built to send.
"""
from __future__ import annotations

import sqlalchemy as sa

from core import audit, secret_values, settings_store
from core.db import session
from core.errors import ValidationError
from core.plugin_api import translator
from core.runtime import runtime
from core.settings_store import SettingRow
from plugins.sms.providers import Provider

_, _l = translator("sms")

SETTINGS_KEY = "sms"
DEFAULTS = {"provider": "file", "provider_settings": {}, "rule": "kr", "daily_cap": 10000,
            "company_name": "", "company_contact": "", "optout_number": "", "public_url": "", "timeout": 10.0,
            "rate_per_second": None}


def providers() -> dict[str, type[Provider]]:
    """Every adapter the enabled plugins offer through ``crm_sms_providers``."""
    table: dict[str, type[Provider]] = {}
    for offered in runtime().hook.crm_sms_providers():
        table.update(offered or {})
    return table


def current() -> dict:
    """The effective settings (secrets still sealed)."""
    return {**DEFAULTS, **(settings_store.get(SETTINGS_KEY) or {})}


def lock() -> dict:
    """The settings, read with their row locked: sends counting against the daily cap take turns."""
    session().execute(sa.select(SettingRow.key).where(SettingRow.key == SETTINGS_KEY).with_for_update())
    return current()


def public(settings: dict) -> dict:
    """The settings as an administrator reads them: secret values only as "is set"."""
    cls = providers().get(settings["provider"])
    secret = {f.name for f in cls.fields if f.secret} if cls else set()
    shown = {k: v for k, v in settings["provider_settings"].items() if k not in secret}
    shown.update({f"{k}_set": secret_values.is_set(settings["provider_settings"].get(k)) for k in secret})
    out = {k: v for k, v in settings.items() if k != "provider_settings"}
    out["provider_settings"] = shown
    return out


def catalogue() -> list[dict]:
    """The adapters and what each can do (for the settings page)."""
    return [{"name": name, "label": cls.label, "fields": [{"name": f.name, "secret": f.secret,
                                                            "required": f.required} for f in cls.fields],
             "capabilities": {"kinds": sorted(cls.capabilities.kinds), "templates": cls.capabilities.templates,
                              "delivery_reports": cls.capabilities.delivery_reports,
                              "lookup": cls.capabilities.lookup, "batch_size": cls.capabilities.batch_size,
                              "rate_per_second": cls.capabilities.rate_per_second,
                              "rules": list(cls.capabilities.rules)}}
            for name, cls in sorted(providers().items())]


def save(clean: dict, user) -> dict:
    """Merge an administrator's (validated) change; secret values are sealed, an empty one keeps the old."""
    old = current()
    stored = {**old, **{k: v for k, v in clean.items() if k != "provider_settings"}}
    cls = providers().get(stored["provider"])
    if cls is None:
        raise ValidationError(_("Some fields are not valid."),
                              {"provider": _("Choose one of: %(choices)s.", choices=", ".join(sorted(providers())))})
    given = clean.get("provider_settings")
    if given is not None:
        known = {f.name: f for f in cls.fields}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ValidationError(_("Some fields are not valid."),
                                  {"provider_settings": _("Unknown setting: %(names)s.", names=", ".join(unknown))})
        merged = dict(old["provider_settings"] if stored["provider"] == old["provider"] else {})
        for name, value in given.items():
            if known[name].secret:
                if value == "":
                    continue
                value = secret_values.seal(value or "")
            merged[name] = value or ""
        stored["provider_settings"] = merged
    settings_store.put(SETTINGS_KEY, stored, user)
    secret = tuple(f"provider_settings.{f.name}" for f in cls.fields if f.secret)
    audit.log_settings_change(SETTINGS_KEY, flatten(old), flatten(stored), user, secret=secret)
    return stored


def flatten(settings: dict) -> dict:
    out = {k: v for k, v in settings.items() if k != "provider_settings"}
    out.update({f"provider_settings.{k}": v for k, v in settings["provider_settings"].items()})
    return out


def build_provider(settings: dict | None = None, *, timeout: float = 10.0) -> Provider:
    """The configured adapter with its secrets opened (only here, just before sending)."""
    settings = settings or current()
    cls = providers()[settings["provider"]]
    opened = {f.name: (secret_values.reveal(settings["provider_settings"].get(f.name), f.name) if f.secret
                       else settings["provider_settings"].get(f.name))
              for f in cls.fields}
    return cls({k: v for k, v in opened.items() if v}, instance_path=runtime().settings.instance_path,
               timeout=timeout)
