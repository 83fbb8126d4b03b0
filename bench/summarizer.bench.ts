/**
 * Log Summarizer figures (issue 4):
 *   - failure-window recall: the expected failure line survives preparation (target 100 %)
 *   - redaction: planted secrets that reach a model request body (target 0), false redactions
 *   - tokens of the prepared 10 MB log vs the budget (target <= 4000) and its preparation time (target < 1 s)
 *   - model calls for a failure with a known fingerprint (target 0)
 * Run: npm run bench -- summarizer
 */
import { cleanLog } from '../nodes/logic/summarizer/clean';
import { decodeLog } from '../nodes/logic/summarizer/decode';
import { heuristicSummary } from '../nodes/logic/summarizer/heuristic';
import { createChatModel } from '../nodes/logic/summarizer/openaiClient';
import { DEFAULT_TOKEN_BUDGET } from '../nodes/logic/summarizer/prepare';
import { redactSecrets } from '../nodes/logic/summarizer/redact';
import { preparePrompt, summarizeFailure } from '../nodes/logic/summarizer/summarize';
import { generateLargeLog, loadCorpus, type CorpusLog } from '../test/support/openai/logCorpus';
import { startOpenAiServer } from '../test/support/openai/server';

interface Figure {
	name: string;
	value: string;
	target: string;
	met: boolean | null;
}

const figures: Figure[] = [];
const figure = (name: string, value: string, target: string, met: boolean | null): void => {
	figures.push({ name, value, target, met });
};

function recall(corpus: CorpusLog[]): void {
	let survived = 0;
	let readAsFailure = 0;
	let categoryAgrees = 0;
	let labelled = 0;
	const misses: string[] = [];
	for (const log of corpus) {
		const { prepared } = preparePrompt({ log: log.bytes, context: { pipeline: 'bench', taskId: 'task' }, language: 'en', model: null });
		if (prepared.text.includes(log.failureLine)) survived++;
		else misses.push(log.file);
		if ((prepared.signature.failureLine ?? '').includes(log.failureLine)) readAsFailure++;
		if (log.category) {
			labelled++;
			if (heuristicSummary(prepared.signature, prepared.windowText, {}, 'en').category === log.category) categoryAgrees++;
		}
	}
	const pct = (n: number, d: number): string => `${((100 * n) / d).toFixed(1)} % (${n}/${d})`;
	figure('failure-window recall (corpus)', pct(survived, corpus.length) + (misses.length ? ` missed: ${misses.join(', ')}` : ''), '100 %', survived === corpus.length);
	figure('failure line read as the failure (heuristic)', pct(readAsFailure, corpus.length), 'informative', null);
	figure('heuristic category = label', pct(categoryAgrees, labelled), 'informative', null);
}

/** Redacted values that are not (part of) a planted secret, over the whole cleaned log. */
function falseRedactions(corpus: CorpusLog[]): { found: number; falses: string[] } {
	let found = 0;
	const falses: string[] = [];
	for (const log of corpus) {
		const text = cleanLog(decodeLog(log.bytes).text).lines.join('\n');
		const result = redactSecrets(text, { collect: true });
		for (const hit of result.found) {
			found++;
			const planted = log.secrets.some((s) => s.includes(hit.value) || hit.value.includes(s));
			if (!planted) falses.push(`${log.file}: ${hit.kind} ${JSON.stringify(hit.value.slice(0, 40))}`);
		}
	}
	return { found, falses };
}

