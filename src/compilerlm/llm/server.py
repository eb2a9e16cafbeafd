"""`compilerlm serve`: an OpenAI-compatible completions server for a local hf:PATH model.

    compilerlm serve --model hf:./model --port 8000
    compilerlm optimize prog.c --model openai:http://127.0.0.1:8000/v1

POST /v1/completions takes {"prompt", "n", "temperature", "max_tokens", "seed"} and answers
{"object": "text_completion", "choices": [{"index", "text", "finish_reason"}]}; GET /v1/models
lists the one model. It binds to 127.0.0.1 by default and serves one request at a time (one
model in memory); it is for tests and single users, vLLM or llama.cpp serve real traffic.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .backends import Generation

MAX_BODY = 64 * 1024 * 1024


def make_server(backend, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):  # quiet: one line per request on stderr is noise
            pass

        def _send(self, code: int, data: dict) -> None:
            body = json.dumps(data).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path.rstrip("/") in ("/v1/models", "/models"):
                self._send(200, {"object": "list", "data": [{"id": backend.name,
                                                             "object": "model"}]})
            else:
                self._send(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self):
            if self.path.rstrip("/") not in ("/v1/completions", "/completions"):
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            try:
                length = int(self.headers.get("Content-Length", "0"))
                if length > MAX_BODY:
                    raise ValueError("request too large")
                req = json.loads(self.rfile.read(length))
                prompt = req["prompt"]
                if not isinstance(prompt, str):
                    raise ValueError("prompt must be one string")
                gen = Generation(n=max(1, min(int(req.get("n", 1)), 16)),
                                 temperature=float(req.get("temperature", 0.0)),
                                 max_tokens=max(1, min(int(req.get("max_tokens", 256)), 16384)),
                                 seed=int(req.get("seed", 0) or 0))
            except (ValueError, KeyError, TypeError) as e:
                self._send(400, {"error": {"message": f"bad request: {e}"}})
                return
            with lock:
                texts = backend.complete(prompt, gen)
            self._send(200, {"id": f"cmpl-{time.time_ns()}", "object": "text_completion",
                             "model": backend.name,
                             "choices": [{"index": i, "text": t, "finish_reason": "length"}
                                         for i, t in enumerate(texts)]})

    return ThreadingHTTPServer((host, port), Handler)
