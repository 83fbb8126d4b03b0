import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { ICredentialsDecrypted, ICredentialTestFunctions, IDataObject, IExecuteFunctions, INodeCredentialTestResult, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { cardLinks } from '../logic/actions/links';
import { checkForm } from '../logic/actions/form';
import { previousFixLine } from '../logic/actions/resolution';
import { confirmPage, refusalPage, resultPage } from '../logic/actions/page';
import type { ActionResult, CheckedRequest, EventInfo } from '../logic/actions/page';
import { ACTIONS, checkKey, checkLink, expiryOf, isActionName } from '../logic/actions/sign';
import type { ActionName } from '../logic/actions/sign';
import { InputError } from '../logic/shared/errors';
import { checkZone } from '../logic/shared/time';
import type { Language } from '../logic/teams/types';
import { toNodeError } from '../shared/inputErrors';

type Operation = 'addLinks' | 'checkLink' | 'renderPage';

const show = (operation: Operation[]) => ({ show: { operation } });

function objectParameter(ctx: IExecuteFunctions, name: string, i: number): Record<string, unknown> | null {
	let value = ctx.getNodeParameter(name, i, null) as unknown;
	if (typeof value === 'string') {
		if (value.trim() === '') return null;
		try {
			value = JSON.parse(value);
		} catch {
			throw new NodeOperationError(ctx.getNode(), `Parameter "${name}" is not JSON`, { itemIndex: i, description: 'Use an expression that returns an object, e.g. {{ $json }}.' });
		}
	}
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function languageOf(value: unknown): Language {
	return value === 'ko' ? 'ko' : 'en';
}

/** The key from the credential; its value never reaches an error. */
async function signingKey(ctx: IExecuteFunctions): Promise<string> {
	const credentials = await ctx.getCredentials<{ key?: string }>('pipelineMonitorActionKeyApi');
	try {
		return checkKey(credentials.key);
	} catch (error) {
		if (error instanceof InputError) throw new NodeOperationError(ctx.getNode(), `Pipeline Monitor Action Key credential: ${error.message}`, { description: error.hint });
		throw new NodeOperationError(ctx.getNode(), 'The Pipeline Monitor Action Key credential could not be read');
	}
}

function addLinks(ctx: IExecuteFunctions, item: INodeExecutionData, i: number, key: string, now: number): IDataObject {
	const actions = (ctx.getNodeParameter('actions', i, []) as string[]).filter(isActionName);
	const field = (ctx.getNodeParameter('outputField', i, 'links') as string).trim() || 'links';
	const language = languageOf(ctx.getNodeParameter('language', i, 'en'));
	const { links, warnings } = cardLinks({
		language,
		runbookUrl: ctx.getNodeParameter('runbookUrl', i, ''),
		defaultRunbookUrl: ctx.getNodeParameter('defaultRunbookUrl', i, ''),
		logUrl: ctx.getNodeParameter('logUrl', i, ''),
		statusUrl: ctx.getNodeParameter('statusUrl', i, ''),
		actionUrl: ctx.getNodeParameter('actionUrl', i, ''),
		key,
		eventId: ctx.getNodeParameter('eventId', i, ''),
		pipeline: ctx.getNodeParameter('pipeline', i, ''),
		actions,
		expiresAt: expiryOf(now, ctx.getNodeParameter('expiresInHours', i, 24)),
	});
	const json: IDataObject = { ...item.json, [field]: links as unknown as IDataObject[] };
	const previous = objectParameter(ctx, 'previousFix', i);
	json.lastFix = previousFixLine(previous ? { at: previous.at, by: previous.by, note: previous.note } : null, language, checkZone(ctx.getNodeParameter('timezone', i, 'Asia/Seoul') as string));
	const before = Array.isArray(item.json.linkWarnings) ? (item.json.linkWarnings as unknown[]).filter((w): w is string => typeof w === 'string') : [];
	if (warnings.length) json.linkWarnings = [...before, ...warnings];
	return json;
}

function checkRequest(ctx: IExecuteFunctions, i: number, key: string, now: number): IDataObject {
	const mode = ctx.getNodeParameter('mode', i, 'view') as 'view' | 'perform';
	const fields = objectParameter(ctx, 'linkFields', i);
	const nonceUsed = ctx.getNodeParameter('nonceUsed', i, false) as boolean;
	const check = checkLink(key, fields, { now, nonceUsed: nonceUsed === true });
	const out: IDataObject = {
		ok: check.ok,
		status: check.status,
		refusal: check.ok ? null : check.refusal,
		reason: check.ok ? null : check.reason,
		// signature valid: who, what and which failure can be trusted (and recorded, refused or not)
		identified: check.claims !== null,
		action: check.claims?.action ?? null,
		eventId: check.claims?.eventId ?? null,
		pipeline: check.claims?.pipeline ?? null,
		nonce: check.claims?.nonce ?? null,
		expiresAt: check.claims ? new Date(check.claims.expiresAt * 1000).toISOString() : null,
		mode,
	};
	if (!check.ok) return out;
	if (mode === 'view') return { ...out, link: fields as IDataObject };
	const form = checkForm(check.claims.action, objectParameter(ctx, 'formFields', i) ?? {});
	if (!form.ok) return { ...out, ok: false, status: 400, refusal: 'invalid_form', reason: form.problem, formField: form.field };
	return { ...out, actor: form.form.actor, note: form.form.note, hours: form.form.hours };
}

function renderPage(ctx: IExecuteFunctions, i: number): IDataObject {
	const page = ctx.getNodeParameter('page', i, 'confirm') as 'confirm' | 'result';
	const language = languageOf(ctx.getNodeParameter('language', i, 'en'));
	const zone = checkZone(ctx.getNodeParameter('timezone', i, 'Asia/Seoul') as string);
	const check = objectParameter(ctx, 'checkResult', i);
	if (!check || typeof check.ok !== 'boolean' || typeof check.status !== 'number') {
		throw new NodeOperationError(ctx.getNode(), 'Parameter "Check Result" is not the output of a Check Link node', { itemIndex: i, description: 'Map the Check Link item, e.g. {{ $("Check Link").first().json }}.' });
	}
	const event = objectParameter(ctx, 'event', i) as EventInfo | null;
	if (page === 'confirm' || !check.ok) {
		const rendered = check.ok ? confirmPage(check as unknown as CheckedRequest, event, language, zone) : refusalPage(check as unknown as CheckedRequest, event, language, zone);
		return { ...rendered };
	}
	const result = (objectParameter(ctx, 'result', i) ?? {}) as ActionResult;
	return { ...resultPage(check as unknown as CheckedRequest, event, result, language, zone) };
}

export class ActionLinks implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Action Links',
		name: 'actionLinks',
		icon: { light: 'file:actionLinks.svg', dark: 'file:actionLinks.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ {"addLinks": "add card links", "checkLink": "check a link", "renderPage": "render page"}[$parameter["operation"]] }}',
		description: 'Signed Acknowledge / Retry / Mute links and Runbook, Log and Status page buttons for failure cards, and the checks and pages of the action webhook',
		defaults: { name: 'Action Links' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'pipelineMonitorActionKeyApi', required: true, testedBy: 'actionKeyTest', displayOptions: { show: { operation: ['addLinks', 'checkLink'] } } }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Add Card Links', value: 'addLinks', description: 'Add Runbook, Log, Status page and signed action links to each item (for Teams Table)', action: 'Add card links' },
					{ name: 'Check Link', value: 'checkLink', description: 'Check a signed link that came back to the action webhook: 403 tampered, 410 expired, 409 used', action: 'Check an action link' },
					{ name: 'Render Page', value: 'renderPage', description: 'The HTML confirmation or result page of the action webhook', action: 'Render an action page' },
				],
				default: 'addLinks',
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'options',
				options: [
					{ name: 'English', value: 'en' },
					{ name: 'Korean (한국어)', value: 'ko' },
				],
				default: 'en',
				displayOptions: show(['addLinks', 'renderPage']),
			},
			// ---- addLinks
			{ displayName: 'Action Endpoint URL', name: 'actionUrl', type: 'string', default: '', placeholder: 'https://n8n.example.com/webhook/pipeline-monitor/action', description: 'Production URL of the failure-actions webhook; empty: no Acknowledge / Retry / Mute buttons', displayOptions: show(['addLinks']) },
			{ displayName: 'Event ID', name: 'eventId', type: 'string', default: '', placeholder: '={{ $json.eventId }}', description: 'The number of the stored failure in pipeline_monitor.events', displayOptions: show(['addLinks']) },
			{ displayName: 'Pipeline', name: 'pipeline', type: 'string', default: '', placeholder: '={{ $json.pipeline }}', displayOptions: show(['addLinks']) },
			{
				displayName: 'Actions',
				name: 'actions',
				type: 'multiOptions',
				options: ACTIONS.map((a: ActionName) => ({ name: a === 'retry' ? 'Retry Failed Tasks' : a[0].toUpperCase() + a.slice(1), value: a })),
				default: ['acknowledge', 'retry', 'mute'],
				description: 'Which signed action links to add (Retry only makes sense for Airflow runs)',
				displayOptions: show(['addLinks']),
			},
			{ displayName: 'Links Expire After (Hours)', name: 'expiresInHours', type: 'number', typeOptions: { minValue: 0.1, maxValue: 24 }, default: 24, description: 'At most 24', displayOptions: show(['addLinks']) },
			{ displayName: 'Runbook URL', name: 'runbookUrl', type: 'string', default: '', description: "The pipeline's runbook; a malformed URL is left out with a warning", displayOptions: show(['addLinks']) },
			{ displayName: 'Default Runbook URL', name: 'defaultRunbookUrl', type: 'string', default: '', description: "Used when the pipeline has no runbook (or a malformed one), e.g. the failure category's", displayOptions: show(['addLinks']) },
			{ displayName: 'Log URL', name: 'logUrl', type: 'string', default: '', displayOptions: show(['addLinks']) },
			{ displayName: 'Status Page URL', name: 'statusUrl', type: 'string', default: '', displayOptions: show(['addLinks']) },
			{ displayName: 'Previous Fix', name: 'previousFix', type: 'json', default: '', description: 'The last acknowledged failure with the same fingerprint, {at, by, note}: written as the line "2026-11-12, resolved by Kim: …" into the field lastFix', displayOptions: show(['addLinks']) },
			{ displayName: 'Output Field', name: 'outputField', type: 'string', default: 'links', description: 'Field that receives the list of buttons: kind, title and link (Teams Table draws them)', displayOptions: show(['addLinks']) },
			// ---- checkLink
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				options: [
					{ name: 'View (GET: Confirmation Page Only)', value: 'view' },
					{ name: 'Perform (POST: Check the Form Too)', value: 'perform' },
				],
				default: 'view',
				displayOptions: show(['checkLink']),
			},
			{ displayName: 'Link Fields', name: 'linkFields', type: 'json', default: '={{ $json.query }}', description: 'The link fields a, e, p, x, n, s: the query of a GET, the form body of a POST', displayOptions: show(['checkLink']) },
			{ displayName: 'Form Fields', name: 'formFields', type: 'json', default: '={{ $json.body }}', description: 'The POSTed form (actor, note, hours)', displayOptions: { show: { operation: ['checkLink'], mode: ['perform'] } } },
			{ displayName: 'Nonce Already Used', name: 'nonceUsed', type: 'boolean', default: false, description: "Whether the link's nonce is already in the actions table (then 409)", displayOptions: show(['checkLink']) },
			// ---- renderPage
			{
				displayName: 'Page',
				name: 'page',
				type: 'options',
				options: [
					{ name: 'Confirmation (GET)', value: 'confirm' },
					{ name: 'Result (POST)', value: 'result' },
				],
				default: 'confirm',
				displayOptions: show(['renderPage']),
			},
			{ displayName: 'Time Zone', name: 'timezone', type: 'string', default: 'Asia/Seoul', description: 'IANA zone of the dates shown', displayOptions: show(['addLinks', 'renderPage']) },
			{ displayName: 'Check Result', name: 'checkResult', type: 'json', default: '={{ $json }}', description: 'The Check Link output', displayOptions: show(['renderPage']) },
			{ displayName: 'Event', name: 'event', type: 'json', default: '', description: 'The failure: pipeline, taskId, runId, receivedAt, summary, acknowledgedAt, acknowledgedBy, resolutionNote, previousFix', displayOptions: show(['renderPage']) },
			{ displayName: 'Result', name: 'result', type: 'json', default: '', description: 'What the action did: outcome (done, failed, replay), detail, mutedUntil, cleared', displayOptions: { show: { operation: ['renderPage'], page: ['result'] } } },
		],
	};

	methods = {
		credentialTest: {
			/** Checks the key's length only: nothing to call, the key is n8n's own. */
			async actionKeyTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				try {
					checkKey(credential.data?.key);
					return { status: 'OK', message: 'The key is long enough to sign action links.' };
				} catch (error) {
					return { status: 'Error', message: error instanceof InputError ? `${error.message}. ${error.hint}` : 'The key could not be checked' };
				}
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as Operation;
		const key = operation === 'renderPage' ? '' : await signingKey(this);
		const now = Date.now();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const json = operation === 'addLinks' ? addLinks(this, items[i], i, key, now) : operation === 'checkLink' ? checkRequest(this, i, key, now) : renderPage(this, i);
				out.push({ json, pairedItem: { item: i } });
			} catch (error) {
				const nodeError = toNodeError(this, error, i, 'items');
				if (!this.continueOnFail()) throw nodeError;
				out.push({ json: { error: nodeError.message, hint: nodeError.description ?? null }, pairedItem: { item: i } });
			}
		}
		return [out];
	}
}
