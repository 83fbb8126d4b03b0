import { NodeConnectionTypes } from 'n8n-workflow';
import type { IDataObject, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { checkAirflowCallback, DEFAULT_MAX_BODY_BYTES } from '../logic/events/airflowCallback';
import { DEFAULT_MAX_DEPTH, readJsonBody, tooLarge, type RawBodyResult } from '../logic/events/rawBody';
import { RecentKeys } from '../logic/events/recentKeys';
import { basicAuthMatches, FailureBackoff, headerValue, secretsEqual, SharedRead } from '../logic/shared/auth';

type Refusal = { status: number; body: IDataObject; headers?: Record<string, string> };

/** Per n8n process and per path: the failure delay per client, and the event keys taken in lately. */
const backoffs = new Map<string, FailureBackoff>();
const recentKeys = new RecentKeys(5 * 60_000);
/** The credential read once for the requests of the same 5 s (a rotated secret is read again at once). */
const credentialReads = new SharedRead<Record<string, string>>(5_000);

/**
 * The webhook's path and method, as n8n's own Webhook node declares them: the expression template
 * the editor reads, and (under n8n's `Symbol.for('n8n.webhookDescriptionResolvers')`, n8n 2.x)
 * the same read done natively, so n8n finds the webhook of a request without running the
 * template in an expression isolate each time. Older n8n versions ignore the symbol.
 */
function parameterField(name: string): { template: string; resolve: (parameters: Record<string, unknown>) => unknown } {
	return { template: `={{$parameter["${name}"]}}`, resolve: (parameters) => parameters?.[name] };
}
const webhookFields = { httpMethod: parameterField('httpMethod'), path: parameterField('path') };
const WEBHOOK_RESOLVERS = Symbol.for('n8n.webhookDescriptionResolvers');
/** A body over the limit is read (and thrown away) up to this many bytes, then the connection is cut. */
const DRAIN_MAX = 64 * 1024 * 1024;

function backoffFor(path: string): FailureBackoff {
	let backoff = backoffs.get(path);
	if (!backoff) backoffs.set(path, (backoff = new FailureBackoff()));
	return backoff;
}

type Req = ReturnType<IWebhookFunctions['getRequestObject']>;
type Res = ReturnType<IWebhookFunctions['getResponseObject']>;

/**
 * The raw body, at most `maxBytes`: a declared Content-Length over it is refused before any byte
 * is read; a body that grows past it while streaming is refused there. n8n has not read it: the
 * node's "options.binaryData" makes n8n's webhook server leave the body to the node.
 */
async function readBody(req: Req, maxBytes: number): Promise<{ bytes: Buffer } | { tooLarge: number }> {
	const declared = Number(req.headers['content-length']);
	if (Number.isFinite(declared) && declared > maxBytes) return { tooLarge: declared };
	return await new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let done = false;
		const onData = (chunk: Buffer) => {
			size += chunk.length;
			if (size > maxBytes) {
				done = true;
				req.off('data', onData);
				resolve({ tooLarge: size });
				return;
			}
			chunks.push(chunk);
		};
		req.on('data', onData);
		req.once('end', () => {
			if (!done) resolve({ bytes: Buffer.concat(chunks) });
		});
		req.once('error', (error: Error) => {
			if (!done) reject(error);
		});
	});
}

/** Reads and throws away what is left of a refused body (bounded), so the client reads the answer. */
function drain(req: Req): void {
	let left = DRAIN_MAX;
	req.on('data', (chunk: Buffer) => {
		left -= chunk.length;
		if (left < 0) req.destroy();
	});
	req.resume();
}

function answer(res: Res, refusal: Refusal): IWebhookResponseData {
	res.writeHead(refusal.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...refusal.headers });
	res.end(JSON.stringify(refusal.body));
	return { noWebhookResponse: true };
}

function bodyRefusal(read: Extract<RawBodyResult, { ok: false }>): Refusal {
	return {
		status: read.status,
		body: { stored: false, error: read.status === 413 ? 'too_large' : 'invalid_callback', field: read.field, value: read.value, problem: read.problem, hint: read.hint, message: `${read.field} ${read.problem}: ${read.value}` },
	};
}

