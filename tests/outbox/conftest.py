"""Fixtures for the outbox: a real SMTP server (aiosmtpd) on loopback and free ports."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps every message it accepts, optionally slowly."""

    delay: float = 0.0
    hold_at: int = 0  # when the hold_at-th message arrives, answer only after ``release``
    release: threading.Event = field(default_factory=threading.Event)
    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)
            held = len(self.messages) == self.hold_at
        if self.delay:
            await asyncio.sleep(self.delay)  # accepted, but the client has no "250" yet
        while held and not self.release.is_set():
            await asyncio.sleep(0.01)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]


@dataclass
class SmtpServer:
    port: int
    inbox: Inbox
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server on a free loopback port; stop()/start() to take it down and up."""
    server = SmtpServer(port=free_port(), inbox=Inbox())
    server.start()
    yield server
    server.inbox.release.set()
    server.stop()


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (yet)."""
    return free_port()


SENDER = "OpenCX <noreply@shop.example>"


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


@pytest.fixture
def kill_worker_mid_batch(smtp_server: SmtpServer, tmp_path: Path) -> Callable[..., None]:
    """``kill(url, batch, held, sender=SENDER)``: run the real ``opencx worker`` on ``url``
    delivering to ``smtp_server`` (50 ms per message), and SIGKILL it while the ``held``-th
    message is in flight (accepted by the server, its "250" not yet sent);
    ``smtp_server.inbox.release`` lets the held message finish for the next worker."""

    def kill(url: str, batch: int, held: int, sender: str = SENDER) -> None:
        smtp_server.inbox.delay = 0.05
        smtp_server.inbox.hold_at = held
        env = {
            **os.environ,
            "OPENCX_DATABASE_URL": url,
            "OPENCX_SMTP_HOST": "127.0.0.1",
            "OPENCX_SMTP_PORT": str(smtp_server.port),
            "OPENCX_SMTP_SENDER": sender,
        }
        command = ["worker", "--batch", str(batch), "--lease", "5", "--poll", "0.1"]
        log_path = tmp_path / "worker.log"
        with log_path.open("w") as log:
            worker = subprocess.Popen(
                [sys.executable, "-c", "from opencx.cli import main; main()", *command],
                env=env,
                cwd=tmp_path,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                wait_for(
                    lambda: len(smtp_server.inbox.messages) == held,
                    f"{held} messages at the SMTP server",
                    timeout=90.0,  # the worker imports the app first: slow on a loaded machine
                )
            finally:
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)
        assert worker.returncode == -signal.SIGKILL, log_path.read_text()

    return kill
