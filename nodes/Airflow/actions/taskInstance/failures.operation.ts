import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { toNodeError } from '../../helpers/errors';
import type { OperationExecute } from '../../helpers/shared';
import { listParam, showFor } from '../../helpers/shared';
import { failureEventsOfRun, isRunLevelFailure, readFailureSweepState, sweepFailures } from '../../../logic/airflow/failures';
import { AirflowApiError } from '../../../logic/airflow/transport';
import { relativeWindow } from '../../../logic/airflow/window';
import type { PipelineEvent } from '../../../logic/events/types';
import { InputError } from '../../../logic/shared/errors';
import { watermarkProperties, watermarkSlot } from '../../helpers/watermark';

const show = showFor('taskInstance', ['failures']);
const showMode = (mode: string): INodeProperties['displayOptions'] => ({ show: { resource: ['taskInstance'], operation: ['failures'], mode: [mode] } });

export const description: INodeProperties[] = [
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		default: 'sweep',
		options: [
			{ name: 'Sweep: New Failures Since Last Execution', value: 'sweep', description: 'Failed task instances (and failed runs without one) that appeared since this node last ran; watermark in workflow static data or (queue mode) a database row' },
			{ name: 'Expand Run-Level Failure Events', value: 'expand', description: 'Input: failure events (Pipeline Event node). A run-level failure becomes its run\'s failed task instances; other events pass unchanged.' },
		],
		displayOptions: show,
	},
	{ displayName: 'DAG IDs', name: 'dagIds', type: 'string', default: '', description: 'Comma-separated; empty means all DAGs', displayOptions: showMode('sweep') },
	{ displayName: 'First Execution Looks Back', name: 'initialWindow', type: 'string', default: '1 hour', description: 'Window used when no watermark exists yet: failures older than this are not reported on the first sweep', displayOptions: showMode('sweep') },
	{ displayName: 'Overlap (Minutes)', name: 'overlapMinutes', type: 'number', typeOptions: { minValue: 0 }, default: 5, description: 'Re-read this much before the watermark (kept on Airflow\'s clock); failures already returned are not repeated', displayOptions: showMode('sweep') },
	...watermarkProperties(showMode('sweep')),
	{
		displayName: 'Keep the Run Event When Airflow Fails',
		name: 'keepOnError',
		type: 'boolean',
		default: true,
		description: 'Whether a run-level failure whose tasks cannot be read (Airflow down, unknown run) is output unchanged with the reason in lookupError, instead of failing the item',
		displayOptions: showMode('expand'),
	},
];

function asEvent(json: IDataObject, i: number): PipelineEvent {
	for (const field of ['eventKey', 'pipeline', 'runId'] as const) {
		if (typeof json[field] !== 'string' || !json[field]) {
			throw new InputError(field, json[field], 'is missing in the input event', `Feed this operation the output of the Pipeline Event node (item ${i} has no ${field}).`);
		}
	}
	return json as unknown as PipelineEvent;
}

/**
 * Whether this execution only passes events through: mode Expand and no input item is a run-level
 * failure (every task callback at the collector's intake). The node then reads no credential and
 * builds no client: the items go out unchanged. Items the operation would refuse take the normal path.
 */
export function expandsNothing(ctx: IExecuteFunctions): boolean {
	const items = ctx.getInputData();
	if (items.length === 0) return false;
	return items.every((item, i) => {
		if (ctx.getNodeParameter('resource', i) !== 'taskInstance' || ctx.getNodeParameter('operation', i) !== 'failures' || ctx.getNodeParameter('mode', i, 'sweep') !== 'expand') return false;
		const json = item.json ?? {};
		return ['eventKey', 'pipeline', 'runId'].every((f) => typeof json[f] === 'string' && json[f] !== '') && !isRunLevelFailure(json as unknown as PipelineEvent);
	});
}

/**
 * Failure events with the event key a callback produces: from an incremental sweep (once per
 * execution) or by expanding run-level failure events (per item).
 */
export const execute: OperationExecute = async (ctx, client, i) => {
	const mode = ctx.getNodeParameter('mode', i, 'sweep') as string;
	if (mode === 'expand') {
		const event = asEvent(ctx.getInputData()[i]?.json ?? {}, i);
		if (!isRunLevelFailure(event)) return [event as unknown as IDataObject];
		const expanded = await failureEventsOfRun(client, event).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
		if (!(expanded instanceof Error)) return expanded as unknown as IDataObject[];
		if (!(expanded instanceof AirflowApiError) || !ctx.getNodeParameter('keepOnError', i, true)) throw toNodeError(ctx.getNode(), expanded, i);
		// the run event is stored rather than lost; the sweeper finds its failed tasks later
		const lookupError = `${expanded.airflowMessage}. ${expanded.hint}`;
		return [{ ...(event as unknown as IDataObject), lookupError, message: `${event.message ? event.message + ' ' : ''}(The failed tasks of this run could not be read from Airflow: ${expanded.airflowMessage})`.trim() }];
	}
	const slot = watermarkSlot(ctx, client, i, 'airflowFailureSweep');
	const state = readFailureSweepState(slot.previous);
	const overlapMs = (ctx.getNodeParameter('overlapMinutes', i, 5) as number) * 60_000;
	const initial = relativeWindow(ctx.getNodeParameter('initialWindow', i, '1 hour') as string, DateTime.utc(), 'First Execution Looks Back');
	const { events, next } = await sweepFailures(client, state, { initialFrom: initial.from, overlapMs, filter: { dagIds: listParam(ctx.getNodeParameter('dagIds', i, '')) } });
	const carry = slot.save(next, next.runs.since);
	return events.map((e) => ({ ...(e as unknown as IDataObject), ...carry }));
};
