/**
 * A generated Airflow world for the simulator: DAGs, DAG runs, task instances and task logs, all
 * derived from a seed so the same seed gives the same world. Task instances and logs are derived
 * on demand from the run (nothing large is kept per task), so 2,000 DAGs x 24 runs stays small.
 */
import { prng } from '../prng';

export type RunState = 'queued' | 'running' | 'success' | 'failed';
export type TaskState = 'success' | 'failed' | 'running' | 'queued' | 'upstream_failed' | 'scheduled' | 'skipped' | null;

export interface SimDag {
	dagId: string;
	tags: string[];
	isPaused: boolean;
	isActive: boolean;
	owners: string[];
	schedule: string;
	tasks: string[];
	fileloc: string;
	description: string | null;
}

export interface SimRun {
	/** insertion order, the primary key the API sorts by */
	id: number;
	dagId: string;
	runId: string;
	runType: 'scheduled' | 'manual' | 'backfill';
	/** ms since epoch */
	runAfter: number;
	logicalDate: number;
	queuedAt: number;
	startDate: number | null;
	endDate: number | null;
	state: RunState;
	updatedAt: number;
	conf: Record<string, unknown>;
	note: string | null;
	/** index of the task that failed in a failed run */
	failedTask: number;
	/** bumped when the run is cleared; adds one try to cleared tasks */
	clears: number;
	/** task index → what happened to it outside the generated story (killed, marked failed by hand) */
	taskOverrides?: Record<number, { state: TaskState; tryNumber?: number; endDate?: number | null }>;
	/** the run ended with unfinished tasks (dagrun_timeout, marked failed by hand): they become this state */
	unfinishedAs?: TaskState;
}

export interface SimTask {
	dagId: string;
	runId: string;
	taskId: string;
	state: TaskState;
	tryNumber: number;
	maxTries: number;
	startDate: number | null;
	endDate: number | null;
	hostname: string;
	operator: string;
	index: number;
}


const DOMAINS = ['sales', 'billing', 'crm', 'ads', 'logistics', 'hr', 'finance', 'payments', 'search', 'inventory'];
const VERBS = ['daily_load', 'hourly_sync', 'etl', 'snapshot', 'aggregate', 'export', 'ingest', 'dedupe'];
const TASK_SETS = [
	['extract', 'transform', 'load'],
	['wait_for_partition', 'extract_mysql', 'transform', 'load_postgres', 'check_row_count'],
	['start', 'fetch_api', 'validate', 'upsert', 'notify'],
	['sensor_s3', 'spark_submit', 'load_dw', 'refresh_mart'],
];
const OPERATORS: Record<string, string> = {
	extract: 'PythonOperator',
	transform: 'PythonOperator',
	load: 'PostgresOperator',
	wait_for_partition: 'HivePartitionSensor',
	extract_mysql: 'MySqlToGCSOperator',
	load_postgres: 'SQLExecuteQueryOperator',
	check_row_count: 'SQLCheckOperator',
	start: 'EmptyOperator',
	fetch_api: 'HttpOperator',
	validate: 'PythonOperator',
	upsert: 'SQLExecuteQueryOperator',
	notify: 'EmailOperator',
	sensor_s3: 'S3KeySensor',
	spark_submit: 'SparkSubmitOperator',
	load_dw: 'BigQueryInsertJobOperator',
	refresh_mart: 'PythonOperator',
};

export interface WorldOptions {
	dags: number;
	runsPerDag: number;
	seed: number;
	/** end of the generated history, ms since epoch (default: now) */
	now?: number;
	/** span covered by each DAG's runs (default 24 h) */
	spanMs?: number;
	/** share of finished runs that failed (default 0.06) */
	failureRate?: number;
	/** INFO lines before the interesting part of a log, to make long logs (default 40) */
	logNoiseLines?: number;
	/** every DAG gets this many tasks (task_000 ...) instead of one of the small task sets */
	tasksPerDag?: number;
}

export class World {
	readonly dags: SimDag[] = [];
	readonly dagIndex = new Map<string, SimDag>();
	readonly runs: SimRun[] = [];
	readonly runIndex = new Map<string, SimRun>();
	readonly options: Required<Omit<WorldOptions, 'tasksPerDag'>> & Pick<WorldOptions, 'tasksPerDag'>;
	private nextId = 1;
	private readonly rand: () => number;

	constructor(options: WorldOptions) {
		this.options = {
			dags: options.dags,
			runsPerDag: options.runsPerDag,
			seed: options.seed,
			now: options.now ?? Date.now(),
			spanMs: options.spanMs ?? 24 * 3600_000,
			failureRate: options.failureRate ?? 0.06,
			logNoiseLines: options.logNoiseLines ?? 40,
			tasksPerDag: options.tasksPerDag,
		};
		this.rand = prng(this.options.seed);
		this.generate();
	}

