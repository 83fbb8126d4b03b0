import { isMentionId, mentionOf, mentionsOf } from '../../../nodes/logic/teams/mentions';

describe('mentions from items', () => {
	it('reads a UPN, an Entra id or {name, id}; skips anything else with a warning', () => {
		expect(mentionOf({ owner: 'kim.minji@example.co.kr' }, 'owner')).toEqual({ mention: { id: 'kim.minji@example.co.kr', name: 'kim.minji' }, warning: null });
		expect(mentionOf({ o: { name: '김민지', id: '6f1c2a3b-1111-2222-3333-444455556666' } }, 'o').mention).toEqual({ name: '김민지', id: '6f1c2a3b-1111-2222-3333-444455556666' });
		expect(mentionOf({ owner: '' }, 'owner')).toEqual({ mention: null, warning: null });
		expect(mentionOf({}, 'owner')).toEqual({ mention: null, warning: null });
		const bad = mentionOf({ owner: 'data-eng' }, 'owner');
		expect(bad.mention).toBeNull();
		expect(bad.warning).toMatch(/"owner" holds "data-eng", which is not a user principal name/);
		expect(isMentionId('<at>x</at>@a.b')).toBe(false);
	});

	it('lists each person once, in order', () => {
		const { mentions, warnings } = mentionsOf([{ owner: 'a@x.io' }, { owner: 'B@x.io' }, { owner: 'A@X.IO' }, { owner: 'team' }], 'owner');
		expect(mentions.map((m) => m.id)).toEqual(['a@x.io', 'B@x.io']);
		expect(warnings).toHaveLength(1);
	});
});
