import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { DateTime } from 'luxon';
import type { AirflowClient } from '../../logic/airflow/client';
import { absoluteWindow, relativeWindow, type TimeWindow } from '../../logic/airflow/window';
import { checkZone, DEFAULT_ZONE } from '../../logic/shared/time';

export type OperationExecute = (ctx: IExecuteFunctions, client: AirflowClient, itemIndex: number) => Promise<IDataObject[]>;

export interface Operation {
	description: INodeProperties[];
	execute: OperationExecute;
}

/** Shows a property only for one resource/operation. */
export function showFor(resource: string, operation: string[]): INodeProperties['displayOptions'] {
	return { show: { resource: [resource], operation } };
}

/** "a, b,,c" → ['a','b','c'] (also accepts an array from an expression). */
export function listParam(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).map((s) => s.trim()).filter(Boolean);
	return String(value ?? '')
		.split(/[,\n]/)
		.map((s) => s.trim())
		.filter(Boolean);
}

export const RUN_STATES = [
	{ name: 'Failed', value: 'failed' },
	{ name: 'Queued', value: 'queued' },
	{ name: 'Running', value: 'running' },
	{ name: 'Success', value: 'success' },
];

/** The window parameters shared by run and task-instance listings. */
export function windowProperties(resource: string, operations: string[]): INodeProperties[] {
	return [
		{
			displayName: 'Time Window',
			name: 'windowMode',
			type: 'options',
			default: 'relative',
			options: [
				{ name: 'Relative', value: 'relative', description: 'E.g. the last 24 hours.' },
				{ name: 'Absolute', value: 'absolute', description: 'From and to dates' },
			],
			displayOptions: showFor(resource, operations),
		},
		{
			displayName: 'Last',
			name: 'relativeWindow',
			type: 'string',
			default: '24 hours',
			placeholder: '24 hours',
			description: 'How far back: "24 hours", "6h", "7 days", "30 minutes"',
			displayOptions: { show: { resource: [resource], operation: operations, windowMode: ['relative'] } },
		},
		{
			displayName: 'From',
			name: 'from',
			type: 'dateTime',
			default: '',
			displayOptions: { show: { resource: [resource], operation: operations, windowMode: ['absolute'] } },
		},
		{
			displayName: 'To',
			name: 'to',
			type: 'dateTime',
			default: '',
			description: 'Empty means now',
			displayOptions: { show: { resource: [resource], operation: operations, windowMode: ['absolute'] } },
		},
		{
			displayName: 'Time Zone',
			name: 'timezone',
			type: 'string',
			default: DEFAULT_ZONE,
			description: 'Zone for dates given without an offset',
			displayOptions: { show: { resource: [resource], operation: operations, windowMode: ['absolute'] } },
		},
	];
}

export function readWindow(ctx: IExecuteFunctions, i: number): TimeWindow {
	const mode = ctx.getNodeParameter('windowMode', i, 'relative') as string;
	if (mode === 'absolute') {
		const zone = checkZone(ctx.getNodeParameter('timezone', i, DEFAULT_ZONE) as string);
		return absoluteWindow(ctx.getNodeParameter('from', i, ''), ctx.getNodeParameter('to', i, '') || null, zone, DateTime.utc());
	}
	return relativeWindow(ctx.getNodeParameter('relativeWindow', i, '24 hours') as string, DateTime.utc(), 'Last');
}

export const includeRawProperty = (resource: string, operations: string[]): INodeProperties => ({
	displayName: 'Include Raw Airflow Object',
	name: 'includeRaw',
	type: 'boolean',
	default: false,
	description: 'Whether to add the object as Airflow returned it under "raw"',
	displayOptions: showFor(resource, operations),
});
