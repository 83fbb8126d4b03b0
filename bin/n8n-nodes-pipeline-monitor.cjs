#!/usr/bin/env node
// `npx n8n-nodes-pipeline-monitor setup --n8n-url <url> --api-key <key>`: installs the ready
// workflows of this package into a running n8n (2.8 or later) through its public REST API
// (/api/v1): credentials created or updated by name, every workflow created or updated by name,
// nodes bound to the credential their file names, error workflow = the installed n8n error
// collector, report links from the instance's URL, published where it has a trigger.
// Idempotent (a second run changes nothing), --dry-run, every check before the first write.
// Plain Node 20 CommonJS with no dependency, so it runs from the package without a build.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const PACKAGE_NAME = 'n8n-nodes-pipeline-monitor';
const WORKFLOWS_DIR = path.join(__dirname, '..', 'workflows');
const ERROR_COLLECTOR_NAME = 'Pipeline Monitor: n8n error collector';
const STATUS_PAGE_NAME = 'Pipeline Monitor: status page';
const ACTIONS_NAME = 'Pipeline Monitor: failure actions';
const CALLBACK_HEADER = 'X-Pipeline-Monitor-Token';
/** where the setup keeps one salted scrypt fingerprint per credential it wrote (no secret) */
const RECORD_KEY = 'pipelineMonitorSetup';
const MIN_N8N = '2.8.0';

class SetupError extends Error {
	constructor(message, fix) {
		super(message);
		this.fix = fix;
	}
}

// ---------------------------------------------------------------------------------------------
// Inputs: one name per value, usable as a flag (--postgres-url), an environment variable
// (PM_POSTGRES_URL) or a key of the values file (JSON object or KEY=VALUE lines).
const VALUES = [
	['PM_POSTGRES_URL', 'postgres-url', 'monitor database, postgres://user:password@host:5432/db[?sslmode=require]', true],
	['PM_AIRFLOW_URL', 'airflow-url', 'Airflow base URL, e.g. https://airflow.example.com', false],
	['PM_AIRFLOW_API_VERSION', 'airflow-api-version', 'auto (default), v1 (Airflow 2) or v2 (Airflow 3)', false],
	['PM_AIRFLOW_AUTH', 'airflow-auth', 'basic, token, bearer or none (default: basic with a user, bearer with a token, else none)', false],
	['PM_AIRFLOW_USERNAME', 'airflow-username', 'Airflow user', false],
	['PM_AIRFLOW_PASSWORD', 'airflow-password', 'Airflow password', true],
	['PM_AIRFLOW_TOKEN', 'airflow-token', 'Airflow bearer token', true],
	['PM_AIRFLOW_UI_URL', 'airflow-ui-url', 'Airflow web UI URL for links (default: the base URL)', false],
	['PM_TEAMS_WEBHOOK_URL', 'teams-webhook-url', 'Teams Workflows (or connector) webhook URL', true],
	['PM_TEAMS_KIND', 'teams-kind', 'auto (default), workflows or connector', false],
	['PM_TEAMS_CHANNELS', 'teams-channels', 'more Teams channels: JSON {"data-eng": "https://…", "operations": "https://…"}', true],
	['OPENAI_API_KEY', 'openai-api-key', 'key of the OpenAI-compatible model server', true],
	['OPENAI_BASE_URL', 'openai-base-url', 'OpenAI-compatible base URL (default https://api.openai.com/v1)', false],
	['PM_CALLBACK_TOKEN', 'callback-token', `token Airflow sends in ${CALLBACK_HEADER}`, true],
	['PM_STATUS_USER', 'status-user', 'status page basic-auth user', false],
	['PM_STATUS_PASSWORD', 'status-password', 'status page basic-auth password', true],
	['PM_ACTION_KEY', 'action-key', 'key that signs the Acknowledge/Retry/Mute links on cards (default: a random one made at creation)', true],
];

function usage() {
	const rows = VALUES.map(([env, flag, text]) => `  --${flag.padEnd(22)} ${env.padEnd(24)} ${text}`).join('\n');
	return `Usage: npx ${PACKAGE_NAME} setup --n8n-url <url> --api-key <key> [options]

Installs the Pipeline Monitor credentials and workflows into a running n8n (${MIN_N8N} or later,
with the community package ${PACKAGE_NAME} installed) through its public API.

  --n8n-url <url>          (N8N_URL)       address of n8n, e.g. https://n8n.example.com
  --api-key <key>          (N8N_API_KEY)   n8n API key (Settings > n8n API)
  --public-url <url>       (PM_PUBLIC_URL) address readers use for report links (default: --n8n-url)
  --values-file <file>     (PM_VALUES_FILE) credential values: JSON {"PM_POSTGRES_URL": "..."} or KEY=VALUE lines
  --dry-run                print what would change, write nothing
  --help

Credential values (flag, environment variable or values file; needed only for a credential that
does not exist yet; given for an existing one, they replace its values when they differ):
${rows}
`;
}

