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
});
