/**
 * The body Airflow's callback (workflows/airflow_callback.py: an on_failure_callback for
 * Airflow 2 and a BaseNotifier for Airflow 3) POSTs to the collector, checked field by field
 * and turned into a PipelineEvent. Field names follow Airflow's own (task_instance.dag_id,
 * run_id, task_id, try_number, map_index, state, start_date, end_date, log_url; the run's
 * logical_date; the context's exception). A DAG-level on_failure_callback (`level: "dag"`) is a
 * run-level event: no task and no try, whatever task fields came along (Airflow 2 hands such a
 * callback the context of an arbitrary task of the run); its link is the run's grid_url and its
 * message the reason.
 */
import { InputError } from '../shared/errors';
import { parseInstant } from '../shared/time';
import { cleanJson, jsonBytes, optionalHttpUrl, optionalLongText, optionalText, requireText } from './clean';
import { eventKeyOf, taskKey } from './eventKey';
import { problemOf } from './problem';
import { DEFAULT_MAX_DEPTH, valueDeeperThan } from './rawBody';
import { describeMix, isSingleScriptOrAllowedMix, scriptMixOf } from './scripts';
import type { EventKind, EventResult, PipelineEvent } from './types';

/** Airflow's ID_LEN: dag_id, task_id and run_id are at most 250 characters. */
export const AIRFLOW_ID_MAX = 250;
export const MESSAGE_MAX = 65_536;
export const DEFAULT_MAX_BODY_BYTES = 262_144;
/** Airflow's KEY_REGEX (^[\w.-]+$, \w being Unicode in Python) for DAG and task ids. */
const AIRFLOW_KEY = /^[\p{L}\p{M}\p{N}_.-]+$/u;

export interface AirflowCallbackOptions {
	/** the request's Content-Type header; undefined when not known */
	contentType?: string | null;
	/** refuse anything but application/json (default true) */
	checkContentType?: boolean;
	/** largest accepted body, UTF-8 bytes of its JSON (default 256 KiB) */
	maxBodyBytes?: number;
}

const EVENT_KINDS: Record<string, EventKind> = {
	failure: 'failure',
	failed: 'failure',
	task_failure: 'failure',
	dag_failure: 'failure',
	upstream_failed: 'failure',
	retry: 'warning',
	up_for_retry: 'warning',
	warning: 'warning',
	sla_miss: 'warning',
	success: 'success',
	task_success: 'success',
	dag_success: 'success',
};

export function isJsonContentType(contentType: string | null | undefined): boolean {
	if (!contentType) return false;
	const media = contentType.split(';')[0].trim().toLowerCase();
	return media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'));
}

function requireContentType(options: AirflowCallbackOptions): void {
	if (options.checkContentType === false) return;
	if (!isJsonContentType(options.contentType)) {
		throw new InputError('content-type', options.contentType ?? undefined, 'is not application/json', 'POST the event as JSON with the header "Content-Type: application/json" (workflows/airflow_callback.py does).');
	}
}

/** A body over the size limit: answered 413, not 400. */
export class TooLargeError extends InputError {}

function requireObjectBody(body: unknown, maxBytes: number): Record<string, unknown> {
	let value = body;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value) as unknown;
		} catch {
			throw new InputError('body', value, 'is not valid JSON', 'Send one JSON object, e.g. {"dag_id": "...", "run_id": "...", "task_id": "...", "try_number": 1}.');
		}
	}
	if (value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0)) {
		throw new InputError('body', value, 'is empty', 'Send one JSON object with at least dag_id and run_id.');
	}
	if (typeof value !== 'object' || Array.isArray(value)) {
		throw new InputError('body', value, 'must be one JSON object', 'Send one event per request as a JSON object (not a list or a plain value).');
	}
	if (valueDeeperThan(value, DEFAULT_MAX_DEPTH)) {
		throw new InputError('body', `(more than ${DEFAULT_MAX_DEPTH} levels)`, `is nested deeper than ${DEFAULT_MAX_DEPTH} levels`, `Send a flat JSON object (the callback's fields are at most ${DEFAULT_MAX_DEPTH} levels deep).`);
	}
	const bytes = jsonBytes(value);
	if (bytes > maxBytes) {
		throw new TooLargeError('body', `(${bytes} bytes)`, `is larger than ${maxBytes} bytes`, 'Send the exception text cut to a few KB and the log as log_url; the collector fetches the log itself.');
	}
	return value as Record<string, unknown>;
}