function parseCommandLine(argv) {
	const options = { 'n8n-url': { type: 'string' }, 'api-key': { type: 'string' }, 'public-url': { type: 'string' }, 'values-file': { type: 'string' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, 'workflows-dir': { type: 'string' } };
	for (const [, flag] of VALUES) options[flag] = { type: 'string' };
	let parsed;
	try {
		parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
	} catch (error) {
		throw new SetupError(String(error.message).replace(/\. To specify a positional.*$/, ''), 'run with --help for the options');
	}
	return { command: parsed.positionals[0], extra: parsed.positionals.slice(1), flags: parsed.values };
}

function readValuesFile(file) {
	let text;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (error) {
		throw new SetupError(`cannot read the values file ${file}: ${error.code ?? error.message}`, 'give an existing file to --values-file');
	}
	const trimmed = text.trim();
	if (trimmed.startsWith('{')) {
		let obj;
		try {
			obj = JSON.parse(trimmed);
		} catch (error) {
			throw new SetupError(`the values file ${file} is not valid JSON (${error.message.replace(/"[^"]*"/g, '…')})`, 'fix its JSON, or use KEY=VALUE lines');
		}
		return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, v == null ? '' : String(v)]));
	}
	const out = {};
	for (const [i, raw] of text.split(/\r?\n/).entries()) {
		const line = raw.trim();
		if (!line || line.startsWith('#')) continue;
		const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
		if (!m) throw new SetupError(`the values file ${file}, line ${i + 1}, is not KEY=VALUE`, 'write one KEY=VALUE per line (or a JSON object)');
		out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
	}
	return out;
}

/** Collects options from flags, then the environment, then the values file. */
function collectInputs(flags, env) {
	const file = flags['values-file'] ?? env.PM_VALUES_FILE;
	const fromFile = file ? readValuesFile(file) : {};
	const known = new Set(VALUES.map(([k]) => k));
	const unknown = Object.keys(fromFile).filter((k) => !known.has(k) && !['N8N_URL', 'N8N_API_KEY', 'PM_PUBLIC_URL'].includes(k));
	if (unknown.length) throw new SetupError(`the values file ${file} has unknown names: ${unknown.join(', ')}`, `use the names listed by --help (${[...known].slice(0, 3).join(', ')}, …)`);
	const pick = (flag, name) => {
		const v = flags[flag] ?? env[name] ?? fromFile[name];
		return v === undefined || v === '' ? undefined : String(v);
	};
	const values = {};
	for (const [name, flag] of VALUES) values[name] = pick(flag, name);
	return {
		n8nUrl: pick('n8n-url', 'N8N_URL'),
		apiKey: pick('api-key', 'N8N_API_KEY'),
		publicUrl: pick('public-url', 'PM_PUBLIC_URL'),
		dryRun: Boolean(flags['dry-run']),
		workflowsDir: flags['workflows-dir'] ?? WORKFLOWS_DIR,
		values,
		secrets: [pick('api-key', 'N8N_API_KEY'), ...VALUES.filter((v) => v[3]).map(([name]) => values[name]), postgresPassword(values.PM_POSTGRES_URL)].filter(Boolean),
	};
}

function postgresPassword(url) {
	try {
		return url ? decodeURIComponent(new URL(url).password) : undefined;
	} catch {
		return undefined;
	}
}

function baseUrl(text, what, flag) {
	let u;
	try {
		u = new URL(text);
	} catch {
		throw new SetupError(`${what} is not a URL`, `give ${flag} as http(s)://host[:port], e.g. https://n8n.example.com`);
	}
	if (!/^https?:$/.test(u.protocol)) throw new SetupError(`${what} must start with http:// or https://, not ${u.protocol}`, `give ${flag} as http(s)://host[:port]`);
	if (u.search || u.hash || u.username) throw new SetupError(`${what} must not have a query, fragment or user info`, `give ${flag} as http(s)://host[:port][/path]`);
	return u.origin + u.pathname.replace(/\/+$/, '');
}

