import { InputError } from '../shared/errors';

/**
 * What a native run/task state means for the traffic light. Airflow 2 and 3 DAG-run and
 * task-instance states and n8n execution statuses all map to one of these.
 */
export type StateClass =
	| 'success'
	| 'failed'
	| 'running'
	| 'retrying'
	| 'pending'
	| 'upstream_failed'
	| 'skipped'
	| 'canceled'
	| 'removed';

const STATE_CLASSES: Record<string, StateClass> = {
	// Airflow 2 and 3 (DagRunState and TaskInstanceState)
	success: 'success',
	failed: 'failed',
	running: 'running',
	queued: 'pending',
	scheduled: 'pending',
	none: 'pending',
	null: 'pending',
	deferred: 'running',
	up_for_reschedule: 'running',
	sensing: 'running',
	up_for_retry: 'retrying',
	restarting: 'retrying',
	upstream_failed: 'upstream_failed',
	skipped: 'skipped',
	removed: 'removed',
	shutdown: 'failed',
	// n8n execution statuses
	error: 'failed',
	crashed: 'failed',
	canceled: 'canceled',
	waiting: 'running',
	new: 'pending',
};

export const KNOWN_STATES: readonly string[] = Object.keys(STATE_CLASSES);

/** Maps a native state (case-insensitive; null and "None" mean not yet scheduled). */
export function classifyState(state: unknown, field = 'state'): StateClass {
	if (state === null || state === undefined) return 'pending';
	if (typeof state !== 'string') {
		throw new InputError(field, state, 'is not a state string', `Use an Airflow or n8n state such as ${KNOWN_STATES.slice(0, 6).join(', ')}.`);
	}
	const cls = STATE_CLASSES[state.trim().toLowerCase()];
	if (!cls) {
		throw new InputError(field, state, 'is not a known Airflow or n8n state', `Known states: ${KNOWN_STATES.join(', ')}.`);
	}
	return cls;
}

export const isFinished = (cls: StateClass): boolean => cls !== 'running' && cls !== 'retrying' && cls !== 'pending';
