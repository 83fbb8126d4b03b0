/** Shapes shared by the Airflow client modules (free of n8n). */

export type ApiVersion = 'v1' | 'v2';
export type VersionSetting = ApiVersion | 'auto';

export type AuthConfig =
	| { kind: 'none' }
	| { kind: 'basic'; username: string; password: string }
	| { kind: 'bearer'; token: string }
	/** Airflow 3: username/password exchanged for a JWT at POST {base}/auth/token */
	| { kind: 'token'; username: string; password: string }
	/** Amazon MWAA (Airflow 2): CreateWebLoginToken, then the web server's session cookie */
	| { kind: 'mwaaWebLogin'; mwaa: MwaaAuth }
	/** Amazon MWAA: every call through InvokeRestApi, signed with SigV4 */
	| { kind: 'mwaaInvoke'; mwaa: MwaaAuth }
	/** Google Cloud Composer: service-account JSON key exchanged for OAuth2 access tokens */
	| { kind: 'googleServiceAccount'; serviceAccountKey: string };

export interface MwaaAuth {
	region: string;
	environment: string;
	accessKeyId: string;
	secretAccessKey: string;
	sessionToken?: string;
	/** default https://env.airflow.{region}.amazonaws.com */
	endpoint?: string;
}

export interface ClientOptions {
	baseUrl: string;
	/** where the Airflow UI is served, when not at baseUrl */
	uiBaseUrl?: string;
	version: VersionSetting;
	auth: AuthConfig;
	allowSelfSigned?: boolean;
	/** per request (default 30 s) */
	timeoutMs?: number;
	/** total time a GET may spend retrying (default 60 s) */
	retryBudgetMs?: number;
	/** parallel requests (default 8) */
	concurrency?: number;
	/** items asked for per page (default 1000; the server may cap it lower) */
	pageSize?: number;
	/** injectable for tests */
	sleep?: (ms: number) => Promise<void>;
}

export interface Page<T> {
	items: T[];
	total: number;
}

/** The fields of a DAG run both API versions share (v2 adds run_after, v1 has execution_date). */
export interface RawDagRun {
	dag_run_id: string | null;
	dag_id: string;
	logical_date?: string | null;
	execution_date?: string | null;
	run_after?: string;
	data_interval_start?: string | null;
	data_interval_end?: string | null;
	start_date?: string | null;
	end_date?: string | null;
	state?: string | null;
	run_type?: string | null;
	conf?: unknown;
	note?: string | null;
}

export interface RawTaskInstance {
	task_id: string;
	dag_id: string;
	dag_run_id: string;
	state?: string | null;
	try_number?: number;
	map_index?: number;
	start_date?: string | null;
	end_date?: string | null;
	duration?: number | null;
	logical_date?: string | null;
	execution_date?: string | null;
	/** Airflow 3 task instances carry their DAG run's run_after */
	run_after?: string | null;
	operator?: string | null;
	hostname?: string | null;
}

export interface RawDag {
	dag_id: string;
	is_paused?: boolean | null;
	is_active?: boolean | null;
	is_stale?: boolean;
	tags?: { name: string }[] | null;
	owners?: string[];
	description?: string | null;
	fileloc?: string;
	[key: string]: unknown;
}

export interface RunFilter {
	dagIds?: string[];
	states?: string[];
	/** ISO instants */
	from?: string;
	to?: string;
	/** at most this many runs, the newest first (none: every run, oldest first) */
	limit?: number;
}
