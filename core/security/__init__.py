"""Users, authentication, tokens and (see permissions) who may see and do what."""
from core.security.auth import current_user_or_none, public_endpoint  # noqa: F401
