import { createHmac } from 'node:crypto';
import { checkForm } from '../../../nodes/logic/actions/form';
import { cardLinks } from '../../../nodes/logic/actions/links';
import { confirmPage, PAGE_CSP, refusalPage, resultPage } from '../../../nodes/logic/actions/page';
import { previousFixLine } from '../../../nodes/logic/actions/resolution';
import { checkLink, expiryOf, linkUrl, MAX_TTL_SECONDS, signLink } from '../../../nodes/logic/actions/sign';
import type { LinkFields } from '../../../nodes/logic/actions/sign';

const KEY = 'k'.repeat(16) + 'this-is-a-long-random-test-key-0123';
const NOW = Date.parse('2026-11-30T00:00:00Z');
const EXP = Math.floor(NOW / 1000) + 3600;

function signed(overrides: Partial<Parameters<typeof signLink>[1]> = {}): LinkFields {
	return signLink(KEY, { action: 'retry', eventId: 42, pipeline: 'sales_daily_load', expiresAt: EXP, ...overrides });
}

describe('signed action links', () => {
	it('signs HMAC-SHA256 over action, event, pipeline, expiry and nonce, base64url; the key is nowhere in the link', () => {
		const f = signed({ nonce: 'AAAAAAAAAAAAAAAAAAAAAA' });
		const expected = createHmac('sha256', KEY).update(`pm-action-v1\n${JSON.stringify(['retry', '42', 'sales_daily_load', String(EXP), 'AAAAAAAAAAAAAAAAAAAAAA'])}`).digest('base64url');
		expect(f.s).toBe(expected);
		expect(f.s).toMatch(/^[A-Za-z0-9_-]{43}$/);
		const url = linkUrl('https://n8n.example.com/webhook/pipeline-monitor/action', f);
		expect(url).not.toContain(KEY);
		expect(new URL(url).searchParams.get('p')).toBe('sales_daily_load');
	});

	it('makes a new random nonce per link', () => {
		expect(signed().n).not.toBe(signed().n);
	});

	it('accepts an untouched link until it expires', () => {
		const check = checkLink(KEY, signed(), { now: NOW });
		expect(check).toMatchObject({ ok: true, status: 200, claims: { action: 'retry', eventId: '42', pipeline: 'sales_daily_load', expiresAt: EXP } });
	});

	it.each([
		['another event', { e: '43' }],
		['another pipeline', { p: 'other' }],
		['another action', { a: 'mute' }],
		['a later expiry', { x: String(EXP + 60) }],
		['another nonce', { n: 'BBBBBBBBBBBBBBBBBBBBBB' }],
		['a changed signature', { s: 'A'.repeat(43) }],
		['a short signature', { s: 'abc' }],
		['an unknown action', { a: 'delete' }],
		['a non-numeric event', { e: '42 OR 1=1' }],
		['a control character in the pipeline', { p: 'a\nb' }],
	])('refuses %s as tampered (403)', (_name, change) => {
		const check = checkLink(KEY, { ...signed(), ...change }, { now: NOW });
		expect(check).toMatchObject({ ok: false, status: 403, refusal: 'tampered', claims: null });
		expect(JSON.stringify(check)).not.toContain(KEY);
	});

	it('refuses missing fields, repeated fields (arrays), objects and no fields at all as tampered', () => {
		const { s: _s, ...noSig } = signed();
		expect(checkLink(KEY, noSig, { now: NOW })).toMatchObject({ status: 403, reason: 'field "s" is missing' });
		expect(checkLink(KEY, { ...signed(), e: ['42', '43'] }, { now: NOW })).toMatchObject({ status: 403, reason: 'field "e" is not one value' });
		expect(checkLink(KEY, { ...signed(), p: { $ne: 1 } }, { now: NOW })).toMatchObject({ status: 403 });
		for (const nothing of [null, undefined, 'a=retry', [], {}]) expect(checkLink(KEY, nothing, { now: NOW })).toMatchObject({ status: 403, refusal: 'tampered' });
	});

	it('refuses a link signed with another key', () => {
		const other = signLink('another-key-that-is-long-enough-0123456789', { action: 'retry', eventId: 42, pipeline: 'sales_daily_load', expiresAt: EXP });
		expect(checkLink(KEY, other, { now: NOW })).toMatchObject({ status: 403 });
	});

	it('refuses an expired link with 410 and a used one with 409, keeping the trusted identity', () => {
		const f = signed();
		expect(checkLink(KEY, f, { now: (EXP + 1) * 1000 })).toMatchObject({ ok: false, status: 410, refusal: 'expired', claims: { eventId: '42' } });
		expect(checkLink(KEY, f, { now: EXP * 1000 })).toMatchObject({ status: 410 });
		expect(checkLink(KEY, f, { now: NOW, nonceUsed: true })).toMatchObject({ ok: false, status: 409, refusal: 'replay', claims: { nonce: f.n } });
		// tampering wins over expiry and replay: nothing of a bad link is trusted
		expect(checkLink(KEY, { ...f, e: '1' }, { now: (EXP + 1) * 1000, nonceUsed: true })).toMatchObject({ status: 403 });
	});

	it('refuses a correctly signed link that would live more than 24 hours', () => {
		const far = signed({ expiresAt: Math.floor(NOW / 1000) + MAX_TTL_SECONDS + 3600 });
		expect(checkLink(KEY, far, { now: NOW })).toMatchObject({ status: 403, reason: 'the expiry is more than 24 hours ahead' });
	});

	it('refuses short keys without showing them', () => {
		expect(() => checkLink('short', signed(), { now: NOW })).toThrow(/Action Key must be at least 32 characters: "\(hidden\)"/);
		expect(() => signLink('short-key', { action: 'retry', eventId: 1, pipeline: 'p', expiresAt: EXP })).not.toThrow(/short-key/);
	});

	it('expires links within 24 hours only', () => {
		expect(expiryOf(NOW, 24)).toBe(Math.floor(NOW / 1000) + 86400);
		expect(expiryOf(NOW, '1.5')).toBe(Math.floor(NOW / 1000) + 5400);
		for (const bad of [0, -1, 24.5, 48, 'abc', null]) expect(() => expiryOf(NOW, bad)).toThrow(/expiresInHours/);
	});
});

