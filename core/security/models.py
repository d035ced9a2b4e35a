"""Users and API tokens."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from core import generations
from core.db import Base, UTCDateTime, utcnow


class User(Base):
    __tablename__ = "core_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str | None] = mapped_column(sa.String(10))
    role_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_roles.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def set_password(self, password: str) -> None:
        # werkzeug's default is scrypt, a memory-hard KDF
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class Role(Base):
    """A node in the role tree (대표 > 이사 > 팀장 > 영업); see core.security.permissions."""

    __tablename__ = "core_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(100))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_roles.id"), index=True)


ACTIONS = ("view", "create", "edit", "delete", "import", "export")


class RoleRight(Base):
    """An administrator's choice of what one role may do with one entity.

    Absent row: the defaults of :mod:`core.security.rights` apply, so an entity
    added by a newly enabled plugin gets sensible rights without a data migration.
    """

    __tablename__ = "core_role_rights"
    __table_args__ = (sa.UniqueConstraint("role_id", "entity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(sa.ForeignKey("core_roles.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(sa.String(64))
    view: Mapped[bool] = mapped_column(default=False)
    create: Mapped[bool] = mapped_column(default=False)
    edit: Mapped[bool] = mapped_column(default=False)
    delete: Mapped[bool] = mapped_column(default=False)
    import_: Mapped[bool] = mapped_column("import", default=False)
    export: Mapped[bool] = mapped_column(default=False)

    def as_dict(self) -> dict[str, bool]:
        return {a: bool(getattr(self, column_attr(a))) for a in ACTIONS}


def column_attr(action: str) -> str:
    """``import`` is a Python keyword, so its attribute is ``import_``."""
    return "import_" if action == "import" else action


class EntitySharing(Base):
    """An administrator's override of an entity's sharing default (``private`` / ``public_read`` / ``public_rw``)."""

    __tablename__ = "core_entity_sharing"

    entity: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    sharing: Mapped[str] = mapped_column(sa.String(20))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


USER_NAMES = "users"  # generation counter of the cached user names (core.security.users.names_of)


@sa.event.listens_for(User, "after_insert")
@sa.event.listens_for(User, "after_delete")
def _user_added_or_removed(_mapper, connection, _user):
    generations.bump(USER_NAMES, connection)


@sa.event.listens_for(User, "after_update")
def _user_renamed(_mapper, connection, user):
    if sa.inspect(user).attrs.name.history.has_changes():
        generations.bump(USER_NAMES, connection)


class ApiToken(Base):
    """Per-user API tokens; only a SHA-256 of the token is stored."""

    __tablename__ = "core_api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("core_users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    PREFIX = "pcrm_"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, session, user: User, name: str = "") -> str:
        token = cls.PREFIX + secrets.token_urlsafe(32)
        session.add(cls(user_id=user.id, token_hash=cls.hash(token), name=name))
        return token


class UserSession(Base):
    """One browser login.  The signed session cookie names it; deleting the row ends that login on the
    server (see :mod:`core.security.sessions`), so a copied cookie stops working at logout."""

    __tablename__ = "core_user_sessions"

    id_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # SHA-256 of the cookie's id
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("core_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class LoginEvent(Base):
    """One login attempt (browser form or API token), successful or not; also feeds rate limiting."""

    __tablename__ = "core_login_log"
    __table_args__ = (sa.Index("ix_core_login_log_ip_email", "ip", "email", "at"),
                      sa.Index("ix_core_login_log_email_at", "email", "at"))

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    method: Mapped[str] = mapped_column(sa.String(20), default="password")  # password | token
    success: Mapped[bool]
    reason: Mapped[str | None] = mapped_column(sa.String(40))  # wrong_password, inactive, rate_limited, bad_token
    ip: Mapped[str] = mapped_column(sa.String(64), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")
