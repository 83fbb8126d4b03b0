import fs from 'node:fs';
import path from 'node:path';
import { harnessAvailable, runWorkflow } from './harness';
import type { WorkflowJson } from './harness';

const BASE = ['ManualTrigger/ManualTrigger', 'Set/Set'];
const available = harnessAvailable();
if (!available) console.warn('[workflow tier] skipped: run `npm test` (it installs n8n and builds dist/ first)');
const maybe = available ? describe : describe.skip;

const logOf = (file: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'logs', file), 'utf8');

/** Manual Trigger -> Set (failed task items) -> Log Summarizer. */
function workflow(items: object[], summarizer: Record<string, unknown>): WorkflowJson {
	return {
		name: 'Log Summarizer tier 2',
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
			{ name: 'Failed tasks', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ tasks: items }), options: {} } },
			{ name: 'Split', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'tasks', options: {} } },
			{ name: 'Log Summarizer', type: 'n8n-nodes-pipeline-monitor.logSummarizer', typeVersion: 1, parameters: summarizer },
		],
		connections: {
			Start: { main: [[{ node: 'Failed tasks', type: 'main', index: 0 }]] },
			'Failed tasks': { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
			Split: { main: [[{ node: 'Log Summarizer', type: 'main', index: 0 }]] },
		},
	};
}

const tasks = [
	{ pipeline: 'daily_sales', taskId: 'load_orders', tryNumber: 1, log: logOf('airflow_postgres_undefined_table.log') },
	{ pipeline: 'warehouse_sync', taskId: 'copy_events', tryNumber: 2, log: logOf('secrets_everywhere.log') },
	{ pipeline: 'crm_sync', taskId: 'extract', tryNumber: 1 },
];

maybe('Log Summarizer in-process workflow (n8n-core WorkflowExecute)', () => {
	it('Prepare Only: one redacted, fingerprinted, rule-based summary per failed task', async () => {
		const result = await runWorkflow(workflow(tasks, { operation: 'prepare', logSource: 'field', logField: 'log', outputLanguage: 'en', options: {} }), [...BASE, 'Transform/SplitOut/SplitOut']);
		const out = result.output('Log Summarizer');
		expect(out).toHaveLength(3);
		expect(out[0]).toMatchObject({ pipeline: 'daily_sales', category: 'dependency', summarizedBy: 'heuristic', redactions: { urlPassword: 1 } });
		expect(out[1]).toMatchObject({ pipeline: 'warehouse_sync', summarizedBy: 'heuristic' });
		expect(out[2]).toMatchObject({ pipeline: 'crm_sync', category: 'unknown', confidence: 0 });
		expect(String(out[2].summary)).toContain('the item has no field "log"');
		const text = JSON.stringify(out);
		for (const secret of ['EtlPw2024x', 'Pa55w0rd-snowflake', 'sk-proj-FAKEfake0123456789abcdefghijklmn']) expect(text).not.toContain(secret);
	});

	it('Summarize with the model turned off answers in Korean, without credentials', async () => {
		const params = { operation: 'summarize', logSource: 'field', logField: 'log', model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, outputLanguage: 'ko', options: { useModel: false } };
		const out = (await runWorkflow(workflow(tasks.slice(0, 1), params), [...BASE, 'Transform/SplitOut/SplitOut'])).output('Log Summarizer');
		expect(out[0]).toMatchObject({ summarizedBy: 'heuristic', fallbackReason: 'the model is turned off' });
		expect(String(out[0].summary)).toMatch(/^daily_sales의 load_orders 태스크가 실패했습니다/);
	});

	it('an absurd token budget stops the node with the field named', async () => {
		const params = { operation: 'prepare', logSource: 'field', logField: 'log', outputLanguage: 'en', options: { tokenBudget: 100 } };
		const result = await runWorkflow(workflow(tasks.slice(0, 1), params), [...BASE, 'Transform/SplitOut/SplitOut']);
		expect(result.error('Log Summarizer')?.message).toMatch(/tokenBudget is not a whole number from 600 to 200000: 100/);
	});
});
