"""The tests' own server: a client that goes away never leaves a file open behind it."""

import gc
import socket
import struct
import threading
import time
import warnings
from urllib.parse import urlsplit


def _get(base: str, path: str, reset: bool) -> bytes:
    """Send a GET and read the start of the answer; with `reset`, drop the connection as
    Chromium drops a request it no longer wants (RST, not a polite close)."""
    address = urlsplit(base)
    with socket.create_connection((address.hostname, address.port)) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {address.netloc}\r\n\r\n".encode())
        head = sock.recv(200)
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return head


def test_a_dropped_static_request_leaves_no_file_open(live_server):
    """Fifty static requests reset by the client: no ResourceWarning from the server's thread."""
    threads = threading.active_count()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        heads = [_get(live_server, "/static/img/icon.svg", reset=True) for _ in range(50)]
        deadline = time.monotonic() + 10
        while threading.active_count() > threads and time.monotonic() < deadline:
            time.sleep(0.01)  # the server's request threads finish on their own
        gc.collect()
    assert all(head.startswith(b"HTTP/1.1 200") for head in heads)
    leaks = [str(w.message) for w in seen if issubclass(w.category, ResourceWarning)]
    assert leaks == []
