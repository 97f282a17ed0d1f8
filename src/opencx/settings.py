"""Settings from the environment (``OPENCX_*``). Read by entry points and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPENCX_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{Path.cwd() / 'opencx.db'}"
    warehouse_url: str | None = None
    secret_key: str = "change-me-in-production"
    host: str = "127.0.0.1"
    port: int = 8000
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_sender: str = "OpenCX <noreply@opencx.local>"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    sms_webhook_url: str | None = None
    webhook_secret: str | None = None  # signs outbox webhooks; derived from secret_key if unset
    base_url: str = "http://127.0.0.1:8000"