/**
 * A DAG or task id: Unicode NFC (a composed and a decomposed "é" are one id), Airflow's
 * characters, and letters of one script (a look-alike such as a Cyrillic "е" in "etl" is refused).
 */
function airflowId(value: unknown, field: string, example: string): string {
	const hint = `Send ${field} as Airflow has it (${example}): letters, digits, "_", "." and "-", at most ${AIRFLOW_ID_MAX} characters.`;
	const id = requireText(typeof value === 'string' ? value.normalize('NFC') : value, field, AIRFLOW_ID_MAX, hint);
	if (!AIRFLOW_KEY.test(id)) throw new InputError(field, value, 'has characters Airflow never puts in an id', hint);
	const mix = scriptMixOf(id);
	if (!isSingleScriptOrAllowedMix(mix)) {
		throw new InputError(field, id, `${describeMix(mix)}: a look-alike of another id`, `Send ${field} exactly as Airflow has it; if the DAG really is named so, rename it to letters of one script (a Cyrillic "е" looks like a Latin "e" on every card and page).`);
	}
	return id;
}

function tryNumberOf(value: unknown): number | null {
	if (value === undefined || value === null || value === '') return null;
	const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 10_000) {
		throw new InputError('try_number', value, 'must be a whole number from 0 to 10000', 'Send task_instance.try_number (the first try is 1).');
	}
	return n;
}

function mapIndexOf(value: unknown): number | null {
	if (value === undefined || value === null || value === '' || value === -1) return null;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < -1 || value > 1_000_000) {
		throw new InputError('map_index', value, 'must be a whole number from -1', 'Send task_instance.map_index (-1 for a task that is not mapped).');
	}
	return value;
}

function instantOf(value: unknown, field: string): string | null {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value === 'string' && !/(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim())) {
		throw new InputError(field, value, 'has no time zone offset', 'Send an ISO-8601 date-time with its offset, e.g. "2026-11-22T00:00:00+00:00" (Python: value.isoformat() of an aware datetime).');
	}
	const dt = parseInstant(typeof value === 'string' ? value.trim() : value, field);
	return dt ? dt.toUTC().toISO() : null;
}

function levelOf(value: unknown): 'task' | 'dag' {
	if (value === undefined || value === null || value === '') return 'task';
	if (value === 'task' || value === 'dag') return value;
	throw new InputError('level', value, 'is not "task" or "dag"', 'Send "task" from a task callback, "dag" from a DAG-level on_failure_callback (workflows/airflow_callback.py does), or leave level out.');
}

/**
 * Airflow's own states (TaskInstanceState and DagRunState) by kind: only a failed or
 * upstream-failed task (or run) is a failure; a retry or any state of a task still in flight is
 * a warning; success and skipped are successes. "none" is what Airflow prints for no state.
 */
export const AIRFLOW_STATE_KINDS: Readonly<Record<string, EventKind>> = {
	failed: 'failure',
	upstream_failed: 'failure',
	up_for_retry: 'warning',
	up_for_reschedule: 'warning',
	restarting: 'warning',
	queued: 'warning',
	scheduled: 'warning',
	running: 'warning',
	deferred: 'warning',
	removed: 'warning',
	none: 'warning',
	success: 'success',
	skipped: 'success',
};

function kindOf(event: string | null, state: string | null): EventKind {
	if (event !== null) {
		const kind = EVENT_KINDS[event.toLowerCase()];
		if (!kind) {
			throw new InputError('event', event, 'is not a known event kind', 'Send "failure", "retry" or "success", or leave event out (it then follows state).');
		}
		return kind;
	}
	// a failure callback that sent no state is a failure
	if (state === null) return 'failure';
	const kind = AIRFLOW_STATE_KINDS[state.toLowerCase()] ?? EVENT_KINDS[state.toLowerCase()];
	if (!kind) {
		throw new InputError('state', state, 'is not an Airflow task or run state', `Send task_instance.state as Airflow has it (${Object.keys(AIRFLOW_STATE_KINDS).join(', ')}), or an event of "failure", "retry" or "success".`);
	}
	return kind;
}

