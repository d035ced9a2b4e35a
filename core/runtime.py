"""What one running plugcrm holds: settings, engine, plugins, entity registry."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import sessionmaker

from core.config import Settings
from core.entities.registry import EntityRegistry
from core.plugins import BatchHook, PluginSet


@dataclass
class Runtime:
    settings: Settings
    engine: sa.Engine
    Session: sessionmaker
    plugins: PluginSet
    registry: EntityRegistry
    schema_cache: dict = field(default_factory=dict)

    @property
    def hook(self):
        return self.plugins.pm.hook

    def batch_hook(self, name: str) -> BatchHook:
        """``hook.<name>`` for a caller that calls it once per record of a batch (:class:`~core.plugins.BatchHook`)."""
        return BatchHook(self.plugins.pm, name)


def runtime() -> Runtime:
    return current_app.extensions["plugcrm"]
