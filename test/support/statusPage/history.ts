/**
 * The two-week history the status-page test checks: a DAG whose runs follow a written pattern, an
 * n8n pipeline known only from stored events, the simulator's generated DAGs registered as
 * pipelines, and two pipelines with odd ids (250 characters; 200 combining accents). Also reads a
 * strip back out of the page's HTML, and computes a DAG's expected strip from its runs.
 */
import { DateTime } from 'luxon';
import { buildHistoryDays, lastLocalDays } from '../../../nodes/logic/statusPage/history';
import type { SimDag, World, SimRun } from '../airflow/world';

/** Odd but accepted ids; named evil_… so the README screenshots drop them with the hostile rows. */
export const ODD_IDS = {
	long: `evil_long_${'orders_partitioned_by_region_'.repeat(9).slice(0, 240)}`,
	marks: `evil_marks_e${'\u0301'.repeat(200)}`,
};

export interface HistoryPlan {
	sql: string;
	handDag: string;
	/** R, Y, G per day, oldest first (computed by hand from the pattern below) */
	handExpected: string;
	eventsPipeline: string;
	eventsExpected: string;
	generatedDags: string[];
}

function sqlString(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The hand-made DAG's runs per day, oldest first (13 days ago … today): the states of that day's
 * runs in the order they ran. A day's cell is its worst finished run: one failure makes it red,
 * a run still queued gives no light of its own.
 */
const HAND_PATTERN: string[][] = [
	['success'],
	['success'],
	['failed'],
	['success'],
	['success', 'success'],
	['failed', 'success'], // failed, then a manual re-run succeeded: still a red day
	['success'],
	['success'],
	['failed'],
	['success'],
	['success'],
	['success', 'failed'],
	['success'],
	['success', 'queued'], // today: a success, and a run not started yet
];
const HAND_EXPECTED = 'GGRGGRGGRGGRGG';

export function historySeed(world: World, now: DateTime, zone: string): HistoryPlan {
	const today = now.setZone(zone).startOf('day');
	const handDag = 'hand_pattern_dag';
	const dag: SimDag = { dagId: handDag, tags: ['hand'], isPaused: false, isActive: true, owners: ['data-eng'], schedule: '@daily', tasks: ['extract', 'load'], fileloc: `/opt/airflow/dags/${handDag}.py`, description: 'runs written by hand' };
	world.dags.push(dag);
	world.dagIndex.set(handDag, dag);
	HAND_PATTERN.forEach((states, i) => {
		const day = today.minus({ days: HAND_PATTERN.length - 1 - i });
		states.forEach((state, k) => {
			// today's runs start in the first seconds of the day, so they are in the past whenever the test runs
			const at = day.plus(i === HAND_PATTERN.length - 1 ? { seconds: 1 + k } : { hours: 1 + 6 * k }).toMillis();
			const finished = state === 'success' || state === 'failed';
			world.addRun({
				dagId: handDag,
				runId: `${k === 0 ? 'scheduled' : 'manual'}__${new Date(at).toISOString()}`,
				runType: k === 0 ? 'scheduled' : 'manual',
				runAfter: at,
				logicalDate: at,
				queuedAt: at - 500,
				startDate: state === 'queued' ? null : at,
				endDate: finished ? at + 200 : null,
				state: state as SimRun['state'],
				updatedAt: at,
				conf: {},
				note: null,
				failedTask: 1,
				clears: 0,
			});
		});
	});
	const generatedDags = world.dags.filter((d) => d.dagId !== handDag).map((d) => d.dagId);
	const eventsPipeline = 'n8n_events_only';
	const event = (kind: string, daysAgo: number, state: string) => {
		const at = today.minus({ days: daysAgo }).plus({ hours: 12 }).toISO();
		return `(${sqlString(`h|${eventsPipeline}|${daysAgo}`)}, 'n8n', '${kind}', '${eventsPipeline}', NULL, NULL, NULL, '${state}', '${at}', '${at}', ${sqlString(`${kind} ${daysAgo} days ago`)}, NULL, NULL, NULL)`;
	};
	const sql = [
		`INSERT INTO pipeline_monitor.pipelines (pipeline, service, schedule, timezone, owner, description) VALUES ${[...generatedDags, handDag]
			.map((id) => `(${sqlString(id)}, 'airflow', '@daily', '${zone}', 'data-eng', 'Airflow simulator DAG')`)
			.join(', ')}, (${sqlString(eventsPipeline)}, 'n8n', NULL, NULL, 'ops', 'n8n workflow seen only through its stored events');`,
		`INSERT INTO pipeline_monitor.events (event_key, source, kind, pipeline, run_id, task_id, try_number, state, ended_at, received_at, message, url, log_url, summary) VALUES ${[event('failure', 5, 'error'), event('warning', 2, 'success'), event('success', 1, 'success')].join(', ')};`,
		`INSERT INTO pipeline_monitor.pipelines (pipeline, service, schedule, timezone, owner, description) VALUES ${Object.values(ODD_IDS)
			.map((id) => `(${sqlString(id)}, 'n8n', NULL, NULL, 'ops', NULL)`)
			.join(', ')};`,
		`INSERT INTO pipeline_monitor.lights (pipeline, light, reasons, url, changed_at, evaluated_at) VALUES ${Object.values(ODD_IDS)
			.map((id) => `(${sqlString(id)}, 'red', '[{"code":"consecutive_failures","light":"red","text":"2회 연속 실패"}]'::jsonb, NULL, '${now.toISO()}', '${now.toISO()}')`)
			.join(', ')};`,
	].join('\n');
	// 13 days ago … today: failure 5 days ago, warning 2 days ago, success yesterday
	return { sql, handDag, handExpected: HAND_EXPECTED, eventsPipeline, eventsExpected: '........R..YG.', generatedDags };
}

const RANK: Record<string, number> = { R: 0, Y: 1, G: 3 };

/** A DAG's expected strip from its runs: per local day, failed R beats success G; unfinished runs count for nothing. */
export function runLetters(runs: readonly SimRun[], now: DateTime, zone: string, days = 14): string {
	const today = now.setZone(zone).startOf('day');
	const cells = new Map<string, string>();
	for (const run of runs) {
		const letter = run.state === 'failed' ? 'R' : run.state === 'success' ? 'G' : null;
		if (!letter) continue;
		const day = DateTime.fromMillis(run.startDate ?? run.runAfter, { zone }).toISODate()!;
		const had = cells.get(day);
		if (!had || RANK[letter] < RANK[had]) cells.set(day, letter);
	}
	return Array.from({ length: days }, (_, i) => cells.get(today.minus({ days: days - 1 - i }).toISODate()!) ?? '.').join('');
}

function escapeAttr(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/`/g, '&#96;');
}

/** The strip of one pipeline as letters (R, Y, G, N for grey, . for a day without light), oldest first. */
export function stripOf(html: string, pipeline: string): string {
	const table = html.slice(html.indexOf('<table class="pipelines">'), html.indexOf('</table>', html.indexOf('<table class="pipelines">')));
	const at = table.indexOf(`title="${escapeAttr(pipeline)}"`);
	if (at < 0) throw new Error(`pipeline ${pipeline} is not on the page`);
	const strip = /<div class="strip">(.*?)<\/div>/.exec(table.slice(at));
	if (!strip) throw new Error(`no strip for ${pipeline}`);
	const letter: Record<string, string> = { 's-red': 'R', 's-yellow': 'Y', 's-green': 'G', 's-grey': 'N', '': '.' };
	return [...strip[1].matchAll(/<span class="([^"]*)"/g)].map((m) => letter[m[1]] ?? '?').join('');
}

/**
 * SQL that stores the 14 history days (pipeline_days) of the given DAGs from the simulator's runs,
 * as the hourly status workflow would after its first run (the status-page test seeds them so its
 * page has history without running that workflow; test/real/status-history.test.ts proves the
 * workflow itself).
 */
export function storedDaysSql(world: World, dags: readonly string[], now: DateTime, zone: string): string {
	const days = lastLocalDays(now, zone, 14);
	const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
	const runs = world.runs.filter((r) => dags.includes(r.dagId)).map((r) => ({ pipeline: r.dagId, runId: r.runId, state: r.state, startedAt: iso(r.startDate), runAfter: iso(r.runAfter) }));
	const rows = buildHistoryDays(
		dags.map((pipeline) => ({ pipeline, days })),
		{ runs },
		zone,
	);
	const values = rows.map(
		(r) =>
			`(${sqlString(r.pipeline)}, '${r.day}', '${r.timezone}', ${r.light ? `'${r.light}'` : 'NULL'}, ${r.source ? `'${r.source}'` : 'NULL'}, ${r.runs}, ${r.failed}, ${r.other}, ${r.failures}, ${r.warnings}, ${r.evaluations}, ${r.late}, '${now.toUTC().toISO()}')`,
	);
	return `INSERT INTO pipeline_monitor.pipeline_days (pipeline, day, timezone, light, source, runs, failed, other, failures, warnings, evaluations, late, computed_at) VALUES\n${values.join(',\n')};`;
}
