/**
 * Amazon MWAA, two documented ways to reach an environment's Airflow REST API without the AWS SDK:
 *
 * - Web login (Airflow 2 on MWAA): `CreateWebLoginToken` (POST /webtoken/{Name} on
 *   https://env.airflow.{region}.amazonaws.com, SigV4 service "airflow") answers
 *   {WebServerHostname, WebToken}; the token POSTed as form field `token` to
 *   https://{WebServerHostname}/aws_mwaa/login gives the `session` cookie the REST API accepts.
 * - `InvokeRestApi` (POST /restapi/{Name}, SigV4): {Path, Method, QueryParameters, Body} in,
 *   {RestApiStatusCode, RestApiResponse} out; Airflow's own 4xx/5xx come back as
 *   RestApiClientException / RestApiServerException carrying the same two fields.
 *
 * AWS errors (restJson1: X-Amzn-ErrorType header, {message} body) become AirflowApiErrors naming
 * the environment and the fix; the secret key and the session never enter a message.
 */
import type { AxiosInstance } from 'axios';
import { AirflowApiError } from '../airflow/transport';
import { signV4, type AwsCredentials } from './sigv4';

export interface MwaaConfig {
	region: string;
	environment: string;
	credentials: AwsCredentials;
	/** default https://env.airflow.{region}.amazonaws.com (a VPC endpoint or a test server otherwise) */
	endpoint?: string;
}

export interface MwaaReply {
	status: number;
	data: string;
	headers: Record<string, string>;
}

export function mwaaEndpoint(c: Pick<MwaaConfig, 'region' | 'endpoint'>): string {
	return (c.endpoint?.trim() || `https://env.airflow.${c.region}.amazonaws.com`).replace(/\/+$/, '');
}

const ENV_NAME = /^[a-zA-Z][0-9a-zA-Z_-]{0,79}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Checks the MWAA fields of the credential, naming the one that is wrong. */
export function checkMwaaConfig(c: Partial<MwaaConfig> & { credentials?: Partial<AwsCredentials> }): void {
	const fail = (field: string, problem: string, fix: string): never => {
		throw new AirflowApiError({ status: null, airflowMessage: `${field} ${problem}`, hint: fix, kind: 'config', request: 'configuration', attempts: 0 });
	};
	if (!c.region || !REGION.test(c.region)) fail('AWS Region', `${JSON.stringify(c.region ?? '')} is not an AWS region`, 'Give the region of the MWAA environment, e.g. us-east-1 or ap-northeast-2.');
	if (!c.environment || !ENV_NAME.test(c.environment)) fail('MWAA Environment Name', `${JSON.stringify(c.environment ?? '')} is not an MWAA environment name`, 'Give the name shown in the MWAA console (letters, digits, "-" and "_", starting with a letter), not its ARN or URL.');
	if (!c.credentials?.accessKeyId?.trim()) fail('AWS Access Key ID', 'is empty', 'Give the access key of an IAM user or role allowed airflow:CreateWebLoginToken or airflow:InvokeRestApi on this environment.');
	if (!c.credentials?.secretAccessKey?.trim()) fail('AWS Secret Access Key', 'is empty', 'Give the secret access key that belongs to the access key ID.');
}

function headerMap(raw: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries((raw ?? {}) as Record<string, unknown>)) if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
	return out;
}

/** What to tell the user for an AWS error type. */
function awsHint(type: string, environment: string, region: string, action: string): string {
	if (/UnrecognizedClient|InvalidClientTokenId/.test(type)) return 'AWS does not know this access key ID (or the session token is wrong). Check the access key in the credential, or create a new one.';
	if (/InvalidSignature|SignatureDoesNotMatch/.test(type)) return 'AWS refused the request signature: check the secret access key, and that the n8n host\'s clock is right (signatures older than 5 minutes are refused).';
	if (/ExpiredToken/.test(type)) return 'The temporary credentials (session token) have expired. Put fresh ones in the credential, or use a long-lived access key of an IAM user.';
	if (/AccessDenied/.test(type)) return `The IAM identity may not call ${action} on environment ${environment}. Allow the action airflow:${action} on arn:aws:airflow:${region}:<account>:environment/${environment} (and give the Airflow role a user, e.g. via the MWAA "Admin/Op/User/Viewer" role mapping).`;
	if (/ResourceNotFound/.test(type)) return `There is no MWAA environment named ${environment} in ${region}. Check the environment name and the region.`;
	if (/Validation/.test(type)) return 'MWAA refused the request parameters; check the values named in the message.';
	return 'MWAA refused the request; check the region, environment name and credentials.';
}

