/**
 * The failure-log corpus (test/fixtures/logs) and the deterministic 10 MB log, for the unit
 * tests, the benchmark and the demo.
 */
import fs from 'node:fs';
import path from 'node:path';
import { prng } from '../prng';

export type CorpusPart = 'training' | 'heldout' | 'blind';

export interface CorpusLog {
	file: string;
	source: string;
	/** substring of the line that says why the task failed (null for an empty or binary log) */
	failureLine: string;
	/** planted secrets that must never reach a model request */
	secrets: string[];
	/** ids, commit SHAs, UUIDs and content hashes that must stay readable */
	keep?: string[];
	category?: string;
	transient?: boolean;
	/** expected logState when it is not `ok` */
	logState?: 'empty' | 'binary';
	encoding?: string;
	/** training: used while writing rules; heldout: written first, never used to write rules (but seen once); blind: written after the rules, by someone else, never tuned on */
	part: CorpusPart;
	/** the raw bytes of the log */
	bytes: Buffer;
}

/** The project root (the folder with package.json), from source or from the compiled .build/ tree. */
export function projectRoot(from = __dirname): string {
	let dir = from;
	while (!fs.existsSync(path.join(dir, 'package.json')) || dir.endsWith('.build')) {
		const parent = path.dirname(dir);
		if (parent === dir) throw new Error(`no package.json above ${from}`);
		dir = parent;
	}
	return dir;
}

export function corpusDir(): string {
	return path.join(projectRoot(), 'test', 'fixtures', 'logs');
}

/**
 * Loads the labelled corpus: `training` (test/fixtures/logs, used while writing rules and by the
 * unit tests), `heldout` (test/fixtures/logs/heldout, only measured by the benchmark) or both.
 * Empty and binary logs (failureLine null) are left out unless `withUnreadable`.
 */
export function loadCorpus(part: CorpusPart | 'all' = 'training', withUnreadable = false): CorpusLog[] {
	const parts: CorpusPart[] = part === 'all' ? ['training', 'heldout', 'blind'] : [part];
	const out: CorpusLog[] = [];
	for (const p of parts) {
		const dir = p === 'training' ? corpusDir() : path.join(corpusDir(), p);
		const labels = JSON.parse(fs.readFileSync(path.join(dir, 'labels.json'), 'utf8')) as { logs: Array<Omit<CorpusLog, 'bytes' | 'part'>> };
		for (const label of labels.logs) {
			if (!withUnreadable && (label.failureLine === null || label.logState)) continue;
			out.push({ ...label, part: p, bytes: fs.readFileSync(path.join(dir, label.file)) });
		}
	}
	return out;
}

export interface LargeLog {
	text: string;
	failureLine: string;
	secrets: string[];
}

const CHATTER = [
	'Processed batch {n} of orders: {m} rows in {t} ms',
	'Fetched page {n} from https://api.partner.example/v2/orders (status 200, {m} items)',
	'Writing partition dt=2024-05-01/hour={h} to s3://corp-lake/raw/orders/',
	'WARNING - slow query ({t} ms): SELECT * FROM staging.orders WHERE id > {m}',
	'Retrying connection to replica-{h}.db.internal ({n}/5)',
	'주문 배치 {n} 처리 완료: {m}건, {t}ms 소요',
	'heartbeat ok, memory rss={m} KiB',
];

/**
 * A deterministic Airflow-style log of about `bytes` bytes: chatter with numbers, Korean lines,
 * a few planted secrets (some early, some next to the failure), and a traceback at the end.
 */
export function generateLargeLog(bytes = 10 * 1024 * 1024, seed = 20240501, failure: 'psycopg' | 'arrow' = 'psycopg'): LargeLog {
	const random = prng(seed);
	const int = (max: number): number => Math.floor(random() * max);
	const secrets = ['BigLogPw-early-0001', 'AKIAZZZZEXAMPLE00001', 'BigLogPw-late-0002', 'ghp_BIGLOGfake0123456789abcdefABCDEF0123'];
	const parts: string[] = [];
	let size = 0;
	let n = 0;
	const push = (line: string): void => {
		parts.push(line);
		size += Buffer.byteLength(line) + 1;
	};
	const stamp = (): string => `[2024-05-01, ${String(2 + Math.floor(n / 36000)).padStart(2, '0')}:${String(Math.floor(n / 600) % 60).padStart(2, '0')}:${String(Math.floor(n / 10) % 60).padStart(2, '0')} KST]`;
	push(`${stamp()} {taskinstance.py:1359} INFO - Starting attempt 1 of 3`);
	push(`${stamp()} {etl.py:12} INFO - connecting to postgresql://etl:${secrets[0]}@db-prod:5432/dw`);
	push(`${stamp()} {etl.py:13} DEBUG - aws_access_key_id=${secrets[1]}`);
	const tail = [
		`${stamp()} {etl.py:410} INFO - retry with password=${secrets[2]} and token ${secrets[3]}`,
		`${stamp()} {taskinstance.py:2698} ERROR - Task failed with exception`,
		'Traceback (most recent call last):',
		'  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/operators/python.py", line 216, in execute_callable',
		'    return self.python_callable(*self.op_args, **self.op_kwargs)',
		'  File "/opt/airflow/dags/big_orders.py", line 418, in load_batch',
		'    cur.execute(INSERT_SQL, batch)',
		...(failure === 'arrow'
			? ['  File "pyarrow/error.pxi", line 92, in pyarrow.lib.check_status', 'pyarrow.lib.ArrowInvalid: Float value 12.5 was truncated converting to int64']
			: ['psycopg2.errors.NumericValueOutOfRange: integer out of range', 'CONTEXT:  COPY orders, line 88123, column quantity: "99999999999"']),
		`${stamp()} {taskinstance.py:1398} INFO - Marking task as UP_FOR_RETRY. dag_id=big_orders, task_id=load_batch`,
		`${stamp()} {local_task_job_runner.py:228} INFO - Task exited with return code 1`,
	];
	const tailSize = tail.reduce((s, l) => s + Buffer.byteLength(l) + 1, 0);
	while (size + tailSize < bytes) {
		n++;
		const template = CHATTER[int(CHATTER.length)];
		const line = template.replace('{n}', String(n)).replace('{m}', String(int(100000))).replace('{t}', String(int(5000))).replace('{h}', String(int(24)));
		push(`${stamp()} {etl.py:${100 + int(300)}} INFO - ${line}`);
	}
	for (const line of tail) push(line);
	const failureLine = failure === 'arrow' ? 'pyarrow.lib.ArrowInvalid: Float value 12.5 was truncated converting to int64' : 'psycopg2.errors.NumericValueOutOfRange: integer out of range';
	return { text: parts.join('\n') + '\n', failureLine, secrets };
}
