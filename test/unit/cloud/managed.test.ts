/**
 * Managed Airflow (issue 13 part 3) through the Airflow client, against stand-ins that follow the
 * documented shapes (test/support/cloud/managed.ts) in front of the OpenAPI-checked Airflow
 * simulator: MWAA InvokeRestApi and web login (every AWS request's SigV4 signature recomputed by
 * the stand-in), Composer's service-account JWT exchange (the RS256 signature verified with the
 * public key). No real cloud is reachable here.
 */
import crypto from 'node:crypto';
import { AirflowClient } from '../../../nodes/logic/airflow/client';
import { AirflowApiError } from '../../../nodes/logic/airflow/transport';
import type { AuthConfig } from '../../../nodes/logic/airflow/types';
import { googleAccessToken, parseServiceAccountKey } from '../../../nodes/logic/cloud/google';
import { start, type Simulator } from '../../support/airflow/simulator';
import { startComposer, startMwaa, type ComposerStandIn, type MwaaStandIn } from '../../support/cloud/managed';
import { verifySigV4 } from '../../support/cloud/sigv4Verify';

jest.setTimeout(30_000);

const SECRET = 'mwaa-secret-' + crypto.randomBytes(8).toString('hex');
const KEYS = { AKIAN8NMONITOR: { secret: SECRET }, AKIAOTHERUSER: { secret: 'other-secret-value' }, ASIATEMPORARY: { secret: SECRET, sessionToken: 'temp-session-token', expiresAt: Date.now() - 1000 } };

let airflow: Simulator;
let mwaa: MwaaStandIn;
let composer: ComposerStandIn;
const clients: AirflowClient[] = [];

beforeAll(async () => {
	airflow = await start({ version: 'v1', dags: 4, runsPerDag: 3, seed: 9, auth: { disabled: true }, failureRate: 0.4 });
	mwaa = await startMwaa({ airflowUrl: airflow.url, region: 'ap-northeast-2', environment: 'DataPlatformProd', keys: KEYS, allowed: ['AKIAN8NMONITOR', 'ASIATEMPORARY'] });
	composer = await startComposer({ airflowUrl: airflow.url, expiresIn: 3599 });
});
afterEach(() => {
	for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
	await Promise.all([mwaa?.stop(), composer?.stop(), airflow?.stop()]);
	expect(airflow.violations).toEqual([]);
});

function client(auth: AuthConfig, baseUrl = 'https://airflow-ui.example.com'): AirflowClient {
	const c = new AirflowClient({ baseUrl, version: 'auto', auth, sleep: async () => undefined, retryBudgetMs: 1000 });
	clients.push(c);
	return c;
}
const mwaaAuth = (over: Partial<{ region: string; environment: string; accessKeyId: string; secretAccessKey: string; sessionToken: string }> = {}, kind: 'mwaaInvoke' | 'mwaaWebLogin' = 'mwaaInvoke'): AuthConfig => ({
	kind,
	mwaa: { region: 'ap-northeast-2', environment: 'DataPlatformProd', accessKeyId: 'AKIAN8NMONITOR', secretAccessKey: SECRET, endpoint: mwaa.url, ...over },
});
async function failure(p: Promise<unknown>): Promise<AirflowApiError> {
	const e = await p.then(() => null, (err: unknown) => err);
	expect(e).toBeInstanceOf(AirflowApiError);
	const err = e as AirflowApiError;
	// no secret in what the user sees
	for (const secret of [SECRET, composer.key.private_key.split('\n')[1], 'temp-session-token']) expect(`${err.message} ${err.hint}`).not.toContain(secret);
	return err;
}

