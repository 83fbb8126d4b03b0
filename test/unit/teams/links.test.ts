import { buildMessages } from '../../../nodes/logic/teams/report';
import { checkWorkflowsMessage } from '../../support/teams/cardSchema';

const NOW = '2026-11-30T09:00:00+09:00';
const links = [
	{ kind: 'runbook', title: 'Runbook', url: 'https://wiki.example.com/rb' },
	{ kind: 'log', title: 'Log', url: 'http://airflow:8080/log?x=1' },
	{ kind: 'status', title: 'Status page', url: 'https://n8n.example.com/webhook/pipeline-monitor/status' },
	{ kind: 'acknowledge', title: 'Acknowledge', url: 'https://n8n.example.com/webhook/pipeline-monitor/action?a=acknowledge&s=x' },
	{ kind: 'retry', title: 'Retry failed tasks', url: 'https://n8n.example.com/webhook/pipeline-monitor/action?a=retry&s=y' },
	{ kind: 'mute', title: 'Mute', url: 'https://n8n.example.com/webhook/pipeline-monitor/action?a=mute&s=z' },
];
const item = { light: 'red', pipeline: 'orders_daily_load', summary: 'relation does not exist', links };

function actionSets(payload: unknown): Array<Array<{ type: string; title: string; url: string }>> {
	const sets: Array<Array<{ type: string; title: string; url: string }>> = [];
	const walk = (n: unknown): void => {
		if (Array.isArray(n)) n.forEach(walk);
		else if (n && typeof n === 'object') {
			const o = n as Record<string, unknown>;
			if (o.type === 'ActionSet') sets.push(o.actions as never);
			else Object.values(o).forEach(walk);
		}
	};
	walk(payload);
	return sets;
}

describe('row buttons (links field)', () => {
	it.each([
		['table', [links.map((l) => l.title), ['Runbook', 'Log']]],
		// compact (phones): two buttons per set, one set under the other (a horizontal set does not wrap: at 360 px the third button was cut off)
		['compact', [['Runbook', 'Log'], ['Status page', 'Acknowledge'], ['Retry failed tasks', 'Mute'], ['Runbook', 'Log']]],
	] as const)('Adaptive Card %s layout: the row\'s Action.OpenUrl buttons in ActionSets under it, schema-valid', (layout, expected) => {
		const [message] = buildMessages([item, { ...item, pipeline: 'b', links: links.slice(0, 2) }], { now: NOW, layout });
		expect(checkWorkflowsMessage(message.payload)).toEqual({ valid: true, errors: [] });
		const sets = actionSets(message.payload);
		expect(sets.map((s) => s.map((a) => a.title))).toEqual(expected);
		expect(sets[0].every((a) => a.type === 'Action.OpenUrl')).toBe(true);
		expect(message.warnings).toEqual([]);
		expect(JSON.parse(message.body)).toEqual(message.payload);
	});

	it('leaves out a link that is not http(s), names it in the footer and the message, and still sends the card', () => {
		const bad = [{ title: 'Runbook', url: 'javascript:alert(1)' }, { title: 'Log', url: 'https://ok.example.com/log' }, { title: '', url: 'https://x' }];
		const [message] = buildMessages([{ ...item, links: bad }], { now: NOW });
		expect(checkWorkflowsMessage(message.payload)).toEqual({ valid: true, errors: [] });
		expect(actionSets(message.payload)).toEqual([[{ type: 'Action.OpenUrl', title: 'Log', url: 'https://ok.example.com/log' }]]);
		expect(message.warnings).toEqual(['orders_daily_load: button "Runbook" left out, "javascript:alert(1)" is not an http(s) URL', 'orders_daily_load: the button for "https://x" has no title and was left out']);
		expect(message.body).toContain('⚠ Warning: orders_daily_load: button');
		expect(message.body).not.toContain('"url":"javascript:');
	});

	it('shows the item\'s own linkWarnings in the footer', () => {
		const [message] = buildMessages([{ ...item, linkWarnings: ['runbook URL "ftp://x" is not an http(s) URL; its button was left out'] }], { now: NOW, language: 'ko' });
		expect(message.warnings).toEqual(['runbook URL "ftp://x" is not an http(s) URL; its button was left out']);
		expect(message.body).toContain('⚠ 경고');
	});

	it('keeps at most 6 buttons per row and says how many were left out', () => {
		const [message] = buildMessages([{ ...item, links: [...links, { title: 'Seventh', url: 'https://7.example.com' }] }], { now: NOW });
		expect(actionSets(message.payload)[0]).toHaveLength(6);
		expect(message.warnings).toEqual(['orders_daily_load: 1 button(s) left out (Teams shows at most 6)']);
	});

	it('a links field that is no list gives no buttons and a warning', () => {
		const [message] = buildMessages([{ ...item, links: 'https://x' }], { now: NOW });
		expect(actionSets(message.payload)).toEqual([]);
		expect(message.warnings[0]).toContain('is not a list');
	});

	it('legacy MessageCard: at most 4 OpenUri actions per section, every link also in the section text', () => {
		const [message] = buildMessages([item], { now: NOW, format: 'messageCard' });
		const card = message.payload as { sections: Array<{ potentialAction?: Array<{ name: string }>; text?: string }> };
		const section = card.sections[1];
		expect(section.potentialAction!.length).toBe(4);
		for (const l of links) expect(section.text).toContain(`(${l.url})`);
	});

	it('split parts stay within the byte budget with buttons', () => {
		const many = Array.from({ length: 60 }, (_, i) => ({ ...item, pipeline: `p${i}`, links: [...links, { title: 'bad', url: 'nope' }] }));
		const messages = buildMessages(many, { now: NOW, maxBytes: 16 * 1024 });
		expect(messages.length).toBeGreaterThan(1);
		for (const m of messages) {
			expect(m.bytes).toBeLessThanOrEqual(16 * 1024);
			expect(checkWorkflowsMessage(m.payload)).toEqual({ valid: true, errors: [] });
		}
	});
});