async function redactionAndRepeats(corpus: CorpusLog[], big: ReturnType<typeof generateLargeLog>): Promise<void> {
	const server = await startOpenAiServer();
	try {
		const model = createChatModel({ apiKey: server.apiKey, baseUrl: server.baseUrl, maxRetries: 0, timeoutMs: 10_000 }, { model: 'gpt-4o-mini' });
		const planted: Array<{ secret: string; file: string }> = [];
		const inputs = [...corpus.map((log) => ({ file: log.file, log: log.bytes as Uint8Array | string, secrets: log.secrets })), { file: '10 MB generated', log: big.text, secrets: big.secrets }];
		const firstSummaries = [];
		for (const input of inputs) {
			const result = await summarizeFailure({ log: input.log, context: { pipeline: 'bench', taskId: input.file }, language: 'en', model });
			firstSummaries.push(result.summary);
			for (const secret of input.secrets) planted.push({ secret, file: input.file });
		}
		const bodies = server.chatRequests().map((r) => r.rawBody);
		const leaked = planted.filter(({ secret }) => bodies.some((b) => b.includes(secret)));
		figure(
			'planted secrets in request bodies',
			`${leaked.length} of ${planted.length} planted (${bodies.length} requests)` + (leaked.length ? ` leaked: ${leaked.map((l) => l.file).join(', ')}` : ''),
			'0',
			leaked.length === 0 && bodies.length === inputs.length,
		);
		const { found, falses } = falseRedactions(corpus);
		figure('false redactions (corpus, whole logs)', `${falses.length} of ${found} redactions` + (falses.length ? `: ${falses.slice(0, 5).join('; ')}` : ''), 'report', null);

		server.reset();
		let reusedCalls = 0;
		let reused = 0;
		for (let i = 0; i < inputs.length; i++) {
			const before = server.chatRequests().length;
			const again = await summarizeFailure({ log: inputs[i].log, context: { pipeline: 'bench', taskId: inputs[i].file }, language: 'en', model, knownSummaries: [firstSummaries[i]] });
			reusedCalls += server.chatRequests().length - before;
			if (again.modelCalls === 0 && again.summary.summary === firstSummaries[i].summary) reused++;
		}
		figure('model calls for repeated fingerprints', `${reusedCalls} calls for ${inputs.length} repeats (${reused} reused)`, '0', reusedCalls === 0 && reused === inputs.length);
	} finally {
		await server.stop();
	}
}

function bigLog(big: ReturnType<typeof generateLargeLog>): void {
	const request = { log: big.text, context: { pipeline: 'big_orders', taskId: 'load_batch' }, language: 'ko', model: null };
	const times: number[] = [];
	let tokens = 0;
	let kept = false;
	global.gc?.();
	const heapBefore = process.memoryUsage().heapUsed;
	let heapPeak = heapBefore;
	for (let run = 0; run < 5; run++) {
		const started = process.hrtime.bigint();
		const result = preparePrompt(request);
		times.push(Number(process.hrtime.bigint() - started) / 1e6);
		heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
		tokens = result.promptTokens;
		kept = result.prepared.text.includes(big.failureLine);
	}
	const sorted = [...times].sort((a, b) => a - b);
	const median = sorted[Math.floor(sorted.length / 2)];
	const mb = (Buffer.byteLength(big.text) / 1024 / 1024).toFixed(1);
	figure(`prompt tokens of the ${mb} MB log (estimate)`, `${tokens} (budget ${DEFAULT_TOKEN_BUDGET}; failure line kept: ${kept})`, `<= ${DEFAULT_TOKEN_BUDGET}`, tokens <= DEFAULT_TOKEN_BUDGET && kept);
	figure(`preparation time of the ${mb} MB log`, `first ${times[0].toFixed(0)} ms, median of 5 ${median.toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`, '< 1000 ms', sorted[sorted.length - 1] < 1000);
	figure('heap growth while preparing it', `${((heapPeak - heapBefore) / 1024 / 1024).toFixed(0)} MB over the 10 MB input string`, 'informative', null);
}

async function main(): Promise<void> {
	const corpus = loadCorpus();
	const big = generateLargeLog();
	console.log(`corpus: ${corpus.length} logs (${corpus.filter((l) => l.secrets.length).length} with ${corpus.reduce((n, l) => n + l.secrets.length, 0)} planted secrets) + a generated ${(Buffer.byteLength(big.text) / 1024 / 1024).toFixed(1)} MB log`);
	recall(corpus);
	bigLog(big);
	await redactionAndRepeats(corpus, big);
	const width = Math.max(...figures.map((f) => f.name.length));
	for (const f of figures) {
		const verdict = f.met === null ? '      ' : f.met ? 'MET   ' : 'MISSED';
		console.log(`${verdict} ${f.name.padEnd(width)}  ${f.value}   [target ${f.target}]`);
	}
	if (figures.some((f) => f.met === false)) process.exit(1);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
