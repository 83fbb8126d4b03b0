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

function fake(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		const child = spawn('python3', [FAKE, CALLBACK, ...args]);
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
});