describe('card links', () => {
	const base = { language: 'en' as const, actions: ['acknowledge' as const, 'retry' as const, 'mute' as const], expiresAt: EXP, key: KEY, eventId: 7, pipeline: 'orders' };

	it('gives Runbook, Log, Status page, then signed Acknowledge, Retry, Mute', () => {
		const { links, warnings } = cardLinks({ ...base, runbookUrl: 'https://wiki.example.com/rb', logUrl: 'http://airflow:8080/log', statusUrl: 'https://n8n/status', actionUrl: 'https://n8n/webhook/pipeline-monitor/action' });
		expect(warnings).toEqual([]);
		expect(links.map((l) => l.kind)).toEqual(['runbook', 'log', 'status', 'acknowledge', 'retry', 'mute']);
		for (const l of links.slice(3)) expect(checkLink(KEY, Object.fromEntries(new URL(l.url).searchParams), { now: NOW })).toMatchObject({ ok: true, claims: { action: l.kind, eventId: '7', pipeline: 'orders' } });
	});

	it('drops a malformed runbook with a warning and uses the category default; never throws', () => {
		for (const bad of ['javascript:alert(1)', 'ftp://files/rb', 'not a url', 'wiki/runbook', 42]) {
			const { links, warnings } = cardLinks({ ...base, actions: [], runbookUrl: bad, defaultRunbookUrl: 'https://wiki.example.com/data' });
			expect(links).toEqual([{ kind: 'runbook', title: 'Runbook', url: 'https://wiki.example.com/data' }]);
			expect(warnings).toHaveLength(1);
			expect(warnings[0]).toMatch(/^runbook URL ".*" is not an http\(s\) URL; its button was left out$/);
		}
		expect(cardLinks({ ...base, actions: [], runbookUrl: 'javascript:x' }).links).toEqual([]);
		expect(cardLinks({ ...base, language: 'ko', actions: [], runbookUrl: 'javascript:x' }).warnings[0]).toContain('http(s) 주소가 아니어서');
	});

	it('adds no action links without an endpoint, and warns about a malformed endpoint', () => {
		expect(cardLinks({ ...base, actionUrl: '' }).links).toEqual([]);
		const bad = cardLinks({ ...base, actionUrl: 'javascript:alert(1)' });
		expect(bad.links).toEqual([]);
		expect(bad.warnings[0]).toContain('action endpoint');
	});
});

describe('the form', () => {
	it('needs a name; keeps an optional note; mute needs 1..168 whole hours', () => {
		expect(checkForm('acknowledge', { actor: ' Kim ', note: ' re-ran\r\nafter export ' })).toEqual({ ok: true, form: { actor: 'Kim', note: 're-ran\nafter export', hours: null } });
		expect(checkForm('retry', { actor: 'Kim' })).toEqual({ ok: true, form: { actor: 'Kim', note: null, hours: null } });
		expect(checkForm('retry', {})).toMatchObject({ ok: false, field: 'actor' });
		expect(checkForm('retry', { actor: ['a', 'b'] })).toMatchObject({ ok: false, field: 'actor' });
		expect(checkForm('retry', { actor: 'x'.repeat(101) })).toMatchObject({ ok: false, field: 'actor' });
		expect(checkForm('acknowledge', { actor: 'a', note: 'n'.repeat(1001) })).toMatchObject({ ok: false, field: 'note' });
		expect(checkForm('mute', { actor: 'a', hours: '8' })).toEqual({ ok: true, form: { actor: 'a', note: null, hours: 8 } });
		for (const hours of [undefined, '', '0', '169', '1.5', 'abc', '-4']) expect(checkForm('mute', { actor: 'a', hours })).toMatchObject({ ok: false, field: 'hours' });
	});
});

