import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { AirflowClient } from '../../logic/airflow/client';
import { readStoredWatermark, storedWatermark } from '../../logic/airflow/storedWatermark';

/**
 * Where an incremental operation keeps its watermark: n8n's workflow static data (one n8n
 * process), or a state the workflow reads and saves itself (queue mode; see storedWatermark.ts).
 */
export function watermarkProperties(show: INodeProperties['displayOptions']): INodeProperties[] {
	const showInput = { show: { ...(show?.show ?? {}), watermarkStore: ['input'] } };
	return [
		{
			displayName: 'Keep Watermark In',
			name: 'watermarkStore',
			type: 'options',
			default: 'staticData',
			options: [
				{
					name: 'Workflow Static Data (Single Process)',
					value: 'staticData',
					description: 'Saved by n8n after each production execution. In queue mode n8n 2.x workers do not read it back: use Input Item there.',
				},
				{
					name: 'Input Item (Database Row, for Queue Mode)',
					value: 'input',
					description: 'Read from the Watermark parameter; every output item carries the next one in sweepWatermark, for the workflow to save once the items are stored',
				},
			],
			displayOptions: show,
		},
		{
			displayName: 'Watermark',
			name: 'watermark',
			type: 'json',
			default: '={{ $json.watermark }}',
			description: 'The sweepWatermark object a previous execution output (null or empty on the first). Save it with a compare-and-set on its since, e.g. into pipeline_monitor.sweep_watermarks.',
			displayOptions: showInput,
		},
	];
}

export interface WatermarkSlot {
	/** the previous state (null: none yet), as the operation's reader accepts it */
	previous: unknown;
	/** stores the next state; returns the field to put on every output item (input mode), or null */
	save(next: object, since: string): IDataObject | null;
}

/** The watermark of this node for item i: from static data under `key`, or from the Watermark parameter. */
export function watermarkSlot(ctx: IExecuteFunctions, client: AirflowClient, i: number, key: string): WatermarkSlot {
	if (ctx.getNodeParameter('watermarkStore', i, 'staticData') === 'input') {
		const airflowUrl = client.transport.baseUrl;
		return {
			previous: readStoredWatermark(ctx.getNodeParameter('watermark', i, null), airflowUrl),
			save: (next, since) => ({ sweepWatermark: storedWatermark(airflowUrl, since, next) as unknown as IDataObject }),
		};
	}
	const staticData = ctx.getWorkflowStaticData('node');
	return {
		previous: staticData[key],
		save: (next) => {
			staticData[key] = next as unknown as IDataObject;
			return null;
		},
	};
}
