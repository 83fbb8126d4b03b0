import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IExecuteFunctions,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	JsonObject,
} from 'n8n-workflow';
import { InputError } from '../logic/shared/errors';
import { buildMessages } from '../logic/teams/report';
import { DEFAULT_SEND_OPTIONS, RateLimiter, deliver } from '../logic/teams/send';
import type { Delivery } from '../logic/teams/send';
import type { CardLayout, ColumnKind, ColumnRequest, EmptyMode, Language, Mention, OverflowMode, ReportOptions, TeamsFormat, TeamsMessage } from '../logic/teams/types';
import { mentionsOf } from '../logic/teams/mentions';
import { parseChannels, routeItems } from '../logic/teams/route';
import type { ChannelGroup } from '../logic/teams/route';
import { checkWebhookUrl, redactUrl } from '../logic/teams/webhookUrl';
import type { CheckedWebhook, WebhookKind } from '../logic/teams/webhookUrl';
import { properties } from './description';

interface Options {
	fullWidth?: boolean;
	layout?: CardLayout;
	linksField?: string;
	maxCellChars?: number;
	maxBytes?: number;
	maxParts?: number;
	mentions?: { person?: Mention[] };
	maxRetries?: number;
	maxRetryWaitSec?: number;
	routeByField?: string;
	channel?: string;
	mentionField?: string;
	reportUrl?: string;
	subtitle?: string;
	whenEmpty?: EmptyMode;
}

function readOptions(ctx: IExecuteFunctions): ReportOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as Options;
	const columns = (ctx.getNodeParameter('columns', 0, {}) as { column?: { field: string; label?: string; kind?: ColumnKind }[] }).column ?? [];
	return {
		format: ctx.getNodeParameter('format', 0) as TeamsFormat,
		language: ctx.getNodeParameter('language', 0, 'en') as Language,
		timezone: ctx.getNodeParameter('timezone', 0, 'Asia/Seoul') as string,
		title: ctx.getNodeParameter('title', 0, '') as string,
		subtitle: options.subtitle ?? '',
		columns: columns.map((c): ColumnRequest => ({ field: c.field, label: c.label, kind: c.kind })),
		overflow: ctx.getNodeParameter('overflow', 0, 'split') as OverflowMode,
		maxBytes: options.maxBytes ?? 24576,
		maxParts: options.maxParts ?? 10,
		reportUrl: options.reportUrl || undefined,
		maxCellChars: options.maxCellChars ?? 300,
		mentions: options.mentions?.person ?? [],
		fullWidth: options.fullWidth ?? true,
		layout: options.layout ?? 'table',
		whenEmpty: options.whenEmpty ?? 'error',
		linksField: options.linksField ?? 'links',
	};
}

function toJson(message: TeamsMessage, delivery?: Delivery, warnings: string[] = []): IDataObject {
	const json: IDataObject = {
		payload: message.payload as IDataObject,
		format: message.format,
		bytes: message.bytes,
		part: message.part,
		parts: message.parts,
		rows: message.rows,
		omitted: message.omitted,
	};
	if (delivery) {
		json.delivered = delivery.delivered;
		json.httpStatus = delivery.httpStatus;
		json.error = delivery.error;
		json.attempts = delivery.attempts;
	}
	const all = [...new Set([...warnings, ...message.warnings])];
	if (all.length) json.warnings = all;
	return json;
}

/** The credential's default webhook and its named channels, checked; errors never show a URL. */
async function webhooksOf(ctx: IExecuteFunctions): Promise<{ webhook: CheckedWebhook; channels: Map<string, CheckedWebhook> }> {
	const credentials = await ctx.getCredentials<{ webhookUrl: string; kind?: 'auto' | WebhookKind; channels?: string }>('teamsWebhookApi');
	try {
		const kind = credentials.kind ?? 'auto';
		return { webhook: checkWebhookUrl(credentials.webhookUrl, kind), channels: parseChannels(credentials.channels, kind) };
	} catch (error) {
		if (error instanceof InputError) {
			throw new NodeOperationError(ctx.getNode(), `Teams Webhook credential: ${error.message}`, { description: error.hint });
		}
		throw new NodeOperationError(ctx.getNode(), 'The Teams Webhook credential could not be read');
	}
}