function durationOf(startedAt: string | null, endedAt: string | null): number | null {
	if (!startedAt || !endedAt) return null;
	const seconds = (Date.parse(endedAt) - Date.parse(startedAt)) / 1000;
	return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) / 1000 : null;
}


/** Checks one callback body; throws an InputError naming the first bad field. */
export function eventFromAirflowCallback(body: unknown, options: AirflowCallbackOptions = {}): PipelineEvent {
	requireContentType(options);
	const b = requireObjectBody(body, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
	const pipeline = airflowId(b.dag_id, 'dag_id', 'context["dag"].dag_id');
	const runId = requireText(typeof b.run_id === 'string' ? b.run_id.normalize('NFC') : b.run_id, 'run_id', AIRFLOW_ID_MAX, 'Send context["run_id"] (dag_run.run_id), e.g. "scheduled__2026-11-22T00:00:00+00:00".');
	const level = levelOf(b.level);
	const runLevel = level === 'dag';
	if (level === 'task' && b.level !== undefined && (b.task_id === undefined || b.task_id === null || b.task_id === '')) {
		// a task callback without its task cannot be keyed like the sweeper keys the same failure
		throw new InputError('task_id', b.task_id, 'is missing in a task-level callback (level "task")', 'Send task_instance.task_id (workflows/airflow_callback.py does), or level "dag" from a DAG-level on_failure_callback: the collector then looks up the run\'s failed tasks itself.');
	}
	// a DAG-level callback's task fields (if any) belong to an arbitrary task of the run: not the failure
	const taskId = runLevel || b.task_id === undefined || b.task_id === null || b.task_id === '' ? null : airflowId(b.task_id, 'task_id', 'task_instance.task_id');
	const tryNumber = runLevel ? null : tryNumberOf(b.try_number);
	const mapIndex = runLevel ? null : mapIndexOf(b.map_index);
	const state = optionalText(b.state, 'state', 50);
	const event = optionalText(b.event, 'event', 50);
	const kind = kindOf(event, state);
	const startedAt = instantOf(b.start_date, 'start_date');
	const endedAt = instantOf(b.end_date, 'end_date');
	const message =
		optionalLongText(b.exception, 'exception', MESSAGE_MAX, `Cut the exception text to ${MESSAGE_MAX} characters (the callback keeps the last 8 KB).`) ||
		(optionalText(b.reason, 'reason', 1000) ?? '');
	const logUrl = runLevel ? null : optionalHttpUrl(b.log_url, 'log_url');
	const gridUrl = optionalHttpUrl(b.grid_url, 'grid_url');
	return {
		source: 'airflow',
		pipeline,
		runId,
		...(taskId !== null ? { taskId } : {}),
		...(tryNumber !== null ? { tryNumber } : {}),
		state: state ?? (kind === 'failure' ? 'failed' : null),
		logicalDate: instantOf(b.logical_date, 'logical_date'),
		startedAt,
		endedAt,
		durationSec: durationOf(startedAt, endedAt),
		runType: optionalText(b.run_type, 'run_type', 50),
		url: logUrl ?? gridUrl ?? '',
		eventKey: eventKeyOf({ source: 'airflow', pipeline, runId, taskId: taskKey(taskId, mapIndex), tryNumber }),
		kind,
		message,
		log: message,
		logUrl,
		payload: cleanJson(b) as Record<string, unknown>,
	};
}

/** The same check, as a result: a refused body becomes a problem the collector answers 400 with. */
export function checkAirflowCallback(body: unknown, options: AirflowCallbackOptions = {}): EventResult {
	try {
		return { ok: true, event: eventFromAirflowCallback(body, options) };
	} catch (error) {
		if (!(error instanceof InputError)) throw error;
		return { ok: false, problem: { ...problemOf(error), status: error instanceof TooLargeError ? 413 : 400 } };
	}
}