	private generate(): void {
		const { dags, runsPerDag, now, spanMs, failureRate } = this.options;
		const r = this.rand;
		const width = String(dags).length;
		for (let d = 0; d < dags; d++) {
			const domain = DOMAINS[d % DOMAINS.length];
			const verb = VERBS[Math.floor(r() * VERBS.length)];
			const dagId = `${domain}_${verb}_${String(d).padStart(width, '0')}`;
			const set = TASK_SETS[Math.floor(r() * TASK_SETS.length)];
			const wide = this.options.tasksPerDag;
			const tasks = wide ? Array.from({ length: wide }, (_, i) => `task_${String(i).padStart(3, '0')}`) : set;
			const dag: SimDag = {
				dagId,
				tags: [domain, r() < 0.5 ? 'tier1' : 'tier2', ...(r() < 0.2 ? ['pii'] : [])],
				isPaused: r() < 0.05,
				isActive: true,
				owners: [r() < 0.5 ? 'data-eng' : 'analytics'],
				schedule: runsPerDag >= 24 ? '@hourly' : '@daily',
				tasks,
				fileloc: `/opt/airflow/dags/${domain}/${dagId}.py`,
				description: r() < 0.7 ? `${domain} ${verb.replace('_', ' ')} pipeline` : null,
			};
			this.dags.push(dag);
			this.dagIndex.set(dagId, dag);
		}
		const step = spanMs / Math.max(1, runsPerDag);
		// runs are inserted in time order across DAGs, like a scheduler would create them
		for (let k = runsPerDag - 1; k >= 0; k--) {
			for (const dag of this.dags) {
				const runAfter = Math.floor(now - (k + 0.5) * step + (r() - 0.5) * step * 0.2);
				const latest = k === 0;
				const state: RunState = latest && r() < 0.15 ? (r() < 0.5 ? 'running' : 'queued') : r() < failureRate ? 'failed' : 'success';
				const started = state === 'queued' ? null : runAfter + Math.floor(r() * 20_000);
				const ended = state === 'success' || state === 'failed' ? (started ?? runAfter) + 30_000 + Math.floor(r() * step * 0.3) : null;
				this.addRun({
					dagId: dag.dagId,
					runId: `scheduled__${new Date(runAfter).toISOString().replace('Z', '+00:00')}`,
					runType: 'scheduled',
					runAfter,
					logicalDate: runAfter,
					queuedAt: runAfter - 500,
					startDate: started,
					endDate: ended,
					state,
					updatedAt: ended ?? started ?? runAfter,
					conf: {},
					note: null,
					failedTask: Math.floor(r() * dag.tasks.length),
					clears: 0,
				});
			}
		}
	}

	addRun(run: Omit<SimRun, 'id'>): SimRun {
		const full: SimRun = { ...run, id: this.nextId++ };
		this.runs.push(full);
		this.runIndex.set(`${full.dagId}\u0000${full.runId}`, full);
		return full;
	}

	run(dagId: string, runId: string): SimRun | undefined {
		return this.runIndex.get(`${dagId}\u0000${runId}`);
	}

	/** Changes `count` runs (running ones finish, others fail or succeed anew) at time `at`. */
	mutate(count: number, at = Date.now(), seed = 7): SimRun[] {
		const r = prng(seed);
		const changed: SimRun[] = [];
		const picked = new Set<number>();
		while (changed.length < Math.min(count, this.runs.length)) {
			const i = Math.floor(r() * this.runs.length);
			if (picked.has(i)) continue;
			picked.add(i);
			const run = this.runs[i];
			run.state = run.state === 'failed' ? 'success' : 'failed';
			run.startDate = run.startDate ?? at - 60_000;
			run.endDate = at;
			run.updatedAt = at;
			changed.push(run);
		}
		return changed;
	}

	/**
	 * A task of a running run dies without a callback (SIGKILL, OOM, heartbeat timeout, or marked
	 * failed by hand): its instance is failed at `at`, the run goes on.
	 */
	killTask(run: SimRun, index: number, at = Date.now()): SimTask {
		run.taskOverrides = { ...(run.taskOverrides ?? {}), [index]: { state: 'failed', tryNumber: 1, endDate: at } };
		return this.tasks(run)[index];
	}

