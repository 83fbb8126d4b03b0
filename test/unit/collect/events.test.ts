import fs from 'node:fs';
import path from 'node:path';
import { checkAirflowCallback, eventFromAirflowCallback } from '../../../nodes/logic/events/airflowCallback';
import { eventKeyOf } from '../../../nodes/logic/events/eventKey';
import { checkN8nError, eventFromN8nError } from '../../../nodes/logic/events/n8nError';

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/callbacks', name), 'utf8')) as Record<string, unknown>;
const JSON_CT = { contentType: 'application/json; charset=utf-8' };
const problem = (body: unknown, options = JSON_CT) => {
	const r = checkAirflowCallback(body, options);
	if (r.ok) throw new Error('expected a problem');
	return r.problem;
};

describe('Airflow callback body', () => {
	it('turns the Airflow 2 example into a run item with event key, kind, message and log link', () => {
		const e = eventFromAirflowCallback(fixture('airflow2.json'), JSON_CT);
		expect(e).toMatchObject({
			source: 'airflow',
			pipeline: 'sales_daily_load',
			runId: 'scheduled__2026-11-21T15:00:00+00:00',
			taskId: 'load_orders',
			tryNumber: 2,
			state: 'failed',
			kind: 'failure',
			logicalDate: '2026-11-21T15:00:00.000Z',
			startedAt: '2026-11-22T15:05:01.123Z',
			runType: 'scheduled',
			eventKey: 'airflow|sales_daily_load|scheduled__2026-11-21T15:00:00+00:00|load_orders|2',
		});
		expect(e.durationSec).toBeCloseTo(161.531, 2);
		expect(e.message).toContain('UndefinedTable');
		expect(e.logUrl).toMatch(/^http:\/\/airflow\.example\.com:8080\/dags\/sales_daily_load\/grid\?dag_run_id=.*&task_id=load_orders&tab=logs$/);
		expect(e.url).toBe(e.logUrl);
	});

	it('keeps mapped task instances apart in the key (Airflow 3 example, map_index 3, no logical date)', () => {
		const e = eventFromAirflowCallback(fixture('airflow3.json'), JSON_CT);
		expect(e.eventKey).toBe('airflow|crm_sync|manual__2026-11-22T01:02:03.456789+00:00|extract.fetch_contacts[3]|1');
		expect(e.logicalDate).toBeNull();
		expect(e.endedAt).toBeNull();
		expect(e.durationSec).toBeNull();
	});

	it('gives the same key for the same delivery and different keys for different tries', () => {
		const a = eventFromAirflowCallback(fixture('airflow2.json'), JSON_CT);
		const b = eventFromAirflowCallback({ ...fixture('airflow2.json'), exception: 'other text' }, JSON_CT);
		const c = eventFromAirflowCallback({ ...fixture('airflow2.json'), try_number: 3 }, JSON_CT);
		expect(b.eventKey).toBe(a.eventKey);
		expect(c.eventKey).not.toBe(a.eventKey);
	});

	it('escapes the separator so two events never share a key', () => {
		expect(eventKeyOf({ source: 'airflow', pipeline: 'a', runId: 'r|x', taskId: 't', tryNumber: 1 })).not.toBe(
			eventKeyOf({ source: 'airflow', pipeline: 'a', runId: 'r', taskId: 'x|t', tryNumber: 1 }),
		);
		expect(eventKeyOf({ source: 'airflow', pipeline: 'a', runId: 'r|x' })).toBe('airflow|a|r%7Cx|-|-');
	});

	it.each([
		['missing dag_id', { run_id: 'r' }, 'dag_id', 'is missing'],
		['missing run_id', { dag_id: 'd' }, 'run_id', 'is missing'],
		['SQL in dag_id', { dag_id: "x'; DROP TABLE pipeline_monitor.events; --", run_id: 'r' }, 'dag_id', 'has characters Airflow never puts in an id'],
		['script in task_id', { dag_id: 'd', run_id: 'r', task_id: '<script>alert(1)</script>' }, 'task_id', 'has characters Airflow never puts in an id'],
		['long dag_id', { dag_id: 'd'.repeat(251), run_id: 'r' }, 'dag_id', 'is longer than 250 characters'],
		['try_number text', { dag_id: 'd', run_id: 'r', try_number: 'two' }, 'try_number', 'must be a whole number from 0 to 10000'],
		['naive date', { dag_id: 'd', run_id: 'r', start_date: '2026-11-22T10:00:00' }, 'start_date', 'has no time zone offset'],
		['bad date', { dag_id: 'd', run_id: 'r', end_date: 'yesterday+09:00' }, 'end_date', 'is not an ISO-8601 date-time'],
		['javascript link', { dag_id: 'd', run_id: 'r', log_url: 'javascript:alert(1)' }, 'log_url', 'has the scheme "javascript:"'],
		['unknown event', { dag_id: 'd', run_id: 'r', event: 'exploded' }, 'event', 'is not a known event kind'],
		['a list', [{ dag_id: 'd', run_id: 'r' }], 'body', 'must be one JSON object'],
		['empty', {}, 'body', 'is empty'],
		['not JSON text', '{"dag_id": ', 'body', 'is not valid JSON'],
		['long exception', { dag_id: 'd', run_id: 'r', exception: 'x'.repeat(65_537) }, 'exception', 'is longer than 65536 characters'],
	])('refuses %s, naming the field and the fix', (_name, body, field, text) => {
		const p = problem(body);
		expect(p.field).toBe(field);
		expect(p.problem).toBe(text);
		expect(p.hint.length).toBeGreaterThan(10);
	});

	it('refuses a wrong content type, and an oversized body', () => {
		expect(problem({ dag_id: 'd', run_id: 'r' }, { contentType: 'text/plain' })).toMatchObject({ field: 'content-type', problem: 'is not application/json' });
		expect(problem({ dag_id: 'd', run_id: 'r' }, { contentType: undefined } as never)).toMatchObject({ field: 'content-type' });
		const big = { dag_id: 'd', run_id: 'r', extra: 'x'.repeat(300_000) };
		expect(problem(big)).toMatchObject({ field: 'body', problem: 'is larger than 262144 bytes' });
		expect(checkAirflowCallback(big, { ...JSON_CT, maxBodyBytes: 400_000 }).ok).toBe(true);
	});

	it('keeps HTML, quotes and SQL in free text as text, and drops NUL (Postgres refuses it)', () => {
		const e = eventFromAirflowCallback({ dag_id: 'd', run_id: "r'; DROP TABLE x; --", exception: '<script>alert("x")</script>\u0000 \' OR 1=1', extra: { 'k\u0000': 'v\u0000' } }, JSON_CT);
		expect(e.message).toBe('<script>alert("x")</script> \' OR 1=1');
		expect(e.runId).toBe("r'; DROP TABLE x; --");
		expect(JSON.stringify(e.payload)).not.toContain('\\u0000');
	});

	it('follows state when no event is given: retry is a warning', () => {
		expect(eventFromAirflowCallback({ dag_id: 'd', run_id: 'r', state: 'up_for_retry' }, JSON_CT).kind).toBe('warning');
		expect(eventFromAirflowCallback({ dag_id: 'd', run_id: 'r', event: 'retry' }, JSON_CT).kind).toBe('warning');
		expect(eventFromAirflowCallback({ dag_id: 'd', run_id: 'r' }, JSON_CT)).toMatchObject({ kind: 'failure', state: 'failed' });
	});
});

