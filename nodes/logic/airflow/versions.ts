/**
 * Airflow release numbers and the version floors of the request paths the client uses. Airflow 2
 * refuses query parameters and body fields it does not know with 400, so a parameter that a
 * release does not have must never be sent to it: the client reads /api/v1/version (or
 * /api/v2/version) once per execution and picks a path the server supports, or fails with
 * "needs Airflow ≥ X" and the fix.
 */
import { AirflowApiError } from './transport';

export type Release = [number, number, number];

/** The oldest Airflow the node supports at all (the batch endpoints with order_by, the callback's floor). */
export const OLDEST_SUPPORTED = '2.2.0';

/** Where a request path or parameter first appeared in Airflow 2 (/api/v1). */
export const V1_FLOORS = {
	/** GET /dags/~/dagRuns?updated_at_gte (release notes and spec: "New in version 2.6.0") */
	updatedAtFilter: '2.6.0',
	/** dag_run_ids / task_ids in POST /dags/~/dagRuns/~/taskInstances/list ("New in version 2.7.1") */
	taskInstanceRunFilter: '2.7.1',
	/** dag_run_id / include_downstream in POST /dags/{id}/clearTaskInstances */
	clearByRun: '2.4.0',
	/** page_offset / page_limit are applied by POST taskInstances/list (PR #43479; default page 100) */
	taskInstanceBatchPaging: '2.10.3',
} as const;

/** "2.10.3", "v2.9.3", "3.0.0rc1", "2.7.1+astro.2" → [2, 10, 3]; null when there is no number. */
export function parseRelease(text: unknown): Release | null {
	if (typeof text !== 'string') return null;
	const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
	if (!m) return null;
	return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function compareReleases(a: Release, b: Release): number {
	for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
	return 0;
}

/** Whether `version` is at least `floor`; an unknown version counts as new enough. */
export function atLeast(version: string | null, floor: string): boolean {
	const have = parseRelease(version);
	const need = parseRelease(floor);
	if (!have || !need) return true;
	return compareReleases(have, need) >= 0;
}

/** The error for a server older than what a step needs: names the version found, the floor and the fix. */
export function tooOld(version: string, floor: string, what: string, fix: string, request: string): AirflowApiError {
	return new AirflowApiError({
		status: null,
		airflowMessage: `${what} needs Airflow ≥ ${floor}; this server runs Airflow ${version}`,
		hint: fix,
		kind: 'version',
		request,
		attempts: 1,
	});
}
