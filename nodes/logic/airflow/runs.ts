/** Mapping Airflow 2/3 runs and task instances to the RunItem shape, with UI links per version. */
import type { RunItem } from '../shared/items';
import type { ApiVersion, RawDagRun, RawTaskInstance } from './types';

const enc = encodeURIComponent;

/** Link to a run (and task try) in the Airflow UI of that version. */
export function runUrl(uiBase: string, version: ApiVersion, dagId: string, runId: string, taskId?: string, tryNumber?: number): string {
	const base = uiBase.replace(/\/+$/, '');
	if (version === 'v1') {
		let url = `${base}/dags/${enc(dagId)}/grid?dag_run_id=${enc(runId)}`;
		if (taskId) url += `&task_id=${enc(taskId)}&tab=logs`;
		return url;
	}
	let url = `${base}/dags/${enc(dagId)}/runs/${enc(runId)}`;
	if (taskId) url += `/tasks/${enc(taskId)}${tryNumber ? `?try_number=${tryNumber}` : ''}`;
	return url;
}

/** Seconds between two ISO instants, or null when either is missing. */
export function durationSeconds(start: string | null | undefined, end: string | null | undefined): number | null {
	if (!start || !end) return null;
	const ms = Date.parse(end) - Date.parse(start);
	return Number.isFinite(ms) ? Math.round(ms) / 1000 : null;
}

export function runToItem(raw: RawDagRun, version: ApiVersion, uiBase: string, includeRaw = false): RunItem {
	const runId = raw.dag_run_id ?? '';
	const item: RunItem = {
		source: 'airflow',
		pipeline: raw.dag_id,
		runId,
		state: raw.state ?? null,
		logicalDate: raw.logical_date ?? raw.execution_date ?? null,
		runAfter: raw.run_after ?? null,
		dataIntervalEnd: raw.data_interval_end ?? null,
		startedAt: raw.start_date ?? null,
		endedAt: raw.end_date ?? null,
		durationSec: durationSeconds(raw.start_date, raw.end_date),
		runType: raw.run_type ?? null,
		url: runUrl(uiBase, version, raw.dag_id, runId),
	};
	if (includeRaw) item.raw = raw;
	return item;
}

export function taskToItem(raw: RawTaskInstance, version: ApiVersion, uiBase: string, includeRaw = false): RunItem {
	const item: RunItem = {
		source: 'airflow',
		pipeline: raw.dag_id,
		runId: raw.dag_run_id,
		taskId: raw.task_id,
		tryNumber: raw.try_number,
		state: raw.state ?? null,
		logicalDate: raw.logical_date ?? raw.execution_date ?? null,
		runAfter: raw.run_after ?? null,
		startedAt: raw.start_date ?? null,
		endedAt: raw.end_date ?? null,
		durationSec: raw.duration ?? durationSeconds(raw.start_date, raw.end_date),
		runType: null,
		url: runUrl(uiBase, version, raw.dag_id, raw.dag_run_id, raw.task_id, raw.try_number),
	};
	if (typeof raw.map_index === 'number' && raw.map_index >= 0) item.mapIndex = raw.map_index;
	if (includeRaw) item.raw = raw;
	return item;
}

/** The latest run of each DAG (by logical date, then start), in first-seen DAG order. */
export function latestPerDag(runs: readonly RunItem[]): RunItem[] {
	const best = new Map<string, RunItem>();
	const key = (r: RunItem): string => r.logicalDate ?? r.startedAt ?? '';
	for (const r of runs) {
		const cur = best.get(r.pipeline);
		if (!cur || Date.parse(key(r)) > Date.parse(key(cur))) best.set(r.pipeline, r);
	}
	return [...best.values()];
}