	/** The run fails without any failed task (dagrun_timeout): unfinished tasks are skipped. */
	timeOutRun(run: SimRun, at = Date.now()): void {
		run.state = 'failed';
		run.failedTask = Number.MAX_SAFE_INTEGER;
		run.unfinishedAs = 'skipped';
		run.startDate = run.startDate ?? at - 60_000;
		run.endDate = at;
		run.updatedAt = at;
	}

	/** A running run fails because of task `index` (which failed on its first try) at `at`. */
	failRun(run: SimRun, index: number, at = Date.now()): void {
		run.state = 'failed';
		run.failedTask = index;
		run.startDate = run.startDate ?? at - 60_000;
		run.endDate = at;
		run.updatedAt = at;
	}

	/** The task instances of a run, derived from its state. */
	tasks(run: SimRun): SimTask[] {
		const dag = this.dagIndex.get(run.dagId)!;
		const r = prng(run.id * 2654435761);
		const out: SimTask[] = [];
		let t = run.startDate ?? run.runAfter;
		dag.tasks.forEach((taskId, index) => {
			let state: TaskState;
			if (run.state === 'success') state = 'success';
			else if (run.state === 'queued') state = null;
			else if (run.state === 'running') state = index === 0 ? 'running' : 'scheduled';
			else if (run.unfinishedAs) state = index === 0 ? 'success' : run.unfinishedAs;
			else state = index < run.failedTask ? 'success' : index === run.failedTask ? 'failed' : 'upstream_failed';
			const override = run.taskOverrides?.[index];
			if (override) state = override.state;
			const tries = override?.tryNumber ?? (state === 'failed' ? 2 : 1);
			const ran = state === 'success' || state === 'failed' || state === 'running';
			const dur = 5_000 + Math.floor(r() * 120_000);
			const start = ran ? t : null;
			const end = override && override.endDate !== undefined ? override.endDate : ran && state !== 'running' ? t + dur : null;
			if (end) t = end;
			out.push({
				dagId: run.dagId,
				runId: run.runId,
				taskId,
				state,
				tryNumber: ran ? tries + run.clears : 0,
				maxTries: 1,
				startDate: start,
				endDate: end,
				hostname: ran ? `airflow-worker-${Math.floor(r() * 4)}.airflow.svc.cluster.local` : '',
				operator: OPERATORS[taskId] ?? 'PythonOperator',
				index,
			});
		});
		return out;
	}

	/** The log lines of one task try, as structured records (the v1 text is rendered from them). */
	logRecords(run: SimRun, task: SimTask, tryNumber: number): LogRecord[] {
		const r = prng(run.id * 31 + task.index * 7 + tryNumber);
		const base = task.startDate ?? run.runAfter;
		const recs: LogRecord[] = [];
		let clock = base;
		const add = (level: string, logger: string, event: string, extra?: Partial<LogRecord>): void => {
			clock += Math.floor(r() * 900) + 10;
			recs.push({ timestamp: clock, level, logger, event, ...extra });
		};
		add('info', 'airflow.task', `Dependencies all met for dep_context=non-requeueable deps ti=<TaskInstance: ${run.dagId}.${task.taskId} ${run.runId} [queued]>`);
		add('info', 'airflow.task', `Starting attempt ${tryNumber} of ${task.maxTries + 1}`);
		add('info', 'airflow.task', `Executing <Task(${task.operator}): ${task.taskId}> on ${new Date(run.logicalDate).toISOString()}`);
		add('info', 'airflow.task.hooks', `Using connection ID 'warehouse_pg' for task execution.`);
		for (let i = 0; i < this.options.logNoiseLines; i++) {
			add('info', 'airflow.task', `Processed batch ${i + 1}: ${Math.floor(r() * 50_000)} rows in ${(r() * 3).toFixed(2)}s (partition dt=${new Date(run.logicalDate).toISOString().slice(0, 10)})`);
		}
		const failing = task.state === 'failed';
		if (failing) {
			const err = FAILURES[(run.id + task.index) % FAILURES.length];
			add('error', 'airflow.task', 'Task failed with exception', { error_detail: err(run, task) });
			add('info', 'airflow.task', `Marking task as ${tryNumber < task.tryNumber ? 'UP_FOR_RETRY' : 'FAILED'}. dag_id=${run.dagId}, task_id=${task.taskId}, run_id=${run.runId}`);
		} else {
			add('info', 'airflow.task', `Marking task as SUCCESS. dag_id=${run.dagId}, task_id=${task.taskId}, run_id=${run.runId}`);
		}
		add('info', 'airflow.task', `Task exited with return code ${failing ? 1 : 0}`);
		return recs;
	}
}

export interface LogFrame {
	filename: string;
	lineno: number;
	name: string;
	line?: string;
}

