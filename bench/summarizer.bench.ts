/**
 * Log Summarizer figures (issues 4 and 12), per corpus part (training: used while writing rules;
 * held-out: written first from public formats, never used to write rules):
 *   - failure line kept by preparation (target 100 % on both parts)
 *   - planted secrets in any request body or any output field, also when the model echoes the
 *     prompt back and recites the secrets (target 0)
 *   - false redactions of ids, commit SHAs, UUIDs and content hashes (target 0)
 *   - heuristic category agreement with the labels (target >= 90 %)
 *   - fingerprint collisions between different failures (target 0); identical failures differing
 *     only in ids/timestamps sharing one fingerprint (target 100 %); logs without a failure line
 *     given a fingerprint (target 0)
 *   - a 10 MB log: preparation < 1 s, prompt <= 4000 tokens, failure line kept
 *   - model calls for a failure with a known fingerprint (target 0)
 * Exits non-zero when a target is missed. Run: npm run bench -- summarizer
 */
import { cleanLog } from '../nodes/logic/summarizer/clean';
import { decodeWithReadable } from '../nodes/logic/summarizer/decode';
import { heuristicSummary } from '../nodes/logic/summarizer/heuristic';
import { createChatModel } from '../nodes/logic/summarizer/openaiClient';
import { DEFAULT_TOKEN_BUDGET } from '../nodes/logic/summarizer/prepare';
import { redactSecrets } from '../nodes/logic/summarizer/redact';
import { renderStructuredText } from '../nodes/logic/summarizer/structured';
import { preparePrompt, summarizeFailure } from '../nodes/logic/summarizer/summarize';
import { generateLargeLog, loadCorpus, type CorpusLog, type CorpusPart } from '../test/support/openai/logCorpus';
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
const pct = (n: number, d: number): string => (d === 0 ? 'n/a (0)' : `${((100 * n) / d).toFixed(1)} % (${n}/${d})`);
const CONTEXT = { pipeline: 'bench_dag', taskId: 'bench_task' };

function preparationFigures(part: CorpusPart, corpus: CorpusLog[]): void {
	let kept = 0;
	let read = 0;
	let categoryAgrees = 0;
	let labelled = 0;
	let transientAgrees = 0;
	let transientLabelled = 0;
	let statesRight = 0;
	let unreadable = 0;
	const misses: string[] = [];
	const categoryMisses: string[] = [];
	for (const log of corpus) {
		const { prepared, promptTokens } = preparePrompt({ log: log.bytes, context: CONTEXT, language: 'en', model: null });
		if (!log.failureLine || log.logState) {
			unreadable++;
			if (prepared.logState === (log.logState ?? 'empty') && promptTokens === 0) statesRight++;
			continue;
		}
		if (prepared.text.includes(log.failureLine)) kept++;
		else misses.push(log.file);
		if ((prepared.signature.failureLine ?? '').includes(log.failureLine) || (prepared.signature.chainLine ?? '').includes(log.failureLine)) read++;
		const fields = heuristicSummary(prepared.signature, prepared.windowText, {}, 'en');
		if (log.category) {
			labelled++;
			if (fields.category === log.category) categoryAgrees++;
			else categoryMisses.push(`${log.file}: ${fields.category} (label ${log.category})`);
		}
		if (typeof log.transient === 'boolean') {
			transientLabelled++;
			if (fields.transient === log.transient) transientAgrees++;
		}
	}
	const readable = corpus.length - unreadable;
	figure(`[${part}] failure line kept by preparation`, pct(kept, readable) + (misses.length ? ` missed: ${misses.join(', ')}` : ''), '100 %', kept === readable);
	figure(`[${part}] failure line read as the failure (signature)`, pct(read, readable), 'informative', null);
	figure(`[${part}] heuristic category = label`, pct(categoryAgrees, labelled) + (categoryMisses.length ? ` differs: ${categoryMisses.join('; ')}` : ''), '>= 90 %', labelled > 0 && categoryAgrees / labelled >= 0.9);
	figure(`[${part}] heuristic transient = label`, pct(transientAgrees, transientLabelled), 'informative', null);
	if (unreadable > 0) figure(`[${part}] empty/binary logs: logState right, promptTokens 0`, pct(statesRight, unreadable), '100 %', statesRight === unreadable);
}

/** Whole-log redaction (every line, not only what the budget keeps): ids that must stay, and redactions of things nobody planted. */
function falseRedactions(part: CorpusPart, corpus: CorpusLog[]): void {
	let keepTotal = 0;
	const keepLost: string[] = [];
	let found = 0;
	const unplanted: string[] = [];
	for (const log of corpus) {
		const decoded = decodeWithReadable(log.bytes);
		const text = cleanLog(renderStructuredText(decoded.binary ? (decoded.readable ?? []).join('\n') : decoded.text).text).lines.join('\n');
		const result = redactSecrets(text, { collect: true });
		for (const id of log.keep ?? []) {
			keepTotal++;
			if (!text.includes(id) || !result.text.includes(id)) keepLost.push(`${log.file}: ${id.slice(0, 24)}`);
		}
		for (const hit of result.found) {
			found++;
			const planted = log.secrets.some((s) => s.includes(hit.value) || hit.value.includes(s));
			if (!planted) unplanted.push(`${log.file}: ${hit.kind} ${JSON.stringify(hit.value.slice(0, 30))}`);
		}
	}
	figure(`[${part}] false redactions of ids, SHAs, UUIDs, hashes`, `${keepLost.length} of ${keepTotal} labelled ids` + (keepLost.length ? `: ${keepLost.join('; ')}` : ''), '0', keepLost.length === 0);
	figure(`[${part}] redactions of values nobody planted (whole logs)`, `${unplanted.length} of ${found} redactions` + (unplanted.length ? `: ${unplanted.slice(0, 6).join('; ')}` : ''), 'informative', null);
}

