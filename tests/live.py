"""Real services that tests start themselves: an SMTP server and Celery workers.

`SmtpSink` is aiosmtpd's server in a thread of the test process. It records
every message it accepts, refuses recipients whose address starts with
"refuse" (550), can answer every recipient with a temporary 451, and can be
slowed down per message. `Worker` is a `celery worker` process (optionally
with an embedded beat) against the test database and a Redis broker.
"""

import asyncio
import email
import email.policy
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    message_id: str
    to: list[str]
    subject: str
    text: str
    at: float  # time.time() when accepted


class SmtpSink:
    def __init__(self, *, delay: float = 0.0, port: int = 0, log=None):
        self.delay = delay
        self.log = log  # an open text file: "<Message-ID>\t<time>" per message
        self.tempfail = False
        self.received: list[Received] = []
        self.in_progress = 0  # DATA handlers running now
        self._lock = threading.Lock()
        self.port = port or free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def mailer(self) -> dict:
        """A MAILERS entry that sends here."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
        }

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse"):
            return "550 5.1.1 No such mailbox here"
        if self.tempfail:
            return "451 4.3.0 Busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.in_progress += 1
        try:
            return await self._take(envelope)
        finally:
            with self._lock:
                self.in_progress -= 1

    async def _take(self, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.SMTP)
        body = message.get_body(preferencelist=("plain",))
        received = Received(
            message_id=message["Message-ID"],
            to=list(envelope.rcpt_tos),
            subject=str(message["Subject"]),
            text=body.get_content() if body else "",
            at=time.time(),
        )
        with self._lock:
            if self.log:
                self.log.write(f"{received.message_id}\t{received.at}\n")
                self.log.flush()
            else:
                self.received.append(received)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def ids(self) -> list[str]:
        with self._lock:
            return [r.message_id for r in self.received]


def wait_for(condition, *, timeout: float, every: float = 0.2, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}")


class Worker:
    """`celery -A config worker` in its own process group, so it can be killed
    whole (SIGKILL, no clean shutdown) like a machine that dies."""

    def __init__(self, *, env: dict, beat: bool, concurrency: int, log: Path):
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@%h",
        ]
        if beat:
            command += ["--beat", f"--schedule={log.with_suffix('.schedule')}"]
        self.log = log
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 180) -> None:
        """Until the worker says it is ready: on a busy machine its start-up
        can take most of a minute, which is not the product's lateness."""

        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the worker exited with {self.process.returncode}:\n"
                    + self.log.read_text()[-4000:]
                )
            return b" ready." in self.log.read_bytes()

        wait_for(ready, timeout=timeout, what="the worker to be ready")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 9)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


if __name__ == "__main__":
    # python -m tests.live PORT FILE: a sink in its own process (benchmarks),
    # logging each message to FILE, until it is killed.
    port, path = int(sys.argv[1]), sys.argv[2]
    with open(path, "a") as log, SmtpSink(port=port, log=log):
        while True:
            time.sleep(3600)
