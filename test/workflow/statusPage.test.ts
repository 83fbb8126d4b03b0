import { harnessAvailable, runWorkflow } from './harness';
import type { WorkflowJson } from './harness';

const BASE = ['ManualTrigger/ManualTrigger', 'Set/Set'];
const available = harnessAvailable();
if (!available) console.warn('[workflow tier] skipped: run `npm test` (it installs n8n and builds dist/ first)');
const maybe = available ? describe : describe.skip;

const PIPELINES = [{ pipeline: 'crm_sync', service: 'airflow', schedule: '0 * * * *', timezone: 'Asia/Seoul', light: 'red', reasons: [{ code: 'latest_failed', light: 'red', text: '<b>3 failures in a row</b>' }], url: 'javascript:alert(1)' }];
const EVENTS = [{ id: '1', kind: 'failure', pipeline: 'crm_sync', at: '2026-11-22T00:00:00Z', message: '<script>x</script>', logUrl: 'https://airflow.local/log' }];

function workflow(query: Record<string, unknown>): WorkflowJson {
	return {
		name: 'status page in-process',
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
			{ name: 'Request', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ query }) } },
			{ name: 'Read request', type: 'n8n-nodes-pipeline-monitor.statusPage', typeVersion: 1, parameters: { operation: 'readRequest', query: '={{ $json.query }}', language: 'ko', timezone: 'Asia/Seoul', options: { pageSize: 10 } } },
			{
				name: 'Render page',
				type: 'n8n-nodes-pipeline-monitor.statusPage',
				typeVersion: 1,
				parameters: {
					operation: 'renderPage',
					request: "={{ $('Read request').first().json }}",
					pipelines: JSON.stringify(PIPELINES),
					eventCounts: JSON.stringify([{ kind: 'failure', n: '1' }]),
					events: JSON.stringify(EVENTS),
					rowCounts: '[]',
				},
			},
		],
		connections: {
			Start: { main: [[{ node: 'Request', type: 'main', index: 0 }]] },
			Request: { main: [[{ node: 'Read request', type: 'main', index: 0 }]] },
			'Read request': { main: [[{ node: 'Render page', type: 'main', index: 0 }], []] },
		},
	};
}

maybe('Pipeline Status Page in-process workflow (n8n-core WorkflowExecute)', () => {
	it('reads a valid request on output 1 and renders an escaped page', async () => {
		const result = await runWorkflow(workflow({ lang: 'en', tab: 'failure' }), BASE);
		const [request] = result.output('Read request');
		expect(request).toMatchObject({ lang: 'en', tab: 'failure', pageSize: 10, timezone: 'Asia/Seoul' });
		expect(result.output('Read request', 1)).toEqual([]);
		const [page] = result.output('Render page');
		expect(page.statusCode).toBe(200);
		const html = page.html as string;
		expect(html).toContain('<html lang="en">');
		expect(html).toContain('&lt;b&gt;3 failures in a row&lt;/b&gt;'); // a stored text in the page's language, escaped
		expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
		expect(html).not.toMatch(/<script|href="javascript/i);
		expect(html).toContain('href="https://airflow.local/log"');
	});

	it('sends a bad request to output 2 as a 400 page, and renders nothing', async () => {
		const result = await runWorkflow(workflow({ page: '-3' }), BASE);
		expect(result.output('Read request')).toEqual([]);
		const [bad] = result.output('Read request', 1);
		expect(bad.statusCode).toBe(400);
		expect(bad.html).toContain('잘못된 요청 (400)');
		expect(bad.problems).toEqual([expect.objectContaining({ parameter: 'page', value: '-3' })]);
		expect(() => result.output('Render page')).toThrow(/did not run/);
	});

	it('a miswired Request parameter fails the node with the field named', async () => {
		const wf = workflow({});
		wf.nodes[3].parameters.request = '{"lang":"fr"}';
		const result = await runWorkflow(wf, BASE);
		expect(result.error('Render page')?.message).toMatch(/Request\.lang is not ko or en: "fr"/);
	});

	function historyWorkflow(parameters: Record<string, unknown>): WorkflowJson {
		return {
			name: 'history days in-process',
			nodes: [
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
				{ name: 'Build history days', type: 'n8n-nodes-pipeline-monitor.statusPage', typeVersion: 1, parameters: { operation: 'buildHistory', historyTimezone: 'Asia/Seoul', historyDays: 14, ...parameters } },
			],
			connections: { Start: { main: [[{ node: 'Build history days', type: 'main', index: 0 }]] } },
		};
	}

	it('Build History Days: 14 days for a new pipeline, 2 for a stored one; a run at 23:30 UTC counts for the next Seoul day', async () => {
		const yesterdayUtc = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
		const result = await runWorkflow(
			historyWorkflow({
				historyPipelines: JSON.stringify([
					{ pipeline: 'new_dag', backfill: true, events: [], evaluations: [] },
					{ pipeline: 'old_dag', backfill: false, events: JSON.stringify([{ kind: 'failure', source: 'n8n', at: new Date().toISOString() }]), evaluations: [] },
				]),
				historyRuns: JSON.stringify([{ pipeline: 'new_dag', runId: 'r', state: 'failed', startedAt: `${yesterdayUtc}T23:30:00Z` }]),
			}),
			BASE,
		);
		const days = result.output('Build history days');
		expect(days.filter((d) => d.pipeline === 'new_dag')).toHaveLength(14);
		expect(days.filter((d) => d.pipeline === 'old_dag')).toHaveLength(2);
		// 23:30 UTC is 08:30 the next day in Seoul: that day's row is red, not the UTC date's
		const seoulDay = new Date(Date.parse(`${yesterdayUtc}T23:30:00Z`) + 9 * 3_600_000).toISOString().slice(0, 10);
		expect(seoulDay).not.toBe(yesterdayUtc);
		const red = days.filter((d) => d.pipeline === 'new_dag' && d.light === 'red');
		expect(red).toHaveLength(1);
		expect(red[0]).toMatchObject({ day: seoulDay, runs: 1, failed: 1, source: 'airflow', timezone: 'Asia/Seoul' });
		expect(days.find((d) => d.pipeline === 'old_dag' && d.light === 'red')).toMatchObject({ failures: 1, source: 'n8n' });
	});

	it('Build History Days: a bad zone or day count fails with the value named', async () => {
		const zone = await runWorkflow(historyWorkflow({ historyPipelines: '[]', historyRuns: '[]', historyTimezone: 'Mars/Olympus' }), BASE);
		expect(zone.error('Build history days')?.message).toMatch(/Mars\/Olympus/);
		const count = await runWorkflow(historyWorkflow({ historyPipelines: '[]', historyRuns: '[]', historyDays: 0 }), BASE);
		expect(count.error('Build history days')?.message).toMatch(/Days must be a whole number from 1 to 92: 0/);
	});
});
