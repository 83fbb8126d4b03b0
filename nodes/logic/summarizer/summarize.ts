/**
 * One failure from log to summary: prepare, fingerprint, reuse a known summary, ask the model,
 * check its answer, and fall back to the heuristic whenever the model cannot answer.
 */
import { fingerprintOf, type FingerprintScope } from './fingerprint';
import { heuristicSummary, missingLogSummary } from './heuristic';
import { findKnownSummary } from './known';
import { prepareLog, checkTokenBudget, type PreparedFailure } from './prepare';
import { buildMessages, promptOverheadTokens, promptTokens, languageName, type ChatMessage } from './prompt';
import { checkModelAnswer } from './validate';
import type { FailureContext, SummaryOutput } from './types';

export interface ChatAnswer {
	content: string | null;
	model: string;
	usage?: { promptTokens: number; completionTokens: number; totalTokens: number };
}

/** The model, as the summarizer needs it; the openai client implements it (see openaiClient.ts). */
export interface ChatModel {
	complete(messages: ChatMessage[]): Promise<ChatAnswer>;
}

/** A model call that failed, with a reason safe to show (no key, no request body). */
export class ModelCallError extends Error {
	readonly status: number | null;
	readonly kind: 'auth' | 'rate_limit' | 'timeout' | 'connection' | 'server' | 'request' | 'other';
	constructor(message: string, kind: ModelCallError['kind'], status: number | null = null) {
		super(message);
		this.name = 'ModelCallError';
		this.kind = kind;
		this.status = status;
	}
}

export interface SummarizeRequest {
	log: string | Uint8Array | null | undefined;
	context: FailureContext;
	language: string;
	tokenBudget?: number;
	redactEmails?: boolean;
	extraSecrets?: string[];
	fingerprintScope?: FingerprintScope;
	/** earlier summaries (object, list or JSON text) to reuse when the fingerprint matches */
	knownSummaries?: unknown;
	/** null: model turned off */
	model: ChatModel | null;
	/** what to do when the model fails: answer with the heuristic (default) or throw */
	onModelError?: 'fallback' | 'throw';
}

export interface SummarizeResult {
	summary: SummaryOutput;
	prepared: PreparedFailure;
	/** the messages that were (or would have been) sent */
	messages: ChatMessage[];
	promptTokens: number;
	modelCalls: number;
}

function heuristicOutput(prepared: PreparedFailure, request: SummarizeRequest, fingerprint: string, reason: string): SummaryOutput {
	const fields = prepared.empty
		? missingLogSummary(prepared.notes.join('; ') || 'the log is empty', request.context, request.language)
		: heuristicSummary(prepared.signature, prepared.windowText, request.context, request.language);
	return { ...fields, fingerprint, summarizedBy: 'heuristic', redactions: prepared.redactions, fallbackReason: reason };
}

/** Prepares the log and builds the prompt within the budget (no model call). */
export function preparePrompt(request: SummarizeRequest): { prepared: PreparedFailure; fingerprint: string; messages: ChatMessage[]; promptTokens: number } {
	const budget = checkTokenBudget(request.tokenBudget);
	languageName(request.language);
	const logTokens = budget - promptOverheadTokens(request.context, request.language);
	const prepared = prepareLog({ log: request.log, logTokens, redactEmails: request.redactEmails, extraSecrets: request.extraSecrets });
	const fingerprint = prepared.empty ? fingerprintOf({ exceptionType: 'EmptyLog', message: prepared.notes.join('; '), location: null, failureLine: null }, request.context, request.fingerprintScope) : fingerprintOf(prepared.signature, request.context, request.fingerprintScope);
	const messages = buildMessages(prepared.text, request.context, request.language);
	return { prepared, fingerprint, messages, promptTokens: promptTokens(messages) };
}

/** Summarizes one failure. Throws InputError for bad settings, ModelCallError only when onModelError is 'throw'. */
export async function summarizeFailure(request: SummarizeRequest): Promise<SummarizeResult> {
	const { prepared, fingerprint, messages, promptTokens } = preparePrompt(request);
	const result = (summary: SummaryOutput, modelCalls: number): SummarizeResult => ({ summary, prepared, messages, promptTokens, modelCalls });
	if (prepared.empty) return result(heuristicOutput(prepared, request, fingerprint, prepared.notes.join('; ')), 0);
	const known = findKnownSummary(request.knownSummaries, fingerprint);
	if (known) return result({ ...known, redactions: prepared.redactions }, 0);
	if (!request.model) return result(heuristicOutput(prepared, request, fingerprint, 'the model is turned off'), 0);
	let answer: ChatAnswer;
	try {
		answer = await request.model.complete(messages);
	} catch (error) {
		if (request.onModelError === 'throw') throw error;
		const reason = error instanceof ModelCallError ? error.message : 'the model call failed';
		return result(heuristicOutput(prepared, request, fingerprint, reason), 1);
	}
	const check = checkModelAnswer(answer.content);
	const extras = { model: answer.model, ...(answer.usage ? { usage: answer.usage } : {}) };
	if (!check.ok) {
		if (request.onModelError === 'throw') throw new ModelCallError(`The model's answer was refused: ${check.problem}`, 'other');
		return result({ ...heuristicOutput(prepared, request, fingerprint, `the model's answer was refused: ${check.problem}`), ...extras }, 1);
	}
	return result({ ...check.fields, fingerprint, summarizedBy: 'llm', ...extras, redactions: prepared.redactions }, 1);
}
