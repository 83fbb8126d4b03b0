import { InputError } from '../shared/errors';

/** Which kind of endpoint a webhook URL is: a Workflows (Power Automate) trigger or a legacy connector. */
export type WebhookKind = 'workflows' | 'connector';

export interface CheckedWebhook {
	url: string;
	kind: WebhookKind;
	/** things worth telling the user that do not stop the send (e.g. an unknown host, for proxies) */
	warnings: string[];
}

const WORKFLOWS_HOSTS = [/\.logic\.azure\.com$/i, /\.api\.powerplatform\.com$/i, /\.powerautomate\.com$/i, /\.flow\.microsoft\.com$/i];
const CONNECTOR_HOSTS = [/\.webhook\.office\.com$/i, /^outlook\.office(365)?\.com$/i];

function isLoopback(host: string): boolean {
	return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/** A legacy Office 365 connector URL (`.../webhookb2/...` or `.../IncomingWebhook/...`). */
export function isConnectorUrl(url: URL): boolean {
	return CONNECTOR_HOSTS.some((re) => re.test(url.hostname)) || /\/webhookb2\/|\/IncomingWebhook\//i.test(url.pathname);
}

/**
 * Checks a webhook URL without sending anything. Unparseable URLs and other schemes are errors;
 * a host that is neither Power Automate nor an Office connector only warns, so proxies work.
 * Error texts never contain the URL (it is a secret: anyone holding it can post to the channel).
 */
export function checkWebhookUrl(raw: unknown, kind: 'auto' | WebhookKind = 'auto'): CheckedWebhook {
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (!text) throw new InputError('webhookUrl', '(empty)', 'is empty', 'Paste the URL from the Teams Workflows "Post to a channel when a webhook request is received" template, or from a connector.');
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new InputError('webhookUrl', '(hidden)', 'is not a valid URL', 'Copy the whole URL, starting with https://, into the Teams Webhook credential.');
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new InputError('webhookUrl', url.protocol, 'has a scheme that is not https', 'Teams webhook URLs start with https://.');
	}
	const warnings: string[] = [];
	const known = WORKFLOWS_HOSTS.some((re) => re.test(url.hostname)) || CONNECTOR_HOSTS.some((re) => re.test(url.hostname));
	if (!known && !isLoopback(url.hostname)) {
		warnings.push(`The webhook host "${url.hostname}" is not a Teams Workflows (Power Automate) or Office 365 connector host; sending anyway (fine for a proxy).`);
	}
	if (url.protocol === 'http:' && !isLoopback(url.hostname)) warnings.push('The webhook URL uses http, not https: the message and the URL travel unencrypted.');
	const detected: WebhookKind = isConnectorUrl(url) ? 'connector' : 'workflows';
	return { url: url.href, kind: kind === 'auto' ? detected : kind, warnings };
}

/** Removes every trace of the URL (whole, path, query, signature) from a text. */
export function redactUrl(text: string, url: string): string {
	let out = text;
	const pieces = [url, url.replace(/\/$/, '')];
	try {
		const parsed = new URL(url);
		pieces.push(parsed.pathname + parsed.search, parsed.search.slice(1), parsed.pathname);
		for (const value of parsed.searchParams.values()) if (value.length >= 8) pieces.push(value, encodeURIComponent(value));
	} catch {
		// not a URL: the whole text is redacted below
	}
	for (const piece of pieces.filter((p) => p.length >= 8).sort((a, b) => b.length - a.length)) {
		out = out.split(piece).join('[webhook URL]');
	}
	return out.replace(/sig=[A-Za-z0-9%_-]+/g, 'sig=[redacted]');
}
