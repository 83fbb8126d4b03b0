#!/usr/bin/env node
// The "After a manual import" sticky note of every workflow in workflows/: what to set by hand
// after n8n's *Import from File* (error workflow, time zone, save options, caller policy, the
// credential of each node by name, publishing), written from the workflow's own settings and
// nodes so it cannot drift (test/unit/workflows/manualImport.test.ts compares).
// `node scripts/manual-import-notes.cjs` rewrites the notes; scripts/setup-workflow.mjs uses it too.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const NOTE_NAME = 'After a manual import';
const ERROR_COLLECTOR = { id: 'pmN8nErrorColl01', name: 'Pipeline Monitor: n8n error collector' };
const TYPE_LABELS = {
	postgres: 'Postgres',
	airflowApi: 'Airflow API',
	teamsWebhookApi: 'Teams Webhook API',
	pipelineMonitorOpenAiApi: 'Pipeline Monitor OpenAI-compatible API',
	httpHeaderAuth: 'Header Auth',
	httpBasicAuth: 'Basic Auth',
	pipelineMonitorActionKeyApi: 'Pipeline Monitor Action Key',
};
const TRIGGERS = ['n8n-nodes-base.webhook', 'n8n-nodes-pipeline-monitor.pipelineWebhook', 'n8n-nodes-base.errorTrigger', 'n8n-nodes-base.scheduleTrigger'];
const CALLERS = {
	workflowsFromSameOwner: 'workflows from the same owner',
	any: 'any workflow',
	none: 'no other workflow',
	workflowsFromAList: 'the listed workflows',
};

function save(value) {
	if (value === undefined) return 'default';
	return value === 'all' || value === true ? '**Save**' : '**Do not save**';
}

/** The note's text for one workflow (object as in workflows/*.json). */
function manualImportText(wf) {
	const s = wf.settings ?? {};
	const lines = [
		`## ${NOTE_NAME}`,
		'`npx n8n-nodes-pipeline-monitor setup` does all of this. After *Import from File*, set by hand:',
		'',
		'**Workflow settings** (⋯ menu → Settings):',
	];
	if (wf.id === ERROR_COLLECTOR.id) lines.push('- Error workflow: none (this is the error workflow of the others)');
	else if (s.errorWorkflow === ERROR_COLLECTOR.id) lines.push(`- Error workflow: **${ERROR_COLLECTOR.name}** (import that one first)`);
	else lines.push('- Error workflow: none');
	lines.push(`- Timezone: ${s.timezone ? `**${s.timezone}**` : 'default (the instance time zone)'}`);
	lines.push(`- Save failed production executions: ${save(s.saveDataErrorExecution)}`);
	lines.push(`- Save successful production executions: ${save(s.saveDataSuccessExecution)}`);
	lines.push(`- Save manual executions: ${save(s.saveManualExecutions)}`);
	lines.push(`- This workflow can be called by: ${s.callerPolicy ? `**${CALLERS[s.callerPolicy] ?? s.callerPolicy}** (\`${s.callerPolicy}\`)` : 'default'}`);
	lines.push('', '**Credentials**: in each node pick the credential by this name (the ids in the file are not yours):');
	const byCredential = new Map();
	for (const node of wf.nodes)
		for (const [type, ref] of Object.entries(node.credentials ?? {})) {
			const key = `${ref.name}\u0000${type}`;
			if (!byCredential.has(key)) byCredential.set(key, []);
			byCredential.get(key).push(node.name);
		}
	for (const [key, nodes] of byCredential) {
		const [name, type] = key.split('\u0000');
		lines.push(`- **${name}** (${TYPE_LABELS[type] ?? type}): ${nodes.join(', ')}`);
	}
	const settingsNode = wf.nodes.find((n) => n.name === 'Settings' && n.type === 'n8n-nodes-base.set');
	const reportUrl = settingsNode?.parameters?.assignments?.assignments?.find((a) => a.name === 'reportUrl');
	if (reportUrl)
		lines.push(
			'',
			reportUrl.value
				? '**Settings** node: `reportUrl`, the status-page link on the cards, is derived from this n8n\'s webhook address (+ `/webhook/pipeline-monitor/status`); replace it when readers reach n8n at another address.'
				: '**Settings** node: `reportUrl` is empty (cards without a status-page link); set it to your n8n address + `/webhook/pipeline-monitor/status` for one.',
		);
	const actionUrl = settingsNode?.parameters?.assignments?.assignments?.find((a) => a.name === 'actionUrl');
	if (actionUrl)
		lines.push(
			'',
			'**Settings** node: `actionUrl` is empty (cards without Acknowledge / Retry / Mute buttons); set it to your n8n address + `/webhook/pipeline-monitor/action` (the *failure actions* workflow) for them.',
		);
	const runsByItself = wf.nodes.some((n) => TRIGGERS.includes(n.type) && !n.disabled);
	lines.push('', runsByItself ? 'Then **Publish** the workflow.' : 'Do not publish it: run it by hand (*Execute workflow*).');
	return lines.join('\n');
}

/** The sticky-note node (placed left of the workflow's first node, below its top). */
function manualImportNote(wf) {
	const xs = wf.nodes.filter((n) => n.name !== NOTE_NAME).map((n) => n.position[0]);
	const ys = wf.nodes.filter((n) => n.name !== NOTE_NAME).map((n) => n.position[1]);
	const text = manualImportText(wf);
	return {
		id: `${wf.id}-manual-import`,
		name: NOTE_NAME,
		type: 'n8n-nodes-base.stickyNote',
		typeVersion: 1,
		position: [Math.min(...xs) - 640, Math.min(...ys)],
		parameters: { content: text, height: 60 + 24 * text.split('\n').length, width: 600, color: 6 },
	};
}

/** The workflow with its note added or replaced (the note goes last among the nodes). */
function withManualImportNote(wf) {
	const nodes = wf.nodes.filter((n) => n.name !== NOTE_NAME);
	return { ...wf, nodes: [...nodes, manualImportNote({ ...wf, nodes })] };
}

module.exports = { NOTE_NAME, manualImportText, manualImportNote, withManualImportNote };

if (require.main === module) {
	const dir = path.join(__dirname, '..', 'workflows');
	for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'setup-database.json')) {
		const wf = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
		fs.writeFileSync(path.join(dir, file), JSON.stringify(withManualImportNote(wf), null, 2) + '\n');
		console.log(`workflows/${file}: note "${NOTE_NAME}" written`);
	}
	console.log('workflows/setup-database.json: run node scripts/setup-workflow.mjs');
}
