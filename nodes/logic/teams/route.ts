/**
 * Routing items to Teams channels: each item names its channel (e.g. the pipeline's team, from
 * `pipelines.teams_channel`), the credential maps channel names to webhook URLs, and items whose
 * channel is empty or unknown go to the default channel, saying so. Channel URLs are secrets:
 * errors name the channel, never its URL.
 */
import { InputError } from '../shared/errors';
import { readPath } from './cells';
import type { Json } from './shape';
import { checkWebhookUrl } from './webhookUrl';
import type { CheckedWebhook, WebhookKind } from './webhookUrl';

export interface ChannelGroup {
	/** the channel the items asked for ('' when they named none) */
	channel: string;
	/** where the group goes: the named channel's webhook, or the default one */
	webhook: CheckedWebhook;
	/** the indexes of the group's items in the input */
	indexes: number[];
	/** why the group went to the default channel instead of its own, or null */
	fallback: string | null;
}

/** Reads the credential's channel map: a JSON object `{ "name": "https://…" }` (empty: none). */
export function parseChannels(raw: unknown, kind: 'auto' | WebhookKind = 'auto'): Map<string, CheckedWebhook> {
	const channels = new Map<string, CheckedWebhook>();
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (text === '') return channels;
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new InputError('channels', '(hidden)', 'is not JSON', 'Write the channels as a JSON object of name to webhook URL: {"data-eng": "https://…", "analytics": "https://…"}.');
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new InputError('channels', '(hidden)', 'is not a JSON object', 'Write the channels as a JSON object of name to webhook URL: {"data-eng": "https://…"}.');
	}
	for (const [name, url] of Object.entries(parsed as Record<string, unknown>)) {
		const key = name.trim();
		if (!key) throw new InputError('channels', '(empty name)', 'has a channel without a name', 'Give every channel a name, the value items carry in their channel field.');
		try {
			channels.set(key, checkWebhookUrl(url, kind));
		} catch (error) {
			if (error instanceof InputError) throw new InputError(`channels.${key}`, '(hidden)', 'is not a usable webhook URL', error.hint);
			throw error;
		}
	}
	return channels;
}

/**
 * Groups the items by the channel named at `field` (a dot path), in the order channels first
 * appear. A missing or unknown channel goes to the default webhook with the reason; one group per
 * destination, so two unknown names that both fall back are still separate groups (their
 * reasons differ) but never lose an item.
 */
export function routeItems(items: readonly Json[], field: string, channels: ReadonlyMap<string, CheckedWebhook>, fallbackWebhook: CheckedWebhook): ChannelGroup[] {
	const groups = new Map<string, ChannelGroup>();
	items.forEach((item, index) => {
		const value = readPath(item, field);
		const channel = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
		let group = groups.get(channel);
		if (!group) {
			const webhook = channels.get(channel);
			group = {
				channel,
				webhook: webhook ?? fallbackWebhook,
				indexes: [],
				fallback: webhook ? null : channel === '' ? `no channel in "${field}"` : `channel "${channel}" is not configured`,
			};
			groups.set(channel, group);
		}
		group.indexes.push(index);
	});
	return [...groups.values()];
}
