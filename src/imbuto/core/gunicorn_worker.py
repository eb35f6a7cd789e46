"""gunicorn's threaded worker, answering the errors it raises itself in the API's JSON shape.

gunicorn refuses a request line over `limit_request_line` (414) or oversized headers (431) before
Django sees the request, with a small HTML page. API clients expect `{"error": {...}}` everywhere,
and the path is not known at that point (the line was not read), so these answers are JSON for
every path; a person with a 10 KB URL in the browser still reads the message.
"""

from __future__ import annotations

import json
from typing import Any

from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.util import write_nonblock
from gunicorn.workers.gthread import ThreadWorker

# gunicorn's own maximum; Django never sees a longer line.
MAX_REQUEST_LINE = 8190

ANSWERS = {
    LimitRequestLine: (414, "URI Too Long", "uri_too_long",
                       f"The request line (method and URL) is longer than {MAX_REQUEST_LINE} bytes."),
    LimitRequestHeaders: (431, "Request Header Fields Too Large", "headers_too_large",
                          "The request headers are too large or too many."),
}


def json_error(status: int, reason: str, code: str, message: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message, "fields": {}}}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


class JsonErrorWorker(ThreadWorker):
    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        for kind, (status, reason, code, message) in ANSWERS.items():
            if isinstance(exc, kind):
                self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
                try:
                    write_nonblock(client, json_error(status, reason, code, message))
                except Exception:  # noqa: BLE001 - the client may be gone; gunicorn does the same
                    self.log.debug("Failed to send error message.")
                return
        super().handle_error(req, client, addr, exc)