// ---------------------------------------------------------------------------------------------
// The credentials the workflow files name, with how their data is built from the inputs.
const CREDENTIALS = {
	'Pipeline Monitor DB': {
		type: 'postgres',
		inputs: ['PM_POSTGRES_URL'],
		build(v) {
			if (!v.PM_POSTGRES_URL) return { missing: ['PM_POSTGRES_URL'] };
			let u;
			try {
				u = new URL(v.PM_POSTGRES_URL);
			} catch {
				return { invalid: 'PM_POSTGRES_URL is not a URL (postgres://user:password@host:5432/db)' };
			}
			if (!/^postgres(ql)?:$/.test(u.protocol)) return { invalid: 'PM_POSTGRES_URL must start with postgres://' };
			const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
			if (!u.hostname || !u.username || !database) return { invalid: 'PM_POSTGRES_URL needs a user, a host and a database (postgres://user:password@host:5432/db)' };
			const sslmode = u.searchParams.get('sslmode') ?? 'disable';
			const ssl = { disable: 'disable', allow: 'allow', prefer: 'allow', require: 'require', 'verify-ca': 'require', 'verify-full': 'require' }[sslmode];
			if (!ssl) return { invalid: `PM_POSTGRES_URL has an unknown sslmode (disable, allow, prefer, require, verify-ca, verify-full)` };
			return {
				data: {
					host: u.hostname,
					port: Number(u.port || 5432),
					database,
					user: decodeURIComponent(u.username),
					password: decodeURIComponent(u.password),
					ssl,
					allowUnauthorizedCerts: false,
					maxConnections: 20,
					sshTunnel: false,
				},
			};
		},
	},
	Airflow: {
		type: 'airflowApi',
		inputs: ['PM_AIRFLOW_URL', 'PM_AIRFLOW_API_VERSION', 'PM_AIRFLOW_AUTH', 'PM_AIRFLOW_USERNAME', 'PM_AIRFLOW_PASSWORD', 'PM_AIRFLOW_TOKEN', 'PM_AIRFLOW_UI_URL'],
		build(v) {
			if (!v.PM_AIRFLOW_URL) return { missing: ['PM_AIRFLOW_URL'] };
			if (!/^https?:\/\/[^/]/.test(v.PM_AIRFLOW_URL)) return { invalid: 'PM_AIRFLOW_URL must be an http(s) URL' };
			const apiVersion = v.PM_AIRFLOW_API_VERSION ?? 'auto';
			if (!['auto', 'v1', 'v2'].includes(apiVersion)) return { invalid: 'PM_AIRFLOW_API_VERSION must be auto, v1 or v2' };
			const authType = v.PM_AIRFLOW_AUTH ?? (v.PM_AIRFLOW_USERNAME ? 'basic' : v.PM_AIRFLOW_TOKEN ? 'bearer' : 'none');
			if (!['basic', 'token', 'bearer', 'none'].includes(authType)) return { invalid: 'PM_AIRFLOW_AUTH must be basic, token, bearer or none' };
			const missing = [];
			if ((authType === 'basic' || authType === 'token') && !v.PM_AIRFLOW_USERNAME) missing.push('PM_AIRFLOW_USERNAME');
			if ((authType === 'basic' || authType === 'token') && !v.PM_AIRFLOW_PASSWORD) missing.push('PM_AIRFLOW_PASSWORD');
			if (authType === 'bearer' && !v.PM_AIRFLOW_TOKEN) missing.push('PM_AIRFLOW_TOKEN');
			if (missing.length) return { missing };
			return {
				data: {
					baseUrl: v.PM_AIRFLOW_URL,
					apiVersion,
					authType,
					username: v.PM_AIRFLOW_USERNAME ?? '',
					password: v.PM_AIRFLOW_PASSWORD ?? '',
					token: v.PM_AIRFLOW_TOKEN ?? '',
					uiBaseUrl: v.PM_AIRFLOW_UI_URL ?? '',
					allowSelfSigned: false,
				},
			};
		},
	},
	'Teams channel': {
		type: 'teamsWebhookApi',
		inputs: ['PM_TEAMS_WEBHOOK_URL', 'PM_TEAMS_KIND', 'PM_TEAMS_CHANNELS'],
		build(v) {
			if (!v.PM_TEAMS_WEBHOOK_URL) return { missing: ['PM_TEAMS_WEBHOOK_URL'] };
			if (!/^https?:\/\/[^/]/.test(v.PM_TEAMS_WEBHOOK_URL)) return { invalid: 'PM_TEAMS_WEBHOOK_URL must be an http(s) URL' };
			const kind = v.PM_TEAMS_KIND ?? 'auto';
			if (!['auto', 'workflows', 'connector'].includes(kind)) return { invalid: 'PM_TEAMS_KIND must be auto, workflows or connector' };
			let channels = '';
			if (v.PM_TEAMS_CHANNELS) {
				let parsed;
				try {
					parsed = JSON.parse(v.PM_TEAMS_CHANNELS);
				} catch {
					return { invalid: 'PM_TEAMS_CHANNELS must be a JSON object of channel name to webhook URL, e.g. {"data-eng": "https://…"}' };
				}
				if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { invalid: 'PM_TEAMS_CHANNELS must be a JSON object of channel name to webhook URL' };
				const bad = Object.entries(parsed).find(([name, url]) => !name.trim() || typeof url !== 'string' || !/^https?:\/\/[^/]/.test(url));
				if (bad) return { invalid: `PM_TEAMS_CHANNELS: channel "${bad[0]}" needs a name and an http(s) webhook URL` };
				channels = JSON.stringify(parsed);
			}
			return { data: { webhookUrl: v.PM_TEAMS_WEBHOOK_URL, kind, channels } };
		},
	},
	OpenAI: {
		type: 'pipelineMonitorOpenAiApi',
		inputs: ['OPENAI_API_KEY', 'OPENAI_BASE_URL'],
		build(v) {
			if (!v.OPENAI_API_KEY) return { missing: ['OPENAI_API_KEY'] };
			const url = v.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
			if (!/^https?:\/\/[^/]/.test(url)) return { invalid: 'OPENAI_BASE_URL must be an http(s) URL' };
			return { data: { provider: 'openai', apiKey: v.OPENAI_API_KEY, url, organization: '' } };
		},
	},
	'Pipeline Monitor callback token': {
		type: 'httpHeaderAuth',
		inputs: ['PM_CALLBACK_TOKEN'],
		build(v) {
			if (!v.PM_CALLBACK_TOKEN) return { missing: ['PM_CALLBACK_TOKEN'] };
			if (v.PM_CALLBACK_TOKEN.length < 16) return { invalid: 'PM_CALLBACK_TOKEN must be at least 16 characters' };
			return { data: { name: CALLBACK_HEADER, value: v.PM_CALLBACK_TOKEN } };
		},
	},
	'Pipeline Monitor status page': {
		type: 'httpBasicAuth',
		inputs: ['PM_STATUS_USER', 'PM_STATUS_PASSWORD'],
		build(v) {
			const missing = ['PM_STATUS_USER', 'PM_STATUS_PASSWORD'].filter((k) => !v[k]);
			if (missing.length) return { missing };
			return { data: { user: v.PM_STATUS_USER, password: v.PM_STATUS_PASSWORD } };
		},
	},
};

