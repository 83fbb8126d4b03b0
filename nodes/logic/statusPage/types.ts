import type { Cadence, Light } from '../shared/items';

export type Language = 'ko' | 'en';
export type EventKind = 'failure' | 'warning' | 'success';
export type CadenceFilter = Cadence | 'all';

export const LANGUAGES: readonly Language[] = ['ko', 'en'];
export const EVENT_KINDS: readonly EventKind[] = ['failure', 'warning', 'success'];
export const CADENCES: readonly Cadence[] = ['regular', 'regular_holiday', 'monthly', 'irregular'];
export const CADENCE_FILTERS: readonly CadenceFilter[] = ['all', ...CADENCES];

/** Something the page tells the reader about their request (a value it replaced, a page it clamped). */
export interface Notice {
	code: 'bad_lang' | 'bad_tab' | 'bad_cadence' | 'page_clamped' | 'history_pending' | 'history_zone';
	value: string;
}

/** Operator settings (the workflow's Settings node) the request is read against. */
export interface PageSettings {
	language: Language;
	timezone: string;
	pageSize: number;
	/** days of event history shown when the request names no range */
	historyDays: number;
	/** the widest date range a request may ask for */
	maxRangeDays: number;
	/** days of row counts drawn in the trends */
	trendDays: number;
	title?: string;
}

/** A validated request: only these values ever reach a query (and always as query parameters). */
export interface PageRequest {
	lang: Language;
	tab: EventKind;
	/** local dates (YYYY-MM-DD) in `timezone`, both inclusive */
	from: string;
	to: string;
	/** the range as instants: [fromInstant, toInstant) in UTC ISO */
	fromInstant: string;
	toInstant: string;
	page: number;
	pageSize: number;
	offset: number;
	cadence: CadenceFilter;
	timezone: string;
	/** today's local date, the last day of the row-count trends */
	today: string;
	/** first local day of the row-count trends and of the per-pipeline light strips */
	trendFrom: string;
	/** the instant the light strips start (UTC ISO) */
	stripFromInstant: string;
	stripDays: number;
	trendDays: number;
	/** which parameters the request gave explicitly (links keep only these and the changed one) */
	given: Partial<Record<QueryKey, string>>;
	notices: Notice[];
	now: string;
	/** the page title from the settings; the language's default when absent */
	title?: string;
}

export type QueryKey = 'lang' | 'tab' | 'from' | 'to' | 'page' | 'cadence' | 'tz';
export const QUERY_KEYS: readonly QueryKey[] = ['lang', 'tab', 'from', 'to', 'page', 'cadence', 'tz'];

/** A request the page refuses (HTTP 400), with every problem found. */
export interface BadRequest {
	lang: Language;
	problems: Array<{ parameter: string; value: string; expected: string }>;
}

/** One pipeline with its latest light (rows of the pipelines/lights query). */
export interface PipelineView {
	pipeline: string;
	service: string | null;
	schedule: string | null;
	timezone: string | null;
	deadline: string | null;
	owner: string | null;
	description: string | null;
	light: Light | null;
	/** the stored reasons: code and text (the page says them in its own language) */
	reasons: Array<{ code: string | null; text: string; light: Light | null }>;
	url: string | null;
	evaluatedAt: string | null;
	changedAt: string | null;
	/** worst light per local day, oldest first (with the stored counts behind it, when stored) */
	strip: StripDay[];
	/** whether the hourly status workflow has stored this pipeline's history days yet */
	historyStored?: boolean;
}

/** The counts behind a stored history day (table pipeline_days). */
export interface StripCounts {
	runs: number;
	failed: number;
	other: number;
	failures: number;
	warnings: number;
	evaluations: number;
	late: number;
}

export interface StripDay {
	day: string;
	light: Light;
	counts?: StripCounts;
}

export interface EventView {
	id: string;
	kind: EventKind;
	source: string | null;
	pipeline: string;
	runId: string | null;
	taskId: string | null;
	tryNumber: number | null;
	state: string | null;
	at: string | null;
	message: string | null;
	summary: string | null;
	category: string | null;
	url: string | null;
	logUrl: string | null;
	/** the last acknowledged failure with the same fingerprint: what fixed it last time */
	previous?: { at: string | null; by: string | null; note: string | null } | null;
}

export interface TableTrend {
	table: string;
	cadence: Cadence;
	description: string | null;
	pipeline: string | null;
	/** the latest measurement */
	latest: { day: string; rows: number; delta: number | null; light: Light | null; reason: { code: string | null; text: string } | null; estimated: boolean } | null;
	/** rows per day of the trend window (null where nothing was measured), oldest first */
	series: Array<number | null>;
	/** rows loaded per day (the stored delta of that day's count; null where unknown), oldest first */
	loads: Array<number | null>;
	/** the light of each day's count, oldest first (null where nothing was measured) */
	lights: Array<Light | null>;
	/** freshness at the latest measurement (tables with a timestamp column) */
	freshness: { latestAt: string; lagMinutes: number | null; allowedLagMinutes: number | null } | null;
	/** the table is muted up to and including this local date */
	muteUntil: string | null;
	/** operators' annotations that touch the trend window, oldest first */
	annotations: TableAnnotation[];
}

export interface TableAnnotation {
	from: string;
	to: string;
	kind: string;
	note: string | null;
}

/** Everything the page shows, already normalised. */
export interface PageData {
	pipelines: PipelineView[];
	events: EventView[];
	/** events per kind in the range */
	eventCounts: Record<EventKind, number>;
	tables: TableTrend[];
	/** what the page tells the reader about its data (history not computed yet, kept in another zone) */
	notices?: Notice[];
	/** the database could not be read: show the page frame with this message */
	unavailable?: boolean;
}
