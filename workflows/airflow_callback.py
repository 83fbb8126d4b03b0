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
    PIPELINE_MONITOR_AIRFLOW_UI_URL / Variable pipeline_monitor_airflow_ui_url
        where people open the Airflow UI, e.g. https://airflow.example.com; without it Airflow's
        own [api] base_url (Airflow 3) or [webserver] base_url (Airflow 2) is used, unless it is
        the localhost default. Links (log_url, grid_url) are built from it and the ids; with no
        UI URL at all they are left out rather than pointing at localhost:8080.

A down or slow n8n never fails or blocks the DAG for long: the whole delivery, DNS lookups,
retries and redirects included, is bounded by a total time budget (10 s); each attempt has a
short timeout (5 s) and is retried with exponential backoff and jitter on connection errors,
429 and 5xx; nothing here ever raises. A 4xx answer (bad token, a body the collector refused) is
logged with the collector's reason and not retried. A 307/308 redirect is followed with the
same POST body; a 301/302/303 (which would turn the POST into a body-less GET) is refused and
logged with the address to configure instead.

The body is one JSON object (schema "pipeline-monitor/airflow-callback@1"); field names are
Airflow's own: dag_id, run_id, task_id, map_index, try_number, max_tries, state, run_type,
logical_date, data_interval_start/end, start_date, end_date, duration, hostname, operator,
exception (cut to 8 KB), log_url and grid_url, plus level ("task", or "dag" for a DAG-level
on_failure_callback, whose task fields are null: Airflow 3.0 passes only dag, run_id and reason,
Airflow 2 the context of an arbitrary task of the run) and reason. The collector stores the
event once per airflow|dag_id|run_id|task_id[map_index]|try_number, so a retried POST is never a
second event.

Per Airflow release: try_number is the try that ran (Airflow 2.2-2.9 report one more once the
task is no longer running, which it is not during a failure callback); duration is computed from
start and end and operator taken from the task where the task instance lacks them (Airflow 3).
"""
from __future__ import annotations

import json
import logging
import os
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional, Tuple

log = logging.getLogger(__name__)

SCHEMA = "pipeline-monitor/airflow-callback@1"
TOKEN_HEADER = "X-Pipeline-Monitor-Token"
URL_ENV, URL_VARIABLE = "PIPELINE_MONITOR_CALLBACK_URL", "pipeline_monitor_callback_url"
TOKEN_ENV, TOKEN_VARIABLE = "PIPELINE_MONITOR_CALLBACK_TOKEN", "pipeline_monitor_callback_token"
UI_URL_ENV, UI_URL_VARIABLE = "PIPELINE_MONITOR_AIRFLOW_UI_URL", "pipeline_monitor_airflow_ui_url"
DEFAULT_TIMEOUT = 5.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 1.0
DEFAULT_BUDGET = 10.0
MAX_REDIRECTS = 3
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


def _airflow_version() -> Tuple[Optional[str], Tuple[int, int, int]]:
    """Airflow's version text and (major, minor, patch); (None, (0, 0, 0)) without Airflow."""
    try:
        import airflow  # type: ignore

        text = getattr(airflow, "__version__", None)
    except Exception:  # noqa: BLE001
        text = None
    match = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", str(text or ""))
    numbers = (int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)) if match else (0, 0, 0)
    return text, numbers


def _try_number(ti: Any, version: Tuple[int, int, int]) -> Optional[int]:
    """The try that ran. On Airflow 2.2-2.9 TaskInstance.try_number adds 1 whenever the task is not
    running, and during a failure callback its state is already FAILED: the stored _try_number is
    the real one. Airflow 2.10+ and 3 store the try as it is."""
    reported = _attr(ti, "try_number")
    if not isinstance(reported, int) or isinstance(reported, bool):
        return None
    if (2, 2, 0) <= version < (2, 10, 0):
        if _text(_attr(ti, "state")) == "running":
            return reported
        raw = _attr(ti, "_try_number")
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        return max(reported - 1, 0)
    return reported


def _duration(ti: Any) -> Optional[float]:
    """TaskInstance.duration, or end - start (Airflow 3's RuntimeTaskInstance has no duration)."""
    value = _number(_attr(ti, "duration"))
    if value is not None:
        return value
    start, end = _attr(ti, "start_date"), _attr(ti, "end_date")
    if isinstance(start, datetime) and isinstance(end, datetime):
        if start.tzinfo is None:
            start = start.replace(tzinfo=timezone.utc)
        if end.tzinfo is None:
            end = end.replace(tzinfo=timezone.utc)
        seconds = (end - start).total_seconds()
        return round(seconds, 6) if seconds >= 0 else None
    return None


def _operator(ti: Any, task: Any) -> Optional[str]:
    """The operator as Airflow shows it: TaskInstance.operator (Airflow 2), else the task's
    operator_name (custom names such as "@task"), task_type, then its class name."""
    for value in (_attr(ti, "operator"), _attr(task, "operator_name"), _attr(task, "task_type")):
        if isinstance(value, str) and value:
            return value
    return type(task).__name__ if task is not None else None