/** The line a card sent to the default channel carries, in the report's language. */
function fallbackNote(group: { channel: string; fallback: string | null }, language: Language): string {
	if (language === 'ko') return group.channel ? `채널 "${group.channel}" 설정이 없어 기본 채널로 보냄` : '채널 지정이 없어 기본 채널로 보냄';
	return `Sent to the default channel: ${group.fallback}`;
}

export class TeamsTable implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Teams Table',
		name: 'teamsTable',
		icon: { light: 'file:teamsTable.svg', dark: 'file:teamsTable.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["format"] + ($parameter["send"] ? " → Teams" : "")}}',
		description: 'Turns pipeline lights, row counts, runs and failure summaries into a Teams table message within Teams limits, and posts it',
		defaults: { name: 'Teams Table' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'teamsWebhookApi',
				required: true,
				testedBy: 'teamsWebhookApiTest',
				displayOptions: { show: { send: [true] } },
			},
		],
		properties,
	};

	methods = {
		credentialTest: {
			/** Checks the URL without posting: a test message in the channel would be noise. */
			async teamsWebhookApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				try {
					const checked = checkWebhookUrl(credential.data?.webhookUrl, (credential.data?.kind as 'auto' | WebhookKind | undefined) ?? 'auto');
					const note = checked.warnings.length ? ` (${checked.warnings.join(' ')})` : '';
					return { status: 'OK', message: `Looks like a ${checked.kind === 'connector' ? 'legacy connector' : 'Teams Workflows'} webhook URL${note}. Nothing was posted.` };
				} catch (error) {
					return { status: 'Error', message: error instanceof InputError ? `${error.message}. ${error.hint}` : 'The webhook URL could not be checked' };
				}
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const json = items.map((i) => i.json);
		const allPaired = items.map((_, item) => ({ item }));
		const send = this.getNodeParameter('send', 0, false) as boolean;
		const format = this.getNodeParameter('format', 0) as TeamsFormat;
		const sendable = send && (format === 'adaptiveCard' || format === 'messageCard');
		const options = this.getNodeParameter('options', 0, {}) as Options;
		const reportOptions = readOptions(this);

		// where each item goes: one group for all, or (Route by Field) one per channel
		const everything = [...items.keys()];
		let groups: ChannelGroup[] | Array<Omit<ChannelGroup, 'webhook'> & { webhook: null }> = [{ channel: '', webhook: null, indexes: everything, fallback: null }];
		let warnings: string[] = [];
		if (sendable) {
			const { webhook, channels } = await webhooksOf(this);
			warnings = [...webhook.warnings, ...[...channels.values()].flatMap((c) => c.warnings)];
			const routeBy = (options.routeByField ?? '').trim();
			const fixed = (options.channel ?? '').trim();
			if (routeBy && items.length) groups = routeItems(json, routeBy, channels, webhook);
			// one named channel for every item (e.g. the operations channel); empty = the default webhook
			else if (fixed && items.length) groups = routeItems(json.map(() => ({ channel: fixed })), 'channel', channels, webhook);
			else groups = [{ channel: '', webhook, indexes: everything, fallback: null }];
		}
		const mentionField = (options.mentionField ?? '').trim();
		const mentionsFor = (indexes: number[]) => (mentionField ? mentionsOf(indexes.map((i) => json[i]), mentionField) : { mentions: [], warnings: [] });
		if (mentionField) warnings = [...warnings, ...mentionsFor(everything).warnings];
		if (warnings.length) this.addExecutionHints(...[...new Set(warnings)].map((message) => ({ message, type: 'warning' as const, location: 'outputPane' as const })));

		let planned: Array<{ group: (typeof groups)[number]; message: TeamsMessage }>;
		try {
			planned = groups.flatMap((group) => {
				const note = group.fallback ? fallbackNote(group, reportOptions.language) : '';
				// the people the group's own items name (Mention Field) join the fixed ones, each once
				const mentions = [...reportOptions.mentions, ...mentionsFor(group.indexes).mentions].filter((m, i, all) => all.findIndex((o) => o.id.toLowerCase() === m.id.toLowerCase()) === i);
				const messages = buildMessages(group.indexes.map((i) => json[i]), {
					...reportOptions,
					mentions,
					// the fallback is said in the card's footer (issue 14), and in the output item (channel, fallback)
					...(note ? { footerNotes: [...(reportOptions.footerNotes ?? []), note] } : {}),
				});
				return messages.map((message) => ({ group, message: { ...message, itemIndexes: message.itemIndexes.map((i) => group.indexes[i]) } }));
			});
		} catch (error) {
			if (!(error instanceof InputError)) throw new NodeOperationError(this.getNode(), error as Error);
			if (this.continueOnFail()) return [[{ json: { error: error.message, hint: error.hint }, pairedItem: allPaired }]];
			throw new NodeOperationError(this.getNode(), error.message, { description: error.hint });
		}
		const pairedOf = (m: TeamsMessage) => (m.itemIndexes.length ? m.itemIndexes.map((item) => ({ item })) : allPaired);
		const routed = groups.length > 1 || groups.some((g) => g.channel !== '' || g.fallback !== null);
		const routing = (group: (typeof groups)[number]): IDataObject => (routed ? { channel: group.channel, fallback: group.fallback } : {});
		if (!sendable) return [planned.map(({ message }) => ({ json: toJson(message), pairedItem: pairedOf(message) }))];

		// in order, one rate limiter per webhook (Teams' limit is per channel), a failed part never stops the others
		const sendOptions = { ...DEFAULT_SEND_OPTIONS, maxRetries: options.maxRetries ?? 3, maxWaitMs: (options.maxRetryWaitSec ?? 60) * 1000 };
		const limiters = new Map<string, RateLimiter>();
		const deliveries: Delivery[] = [];
		for (const { group, message } of planned) {
			const { webhook } = group as ChannelGroup;
			if (!limiters.has(webhook.url)) limiters.set(webhook.url, new RateLimiter(sendOptions.minIntervalMs, sendOptions.now, sendOptions.sleep));
			deliveries.push(await deliver(webhook.url, message.body, { ...sendOptions, kind: webhook.kind }, limiters.get(webhook.url)));
		}
		const redact = (text: string) => (groups as ChannelGroup[]).reduce((out, g) => redactUrl(out, g.webhook.url), text);
		const failed = deliveries.map((d, i) => ({ d, m: planned[i].message, g: planned[i].group })).filter(({ d }) => !d.delivered);
		const describe = (list: typeof failed) =>
			redact(list.map(({ d, m, g }) => `${g.channel && !g.fallback ? `channel ${g.channel}, ` : ''}part ${m.part}/${m.parts}: ${d.error ?? 'not delivered'}`).join('; '));
		// Some parts delivered: no error (a re-run would post those again); every part says whether it
		// went through, so the workflow can resend only the others (e.g. the failure digest does).
		if (failed.length && failed.length < planned.length) {
			this.addExecutionHints({ message: `Teams did not take ${failed.length} of ${planned.length} parts (${describe(failed)}); see "delivered" on each item`, type: 'warning', location: 'outputPane' });
		}
		if (failed.length === planned.length && failed.length > 0 && !this.continueOnFail()) {
			const first = failed[0];
			throw new NodeApiError(this.getNode(), { message: describe(failed) } as JsonObject, {
				message: `Teams did not take ${failed.length} of ${planned.length} message(s)`,
				description: `${describe(failed)}. Check that the Workflows flow (or connector) is still on and the URL in the Teams Webhook credential is current; 413 means the message is too large (lower Max Message Size); 429 means too many messages (use Truncate or fewer Max Parts).`,
				httpCode: first.d.httpStatus === null ? undefined : String(first.d.httpStatus),
			});
		}
		return [planned.map(({ message, group }, i) => ({ json: { ...toJson(message, deliveries[i], warnings), ...routing(group) }, pairedItem: pairedOf(message) }))];
	}
}
