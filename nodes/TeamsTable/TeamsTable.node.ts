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
import { deliverAll } from '../logic/teams/send';
import type { Delivery } from '../logic/teams/send';
import type { CardLayout, ColumnKind, ColumnRequest, EmptyMode, Language, Mention, OverflowMode, ReportOptions, TeamsFormat, TeamsMessage } from '../logic/teams/types';
import { checkWebhookUrl, redactUrl } from '../logic/teams/webhookUrl';
import type { CheckedWebhook, WebhookKind } from '../logic/teams/webhookUrl';
import { properties } from './description';

interface Options {
	fullWidth?: boolean;
	layout?: CardLayout;
	maxCellChars?: number;
	maxBytes?: number;
	maxParts?: number;
	mentions?: { person?: Mention[] };
	maxRetries?: number;
	maxRetryWaitSec?: number;
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
	if (warnings.length) json.warnings = warnings;
	return json;
}

async function webhookOf(ctx: IExecuteFunctions): Promise<CheckedWebhook> {
	const credentials = await ctx.getCredentials<{ webhookUrl: string; kind?: 'auto' | WebhookKind }>('teamsWebhookApi');
	try {
		return checkWebhookUrl(credentials.webhookUrl, credentials.kind ?? 'auto');
	} catch (error) {
		if (error instanceof InputError) {
			throw new NodeOperationError(ctx.getNode(), `Teams Webhook credential: ${error.message}`, { description: error.hint });
		}
		throw new NodeOperationError(ctx.getNode(), 'The Teams Webhook credential could not be read');
	}
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
		const allPaired = items.map((_, item) => ({ item }));
		let messages: TeamsMessage[];
		try {
			messages = buildMessages(items.map((i) => i.json), readOptions(this));
		} catch (error) {
			if (!(error instanceof InputError)) throw new NodeOperationError(this.getNode(), error as Error);
			if (this.continueOnFail()) return [[{ json: { error: error.message, hint: error.hint }, pairedItem: allPaired }]];
			throw new NodeOperationError(this.getNode(), error.message, { description: error.hint });
		}
		const pairedOf = (m: TeamsMessage) => (m.itemIndexes.length ? m.itemIndexes.map((item) => ({ item })) : allPaired);
		const send = this.getNodeParameter('send', 0, false) as boolean;
		const format = this.getNodeParameter('format', 0) as TeamsFormat;
		if (!send || (format !== 'adaptiveCard' && format !== 'messageCard')) {
			return [messages.map((m) => ({ json: toJson(m), pairedItem: pairedOf(m) }))];
		}

		const webhook = await webhookOf(this);
		if (webhook.warnings.length) this.addExecutionHints(...webhook.warnings.map((message) => ({ message, type: 'warning' as const, location: 'outputPane' as const })));
		const options = this.getNodeParameter('options', 0, {}) as Options;
		const deliveries = await deliverAll(webhook.url, messages.map((m) => m.body), {
			kind: webhook.kind,
			maxRetries: options.maxRetries ?? 3,
			maxWaitMs: (options.maxRetryWaitSec ?? 60) * 1000,
		});
		const failed = deliveries.map((d, i) => ({ d, m: messages[i] })).filter(({ d }) => !d.delivered);
		// Some parts delivered: no error (a re-run would post those again); every part says whether it
		// went through, so the workflow can resend only the others (e.g. the failure digest does).
		if (failed.length && failed.length < messages.length) {
			const text = failed.map(({ d, m }) => `part ${m.part}/${m.parts}: ${d.error ?? 'not delivered'}`).join('; ');
			this.addExecutionHints({ message: redactUrl(`Teams did not take ${failed.length} of ${messages.length} parts (${text}); see "delivered" on each item`, webhook.url), type: 'warning', location: 'outputPane' });
		}
		if (failed.length === messages.length && !this.continueOnFail()) {
			const first = failed[0];
			const text = failed.map(({ d, m }) => `part ${m.part}/${m.parts}: ${d.error ?? 'not delivered'}`).join('; ');
			throw new NodeApiError(this.getNode(), { message: redactUrl(text, webhook.url) } as JsonObject, {
				message: `Teams did not take ${failed.length} of ${messages.length} message(s)`,
				description: `${redactUrl(text, webhook.url)}. Check that the Workflows flow (or connector) is still on and the URL in the Teams Webhook credential is current; 413 means the message is too large (lower Max Message Size); 429 means too many messages (use Truncate or fewer Max Parts).`,
				httpCode: first.d.httpStatus === null ? undefined : String(first.d.httpStatus),
			});
		}
		return [messages.map((m, i) => ({ json: toJson(m, deliveries[i], webhook.warnings), pairedItem: pairedOf(m) }))];
	}
}
