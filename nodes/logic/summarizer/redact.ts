/**
 * Redaction of secrets before any text leaves the machine. Each rule has a kind; the replacement
 * `[REDACTED:kind]` tells the model (and a reader) that something was there without showing it.
 * Counts per kind go to the output so a workflow can alert on leaked credentials in logs.
 */
import type { RedactionKind } from './types';

export interface RedactOptions {
	redactEmails?: boolean;
	extraSecrets?: string[];
	/** collect the redacted values (for tests and the benchmark only; never put them in output) */
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

const SECRET_KEYS = [
	'password',
	'passwd',
	'pwd',
	'passphrase',
	'secret',
	'client[._-]?secret',
	'secret[._-]?key',
	'access[._-]?key',
	'api[._-]?key',
	'token',
	'access[._-]?token',
	'refresh[._-]?token',
	'auth[._-]?token',
	'id[._-]?token',
	'session[._-]?token',
	'private[._-]?key',
	'accountkey',
	'sharedaccesskey',
	'sig',
	'signature',
	'credentials?',
].join('|');

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
		kind: 'apiToken',
		pattern:
			/\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}|sk_live_[A-Za-z0-9]{20,}|hf_[A-Za-z0-9]{30,}|npm_[A-Za-z0-9]{36})\b|hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g,
		keepGroup: 0,
	},
	{
		kind: 'urlPassword',
		pattern: /\b([a-z][a-z0-9+._-]{1,30}:\/\/[^\s:@/?#'"]{1,100}:)([^\s@/?#'"]{1,200})(@)/gi,
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
		pattern: /(;\s*(?:Password|Pwd|AccountKey|SharedAccessKey|SharedAccessSignature)\s*=\s*)([^;\s'"]+)/gi,
		keepGroup: 1,
		valueGroup: 2,
		accept: (value) => isRealSecretValue(value),
	},
	{
		kind: 'keyValueSecret',
		pattern: new RegExp(
			`((?<![A-Za-z0-9_.-])["']?(?:[A-Za-z0-9_.-]*?(?:${SECRET_KEYS})|비밀번호|패스워드|암호)["']?)(?![A-Za-z0-9_])(\\s*(?:=>|=|:)\\s*)("[^"\\n]*"|'[^'\\n]*'|\\$\\{[^}\\n]*\\}|\\{\\{[^}\\n]*\\}\\}|[^\\s,;&'"})\\]]+)`,
			'gi',
		),
		keepGroup: 0,
		valueGroup: 3,
		accept: (value, match) => (match[2].includes('=') ? isRealSecretValue(value) : looksLikeCredential(value)),
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
	const collect = options.collect === true;
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
