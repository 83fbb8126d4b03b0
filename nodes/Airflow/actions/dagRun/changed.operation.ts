import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { DateTime } from 'luxon';
import type { OperationExecute } from '../../helpers/shared';
import { includeRawProperty, listParam, showFor } from '../../helpers/shared';
import { relativeWindow } from '../../../logic/airflow/window';
import { sweepChangedRuns } from '../../../logic/airflow/incremental';
import { readWatermark } from '../../../logic/airflow/watermark';
import { runFilterProperties } from './list.operation';
import { watermarkProperties, watermarkSlot } from '../../helpers/watermark';

const show = showFor('dagRun', ['changed']);

export const description: INodeProperties[] = [
	...runFilterProperties(['changed']),
	{ displayName: 'First Execution Looks Back', name: 'initialWindow', type: 'string', default: '24 hours', description: 'Window used when no watermark exists yet', displayOptions: show },
	{ displayName: 'Overlap (Minutes)', name: 'overlapMinutes', type: 'number', typeOptions: { minValue: 0 }, default: 5, description: 'Re-read this much before the watermark (kept on Airflow\'s clock) to absorb late writes; runs already seen are not repeated', displayOptions: show },
	...watermarkProperties(show),
	includeRawProperty('dagRun', ['changed']),
];

/**
 * Runs changed since the previous execution of this node. The watermark lives in the workflow's
 * static data (saved by n8n for active workflows), keyed by node, or (queue mode) in a state the
 * workflow reads from and saves to its database (helpers/watermark.ts).
 */
export const execute: OperationExecute = async (ctx, client, i) => {
	const slot = watermarkSlot(ctx, client, i, 'airflowWatermark');
	const state = readWatermark(slot.previous);
	const overlapMs = (ctx.getNodeParameter('overlapMinutes', i, 5) as number) * 60_000;
	const initial = relativeWindow(ctx.getNodeParameter('initialWindow', i, '24 hours') as string, DateTime.utc(), 'First Execution Looks Back');
	const { changed, next } = await sweepChangedRuns(client, state, {
		initialFrom: initial.from,
		overlapMs,
		filter: { dagIds: listParam(ctx.getNodeParameter('dagIds', i, '')), states: ctx.getNodeParameter('states', i, []) as string[] },
		includeRaw: ctx.getNodeParameter('includeRaw', i, false) as boolean,
	});
	const carry = slot.save(next, next.since);
	return changed.map((r) => ({ ...(r as unknown as IDataObject), ...carry }));
};
