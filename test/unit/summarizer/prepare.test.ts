import { cleanLog, stripAnsi, shortenAirflowPrefix, isAirflowBoilerplate } from '../../../nodes/logic/summarizer/clean';
import { decodeLog, looksBinary } from '../../../nodes/logic/summarizer/decode';
import { estimateTokens } from '../../../nodes/logic/summarizer/tokens';
import { findFailureWindow } from '../../../nodes/logic/summarizer/window';
import { prepareLog, checkTokenBudget, DEFAULT_TOKEN_BUDGET } from '../../../nodes/logic/summarizer/prepare';
import { preparePrompt } from '../../../nodes/logic/summarizer/summarize';
import { InputError } from '../../../nodes/logic/shared/errors';
import { generateLargeLog, loadCorpus } from '../../support/openai/logCorpus';

const corpus = loadCorpus();

describe('cleaning', () => {
	test('strips ANSI colours, OSC hyperlinks and progress rewrites', () => {
		expect(stripAnsi('\u001b[1;31mValueError\u001b[0m: bad')).toBe('ValueError: bad');
		expect(stripAnsi('see \u001b]8;;http://x\u0007link\u001b]8;;\u0007')).toBe('see link');
		expect(cleanLog('loading 10%\rloading 50%\rloading 100%\nnext').lines).toEqual(['loading 100%', 'next']);
	});

	test('shortens the Airflow prefix and drops boilerplate but keeps exit lines', () => {
		expect(shortenAirflowPrefix('[2024-05-01, 02:00:03 KST] {taskinstance.py:1234} ERROR - boom')).toBe('02:00:03 ERROR - boom');
		expect(isAirflowBoilerplate('02:00:03 INFO - Dependencies all met for dep_context=x')).toBe(true);
		const { lines } = cleanLog(
			[
				'[2024-05-01, 02:00:03 KST] {taskinstance.py:1157} INFO - Dependencies all met for dep_context=x',
				'[2024-05-01, 02:00:04 KST] {taskinstance.py:1359} INFO - Starting attempt 1 of 3',
				'[2024-05-01, 02:00:05 KST] {local_task_job_runner.py:228} INFO - Task exited with return code 1',
			].join('\n'),
		);
		expect(lines).toEqual(['02:00:05 INFO - Task exited with return code 1']);
	});

	test('keepBoilerplate keeps every line', () => {
		expect(cleanLog('[2024-05-01, 02:00:04 KST] {t.py:1} INFO - Starting attempt 1 of 3', true).lines).toHaveLength(1);
	});
});

describe('decoding', () => {
	test('reads UTF-8, EUC-KR and Latin-1 bytes and says which', () => {
		expect(decodeLog(Buffer.from('오류 발생', 'utf8')).encoding).toBe('utf-8');
		const euc = Buffer.from([0xbf, 0xc0, 0xb7, 0xf9]); // "오류" in EUC-KR
		expect(decodeLog(euc)).toMatchObject({ text: '오류', encoding: 'euc-kr', binary: false });
		const latin = decodeLog(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x21, 0xff, 0xfe, 0x41]));
		expect(latin.encoding).toBe('latin1');
		expect(latin.notes.join()).toMatch(/Latin-1/);
	});

	test('recognises binary data', () => {
		expect(looksBinary('PK\u0003\u0004\u0000\u0000abc')).toBe(true);
		expect(looksBinary('plain text\twith tabs\n')).toBe(false);
		expect(decodeLog(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d])).binary).toBe(true);
	});
});

describe('token estimate', () => {
	test('Korean text counts more tokens per character than ASCII', () => {
		expect(estimateTokens('a'.repeat(350))).toBe(100);
		expect(estimateTokens('가'.repeat(100))).toBe(150);
		expect(estimateTokens('')).toBe(0);
		expect(estimateTokens('😀')).toBe(1);
	});
});

