import type { Light, TeamsItem } from '../shared/items';

/** The message formats the Teams Table node can produce. */
export type TeamsFormat = TeamsItem['format'];

export type Language = 'en' | 'ko';

/** The item shapes of DESIGN.md the node knows defaults for; `other` is anything else. */
export type ItemShape = 'run' | 'light' | 'rowCount' | 'summary' | 'other';

/** How a column's value is turned into text. */
export type ColumnKind = 'auto' | 'text' | 'status' | 'number' | 'delta' | 'date' | 'duration' | 'trend' | 'range' | 'link';

/** A column of the table: where its value comes from and how it is shown. */
export interface Column {
	/** stable key, used in HTML/Markdown classes and messages */
	key: string;
	/** header text */
	label: string;
	/** dot paths tried in order; the first that is present gives the value (`range` uses two) */
	paths: string[];
	kind: ColumnKind;
}

/** A column as the user asks for it in the node: a field path, an optional label and kind. */
export interface ColumnRequest {
	field: string;
	label?: string;
	kind?: ColumnKind;
}

/** When rows do not fit into one message. */
export type OverflowMode = 'split' | 'truncate';

/** What to do when there is nothing to report. */
export type EmptyMode = 'error' | 'report' | 'skip';

/**
 * Adaptive Card layout: `table` (a column per field, for desktop channels) or `compact` (per
 * row the light, the name and a one-line reason, the other fields as a subtle line that wraps by
 * words; no header), for Teams on phones where columns break words and numbers mid-token.
 */
export type CardLayout = 'table' | 'compact';

export interface Mention {
	/** display name, shown as `@name` */
	name: string;
	/** Entra ID object id or user principal name (e-mail) */
	id: string;
}

export interface ReportOptions {
	format: TeamsFormat;
	language: Language;
	/** IANA zone for the timestamp and date cells */
	timezone: string;
	title?: string;
	subtitle?: string;
	/** lines shown in the message footer with the link warnings, e.g. "sent to the default channel" */
	footerNotes?: string[];
	/** columns picked by the user; empty or absent means defaults for the item shape */
	columns?: ColumnRequest[];
	overflow: OverflowMode;
	/** UTF-8 byte budget of the whole POST body of one message */
	maxBytes: number;
	/** at most this many messages; rows beyond go into an "and N more" line (0 = no limit) */
	maxParts: number;
	/** link shown with "and N more" and as a button on every message, e.g. the status page */
	reportUrl?: string;
	/** cells longer than this many characters are cut with an ellipsis */
	maxCellChars: number;
	/** people mentioned when at least one row is red (Adaptive Card only) */
	mentions: Mention[];
	/** Adaptive Card: ask Teams to use the full width of the channel */
	fullWidth: boolean;
	layout?: CardLayout;
	whenEmpty: EmptyMode;
	/** the instant the report is made (defaults to now); ISO string or Date */
	now?: string | Date;
	/**
	 * Field of each item holding its buttons, `[{title, url}]` (e.g. the Action Links node's
	 * `links`); a link that is not http(s) is left out with a warning in the card footer.
	 */
	linksField?: string;
}

/** A button of a row: Action.OpenUrl in an Adaptive Card, OpenUri / a link in a MessageCard. */
export interface RowLink {
	title: string;
	url: string;
}

/** One line of the table, ready for any renderer: plain text cells, not yet escaped. */
export interface Row {
	light: Light;
	cells: string[];
	/** a clickable link for the row (http/https only) or null */
	url: string | null;
	/** position in the input, for pairedItem */
	index: number;
	/** the row's buttons (http/https only, at most MAX_ROW_LINKS) */
	links: RowLink[];
	/** links of this row that were left out, and the item's own linkWarnings */
	warnings: string[];
}

/** Everything a renderer needs that is the same in every part. */
export interface Report {
	title: string;
	subtitle: string;
	/** footer lines before the row warnings (each one line) */
	footerNotes: string[];
	generatedAt: string;
	columns: Column[];
	rows: Row[];
	counts: Record<Light, number>;
	language: Language;
	reportUrl: string | null;
	mentions: Mention[];
	fullWidth: boolean;
	layout: CardLayout;
}

/** One message of a report: which rows, its number, and what was left out. */
export interface Page {
	rows: Row[];
	part: number;
	parts: number;
	/** rows left out of the whole report (only in the last page), with their lights */
	omitted: Record<Light, number>;
	omittedTotal: number;
}

/** A message ready to POST, with the figures the node outputs. */
export interface TeamsMessage extends TeamsItem {
	/** the exact UTF-8 body to POST */
	body: string;
	/** rows in this part */
	rows: number;
	/** input positions of the rows in this part */
	itemIndexes: number[];
	/** rows left out of the report (shown as "and N more") */
	omitted: number;
	/** the warnings shown in this message's footer (links left out) */
	warnings: string[];
}
