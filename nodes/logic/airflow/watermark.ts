/**
 * Incremental mode: which runs changed since the previous execution, as pure functions over a
 * small state kept in the workflow's static data.
 *
 * Airflow's run objects carry no updated_at, so the state keeps (a) `since`, the time the previous
 * fetch started, and (b) the fingerprints of runs seen in the last `overlap` so the re-read
 * overlap (which absorbs clock skew between n8n and Airflow) does not emit them twice. `since`
 * only moves forward and only to a fetch start, so when two executions overlap a change is at
 * worst reported twice, never lost.
 */
import type { RunItem } from '../shared/items';

export interface WatermarkState {
	/** ISO instant: start of the last completed fetch */
	since: string;
	/** run key → [fingerprint, seenAt ms] */
	seen: Record<string, [string, number]>;
}

export const DEFAULT_OVERLAP_MS = 5 * 60_000;

export function runKey(run: Pick<RunItem, 'pipeline' | 'runId'>): string {
	return `${run.pipeline}\u0000${run.runId}`;
}

/** What makes a run "changed": its state and its end. */
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
			if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number') seen[k] = [e[0], e[1]];
		}
	}
	return { since: v.since, seen };
}

/** The `updated_at_gte` to ask Airflow for: the previous fetch start minus the overlap, or the initial window. */
export function changedSince(state: WatermarkState | null, initialFrom: string, overlapMs = DEFAULT_OVERLAP_MS): string {
	if (!state) return initialFrom;
	return new Date(Date.parse(state.since) - overlapMs).toISOString();
}

/**
 * The runs to emit (new, or different from what was seen in the overlap) and the next state.
 * `fetchStartedAt` is when the fetch began (ms).
 */
export function applyChanges(
	state: WatermarkState | null,
	runs: readonly RunItem[],
	fetchStartedAt: number,
	overlapMs = DEFAULT_OVERLAP_MS,
): { changed: RunItem[]; next: WatermarkState } {
	const seen: WatermarkState['seen'] = { ...(state?.seen ?? {}) };
	const changed: RunItem[] = [];
	for (const run of runs) {
		const key = runKey(run);
		const fp = runFingerprint(run);
		if (seen[key]?.[0] === fp) continue;
		changed.push(run);
		seen[key] = [fp, fetchStartedAt];
	}
	const previous = state ? Date.parse(state.since) : -Infinity;
	const since = Math.max(previous, fetchStartedAt);
	const keepAfter = since - overlapMs - 60_000;
	for (const [k, [, at]] of Object.entries(seen)) if (at < keepAfter) delete seen[k];
	return { changed, next: { since: new Date(since).toISOString(), seen } };
}
