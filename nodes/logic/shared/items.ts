/**
 * The item shapes that pass between the nodes (DESIGN.md, "Items that flow between the nodes").
 * Every node reads and writes plain JSON with these fields; times are ISO-8601 with offset.
 */

export type RunSource = 'airflow' | 'n8n';

/** One pipeline run (or task try) from the Airflow node, an n8n execution, or any source. */
export interface RunItem {
	source: RunSource;
	/** DAG id or workflow name */
	pipeline: string;
	runId: string;
	taskId?: string;
	/** Airflow map index of a mapped task instance (absent or -1 when not mapped) */
	mapIndex?: number;
	tryNumber?: number;
	/** native state string (Airflow 2/3 or n8n), null when the source has none yet */
	state: string | null;
	/** Airflow's logical date: the data-interval start on Airflow 2's default timetable, the trigger time on Airflow 3's; null for Airflow 3 manual runs without one */
	logicalDate?: string | null;
	/** Airflow 3: the time the run was due (for a scheduled run: its schedule tick) */
	runAfter?: string | null;
	/** Airflow 2 (and 3): the end of the run's data interval (for a scheduled run on a cron timetable: its schedule tick) */
	dataIntervalEnd?: string | null;
	startedAt?: string | null;
	endedAt?: string | null;
	durationSec?: number | null;
	/** Airflow run type: scheduled, manual, backfill, asset_triggered (3) / dataset_triggered (2); n8n: the execution mode */
	runType?: string | null;
	/** link a person can click */
	url: string;
	raw?: unknown;
}

export type Light = 'green' | 'yellow' | 'red' | 'grey';

/** Lights from worst to best; used to sort reports worst first. */
export const LIGHT_ORDER: readonly Light[] = ['red', 'yellow', 'grey', 'green'];

export interface Reason {
	/** short machine code, e.g. `latest_failed` */
	code: string;
	/** the light this reason asks for */
	light: Light;
	/** human text */
	text: string;
}

/** One pipeline's verdict from the Traffic Light node. */
export interface LightItem {
	pipeline: string;
	light: Light;
	reasons: Reason[];
	lastRun: RunItem | null;
	url: string;
	previousLight?: Light | null;
	changed: boolean;
	evaluatedAt: string;
}

export type Cadence = 'monthly' | 'regular' | 'regular_holiday' | 'irregular';

/** One table's verdict from the Row Count Diff node. */
export interface RowCountItem {
	table: string;
	measuredAt: string;
	rows: number;
	delta: number | null;
	expectedLow: number | null;
	expectedHigh: number | null;
	score: number | null;
	light: Light;
	reason: Reason;
	cadence: Cadence;
	/** recent values, oldest first, the current one last */
	trend: number[];
}

export type FailureCategory =
	| 'code'
	| 'data'
	| 'dependency'
	| 'infrastructure'
	| 'permission'
	| 'timeout'
	| 'resource'
	| 'external_service'
	| 'unknown';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** A failure explained by the Log Summarizer node. */
export interface SummaryItem {
	summary: string;
	rootCause: string;
	category: FailureCategory;
	suggestedAction: string;
	severity: Severity;
	transient: boolean;
	confidence: number;
	/** null when the log has no recognisable failure line (such a summary is never reused) */
	fingerprint: string | null;
	/** `heuristic` also when there was no log to read (then `logState` says `empty` or `binary` and the summary claims nothing) */
	summarizedBy: 'llm' | 'heuristic';
	model?: string;
	usage?: { promptTokens: number; completionTokens: number; totalTokens: number };
	redactions: Record<string, number>;
}

/** One Teams message part from the Teams Table node. */
export interface TeamsItem {
	payload: unknown;
	format: 'adaptiveCard' | 'messageCard' | 'html' | 'markdown';
	bytes: number;
	part: number;
	parts: number;
	delivered?: boolean;
	httpStatus?: number | null;
	error?: string | null;
}