describe('DAG-level callbacks (issue 13, item 9)', () => {
	const dagLevel = {
		source: 'airflow',
		event: 'failure',
		level: 'dag',
		dag_id: 'crm_sync',
		run_id: 'scheduled__2026-11-22T00:00:00+00:00',
		task_id: null,
		try_number: null,
		map_index: -1,
		state: 'failed',
		exception: 'task_failure',
		reason: 'task_failure',
		log_url: null,
		grid_url: 'https://airflow.example.com/dags/crm_sync/runs/scheduled__2026-11-22T00%3A00%3A00%2B00%3A00',
	};

	it('an Airflow 3.0 DAG-level payload (dag, run_id, reason only) is a run-level event linking the run', () => {
		const e = eventFromAirflowCallback(dagLevel, JSON_CT);
		expect(e).toMatchObject({
			pipeline: 'crm_sync',
			kind: 'failure',
			state: 'failed',
			message: 'task_failure',
			url: dagLevel.grid_url,
			eventKey: 'airflow|crm_sync|scheduled__2026-11-22T00:00:00+00:00|-|-',
		});
		expect(e.taskId).toBeUndefined();
		expect(e.tryNumber).toBeUndefined();
	});

	it('an Airflow 2 DAG-level payload carrying an arbitrary task of the run is still about the run', () => {
		const e = eventFromAirflowCallback({ ...dagLevel, task_id: 'notify', try_number: 1, map_index: 2, log_url: 'http://airflow.example.com/dags/crm_sync/grid?task_id=notify' }, JSON_CT);
		expect(e.taskId).toBeUndefined();
		expect(e.tryNumber).toBeUndefined();
		expect(e.eventKey).toBe('airflow|crm_sync|scheduled__2026-11-22T00:00:00+00:00|-|-');
		expect(e.url).toBe(dagLevel.grid_url);
		// without an exception the reason is the message
		expect(eventFromAirflowCallback({ ...dagLevel, exception: null, reason: 'timed_out' }, JSON_CT).message).toBe('timed_out');
	});

	it('an unknown level is refused, naming it and the two values', () => {
		expect(problem({ ...dagLevel, level: 'stage' })).toMatchObject({ field: 'level', problem: 'is not "task" or "dag"' });
		expect(problem({ ...dagLevel, level: 'stage' }).hint).toMatch(/DAG-level on_failure_callback/);
	});
});

