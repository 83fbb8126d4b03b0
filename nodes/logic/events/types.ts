/**
 * A collected pipeline event: a run item (the contract in shared/items.ts) plus what the
 * collectors store and report. Produced from an Airflow failure callback or an n8n Error Trigger.
 */
import type { RunItem } from '../shared/items';

export type EventKind = 'failure' | 'warning' | 'success';

export interface PipelineEvent extends RunItem {
	/** idempotency key: source|pipeline|run|task|try, the same delivery twice gives the same key */
	eventKey: string;
	kind: EventKind;
	/** n8n errors: workflow|node|error fingerprint, the same for repeats of one failure (one card per window) */
	alertKey?: string;
	/** the exception / error text the sender gave (may be empty) */
	message: string;
	/** stack or other detail, for the Log Summarizer when no log can be fetched */
	log: string;
	/** where the log can be read (Airflow log page, n8n execution) */
	logUrl: string | null;
	/** the sender's payload, cleaned (no NUL characters), for the events.payload column */
	payload: Record<string, unknown>;
}

/** Why an input is refused: which field, what value, what is wrong and what to change. */
export interface EventProblem {
	field: string;
	value: string;
	problem: string;
	hint: string;
	/** the HTTP status a webhook answers with: 400, or 413 for a body over the size limit */
	status?: number;
}

export type EventResult = { ok: true; event: PipelineEvent } | { ok: false; problem: EventProblem };