/** The secret check in constant time, after the client's failure delay; null when the request may go on. */
async function authRefusal(ctx: IWebhookFunctions, req: Req, path: string): Promise<Refusal | null> {
	const authentication = ctx.getNodeParameter('authentication', 'none') as string;
	if (authentication === 'none') return null;
	const backoff = backoffFor(path);
	const client = (req.ip ?? req.socket.remoteAddress ?? 'unknown').slice(0, 100);
	const wait = backoff.waitSeconds(client);
	const realm = authentication === 'basicAuth' ? 'Basic realm="Pipeline Monitor", charset="UTF-8"' : 'Token realm="Pipeline Monitor"';
	if (wait > 0) return { status: 429, headers: { 'retry-after': String(wait) }, body: { stored: false, error: 'too_many_failures', problem: `wait ${wait} s after repeated failed sign-ins`, hint: `Try again in ${wait} s with the right credentials.` } };
	const type = authentication === 'basicAuth' ? 'httpBasicAuth' : 'httpHeaderAuth';
	const key = `${type}:${ctx.getNode().credentials?.[type]?.id ?? ctx.getNode().credentials?.[type]?.name ?? ''}`;
	const read = () => ctx.getCredentials<Record<string, string>>(type);
	const matches = (credential: Record<string, string>) =>
		type === 'httpBasicAuth'
			? basicAuthMatches(headerValue(req.headers, 'authorization'), credential.user, credential.password)
			: secretsEqual(headerValue(req.headers, credential.name), credential.value);
	// a mismatch against a kept read is checked once more against a fresh one (a secret just rotated)
	const ok = matches(await credentialReads.get(key, read)) || matches(await credentialReads.get(key, read, { fresh: true }));
	if (ok) {
		backoff.succeed(client);
		return null;
	}
	const after = backoff.fail(client);
	if (after > 0) return { status: 429, headers: { 'retry-after': String(after) }, body: { stored: false, error: 'too_many_failures', problem: `wait ${after} s after repeated failed sign-ins`, hint: `Try again in ${after} s with the right credentials.` } };
	return { status: 401, headers: { 'www-authenticate': realm }, body: { stored: false, error: 'unauthorized', problem: 'missing or wrong credentials', hint: authentication === 'basicAuth' ? 'Sign in with the user and password of the "Pipeline Monitor status page" credential.' : 'Send the token of the "Pipeline Monitor callback token" credential in its header (workflows/airflow_callback.py reads it from PIPELINE_MONITOR_CALLBACK_TOKEN).' } };
}

