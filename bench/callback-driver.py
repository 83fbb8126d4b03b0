"""Sends Airflow callbacks through workflows/airflow_callback.py's own post_event (its timeout,
retry and backoff policy unchanged) on a schedule, for the collector bench's fault run.

stdin: {"callback": "<path to airflow_callback.py>", "url": ..., "token": ..., "sends": [{"at": ms, "body": {...}}]}
stdout: one JSON line per send: {"i", "ok", "attempts", "sent", "done", "reasons"} (ms since the start).
"""
import importlib.util
import json
import logging
import sys
import threading
import time

spec_in = json.load(sys.stdin)
spec = importlib.util.spec_from_file_location("airflow_callback", spec_in["callback"])
callback = importlib.util.module_from_spec(spec)
spec.loader.exec_module(callback)

attempts = {}
reasons = {}
lock = threading.Lock()


class Count(logging.Handler):
    """Counts post_event's attempts per sending thread from its own log lines."""

    def emit(self, record):
        name = threading.current_thread().name
        message = record.getMessage()
        with lock:
            if "attempt" in message and "failed" in message:
                attempts[name] = attempts.get(name, 1) + 1
                reasons.setdefault(name, []).append(message.split("(", 1)[1].split(")", 1)[0] if "(" in message else message)
            elif "not sent" in message or "refused" in message:
                reasons.setdefault(name, []).append(message[:200])


callback.log.addHandler(Count())
callback.log.setLevel(logging.INFO)
callback.log.propagate = False

t0 = time.monotonic()
out_lock = threading.Lock()


def send(i, body):
    sent = (time.monotonic() - t0) * 1000
    ok = callback.post_event(body, spec_in["url"], spec_in["token"])
    name = threading.current_thread().name
    with lock:
        n = attempts.get(name, 1)
        why = reasons.get(name, [])
    line = json.dumps({"i": i, "ok": ok, "attempts": n, "sent": sent, "done": (time.monotonic() - t0) * 1000, "reasons": why})
    with out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


threads = []
for i, item in enumerate(spec_in["sends"]):
    delay = item["at"] / 1000 - (time.monotonic() - t0)
    if delay > 0:
        time.sleep(delay)
    t = threading.Thread(target=send, args=(i, item["body"]), name=f"cb-{i}", daemon=True)
    t.start()
    threads.append(t)
for t in threads:
    t.join()
