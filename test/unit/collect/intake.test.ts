/**
 * Issue 16: the collector's intake checks, free of n8n: raw body size and depth before parsing,
 * look-alike ids, constant-time secrets with a per-client failure delay, repeats in memory.
 */
import { checkAirflowCallback } from '../../../nodes/logic/events/airflowCallback';
import { alertKeyOf, checkN8nError, errorShapeOf } from '../../../nodes/logic/events/n8nError';
import { jsonDepth, readJsonBody, valueDeeperThan } from '../../../nodes/logic/events/rawBody';
import { RecentKeys } from '../../../nodes/logic/events/recentKeys';
import { isSingleScriptOrAllowedMix, scriptMixOf } from '../../../nodes/logic/events/scripts';
import { basicAuthMatches, basicAuthOf, FailureBackoff, secretsEqual, SharedRead } from '../../../nodes/logic/shared/auth';
import { resolveWebhookDescriptionField, webhookDescriptionIsNativelyResolvable } from 'n8n-workflow';
import { PipelineWebhook } from '../../../nodes/PipelineWebhook/PipelineWebhook.node';

const NO_CT = { checkContentType: false };
const bomb = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const bytes = (text: string) => new TextEncoder().encode(text);

describe('raw body: size and depth before parsing', () => {
	it('counts depth without recursion, skipping brackets inside strings, and stops past the limit', () => {
		expect(jsonDepth('{"a": [1, {"b": "[[[[{{{"}]}')).toBe(3);
		expect(jsonDepth('"\\"[["')).toBe(0);
		expect(jsonDepth(bomb(1_000_000), 32)).toBe(33);
	});

	it('refuses a body over the limit with 413, a deep one with 400, before JSON.parse', () => {
		const parse = jest.spyOn(JSON, 'parse');
		try {
			expect(readJsonBody(new Uint8Array(300_000), 262_144)).toMatchObject({ ok: false, status: 413, field: 'body', problem: 'is larger than 262144 bytes' });
			expect(readJsonBody(bytes(`{"dag_id": ${bomb(100_000)}}`), 262_144)).toMatchObject({ ok: false, status: 400, problem: 'is nested deeper than 32 levels' });
			expect(parse).not.toHaveBeenCalled();
		} finally {
			parse.mockRestore();
		}
		expect(readJsonBody(bytes('{"dag_id": '), 1000)).toMatchObject({ ok: false, status: 400, problem: 'is not valid JSON' });
		expect(readJsonBody(new Uint8Array([0x7b, 0xff, 0x7d]), 1000)).toMatchObject({ ok: false, status: 400, problem: 'is not valid UTF-8' });
		expect(readJsonBody(bytes('\ufeff{"a": 1}'), 1000)).toEqual({ ok: true, value: { a: 1 }, bytes: 11 });
	});

	it('checks an already parsed value breadth-first (no call stack to exceed)', () => {
		const deep = JSON.parse(bomb(200_000)) as unknown;
		expect(valueDeeperThan(deep, 32)).toBe(true);
		expect(valueDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
		expect(valueDeeperThan({ a: [{ b: {} }] }, 3)).toBe(true);
		const result = checkAirflowCallback({ dag_id: 'etl', run_id: 'r', deep }, NO_CT);
		expect(result).toMatchObject({ ok: false, problem: { field: 'body', problem: 'is nested deeper than 32 levels', status: 400 } });
	});

	it('answers 413 for a parsed body over the limit', () => {
		expect(checkAirflowCallback({ dag_id: 'etl', run_id: 'r', pad: 'x'.repeat(2000) }, { ...NO_CT, maxBodyBytes: 1024 })).toMatchObject({ ok: false, problem: { status: 413 } });
	});
});

describe('look-alike ids', () => {
	it('refuses a Cyrillic "е" in a Latin id and names the letter and its code point', () => {
		const result = checkAirflowCallback({ dag_id: '\u0435tl', run_id: 'r' }, NO_CT);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.problem).toMatchObject({ field: 'dag_id', value: '"\u0435tl"', status: 400 });
		expect(result.problem.problem).toContain('U+0435');
		expect(result.problem.problem).toContain('Cyrillic');
		const task = checkAirflowCallback({ dag_id: 'etl', run_id: 'r', task_id: 'l\u03bfad' }, NO_CT);
		expect(task).toMatchObject({ ok: false, problem: { field: 'task_id' } });
	});

	it('accepts one script, and Latin with Hangul/Han or Japanese, as real names have', () => {
		for (const id of ['etl_daily', 'загрузка', '매출_daily', '売上_daily_バッチ', 'σύνοψη', 'etl.v2-3']) {
			expect(isSingleScriptOrAllowedMix(scriptMixOf(id))).toBe(true);
			expect(checkAirflowCallback({ dag_id: id, run_id: 'r' }, NO_CT).ok).toBe(true);
		}
		expect(isSingleScriptOrAllowedMix(scriptMixOf('pаypal'))).toBe(false);
	});

	it('normalises ids to NFC, so a decomposed and a composed "é" are one event', () => {
		const composed = checkAirflowCallback({ dag_id: 'caf\u00e9', run_id: 'r\u00e9' }, NO_CT);
		const decomposed = checkAirflowCallback({ dag_id: 'cafe\u0301', run_id: 're\u0301' }, NO_CT);
		expect(composed.ok && decomposed.ok).toBe(true);
		if (!composed.ok || !decomposed.ok) return;
		expect(decomposed.event.eventKey).toBe(composed.event.eventKey);
		expect(decomposed.event.pipeline).toBe('caf\u00e9');
	});
});

