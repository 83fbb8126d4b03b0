/**
 * Tier 2: executes workflow JSON in-process through n8n-core's WorkflowExecute, as n8n's own node
 * tests do. n8n-core and n8n-workflow come from the real n8n install of the rig (the same version
 * users run), the nodes from this package's built dist/ and from n8n-nodes-base.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const N8N_HOME = process.env.PM_N8N_HOME ?? path.join(os.homedir(), '.cache', 'n8n-nodes-pipeline-monitor', 'n8n-2.41.1-node24.9.0');
const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE = 'n8n-nodes-pipeline-monitor';

/* eslint-disable @typescript-eslint/no-require-imports */
const req = (m: string) => require(path.join(N8N_HOME, 'node_modules', m));

export function harnessAvailable(): boolean {
	return fs.existsSync(path.join(N8N_HOME, '.installed')) && fs.existsSync(path.join(ROOT, 'dist', 'nodes'));
}

type NodeTypeClass = new () => { description: { name: string; version: number | number[] } };

/** Node types by workflow type name: this package's nodes, plus the n8n-nodes-base nodes asked for. */
function loadNodeTypes(baseNodes: string[]) {
	const types = new Map<string, unknown>();
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
	for (const file of pkg.n8n.nodes) {
		const mod = require(path.join(ROOT, file)) as Record<string, NodeTypeClass>;
		for (const Cls of Object.values(mod)) {
			const node = new Cls();
			types.set(`${PACKAGE}.${node.description.name}`, node);
		}
	}
	for (const spec of baseNodes) {
		const cls = spec.split('/').pop() as string;
		const mod = req(`n8n-nodes-base/dist/nodes/${spec}.node.js`) as Record<string, NodeTypeClass>;
		const node = new mod[cls]();
		types.set(`n8n-nodes-base.${node.description.name}`, node);
	}
	const { NodeHelpers } = req('n8n-workflow');
	return {
		getByName: (type: string) => types.get(type),
		getByNameAndVersion: (type: string, version?: number) => {
			const t = types.get(type);
			if (!t) throw new Error(`node type ${type} is not loaded in the harness`);
			return NodeHelpers.getVersionedNodeType(t, version);
		},
		getKnownTypes: () => ({}),
	};
}

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: Array<{ name: string; type: string; typeVersion: number; parameters: Record<string, unknown> }>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
}

export interface RunResult {
	/** json of the items a node output (first run, output 0 unless said) */
	output: (node: string, outputIndex?: number) => Array<Record<string, unknown>>;
	/** the error a node stopped with, if any */
	error: (node: string) => { message: string; description?: string } | undefined;
	raw: unknown;
}

/** Runs a workflow from its first trigger node; `baseNodes` lists n8n-nodes-base nodes by path, e.g. "Transform/SplitOut/SplitOut". */
export async function runWorkflow(json: WorkflowJson, baseNodes: string[]): Promise<RunResult> {
	const { Workflow } = req('n8n-workflow');
	const { WorkflowExecute, ExecutionLifecycleHooks } = req('n8n-core');
	const nodeTypes = loadNodeTypes(baseNodes);
	const workflow = new Workflow({
		id: json.id ?? 'test',
		name: json.name,
		nodes: json.nodes,
		connections: json.connections,
		active: false,
		nodeTypes,
		settings: json.settings ?? { executionOrder: 'v1' },
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'harness-1', { ...json, active: false, createdAt: new Date(), updatedAt: new Date(), id: json.id ?? 'test' });
	const additionalData = {
		hooks,
		executionId: 'harness-1',
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/restApiUrl',
		instanceBaseUrl: 'http://localhost:5678/instanceBaseUrl',
		formBaseUrl: 'http://localhost:5678/formBaseUrl',
		formWaitingBaseUrl: 'http://localhost:5678/formWaitingBaseUrl',
		formTestBaseUrl: 'http://localhost:5678/formTestBaseUrl',
		webhookBaseUrl: 'http://localhost:5678/webhookBaseUrl',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhookWaitingBaseUrl',
		webhookTestBaseUrl: 'http://localhost:5678/webhookTestBaseUrl',
		mcpBaseUrl: 'http://localhost:5678/mcpBaseUrl',
		mcpTestBaseUrl: 'http://localhost:5678/mcpTestBaseUrl',
		variables: {},
		credentialsHelper: {},
		executeWorkflow: async () => ({ data: [] }),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => ({ ok: false, error: new Error('no task runner in the harness') }),
	};
	const trigger = json.nodes.find((n) => /trigger/i.test(n.type));
	const executor = new WorkflowExecute(additionalData, 'manual');
	const run = await executor.run({ workflow, startNode: trigger ? workflow.getNode(trigger.name) : undefined });
	const runData = run.data.resultData.runData as Record<string, Array<{ data?: { main?: Array<Array<{ json: Record<string, unknown> }>> }; error?: { message: string; description?: string } }>>;
	return {
		raw: run,
		output: (node, outputIndex = 0) => {
			const r = runData[node]?.[0];
			if (!r) throw new Error(`node "${node}" did not run; ran: ${Object.keys(runData).join(', ')}; ${run.data.resultData.error?.message ?? ''}`);
			if (r.error) throw new Error(`node "${node}" failed: ${r.error.message}`);
			return (r.data?.main?.[outputIndex] ?? []).map((i) => i.json);
		},
		error: (node) => runData[node]?.[0]?.error,
	};
}
