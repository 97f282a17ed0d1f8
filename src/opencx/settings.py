"""Settings from the environment (``OPENCX_*``). Read by entry points and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "change-me-in-production"
MIN_SECRET_KEY = 32
MAX_LOCK_TIMEOUT = 2_147_483  # seconds: PostgreSQL's lock_timeout is at most 2^31 - 1 ms


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPENCX_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{Path.cwd() / 'opencx.db'}"
    warehouse_url: str | None = None
    secret_key: str = DEFAULT_SECRET_KEY
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
    env: str = "development"  # "production" turns on the start-up refusals below
    log_format: str = "json"  # json or text
    log_level: str = "INFO"
    # addresses (or "*") whose X-Forwarded-For/-Proto headers are believed: your reverse proxy
    trusted_proxies: str = "127.0.0.1"
    cookie_secure: bool | None = None  # session cookies only over HTTPS; default: in production
    # sessions (docs/security.md): end after this long without a request, and this long after
    # login whatever the activity
    session_idle_minutes: float = Field(default=30, gt=0)
    session_max_hours: float = Field(default=8, gt=0)
    # login throttling: failed attempts one address may make at once, then one per N seconds;
    # the same per account from browsers that never signed in to it
    login_ip_burst: int = Field(default=20, ge=1)
    login_ip_seconds: float = Field(default=30, gt=0)
    login_account_burst: int = Field(default=10, ge=1)
    login_account_seconds: float = Field(default=180, gt=0)
    # on PostgreSQL a web request waits at most this many seconds for a table or row lock (a
    # first import into an empty store locks its tables until it ends: docs/operations.md),
    # then is answered 503 with Retry-After; 0: it waits as long as jobs and the CLI do
    request_lock_timeout_seconds: float = Field(default=10, allow_inf_nan=False)
    ready_outbox_backlog: int = 1000  # /readyz fails with more messages overdue than this
    # the web process runs work submitted on request (model fits: 202 + job id) in a thread of
    # its own; turn off where dedicated `opencx worker` processes run them
    web_runs_jobs: bool = True
    ready_worker_seconds: int = 60  # /readyz fails when no worker was seen for this long (0: off)
    # crypto-shredding: customers' name, email and phone sealed under a per-customer key
    # (docs/security.md); the master key wraps those keys (base64 of 32 bytes; default: derived
    # from secret_key). On by default; `opencx init` seals customers stored before in plaintext.
    # Off: contact fields are stored in plaintext and names can be searched.
    # where uploaded files wait for their import job (default: a folder in the system's temp
    # folder); every process that runs jobs must see it
    imports_dir: str | None = None
    crypto_shredding: bool = True
    master_key: str | None = None
    old_master_key: str | None = None  # the master key being rotated out (customers rewrap-keys)

    @field_validator("request_lock_timeout_seconds")
    @classmethod
    def _lock_timeout(cls, seconds: float) -> float:
        if seconds == 0 or 0.001 <= seconds <= MAX_LOCK_TIMEOUT:
            return seconds
        raise ValueError(
            f"OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS is {seconds:g}: give 0 (requests wait for a "
            f"lock as long as they must) or from 0.001 (1 ms) to {MAX_LOCK_TIMEOUT} seconds "
            "(PostgreSQL's lock_timeout counts whole milliseconds, at most 2^31 - 1)"
        )

    @property
    def production(self) -> bool:
        return self.env.strip().lower() == "production"

    @property
    def secure_cookies(self) -> bool:
        return self.production if self.cookie_secure is None else self.cookie_secure

    def unsafe_for_production(self) -> list[str]:
        """What stops this configuration from serving in production, each with its fix."""
        problems = []
        if self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < MIN_SECRET_KEY:
            problems.append(
                "OPENCX_SECRET_KEY is the default or shorter than 32 characters: set a random "
                'one, e.g. python -c "import secrets; print(secrets.token_urlsafe(48))"'
            )
        if not self.secure_cookies:
            problems.append(
                "OPENCX_COOKIE_SECURE is false: session cookies would travel over plain HTTP; "
                "serve behind HTTPS and leave it unset (or true)"
            )
        if not self.base_url.startswith("https://"):
            problems.append(
                f"OPENCX_BASE_URL {self.base_url!r} is not https://: links in emails and survey "
                "invitations would be plain HTTP; set the public https:// address"
            )
        return problems


class UnsafeSettings(RuntimeError):
    """Raised at start-up in production when :meth:`Settings.unsafe_for_production` finds any."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "refusing to start with OPENCX_ENV=production:\n"
            + "\n".join(f"- {p}" for p in problems)
        )
        self.problems = problems


def check_production(settings: Settings) -> None:
    """Raise :class:`UnsafeSettings` when ``settings`` is production and unsafe."""
    if settings.production and (problems := settings.unsafe_for_production()):
        raise UnsafeSettings(problems)


def refused(exc: ValidationError) -> str | None:
    """The settings ``exc`` refused, each by its variable and value, what is wrong with it and
    where it is read: a line an operator can act on, not pydantic's report; None when ``exc``
    is not about :class:`Settings`."""
    if exc.title != Settings.__name__:
        return None
    prefix = Settings.model_config.get("env_prefix", "")
    said = []
    for error in exc.errors(include_url=False):
        name = f"{prefix}{'_'.join(str(part) for part in error['loc'])}".upper()
        shown = error["input"] if isinstance(error["input"], str | int | float) else None
        value = f" = {shown!r}" if shown is not None else ""
        said.append(f"{name}{value}: {error['msg'].removeprefix('Value error, ')}")
    return "setting refused (from the environment or .env): " + "; ".join(said)
