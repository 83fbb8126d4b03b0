/**
 * workflows/airflow_callback.py, run by python3 against Airflow-shaped contexts
 * (test/fixtures/callbacks/fake_airflow.py; Airflow itself cannot be installed here): the body it
 * builds is what the collector accepts, it sends the token, retries a busy collector and gives up
 * quietly (exit 0, no exception) when the collector is down.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { eventFromAirflowCallback } from '../../../nodes/logic/events/airflowCallback';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CALLBACK = path.join(ROOT, 'workflows', 'airflow_callback.py');
const FAKE = path.join(ROOT, 'test', 'fixtures', 'callbacks', 'fake_airflow.py');
const hasPython = spawnSync('python3', ['--version']).status === 0;
const maybe = hasPython ? describe : describe.skip;
if (!hasPython) console.warn('[callback] python3 not found: the Python callback checks are skipped');

function fake(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		const child = spawn('python3', [FAKE, CALLBACK, ...args], { env: { ...process.env, PIPELINE_MONITOR_AIRFLOW_UI_URL: '', ...env } });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		child.once('exit', (code) => resolve({ code, stdout, stderr }));
	});
}

maybe('the Airflow callback (workflows/airflow_callback.py)', () => {
	it.each(['airflow2', 'airflow3'])('%s: builds the fixture body, which the collector accepts', async (version) => {
		const run = await fake(['payload', version]);
		expect(run.code).toBe(0);
		const body = JSON.parse(run.stdout);
		expect(body).toEqual(JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'callbacks', `${version}.json`), 'utf8')));
		const event = eventFromAirflowCallback(body, { contentType: 'application/json' });
		expect(event).toMatchObject({ source: 'airflow', kind: 'failure', pipeline: body.dag_id, runId: body.run_id, taskId: body.task_id });
	});

	it('sends the token, retries a busy collector and stops at its answer', async () => {
		const seen: Array<{ token: unknown; type: unknown }> = [];
		const server = http.createServer((req, res) => {
			seen.push({ token: req.headers['x-pipeline-monitor-token'], type: req.headers['content-type'] });
			req.resume();
			req.on('end', () => (seen.length < 3 ? res.writeHead(503).end('busy') : res.writeHead(202, { 'content-type': 'application/json' }).end('{"stored":true}')));
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		try {
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/pipeline-monitor/airflow-callback`;
			const run = await fake(['post', 'airflow2', url, 's3cret-token', '2', '4']);
			expect(run.code).toBe(0);
			expect(JSON.parse(run.stdout)).toMatchObject({ sent: true });
			expect(seen).toHaveLength(3);
			for (const s of seen) expect(s).toEqual({ token: 's3cret-token', type: expect.stringMatching(/^application\/json/) });
		} finally {
			server.close();
		}
	}, 30_000);

	it('never raises when the collector is down: reports not sent, in bounded time', async () => {
		const run = await fake(['post', 'airflow3', 'http://127.0.0.1:9/webhook/x', '-', '1', '2']);
		expect(run.code).toBe(0);
		const out = JSON.parse(run.stdout);
		expect(out.sent).toBe(false);
		expect(out.seconds).toBeLessThan(20);
	}, 40_000);

	describe('issue 13 (items 7-11)', () => {
		const payload = async (variant: string, env: Record<string, string> = {}): Promise<Record<string, unknown>> => {
			const run = await fake(['payload', variant], env);
			expect(run.code).toBe(0);
			return JSON.parse(run.stdout) as Record<string, unknown>;
		};

		it('item 7: Airflow 2.9 reports the try that ran, not try_number + 1', async () => {
			expect(await payload('airflow2.9')).toMatchObject({ airflow_version: '2.9.3', try_number: 2 });
			expect(await payload('airflow2')).toMatchObject({ airflow_version: '2.10.5', try_number: 2 });
		});

		it('item 8: links are built from the configured UI URL and the ids, never from a broken log_url or localhost', async () => {
			const configured = await payload('airflow3.0.3', { PIPELINE_MONITOR_AIRFLOW_UI_URL: 'https://airflow.example.com/' });
			expect(configured.log_url).toBe('https://airflow.example.com/dags/crm_sync/runs/scheduled__2026-11-22T00%3A00%3A00%2B00%3A00/tasks/fetch_contacts?try_number=1');
			expect(configured.grid_url).toBe('https://airflow.example.com/dags/crm_sync/runs/scheduled__2026-11-22T00%3A00%3A00%2B00%3A00');
			// [api] base_url left at localhost:8080 and no setting: no link rather than a wrong one
			expect(await payload('airflow3.0.3')).toMatchObject({ log_url: null, grid_url: null });
			expect(await payload('airflow2.9')).toMatchObject({ log_url: null, grid_url: null });
		});

		it('item 9: DAG-level callbacks (Airflow 3.0: dag, run_id, reason; Airflow 2: an arbitrary task) are run-level events the collector accepts', async () => {
			for (const variant of ['dag3.0', 'dag2']) {
				const body = await payload(variant);
				expect(body).toMatchObject({ level: 'dag', task_id: null, try_number: null, reason: 'task_failure', state: 'failed' });
				const event = eventFromAirflowCallback(body, { contentType: 'application/json' });
				expect(event.taskId).toBeUndefined();
				expect(event.eventKey).toMatch(/\|-\|-$/);
				expect(event.url).toMatch(/^https?:\/\/airflow\.example\.com(:8080)?\/dags\//);
			}
		});

		it('item 10: on Airflow 3 duration comes from start and end, operator from the task ("@task"), not the class name', async () => {
			expect(await payload('airflow3.0.3')).toMatchObject({ duration: 90.5, operator: '@task' });
		});

		it('item 11: 307/308 are followed with the POST body; 301 is refused, not turned into a GET', async () => {
			const seen: Array<{ method: string; url: string; body: string; token: unknown }> = [];
			const server = http.createServer((req, res) => {
				let body = '';
				req.on('data', (d: Buffer) => (body += d.toString()));
				req.on('end', () => {
					seen.push({ method: req.method ?? '', url: req.url ?? '', body, token: req.headers['x-pipeline-monitor-token'] });
					const m = /^\/(30[178])$/.exec(req.url ?? '');
					if (m) res.writeHead(Number(m[1]), { location: '/final' }).end();
					else res.writeHead(req.method === 'POST' ? 202 : 200, { 'content-type': 'application/json' }).end('{}');
				});
			});
			await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
			const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			try {
				for (const code of ['307', '308']) {
					seen.length = 0;
					const run = await fake(['post', 'airflow2', `${base}/${code}`, 'tok', '2', '0']);
					expect(JSON.parse(run.stdout)).toMatchObject({ sent: true });
					expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([`POST /${code}`, 'POST /final']);
					expect(JSON.parse(seen[1].body)).toMatchObject({ dag_id: 'sales_daily_load', task_id: 'load_orders' });
					expect(seen[1].token).toBe('tok');
				}
				seen.length = 0;
				const moved = await fake(['post', 'airflow2', `${base}/301`, 'tok', '2', '2']);
				expect(JSON.parse(moved.stdout)).toMatchObject({ sent: false });
				expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /301']);
				expect(moved.stderr).toMatch(/HTTP 301 to .*\/final.*POST into a GET.*PIPELINE_MONITOR_CALLBACK_URL/s);
			} finally {
				server.close();
			}
		}, 30_000);

		it('item 11: the whole delivery, DNS lookup included, stays within the time budget', async () => {
			const run = await fake(['post', 'airflow2', 'http://localhost:9/webhook/x', '-', '5', '3', '2'], { FAKE_SLOW_DNS: '30' });
			expect(run.code).toBe(0);
			const out = JSON.parse(run.stdout);
			expect(out.sent).toBe(false);
			expect(out.seconds).toBeLessThan(3.5);
			expect(run.stderr).toMatch(/within the 2 s time budget \(DNS lookup included\)/);
		}, 40_000);

		it('a context with no task, DAG or run is not sent; the log names what is missing and the fix', async () => {
			let hits = 0;
			const server = http.createServer((req, res) => {
				hits++;
				req.resume();
				res.writeHead(400).end('{}');
			});
			await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
			try {
				const run = await fake(['post', 'empty', `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`, '-', '2', '0']);
				expect(JSON.parse(run.stdout)).toMatchObject({ sent: false });
				expect(hits).toBe(0);
				expect(run.stderr).toMatch(/no dag_id and no run_id .*attach pipeline_monitor_failure_callback as on_failure_callback/);
			} finally {
				server.close();
			}
		}, 30_000);
	});
});
