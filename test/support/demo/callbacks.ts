/**
 * The bodies workflows/airflow_callback.py would POST for the simulator's failed task instances:
 * what the demo sends once and the collector benchmark sends many times.
 */
import type { World } from '../airflow/world';

export interface CallbackBody {
	dag_id: string;
	run_id: string;
	task_id: string;
	try_number: number;
	map_index: number;
	state: string;
	event: string;
	logical_date: string | null;
	start_date: string | null;
	end_date: string | null;
	exception: string;
	log_url: string;
	run_type: string;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString().replace('Z', '+00:00'));

/** One callback body per failed task instance of the newest failed runs (newest first). */
export function demoCallbacks(world: World, airflowUiUrl: string, limit: number): CallbackBody[] {
	const failed = world.runs.filter((r) => r.state === 'failed').sort((a, b) => b.logicalDate - a.logicalDate);
	const bodies: CallbackBody[] = [];
	for (const run of failed) {
		for (const task of world.tasks(run).filter((t) => t.state === 'failed')) {
			const records = world.logRecords(run, task, task.tryNumber);
			const error = records.find((r) => r.error_detail)?.error_detail?.[0];
			bodies.push({
				dag_id: run.dagId,
				run_id: run.runId,
				task_id: task.taskId,
				try_number: task.tryNumber,
				map_index: -1,
				state: 'failed',
				event: 'failure',
				logical_date: iso(run.logicalDate),
				start_date: iso(task.startDate),
				end_date: iso(task.endDate),
				exception: error ? `${error.exc_type}: ${error.exc_value}` : 'Task failed',
				log_url: `${airflowUiUrl.replace(/\/$/, '')}/dags/${encodeURIComponent(run.dagId)}/runs/${encodeURIComponent(run.runId)}/tasks/${encodeURIComponent(task.taskId)}?try_number=${task.tryNumber}`,
				run_type: run.runType,
			});
			if (bodies.length >= limit) return bodies;
		}
	}
	return bodies;
}

/**
 * `count` distinct synthetic callbacks (unique run ids) for load tests: each is a new event, so
 * every one must end as exactly one stored row.
 */
export function syntheticCallbacks(world: World, airflowUiUrl: string, count: number, tag: string): CallbackBody[] {
	const base = demoCallbacks(world, airflowUiUrl, 20);
	if (base.length === 0) throw new Error('the simulated world has no failed task instance to base callbacks on');
	return Array.from({ length: count }, (_, i) => {
		const b = base[i % base.length];
		return { ...b, run_id: `manual__bench_${tag}_${String(i).padStart(6, '0')}` };
	});
}
