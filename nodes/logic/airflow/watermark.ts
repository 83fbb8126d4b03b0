/**
 * Incremental mode: which runs changed since the previous execution, as pure functions over a
 * small state kept in the workflow's static data.
 *
 * Airflow's run objects carry no updated_at, so the state keeps (a) `since`, the time the previous
 * fetch started on Airflow's own clock (the Date header of its answers: updated_at is written by
 * the scheduler's clock, so n8n's clock must not be compared with it), and (b) the fingerprints
 * (state, start, end) of runs seen lately so the re-read overlap does not emit them twice. A run
 * stays "seen" as long as it keeps coming back (running runs do: every scheduler pass bumps their
 * updated_at), and is forgotten one overlap after it was last returned. `since` only moves forward
 * and only to a fetch start, so when two executions overlap a change is at worst reported twice,
 * never lost.
 */
import type { RunItem } from '../shared/items';

export interface WatermarkState {
	/** ISO instant: start of the last completed fetch */
	since: string;
	/** run key → [fingerprint, last seen at ms] */
	seen: Record<string, [string, number]>;
	/** 'server': `since` is on Airflow's clock (states written before this field used n8n's clock) */
	clock?: 'server';
}

export const DEFAULT_OVERLAP_MS = 5 * 60_000;

/**
 * A run's key in the state: DAG id and run id joined by "|", which a DAG id cannot contain
 * (Airflow allows letters, digits, "-", "." and "_"), so the first "|" ends it. Not NUL: the state
 * may be kept in a Postgres jsonb column (storedWatermark.ts), which refuses \u0000.
 */
export function runKey(run: Pick<RunItem, 'pipeline' | 'runId'>): string {
	return `${run.pipeline}|${run.runId}`;
}

/** What makes a run "changed": its state, start and end (never updated_at, which every scheduler pass bumps). */
export function runFingerprint(run: Pick<RunItem, 'state' | 'endedAt' | 'startedAt'>): string {
	return `${run.state ?? ''}|${run.startedAt ?? ''}|${run.endedAt ?? ''}`;
}

/** Reads state from static data; anything malformed counts as no state (first run). */
export function readWatermark(value: unknown): WatermarkState | null {
	if (!value || typeof value !== 'object') return null;
	const v = value as Partial<WatermarkState>;
	if (typeof v.since !== 'string' || Number.isNaN(Date.parse(v.since))) return null;
	const seen: WatermarkState['seen'] = {};
	if (v.seen && typeof v.seen === 'object') {
		for (const [k, e] of Object.entries(v.seen)) {
			// (states saved by earlier versions joined the key with NUL)
			if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number') seen[k.replace('\u0000', '|')] = [e[0], e[1]];
		}
	}
	return { since: v.since, seen, ...(v.clock === 'server' ? { clock: 'server' as const } : {}) };
}

/** The `updated_at_gte` to ask Airflow for: the previous fetch start minus the overlap, or the initial window. */
export function changedSince(state: WatermarkState | null, initialFrom: string, overlapMs = DEFAULT_OVERLAP_MS): string {
	if (!state) return initialFrom;
	return new Date(Date.parse(state.since) - overlapMs).toISOString();
}

/**
 * The runs to emit (new, or different from what was seen lately) and the next state.
 * `fetchStartedAt` is when the fetch began (ms), on Airflow's clock when it is known
 * (`serverClock`), else on ours.
 */
export function applyChanges(
	state: WatermarkState | null,
	runs: readonly RunItem[],
	fetchStartedAt: number,
	overlapMs = DEFAULT_OVERLAP_MS,
	serverClock = false,
): { changed: RunItem[]; next: WatermarkState } {
	const seen: WatermarkState['seen'] = { ...(state?.seen ?? {}) };
	const changed: RunItem[] = [];
	for (const run of runs) {
		const key = runKey(run);
		const fp = runFingerprint(run);
		const unchanged = seen[key]?.[0] === fp;
		// last seen, not first seen: a run that keeps coming back is never forgotten and re-emitted
		seen[key] = [fp, fetchStartedAt];
		if (!unchanged) changed.push(run);
	}
	// a `since` on the other clock is not compared with this one (it may be ahead of Airflow's)
	const sameClock = !!state && (state.clock === 'server') === serverClock;
	const previous = state && sameClock ? Date.parse(state.since) : -Infinity;
	const since = Math.max(previous, fetchStartedAt);
	const keepAfter = since - overlapMs - 60_000;
	for (const [k, [, at]] of Object.entries(seen)) if (at < keepAfter) delete seen[k];
	return { changed, next: { since: new Date(since).toISOString(), seen, ...(serverClock ? { clock: 'server' as const } : {}) } };
}