def _ui_base(version: Tuple[int, int, int]) -> Optional[str]:
    """The Airflow UI address: our setting, else Airflow's base_url unless it is the localhost default."""
    configured = _setting(UI_URL_ENV, UI_URL_VARIABLE)
    if configured:
        return configured.rstrip("/") if configured.startswith(("http://", "https://")) else None
    value = None
    try:
        from airflow.configuration import conf  # type: ignore

        section = "api" if version >= (3, 0, 0) else "webserver"
        value = conf.get(section, "base_url", fallback=None)
    except Exception:  # noqa: BLE001
        value = None
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return None
    host = (urllib.parse.urlsplit(value).hostname or "").lower()
    if host in ("localhost", "127.0.0.1", "::1", "0.0.0.0"):
        return None  # Airflow's default: a link there only works on the Airflow host itself
    return value.rstrip("/")


def _links(base: Optional[str], version: Tuple[int, int, int], dag_id: Any, run_id: Any, task_id: Any, map_index: int, try_number: Optional[int]) -> Tuple[Optional[str], Optional[str]]:
    """(log_url, grid_url) built from the UI address and the ids, as the UI of that version takes them."""
    if not base or not isinstance(dag_id, str) or not isinstance(run_id, str):
        return None, None

    def q(value: Any) -> str:
        return urllib.parse.quote(str(value), safe="")

    if version >= (3, 0, 0):
        run_url = f"{base}/dags/{q(dag_id)}/runs/{q(run_id)}"
        if not isinstance(task_id, str):
            return None, run_url
        log = f"{run_url}/tasks/{q(task_id)}" + (f"/mapped/{map_index}" if map_index >= 0 else "")
        return log + (f"?try_number={try_number}" if try_number else ""), run_url
    run_url = f"{base}/dags/{q(dag_id)}/grid?dag_run_id={q(run_id)}"
    if not isinstance(task_id, str):
        return None, run_url
    log = f"{run_url}&task_id={q(task_id)}" + (f"&map_index={map_index}" if map_index >= 0 else "") + "&tab=logs"
    return log, run_url


def build_payload(context: Mapping[str, Any], event: str = "failure") -> Dict[str, Any]:
    """The JSON body for one callback, from the Airflow 2 or 3 task or DAG context."""
    airflow_version, version = _airflow_version()
    dag_run = context.get("dag_run")
    dag = context.get("dag")
    # a DAG-level on_failure_callback says why the run failed in "reason"; Airflow 3.0 passes only
    # dag, run_id and reason, Airflow 2 the context of an arbitrary task instance of the run, whose
    # task fields say nothing about the failure
    dag_level = "reason" in context
    ti = None if dag_level else (context.get("task_instance") or context.get("ti"))
    arbitrary_ti = context.get("task_instance") or context.get("ti")
    task = None if dag_level else (context.get("task") or _attr(ti, "task"))
    map_index = _attr(ti, "map_index", -1)
    map_index = map_index if isinstance(map_index, int) and not isinstance(map_index, bool) else -1
    logical_date = context.get("logical_date") if "logical_date" in context else _attr(dag_run, "logical_date")
    dag_id = _attr(ti, "dag_id") or _attr(dag, "dag_id") or _attr(dag_run, "dag_id") or _attr(arbitrary_ti, "dag_id")
    run_id = _attr(ti, "run_id") or context.get("run_id") or _attr(dag_run, "run_id") or _attr(arbitrary_ti, "run_id")
    task_id = _attr(ti, "task_id")
    try_number = _try_number(ti, version) if ti is not None else None
    log_url, grid_url = _links(_ui_base(version), version, dag_id, run_id, task_id, map_index, try_number)
    source = ti if ti is not None else dag_run
    payload: Dict[str, Any] = {
        "source": "airflow",
        "schema": SCHEMA,
        "airflow_version": airflow_version,
        "event": event,
        "level": "dag" if dag_level else "task",
        "dag_id": dag_id,
        "run_id": run_id,
        "task_id": task_id,
        "map_index": map_index,
        "try_number": try_number,
        "max_tries": _attr(ti, "max_tries"),
        "state": _text(_attr(source, "state")) or ("failed" if event == "failure" else None),
        "run_type": _text(_attr(dag_run, "run_type")),
        "logical_date": _iso(logical_date),
        "data_interval_start": _iso(context.get("data_interval_start") or _attr(dag_run, "data_interval_start")),
        "data_interval_end": _iso(context.get("data_interval_end") or _attr(dag_run, "data_interval_end")),
        "start_date": _iso(_attr(source, "start_date")),
        "end_date": _iso(_attr(source, "end_date")),
        "duration": _duration(source),
        "hostname": _attr(ti, "hostname"),
        "operator": _operator(ti, task) if ti is not None else None,
        "exception": _exception_text(context),
        "reason": _text(context.get("reason")) if dag_level else None,
        "log_url": log_url,
        "grid_url": grid_url,
    }
    return payload


