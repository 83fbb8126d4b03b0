/**
 * One incremental sweep ("Get Changed Since Last Execution"): asks Airflow for runs updated since
 * the watermark minus the overlap, emits the ones whose state/start/end are new, and moves the
 * watermark to the start of this fetch on Airflow's clock (taken from the Date header of its
 * answers), so a skew between n8n and the scheduler beyond the overlap loses nothing.
 */
import type { RunItem } from '../shared/items';
import type { AirflowClient } from './client';
import type { RunFilter } from './types';
import { applyChanges, changedSince, DEFAULT_OVERLAP_MS, type WatermarkState } from './watermark';

export interface SweepOptions {
	/** the updated_at_gte of the first sweep (no state yet), ISO */
	initialFrom: string;
	overlapMs?: number;
	filter?: Omit<RunFilter, 'from' | 'to'>;
	includeRaw?: boolean;
}

export async function sweepChangedRuns(client: AirflowClient, state: WatermarkState | null, o: SweepOptions): Promise<{ changed: RunItem[]; next: WatermarkState }> {
	const overlapMs = o.overlapMs ?? DEFAULT_OVERLAP_MS;
	const localStart = Date.now();
	const runs = await client.runsChangedSince(changedSince(state, o.initialFrom, overlapMs), o.filter ?? {}, o.includeRaw ?? false);
	// the skew measured on the answers (Date header) turns our fetch start into Airflow's time;
	// without a Date header (a proxy removing it) our own clock and the overlap remain
	const serverClock = client.transport.serverClockOffsetMs !== null;
	return applyChanges(state, runs, client.transport.serverNow(localStart), overlapMs, serverClock);
}