const MUTATORS: Array<[RegExp, (m: string, n: number) => string]> = [
	[/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, (_m, n) => `${(0x1a2b3c4d + n).toString(16)}-4e5f-4a6b-8c7d-${(0x9e8f7a6b5c4d + n).toString(16).padStart(12, '0')}`],
	[/\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{12,64}\b/g, (m, n) => (BigInt(`0x${m.slice(0, 12)}`) ^ BigInt(n + 0x5a5a5)).toString(16).padStart(12, '0') + m.slice(12)],
	[/\b20\d{2}-\d{2}-\d{2}/g, () => '2026-11-27'],
	[/\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?/g, () => '17:43:09'],
	[/\b(PID:? |pid |process |job |TID |attempt |execution id=|id=)\d+/g, (m) => m.replace(/\d+$/, '90817')],
	[/\b(scheduled|manual)__[^\s,\]]+/g, (m) => m.replace(/__.*/, '__2026-11-27T17:43:09+00:00')],
	[/\bapplication_\d+_\d+/g, () => 'application_1764200000000_0999'],
];

/** The same failure on another day: ids, UUIDs, hex ids, dates, times and run ids changed. */
function mutate(text: string): string {
	let out = text;
	let n = 0;
	for (const [pattern, fn] of MUTATORS) out = out.replace(pattern, (m) => fn(m, n++));
	return out;
}

function fingerprintFigures(corpus: CorpusLog[]): void {
	const byFingerprint = new Map<string, CorpusLog[]>();
	let shared = 0;
	let variants = 0;
	const notShared: string[] = [];
	let withoutLine = 0;
	let withoutLineGiven = 0;
	for (const log of corpus) {
		const text = log.bytes.toString('latin1').includes('\u0000') ? log.bytes : log.bytes.toString('utf8');
		const { fingerprint, prepared } = preparePrompt({ log: text, context: CONTEXT, language: 'en', model: null });
		if (!prepared.signature.failureLine) {
			withoutLine++;
			if (fingerprint !== null) withoutLineGiven++;
			continue;
		}
		if (fingerprint === null) continue;
		byFingerprint.set(fingerprint, [...(byFingerprint.get(fingerprint) ?? []), log]);
		if (typeof text === 'string') {
			variants++;
			const again = preparePrompt({ log: mutate(text), context: CONTEXT, language: 'en', model: null }).fingerprint;
			if (again === fingerprint) shared++;
			else notShared.push(log.file);
		}
	}
	const collisions = [...byFingerprint.values()].filter((logs) => new Set(logs.map((l) => l.failureLine)).size > 1);
	figure(
		'fingerprint collisions between different failures (one DAG and task, both parts)',
		`${collisions.length} among ${byFingerprint.size} fingerprints` + (collisions.length ? `: ${collisions.map((c) => c.map((l) => l.file).join(' = ')).join('; ')}` : ''),
		'0',
		collisions.length === 0,
	);
	figure('same failure with other ids/timestamps shares its fingerprint', pct(shared, variants) + (notShared.length ? ` not shared: ${notShared.join(', ')}` : ''), '100 %', shared === variants);
	// logs whose failure cannot be read: two different ones on the same task must not get a (shared) fingerprint
	const unreadable = ['INFO - starting\nINFO - Marking task as FAILED. dag_id=d, task_id=t', 'INFO - loading 1200 rows\nINFO - Task exited with return code 1'];
	for (const text of unreadable) {
		withoutLine++;
		if (preparePrompt({ log: text, context: CONTEXT, language: 'en', model: null }).fingerprint !== null) withoutLineGiven++;
	}
	figure('logs without a failure line given a reusable fingerprint', `${withoutLineGiven} of ${withoutLine}`, '0', withoutLineGiven === 0);
}