it('the stand-in\'s SigV4 check agrees with AWS\'s published get-vanilla vector (so it can judge the client)', () => {
	const headers = { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z', authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' };
	const input = { method: 'GET', rawUrl: '/', headers, body: Buffer.alloc(0), region: 'us-east-1', service: 'service', keys: { AKIDEXAMPLE: { secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' } }, now: Date.parse('2015-08-30T12:36:00Z') };
	expect(verifySigV4(input)).toEqual({ ok: true, accessKeyId: 'AKIDEXAMPLE' });
	expect(verifySigV4({ ...input, keys: { AKIDEXAMPLE: { secret: 'wrong' } } })).toMatchObject({ ok: false, type: 'InvalidSignatureException' });
});

describe('Amazon MWAA: InvokeRestApi (SigV4)', () => {
	it('lists runs, reads a task log and finds Airflow 2 behind it; every AWS request carries a valid signature', async () => {
		const before = mwaa.requests.length;
		const c = client(mwaaAuth());
		const runs = await c.listRuns({ from: new Date(Date.now() - 2 * 86_400_000).toISOString() });
		expect(runs).toHaveLength(12);
		expect(await c.version()).toBe('v1');
		const failed = airflow.world.runs.find((r) => r.state === 'failed')!;
		const task = airflow.world.tasks(failed).find((t) => t.state === 'failed')!;
		const log = await c.getLog(failed.dagId, failed.runId, task.taskId, task.tryNumber);
		expect(log.text).toMatch(/Task failed with exception|Traceback|Error/);
		const mine = mwaa.requests.slice(before);
		expect(mine.length).toBeGreaterThanOrEqual(3);
		expect(mine.every((r) => r.path === '/restapi/DataPlatformProd' && r.status === 200)).toBe(true);
		expect(mwaa.violations).toEqual([]);
	});

	it('passes Airflow\'s own 404 on as Airflow\'s error (RestApiClientException)', async () => {
		const e = await failure(client(mwaaAuth()).getRun('no_such_dag', 'r1'));
		expect(e.status).toBe(404);
		expect(e.airflowMessage).toMatch(/DAG|not found/i);
	});

	it.each([
		['a wrong secret key', { secretAccessKey: 'not-the-secret' }, /InvalidSignatureException/, /secret access key.*clock/],
		['an unknown access key', { accessKeyId: 'AKIAUNKNOWN' }, /UnrecognizedClientException/, /does not know this access key ID/],
		['an identity without airflow:InvokeRestApi', { accessKeyId: 'AKIAOTHERUSER', secretAccessKey: 'other-secret-value' }, /AccessDeniedException/, /Allow the action airflow:InvokeRestApi on arn:aws:airflow:ap-northeast-2:<account>:environment\/DataPlatformProd/],
		['an unknown environment', { environment: 'DataPlatformDev' }, /ResourceNotFoundException/, /no MWAA environment named DataPlatformDev in ap-northeast-2/],
		['expired temporary credentials', { accessKeyId: 'ASIATEMPORARY', sessionToken: 'temp-session-token' }, /ExpiredTokenException/, /temporary credentials .* have expired/],
	])('%s: a clear error naming the value and the fix, no secret in it', async (_name, over, message, hint) => {
		const e = await failure(client(mwaaAuth(over)).listDags());
		expect(e.airflowMessage).toMatch(message);
		expect(e.hint).toMatch(hint);
		expect(e.kind).toBe('cloud');
	});

	it.each([
		['AWS Region', { region: 'Seoul' }, /AWS Region "Seoul" is not an AWS region/],
		['MWAA Environment Name', { environment: 'arn:aws:airflow:x' }, /MWAA Environment Name "arn:aws:airflow:x" is not an MWAA environment name/],
		['AWS Secret Access Key', { secretAccessKey: '' }, /AWS Secret Access Key is empty/],
	])('a bad %s is refused before anything is sent', async (_f, over, message) => {
		const before = mwaa.requests.length;
		expect(() => client(mwaaAuth(over))).toThrow(message);
		expect(mwaa.requests.length).toBe(before);
	});
});

describe('Amazon MWAA: web login token (Airflow 2)', () => {
	it('CreateWebLoginToken, then the session cookie; an ended session is renewed once', async () => {
		const c = client(mwaaAuth({}, 'mwaaWebLogin'), mwaa.url);
		const tokens = mwaa.webTokens;
		const violations = mwaa.violations.length;
		expect((await c.listDags()).length).toBe(4);
		expect(mwaa.webTokens).toBe(tokens + 1);
		expect(mwaa.sessions).toBeGreaterThanOrEqual(1);
		mwaa.expireSessions();
		expect((await c.listRuns({ from: new Date(Date.now() - 2 * 86_400_000).toISOString() })).length).toBe(12);
		expect(mwaa.webTokens).toBe(tokens + 2);
		expect(mwaa.violations.slice(violations)).toEqual([]);
	});

	it('a web server that refuses the login says so and names the fix', async () => {
		const e = await failure(client(mwaaAuth({}, 'mwaaWebLogin'), airflow.url).listDags());
		expect(e.airflowMessage).toMatch(/did not accept the web login token/);
		expect(e.hint).toMatch(/Base URL is https:\/\/127\.0\.0\.1:\d+.*InvokeRestApi/);
	});
});

describe('Google Cloud Composer: service-account key', () => {
	const auth = (): AuthConfig => ({ kind: 'googleServiceAccount', serviceAccountKey: JSON.stringify(composer.key) });

	it('exchanges a signed JWT for a token and reuses it across executions; claims as Google documents', async () => {
		const issued = composer.issued;
		expect((await client(auth(), composer.url).listDags()).length).toBe(4);
		expect((await client(auth(), composer.url).listDags()).length).toBe(4);
		expect(composer.issued).toBe(issued + 1);
		expect(composer.lastClaims).toMatchObject({ iss: composer.key.client_email, aud: `${composer.url}/token`, scope: 'https://www.googleapis.com/auth/cloud-platform' });
		const claims = composer.lastClaims as { iat: number; exp: number };
		expect(claims.exp - claims.iat).toBe(3600);
		expect(composer.violations).toEqual([]);
	});

	it('renews the token before it expires (refreshBeforeMs ahead, 5 minutes by default), not on every call', async () => {
		const short = await startComposer({ airflowUrl: airflow.url, expiresIn: 10 });
		try {
			const k = parseServiceAccountKey(JSON.stringify(short.key));
			// a 10 s token renewed 8 s ahead is good for 2 s
			const a = await googleAccessToken(k, { refreshBeforeMs: 8000 });
			expect(await googleAccessToken(k, { refreshBeforeMs: 8000 })).toBe(a);
			expect(short.issued).toBe(1);
			await new Promise((r) => setTimeout(r, 2100));
			const b = await googleAccessToken(k, { refreshBeforeMs: 8000 });
			expect(b).not.toBe(a);
			expect(short.issued).toBe(2);
			// with the default (5 minutes ahead) a 10 s token is renewed on every call
			await googleAccessToken(k);
			expect(short.issued).toBe(3);
		} finally {
			await short.stop();
		}
	});

	it('a token the server no longer accepts is renewed once, then the call succeeds', async () => {
		const c = client(auth(), composer.url);
		await c.listDags();
		const issued = composer.issued;
		composer.expireTokens();
		expect((await c.listDags()).length).toBe(4);
		expect(composer.issued).toBe(issued + 1);
	});

	it('a disabled key: the refusal names the service account and the fix, never the key', async () => {
		const other = await startComposer({ airflowUrl: airflow.url });
		try {
			other.disableKey();
			const e = await failure(client({ kind: 'googleServiceAccount', serviceAccountKey: JSON.stringify(other.key) }, other.url).listDags());
			expect(e.airflowMessage).toMatch(/the access token for n8n-monitor@example-project\.iam\.gserviceaccount\.com was refused: invalid_grant \(Invalid JWT Signature\.\)/);
			expect(e.hint).toMatch(/not deleted or disabled.*clock/);
			expect(`${e.message} ${e.hint}`).not.toContain(other.key.private_key.split('\n')[1]);
		} finally {
			await other.stop();
		}
	});

	it.each([
		['not JSON', 'hello', /not JSON/],
		['a user credential', JSON.stringify({ type: 'authorized_user', client_id: 'x' }), /"type" is "authorized_user", not "service_account"/],
		['no private key', JSON.stringify({ type: 'service_account', client_email: 'a@b.iam.gserviceaccount.com' }), /has no "private_key"/],
	])('a key that is %s is refused by name before anything is sent', (_n, text, message) => {
		expect(() => client({ kind: 'googleServiceAccount', serviceAccountKey: text }, composer.url)).toThrow(AirflowApiError);
		try {
			client({ kind: 'googleServiceAccount', serviceAccountKey: text }, composer.url);
		} catch (e) {
			expect((e as AirflowApiError).airflowMessage).toMatch(message);
			expect((e as AirflowApiError).hint).toMatch(/JSON key file/);
		}
	});
});

it('an unknown authentication scheme names the value and the choices', () => {
	try {
		client({ kind: 'kerberos' } as unknown as AuthConfig);
		throw new Error('accepted');
	} catch (e) {
		expect((e as AirflowApiError).airflowMessage).toBe('authentication "kerberos" is not a scheme this node knows');
		expect((e as AirflowApiError).hint).toMatch(/Amazon MWAA: InvokeRestApi \(SigV4\).*Google Cloud Composer: Service Account Key/);
	}
});
