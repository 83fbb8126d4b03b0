"""Pipeline Monitor: report Airflow task failures to the n8n "Airflow failure collector".

Works with Airflow 2 (2.2+) and Airflow 3. Copy this file into your DAGs folder (or a package on
the workers' PYTHONPATH) and attach it to a DAG's default_args:

    from airflow_callback import pipeline_monitor_failure_callback, PipelineMonitorNotifier

    # Airflow 2 and 3: a plain callback
    default_args = {"on_failure_callback": pipeline_monitor_failure_callback}

    # Airflow 2.6+ and 3: a notifier (the same request, as a BaseNotifier)
    default_args = {"on_failure_callback": PipelineMonitorNotifier()}

Settings (environment variables first, then Airflow Variables):
    PIPELINE_MONITOR_CALLBACK_URL   / Variable pipeline_monitor_callback_url
        e.g. https://n8n.example.com/webhook/pipeline-monitor/airflow-callback
    PIPELINE_MONITOR_CALLBACK_TOKEN / Variable pipeline_monitor_callback_token
        the value of the n8n credential "Pipeline Monitor callback token"
        (sent as the header X-Pipeline-Monitor-Token)

A down or slow n8n never fails or blocks the DAG for long: every request has a short timeout
(5 s), is retried a few times with exponential backoff and jitter on connection errors, 429 and
5xx (at most about 20 s in all), and nothing here ever raises. A 4xx answer (bad token, a body
the collector refused) is logged with the collector's reason and not retried.

The body is one JSON object (schema "pipeline-monitor/airflow-callback@1"); field names are
Airflow's own: dag_id, run_id, task_id, map_index, try_number, max_tries, state, run_type,
logical_date, data_interval_start/end, start_date, end_date, duration, hostname, operator,
exception (cut to 8 KB) and log_url. The collector stores the event once per
airflow|dag_id|run_id|task_id[map_index]|try_number, so a retried POST is never a second event.
"""
from __future__ import annotations

import json
import logging
import os
import random
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional

log = logging.getLogger(__name__)

SCHEMA = "pipeline-monitor/airflow-callback@1"
TOKEN_HEADER = "X-Pipeline-Monitor-Token"
URL_ENV, URL_VARIABLE = "PIPELINE_MONITOR_CALLBACK_URL", "pipeline_monitor_callback_url"
TOKEN_ENV, TOKEN_VARIABLE = "PIPELINE_MONITOR_CALLBACK_TOKEN", "pipeline_monitor_callback_token"
DEFAULT_TIMEOUT = 5.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 1.0
MAX_TOTAL_SECONDS = 20.0
EXCEPTION_MAX = 8000
RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}

try:  # Airflow 3
    from airflow.sdk import BaseNotifier as _BaseNotifier  # type: ignore
except Exception:  # noqa: BLE001
    try:  # Airflow 2.6+
        from airflow.notifications.basenotifier import BaseNotifier as _BaseNotifier  # type: ignore
    except Exception:  # noqa: BLE001  (older Airflow, or no Airflow at all: a plain callable)

        class _BaseNotifier:  # type: ignore[no-redef]
            template_fields = ()

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                pass

            def __call__(self, *args: Any) -> None:
                context = args[0] if len(args) == 1 else {}
                self.notify(context)

            def notify(self, context: Mapping[str, Any]) -> None:
                raise NotImplementedError


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    """getattr that never raises (some TaskInstance properties query the database)."""
    if obj is None:
        return default
    try:
        value = getattr(obj, name)
    except Exception:  # noqa: BLE001
        return default
    return default if value is None else value


def _text(value: Any) -> Optional[str]:
    """Enums (TaskInstanceState, DagRunType) by their value, anything else as str."""
    if value is None:
        return None
    value = getattr(value, "value", value)
    return value if isinstance(value, str) else str(value)


