/**
 * Failures that never called back (SIGKILL, OOM, zombie and heartbeat timeouts, tasks marked
 * failed by hand, callbacks that failed themselves) found from Airflow's own records, as the same
 * PipelineEvent a callback produces: same event key (airflow|dag|run|task[map]|try), so
 * INSERT ... ON CONFLICT (event_key) DO NOTHING stores a failure once whichever of the sweep and
 * the callback comes first.
 *
 * - `sweepFailures`: one incremental sweep, on the watermark of "Get Changed Since Last Execution":
 *   failed task instances that ended since it (one batch call, whatever state their run is in: a
 *   task can fail while its run goes on), and runs that failed since it (updated_at_gte with state
 *   failed; a failed run without any failed task instance is a run-level event). Running runs,
 *   which every scheduler pass bumps, are never read: with nothing new a sweep costs 3 requests.
 * - `failureEventsOfRun`: the failed task instances of one run (a DAG-level callback names only
 *   the run), or the run-level event itself when none of its tasks failed.
 */
import { eventKeyOf, taskKey } from '../events/eventKey';
import type { PipelineEvent } from '../events/types';
import type { RunItem } from '../shared/items';
import type { AirflowClient } from './client';
import type { RunFilter } from './types';
import { applyChanges, changedSince, DEFAULT_OVERLAP_MS, readWatermark, runKey, type WatermarkState } from './watermark';

export type FoundBy = 'sweep' | 'dag_callback';

export interface FailureSweepState {
	runs: WatermarkState;
	/** event key of a failed task instance → [end date, last seen at ms] */
	tasks: Record<string, [string, number]>;
}

export interface FailureSweepOptions {
	/** the updated_at_gte of the first sweep (no state yet), ISO */
	initialFrom: string;
	overlapMs?: number;
	filter?: Pick<RunFilter, 'dagIds'>;
}

export interface FailureSweepResult {
	events: PipelineEvent[];
	next: FailureSweepState;
	/** how many runs the changed-runs query returned, and how many runs were asked for their tasks */
	runsReturned: number;
	runsAsked: number;
}

/** Reads the sweep state from static data; anything malformed counts as no state (first sweep). */
export function readFailureSweepState(value: unknown): FailureSweepState | null {
	if (!value || typeof value !== 'object') return null;
	const v = value as { runs?: unknown; tasks?: unknown };
	const runs = readWatermark(v.runs);
	if (!runs) return null;
	const tasks: FailureSweepState['tasks'] = {};
	if (v.tasks && typeof v.tasks === 'object') {
		for (const [k, e] of Object.entries(v.tasks as Record<string, unknown>)) {
			if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number') tasks[k] = [e[0], e[1]];
		}
	}
	return { runs, tasks };
}

function describeTask(t: RunItem): string {
	return `${t.taskId}${typeof t.mapIndex === 'number' && t.mapIndex >= 0 ? `[${t.mapIndex}]` : ''}`;
}

/** A failed task instance from Airflow's API as the failure event its callback would have sent. */
export function failureEventFromTask(t: RunItem, foundBy: FoundBy, context?: { reason?: string; callback?: Record<string, unknown> }): PipelineEvent {
	const mapIndex = typeof t.mapIndex === 'number' && t.mapIndex >= 0 ? t.mapIndex : null;
	const tryNumber = typeof t.tryNumber === 'number' && t.tryNumber > 0 ? t.tryNumber : null;
	const how =
		foundBy === 'sweep'
			? 'found by the failure sweeper: no failure callback reached the collector (killed, out of memory, heartbeat timeout, marked failed by hand, or no callback configured)'
			: `named by the DAG-level failure callback of its run${context?.reason ? ` (${context.reason})` : ''}`;
	const message = `Airflow task ${describeTask(t)} of ${t.pipeline} failed${tryNumber ? ` on try ${tryNumber}` : ''}; ${how}.`;
	return {
		source: 'airflow',
		pipeline: t.pipeline,
		runId: t.runId,
		taskId: t.taskId,
		...(tryNumber !== null ? { tryNumber } : {}),
		...(mapIndex !== null ? { mapIndex } : {}),
		state: 'failed',
		logicalDate: t.logicalDate ?? null,
		startedAt: t.startedAt ?? null,
		endedAt: t.endedAt ?? null,
		durationSec: t.durationSec ?? null,
		runType: t.runType ?? null,
		url: t.url,
		eventKey: eventKeyOf({ source: 'airflow', pipeline: t.pipeline, runId: t.runId, taskId: taskKey(t.taskId, mapIndex), tryNumber }),
		kind: 'failure',
		message,
		log: message,
		logUrl: t.url || null,
		payload: {
			found_by: foundBy,
			dag_id: t.pipeline,
			run_id: t.runId,
			task_id: t.taskId ?? null,
			map_index: mapIndex ?? -1,
			try_number: tryNumber,
			state: 'failed',
			start_date: t.startedAt ?? null,
			end_date: t.endedAt ?? null,
			...(context?.callback ? { dag_callback: context.callback } : {}),
		},
	};
}