describe('what fixed it last time', () => {
	it('writes the day in the zone, who, and the note', () => {
		const prev = { at: '2026-11-11T16:30:00Z', by: 'Kim', note: 're-ran after the upstream export finished' };
		expect(previousFixLine(prev, 'en', 'Asia/Seoul')).toBe('2026-11-12, resolved by Kim: re-ran after the upstream export finished');
		expect(previousFixLine(prev, 'en', 'UTC')).toBe('2026-11-11, resolved by Kim: re-ran after the upstream export finished');
		expect(previousFixLine(prev, 'ko', 'Asia/Seoul')).toBe('2026-11-12, Kim 처리: re-ran after the upstream export finished');
		expect(previousFixLine({ ...prev, note: null }, 'en', 'Asia/Seoul')).toBe('2026-11-12, acknowledged by Kim');
		expect(previousFixLine(null, 'en', 'UTC')).toBe('');
		expect(previousFixLine({ at: 'garbage', by: 'x', note: 'y' }, 'en', 'UTC')).toBe('');
	});
});

describe('pages', () => {
	const fields = signed();
	const check = { ok: true, status: 200, action: 'retry' as const, eventId: '42', pipeline: 'sales_daily_load', expiresAt: new Date(EXP * 1000).toISOString(), link: fields };
	const hostile = { pipeline: '<script>alert(1)</script>', taskId: '"><img src=x onerror=alert(1)>', summary: "it's <b>bad</b> & `worse`", receivedAt: '2026-11-30T00:00:00Z', previous: { at: '2026-11-11T16:30:00Z', by: '<i>Kim</i>', note: 'fixed <it>' } };

	it('a confirmation page: the form posts the link back, everything escaped, no script, own CSP', () => {
		const { html, statusCode } = confirmPage(check, hostile, 'en', 'Asia/Seoul');
		expect(statusCode).toBe(200);
		expect(html).toContain('<form method="post">');
		expect(html).toContain(`<input type="hidden" name="s" value="${fields.s}">`);
		expect(html).toContain('name="actor" required');
		expect(html).not.toMatch(/<script|<img|<b>|<i>/);
		expect(html).toContain('&lt;script&gt;');
		expect(html).toContain('2026-11-12, resolved by &lt;i&gt;Kim&lt;/i&gt;: fixed &lt;it&gt;');
		expect(html).toContain(`content="${PAGE_CSP.replace(/'/g, '&#39;')}"`);
		expect(PAGE_CSP).toContain("default-src 'none'");
		expect(html).not.toContain(KEY);
	});

	it('Korean pages', () => {
		expect(confirmPage({ ...check, action: 'mute' }, null, 'ko', 'Asia/Seoul').html).toContain('이 파이프라인 알림 끄기');
		expect(refusalPage({ ok: false, status: 410, refusal: 'expired' }, null, 'ko', 'UTC').html).toContain('만료된 링크');
	});

	it('refusals say nothing was done and keep their status; a tampered link shows nothing from the link', () => {
		const tampered = refusalPage({ ok: false, status: 403, refusal: 'tampered', pipeline: '<evil>' }, hostile, 'en', 'UTC');
		expect(tampered.statusCode).toBe(403);
		expect(tampered.html).toContain('Nothing was done');
		expect(tampered.html).not.toContain('evil');
		expect(tampered.html).not.toContain('<form');
		expect(refusalPage({ ok: false, status: 409, refusal: 'replay' }, null, 'en', 'UTC').statusCode).toBe(409);
		expect(confirmPage({ ...check, link: null }, null, 'en', 'UTC').statusCode).toBe(403);
	});

	it('results: done 200, failed 502 with the error, a lost race 409', () => {
		expect(resultPage(check, null, { outcome: 'done', cleared: 3 }, 'en', 'UTC')).toMatchObject({ statusCode: 200 });
		const failed = resultPage(check, null, { outcome: 'failed', detail: { error: 'Airflow said <no>' } }, 'en', 'UTC');
		expect(failed.statusCode).toBe(502);
		expect(failed.html).toContain('Airflow said &lt;no&gt;');
		expect(resultPage(check, null, { outcome: 'replay' }, 'en', 'UTC').statusCode).toBe(409);
	});
});