describe('n8n Error Trigger item', () => {
	const item = {
		execution: {
			id: '231',
			url: 'http://localhost:5678/workflow/wf1/executions/231',
			retryOf: null,
			error: {
				message: 'The service was not able to process your request',
				description: 'Internal Server Error',
				stack: 'NodeApiError: The service was not able to process your request\n    at ExecuteContext.execute (HttpRequestV3.node.js:10:5)',
				node: { name: 'HTTP Request' },
			},
			lastNodeExecuted: 'HTTP Request',
			mode: 'webhook',
		},
		workflow: { id: 'wf1', name: 'Sync <CRM>' },
	};

	it('reads workflow, execution, failed node, message and stack', () => {
		const e = eventFromN8nError(item);
		expect(e).toMatchObject({
			source: 'n8n',
			pipeline: 'Sync <CRM>',
			runId: '231',
			taskId: 'HTTP Request',
			tryNumber: 1,
			state: 'error',
			kind: 'failure',
			url: 'http://localhost:5678/workflow/wf1/executions/231',
			logUrl: 'http://localhost:5678/workflow/wf1/executions/231',
			eventKey: 'n8n|wf1|231|HTTP Request|1',
			runType: 'webhook',
		});
		expect(e.message).toBe('The service was not able to process your request\nInternal Server Error');
		expect(e.log).toContain('at ExecuteContext.execute');
	});

	it('handles a trigger error (no execution yet) and refuses what is not an Error Trigger item', () => {
		const e = eventFromN8nError({ trigger: { error: { message: 'Connection refused', timestamp: 1763700000000 }, mode: 'trigger' }, workflow: { id: 'wf2', name: 'Poller' } });
		expect(e.runId).toBe('trigger:1763700000000');
		expect(e.url).toBe('');
		const r = checkN8nError({ body: {} });
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.problem.field).toBe('workflow');
	});
});
