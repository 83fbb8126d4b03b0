/**
 * Column headers in the card's language: every default column of every item shape, every column
 * the shipped workflows pick (with the English labels written in them), and every catalogue word
 * given as a label, on Korean and English cards. A Korean card has no English header (nor a raw
 * field name such as "light"); an English card has no Korean one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { labelsFor } from '../../../nodes/logic/teams/labels';
import { buildMessages } from '../../../nodes/logic/teams/report';
import { DEFAULT_OPTIONS } from '../../../nodes/logic/teams/report';
import { buildReport } from '../../../nodes/logic/teams/rows';
import type { ColumnKind, ColumnRequest } from '../../../nodes/logic/teams/types';
import { genLights, genRowCounts, genRuns, genSummaries } from '../../support/teams/generate';

type Json = Record<string, unknown>;
const NOW = '2026-11-22T01:00:00Z';
const LANGS = ['ko', 'en'] as const;
const headers = (items: object[], language: 'ko' | 'en', columns?: ColumnRequest[]) =>
	buildReport(items as Json[], { ...DEFAULT_OPTIONS, now: NOW, language, ...(columns ? { columns } : {}) }).columns.map((c) => c.label);

/** Proper nouns allowed on a Korean card. */
const PROPER = ['DAG'];
function foreign(label: string, language: 'ko' | 'en'): boolean {
	if (language === 'en') return /[\uac00-\ud7af]/.test(label);
	return /[A-Za-z]/.test(PROPER.reduce((text, p) => text.split(p).join(''), label));
}

/** Every Teams Table column the shipped workflows pick. */
function workflowColumns(): Array<{ workflow: string; columns: ColumnRequest[] }> {
	const dir = path.resolve(__dirname, '..', '..', '..', 'workflows');
	const out: Array<{ workflow: string; columns: ColumnRequest[] }> = [];
	for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
		const workflow = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { nodes: Array<{ type: string; parameters: { columns?: { column?: Array<{ field: string; label?: string; kind?: string }> } } }> };
		for (const node of workflow.nodes) {
			const picked = node.parameters.columns?.column;
			if (node.type.endsWith('.teamsTable') && picked?.length) out.push({ workflow: file, columns: picked.map((c) => ({ field: c.field, label: c.label, kind: c.kind as ColumnKind })) });
		}
	}
	return out;
}

/** An item holding every field a column may read. */
const FULL_ITEM = {
	light: 'red', pipeline: 'etl', taskId: 't', tryNumber: 2, summary: 's', suggestedAction: 'a', url: 'https://x.test/log', receivedAt: NOW, minutes: 5,
	state: 'failed', severity: 'high', startedAt: NOW, durationSec: 60, reasons: [{ code: 'x', light: 'red', text: 'r' }], table: 'tb', rows: 3, delta: 1, expectedLow: 1, expectedHigh: 2, trend: [1, 2], reason: 'r', category: 'c', runId: 'r1', logUrl: 'https://x.test/l', measuredAt: NOW, endedAt: NOW, lastFix: 'f',
	// escalation, digest and weekly report columns
	waiting: 'w', owner: 'o', today: 't', successRate: 's', onTime: 'o', mtta: 'm', mttr: 'm', failures: 'f', recurring: 'r', tables: 't',
};

describe('Teams column headers in the card language', () => {
	for (const language of LANGS) {
		it(`${language}: every default column of every item shape`, () => {
			const shapes = [genRuns(3), genLights(3), genRowCounts(3), genSummaries(3), [{ name: 'n', detail: 'd', light: 'red', evaluatedAt: NOW, url: 'https://x.test' }]];
			const catalogue = Object.values(labelsFor(language).column);
			for (const items of shapes) {
				for (const label of headers(items, language)) {
					expect(catalogue).toContain(label);
					expect(foreign(label, language)).toBe(false);
				}
			}
		});

		it(`${language}: every column the shipped workflows pick (their labels are written in English)`, () => {
			const picked = workflowColumns();
			expect(picked.length).toBeGreaterThanOrEqual(3);
			for (const { workflow, columns } of picked) {
				const labels = headers([FULL_ITEM], language, columns);
				expect(labels).toHaveLength(columns.length);
				for (const [i, label] of labels.entries()) {
					expect({ workflow, field: columns[i].field, label, foreign: foreign(label, language) }).toEqual({ workflow, field: columns[i].field, label, foreign: false });
					expect(label).not.toBe(columns[i].field); // never the raw field name ("light")
				}
			}
		});

		it(`${language}: every catalogue word given as a label is said in the card's language`, () => {
			const other = labelsFor(language === 'ko' ? 'en' : 'ko').column;
			const mine = labelsFor(language).column;
			for (const [key, word] of Object.entries(other)) {
				const [label] = headers([FULL_ITEM], language, [{ field: 'pipeline', label: word }]);
				expect({ key, label }).toEqual({ key, label: mine[key] });
			}
		});
	}

	it('an empty label on the status column is 상태 / Status, never "light"', () => {
		expect(headers([FULL_ITEM], 'ko', [{ field: 'light', label: '', kind: 'status' }])).toEqual(['상태']);
		expect(headers([FULL_ITEM], 'en', [{ field: 'light', label: '', kind: 'status' }])).toEqual(['Status']);
	});

	it('a label of the user\'s own is kept as written; an unknown field without label stays its name', () => {
		expect(headers([FULL_ITEM], 'ko', [{ field: 'pipeline', label: '담당 배치' }, { field: 'minutes' }, { field: 'category', label: 'Bucket' }])).toEqual(['담당 배치', '분', 'Bucket']);
		expect(headers([{ custom_field: 1 }], 'ko', [{ field: 'custom_field' }])).toEqual(['custom_field']);
	});

	it('the Korean failure card as posted carries Korean headers', () => {
		const collector = workflowColumns().find((w) => w.workflow === 'failure-reporter.json')!;
		const [message] = buildMessages([FULL_ITEM], { now: NOW, language: 'ko', columns: collector.columns, title: 'Airflow 작업 실패' });
		for (const word of ['"Task"', '"Try"', '"Summary"', '"Suggested action"', '"Log"', '"Last time"', '"light"']) expect(message.body).not.toContain(word);
		for (const word of ['상태', '태스크', '시도', '요약', '권장 조치', '지난번 조치']) expect(message.body).toContain(word);
	});
});
