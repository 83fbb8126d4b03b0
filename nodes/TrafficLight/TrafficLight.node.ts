import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription, IPairedItemData } from 'n8n-workflow';
import type { Light } from '../logic/shared/items';
import { checkZone } from '../logic/shared/time';
import { DEFAULT_OPTIONS, checkExpectation, checkRun, classifyPipelines, countLights, isLight, readPreviousLights } from '../logic/trafficLight/classify';
import type { TrafficLightOptions } from '../logic/trafficLight/classify';
import type { Language } from '../logic/trafficLight/messages';
import { checkEach, jsonParameter, toNodeError } from '../shared/inputErrors';

export class TrafficLight implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Pipeline Traffic Light',
		name: 'trafficLight',
		icon: { light: 'file:trafficLight.svg', dark: 'file:trafficLight.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["outputMode"] === "changed" ? "only changes" : "all pipelines"}}',
		description: 'Classify pipeline runs into green, yellow, red or grey lights with reasons',
		defaults: { name: 'Pipeline Traffic Light' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		inputNames: ['Runs', 'Expectations'],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName:
					'Input 1 takes run items (pipeline, runId, state, runType, runAfter or dataIntervalEnd, logicalDate, startedAt, endedAt, tryNumber, url …) from the Airflow node or any source. Input 2, optional, takes one expectation per pipeline (schedule, timezone, expectedDurationMin or deadline, graceMin, redMarginMin, paused, previousLight). The run for a schedule tick is the scheduled run whose runAfter (Airflow 3) or data-interval end (Airflow 2) is the tick — not the one whose logical date is: Airflow 2 sets logical_date to the start of the interval, Airflow 3 to the tick. Manual runs, backfills and re-runs of old intervals never count for a tick; their failures are reported on their own. Asset-/dataset-triggered and other non-cron schedules are judged on their runs without missed-run checks.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Expectations',
				name: 'expectationsSource',
				type: 'options',
				options: [
					{ name: 'From Input 2', value: 'input2', description: 'One item per pipeline on the second input' },
					{ name: 'From JSON', value: 'json', description: 'A JSON list in this node' },
					{ name: 'None', value: 'none', description: 'Judge on the runs alone' },
				],
				default: 'input2',
			},
			{
				displayName: 'Expectations (JSON)',
				name: 'expectationsJson',
				type: 'json',
				default: '[\n  {"pipeline": "example_dag", "schedule": "0 6 * * *", "timezone": "Asia/Seoul", "expectedDurationMin": 45}\n]',
				displayOptions: { show: { expectationsSource: ['json'] } },
				description: 'List of {pipeline, schedule, timezone, expectedDurationMin, deadline, graceMin, redMarginMin, paused}',
			},
			{
				displayName: 'Airflow Default Time Zone',
				name: 'scheduleTimezone',
				type: 'string',
				default: 'UTC',
				description:
					"IANA zone of schedules whose expectation has no timezone: set it to the Airflow instance's [core] default_timezone (UTC unless airflow.cfg changes it). Also reads run times that carry no offset.",
			},
			{
				displayName: 'Display Time Zone',
				name: 'timezone',
				type: 'string',
				default: 'Asia/Seoul',
				description: 'IANA zone of evaluatedAt and of the times in the reasons; it does not change when runs are expected',
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'options',
				options: [
					{ name: 'English', value: 'en' },
					{ name: 'Korean (한국어)', value: 'ko' },
				],
				default: 'en',
				description: 'Language of the reason texts',
			},
			{
				displayName: 'Output',
				name: 'outputMode',
				type: 'options',
				options: [
					{ name: 'All Pipelines', value: 'all' },
					{ name: 'Only Pipelines Whose Light Changed', value: 'changed' },
				],
				default: 'all',
				description: 'Whether to output every pipeline or only those whose light differs from the previous light (status-change mode)',
			},
			{
				displayName: 'Previous Lights (JSON)',
				name: 'previousLights',
				type: 'json',
				default: '',
				description:
					'Optional: {"dag_id":"red"} or [{"pipeline":"dag_id","light":"red"}], e.g. from the database. A "previousLight" field on an expectation item works too.',
			},
			{
				displayName: 'Add Summary Item',
				name: 'includeSummary',
				type: 'boolean',
				default: false,
				description: 'Whether to add one last item with the count of pipelines per light',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{ displayName: 'Consecutive Failures for Red', name: 'consecutiveFailures', type: 'number', default: 3, typeOptions: { minValue: 2 }, description: 'How many failed runs in a row add the consecutive_failures reason' },
					{ displayName: 'Duration History Needed', name: 'durationMinHistory', type: 'number', default: 5, typeOptions: { minValue: 3 }, description: 'Earlier successful runs needed before durations are judged' },
					{ displayName: 'Duration Minimum Excess (Seconds)', name: 'durationMinExcessSec', type: 'number', default: 120, description: 'A long run must exceed the median by at least this much' },
					{ displayName: 'Duration Sensitivity (K)', name: 'durationK', type: 'number', default: 3, typeOptions: { minValue: 1, numberPrecision: 1 }, description: 'A run is unusually long above median + K × MAD-sigma of earlier successful runs' },
					{ displayName: 'Evaluate At', name: 'now', type: 'dateTime', default: '', description: 'Judge as of this moment instead of now (for replays and tests)' },
					{ displayName: 'Flag Skipped Runs', name: 'flagSkipped', type: 'boolean', default: false, description: 'Whether a skipped latest run turns yellow' },
					{ displayName: 'Flag Upstream Failed', name: 'flagUpstreamFailed', type: 'boolean', default: true, description: 'Whether upstream_failed tasks turn the light yellow' },
					{ displayName: 'Grace (Minutes)', name: 'graceMin', type: 'number', default: 15, description: 'Default minutes after a scheduled tick before a missing run is red (missed_run) and a run that has not started is yellow (not_started)' },
					{ displayName: 'Red Margin (Minutes)', name: 'redMarginMin', type: 'number', default: 60, description: 'Default minutes past the expected end (or past the grace, for a run that has not started) after which lateness is red instead of yellow' },
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const runsIn = this.getInputData(0);
		const source = this.getNodeParameter('expectationsSource', 0) as string;
		const [zone, scheduleZone] = (() => {
			try {
				return [
					checkZone(this.getNodeParameter('timezone', 0) as string, 'Display Time Zone'),
					checkZone(this.getNodeParameter('scheduleTimezone', 0, 'UTC') as string, 'Airflow Default Time Zone'),
				];
			} catch (error) {
				throw toNodeError(this, error, 0, 'parameters');
			}
		})();
		const o = this.getNodeParameter('options', 0, {}) as Partial<TrafficLightOptions> & { now?: string };
		const now = o.now ? Date.parse(o.now) : Date.now();
		if (Number.isNaN(now)) throw new NodeOperationError(this.getNode(), `Option "Evaluate At" is not a date: ${o.now}`, { description: 'Give an ISO-8601 date-time.' });

		let expectationItems: INodeExecutionData[] = [];
		let expectationInput = 1;
		if (source === 'input2') {
			try {
				expectationItems = this.getInputData(1) ?? [];
			} catch {
				expectationItems = [];
			}
		} else if (source === 'json') {
			const parsed = jsonParameter(this, 'expectationsJson') ?? [];
			if (!Array.isArray(parsed)) throw new NodeOperationError(this.getNode(), 'Expectations (JSON) must be a list of objects', { description: 'Wrap a single expectation in [ ].' });
			expectationItems = parsed.map((json) => ({ json, pairedItem: { item: 0 } }));
			expectationInput = -1;
		}

		const runs = checkEach(this, runsIn, (json, i) => checkRun(json, i, scheduleZone), 'Runs');
		const exps = checkEach(this, expectationItems, (json, i) => checkExpectation(json, i, scheduleZone), 'Expectations', Math.max(expectationInput, 0));

		let previousLights: Map<string, Light>;
		try {
			previousLights = readPreviousLights(jsonParameter(this, 'previousLights'));
			for (const { value, index } of exps.ok) {
				const prev = expectationItems[index].json.previousLight;
				if (isLight(prev)) previousLights.set(value.pipeline, prev);
			}
		} catch (error) {
			throw toNodeError(this, error, 0, 'parameters');
		}

		const options: TrafficLightOptions = {
			...DEFAULT_OPTIONS,
			...Object.fromEntries(Object.entries(o).filter(([k, v]) => k !== 'now' && v !== '' && v !== undefined)),
			zone,
			scheduleZone,
			language: this.getNodeParameter('language', 0) as Language,
			now,
			previousLights,
		};
		const { lights, sources } = classifyPipelines(
			runs.ok.map((r) => r.value),
			exps.ok.map((e) => e.value),
			options,
		);
		const onlyChanged = this.getNodeParameter('outputMode', 0) === 'changed';
		const expIndex = new Map(exps.ok.map((e) => [e.value.pipeline, e.index]));
		const out: INodeExecutionData[] = [];
		lights.forEach((light, i) => {
			if (onlyChanged && !light.changed) return;
			let pairedItem: IPairedItemData[] = sources[i].map((item) => ({ item }));
			if (!pairedItem.length) {
				const e = expIndex.get(light.pipeline);
				pairedItem = e !== undefined && expectationInput > 0 ? [{ item: e, input: expectationInput }] : [{ item: 0 }];
			}
			out.push({ json: light as unknown as INodeExecutionData['json'], pairedItem });
		});
		if (this.getNodeParameter('includeSummary', 0) as boolean) {
			out.push({
				json: {
					summary: true,
					evaluatedAt: lights[0]?.evaluatedAt ?? new Date(now).toISOString(),
					pipelines: lights.length,
					changed: lights.filter((l) => l.changed).length,
					counts: { ...countLights(lights) },
				},
				pairedItem: runsIn.map((_, item) => ({ item })),
			});
		}
		return [[...out, ...runs.errors, ...exps.errors]];
	}
}
