import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { OperationExecute } from '../../helpers/shared';
import { showFor } from '../../helpers/shared';
import { NodeOperationError } from 'n8n-workflow';

const show = showFor('action', ['trigger']);

export const description: INodeProperties[] = [
	{ displayName: 'DAG ID', name: 'dagId', type: 'string', default: '', required: true, displayOptions: show },
	{ displayName: 'Conf', name: 'conf', type: 'json', default: '{}', description: 'JSON object passed to the run as dag_run.conf', displayOptions: show },
	{ displayName: 'Note', name: 'note', type: 'string', default: '', displayOptions: show },
];

/** A write: sent once, never retried. */
export const execute: OperationExecute = async (ctx, client, i) => {
	const raw = ctx.getNodeParameter('conf', i, '{}') as unknown;
	let conf: unknown = raw;
	if (typeof raw === 'string') {
		try {
			conf = raw.trim() ? JSON.parse(raw) : {};
		} catch {
			throw new NodeOperationError(ctx.getNode(), `Item ${i}: conf is not valid JSON`, { itemIndex: i, description: 'Give a JSON object such as {"date": "2026-11-22"}.' });
		}
	}
	if (!conf || typeof conf !== 'object' || Array.isArray(conf)) {
		throw new NodeOperationError(ctx.getNode(), `Item ${i}: conf is not a JSON object`, { itemIndex: i, description: 'Give a JSON object such as {"date": "2026-11-22"}.' });
	}
	const run = await client.triggerRun(ctx.getNodeParameter('dagId', i) as string, conf as Record<string, unknown>, { note: (ctx.getNodeParameter('note', i, '') as string) || undefined });
	return [run as unknown as IDataObject];
};
