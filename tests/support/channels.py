"""Real servers standing in for the outside world: an SMTP server (aiosmtpd) and an HTTP server
that plays an SMS gateway or a webhook receiver, answering with a scripted status per path.

Each test process starts its own pair on ports free at that moment (test workers run side by side).
"""

import email
import email.policy
import json
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from shared.local_servers import free_port


class MailSink:
    """An SMTP server keeping what it receives; `refuse(n)` answers the next n messages with 451."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._refusals = 0
        self._lock = threading.Lock()
        for attempt in range(5):  # a port free a moment ago may be taken by another process since
            self.port = free_port()
            self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
            try:
                self.controller.start()
                break
            except OSError:
                if attempt == 4:
                    raise

    def stop(self) -> None:
        self.controller.stop()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._lock:
            if self._refusals:
                self._refusals -= 1
                return "451 4.3.0 try again later"
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def refuse(self, count: int) -> None:
        with self._lock:
            self._refusals = count

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    def reset(self) -> None:
        with self._lock:
            self.messages.clear()
            self._refusals = 0


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: str
    status: int


@dataclass
class HttpSink:
    """An HTTP server recording every POST; `script(path, [500, 500, 200])` sets the answers in turn
    (the last one repeats), `delay(path, s)` makes it slow, `redirect(path, location)` answers 307
    with that Location. Unscripted paths answer 200."""

    requests: list[Request] = field(default_factory=list)
    port: int = field(init=False, default=0)  # chosen by the system when the server binds
    scripts: dict[str, list[int]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                time.sleep(sink.delays.get(self.path, 0))
                script = sink.scripts.get(self.path, [307] if self.path in sink.redirects else [200])
                status = script.pop(0) if len(script) > 1 else script[0]
                sink.requests.append(Request(self.path, dict(self.headers), body, status))
                self.send_response(status)
                if self.path in sink.redirects:
                    self.send_header("Location", sink.redirects[self.path])
                self.end_headers()
                self.wfile.write(json.dumps({"status": status}).encode())

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # the system picks a free port
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path: str, statuses: list[int]) -> None:
        self.scripts[path] = list(statuses)

    def delay(self, path: str, seconds: float) -> None:
        self.delays[path] = seconds

    def redirect(self, path: str, location: str) -> None:
        self.redirects[path] = location

    def received(self, path: str, ok_only: bool = False) -> list[Request]:
        return [r for r in self.requests if r.path == path and (not ok_only or r.status < 300)]

    def reset(self) -> None:
        self.requests.clear()
        self.scripts.clear()
        self.delays.clear()
        self.redirects.clear()


def channel_settings(mail: MailSink, http: HttpSink) -> dict[str, str]:
    """Environment that points notifications at the sinks, with retries fast enough for tests."""
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(mail.port),
        "SMTP_TIMEOUT_SECONDS": "3",
        "SMS_GATEWAY_URL": http.url("/sms"),
        "SMS_TIMEOUT_SECONDS": "3",
        "CHANNEL_RETRY_SCHEDULE_SECONDS": "[0.3, 0.3]",
        "WEBHOOK_RETRY_SCHEDULE_SECONDS": "[0.3, 0.3, 0.3]",
        "WEBHOOK_TIMEOUT_SECONDS": "1",
        "WEBHOOK_DISABLE_AFTER_FAILURES": "2",
        "WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
        "STALLED_DELIVERY_SECONDS": "2",
    }