CREDENTIALS['Pipeline Monitor action key'] = {
	type: 'pipelineMonitorActionKeyApi',
	inputs: ['PM_ACTION_KEY'],
	build(v) {
		// only n8n uses the key (it signs and checks the links), so a random one is made when none is given
		const key = v.PM_ACTION_KEY ?? crypto.randomBytes(36).toString('base64url');
		if (key.length < 32) return { invalid: 'PM_ACTION_KEY must be at least 32 characters (e.g. openssl rand -base64 48)' };
		return { data: { key } };
	},
};

const flagOf = (name) => VALUES.find(([n]) => n === name)[1];

// ---------------------------------------------------------------------------------------------
// Workflow files

const WEBHOOKS = new Set(['n8n-nodes-base.webhook', 'n8n-nodes-pipeline-monitor.pipelineWebhook']);
const TRIGGERS = new Set([...WEBHOOKS, 'n8n-nodes-base.errorTrigger', 'n8n-nodes-base.scheduleTrigger', 'n8n-nodes-base.cron']);

function loadWorkflowFiles(dir) {
	if (!fs.existsSync(dir)) throw new SetupError(`the workflow folder ${dir} is missing`, `reinstall ${PACKAGE_NAME}`);
	const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
	const list = files.map((f) => ({ file: f, wf: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) }));
	const names = new Set();
	for (const { file, wf } of list) {
		if (!wf.name || !Array.isArray(wf.nodes)) throw new SetupError(`workflows/${file} is not a workflow`, `reinstall ${PACKAGE_NAME}`);
		if (names.has(wf.name)) throw new SetupError(`two workflow files are named "${wf.name}"`, `reinstall ${PACKAGE_NAME}`);
		names.add(wf.name);
		for (const node of wf.nodes)
			for (const [type, ref] of Object.entries(node.credentials ?? {})) {
				const spec = CREDENTIALS[ref.name];
				if (!spec || spec.type !== type) throw new SetupError(`workflows/${file}, node "${node.name}", names an unknown credential "${ref.name}" (${type})`, `reinstall ${PACKAGE_NAME}`);
			}
	}
	// the error collector first: the others name its id as their error workflow
	list.sort((a, b) => (a.wf.name === ERROR_COLLECTOR_NAME ? -1 : b.wf.name === ERROR_COLLECTOR_NAME ? 1 : 0));
	if (list[0]?.wf.name !== ERROR_COLLECTOR_NAME) throw new SetupError(`no workflow file is named "${ERROR_COLLECTOR_NAME}"`, `reinstall ${PACKAGE_NAME}`);
	return list;
}

const shouldPublish = (wf) => wf.nodes.some((n) => TRIGGERS.has(n.type) && !n.disabled);

function statusPageUrl(files, publicUrl, name = STATUS_PAGE_NAME) {
	const page = files.find(({ wf }) => wf.name === name)?.wf;
	const hook = page?.nodes.find((n) => WEBHOOKS.has(n.type));
	return hook ? `${publicUrl}/webhook/${String(hook.parameters.path).replace(/^\//, '')}` : '';
}