describe('the webhook found without an expression isolate', () => {
	it("declares path and method so that n8n's own resolver reads them from the parameters, as for its Webhook node", () => {
		const [hook] = new PipelineWebhook().description.webhooks!;
		expect(webhookDescriptionIsNativelyResolvable(hook)).toBe(true);
		const node = { parameters: { httpMethod: 'POST', path: 'pipeline-monitor/airflow-callback', authentication: 'headerAuth', options: { binaryData: true } } };
		expect(resolveWebhookDescriptionField(node, hook, 'path')).toEqual({ resolved: true, value: 'pipeline-monitor/airflow-callback' });
		expect(resolveWebhookDescriptionField(node, hook, 'httpMethod')).toEqual({ resolved: true, value: 'POST' });
		// a parameter the user made an expression still goes to n8n's engine, as the template says
		expect(resolveWebhookDescriptionField({ parameters: { ...node.parameters, path: '={{ "x" }}' } }, hook, 'path')).toEqual({ resolved: false });
		expect(hook.path).toBe('={{$parameter["path"]}}');
		expect(hook.httpMethod).toBe('={{$parameter["httpMethod"]}}');
	});
});

describe('secrets and the failure delay', () => {
	it('reads a credential once for the requests that arrive together, again after the TTL, on demand, and after a failed read', async () => {
		const cache = new SharedRead<string>(5_000);
		let reads = 0;
		let secret = 'old';
		const read = async () => {
			reads++;
			return secret;
		};
		const burst = await Promise.all(Array.from({ length: 200 }, () => cache.get('httpHeaderAuth:1', read, { now: 1_000 })));
		expect(new Set(burst)).toEqual(new Set(['old']));
		expect(reads).toBe(1);
		secret = 'new';
		expect(await cache.get('httpHeaderAuth:1', read, { now: 5_999 })).toBe('old');
		expect(await cache.get('httpHeaderAuth:1', read, { now: 5_999, fresh: true })).toBe('new');
		expect(await cache.get('httpHeaderAuth:1', read, { now: 6_000 })).toBe('new');
		expect(reads).toBe(2);
		expect(await cache.get('httpHeaderAuth:1', read, { now: 11_000 })).toBe('new');
		expect(reads).toBe(3);
		expect(await cache.get('httpHeaderAuth:2', read, { now: 11_000 })).toBe('new');
		expect(reads).toBe(4);
		// a failed read (the database away) is not kept: the next request reads again
		await expect(cache.get('k', () => Promise.reject(new Error('db down')), { now: 20_000 })).rejects.toThrow('db down');
		await new Promise((resolve) => setImmediate(resolve));
		expect(await cache.get('k', read, { now: 20_001 })).toBe('new');
	});

	it('compares secrets of any length through equal-length digests', () => {
		expect(secretsEqual('s3cret-token', 's3cret-token')).toBe(true);
		expect(secretsEqual('s3cret-toke', 's3cret-token')).toBe(false);
		expect(secretsEqual('', 's3cret-token')).toBe(false);
		expect(secretsEqual(null, '')).toBe(false);
		expect(secretsEqual('x'.repeat(10_000), 's3cret-token')).toBe(false);
	});

	it('reads basic auth and checks user and password', () => {
		const header = `Basic ${Buffer.from('monitor:pa:ss').toString('base64')}`;
		expect(basicAuthOf(header)).toEqual({ user: 'monitor', password: 'pa:ss' });
		expect(basicAuthMatches(header, 'monitor', 'pa:ss')).toBe(true);
		expect(basicAuthMatches(header, 'monitor', 'pa:sS')).toBe(false);
		expect(basicAuthMatches(header, 'Monitor', 'pa:ss')).toBe(false);
		expect(basicAuthMatches('Bearer x', 'monitor', 'pa:ss')).toBe(false);
		expect(basicAuthMatches(null, 'monitor', 'pa:ss')).toBe(false);
	});

	it('lets 5 failures pass, then makes the client wait 2 s, 4 s, 8 s … up to 5 min; other clients and a success are not affected', () => {
		const backoff = new FailureBackoff();
		const t = 1_000_000;
		for (let i = 0; i < 5; i++) expect(backoff.fail('a', t)).toBe(0);
		expect(backoff.waitSeconds('a', t)).toBe(0);
		expect(backoff.fail('a', t)).toBe(2);
		expect(backoff.waitSeconds('a', t + 1000)).toBe(1);
		expect(backoff.waitSeconds('a', t + 2000)).toBe(0);
		expect(backoff.fail('a', t + 2000)).toBe(4);
		expect(backoff.fail('a', t + 6000)).toBe(8);
		for (let i = 0; i < 30; i++) backoff.fail('a', t);
		expect(backoff.waitSeconds('a', t)).toBe(300);
		expect(backoff.waitSeconds('b', t)).toBe(0);
		backoff.succeed('a');
		expect(backoff.waitSeconds('a', t)).toBe(0);
	});

	it('remembers a bounded number of clients', () => {
		const backoff = new FailureBackoff({ freeFailures: 0, baseMs: 1000, maxMs: 1000, maxClients: 100 });
		for (let i = 0; i < 1000; i++) backoff.fail(`c${i}`, 0);
		expect(backoff.size).toBe(100);
		expect(backoff.waitSeconds('c999', 0)).toBe(1);
		expect(backoff.waitSeconds('c0', 0)).toBe(0);
	});
});

