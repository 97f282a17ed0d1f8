"""OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS: how long a web request waits for a PostgreSQL lock.
A positive number of seconds PostgreSQL can hold (whole milliseconds, at most 2^31 - 1), or 0
for no limit; anything else stops the settings from loading with a sentence naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from opencx.db.engine import lock_timeout
from opencx.settings import Settings


def test_the_default_is_10_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS", raising=False)
    assert Settings(_env_file=None).request_lock_timeout_seconds == 10


@pytest.mark.parametrize(
    ("given", "seconds", "postgres"),
    [
        ("10", 10, "10000ms"),
        ("0.3", 0.3, "300ms"),
        ("0.001", 0.001, "1ms"),
        ("2147483", 2147483, "2147483000ms"),
        ("0", 0, None),
    ],
)
def test_the_environment_sets_it(
    monkeypatch: pytest.MonkeyPatch, given: str, seconds: float, postgres: str | None
) -> None:
    monkeypatch.setenv("OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS", given)
    read = Settings(_env_file=None).request_lock_timeout_seconds
    assert read == seconds
    assert lock_timeout(read) == postgres


def test_a_dot_env_file_sets_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS", raising=False)
    env = tmp_path / ".env"
    env.write_text("OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS=2.5\n", encoding="utf-8")
    assert Settings(_env_file=env).request_lock_timeout_seconds == 2.5


@pytest.mark.parametrize("given", ["-1", "0.0004", "2147484", "nan", "inf", "off", "10s"])
def test_a_value_postgresql_cannot_take_is_refused_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    monkeypatch.setenv("OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS", given)
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)
    assert "request_lock_timeout_seconds" in str(refused.value)
    if given in {"-1", "0.0004", "2147484"}:
        assert "OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS is" in str(refused.value)
        assert "give 0" in str(refused.value)
