"""What every browser test needs: ``opencx serve`` in a subprocess on a free loopback port, and
Debian's Chromium driven by Playwright (which installs no browser of its own here)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import unavailable

CHROMIUM = ("/usr/bin/chromium", "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVE = [sys.executable, "-c", "from opencx.cli import main; main()", "serve"]


def chromium_path() -> str:
    """Debian's Chromium; skipped without it (an error under ``CI=true``)."""
    for path in CHROMIUM:
        if Path(path).exists():
            return path
    unavailable("Chromium")
    raise AssertionError("unreachable")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (a Playwright ``Browser``), closed afterwards. Assertions wait up
    to 30 s, as actions do: a chart drawn on a loaded machine is late, not missing."""
    executable = chromium_path()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180  # a loaded 2-core machine needs more than a minute
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"opencx serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=5) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"opencx serve did not answer on {url} within 180 s:\n{log.read_text()}")


@contextmanager
def served(
    db_url: str,
    folder: Path,
    secret_key: str,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
) -> Iterator[str]:
    """``opencx serve`` on ``db_url`` until the block ends; yields its base URL. Its output goes
    to ``folder/server.log``, shown when it fails to start."""
    port = port or free_port()
    environment = {
        **os.environ,
        "OPENCX_DATABASE_URL": db_url,
        "OPENCX_SECRET_KEY": secret_key,
        **(env or {}),
    }
    log = folder / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*SERVE, "--host", "127.0.0.1", "--port", str(port)],
            cwd=folder,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