describe('token budget', () => {
	test.each([0, -5, 10, 599, 200_001, 1e9, 4000.5, 'lots', NaN])('refuses the absurd budget %p with an InputError naming the field', (budget) => {
		expect(() => checkTokenBudget(budget)).toThrow(InputError);
		try {
			checkTokenBudget(budget);
		} catch (error) {
			expect((error as InputError).field).toBe('tokenBudget');
			expect((error as InputError).hint).toMatch(/Token Budget/);
		}
	});

	test('takes the default when none is given', () => {
		expect(checkTokenBudget(undefined)).toBe(DEFAULT_TOKEN_BUDGET);
		expect(checkTokenBudget('1200')).toBe(1200);
	});

	test('the prompt for the 10 MB log stays within the default budget and keeps the failure line', () => {
		const big = generateLargeLog();
		expect(Buffer.byteLength(big.text)).toBeGreaterThan(10 * 1024 * 1024 - 1000);
		const result = preparePrompt({ log: big.text, context: { pipeline: 'big_orders' }, language: 'en', model: null });
		expect(result.promptTokens).toBeLessThanOrEqual(DEFAULT_TOKEN_BUDGET);
		expect(result.prepared.text).toContain(big.failureLine);
		expect(result.prepared.text).toMatch(/lines omitted/);
		for (const secret of big.secrets) expect(JSON.stringify(result.messages)).not.toContain(secret);
	});

	test('a small budget still keeps the failure line', () => {
		const log = corpus.find((l) => l.file === 'airflow_postgres_undefined_table.log')!;
		const result = preparePrompt({ log: log.bytes, context: {}, language: 'en', tokenBudget: 600, model: null });
		expect(result.prepared.text).toContain(log.failureLine);
		expect(result.promptTokens).toBeLessThanOrEqual(600);
	});

	test('a very long line is cut, keeping its start and end', () => {
		const log = `start\n${'x'.repeat(50_000)} END-OF-LINE\nValueError: boom`;
		const prepared = prepareLog({ log, logTokens: 3000 });
		expect(prepared.text).toMatch(/chars cut/);
		expect(prepared.text).toContain('END-OF-LINE');
		expect(prepared.text.length).toBeLessThan(3000);
	});
});

describe('failure window', () => {
	test.each(corpus.map((l) => [l.file, l] as const))('%s: the expected failure line survives preparation and is read as the failure', (_file, log) => {
		const result = preparePrompt({ log: log.bytes, context: { pipeline: 'p', taskId: 't' }, language: 'en', model: null });
		expect(result.prepared.text).toContain(log.failureLine);
		// the failure line, or for an exception chain the root cause kept beside it
		expect(`${result.prepared.signature.failureLine}\n${result.prepared.signature.chainLine ?? ''}`).toContain(log.failureLine);
	});

	test('a generic wrapper ("Bash command failed") points at the specific error before it', () => {
		const lines = ['INFO - psql: error: connection to server failed: FATAL: role "x" does not exist', 'INFO - Command exited with return code 2', 'Traceback (most recent call last):', '  File "/x/bash.py", line 3, in execute', '    raise AirflowException(', 'airflow.exceptions.AirflowException: Bash command failed. The command returned a non-zero exit code 2.'];
		expect(findFailureWindow(lines).failureIndex).toBe(0);
	});

	test('chatter with error words after the exception does not replace it', () => {
		const lines = ['Traceback (most recent call last):', '  File "/a.py", line 1, in f', '    g()', 'KeyError: 1', 'INFO - sending failure e-mail to the team'];
		expect(findFailureWindow(lines).failureIndex).toBe(3);
	});

	test('a log without any error keeps its tail and says so', () => {
		const prepared = prepareLog({ log: 'step 1 ok\nstep 2 ok\nall good', logTokens: 1000 });
		expect(prepared.empty).toBe(false);
		expect(prepared.signature.failureLine).toBeNull();
		expect(prepared.notes).toContain('no failure line was found in the log');
		expect(prepared.text).toContain('all good');
	});
});

describe('bad input', () => {
	test.each([
		['missing', undefined, /no log was given/],
		['null', null, /no log was given/],
		['empty', '', /the log is empty/],
		['blank', '   \n\n  ', /the log is empty/],
		['binary', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00]), /binary/],
		['only boilerplate', '[2024-05-01, 02:00:04 KST] {t.py:1} INFO - Starting attempt 1 of 3', /boilerplate/],
	])('%s log: marked empty with a note saying what was missing', (_name, log, note) => {
		const prepared = prepareLog({ log: log as string | Buffer | null | undefined, logTokens: 1000 });
		expect(prepared.empty).toBe(true);
		expect(prepared.text).toBe('');
		expect(prepared.notes.join('; ')).toMatch(note);
	});

	test('non-UTF-8 Korean bytes are decoded and summarised', () => {
		const log = corpus.find((l) => l.encoding === 'euc-kr')!;
		expect(log.bytes.toString('utf8')).not.toContain(log.failureLine);
		const prepared = prepareLog({ log: log.bytes, logTokens: 2000 });
		expect(prepared.text).toContain(log.failureLine);
		expect(prepared.notes.join()).toMatch(/EUC-KR/);
	});
});
