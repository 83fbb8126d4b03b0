/**
 * The SigV4 signer (nodes/logic/cloud/sigv4.ts) against AWS's published SigV4 test suite
 * (test/fixtures/aws-sigv4: requests and expected Authorization headers, reproduced as data).
 */
import fs from 'node:fs';
import path from 'node:path';
import { signV4, uriEncode } from '../../../nodes/logic/cloud/sigv4';

interface Vector {
	name: string;
	method: string;
	path: string;
	query: [string, string][];
	headers: Record<string, string>;
	body?: string;
	sessionToken?: string;
	signedHeaders: string;
	signature: string;
}
const suite = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'aws-sigv4', 'vectors.json'), 'utf8')) as {
	credentials: { accessKeyId: string; secretAccessKey: string };
	region: string;
	service: string;
	date: string;
	cases: Vector[];
};

describe('SigV4 against the AWS test suite', () => {
	it.each(suite.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
		const query = c.query.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
		const url = `https://example.amazonaws.com${c.path.split('/').map(uriEncode).join('/')}${query ? `?${query}` : ''}`;
		const signed = signV4({ method: c.method, url, headers: c.headers, body: c.body, region: suite.region, service: suite.service, date: new Date(suite.date) }, { ...suite.credentials, sessionToken: c.sessionToken });
		expect(signed.headers.authorization).toBe(`AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${c.signedHeaders}, Signature=${c.signature}`);
		expect(signed.headers['x-amz-date']).toBe('20150830T123600Z');
	});

	it('a different secret, body or time gives a different signature (the vectors can fail)', () => {
		const base = { method: 'POST', url: 'https://airflow.us-east-1.amazonaws.com/restapi/my-env', body: '{}', region: 'us-east-1', service: 'airflow', date: new Date(suite.date) };
		const a = signV4(base, suite.credentials).signature;
		expect(signV4(base, { ...suite.credentials, secretAccessKey: 'other' }).signature).not.toBe(a);
		expect(signV4({ ...base, body: '{"a":1}' }, suite.credentials).signature).not.toBe(a);
		expect(signV4({ ...base, date: new Date('2015-08-30T12:36:01Z') }, suite.credentials).signature).not.toBe(a);
		expect(JSON.stringify(signV4(base, suite.credentials))).not.toContain(suite.credentials.secretAccessKey);
	});
});