describe('repeats in memory', () => {
	it('takes a key in once within the window, bounded', () => {
		const keys = new RecentKeys(60_000, 3);
		expect(keys.repeat('k', 0)).toBe(false);
		expect(keys.repeat('k', 59_999)).toBe(true);
		expect(keys.repeat('k', 60_000)).toBe(false);
		for (const k of ['a', 'b', 'c']) keys.repeat(k, 60_001);
		expect(keys.repeat('k', 60_002)).toBe(false);
	});
});

describe('n8n errors: one alert key for repeats of one failure', () => {
	it('ignores numbers, ids, quoted values and links, and keeps workflow, node and the error words apart', () => {
		const a = alertKeyOf('wf1', 'Load', 'relation "pipeline_monitor.summaries" does not exist (execution 1234, id 9f8e7d6c5b4a)');
		const b = alertKeyOf('wf1', 'Load', 'relation "pipeline_monitor.other" does not exist (execution 99, id 0a1b2c3d4e5f)');
		expect(a).toBe(b);
		expect(a).toMatch(/^n8n\|wf1\|Load\|[0-9a-f]{16}$/);
		expect(alertKeyOf('wf1', 'Store', 'relation "x" does not exist')).not.toBe(alertKeyOf('wf1', 'Load', 'relation "x" does not exist'));
		expect(alertKeyOf('wf2', 'Load', 'relation "x" does not exist')).not.toBe(alertKeyOf('wf1', 'Load', 'relation "x" does not exist'));
		expect(alertKeyOf('wf1', 'Load', 'connection refused')).not.toBe(alertKeyOf('wf1', 'Load', 'timeout'));
		expect(errorShapeOf('Request to https://api.example.com/v1/x?id=5 failed after 3 tries')).toBe('request to <url> failed after <n> tries');
	});

	it('puts the key on the event of an Error Trigger item', () => {
		const result = checkN8nError({ workflow: { id: 'wfA', name: 'Sales' }, execution: { id: '77', lastNodeExecuted: 'Load', error: { message: 'timeout after 30000 ms' } } });
		expect(result.ok && result.event.alertKey).toBe(alertKeyOf('wfA', 'Load', 'timeout after 30000 ms'));
	});
});