def _iso(value: Any) -> Optional[str]:
    """An aware ISO-8601 string (a naive datetime is Airflow's UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat()
    return str(value)


def _number(value: Any) -> Optional[float]:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _exception_text(context: Mapping[str, Any]) -> Optional[str]:
    exc = context.get("exception")
    if exc is None:
        exc = context.get("reason")  # DAG-level callbacks say why the run failed here
    if exc is None:
        return None
    if isinstance(exc, BaseException):
        text = f"{type(exc).__module__}.{type(exc).__name__}: {exc}".replace("builtins.", "")
    else:
        text = str(exc)
    return text if len(text) <= EXCEPTION_MAX else text[: EXCEPTION_MAX - 20] + "\n… (cut at 8 KB)"


def _log_url(ti: Any) -> Optional[str]:
    url = _attr(ti, "log_url")
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def build_payload(context: Mapping[str, Any], event: str = "failure") -> Dict[str, Any]:
    """The JSON body for one callback, from the Airflow 2 or 3 task context."""
    ti = context.get("task_instance") or context.get("ti")
    dag_run = context.get("dag_run")
    dag = context.get("dag")
    task = context.get("task") or _attr(ti, "task")
    try:
        import airflow  # type: ignore

        airflow_version = getattr(airflow, "__version__", None)
    except Exception:  # noqa: BLE001
        airflow_version = None
    map_index = _attr(ti, "map_index", -1)
    logical_date = context.get("logical_date") if "logical_date" in context else _attr(dag_run, "logical_date")
    payload: Dict[str, Any] = {
        "source": "airflow",
        "schema": SCHEMA,
        "airflow_version": airflow_version,
        "event": event,
        "dag_id": _attr(ti, "dag_id") or _attr(dag, "dag_id") or _attr(dag_run, "dag_id"),
        "run_id": _attr(ti, "run_id") or context.get("run_id") or _attr(dag_run, "run_id"),
        "task_id": _attr(ti, "task_id"),
        "map_index": map_index if isinstance(map_index, int) else -1,
        "try_number": _attr(ti, "try_number"),
        "max_tries": _attr(ti, "max_tries"),
        "state": _text(_attr(ti, "state")) or ("failed" if event == "failure" else None),
        "run_type": _text(_attr(dag_run, "run_type")),
        "logical_date": _iso(logical_date),
        "data_interval_start": _iso(context.get("data_interval_start") or _attr(dag_run, "data_interval_start")),
        "data_interval_end": _iso(context.get("data_interval_end") or _attr(dag_run, "data_interval_end")),
        "start_date": _iso(_attr(ti, "start_date")),
        "end_date": _iso(_attr(ti, "end_date")),
        "duration": _number(_attr(ti, "duration")),
        "hostname": _attr(ti, "hostname"),
        "operator": _attr(ti, "operator") or (type(task).__name__ if task is not None else None),
        "exception": _exception_text(context),
        "log_url": _log_url(ti),
    }
    return payload


def _setting(env_name: str, variable: str) -> Optional[str]:
    value = os.environ.get(env_name)
    if value:
        return value
    try:
        from airflow.sdk import Variable  # type: ignore  # Airflow 3

        return Variable.get(variable, default=None)
    except Exception:  # noqa: BLE001
        pass
    try:
        from airflow.models import Variable  # type: ignore  # Airflow 2

        return Variable.get(variable, default_var=None)
    except Exception:  # noqa: BLE001
        return None


def post_event(
    payload: Mapping[str, Any],
    url: Optional[str] = None,
    token: Optional[str] = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
) -> bool:
    """POSTs the payload; True when the collector answered 2xx. Never raises."""
    try:
        url = url or _setting(URL_ENV, URL_VARIABLE)
        token = token or _setting(TOKEN_ENV, TOKEN_VARIABLE)
        if not url:
            log.warning("Pipeline Monitor: no callback URL (set %s or the Variable %s); event not sent", URL_ENV, URL_VARIABLE)
            return False
        body = json.dumps(payload, default=str).encode("utf-8")
        headers = {"Content-Type": "application/json", "User-Agent": "pipeline-monitor-airflow-callback/1"}
        if token:
            headers[TOKEN_HEADER] = token
        started = time.monotonic()
        for attempt in range(retries + 1):
            reason = ""
            try:
                request = urllib.request.Request(url, data=body, headers=headers, method="POST")
                with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the operator's URL)
                    answer = response.read(2048).decode("utf-8", "replace")
                    log.info("Pipeline Monitor: event sent (%s) %s", response.status, answer[:200])
                    return True
            except urllib.error.HTTPError as error:
                answer = error.read(2048).decode("utf-8", "replace") if error.fp else ""
                if error.code not in RETRY_STATUSES:
                    log.warning("Pipeline Monitor: the collector refused the event (%s): %s", error.code, answer[:500])
                    return False
                reason = f"HTTP {error.code}"
            except Exception as error:  # noqa: BLE001  (URLError, timeouts, resets)
                reason = f"{type(error).__name__}: {error}"
            delay = backoff * (2**attempt) * (0.5 + random.random())
            if attempt >= retries or time.monotonic() - started + delay + timeout > MAX_TOTAL_SECONDS:
                log.warning("Pipeline Monitor: event not sent after %d attempt(s): %s", attempt + 1, reason)
                return False
            log.info("Pipeline Monitor: attempt %d failed (%s); retrying in %.1f s", attempt + 1, reason, delay)
            time.sleep(delay)
        return False
    except Exception as error:  # noqa: BLE001  (never fail the task or DAG because of monitoring)
        log.warning("Pipeline Monitor: could not send the event: %s", error)
        return False


def pipeline_monitor_failure_callback(context: Mapping[str, Any]) -> None:
    """on_failure_callback for Airflow 2 and 3."""
    try:
        post_event(build_payload(context, "failure"))
    except Exception as error:  # noqa: BLE001
        log.warning("Pipeline Monitor: callback failed: %s", error)


def pipeline_monitor_retry_callback(context: Mapping[str, Any]) -> None:
    """on_retry_callback: reported as a warning (yellow), not a failure."""
    try:
        post_event(build_payload(context, "retry"))
    except Exception as error:  # noqa: BLE001
        log.warning("Pipeline Monitor: callback failed: %s", error)


class PipelineMonitorNotifier(_BaseNotifier):
    """A notifier (Airflow 2.6+ airflow.notifications.basenotifier, Airflow 3 airflow.sdk) that
    sends the same request: on_failure_callback=PipelineMonitorNotifier()."""

    # nothing here is a Jinja template (the token must never be rendered into logs)
    template_fields = ()

    def __init__(
        self,
        event: str = "failure",
        url: Optional[str] = None,
        token: Optional[str] = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
    ) -> None:
        try:
            super().__init__()
        except Exception:  # noqa: BLE001
            pass
        self.event = event
        self.url = url
        self.token = token
        self.timeout = timeout
        self.retries = retries

    def notify(self, context: Mapping[str, Any]) -> None:
        try:
            post_event(build_payload(context, self.event), self.url, self.token, self.timeout, self.retries)
        except Exception as error:  # noqa: BLE001
            log.warning("Pipeline Monitor: notifier failed: %s", error)
