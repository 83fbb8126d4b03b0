/**
 * Redaction of secrets before any text leaves the machine. Each rule has a kind; the replacement
 * `[REDACTED:kind]` tells the model (and a reader) that something was there without showing it.
 * Counts per kind go to the output so a workflow can alert on leaked credentials in logs.
 */
import type { RedactionKind } from './types';

export interface RedactOptions {
	redactEmails?: boolean;
	extraSecrets?: string[];
	/** kept for callers that asked for the values; they are always collected now (output scrubbing needs them) */
	collect?: boolean;
}

export interface RedactionResult {
	text: string;
	counts: Record<string, number>;
	found: Array<{ kind: RedactionKind; value: string }>;
}

interface Rule {
	kind: RedactionKind;
	pattern: RegExp;
	/** the part of the match that stays (before the secret), by group number; 0 = nothing */
	keepGroup: number;
	/** decides whether a match really is a secret (placeholders and plain words are not) */
	accept?: (value: string, match: RegExpExecArray) => boolean;
	/** the group that holds the secret; default: all after keepGroup */
	valueGroup?: number;
	/** the part of the match that stays after the secret, by group number */
	tailGroup?: number;
}

export function marker(kind: string): string {
	return `[REDACTED:${kind}]`;
}

const PLACEHOLDER = /^(?:\*+|x{3,}|none|null|nil|undefined|""|''|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%\([^)]*\)s|\[REDACTED[^\]]*\]?|\*\*\*\*+.*)$/i;

function unquote(value: string): string {
	return value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0] ? value.slice(1, -1) : value;
}

/** Whether a value after `key=` is a real value rather than a placeholder such as `***` or `None`. */
export function isRealSecretValue(value: string): boolean {
	const inner = unquote(value).trim();
	return inner.length > 0 && !PLACEHOLDER.test(inner);
}

/**
 * Whether a value after `key:` (colon, unquoted) looks like a credential rather than a word of
 * prose ("Invalid token: signature expired"): 8+ characters with a digit or symbol in it.
 */
export function looksLikeCredential(value: string): boolean {
	const inner = unquote(value);
	if (inner !== value) return isRealSecretValue(value);
	return inner.length >= 8 && /[0-9+/=_\-!@#$%^&*]/.test(inner) && !PLACEHOLDER.test(inner);
}

const SECRET_WORDS = /(?:key|keys|token|tokens|secret|secrets|password|passwords|passwd|passphrase|pwd|pass|credential|credentials|creds|cookie|cookies|session|sessionid|sig|signature|auth|oauth|authorization|authtoken|authkey)$/;
/** Name parts after a secret word that make the name about something else (`password_expiry`, `token_count`, `key_file`). */
const NOT_SECRET_TAIL = new Set([
	'error', 'errors', 'exception', 'warning', 'expiry', 'expires', 'expiration', 'expired', 'length', 'len', 'count', 'size', 'policy', 'age', 'required',
	'enabled', 'type', 'types', 'file', 'path', 'dir', 'url', 'uri', 'endpoint', 'name', 'names', 'used', 'limit', 'max', 'min', 'ttl', 'timeout', 'version',
	'format', 'prefix', 'id_field', 'header', 'algorithm', 'alg', 'method', 'mode', 'provider', 'backend', 'scope', 'scopes', 'issuer', 'audience', 'rotation',
	'rotated', 'manager', 'store', 'vault', 'source', 'role', 'user', 'username', 'login', 'strategy', 'timestamp', 'created', 'updated', 'index', 'hash',
]);

/** Splits a name into lower-case parts at `.`, `_`, `-`, spaces and camelCase boundaries: `X-Api-Key` → x, api, key. */
export function nameParts(name: string): string[] {
	return name
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
		.split(/[\s._\-[\]]+/)
		.map((p) => p.toLowerCase())
		.filter(Boolean);
}

/**
 * Whether a field name (query parameter, header, JSON/YAML key, env var, keyword argument) names a
 * secret: a part of it is or ends with key, token, secret, password/passwd/pwd, credential, auth,
 * session, cookie, sig/signature (serviceKey, X-Api-Key, client_secret, AUTH_TOKEN, jsessionid),
 * and no later part turns it into something else (password_expiry, token_count, KeyError).
 */
export function isSecretName(name: string): boolean {
	if (/[가-힣]/.test(name)) return /비밀번호|패스워드|암호|토큰|인증키/.test(name);
	const parts = nameParts(name);
	if (parts.length === 0 || parts.length > 8) return false;
	const last = parts[parts.length - 1];
	// exception and status names (`ForeignKeyViolation`, `InvalidTokenError`, `TokenExpired`) are not fields
	if (/(?:error|errors|exception|warning|violation|failure|fault|denied|refused|notfound|conflict|invalid|expired|exceeded|missing|mismatch)$/.test(last)) return false;
	for (let i = 0; i < parts.length; i++) {
		const part = parts[i];
		let secret = SECRET_WORDS.test(part);
		if (!secret && /^auth/.test(part) && !/^auth(?:or|ority|orities|ored|ors|enticat\w*)$/.test(part)) secret = true;
		if (!secret && /^(?:sig|pass|auth|oauth|session|cookie)$/.test(part) === false && /(?:secret|password|passwd)/.test(part)) secret = true;
		if (!secret) continue;
		if (/^(?:pass|sig|session|auth)$/.test(part) === false && /^(?:author|monkey|turkey|hockey|jockey|whiskey|keys?pace)$/.test(part)) continue;
		const rest = parts.slice(i + 1);
		if (/key$/.test(part) && rest.length === 1 && rest[0] === 'id') continue; // private_key_id, key_id: which key, not the key
		if (rest.some((p) => NOT_SECRET_TAIL.has(p) || /^\d+$/.test(p) === false && /(?:error|exception)$/.test(p))) continue;
		return true;
	}
	return false;
}

/** Values that are settings rather than secrets: short numbers, booleans, dates. */
function isPlainSetting(value: string): boolean {
	const inner = unquote(value).trim();
	return /^-?\d{1,6}(?:\.\d+)?$/.test(inner) || /^(?:true|false|yes|no|on|off|required|disabled|enabled|ok)$/i.test(inner) || /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?$/.test(inner);
}

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
	const counts = new Map<string, number>();
	for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
	let bits = 0;
	for (const n of counts.values()) {
		const p = n / value.length;
		bits -= p * Math.log2(p);
	}
	return bits;
}

