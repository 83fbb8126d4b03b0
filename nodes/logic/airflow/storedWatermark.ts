/**
 * A sweep's watermark kept outside n8n's workflow static data (issue 15): for n8n's queue mode,
 * where a worker saves static data after an execution but the next execution in a worker does not
 * read it back (n8n 2.x runs a new execution from its stored snapshot, which carries no static
 * data). The workflow reads the previous state from a database row, the node takes it as a
 * parameter and puts the next state on every item it outputs (`sweepWatermark`), and the workflow
 * saves that only once the items are stored, with a compare-and-set on `since` (schema v10,
 * `pipeline_monitor.sweep_watermarks`): a state moves forward only, and only over stored items.
 *
 * The state is scoped to the Airflow it was read from: a state saved for another base URL counts
 * as none (the first execution's look-back applies), so pointing the credential elsewhere never
 * skips the new server's failures.
 */
import { InputError } from '../shared/errors';

export interface StoredWatermark {
	/** the Airflow base URL the state belongs to (no credentials, no query) */
	airflowUrl: string;
	/** ISO instant the state's next read starts from (before the overlap): the compare-and-set key */
	since: string;
	/** the operation's own state (failure sweep or changed runs), as its reader accepts it */
	state: Record<string, unknown>;
}

const FIX = 'Map the Watermark parameter to the sweepWatermark object a previous execution of this node output (saved by the workflow, e.g. the state column of pipeline_monitor.sweep_watermarks), or leave it empty for the first execution.';

/**
 * The state to resume from: null for none yet (null, empty, or saved for another Airflow).
 * A value that is not a saved watermark is refused, naming it, rather than silently re-reading.
 */
export function readStoredWatermark(value: unknown, airflowUrl: string, field = 'Watermark'): Record<string, unknown> | null {
	if (value === undefined || value === null || value === '') return null;
	let v: unknown = value;
	if (typeof v === 'string') {
		try {
			v = JSON.parse(v);
		} catch {
			throw new InputError(field, value, 'is not JSON', FIX);
		}
		if (v === null) return null;
	}
	if (typeof v !== 'object' || Array.isArray(v)) throw new InputError(field, value, 'is not a saved watermark object', FIX);
	const w = v as Partial<StoredWatermark>;
	if (typeof w.airflowUrl !== 'string' || typeof w.since !== 'string' || Number.isNaN(Date.parse(w.since)) || !w.state || typeof w.state !== 'object' || Array.isArray(w.state)) {
		throw new InputError(field, value, 'lacks airflowUrl, since or state', FIX);
	}
	return sameAirflow(w.airflowUrl, airflowUrl) ? w.state : null;
}

/** Whether two base URLs name the same Airflow (case of scheme and host, trailing slashes ignored). */
export function sameAirflow(a: string, b: string): boolean {
	const norm = (u: string): string => {
		try {
			const url = new URL(u);
			return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`.toLowerCase();
		} catch {
			return u.replace(/\/+$/, '').toLowerCase();
		}
	};
	return norm(a) === norm(b);
}

/** The watermark to put on the output items. */
export function storedWatermark(airflowUrl: string, since: string, state: object): StoredWatermark {
	return { airflowUrl, since, state: state as Record<string, unknown> };
}
