import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { OperationExecute } from '../../helpers/shared';
import { showFor } from '../../helpers/shared';
import { idProperties } from '../dagRun/get.operation';

export const description: INodeProperties[] = [
	...idProperties('taskLog', ['get'], true),
	{ displayName: 'Max Bytes', name: 'maxBytes', type: 'number', typeOptions: { minValue: 1024 }, default: 262144, description: 'Keep at most this much of the log; the end is kept, where failures are', displayOptions: showFor('taskLog', ['get']) },
	{
		displayName: 'Read As',
		name: 'readAs',
		type: 'options',
		default: 'json',
		options: [
			{ name: 'JSON Pages (Follows Continuation Tokens)', value: 'json' },
			{ name: 'Stream (Airflow 2 Text/plain, Airflow 3 Ndjson)', value: 'stream' },
		],
		displayOptions: showFor('taskLog', ['get']),
	},
];

export const execute: OperationExecute = async (ctx, client, i) => {
	const stream = ctx.getNodeParameter('readAs', i, 'json') === 'stream';
	const log = await client.getLog(
		ctx.getNodeParameter('dagId', i) as string,
		ctx.getNodeParameter('runId', i) as string,
		ctx.getNodeParameter('taskId', i) as string,
		Number(ctx.getNodeParameter('tryNumber', i)),
		{ maxBytes: ctx.getNodeParameter('maxBytes', i, 262144) as number, ndjson: stream, plainText: stream },
	);
	return [log as unknown as IDataObject];
};