/** The workflow as it should be in n8n: credentials bound by name, links and error workflow set. */
function desiredWorkflow(wf, { credentialIds, collectorId, reportUrl, actionUrl, existing, record }) {
	const existingNodes = new Map((existing?.nodes ?? []).map((n) => [n.name, n]));
	const nodes = wf.nodes.map((source) => {
		const node = structuredClone(source);
		const old = existingNodes.get(node.name);
		// keep n8n's node ids and webhook ids of an installed node (webhook URLs stay the same)
		if (old?.id) node.id = old.id;
		if (old?.webhookId && node.type === old.type) node.webhookId = old.webhookId;
		for (const [type, ref] of Object.entries(node.credentials ?? {})) node.credentials[type] = { id: credentialIds[ref.name] ?? `(new "${ref.name}")`, name: ref.name };
		if (node.type === 'n8n-nodes-base.set' && node.name === 'Settings') {
			// what an operator set in an installed Settings node (language, time zone, ...) stays;
			// the report link is setup's
			const kept = new Map((old?.type === node.type ? (old.parameters?.assignments?.assignments ?? []) : []).map((a) => [a.name, a]));
			for (const a of node.parameters?.assignments?.assignments ?? []) {
				if (a.name === 'reportUrl' && reportUrl) a.value = reportUrl;
				else if (a.name === 'actionUrl' && actionUrl) a.value = actionUrl;
				else if (kept.has(a.name) && kept.get(a.name).type === a.type) a.value = kept.get(a.name).value;
			}
		}
		return node;
	});
	const settings = { ...(existing?.settings ?? {}), ...(wf.settings ?? {}) };
	if (wf.settings?.errorWorkflow) settings.errorWorkflow = collectorId ?? '(new error collector)';
	const body = { name: wf.name, nodes, connections: wf.connections, settings };
	if (record) body.staticData = { ...(existing?.staticData ?? {}), [RECORD_KEY]: record };
	else if (existing?.staticData) body.staticData = existing.staticData;
	return body;
}

function canonical(value) {
	if (Array.isArray(value)) return value.map(canonical);
	if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().filter((k) => value[k] !== undefined).map((k) => [k, canonical(value[k])]));
	return value;
}
const same = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** What differs between the installed workflow and the wanted one (empty: nothing). */
function workflowDifferences(existing, wanted) {
	const diffs = [];
	const have = new Map(existing.nodes.map((n) => [n.name, n]));
	const names = new Set(wanted.nodes.map((n) => n.name));
	for (const node of wanted.nodes) {
		const old = have.get(node.name);
		if (!old) diffs.push(`node "${node.name}" missing`);
		else if (!same(node, old)) diffs.push(`node "${node.name}" differs`);
	}
	for (const name of have.keys()) if (!names.has(name)) diffs.push(`extra node "${name}"`);
	if (!same(wanted.connections, existing.connections ?? {})) diffs.push('connections differ');
	const settingsDiffer = Object.keys(wanted.settings).filter((k) => !same(wanted.settings[k], existing.settings?.[k]));
	if (settingsDiffer.length) diffs.push(`settings ${settingsDiffer.join(', ')}`);
	if (wanted.staticData && !same(wanted.staticData, existing.staticData ?? null)) diffs.push('setup record');
	return diffs;
}

// ---------------------------------------------------------------------------------------------
// Fingerprints: a credential this setup wrote is recorded as salted scrypt of its data, so a
// later run with the same values changes nothing and one with other values updates it.

function fingerprint(data, salt = crypto.randomBytes(16)) {
	const hash = crypto.scryptSync(JSON.stringify(canonical(data)), salt, 32, { N: 16384, r: 8, p: 1 });
	return `scrypt1$${salt.toString('base64')}$${hash.toString('base64')}`;
}
function matchesFingerprint(data, recorded) {
	const m = /^scrypt1\$([^$]+)\$([^$]+)$/.exec(recorded ?? '');
	return Boolean(m) && fingerprint(data, Buffer.from(m[1], 'base64')) === recorded;
}

// ---------------------------------------------------------------------------------------------
// n8n public API

class Api {
	constructor(url, apiKey, redact) {
		this.url = url;
		this.apiKey = apiKey;
		this.redact = redact;
	}

