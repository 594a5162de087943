"""Settings from the environment: where the database is and the key that signs sessions."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

# A file beside where partage runs, until PARTAGE_DATABASE_URL names another database.
DEFAULT_URL = "sqlite:///partage.db"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_URL
    secret_key: str = ""
    load_demo: bool = False
    secure_cookies: bool = False


def _secret(path: Path) -> str:
    """PARTAGE_SECRET_KEY, or a key kept in ``.partage-secret`` so sessions survive restarts."""
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_settings() -> Settings:
    return Settings(
        database_url=os.environ.get("PARTAGE_DATABASE_URL", DEFAULT_URL),
        secret_key=os.environ.get("PARTAGE_SECRET_KEY") or _secret(Path(".partage-secret")),
        load_demo=os.environ.get("PARTAGE_DEMO", "") not in ("", "0", "false"),
        secure_cookies=os.environ.get("PARTAGE_SECURE_COOKIES", "") not in ("", "0", "false"),
    )