/**
 * Whether a value after `=` or `:` is a high-entropy secret rather than an id: 20+ characters of
 * a key alphabet with upper case, lower case and digits mixed, not hex (SHAs, hashes), not a
 * UUID, not a date-stamped run id or a word_with_underscores identifier.
 */
export function looksHighEntropy(value: string): boolean {
	if (value.length < 20 || value.length > 512) return false;
	if (!/^[A-Za-z0-9+/_~.%-]+=*$/.test(value)) return false;
	if (/^[0-9a-f-]+$/i.test(value) || /\d{4}-\d{2}-\d{2}|__|\d{4}_\d{2}_\d{2}|[a-z]{3,}_[a-z]{3,}|\/\/|^\//.test(value)) return false;
	const upper = (value.match(/[A-Z]/g) ?? []).length;
	const lower = (value.match(/[a-z]/g) ?? []).length;
	const digits = (value.match(/[0-9]/g) ?? []).length;
	if (upper < 2 || lower < 2 || digits < 2) return false;
	return entropy(value) >= 3.8;
}

const NAME = `[A-Za-z_][A-Za-z0-9_.\\-]{0,80}|[가-힣]{2,10}`;
/** `name=value`, `name: value`, `"name": "value"`, `'name' => 'value'`, `--name value` is not covered (no separator). */
// (an unquoted value never starts with a `name=` of its own: in `driver: fs.secret.key=…` the
// pair to judge is the inner one, which a match of the outer name would swallow)
const NAMED_VALUE = new RegExp(
	`(?<![A-Za-z0-9_.\\-])(["']?)(${NAME})\\1(\\s*(?:=>|=|:)\\s*)("[^"\\n]*"|'[^'\\n]*'|\\$\\{[^}\\n]*\\}|\\{\\{[^}\\n]*\\}\\}|(?![[{(]|\\/\\/)(?!(?:${NAME})\\s*=>?\\s*[^\\s=])[^\\s,;&?#'"})\\]<>]+)`,
	'g',
);

/** Names of hashes and ids whose values are never redacted for their entropy alone. */
const HASH_NAME = /(?:md5|sha\d*|hash|etag|digest|checksum|crc\d*|commit|revision|rev|run_?id|uuid|guid|trace_?id|span_?id|request_?id|job_?id)$/i;

const RULES: Rule[] = [
	{
		kind: 'privateKey',
		pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----(?:[\s\S]*?-----END \1PRIVATE KEY-----|[^\n]*)/g,
		keepGroup: 0,
	},
	{ kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, keepGroup: 0 },
	{ kind: 'awsAccessKey', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, keepGroup: 0 },
	{ kind: 'gcpApiKey', pattern: /\bAIza[0-9A-Za-z_-]{35,}(?![0-9A-Za-z_-])/g, keepGroup: 0 },
	{ kind: 'gcpOAuthToken', pattern: /\bya29\.[0-9A-Za-z_-]{20,}/g, keepGroup: 0 },
	{
		kind: 'webhook',
		// Teams incoming webhooks (the path is the secret), Power Automate / Logic Apps workflow URLs (sig=),
		// Slack and Discord webhooks: the host stays, the path goes
		pattern:
			/(\bhttps?:\/\/(?:[a-z0-9-]+\.webhook\.office\.com\/webhook(?:b2)?\/|outlook\.office(?:365)?\.com\/webhook\/|[a-z0-9.-]+\.logic\.azure\.com(?::\d+)?\/|[a-z0-9.-]+\.api\.powerplatform\.com(?::\d+)?\/|hooks\.slack\.com\/(?:services|workflows|triggers)\/|(?:discord|discordapp)\.com\/api\/webhooks\/))([^\s'"<>)\]}]+)/gi,
		keepGroup: 1,
		valueGroup: 2,
	},
	{
		// the same webhook paths without their host (`Max retries exceeded with url: /api/webhooks/...`)
		kind: 'webhook',
		pattern: /((?:^|[\s'"(=:])\/(?:api\/webhooks\/\d{5,}|webhookb2|services\/T[A-Z0-9]{6,})\/)([^\s'"<>)\]}]+)/g,
		keepGroup: 1,
		valueGroup: 2,
	},
	{
		kind: 'apiToken',
		pattern:
			/\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|gl(?:pat|dt|rt|ptt|oas|cbt|imt|agent|ft|ffct|soat)-[A-Za-z0-9_-]{20,}|xox[abposre]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}|sk_live_[A-Za-z0-9]{20,}|rk_live_[A-Za-z0-9]{20,}|hf_[A-Za-z0-9]{30,}|npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{50,})(?![A-Za-z0-9_-])/g,
		keepGroup: 0,
	},
	{
		kind: 'urlPassword',
		pattern: /\b([a-z][a-z0-9+._-]{1,30}:\/\/[^\s:@/?#'"]{0,100}:)([^\s@/?#'"]{1,200})(@)/gi,
		keepGroup: 1,
		valueGroup: 2,
		tailGroup: 3,
		accept: (value) => isRealSecretValue(value),
	},
	{
		// Oracle thin URLs: jdbc:oracle:thin:user/password@//host:1521/service
		kind: 'connectionStringSecret',
		pattern: /(\bjdbc:oracle:(?:thin|oci):[^\s/@:]{1,100}\/)([^\s@'"]{1,200})(@)/gi,
		keepGroup: 1,
		valueGroup: 2,
		tailGroup: 3,
		accept: (value) => isRealSecretValue(value),
	},
	{
		kind: 'authorizationHeader',
		pattern: /\b((?:Bearer|Basic|Digest)\s+)([A-Za-z0-9._~+/-]{8,}=*)/g,
		keepGroup: 1,
		valueGroup: 2,
	},
	{
		kind: 'authorizationHeader',
		pattern: /\b((?:Proxy-)?Authorization["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic|Digest)\s)([^\s"',;]{6,}(?:\s+[^\s"',;[]{8,})?)/gi,
		keepGroup: 1,
		valueGroup: 2,
		accept: (value) => isRealSecretValue(value),
	},
	{
		kind: 'connectionStringSecret',
		pattern: /(;\s*(?:Password|Pwd|AccountKey|SharedAccessKey|SharedAccessSignature)\s*=\s*)(\{[^}]*\}|[^;\s'"]+)/gi,
		keepGroup: 1,
		valueGroup: 2,
		accept: (value) => isRealSecretValue(value),
	},
	{
		kind: 'keyValueSecret',
		pattern: NAMED_VALUE,
		keepGroup: 0,
		valueGroup: 4,
		accept: (value, match) => {
			const name = match[2];
			const separator = match[3];
			if (!isSecretName(name) || !isRealSecretValue(value) || isPlainSetting(value)) return false;
			// code, not data: `session=session`, `pkey=key`, `password=self.password`
			if (unquote(value) === value && /^[a-z_][a-z0-9_.]*$/.test(value) && (value === name.toLowerCase() || value.includes('.') || isSecretName(value))) return false;
			if (separator.includes('=') || match[1] !== '' || unquote(value) !== value) return true;
			// `name: value` unquoted: a compound name (api_key, X-Api-Key) is a field; a single word may be prose
			return nameParts(name).length > 1 || /[A-Z]/.test(name.slice(1)) ? unquote(value).length >= 4 : looksLikeCredential(value);
		},
	},
	{
		kind: 'highEntropy',
		pattern: NAMED_VALUE,
		keepGroup: 0,
		valueGroup: 4,
		accept: (value, match) => !HASH_NAME.test(match[2]) && looksHighEntropy(unquote(value)),
	},
];

const EMAIL_RULE: Rule = {
	kind: 'email',
	pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g,
	keepGroup: 0,
};

function count(counts: Record<string, number>, kind: string): void {
	counts[kind] = (counts[kind] ?? 0) + 1;
}

function applyRule(text: string, rule: Rule, result: RedactionResult, collect: boolean): string {
	rule.pattern.lastIndex = 0;
	return text.replace(rule.pattern, (...args: unknown[]) => {
		const whole = args[0] as string;
		const groups = args.slice(1, -2) as Array<string | undefined>;
		const match = Object.assign([whole, ...groups], { index: 0, input: text }) as unknown as RegExpExecArray;
		if (rule.valueGroup === undefined) {
			count(result.counts, rule.kind);
			if (collect) result.found.push({ kind: rule.kind, value: whole });
			return marker(rule.kind);
		}
		const value = match[rule.valueGroup] ?? '';
		if (unquote(value).includes('[REDACTED') || (rule.accept && !rule.accept(value, match))) return whole;
		count(result.counts, rule.kind);
		if (collect) result.found.push({ kind: rule.kind, value: unquote(value) });
		const quote = value !== unquote(value) ? value[0] : '';
		if (rule.keepGroup === 0) {
			// key=value rules: keep everything before the value
			const before = whole.slice(0, whole.length - value.length);
			return `${before}${quote}${marker(rule.kind)}${quote}`;
		}
		const tail = rule.tailGroup !== undefined ? (match[rule.tailGroup] ?? '') : '';
		return `${match[rule.keepGroup] ?? ''}${quote}${marker(rule.kind)}${quote}${tail}`;
	});
}

function redactLiterals(text: string, literals: string[], result: RedactionResult, collect: boolean): string {
	let out = text;
	for (const literal of literals) {
		if (literal.length < 4 || !out.includes(literal)) continue;
		const parts = out.split(literal);
		result.counts.extraSecret = (result.counts.extraSecret ?? 0) + parts.length - 1;
		if (collect) result.found.push({ kind: 'keyValueSecret', value: literal });
		out = parts.join(marker('extraSecret'));
	}
	return out;
}

/** Redacts secrets in a text and counts them per kind. */
export function redactSecrets(text: string, options: RedactOptions = {}): RedactionResult {
	const result: RedactionResult = { text, counts: {}, found: [] };
	const collect = true;
	let out = redactLiterals(text, options.extraSecrets ?? [], result, collect);
	for (const rule of RULES) out = applyRule(out, rule, result, collect);
	if (options.redactEmails) out = applyRule(out, EMAIL_RULE, result, collect);
	result.text = out;
	return result;
}

/** Adds one count record into another (used to sum per-line redactions). */
export function addCounts(into: Record<string, number>, from: Record<string, number>): Record<string, number> {
	for (const [kind, n] of Object.entries(from)) into[kind] = (into[kind] ?? 0) + n;
	return into;
}

/** Removes every occurrence of the given literal secrets (API keys) from a message. */
export function scrubLiterals(message: string, secrets: Array<string | undefined>): string {
	let out = message;
	for (const secret of secrets) {
		if (!secret || secret.length < 4) continue;
		out = out.split(secret).join('[REDACTED]');
		// providers echo a masked key ("sk-proj-****abcd"): drop the visible tail too
		const tail = secret.slice(-4);
		out = out.replace(new RegExp(`([*x•]{3,})${tail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'g'), '$1');
	}
	return out;
}