def missing_ids(payload: Mapping[str, Any]) -> Optional[str]:
    """Why a payload cannot be an event (no DAG or run to attach it to), or None."""
    missing = [name for name in ("dag_id", "run_id") if not payload.get(name)]
    if not missing:
        return None
    return (
        f"the callback context gave no {' and no '.join(missing)} (it has no task_instance, dag or run_id); "
        "attach pipeline_monitor_failure_callback as on_failure_callback of a DAG or in its default_args, "
        "where Airflow passes the task or DAG context"
    )


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


class _Redirected(Exception):
    """A redirect that would lose the event (the POST turned into a body-less GET)."""

    def __init__(self, code: int, location: str) -> None:
        super().__init__(f"HTTP {code} to {location}")
        self.code = code
        self.location = location


class _KeepPostRedirects(urllib.request.HTTPRedirectHandler):
    """Follows 307/308 with the same method and body (urllib refuses them for a POST) and refuses
    301/302/303, which urllib would turn into a GET without the body. The token goes along only
    to the same host."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if code not in (307, 308):
            raise _Redirected(code, newurl)
        same_host = urllib.parse.urlsplit(newurl).netloc == urllib.parse.urlsplit(req.full_url).netloc
        forwarded = {k: v for k, v in req.headers.items() if same_host or k.lower() != TOKEN_HEADER.lower()}
        return urllib.request.Request(newurl, data=req.data, headers=forwarded, method=req.get_method())


def _within(seconds: float, work: Any) -> Tuple[bool, Any, Optional[BaseException]]:
    """Runs work() in a daemon thread and waits at most `seconds`: (finished, result, error). The
    socket timeout does not cover DNS lookups; this bounds them too."""
    box: Dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = work()
        except BaseException as error:  # noqa: BLE001
            box["error"] = error

    thread = threading.Thread(target=run, name="pipeline-monitor-callback", daemon=True)
    thread.start()
    thread.join(max(seconds, 0.0))
    if thread.is_alive():
        return False, None, None
    return True, box.get("result"), box.get("error")


def post_event(
    payload: Mapping[str, Any],
    url: Optional[str] = None,
    token: Optional[str] = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
    budget: float = DEFAULT_BUDGET,
) -> bool:
    """POSTs the payload; True when the collector answered 2xx. Never raises, and returns within
    `budget` seconds (DNS lookups, retries and redirects included)."""
    try:
        started = time.monotonic()
        deadline = started + max(budget, 0.1)
        problem = missing_ids(payload)
        if problem:
            log.warning("Pipeline Monitor: event not sent: %s", problem)
            return False
        url = url or _setting(URL_ENV, URL_VARIABLE)
        token = token or _setting(TOKEN_ENV, TOKEN_VARIABLE)
        if not url:
            log.warning("Pipeline Monitor: no callback URL (set %s or the Variable %s); event not sent", URL_ENV, URL_VARIABLE)
            return False
        body = json.dumps(payload, default=str).encode("utf-8")
        headers = {"Content-Type": "application/json", "User-Agent": "pipeline-monitor-airflow-callback/1"}
        if token:
            headers[TOKEN_HEADER] = token
        opener = urllib.request.build_opener(_KeepPostRedirects())

        def send_once(seconds: float) -> Tuple[int, str]:
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            with opener.open(request, timeout=seconds) as response:  # noqa: S310 (the operator's URL)
                return response.status, response.read(2048).decode("utf-8", "replace")

        for attempt in range(retries + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                log.warning("Pipeline Monitor: event not sent: the %.0f s time budget is used up", budget)
                return False
            finished, result, error = _within(remaining, lambda: send_once(max(0.1, min(timeout, remaining))))
            if not finished:
                log.warning("Pipeline Monitor: event not sent: no answer from %s within the %.0f s time budget (DNS lookup included)", urllib.parse.urlsplit(url).netloc, budget)
                return False
            if error is None:
                status, answer = result
                log.info("Pipeline Monitor: event sent (%s) %s", status, answer[:200])
                return True
            if isinstance(error, _Redirected):
                log.warning(
                    "Pipeline Monitor: event not sent: the collector URL answers %s; following it would turn the POST into a GET "
                    "without the event. Set %s (or the Variable %s) to the final address.",
                    error, URL_ENV, URL_VARIABLE,
                )
                return False
            if isinstance(error, urllib.error.HTTPError):
                answer = error.read(2048).decode("utf-8", "replace") if error.fp else ""
                if error.code not in RETRY_STATUSES:
                    log.warning("Pipeline Monitor: the collector refused the event (%s): %s", error.code, answer[:500])
                    return False
                reason = f"HTTP {error.code}"
            else:
                reason = f"{type(error).__name__}: {error}"
            delay = backoff * (2**attempt) * (0.5 + random.random())
            if attempt >= retries or time.monotonic() + delay >= deadline:
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
        budget: float = DEFAULT_BUDGET,
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
        self.budget = budget

    def notify(self, context: Mapping[str, Any]) -> None:
        try:
            post_event(build_payload(context, self.event), self.url, self.token, self.timeout, self.retries, budget=self.budget)
        except Exception as error:  # noqa: BLE001
            log.warning("Pipeline Monitor: notifier failed: %s", error)
