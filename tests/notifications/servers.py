"""Real servers on 127.0.0.1 for the notification tests: an HTTP receiver (robots, webhooks, SMS API)
and an SMTP server (aiosmtpd)."""
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Receiver:
    """Records every request; answers from `responses` (status, body) in turn, then 200 with `ok_body`."""

    def __init__(self, ok_body=b'{"errcode":0,"errmsg":"ok"}'):
        self.requests: list[dict] = []
        self.responses: list[tuple[int, bytes]] = []
        self.ok_body = ok_body
        self.hold = threading.Event()  # when set-up to block, requests wait until released
        self.block_first = False
        self.got_request = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, body: bytes):
                parts = urlsplit(self.path)
                receiver.requests.append({"method": self.command, "path": parts.path, "query": parse_qs(parts.query),
                                          "headers": dict(self.headers), "body": body})
                receiver.got_request.set()
                if receiver.block_first and len(receiver.requests) == 1:
                    receiver.hold.wait(30)
                status, content = receiver.responses.pop(0) if receiver.responses else (200, receiver.ok_body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def do_POST(self):  # noqa: N802
                self._answer(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def do_GET(self):  # noqa: N802
                self._answer(b"")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def json(self, i: int = -1) -> dict:
        return json.loads(self.requests[i]["body"])

    def close(self):
        self.hold.set()
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