/** A failed DAG run none of whose task instances failed, as the run-level event a DAG-level callback gives. */
export function failureEventFromRun(r: RunItem): PipelineEvent {
	const message = `Airflow DAG run ${r.runId} of ${r.pipeline} failed and none of its task instances is in state failed (marked failed by hand, a run timeout, or a task killed outside Airflow); found by the failure sweeper.`;
	return {
		source: 'airflow',
		pipeline: r.pipeline,
		runId: r.runId,
		state: 'failed',
		logicalDate: r.logicalDate ?? null,
		startedAt: r.startedAt ?? null,
		endedAt: r.endedAt ?? null,
		durationSec: r.durationSec ?? null,
		runType: r.runType ?? null,
		url: r.url,
		eventKey: eventKeyOf({ source: 'airflow', pipeline: r.pipeline, runId: r.runId }),
		kind: 'failure',
		message,
		log: message,
		logUrl: null,
		payload: { found_by: 'sweep', level: 'dag', dag_id: r.pipeline, run_id: r.runId, state: 'failed', start_date: r.startedAt ?? null, end_date: r.endedAt ?? null },
	};
}

/**
 * One incremental failure sweep; the state moves only when the whole sweep succeeded (the caller
 * saves `next`). Two batch reads: task instances in state failed that ended since the watermark
 * (end_date_gte: a task killed or marked failed while its run goes on is found at once; running
 * runs cost nothing), and runs that failed since the watermark (updated_at_gte, state failed). A
 * newly failed run none of whose tasks is in the first answer is asked for its failed tasks (a task
 * may have failed before the watermark); without any it is a run-level event.
 */
export async function sweepFailures(client: AirflowClient, state: FailureSweepState | null, o: FailureSweepOptions): Promise<FailureSweepResult> {
	const overlapMs = o.overlapMs ?? DEFAULT_OVERLAP_MS;
	const since = changedSince(state?.runs ?? null, o.initialFrom, overlapMs);
	const dagIds = o.filter?.dagIds?.length ? o.filter.dagIds : undefined;
	const localStart = Date.now();
	const failedTasks = (await client.listTaskInstances({ failedOnly: true, endedFrom: since, dagIds })).filter((t) => t.state === 'failed');
	const failedRuns = await client.runsChangedSince(since, { dagIds, states: ['failed'] });
	const serverClock = client.transport.serverClockOffsetMs !== null;
	const fetchedAt = client.transport.serverNow(localStart);
	const { changed, next: runsNext } = applyChanges(state?.runs ?? null, failedRuns, fetchedAt, overlapMs, serverClock);
	const newlyFailed = changed.filter((r) => r.state === 'failed');
	const covered = new Set(failedTasks.map(runKey));
	const unexplained = newlyFailed.filter((r) => !covered.has(runKey(r)));
	const earlier = unexplained.length ? (await client.listTaskInstances({ runs: unexplained.map((r) => ({ dagId: r.pipeline, runId: r.runId })), failedOnly: true })).filter((t) => t.state === 'failed') : [];
	const runTypes = new Map(failedRuns.map((r) => [runKey(r), r.runType ?? null]));
	const tasksSeen: FailureSweepState['tasks'] = { ...(state?.tasks ?? {}) };
	const events: PipelineEvent[] = [];
	for (const t of [...failedTasks, ...earlier]) {
		const event = failureEventFromTask({ ...t, runType: runTypes.get(runKey(t)) ?? t.runType ?? null }, 'sweep');
		const fp = t.endedAt ?? '';
		const known = tasksSeen[event.eventKey]?.[0] === fp;
		tasksSeen[event.eventKey] = [fp, fetchedAt];
		if (!known && !events.some((e) => e.eventKey === event.eventKey)) events.push(event);
	}
	const withTask = new Set([...failedTasks, ...earlier].map(runKey));
	for (const r of unexplained) if (!withTask.has(runKey(r))) events.push(failureEventFromRun(r));
	const keepAfter = Date.parse(runsNext.since) - overlapMs - 60_000;
	for (const [k, [, at]] of Object.entries(tasksSeen)) if (at < keepAfter) delete tasksSeen[k];
	return { events, next: { runs: runsNext, tasks: tasksSeen }, runsReturned: failedRuns.length, runsAsked: unexplained.length };
}

/**
 * The failed task instances of one run as task events (a DAG-level callback names only the run), or
 * the run-level event itself when none of the run's tasks failed.
 */
export async function failureEventsOfRun(client: AirflowClient, runEvent: PipelineEvent): Promise<PipelineEvent[]> {
	const failed = (await client.listTaskInstances({ dagId: runEvent.pipeline, runId: runEvent.runId, failedOnly: true })).filter((t) => t.state === 'failed');
	if (!failed.length) return [runEvent];
	const reason = runEvent.message || undefined;
	return failed.map((t) => failureEventFromTask({ ...t, logicalDate: t.logicalDate ?? runEvent.logicalDate ?? null, runType: runEvent.runType ?? null }, 'dag_callback', { reason, callback: runEvent.payload }));
}

/** Whether an event is a run-level failure (no task) that the collector expands into task events. */
export function isRunLevelFailure(event: Partial<PipelineEvent>): boolean {
	return event.source === 'airflow' && event.kind === 'failure' && (event.taskId === undefined || event.taskId === null || event.taskId === '');
}