export class PipelineWebhook implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Pipeline Monitor Webhook',
		name: 'pipelineWebhook',
		icon: { light: 'file:pipelineWebhook.svg', dark: 'file:pipelineWebhook.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["httpMethod"] + " /" + $parameter["path"] }}',
		description:
			'Receives the monitor\'s HTTP requests (Airflow callbacks, the status page) and refuses bad ones before a workflow runs: secrets checked in constant time with a delay per client, body size and depth checked before parsing, repeats answered at once. Headers never reach the workflow.',
		defaults: { name: 'Pipeline Monitor Webhook' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				// n8n's own Header Auth and Basic Auth credentials: installed monitors keep their secrets
				name: 'httpHeaderAuth',
				required: true,
				displayOptions: { show: { authentication: ['headerAuth'] } },
			},
			{
				name: 'httpBasicAuth',
				required: true,
				displayOptions: { show: { authentication: ['basicAuth'] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: webhookFields.httpMethod.template,
				responseMode: 'responseNode',
				path: webhookFields.path.template,
				isFullPath: true,
				[WEBHOOK_RESOLVERS]: webhookFields,
			} as INodeTypeDescription['webhooks'] extends (infer W)[] | undefined ? W : never,
		],
		properties: [
			{
				displayName:
					'Answer with "Respond to Webhook" nodes of version 1 (later versions only accept n8n\'s own Webhook node). Refused requests (401, 429, 413, too deep, bad JSON, repeats) are answered here and start no execution.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'HTTP Method',
				name: 'httpMethod',
				type: 'options',
				options: [
					{ name: 'GET', value: 'GET' },
					{ name: 'POST', value: 'POST' },
				],
				default: 'POST',
			},
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: 'pipeline-monitor/airflow-callback',
				required: true,
				placeholder: 'pipeline-monitor/airflow-callback',
			},
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Header Auth', value: 'headerAuth', description: 'A token in a header (the Airflow callback)' },
					{ name: 'Basic Auth', value: 'basicAuth', description: 'User and password (the status page in a browser)' },
					{ name: 'None', value: 'none' },
				],
				default: 'headerAuth',
				description: 'Checked in constant time (SHA-256 digests compared with timingSafeEqual). After 5 failures a client (its IP as n8n sees it: set N8N_PROXY_HOPS behind a proxy) waits 2 s, then 4 s, 8 s … up to 5 min, answered 429 with Retry-After.',
			},
			{
				displayName: 'Body',
				name: 'bodyMode',
				type: 'options',
				options: [
					{ name: 'Airflow Callback (JSON)', value: 'airflowCallback', description: 'A JSON object; a repeat of an event taken in lately is answered 200 {stored: false} at once' },
					{ name: 'JSON', value: 'json' },
					{ name: 'None', value: 'none', description: 'The body is not read (a GET page)' },
				],
				default: 'airflowCallback',
			},
			{
				displayName: 'Max Body Size (Bytes)',
				name: 'maxBodyBytes',
				type: 'number',
				typeOptions: { minValue: 1024 },
				default: DEFAULT_MAX_BODY_BYTES,
				description: 'A larger body is answered 413 (a declared Content-Length before any byte is read)',
				displayOptions: { hide: { bodyMode: ['none'] } },
			},
			{
				displayName: 'Max Nesting Depth',
				name: 'maxDepth',
				type: 'number',
				typeOptions: { minValue: 2, maxValue: 1000 },
				default: DEFAULT_MAX_DEPTH,
				description: 'Deepest nesting of objects and lists, counted on the raw text before it is parsed; deeper is answered 400',
				displayOptions: { hide: { bodyMode: ['none'] } },
			},
			{
				displayName: 'Answer Repeats for (Minutes)',
				name: 'repeatMinutes',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1440 },
				default: 5,
				description: 'A callback whose event key this n8n process took in within these minutes is answered 200 {stored: false} at once, without waiting behind the first one\'s insert. 0 turns it off.',
				displayOptions: { show: { bodyMode: ['airflowCallback'] } },
			},
			{
				// Read by n8n's webhook server before the node runs: with it, n8n leaves the request
				// body unread, so this node reads it with its own size limit and depth check.
				displayName: 'Raw Body',
				name: 'options',
				type: 'hidden',
				default: { binaryData: true },
			},
		],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const res = this.getResponseObject();
		const path = String(this.getNodeParameter('path', ''));
		const bodyMode = this.getNodeParameter('bodyMode', 'airflowCallback') as string;
		const auth = await authRefusal(this, req, path);
		if (auth) {
			if (bodyMode !== 'none') drain(req);
			return answer(res, auth);
		}
		const item: IDataObject = {
			// only what the workflow needs: never the Authorization, token or cookie headers
			headers: { 'content-type': headerValue(req.headers, 'content-type') ?? '', 'user-agent': (headerValue(req.headers, 'user-agent') ?? '').slice(0, 200) },
			query: (req.query ?? {}) as IDataObject,
			receivedAt: new Date().toISOString(),
		};
		if (bodyMode === 'none') {
			req.resume();
			return { workflowData: [[{ json: item }]] };
		}
		const maxBytes = Number(this.getNodeParameter('maxBodyBytes', DEFAULT_MAX_BODY_BYTES));
		const raw = await readBody(req, maxBytes);
		if ('tooLarge' in raw) {
			drain(req);
			return answer(res, bodyRefusal(tooLarge(raw.tooLarge, maxBytes) as Extract<RawBodyResult, { ok: false }>));
		}
		const read = readJsonBody(raw.bytes, maxBytes, Number(this.getNodeParameter('maxDepth', DEFAULT_MAX_DEPTH)));
		if (!read.ok) return answer(res, bodyRefusal(read));
		item.body = read.value as IDataObject;
		if (bodyMode === 'airflowCallback') {
			const minutes = Number(this.getNodeParameter('repeatMinutes', 5));
			// an invalid callback goes on to the workflow, whose check answers 400 with the field
			const checked = checkAirflowCallback(read.value, { contentType: headerValue(req.headers, 'content-type'), maxBodyBytes: maxBytes });
			if (checked.ok && minutes > 0) {
				const key = checked.event.eventKey;
				if (recentKeys.repeat(key, Date.now(), minutes * 60_000)) return answer(res, { status: 200, body: { stored: false, eventKey: key, repeat: true } });
				// the key counts as taken in only if the workflow answers 202 (stored, or already stored):
				// after a failed answer (500: the database was away) a resend is processed again
				let answered = false;
				res.once('finish', () => {
					answered = true;
					if (res.statusCode !== 202) recentKeys.forget(key);
				});
				res.once('close', () => {
					if (!answered) recentKeys.forget(key);
				});
			}
		}
		return { workflowData: [[{ json: item }]] };
	}
}