async function signedPost(http: AxiosInstance, c: MwaaConfig, action: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown>; type: string; headers: Record<string, string> }> {
	const url = `${mwaaEndpoint(c)}${path}`;
	const text = body === undefined ? '' : JSON.stringify(body);
	// no body (CreateWebLoginToken): no content type either, as the AWS SDKs send it
	const signed = signV4({ method: 'POST', url, headers: text ? { 'content-type': 'application/json' } : {}, body: text, region: c.region, service: 'airflow' }, c.credentials);
	const label = `MWAA ${action} (${c.environment})`;
	let res;
	try {
		res = await http.request<string>({ method: 'POST', url, data: text, headers: signed.headers, responseType: 'text', transformResponse: [(d: unknown) => d], validateStatus: () => true, maxRedirects: 0 });
	} catch (e) {
		const code = (e as { code?: string }).code;
		throw new AirflowApiError({ status: null, airflowMessage: `${mwaaEndpoint(c)} did not answer${code ? ` (${code})` : ''}`, hint: 'Check that n8n can reach the MWAA API endpoint of this region (proxy, firewall, VPC endpoint).', kind: 'network', request: label, attempts: 1 });
	}
	const headers = headerMap(res.headers);
	let json: Record<string, unknown> = {};
	try {
		json = JSON.parse(String(res.data ?? '')) as Record<string, unknown>;
	} catch {
		/* non-JSON answer: handled by the callers */
	}
	const type = String(headers['x-amzn-errortype'] ?? json.__type ?? '').split(':')[0].split('#').pop() ?? '';
	return { status: res.status, json, type, headers };
}

function awsFailure(r: { status: number; json: Record<string, unknown>; type: string }, c: MwaaConfig, action: string): AirflowApiError {
	const message = String(r.json.message ?? r.json.Message ?? `HTTP ${r.status}`);
	return new AirflowApiError({
		status: r.status,
		airflowMessage: `AWS refused ${action} for environment ${c.environment}: ${r.type || 'error'}: ${message}`,
		hint: awsHint(r.type, c.environment, c.region, action),
		kind: 'cloud',
		request: `MWAA ${action} (${c.environment})`,
		attempts: 1,
	});
}

/** CreateWebLoginToken, then the MWAA login page: the `session` cookie for the REST API. */
export async function mwaaSessionCookie(http: AxiosInstance, c: MwaaConfig, webserverBase: string): Promise<string> {
	const r = await signedPost(http, c, 'CreateWebLoginToken', `/webtoken/${encodeURIComponent(c.environment)}`, undefined);
	const token = r.json.WebToken;
	if (r.status !== 200 || typeof token !== 'string' || !token) throw awsFailure(r, c, 'CreateWebLoginToken');
	const loginUrl = `${webserverBase.replace(/\/+$/, '')}/aws_mwaa/login`;
	let login;
	try {
		login = await http.request<string>({ method: 'POST', url: loginUrl, data: new URLSearchParams({ token }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, responseType: 'text', transformResponse: [(d: unknown) => d], validateStatus: () => true, maxRedirects: 0 });
	} catch (e) {
		const code = (e as { code?: string }).code;
		throw new AirflowApiError({ status: null, airflowMessage: `the MWAA web server login did not answer${code ? ` (${code})` : ''}`, hint: `Check the Base URL: for MWAA it is https://${String(r.json.WebServerHostname ?? '<WebServerHostname>')} (the Airflow UI address in the MWAA console).`, kind: 'network', request: `POST ${loginUrl}`, attempts: 1 });
	}
	const cookies = ([] as string[]).concat((login.headers['set-cookie'] as string[] | string | undefined) ?? []);
	const session = cookies.map((c2) => /^session=([^;]*)/.exec(c2.trim())?.[1]).find((v) => v);
	if (login.status >= 400 || !session) {
		throw new AirflowApiError({
			status: login.status,
			airflowMessage: `the MWAA web server did not accept the web login token (HTTP ${login.status}${session ? '' : ', no session cookie'})`,
			hint: `The web login (CreateWebLoginToken + /aws_mwaa/login) works for Airflow 2 environments whose web server is reachable from n8n. Check that the Base URL is https://${String(r.json.WebServerHostname ?? '<WebServerHostname>')}, and that the IAM identity is mapped to an Airflow role; otherwise use "Amazon MWAA: InvokeRestApi".`,
			kind: 'cloud',
			request: `POST ${loginUrl}`,
			attempts: 1,
		});
	}
	return session;
}

/**
 * One Airflow REST call through InvokeRestApi. `apiPath` is the path below the API root
 * (/api/v1 or /api/v2 removed), as MWAA expects it, e.g. /dags/~/dagRuns.
 */
export async function invokeRestApi(http: AxiosInstance, c: MwaaConfig, method: string, apiPath: string, query: Record<string, unknown> | undefined, body: unknown): Promise<MwaaReply> {
	const payload: Record<string, unknown> = { Path: apiPath, Method: method };
	if (query && Object.keys(query).length) payload.QueryParameters = query;
	if (body !== undefined) payload.Body = body;
	const r = await signedPost(http, c, 'InvokeRestApi', `/restapi/${encodeURIComponent(c.environment)}`, payload);
	const airflowStatus = r.json.RestApiStatusCode;
	const date = r.headers.date;
	if (typeof airflowStatus === 'number') {
		// Airflow answered (also for RestApiClientException / RestApiServerException): pass its answer on
		return { status: airflowStatus, data: JSON.stringify(r.json.RestApiResponse ?? null), headers: { 'content-type': 'application/json', ...(date ? { date } : {}) } };
	}
	throw awsFailure(r, c, 'InvokeRestApi');
}
