import { DEFAULT_RULES, judgeTable } from '../../../nodes/logic/rowCount/diff';
import type { TableRules } from '../../../nodes/logic/rowCount/diff';
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

/** Scores a detector (alert or not, per table and day) over the evaluation window of the set. */
export function score(set: readonly LabelledTable[], evalDays: number, alert: (t: LabelledTable, index: number) => boolean): Scores {
	let tp = 0;
	let fp = 0;
	let fn = 0;
	let n = 0;
	for (const t of set) {
		for (let i = t.points.length - evalDays; i < t.points.length; i++) {
			const truth = t.anomalies.has(t.points[i].date);
			const said = alert(t, i);
			n++;
			if (said && truth) tp++;
			else if (said) fp++;
			else if (truth) fn++;
		}
	}
	const precision = tp + fp ? tp / (tp + fp) : 1;
	const recall = tp + fn ? tp / (tp + fn) : 1;
	return {
		tableDays: n,
		truePositives: tp,
		falsePositives: fp,
		falseNegatives: fn,
		precision,
		recall,
		f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
		falseAlarmsPer100: (fp / n) * 100,
	};
}

/** The Row Count Diff node's logic as a detector: an alert is a yellow or red light. */
export function nodeDetector(historyDays = 90, rules: Partial<TableRules> = {}) {
	return (t: LabelledTable, i: number): boolean => {
		const item = judgeTable(
			{ table: t.table, rows: t.points[i].rows, measuredAt: t.points[i].date, history: t.points.slice(Math.max(0, i - historyDays), i) },
			{ ...DEFAULT_RULES, ...rules, cadence: t.cadence },
		);
		return item.light === 'red' || item.light === 'yellow';
	};
}

export const zScoreDetector = (t: LabelledTable, i: number): boolean => zScoreAlert(t.points, i);
