/**
 * Static checks of the shipped workflow files: what n8n needs to import them, the credential
 * ids the README documents, node types that exist in this package, and SQL that takes values
 * only as query parameters.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DIR = path.join(ROOT, 'workflows');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

interface WfNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}
interface Workflow {
	id: string;
	name: string;
	active: boolean;
	nodes: WfNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
}

const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));
const workflows: Array<[string, Workflow]> = files.map((f) => [f, JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8'))]);

const CREDENTIALS: Record<string, [string, string]> = {
	pmMonitorPg00001: ['postgres', 'Pipeline Monitor DB'],
	pmAirflowApi0001: ['airflowApi', 'Airflow'],
	pmTeamsWebhook01: ['teamsWebhookApi', 'Teams channel'],
	pmOpenAiApi00001: ['pipelineMonitorOpenAiApi', 'OpenAI'],
	pmCallbackAuth01: ['httpHeaderAuth', 'Pipeline Monitor callback token'],
	pmStatusPageAuth: ['httpBasicAuth', 'Pipeline Monitor status page'],
	pmActionKey00001: ['pipelineMonitorActionKeyApi', 'Pipeline Monitor action key'],
};

/** node type names this package registers, from each node's codex file (`"node": "<pkg>.<name>"`) */
function packageNodeTypes(): Set<string> {
	return new Set(
		(pkg.n8n.nodes as string[]).map((rel) => {
			const codex = path.join(ROOT, rel.replace(/^dist\//, '').replace(/\.js$/, '.json'));
			return JSON.parse(fs.readFileSync(codex, 'utf8')).node as string;
		}),
	);
}

describe('workflow files in workflows/', () => {
	it('has the workflows the README documents', () => {
		expect(files.length).toBeGreaterThanOrEqual(1);
		expect(files).toContain('setup-database.json');
	});

	it.each(workflows)('%s: importable, stable 16-character id, inactive, connections name real nodes', (_f, wf) => {
		expect(wf.id).toMatch(/^[A-Za-z0-9]{16}$/);
		expect(wf.active).toBe(false);
		expect(wf.settings?.executionOrder).toBe('v1');
		const names = new Set(wf.nodes.map((n) => n.name));
		expect(names.size).toBe(wf.nodes.length);
		for (const [from, outputs] of Object.entries(wf.connections)) {
			expect(names).toContain(from);
			for (const list of Object.values(outputs as Record<string, Array<Array<{ node: string }> | null>>))
				for (const targets of list) for (const t of targets ?? []) expect(names).toContain(t.node);
		}
	});

	it('workflow ids are unique', () => {
		const ids = workflows.map(([, wf]) => wf.id);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it.each(workflows)('%s: uses only this package\'s nodes, base nodes and the documented credentials', (_f, wf) => {
		const ours = packageNodeTypes();
		for (const node of wf.nodes) {
			if (node.type.startsWith(`${pkg.name}.`)) expect(ours).toContain(node.type);
			else expect(node.type).toMatch(/^n8n-nodes-base\./);
			for (const [type, ref] of Object.entries(node.credentials ?? {})) {
				expect(CREDENTIALS[ref.id]).toEqual([type, ref.name]);
			}
		}
	});

	it.each(workflows)('%s: SQL takes values as query parameters, never pasted into the text', (_f, wf) => {
		for (const node of wf.nodes.filter((n) => n.type === 'n8n-nodes-base.postgres' || n.type === 'n8n-nodes-base.mySql')) {
			const query = node.parameters.query;
			if (typeof query !== 'string') continue;
			// an n8n expression inside the SQL text would paste a value into it
			expect({ node: node.name, pasted: /\{\{/.test(query) || query.startsWith('=') }).toEqual({ node: node.name, pasted: false });
		}
	});

	it('the set-up-database workflow applies exactly workflows/schema.sql (run `node scripts/setup-workflow.mjs` after editing it)', () => {
		const wf = workflows.find(([f]) => f === 'setup-database.json')![1];
		const apply = wf.nodes.find((n) => n.name === 'Apply schema')!;
		expect(apply.parameters.query).toBe(fs.readFileSync(path.join(DIR, 'schema.sql'), 'utf8'));
	});
});
