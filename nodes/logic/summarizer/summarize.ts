/**
 * One failure from log to summary: prepare, fingerprint, reuse a known summary, ask the model,
 * check its answer, and fall back to the heuristic whenever the model cannot answer.
 */
import { fingerprintOf, type FingerprintScope } from './fingerprint';
import { contradictsLog, CONTRADICTION_CONFIDENCE } from './contradiction';
import { heuristicSummary, missingLogSummary, unreadableReason } from './heuristic';
import { findKnownSummary } from './known';
import { prepareLog, checkTokenBudget, type PreparedFailure } from './prepare';
import { buildMessages, promptOverheadTokens, promptTokens, languageName, type ChatMessage } from './prompt';
import { secretScrubber, type SecretScrubber } from './scrub';
import { checkModelAnswer } from './validate';
import type { FailureContext, SummaryFields, SummaryOutput } from './types';

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
	/** estimated tokens of what was sent; 0 when nothing was sent (empty or binary log) */
	promptTokens: number;
	modelCalls: number;
	/** removes every redacted value (and fragments of 8+ characters) from anything the node outputs */
	scrub: SecretScrubber;
}

function heuristicOutput(prepared: PreparedFailure, request: SummarizeRequest, fingerprint: string | null, reason: string): SummaryOutput {
	if (prepared.empty) return unreadableOutput(prepared, request);
	const fields = heuristicSummary(prepared.signature, prepared.windowText, request.context, request.language);
	return { ...fields, fingerprint, summarizedBy: 'heuristic', redactions: prepared.redactions, fallbackReason: reason, logState: prepared.logState };
}

/** The output for a log with nothing to read: it says so, claims no summary, sends nothing. */
function unreadableOutput(prepared: PreparedFailure, request: SummarizeRequest): SummaryOutput {
	const reason = unreadableReason(prepared.logState === 'binary' ? 'binary' : prepared.notes.includes('no log was given') ? 'missing' : 'empty', request.language);
	return {
		...missingLogSummary(reason, request.context, request.language),
		fingerprint: null,
		// the collectors' database accepts llm | heuristic | cache; logState and the summary say that nothing was read
		summarizedBy: 'heuristic',
		redactions: {},
		fallbackReason: reason,
		logState: prepared.logState,
	};
}

/** Prepares the log and builds the prompt within the budget (no model call). */
export function preparePrompt(request: SummarizeRequest): { prepared: PreparedFailure; fingerprint: string | null; messages: ChatMessage[]; promptTokens: number } {
	const budget = checkTokenBudget(request.tokenBudget);
	languageName(request.language);
	const logTokens = budget - promptOverheadTokens(request.context, request.language);
	const prepared = prepareLog({ log: request.log, logTokens, redactEmails: request.redactEmails, extraSecrets: request.extraSecrets });
	const fingerprint = prepared.empty ? null : fingerprintOf(prepared.signature, request.context, request.fingerprintScope);
	if (prepared.empty) return { prepared, fingerprint, messages: [], promptTokens: 0 };
	const messages = buildMessages(prepared.text, request.context, request.language);
	return { prepared, fingerprint, messages, promptTokens: promptTokens(messages) };
}

/** Marks a model answer that contradicts the log (see contradiction.ts). */
function checkAgainstLog(fields: SummaryFields, prepared: PreparedFailure, request: SummarizeRequest): Partial<SummaryOutput> & SummaryFields {
	const rules = heuristicSummary(prepared.signature, prepared.windowText, request.context, request.language);
	if (!contradictsLog(fields, prepared.signature, rules.category)) return fields;
	return {
		...fields,
		confidence: Math.min(fields.confidence, CONTRADICTION_CONFIDENCE),
		contradictsLog: true,
		heuristicRootCause: rules.rootCause,
		heuristicCategory: rules.category,
	};
}

/** Summarizes one failure. Throws InputError for bad settings, ModelCallError only when onModelError is 'throw'. */
export async function summarizeFailure(request: SummarizeRequest): Promise<SummarizeResult> {
	const { prepared, fingerprint, messages, promptTokens } = preparePrompt(request);
	const scrub = secretScrubber(prepared.secrets, prepared.text);
	const result = (summary: SummaryOutput, modelCalls: number): SummarizeResult => ({ summary: scrub.deep(summary), prepared, messages, promptTokens, modelCalls, scrub });
	if (prepared.empty) return result(unreadableOutput(prepared, request), 0);
	// a log without a recognisable failure line has no fingerprint: no stored summary is reused for it
	const known = fingerprint === null ? null : findKnownSummary(request.knownSummaries, fingerprint);
	if (known) return result({ ...known, redactions: prepared.redactions, logState: prepared.logState }, 0);
	if (!request.model) return result(heuristicOutput(prepared, request, fingerprint, 'the model is turned off'), 0);
	let answer: ChatAnswer;
	try {
		answer = await request.model.complete(messages);
	} catch (error) {
		if (error instanceof Error) error.message = scrub.text(error.message);
		if (request.onModelError === 'throw') throw error;
		const reason = error instanceof ModelCallError ? error.message : 'the model call failed';
		return result(heuristicOutput(prepared, request, fingerprint, reason), 1);
	}
	const check = checkModelAnswer(answer.content);
	const extras = { model: answer.model, ...(answer.usage ? { usage: answer.usage } : {}) };
	if (!check.ok) {
		if (request.onModelError === 'throw') throw new ModelCallError(scrub.text(`The model's answer was refused: ${check.problem}`), 'other');
		return result({ ...heuristicOutput(prepared, request, fingerprint, `the model's answer was refused: ${check.problem}`), ...extras }, 1);
	}
	const fields = checkAgainstLog(check.fields, prepared, request);
	return result({ ...fields, fingerprint, summarizedBy: 'llm', ...extras, redactions: prepared.redactions, logState: prepared.logState }, 1);
}
