import os
import socket

from tests.live import free_port


def port() -> int:
    """A free port; within TEST_PORTS ("9301-9349") when that is set, for
    machines where each person has a range of their own."""
    span = os.environ.get("TEST_PORTS")
    if not span:
        return free_port()
    first, last = (int(n) for n in span.split("-"))
    for candidate in range(first, last + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return candidate
    raise RuntimeError(f"no free port in TEST_PORTS={span}")
