import { redactSecrets, scrubLiterals, isRealSecretValue, looksLikeCredential } from '../../../nodes/logic/summarizer/redact';
import { preparePrompt } from '../../../nodes/logic/summarizer/summarize';
import { loadCorpus } from '../../support/openai/logCorpus';

describe('redaction by kind', () => {
	test.each([
		['urlPassword', 'postgresql://etl:S3cretPw@db:5432/dw', 'S3cretPw', 'postgresql://etl:[REDACTED:urlPassword]@db:5432/dw'],
		['urlPassword', 'oracle+cx_oracle://scott:tiger123@erp:1521/', 'tiger123', 'oracle+cx_oracle://scott:[REDACTED:urlPassword]@erp:1521/'],
		['keyValueSecret', 'password=hunter2xyz user=etl', 'hunter2xyz', 'password=[REDACTED:keyValueSecret] user=etl'],
		['keyValueSecret', "{'password': 'abc123', 'user': 'x'}", 'abc123', "{'password': '[REDACTED:keyValueSecret]', 'user': 'x'}"],
		['keyValueSecret', '"client_secret": "cs-998877"', 'cs-998877', '"client_secret": "[REDACTED:keyValueSecret]"'],
		['keyValueSecret', 'spark.hadoop.fs.s3a.secret.key=abcDEF123456', 'abcDEF123456', 'spark.hadoop.fs.s3a.secret.key=[REDACTED:keyValueSecret]'],
		['keyValueSecret', '비밀번호=한글비번123 입니다', '한글비번123', '비밀번호=[REDACTED:keyValueSecret] 입니다'],
		['authorizationHeader', 'Authorization: Bearer abcdef123456789', 'abcdef123456789', 'Authorization: Bearer [REDACTED:authorizationHeader]'],
		['authorizationHeader', 'Authorization: Basic ZXRsOnNlY3JldA==', 'ZXRsOnNlY3JldA==', 'Authorization: Basic [REDACTED:authorizationHeader]'],
		['awsAccessKey', 'key AKIAIOSFODNN7EXAMPLE used', 'AKIAIOSFODNN7EXAMPLE', 'key [REDACTED:awsAccessKey] used'],
		['gcpApiKey', 'k=AIzaSyA1234567890abcdefghijklmnopqrstuv', 'AIzaSyA1234567890abcdefghijklmnopqrstuv', 'k=[REDACTED:gcpApiKey]'],
		['gcpOAuthToken', 'token ya29.a0AfH6SMBx1234567890abcdefg', 'ya29.a0AfH6SMBx1234567890abcdefg', 'token [REDACTED:gcpOAuthToken]'],
		['apiToken', 'ghp_0123456789abcdefABCDEF0123456789abcd', 'ghp_0123456789abcdefABCDEF0123456789abcd', '[REDACTED:apiToken]'],
		['apiToken', 'key sk-proj-abcdefghijklmnopqrstuvwx', 'sk-proj-abcdefghijklmnopqrstuvwx', 'key [REDACTED:apiToken]'],
		['jwt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlMTIz', 'eyJhbGciOiJIUzI1NiJ9', '[REDACTED:jwt]'],
		['connectionStringSecret', 'AccountName=a;AccountKey=ab+cd/ef==;EndpointSuffix=x', 'ab+cd/ef==', 'AccountName=a;AccountKey=[REDACTED:connectionStringSecret];EndpointSuffix=x'],
		['privateKey', '-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY----- done', 'MIIEabc', '[REDACTED:privateKey] done'],
	])('%s: %s', (kind, text, secret, expected) => {
		const result = redactSecrets(text);
		expect(result.text).toBe(expected);
		expect(result.text).not.toContain(secret);
		expect(result.counts[kind]).toBeGreaterThanOrEqual(1);
	});

	test('e-mail addresses only when asked', () => {
		expect(redactSecrets('owner kim@corp.co.kr').text).toBe('owner kim@corp.co.kr');
		const asked = redactSecrets('owner kim@corp.co.kr', { redactEmails: true });
		expect(asked.text).toBe('owner [REDACTED:email]');
		expect(asked.counts).toEqual({ email: 1 });
	});

	test('extra literal secrets are redacted wherever they are', () => {
		const result = redactSecrets('conn as loader/Zz9-literal ok, Zz9-literal again', { extraSecrets: ['Zz9-literal'] });
		expect(result.text).not.toContain('Zz9-literal');
		expect(result.counts.extraSecret).toBe(2);
	});
});

