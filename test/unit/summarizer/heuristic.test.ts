import { categorise, heuristicSummary, heuristicLanguage, missingLogSummary } from '../../../nodes/logic/summarizer/heuristic';
import { preparePrompt } from '../../../nodes/logic/summarizer/summarize';
import { checkSummaryObject } from '../../../nodes/logic/summarizer/validate';
import { loadCorpus } from '../../support/openai/logCorpus';

const labelled = loadCorpus().filter((l) => l.category);

describe('heuristic categories over the corpus', () => {
	test.each(labelled.map((l) => [l.file, l.category, l] as const))('%s is %s', (_file, category, log) => {
		const { prepared } = preparePrompt({ log: log.bytes, context: {}, language: 'en', model: null });
		const fields = heuristicSummary(prepared.signature, prepared.windowText, {}, 'en');
		expect(fields.category).toBe(category);
		expect(checkSummaryObject(fields).ok).toBe(true);
	});
});

describe('heuristic summary', () => {
	const signature = { exceptionType: 'psycopg2.errors.UndefinedTable', message: 'relation "staging.orders" does not exist', location: 'etl.py:42 in load', failureLine: 'x' };

	test('names the task, the exception, the message and the location', () => {
		const fields = heuristicSummary(signature, '', { pipeline: 'daily_sales', taskId: 'load_orders' }, 'en');
		expect(fields.summary).toBe(
			'Task load_orders of daily_sales failed with psycopg2.errors.UndefinedTable: relation "staging.orders" does not exist (at etl.py:42 in load). Something the task needs (a table, file, package or upstream result) is missing.',
		);
		expect(fields).toMatchObject({ category: 'dependency', severity: 'high', transient: false });
		expect(fields.confidence).toBeGreaterThan(0.5);
	});

	test('writes Korean when asked', () => {
		const fields = heuristicSummary(signature, '', { pipeline: 'daily_sales', taskId: 'load_orders' }, 'ko');
		expect(fields.summary).toMatch(/^daily_sales의 load_orders 태스크가 실패했습니다: /);
		expect(fields.suggestedAction).toMatch(/선행 태스크/);
		expect(heuristicLanguage('Korean')).toBe('ko');
		expect(heuristicLanguage('Deutsch')).toBe('en');
	});

	test('transient failures are marked for retry', () => {
		expect(categorise({ exceptionType: null, message: 'connect ECONNREFUSED 10.0.0.5:5432', location: null, failureLine: 'x' }, '').rule.transient).toBe(true);
		expect(categorise({ exceptionType: 'KeyError', message: "'id'", location: null, failureLine: 'x' }, '').rule.transient).toBe(false);
	});

	test('nothing recognisable: unknown with low confidence', () => {
		const fields = heuristicSummary({ exceptionType: null, message: 'it broke', location: null, failureLine: 'it broke' }, 'it broke', {}, 'en');
		expect(fields.category).toBe('unknown');
		expect(fields.confidence).toBeLessThanOrEqual(0.3);
	});

	test('a missing log says what was missing', () => {
		const fields = missingLogSummary('the item has no field "log" with the log', { pipeline: 'p' }, 'en');
		expect(fields.summary).toContain('the item has no field "log" with the log');
		expect(fields.confidence).toBe(0);
		expect(checkSummaryObject(fields).ok).toBe(true);
	});
});