export interface ErrorDetail {
	exc_type: string;
	exc_value: string;
	syntax_error: null;
	is_cause: boolean;
	frames: LogFrame[];
}

export interface LogRecord {
	timestamp: number;
	level: string;
	logger: string;
	event: string;
	error_detail?: ErrorDetail[];
}

type Failure = (run: SimRun, task: SimTask) => ErrorDetail[];

const TASK_FRAMES = (task: SimTask): LogFrame[] => [
	{ filename: '/home/airflow/.local/lib/python3.11/site-packages/airflow/models/taskinstance.py', lineno: 768, name: '_execute_task', line: 'result = _execute_callable(context=context, **execute_callable_kwargs)' },
	{ filename: '/home/airflow/.local/lib/python3.11/site-packages/airflow/models/baseoperator.py', lineno: 406, name: 'wrapper', line: 'return func(self, *args, **kwargs)' },
	{ filename: `/opt/airflow/dags/lib/${task.taskId}.py`, lineno: 42, name: 'execute', line: 'rows = self.run_query(sql)' },
];

const FAILURES: Failure[] = [
	(run, task) => [
		{
			exc_type: 'psycopg2.errors.UndefinedColumn',
			exc_value: `column "customer_idx" does not exist\nLINE 1: SELECT customer_idx, amount FROM staging.${run.dagId.split('_')[0]}_orders\n               ^`,
			syntax_error: null,
			is_cause: false,
			frames: [...TASK_FRAMES(task), { filename: '/home/airflow/.local/lib/python3.11/site-packages/psycopg2/extras.py', lineno: 236, name: 'execute', line: 'return super().execute(query, vars)' }],
		},
	],
	(_run, task) => [
		{
			exc_type: 'requests.exceptions.ConnectTimeout',
			exc_value: "HTTPSConnectionPool(host='api.partner.example.com', port=443): Max retries exceeded with url: /v2/export (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f3a2c1e5d90>, 'Connection to api.partner.example.com timed out. (connect timeout=30)'))",
			syntax_error: null,
			is_cause: false,
			frames: [...TASK_FRAMES(task), { filename: '/home/airflow/.local/lib/python3.11/site-packages/requests/adapters.py', lineno: 507, name: 'send', line: 'raise ConnectTimeout(e, request=request)' }],
		},
	],
	(_run, task) => [
		{
			exc_type: 'KeyError',
			exc_value: "'order_date'",
			syntax_error: null,
			is_cause: false,
			frames: [...TASK_FRAMES(task), { filename: `/opt/airflow/dags/lib/${task.taskId}.py`, lineno: 88, name: 'normalise', line: "df['dt'] = pd.to_datetime(df['order_date'])" }],
		},
	],
	(_run, task) => [
		{
			exc_type: 'airflow.exceptions.AirflowTaskTimeout',
			exc_value: 'Timeout, PID: 4711',
			syntax_error: null,
			is_cause: false,
			frames: [...TASK_FRAMES(task), { filename: '/home/airflow/.local/lib/python3.11/site-packages/airflow/utils/timeout.py', lineno: 69, name: 'handle_timeout', line: 'raise AirflowTaskTimeout(self.error_message)' }],
		},
	],
	(_run, task) => [
		{
			exc_type: 'MemoryError',
			exc_value: 'Unable to allocate 7.45 GiB for an array with shape (1000000000,) and data type int64',
			syntax_error: null,
			is_cause: false,
			frames: [...TASK_FRAMES(task)],
		},
	],
];

/** The classic Python traceback text of an error_detail, as Airflow 2 writes it to the log file. */
export function tracebackText(detail: ErrorDetail[]): string {
	const parts: string[] = [];
	for (const d of detail) {
		parts.push('Traceback (most recent call last):');
		for (const f of d.frames) {
			parts.push(`  File "${f.filename}", line ${f.lineno}, in ${f.name}`);
			if (f.line) parts.push(`    ${f.line}`);
		}
		parts.push(`${d.exc_type}: ${d.exc_value}`);
	}
	return parts.join('\n');
}

/** A log record as one Airflow 2 file-handler line. */
export function v1LogLine(rec: LogRecord, taskFile: string): string {
	const ts = new Date(rec.timestamp).toISOString().replace('T', ', ').replace('Z', '+0000').replace('.', ',');
	const line = `[${ts.slice(0, 23)}] {${taskFile}:${200 + (rec.timestamp % 700)}} ${rec.level.toUpperCase()} - ${rec.event}`;
	return rec.error_detail ? `${line}\n${tracebackText(rec.error_detail)}` : line;
}