describe('no false redactions on look-alikes', () => {
	test.each([
		'FATAL:  password authentication failed for user "etl"',
		'Invalid token: signature expired, refreshing session',
		'tokens_used=1532 max_tokens=4000 token_count=5 password_expiry=2024-12-31',
		'DBT_PASSWORD: ***',
		'password=None',
		'password: ********',
		'api_key=${API_KEY}',
		'psycopg2.errors.UndefinedTable: relation "staging.orders" does not exist',
		'Task exited with return code 1',
		'the secret sauce is patience',
	])('%s', (text) => {
		const result = redactSecrets(text);
		expect(result.text).toBe(text);
		expect(result.counts).toEqual({});
	});

	test('value classifiers', () => {
		expect(isRealSecretValue('***')).toBe(false);
		expect(isRealSecretValue('"hunter2"')).toBe(true);
		expect(looksLikeCredential('signature')).toBe(false);
		expect(looksLikeCredential('s1gnature')).toBe(true);
	});
});

describe('planted secrets in the corpus never reach the request', () => {
	const corpus = loadCorpus().filter((l) => l.secrets.length > 0);
	test('the corpus plants secrets in at least 12 logs', () => expect(corpus.length).toBeGreaterThanOrEqual(12));
	test.each(corpus.map((l) => [l.file, l] as const))('%s', (_file, log) => {
		const result = preparePrompt({ log: log.bytes, context: {}, language: 'en', model: null });
		const body = JSON.stringify(result.messages);
		for (const secret of log.secrets) expect(body).not.toContain(secret);
		const total = Object.values(result.prepared.redactions).reduce((a, b) => a + b, 0);
		expect(total).toBeGreaterThanOrEqual(1);
	});
});

describe('scrubbing API keys from messages', () => {
	test('removes the key and the visible tail of a masked key', () => {
		const key = 'sk-test-0123456789abcdef';
		expect(scrubLiterals(`bad header Bearer ${key}`, [key])).toBe('bad header Bearer [REDACTED]');
		expect(scrubLiterals('Incorrect API key provided: sk-*****************cdef.', [key])).toBe('Incorrect API key provided: sk-*****************.');
	});
});

describe('redaction runs once per secret', () => {
	test('a key value already redacted by a specific rule is not counted again', () => {
		const result = redactSecrets('"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEabc\\n-----END PRIVATE KEY-----\\n", "x": 1');
		expect(result.text).toBe('"private_key": "[REDACTED:privateKey]\\n", "x": 1');
		expect(result.counts).toEqual({ privateKey: 1 });
	});
});

describe('a secret pair inside the value of another pair (found by the blind corpus: spark conf echoed by Spark)', () => {
	it('judges the inner pair, which the outer name would otherwise swallow', () => {
		const line = 'INFO ResourceUtils: Resources for spark.driver: spark.hadoop.fs.s3a.secret.key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY42';
		expect(redactSecrets(line).text).toBe('INFO ResourceUtils: Resources for spark.driver: spark.hadoop.fs.s3a.secret.key=[REDACTED:keyValueSecret]');
		expect(redactSecrets('settings: db.password=Tr0ub4dor-3x').text).toBe('settings: db.password=[REDACTED:keyValueSecret]');
		expect(redactSecrets('mode: append, path: s3a://lake/x').text).toBe('mode: append, path: s3a://lake/x');
	});
});
