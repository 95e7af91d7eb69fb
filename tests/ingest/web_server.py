"""A web server on 127.0.0.1 for the feed and page tests: it serves ``tests/data/web``
(``{{BASE}}`` in a file replaced by the server's own address), a page too large to read
at ``/big.html``, a 404 at ``/gone.html``, a 500 at the paths in ``broken``, and records
every path asked for; feeds carry an ETag and answer 304 when asked again with it."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

WEB = Path(__file__).resolve().parents[1] / "data" / "web"
TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/rss+xml",
         ".txt": "text/plain; charset=utf-8"}
BIG = 64 * 1024


@dataclass
class Site:
    base: str
    asked: list[str] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    extra: dict[str, bytes] = field(default_factory=dict)   # more pages: path -> body
    broken: set[str] = field(default_factory=set)           # paths that answer 500
    statuses: list[int] = field(default_factory=list)       # each answer's status

    def url(self, path: str) -> str:
        return self.base + path


def _handler(site: Site, root: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.asked.append(self.path)
            site.agents.append(self.headers.get("User-Agent", ""))
            path = self.path.split("?", 1)[0]
            if path == "/big.html":
                return self._send(200, b"<html><body>" + b"x" * BIG + b"</body></html>",
                                  "text/html")
            if path in site.broken:
                return self._send(500, b"broken", "text/plain")
            if path in site.extra:
                return self._send(200, site.extra[path], TYPES[Path(path).suffix])
            file = (root / path.lstrip("/")).resolve()
            if path == "/gone.html" or root not in file.parents or not file.is_file():
                return self._send(404, b"not here", "text/plain")
            body = file.read_bytes().replace(b"{{BASE}}", site.base.encode())
            tag = f'"{hashlib.sha256(body).hexdigest()[:16]}"' if file.suffix == ".xml" else ""
            if tag and self.headers.get("If-None-Match") == tag:
                return self._send(304, b"", "", tag)
            self._send(200, body, TYPES.get(file.suffix, "application/octet-stream"), tag)

        def _send(self, status: int, body: bytes, kind: str, tag: str = "") -> None:
            site.statuses.append(status)
            self.send_response(status)
            if tag:
                self.send_header("ETag", tag)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serving(root: Path = WEB) -> Iterator[Site]:
    """A server on a free port of 127.0.0.1 for the block's length."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    site = Site(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(site, root.resolve())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
