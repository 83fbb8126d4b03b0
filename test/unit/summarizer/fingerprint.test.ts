import { fingerprintOf, normaliseForFingerprint } from '../../../nodes/logic/summarizer/fingerprint';
import { preparePrompt } from '../../../nodes/logic/summarizer/summarize';
import type { FailureSignature } from '../../../nodes/logic/summarizer/types';

const signature = (message: string, location = 'etl.py:42 in load', type = 'psycopg2.errors.UndefinedTable'): FailureSignature => ({
	exceptionType: type,
	message,
	location,
	failureLine: `${type}: ${message}`,
});

describe('normalisation', () => {
	test.each([
		['uuid', 'run 3f2b1c9e-1a2b-4c3d-9e8f-0123456789ab failed', 'run <uuid> failed'],
		['timestamp', 'at 2024-05-01T02:00:03+09:00 and 2024-05-02 11:22:33', 'at <ts> and <ts>'],
		['numbers', 'Key (order_id)=(10023) already exists', 'Key (order_id)=(<n>) already exists'],
		['paths', "No such file: '/data/landing/2024-05-01/orders.csv'", "No such file: '<path>/orders.csv'"],
		['hex', 'object at 0x7f3a2b1c9d80 sha deadbeef42', 'object at <hex> sha <hex>'],
		['ip', 'connect ECONNREFUSED 10.0.0.5:5432', 'connect ECONNREFUSED <ip>'],
		['pod', 'Pod etl-load-a1b2c3d4 failed', 'Pod etl-load-<pod> failed'],
		['airflow run id', 'run scheduled__2024-04-30T17:00:00+00:00 failed', 'run <run> failed'],
	])('%s', (_kind, text, expected) => {
		expect(normaliseForFingerprint(text)).toBe(expected);
	});
});

describe('fingerprints', () => {
	test('the same failure in another run has the same fingerprint', () => {
		const a = fingerprintOf(signature('duplicate key (order_id)=(10023) at 2024-05-01T02:00:00Z', 'etl.py:42 in load'), { pipeline: 'p', taskId: 't' });
		const b = fingerprintOf(signature('duplicate key (order_id)=(99) at 2024-06-11T09:13:00Z', 'etl.py:57 in load'), { pipeline: 'p', taskId: 't' });
		expect(a).toBe(b);
		expect(a).toMatch(/^fp2:[0-9a-f]{24}$/);
	});

	test('another failure, location or task has another fingerprint', () => {
		const base = fingerprintOf(signature('relation "a" does not exist'), { pipeline: 'p', taskId: 't' });
		expect(fingerprintOf(signature('relation "b" does not exist'), { pipeline: 'p', taskId: 't' })).not.toBe(base);
		expect(fingerprintOf(signature('relation "a" does not exist', 'other.py:1 in run'), { pipeline: 'p', taskId: 't' })).not.toBe(base);
		expect(fingerprintOf(signature('relation "a" does not exist'), { pipeline: 'p', taskId: 'u' })).not.toBe(base);
		expect(fingerprintOf(signature('relation "a" does not exist', undefined, 'KeyError'), { pipeline: 'p', taskId: 't' })).not.toBe(base);
	});

	test('global scope ignores the pipeline', () => {
		const s = signature('relation "a" does not exist');
		expect(fingerprintOf(s, { pipeline: 'p' }, 'global')).toBe(fingerprintOf(s, { pipeline: 'q' }, 'global'));
	});

	test('two Airflow logs of the same failure on different days match end to end', () => {
		const log = (day: string, pid: number, rows: number): string =>
			[
				`[2024-05-${day}, 02:00:01 KST] {etl.py:31} INFO - Loading ${rows} rows (pid ${pid})`,
				`[2024-05-${day}, 02:00:02 KST] {taskinstance.py:2698} ERROR - Task failed with exception`,
				'Traceback (most recent call last):',
				`  File "/opt/airflow/dags/etl_orders.py", line ${40 + Number(day)}, in load`,
				'    conn.execute(sql)',
				`psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "orders_pkey" (id=${rows})`,
			].join('\n');
		const a = preparePrompt({ log: log('01', 123, 500), context: { pipeline: 'p', taskId: 't' }, language: 'en', model: null });
		const b = preparePrompt({ log: log('02', 456, 777), context: { pipeline: 'p', taskId: 't' }, language: 'en', model: null });
		expect(a.fingerprint).toBe(b.fingerprint);
	});
});

describe('Go panics: the location comes from the goroutine stack (two nil-pointer panics in different code are different failures)', () => {
	const panic = (func: string, file: string, line: number, addr: string) =>
		[
			'2026/11/30 03:00:02 worker: started',
			'panic: runtime error: invalid memory address or nil pointer dereference',
			`[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=${addr}]`,
			'',
			'goroutine 41 [running]:',
			`${func}(0x0, {0xc000412000, 0x3, 0x4})`,
			`\t${file}:${line} +0x41`,
			'exit status 2',
		].join('\n');
	const fp = (log: string) => preparePrompt({ log, context: { pipeline: 'p', taskId: 't' }, language: 'en', model: null }).fingerprint;

	it('differs between panics in different functions, and ignores addresses', () => {
		const a = fp(panic('main.(*Syncer).flush', '/src/ingest/sync.go', 88, '0x6d3f21'));
		const b = fp(panic('github.com/corp/x/sink.(*Writer).Flush', '/src/internal/sink/writer.go', 88, '0x8b1c2f'));
		expect(a).not.toBeNull();
		expect(a).not.toBe(b);
		expect(fp(panic('main.(*Syncer).flush', '/src/ingest/sync.go', 88, '0x7aaaaa'))).toBe(a);
	});
});
