import type { SummaryItem } from '../shared/items';

/** Where the failure came from, as far as the input tells (all optional). */
export interface FailureContext {
	pipeline?: string;
	taskId?: string;
	tryNumber?: number;
	runId?: string;
	url?: string;
}

/** The model-facing fields of a summary (what the model must answer, what the heuristic fills). */
export type SummaryFields = Pick<SummaryItem, 'summary' | 'rootCause' | 'category' | 'suggestedAction' | 'severity' | 'transient' | 'confidence'>;

/** What the heuristic could read from the failure window. */
export interface FailureSignature {
	/** e.g. `psycopg2.errors.UndefinedTable`, `OOMKilled`, `NodeApiError`; null when none was found */
	exceptionType: string | null;
	/** the error message (first line), trimmed; null when none was found */
	message: string | null;
	/** innermost location, e.g. `etl_orders.py:42 in load`; null when none was found */
	location: string | null;
	/** the line the failure is read from (the "failure line") */
	failureLine: string | null;
	/** the other end of an exception chain (Python: the first exception, the root cause; Java: the top exception above `Caused by:`), when there is one */
	chainLine?: string | null;
}

export type RedactionKind =
	| 'privateKey'
	| 'jwt'
	| 'awsAccessKey'
	| 'gcpApiKey'
	| 'gcpOAuthToken'
	| 'apiToken'
	| 'urlPassword'
	| 'authorizationHeader'
	| 'connectionStringSecret'
	| 'keyValueSecret'
	| 'webhook'
	| 'highEntropy'
	| 'email';

export interface PrepareOptions {
	/** token budget for the whole prompt (instructions + context + log); default 4000 */
	tokenBudget?: number;
	/** also redact e-mail addresses (off by default: they rarely are secrets, often useful) */
	redactEmails?: boolean;
	/** extra literal strings to redact (e.g. a password the workflow knows) */
	extraSecrets?: string[];
	/** keep the log lines' Airflow prefixes and boilerplate (default false: strip them) */
	keepBoilerplate?: boolean;
}

export interface PreparedLog {
	/** the cleaned, redacted, budgeted log text that may be sent to a model */
	text: string;
	/** estimated tokens of `text` (see tokens.ts for the estimate) */
	tokens: number;
	/** line counts: in the input, after cleaning, kept in `text` */
	lines: { input: number; cleaned: number; kept: number };
	/** redactions per kind, over the text that was kept */
	redactions: Record<string, number>;
	signature: FailureSignature;
	/** true when the input had nothing to explain (empty, binary, only boilerplate) */
	empty: boolean;
	/** what was odd about the input (binary, re-decoded, truncated lines), for the output */
	notes: string[];
}

export type SummaryLanguage = string;

/** A summary with the extras the node adds (fallback reason, preparation figures). */
export interface SummaryOutput extends SummaryItem {
	/** why the heuristic answered instead of the model (absent when the model answered) */
	fallbackReason?: string;
	/** what the input held: a log (`ok`), nothing (`empty`) or binary data without a readable line (`binary`) */
	logState?: 'ok' | 'empty' | 'binary';
	/** set when a schema-valid model answer shares nothing with the failure line and its category disagrees with the rules */
	contradictsLog?: boolean;
	/** the rule-based reading, beside a contradicting model answer */
	heuristicRootCause?: string;
	heuristicCategory?: SummaryItem['category'];
}
