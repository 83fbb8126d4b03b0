import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { OperationExecute } from '../../helpers/shared';
import { showFor } from '../../helpers/shared';

export const idProperties = (resource: string, operations: string[], withTask = false): INodeProperties[] => [
	{ displayName: 'DAG ID', name: 'dagId', type: 'string', default: '={{ $json.pipeline }}', required: true, displayOptions: showFor(resource, operations) },
	{ displayName: 'Run ID', name: 'runId', type: 'string', default: '={{ $json.runId }}', required: true, displayOptions: showFor(resource, operations) },
	...(withTask
		? ([
				{ displayName: 'Task ID', name: 'taskId', type: 'string', default: '={{ $json.taskId }}', required: true, displayOptions: showFor(resource, operations) },
				{ displayName: 'Try Number', name: 'tryNumber', type: 'number', default: 1, required: true, description: 'The try to read: the tryNumber field of a task instance item',  displayOptions: showFor(resource, operations) },
			] as INodeProperties[])
		: []),
];

export const description: INodeProperties[] = idProperties('dagRun', ['get']);

export const execute: OperationExecute = async (ctx, client, i) => [
	(await client.getRun(ctx.getNodeParameter('dagId', i) as string, ctx.getNodeParameter('runId', i) as string)) as unknown as IDataObject,
];