	async raw(method, p, body) {
		const url = `${this.url}/api/v1${p}`;
		let res;
		try {
			res = await fetch(url, {
				method,
				headers: { 'X-N8N-API-KEY': this.apiKey, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
				body: body ? JSON.stringify(body) : undefined,
				signal: AbortSignal.timeout(30_000),
			});
		} catch (error) {
			const cause = error.cause?.code ?? error.cause?.message ?? error.name ?? error.message;
			throw new SetupError(`cannot reach n8n at ${this.url} (${cause})`, 'check --n8n-url: the address you open the n8n editor at, e.g. https://n8n.example.com, reachable from this machine');
		}
		const text = await res.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		return { status: res.status, json, text };
	}

	async call(method, p, body, what) {
		const res = await this.raw(method, p, body);
		if (res.status >= 200 && res.status < 300) return res.json;
		const message = this.redact(String(res.json?.message ?? res.text).slice(0, 300));
		if (res.status === 401) throw new SetupError(`n8n refused the API key (401 on ${method} /api/v1${p})`, 'create a key in n8n (Settings > n8n API) and pass it as --api-key or N8N_API_KEY');
		if (res.status === 403) throw new SetupError(`the API key may not ${what} (403 on ${method} /api/v1${p}: ${message})`, 'use a key of the instance owner or an admin, with the workflow and credential scopes');
		throw new SetupError(`n8n could not ${what}: ${res.status} on ${method} /api/v1${p}: ${message}`, 'fix what n8n names and run setup again (it continues where it stopped)');
	}

	async all(p, what) {
		const out = [];
		let cursor;
		for (;;) {
			const sep = p.includes('?') ? '&' : '?';
			const page = await this.call('GET', `${p}${sep}limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, what);
			out.push(...(page?.data ?? []));
			if (!page?.nextCursor) return out;
			cursor = page.nextCursor;
		}
	}
}

/** Checks that this is an n8n with a public API new enough, and that the key works. */
async function checkInstance(api) {
	const probe = await api.raw('GET', '/workflows?limit=1');
	if (probe.status === 401) throw new SetupError(`n8n at ${api.url} refused the API key (401)`, 'create a key in n8n (Settings > n8n API) and pass it as --api-key or N8N_API_KEY');
	if (probe.status === 403) throw new SetupError(`the API key may not list workflows (403)`, 'give the key the workflow:list, workflow:read, workflow:create, workflow:update, workflow:activate and credential:* scopes');
	if (probe.status !== 200 || !Array.isArray(probe.json?.data)) {
		const health = await fetch(`${api.url}/healthz`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.json().catch(() => null), () => null);
		if (health?.status === 'ok')
			throw new SetupError(`n8n at ${api.url} has no public API (${probe.status} on /api/v1/workflows)`, 'enable it (unset N8N_PUBLIC_API_DISABLED) on n8n 1.x or later; n8n Cloud trial plans have no API');
		throw new SetupError(`${api.url} does not look like n8n (${probe.status} on /api/v1/workflows, no /healthz)`, 'check --n8n-url: the address you open the n8n editor at, without /api/v1');
	}
	const creds = await api.raw('GET', '/credentials?limit=1');
	if (creds.status === 403) throw new SetupError('the API key may not list credentials (403 on GET /api/v1/credentials)', 'use a key of the instance owner or an admin, with the credential:list scope');
	if (creds.status === 404 || creds.status === 405 || (creds.status === 200 && !Array.isArray(creds.json?.data)))
		throw new SetupError(`this n8n is too old for setup: its public API cannot list credentials (GET /api/v1/credentials answers ${creds.status}; added in n8n ${MIN_N8N})`, `upgrade n8n to ${MIN_N8N} or later, or import the workflows by hand (docs/Workflows.md)`);
	if (creds.status !== 200) await api.call('GET', '/credentials?limit=1', undefined, 'list credentials');
}

// ---------------------------------------------------------------------------------------------

async function plan(inputs, log) {
	const { values } = inputs;
	const files = loadWorkflowFiles(inputs.workflowsDir);
	const api = new Api(inputs.n8nUrl, inputs.apiKey, inputs.redact);
	await checkInstance(api);

	// node and credential types of this package must be installed in that n8n
	const types = [...new Set(Object.values(CREDENTIALS).map((c) => c.type))];
	const schemas = {};
	for (const type of types) {
		const res = await api.raw('GET', `/credentials/schema/${type}`);
		schemas[type] = res.json;
		if (res.status === 404)
			throw new SetupError(`n8n does not know the credential type ${type}${Object.values(CREDENTIALS).some((c) => c.type === type && !['postgres', 'httpHeaderAuth', 'httpBasicAuth'].includes(type)) ? ` (the community package ${PACKAGE_NAME} is not installed there)` : ''}`, `install ${PACKAGE_NAME} in n8n (Settings > Community Nodes > Install, or npm in ~/.n8n/nodes) and restart n8n, then run setup again`);
		if (res.status !== 200) await api.call('GET', `/credentials/schema/${type}`, undefined, `read the credential type ${type}`);
	}

	const existingCreds = await api.all('/credentials', 'list credentials');
	// archived workflows are n8n's bin: not matched, a new one is created beside them
	const existingWfs = (await api.all('/workflows?excludePinnedData=true', 'list workflows')).filter((w) => !w.isArchived);
	const collector = findOne(existingWfs, ERROR_COLLECTOR_NAME, 'workflow');
	const record = collector?.staticData?.[RECORD_KEY]?.credentials ?? {};

	const problems = [];
	const credentialSteps = [];
	for (const [name, spec] of Object.entries(CREDENTIALS)) {
		const matches = existingCreds.filter((c) => c.name === name);
		const sameType = matches.filter((c) => c.type === spec.type);
		if (matches.length && !sameType.length) {
			problems.push(`a credential named "${name}" exists with type ${matches[0].type}, not ${spec.type}: rename it in n8n (Overview > Credentials), then run setup again`);
			continue;
		}
		if (sameType.length > 1) {
			problems.push(`${sameType.length} credentials are named "${name}" (${spec.type}): rename or delete all but one in n8n, then run setup again`);
			continue;
		}
		const existing = sameType[0];
		const given = spec.inputs.some((k) => values[k] !== undefined);
		const built = existing && !given ? null : spec.build(values);
		if (built?.missing) {
			problems.push(`credential "${name}" ${existing ? 'would be updated but misses' : 'does not exist in n8n yet and needs'} ${built.missing.map((k) => `${k} (--${flagOf(k)})`).join(', ')}`);
			continue;
		}
		if (built?.invalid) {
			problems.push(`credential "${name}": ${built.invalid}`);
			continue;
		}
		const mismatch = built && schemaMismatch(built.data, schemas[spec.type]);
		if (mismatch) {
			problems.push(`credential "${name}": n8n's ${spec.type} ${mismatch} (is the same version of ${PACKAGE_NAME} installed in n8n as the one running setup?)`);
			continue;
		}
		if (!existing) credentialSteps.push({ name, type: spec.type, action: 'create', data: built.data });
		else if (!built) credentialSteps.push({ name, type: spec.type, action: 'keep', id: existing.id, note: 'exists, no values given: kept as it is' });
		else if (matchesFingerprint(built.data, record[name])) credentialSteps.push({ name, type: spec.type, action: 'unchanged', id: existing.id, fingerprint: record[name] });
		else credentialSteps.push({ name, type: spec.type, action: 'update', id: existing.id, data: built.data, note: record[name] ? 'values differ from the last setup' : 'not written by setup before: values applied' });
	}

	const workflowSteps = [];
	for (const { file, wf } of files) {
		let existing = null;
		try {
			existing = findOne(existingWfs, wf.name, 'workflow');
		} catch (error) {
			problems.push(error.message);
			continue;
		}
		workflowSteps.push({ file, wf, existing, publish: shouldPublish(wf) });
	}
	if (problems.length) throw new SetupError(`nothing was changed; fix first:\n  - ${problems.join('\n  - ')}`, 'give the missing values as flags, environment variables or --values-file (see --help), then run setup again');

	const publicUrl = inputs.publicUrl ?? inputs.n8nUrl;
	const reportUrl = statusPageUrl(files, publicUrl);
	const actionUrl = statusPageUrl(files, publicUrl, ACTIONS_NAME);
	log(`n8n ${inputs.n8nUrl}: public API answers; ${existingCreds.length} credentials, ${existingWfs.length} workflows there`);
	return { api, credentialSteps, workflowSteps, reportUrl, actionUrl, collector };
}

/** What n8n's JSON schema of a credential type refuses in the data we would send, or null. */
function schemaMismatch(data, schema) {
	const properties = schema && typeof schema.properties === 'object' ? Object.keys(schema.properties) : [];
	if (!properties.length) return null;
	const missing = (Array.isArray(schema.required) ? schema.required : []).filter((k) => !(k in data));
	if (missing.length) return `needs ${missing.join(', ')}, which setup does not know`;
	const unknown = Object.keys(data).filter((k) => !properties.includes(k));
	if (unknown.length && schema.additionalProperties === false) return `does not take ${unknown.join(', ')}`;
	return null;
}

function findOne(list, name, what) {
	const found = list.filter((x) => x.name === name);
	if (found.length > 1) throw new SetupError(`${found.length} ${what}s are named "${name}": rename or delete all but one in n8n, then run setup again`);
	return found[0] ?? null;
}

function isPublished(w) {
	return Boolean(w && w.active && (w.activeVersionId === undefined || w.activeVersionId === w.versionId));
}

async function run(inputs, log) {
	const p = await plan(inputs, log);
	const { api, credentialSteps, workflowSteps, reportUrl, actionUrl } = p;
	const dry = inputs.dryRun;
	let changes = 0;
	const say = (text) => log(`${dry ? '[dry-run] would ' : ''}${text}`);

	// credentials
	const credentialIds = {};
	const record = {};
	for (const step of credentialSteps) {
		if (step.action === 'create') {
			changes++;
			say(`create credential "${step.name}" (${step.type})`);
			if (!dry) {
				const created = await api.call('POST', '/credentials', { name: step.name, type: step.type, data: step.data }, `create the credential "${step.name}"`);
				step.id = created.id;
			}
		} else if (step.action === 'update') {
			changes++;
			say(`update credential "${step.name}" (${step.type}): ${step.note}`);
			if (!dry) await api.call('PATCH', `/credentials/${step.id}`, { name: step.name, type: step.type, data: step.data }, `update the credential "${step.name}"`);
		} else log(`credential "${step.name}" (${step.type}): ${step.action === 'keep' ? step.note : 'unchanged'}`);
		credentialIds[step.name] = step.id;
		if (step.data) record[step.name] = fingerprint(step.data);
		else if (step.fingerprint) record[step.name] = step.fingerprint;
	}
	// keep fingerprints of credentials left as they were
	const oldRecord = p.collector?.staticData?.[RECORD_KEY]?.credentials ?? {};
	for (const step of credentialSteps) if (step.action === 'keep' && oldRecord[step.name]) record[step.name] = oldRecord[step.name];

	// workflows, the error collector first
	let collectorId = p.collector?.id;
	const toPublish = [];
	for (const step of workflowSteps) {
		const isCollector = step.wf.name === ERROR_COLLECTOR_NAME;
		const wanted = desiredWorkflow(step.wf, { credentialIds, collectorId, reportUrl, actionUrl, existing: step.existing, record: isCollector ? { credentials: record } : undefined });
		let current = step.existing;
		if (!current) {
			changes++;
			say(`create workflow "${step.wf.name}"`);
			if (!dry) current = await api.call('POST', '/workflows', wanted, `create the workflow "${step.wf.name}"`);
		} else {
			const diffs = workflowDifferences(current, wanted);
			if (diffs.length) {
				changes++;
				say(`update workflow "${step.wf.name}" (${diffs.slice(0, 4).join('; ')}${diffs.length > 4 ? `; ${diffs.length - 4} more` : ''})`);
				if (!dry) current = await api.call('PUT', `/workflows/${current.id}`, wanted, `update the workflow "${step.wf.name}"`);
			} else log(`workflow "${step.wf.name}": unchanged`);
		}
		if (isCollector) collectorId = current?.id;
		if (step.publish) toPublish.push({ step, id: current?.id });
	}

	// publish: the collector first (n8n runs an error workflow only when it is published)
	for (const { step, id } of toPublish) {
		const now = id && !dry ? await api.call('GET', `/workflows/${id}?excludePinnedData=true`, undefined, `read the workflow "${step.wf.name}"`) : step.existing;
		if (isPublished(now)) continue;
		changes++;
		say(`publish workflow "${step.wf.name}"`);
		if (!dry) await api.call('POST', `/workflows/${id}/activate`, {}, `publish the workflow "${step.wf.name}"`);
	}

	const setupDb = workflowSteps.find((s) => !s.publish);
	if (changes === 0) log(`Nothing to change: ${credentialSteps.length} credentials and ${workflowSteps.length} workflows are up to date.`);
	else if (dry) log(`Dry run: ${changes} change(s) listed above; nothing was written.`);
	else {
		log(`Done: ${changes} change(s). Status page: ${reportUrl}`);
		if (setupDb) log(`Next, once: open "${setupDb.wf.name}" in n8n and execute it to create the monitor's tables (idempotent).`);
	}
	return { changes, credentialIds, collectorId };
}

async function main(argv = process.argv.slice(2), env = process.env, out = process.stdout, err = process.stderr) {
	let secrets = [];
	// a secret is masked as given, JSON-escaped and URL-encoded (forms an echoing server may use)
	const forms = (s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)];
	const redact = (text) => secrets.flatMap(forms).reduce((t, s) => (s && s.length >= 4 ? t.split(s).join('***') : t), String(text));
	try {
		const { command, extra, flags } = parseCommandLine(argv);
		if (flags.help || !command) {
			out.write(usage());
			return flags.help ? 0 : 2;
		}
		if (command !== 'setup') throw new SetupError(`unknown command "${command}"`, `run npx ${PACKAGE_NAME} setup --help`);
		if (extra.length) throw new SetupError(`unexpected argument "${extra[0]}"`, 'run with --help for the options');
		const inputs = collectInputs(flags, env);
		secrets = inputs.secrets;
		if (!inputs.n8nUrl) throw new SetupError('the n8n URL is missing', 'give --n8n-url https://your-n8n (or N8N_URL)');
		if (!inputs.apiKey) throw new SetupError('the n8n API key is missing', 'create one in n8n (Settings > n8n API) and give it as --api-key or N8N_API_KEY');
		inputs.n8nUrl = baseUrl(inputs.n8nUrl, 'the n8n URL', '--n8n-url').replace(/\/api\/v1$/, '');
		if (inputs.publicUrl) inputs.publicUrl = baseUrl(inputs.publicUrl, 'the public URL', '--public-url');
		inputs.redact = redact;
		await run(inputs, (line) => out.write(redact(line) + '\n'));
		return 0;
	} catch (error) {
		if (error instanceof SetupError) {
			err.write(redact(`setup failed: ${error.message}\n${error.fix ? `fix: ${error.fix}\n` : ''}`));
			return 1;
		}
		err.write(redact(`setup failed unexpectedly: ${error?.stack ?? error}\n`));
		return 1;
	}
}

module.exports = { main, fingerprint, matchesFingerprint, desiredWorkflow, workflowDifferences, loadWorkflowFiles, collectInputs, CREDENTIALS, SetupError };

if (require.main === module) {
	main().then((code) => {
		process.exitCode = code;
	});
}
