"""customers: accounts (고객사) and contacts (담당자 / 명함)."""
from __future__ import annotations

from pathlib import Path

from core.plugins import Manifest
from hooks import hookimpl
from plugins.customers import entities

manifest = Manifest(name="customers", version="0.1.0", label="Customers", default_enabled=True,
                    description="Accounts, contacts, activities and the customer 360° view.")


@hookimpl
def crm_entities():
    return [entities.accounts, entities.contacts]


@hookimpl
def crm_picklists():
    return entities.picklists


@hookimpl
def crm_related_lists(entity):
    return entities.related.get(entity.name, [])


@hookimpl
def crm_migrations():
    return Path(__file__).parent / "migrations" / "versions"
