import { DEFAULT_RULES, judgeTable } from '../../../nodes/logic/rowCount/diff';
import type { TableRules } from '../../../nodes/logic/rowCount/diff';
import type { Cadence } from '../../../nodes/logic/shared/items';
import type { LabelledTable } from './labelledSeries';
import { zScoreAlert } from './labelledSeries';

export interface Scores {
	tableDays: number;
	truePositives: number;
	falsePositives: number;
	falseNegatives: number;
	precision: number;
	recall: number;
	f1: number;
	falseAlarmsPer100: number;
}

/** One judged table-day: the label, whether the detector alarmed, and the node's score. */
export interface Judged {
	cadence: Cadence;
	truth: boolean;
	alarm: boolean;
	/** the node's score (null when it gives none) */
	score: number | null;
	code: string;
	/** an ordinary working day of the table without a label */
	cleanOrdinary: boolean;
}

export type Detector = (t: LabelledTable, index: number) => { alarm: boolean; score: number | null; code: string };

/** Runs a detector over the evaluation window of the set. */
export function judgeSet(set: readonly LabelledTable[], evalDays: number, detector: Detector): Judged[] {
	const out: Judged[] = [];
	for (const t of set) {
		for (let i = t.points.length - evalDays; i < t.points.length; i++) {
			const date = t.points[i].date;
			const truth = t.anomalies.has(date);
			const r = detector(t, i);
			out.push({ cadence: t.cadence, truth, alarm: r.alarm, score: r.score, code: r.code, cleanOrdinary: !truth && t.ordinary.has(date) });
		}
	}
	return out;
}

/** Precision, recall, F1 and false alarms per 100 table-days of judged table-days. */
export function scoresOf(judged: ReadonlyArray<Pick<Judged, 'truth' | 'alarm'>>): Scores {
	let tp = 0;
	let fp = 0;
	let fn = 0;
	for (const j of judged) {
		if (j.alarm && j.truth) tp++;
		else if (j.alarm) fp++;
		else if (j.truth) fn++;
	}
	const precision = tp + fp ? tp / (tp + fp) : 1;
	const recall = tp + fn ? tp / (tp + fn) : 1;
	return {
		tableDays: judged.length,
		truePositives: tp,
		falsePositives: fp,
		falseNegatives: fn,
		precision,
		recall,
		f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
		falseAlarmsPer100: judged.length ? (fp / judged.length) * 100 : 0,
	};
}

/** Root mean square of the node's score on clean ordinary working days of regular tables. */
export function cleanScoreRms(judged: readonly Judged[]): { rms: number; n: number } {
	let sum = 0;
	let n = 0;
	for (const j of judged) {
		if (!j.cleanOrdinary || j.score === null || (j.cadence !== 'regular' && j.cadence !== 'regular_holiday')) continue;
		if (j.code !== 'normal' && j.code !== 'drop' && j.code !== 'spike' && j.code !== 'zero_growth') continue;
		sum += j.score * j.score;
		n++;
	}
	return { rms: n ? Math.sqrt(sum / n) : NaN, n };
}

/** The node's logic as a detector: an alarm is a red light. It gets the whole history before the day. */
export function nodeDetector(rules: Partial<TableRules> = {}): Detector {
	return (t, i) => {
		const item = judgeTable(
			{ table: t.table, rows: t.points[i].rows, measuredAt: t.points[i].date, history: t.points.slice(0, i) },
			{ ...DEFAULT_RULES, ...rules, cadence: t.cadence },
		);
		return { alarm: item.light === 'red', score: item.score, code: item.reason.code };
	};
}

export const zScoreDetector: Detector = (t, i) => ({ alarm: zScoreAlert(t.points, i), score: null, code: 'z' });
