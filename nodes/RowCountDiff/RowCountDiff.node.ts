import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { DEFAULT_RULES, checkHistory, judgeTable, localDate, readCount } from '../logic/rowCount/diff';
import type { TableRules } from '../logic/rowCount/diff';
import { BusinessCalendar, dayNumber } from '../logic/rowCount/calendar';
import { judgeFreshness, withFreshness } from '../logic/rowCount/freshness';
import { judgeHourly, withHourly } from '../logic/rowCount/hourly';
import { allowedLagFor, checkTableName, checkMeasuredAt, expectedNoteOn, judgesFreshness, lagsOf, numberOr, rulesFor } from '../logic/rowCount/tableInput';
import type { Fields } from '../logic/rowCount/tableInput';
import type { Cadence } from '../logic/shared/items';
import { checkZone } from '../logic/shared/time';
import { toNodeError } from '../shared/inputErrors';

export class RowCountDiff implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Row Count Diff',
		name: 'rowCountDiff',
		icon: { light: 'file:rowCountDiff.svg', dark: 'file:rowCountDiff.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"default cadence: " + $parameter["cadence"]}}',
		description: 'Judge table row counts against a robust, holiday-aware baseline of their history',
		defaults: { name: 'Row Count Diff' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		inputNames: ['Counts', 'History'],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName:
					'Input 1 takes the current count per table (table, rows, measuredAt; optional cadence, annotations, muteUntil; for freshness latestAt = max of its timestamp column, optional maxLagMinutes; for hourly loads hourly = [{hour, rows}] over the last weeks, optional hourlyHours, settleMinutes). History comes from a field of each item ([{date, rows, lagMinutes?}], oldest first) or from input 2 (one row per table and day: table, date, rows, optional lagMinutes).',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'History From',
				name: 'historySource',
				type: 'options',
				options: [
					{ name: 'Field of Each Item', value: 'field' },
					{ name: 'Input 2', value: 'input2', description: 'Rows of table, date, rows (e.g. from a Postgres query)' },
				],
				default: 'field',
			},
			{
				displayName: 'Default Cadence',
				name: 'cadence',
				type: 'options',
				options: [
					{ name: 'Irregular (Judged Only on Gaps)', value: 'irregular' },
					{ name: 'Monthly', value: 'monthly' },
					{ name: 'Regular, Affected by Public Holidays', value: 'regular_holiday' },
					{ name: 'Regular (Daily or Weekly), Not Affected by Holidays', value: 'regular' },
				],
				default: 'regular',
				description: 'Used for items without their own cadence field',
			},
			{ displayName: 'Time Zone', name: 'timezone', type: 'string', default: 'Asia/Seoul', description: 'IANA zone in which a measurement time becomes a calendar day' },
			{
				displayName: 'Output',
				name: 'outputMode',
				type: 'options',
				options: [
					{ name: 'All Tables', value: 'all' },
					{ name: 'Only Yellow and Red', value: 'alerts' },
				],
				default: 'all',
			},
			{
				displayName: 'Fields',
				name: 'fields',
				type: 'collection',
				placeholder: 'Rename a field',
				default: {},
				options: [
					{ displayName: 'Cadence Field', name: 'cadence', type: 'string', default: 'cadence' },
					{ displayName: 'History Field', name: 'history', type: 'string', default: 'history' },
					{
						displayName: 'Latest At Field',
						name: 'latestAt',
						type: 'string',
						default: 'latestAt',
						description: 'Field with the newest timestamp of the table (max of its timestamp column); items that have it are also judged on freshness',
					},
					{ displayName: 'Measured At Field', name: 'measuredAt', type: 'string', default: 'measuredAt' },
					{ displayName: 'Rows Field', name: 'rows', type: 'string', default: 'rows' },
					{ displayName: 'Table Field', name: 'table', type: 'string', default: 'table' },
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Allowed Lag (Minutes)',
						name: 'maxLagMinutes',
						type: 'number',
						default: 0,
						description: "Freshness: the largest age of a table's newest row that is still fine. 0 learns it per table from at least 7 earlier lags (history lagMinutes). An item's own maxLagMinutes wins.",
					},
					{ displayName: 'Extra Holidays', name: 'extraHolidays', type: 'string', default: '', placeholder: '2026-12-31, 2027-01-02', description: 'Comma-separated dates (YYYY-MM-DD) treated like Korean public holidays' },
					{ displayName: 'Fail Score', name: 'failScore', type: 'number', default: 6, typeOptions: { numberPrecision: 1 }, description: 'Robust score (in MAD-sigmas) at which a change is red' },
					{ displayName: 'Flatline Days', name: 'flatlineDays', type: 'number', default: 2, description: 'Days in a row without new rows that make a flatline' },
					{
						displayName: 'Hourly: Hours Judged',
						name: 'hourlyHours',
						type: 'number',
						default: 24,
						description: "Items with an hourly field ([{hour, rows}], rows per hour of the table's timestamp column over the last 4 weeks): how many of the last complete hours are judged against the same hour on earlier days. An item's own hourlyHours wins.",
					},
					{
						displayName: 'Hourly: Settle Time (Minutes)',
						name: 'settleMinutes',
						type: 'number',
						default: 120,
						description: 'Rows keep arriving late into an hour for this long after it ends: a low count of such an hour is not a drop. An item\'s own settleMinutes wins.',
					},
					{ displayName: 'Minimum Absolute Change', name: 'minAbsChange', type: 'number', default: 10, description: 'Changes of fewer rows never alert, so tiny tables stay quiet' },
					{ displayName: 'Minimum History (Days)', name: 'minHistory', type: 'number', default: 7, description: 'Usable days of history needed before judging; grey below' },
					{ displayName: 'Monthly Due Day', name: 'expectedDay', type: 'number', default: 0, description: 'Day of month a monthly load is due; 0 learns it from history' },
					{ displayName: 'Monthly Grace Days', name: 'graceDays', type: 'number', default: 2, description: 'Working days after the due day before a missing monthly load is red' },
					{ displayName: 'Warn Score', name: 'warnScore', type: 'number', default: 4, typeOptions: { numberPrecision: 1 }, description: 'Robust score at which a change is yellow' },
					{
						displayName: 'Weekday Seasonality',
						name: 'weekly',
						type: 'options',
						options: [
							{ name: 'Auto', value: 'auto', description: 'Compare with the same weekday when that explains the data better' },
							{ name: 'Always', value: 'on' },
							{ name: 'Never', value: 'off' },
						],
						default: 'auto',
					},
					{ displayName: 'Window (Days)', name: 'windowDays', type: 'number', default: 63, description: 'Days of history the weekly profile of a regular table learns from' },
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData(0);
		const { latestAt: latestAtField = 'latestAt', ...renamed } = this.getNodeParameter('fields', 0, {}) as Partial<Fields> & { latestAt?: string };
		const fields: Fields = { table: 'table', rows: 'rows', measuredAt: 'measuredAt', history: 'history', cadence: 'cadence', ...renamed };
		const { maxLagMinutes, hourlyHours = 24, settleMinutes = 120, ...o } = this.getNodeParameter('options', 0, {}) as Partial<Omit<TableRules, 'extraHolidays'>> & {
			extraHolidays?: string;
			maxLagMinutes?: number;
			hourlyHours?: number;
			settleMinutes?: number;
		};
		let base: TableRules;
		try {
			const zone = checkZone(this.getNodeParameter('timezone', 0) as string, 'Time Zone');
			const extra = (o.extraHolidays ?? '')
				.split(/[\s,]+/)
				.filter(Boolean)
				.map((d, i) => localDate(d, `Extra Holidays[${i}]`, zone));
			const { extraHolidays: _skip, expectedDay, ...numeric } = o;
			base = {
				...DEFAULT_RULES,
				...numeric,
				expectedDay: expectedDay ? expectedDay : undefined,
				cadence: this.getNodeParameter('cadence', 0) as Cadence,
				extraHolidays: new Set(extra),
				zone,
			};
		} catch (error) {
			throw toNodeError(this, error, 0, 'parameters');
		}

		// history from input 2: rows per table, in the order given (checked per table)
		const historyByTable = new Map<string, unknown[]>();
		const fromInput2 = this.getNodeParameter('historySource', 0) === 'input2';
		if (fromInput2) {
			let rows: INodeExecutionData[] = [];
			try {
				rows = this.getInputData(1) ?? [];
			} catch {
				rows = [];
			}
			for (const { json } of rows) {
				const table = String(json[fields.table] ?? '');
				const list = historyByTable.get(table) ?? [];
				list.push({ date: json.date ?? json[fields.measuredAt], rows: json[fields.rows], lagMinutes: json.lagMinutes ?? json.lag_minutes });
				historyByTable.set(table, list);
			}
		}

		const onlyAlerts = this.getNodeParameter('outputMode', 0) === 'alerts';
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const json = items[i].json;
			try {
				const table = checkTableName(json, fields);
				const rules = rulesFor(json, base, fields);
				const measuredAt = checkMeasuredAt(json, fields);
				const rawHistory = fromInput2 ? (historyByTable.get(table) ?? []) : json[fields.history];
				const historyField = fromInput2 ? `history of ${table} (input 2)` : fields.history;
				const history = checkHistory(rawHistory, rules.zone, historyField);
				let result = judgeTable({ table, rows: readCount(json[fields.rows], fields.rows), measuredAt, history }, rules);
				if (judgesFreshness(json, latestAtField)) {
					// freshness: the newest row's age at the time of the count, against the allowed lag
					const latest = json[latestAtField];
					const date = localDate(measuredAt, fields.measuredAt, rules.zone);
					// a business-day table's lag may grow by the days off before the check
					const cal = rules.cadence === 'regular_holiday' ? new BusinessCalendar(rules.extraHolidays) : undefined;
					const fresh = judgeFreshness(
						{
							table,
							maxTimestamp: latest,
							maxTimestampField: latestAtField,
							checkedAt: measuredAt,
							allowedLagMinutes: allowedLagFor(json, maxLagMinutes),
							lagHistory: lagsOf(rawHistory as unknown[], historyField, rules.zone, cal),
							offDays: cal ? cal.offDaysUpTo(dayNumber(date)) : 0,
						},
						rules.zone,
					);
					const latestIso = latest === null || latest === undefined || latest === '' ? null : latest instanceof Date ? latest.toISOString() : String(latest);
					result = withFreshness(result, fresh, latestIso, { date, expectedNote: expectedNoteOn(rules, date), muteUntil: rules.muteUntil });
				}
				if (json.hourly !== undefined && json.hourly !== null) {
					// hourly loads: the last complete hours against the same hour on earlier days
					const date = localDate(measuredAt, fields.measuredAt, rules.zone);
					const hourly = judgeHourly(
						json.hourly,
						measuredAt,
						{
							hours: numberOr(json.hourlyHours, hourlyHours, 'hourlyHours'),
							settleMinutes: numberOr(json.settleMinutes, settleMinutes, 'settleMinutes'),
							warnScore: rules.warnScore,
							failScore: rules.failScore,
							minAbsChange: rules.minAbsChange,
							holidayAffected: rules.cadence === 'regular_holiday',
							cal: new BusinessCalendar(rules.extraHolidays),
						},
						rules.zone,
					);
					result = withHourly(result, hourly, { date, expectedNote: expectedNoteOn(rules, date), muteUntil: rules.muteUntil });
				}
				if (onlyAlerts && (result.light === 'green' || result.light === 'grey')) continue;
				out.push({ json: result as unknown as INodeExecutionData['json'], pairedItem: { item: i } });
			} catch (error) {
				const nodeError = toNodeError(this, error, i, 'Counts');
				if (!this.continueOnFail()) throw nodeError;
				out.push({ json: { error: nodeError.message, hint: nodeError.description ?? null, itemIndex: i, table: json[fields.table] ?? null }, pairedItem: { item: i } });
			}
		}
		return [out];
	}
}