async function secretsAndRepeats(corpus: CorpusLog[], bigs: Array<ReturnType<typeof generateLargeLog>>): Promise<void> {
	const server = await startOpenAiServer();
	try {
		const model = createChatModel({ apiKey: server.apiKey, baseUrl: server.baseUrl, maxRetries: 0, timeoutMs: 20_000 }, { model: 'gpt-4o-mini' });
		const inputs = [
			...corpus.map((log) => ({ file: `${log.part}/${log.file}`, part: log.part, log: log.bytes as Uint8Array | string, secrets: log.secrets })),
			...bigs.map((big, i) => ({ file: `10 MB generated #${i + 1}`, part: 'training' as CorpusPart, log: big.text, secrets: big.secrets })),
		];
		const leaks: Record<string, string[]> = { training: [], heldout: [], blind: [] };
		const planted: Record<string, number> = { training: 0, heldout: 0, blind: 0 };
		const firstSummaries = [];
		let requests = 0;
		for (const input of inputs) {
			server.reset();
			server.queue({ kind: 'echoPrompt', extra: input.secrets });
			const result = await summarizeFailure({ log: input.log, context: { pipeline: 'bench', taskId: input.file }, language: 'en', model });
			firstSummaries.push(result.summary);
			const bodies = server.chatRequests().map((r) => r.rawBody);
			requests += bodies.length;
			const output = JSON.stringify({ ...result.summary, preparedLog: result.prepared.text, signature: result.prepared.signature, notes: result.prepared.notes });
			for (const secret of input.secrets) {
				planted[input.part]++;
				if (bodies.some((b) => b.includes(secret))) leaks[input.part].push(`${input.file} (request)`);
				if (output.includes(secret)) leaks[input.part].push(`${input.file} (output)`);
			}
		}
		for (const part of ['training', 'heldout', 'blind'] as const) {
			figure(
				`[${part}] planted secrets in request bodies or output fields (model echoes prompt + secrets)`,
				`${leaks[part].length} of ${planted[part]} planted` + (leaks[part].length ? ` leaked: ${leaks[part].join(', ')}` : ''),
				'0',
				leaks[part].length === 0,
			);
		}
		figure('model requests made for the secret check', `${requests} for ${inputs.length} logs`, 'informative', null);

		server.reset();
		server.setDefault({ kind: 'good' });
		let reusedCalls = 0;
		let reused = 0;
		let repeatable = 0;
		for (let i = 0; i < inputs.length; i++) {
			if (!firstSummaries[i].fingerprint) continue;
			repeatable++;
			const before = server.chatRequests().length;
			const again = await summarizeFailure({ log: inputs[i].log, context: { pipeline: 'bench', taskId: inputs[i].file }, language: 'en', model, knownSummaries: [firstSummaries[i]] });
			reusedCalls += server.chatRequests().length - before;
			if (again.modelCalls === 0 && again.summary.summary === firstSummaries[i].summary) reused++;
		}
		figure('model calls for repeated fingerprints', `${reusedCalls} calls for ${repeatable} repeats (${reused} reused)`, '0', reusedCalls === 0 && reused === repeatable);
	} finally {
		await server.stop();
	}
}

function bigLog(big: ReturnType<typeof generateLargeLog>, label: string): void {
	const request = { log: big.text, context: { pipeline: 'big_orders', taskId: 'load_batch' }, language: 'ko', model: null };
	const times: number[] = [];
	let tokens = 0;
	let kept = false;
	for (let run = 0; run < 5; run++) {
		const started = process.hrtime.bigint();
		const result = preparePrompt(request);
		times.push(Number(process.hrtime.bigint() - started) / 1e6);
		tokens = result.promptTokens;
		kept = result.prepared.text.includes(big.failureLine);
	}
	const sorted = [...times].sort((a, b) => a - b);
	const median = sorted[Math.floor(sorted.length / 2)];
	const mb = (Buffer.byteLength(big.text) / 1024 / 1024).toFixed(1);
	figure(`${mb} MB log (${label}): prompt tokens, failure line kept`, `${tokens} (budget ${DEFAULT_TOKEN_BUDGET}); kept: ${kept}`, `<= ${DEFAULT_TOKEN_BUDGET}, kept`, tokens <= DEFAULT_TOKEN_BUDGET && kept);
	figure(`${mb} MB log (${label}): preparation time`, `first ${times[0].toFixed(0)} ms, median of 5 ${median.toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`, '< 1000 ms', sorted[sorted.length - 1] < 1000);
}

async function main(): Promise<void> {
	const training = loadCorpus('training', true);
	const heldout = loadCorpus('heldout', true);
	// written after the rules, never tuned on: the honest figure
	const blind = loadCorpus('blind', true);
	const bigs = [generateLargeLog(), generateLargeLog(10 * 1024 * 1024, 20251111, 'arrow')];
	const secretsOf = (c: CorpusLog[]): number => c.reduce((n, l) => n + l.secrets.length, 0);
	console.log(
		`corpus: ${training.length + heldout.length + blind.length} logs — training ${training.length} (${secretsOf(training)} planted secrets), held-out ${heldout.length} (${secretsOf(heldout)} planted secrets), blind ${blind.length} (${secretsOf(blind)} planted secrets) — plus two generated 10 MB logs`,
	);
	preparationFigures('training', training);
	preparationFigures('heldout', heldout);
	preparationFigures('blind', blind);
	falseRedactions('training', training);
	falseRedactions('heldout', heldout);
	falseRedactions('blind', blind);
	fingerprintFigures([...training, ...heldout, ...blind]);
	bigLog(bigs[0], 'psycopg2 failure');
	bigLog(bigs[1], 'pyarrow ArrowInvalid failure');
	await secretsAndRepeats([...training, ...heldout, ...blind], bigs);
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
