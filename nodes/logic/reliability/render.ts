/**
 * The weekly reliability report as rows for the Teams Table node and as the status page's
 * "weekly" tab (one HTML page), in Korean or English. Every value from the database is
 * HTML-escaped; only http(s) links become links.
 */
import { DateTime } from 'luxon';
import { escapeHtml, safeHttpUrl } from '../statusPage/escape';
import type { Change, Metrics, PipelineWeek, WeekReport } from './weekly';

export type Language = 'ko' | 'en';

const TEXT = {
	ko: {
		title: '주간 안정성 리포트',
		pipeline: '파이프라인',
		owner: '담당',
		success: '성공률',
		onTime: '정시율',
		mtta: '평균 확인 시간',
		mttr: '평균 복구 시간',
		failures: '실패',
		recurring: '반복 실패',
		tables: '알람 많은 테이블',
		expected: '예상된 알람',
		total: '전체',
		none: '—',
		min: '분',
		hours: '시간',
		days: '일',
		unacked: (n: number) => `미확인 ${n}건`,
		unrecovered: (n: number) => `미복구 ${n}건`,
		times: (n: number) => `${n}회`,
		vsLastWeek: '괄호: 지난주 대비',
		week: (from: string, to: string, zone: string) => `${from} ~ ${to} (${zone})`,
		back: '← 현황 페이지',
		pending: '판정할 예정 실행 없음',
	},
	en: {
		title: 'Weekly reliability report',
		pipeline: 'Pipeline',
		owner: 'Owner',
		success: 'Success rate',
		onTime: 'On time',
		mtta: 'Mean time to acknowledge',
		mttr: 'Mean time to recover',
		failures: 'Failures',
		recurring: 'Recurring failures',
		tables: 'Noisiest tables',
		expected: 'Expected alarms',
		total: 'All pipelines',
		none: '—',
		min: 'min',
		hours: 'h',
		days: 'd',
		unacked: (n: number) => `${n} unacknowledged`,
		unrecovered: (n: number) => `${n} not recovered`,
		times: (n: number) => `×${n}`,
		vsLastWeek: 'in brackets: change against the week before',
		week: (from: string, to: string, zone: string) => `${from} – ${to} (${zone})`,
		back: '← Status page',
		pending: 'no scheduled run to judge',
	},
};

type Texts = (typeof TEXT)['en'];

const textsOf = (language: Language): Texts => TEXT[language === 'ko' ? 'ko' : 'en'] as Texts;

/** "+3.0" / "−2.5" / "±0" with an arrow, for a change. */
export function signed(value: number | null, unit = ''): string {
	if (value === null) return '';
	if (value === 0) return `±0${unit}`;
	return `${value > 0 ? '▲' : '▼'}${Math.abs(value)}${unit}`;
}

const percent = (rate: number | null): string | null => (rate === null ? null : `${Math.round(rate * 1000) / 10}%`);

/** Minutes as "42 min", "3.5 h" or "2.1 d" (Korean: 분, 시간, 일). */
export function duration(min: number | null, t: Texts): string | null {
	if (min === null) return null;
	if (min < 120) return `${Math.round(min)}${t === TEXT.ko ? '' : ' '}${t.min}`;
	if (min < 48 * 60) return `${Math.round(min / 6) / 10}${t === TEXT.ko ? '' : ' '}${t.hours}`;
	return `${Math.round(min / 144) / 10}${t === TEXT.ko ? '' : ' '}${t.days}`;
}

const withChange = (value: string | null, change: string, t: Texts): string => (value === null ? t.none : change ? `${value} (${change})` : value);

/** The light of a pipeline's week: grey without runs; green ≥ 95 % success (and ≥ 90 % on time); yellow ≥ 80 %; red below. */
export function lightOf(m: Metrics): 'green' | 'yellow' | 'red' | 'grey' {
	if (m.successRate === null) return 'grey';
	if (m.successRate >= 0.95 && (m.onTimeRate === null || m.onTimeRate >= 0.9) && m.unacknowledged === 0) return 'green';
	if (m.successRate >= 0.8) return 'yellow';
	return 'red';
}

function cells(m: Metrics, c: Change, t: Texts) {
	return {
		successRate: withChange(percent(m.successRate), signed(c.successRate, 'pp'), t),
		onTime: m.ticks === 0 ? t.none : withChange(`${percent(m.onTimeRate)} (${m.onTime}/${m.ticks})`, signed(c.onTimeRate, 'pp'), t),
		mtta: [withChange(duration(m.mttaMin, t), signed(c.mttaMin, t.min), t), m.unacknowledged ? t.unacked(m.unacknowledged) : ''].filter(Boolean).join(', '),
		mttr: [withChange(duration(m.mttrMin, t), signed(c.mttrMin, t.min), t), m.unrecovered ? t.unrecovered(m.unrecovered) : ''].filter(Boolean).join(', '),
		failures: `${m.failures}/${m.runs}${c.failures ? ` (${signed(c.failures)})` : ''}`,
	};
}

/** One row per pipeline (and a total row first) for the Teams Table node. */
export function weeklyRows(report: WeekReport, language: Language): Array<Record<string, string>> {
	const t = textsOf(language);
	const total = { light: lightOf(report.total.current), pipeline: t.total, owner: '', ...cells(report.total.current, report.total.change, t), recurring: '', tables: '' };
	return [
		total,
		...report.pipelines.map((p) => ({
			light: lightOf(p.current),
			pipeline: p.pipeline,
			owner: p.owner ?? '',
			...cells(p.current, p.change, t),
			recurring: p.recurring.map((r) => `${t.times(r.count)} ${r.summary || r.fingerprint}`).join(' · '),
			tables: [
				...p.noisyTables.map((n) => `${n.table} ${n.alarmDays}${t === TEXT.ko ? '일' : 'd'}`),
				...p.expectedAlarms.map((a) => `${t.expected}: ${a.table} ${a.from.slice(5)}~${a.to.slice(5)}${a.note ? ` (${a.note})` : ''}`),
			].join(' · '),
		})),
	];
}

/** "2026-11-16 ~ 2026-11-22 (Asia/Seoul)": the week's local days. */
export function weekLabel(report: WeekReport, language: Language): string {
	const from = DateTime.fromISO(report.weekStart, { zone: report.timezone }).toISODate() ?? '';
	const to = DateTime.fromISO(report.weekEnd, { zone: report.timezone }).minus({ milliseconds: 1 }).toISODate() ?? '';
	return textsOf(language).week(from, to, report.timezone);
}

function row(p: PipelineWeek | null, report: WeekReport, t: Texts, language: Language): string {
	const m = p ? p.current : report.total.current;
	const c = p ? p.change : report.total.change;
	const v = cells(m, c, t);
	const light = lightOf(m);
	const lists = p
		? `<td>${p.recurring.map((r) => `<div>${escapeHtml(t.times(r.count))} ${escapeHtml(r.summary || r.fingerprint)}</div>`).join('')}</td>` +
			`<td>${p.noisyTables.map((n) => `<div>${escapeHtml(n.table)} ${n.alarmDays}${language === 'ko' ? '일' : 'd'}</div>`).join('')}` +
			`${p.expectedAlarms.map((a) => `<div class="expected">${escapeHtml(t.expected)}: ${escapeHtml(a.table)} ${escapeHtml(a.from)}~${escapeHtml(a.to)} ${escapeHtml(a.note)}</div>`).join('')}</td>`
		: '<td></td><td></td>';
	return (
		`<tr class="${light}"><td><span class="dot ${light}"></span>${escapeHtml(p ? p.pipeline : t.total)}</td><td>${escapeHtml(p?.owner ?? '')}</td>` +
		`<td>${escapeHtml(v.successRate)}</td><td>${escapeHtml(v.onTime)}</td><td>${escapeHtml(v.mtta || t.none)}</td><td>${escapeHtml(v.mttr || t.none)}</td><td>${escapeHtml(v.failures)}</td>${lists}</tr>`
	);
}

/** The status page's weekly tab: a self-contained HTML page (no scripts). */
export function weeklyPage(report: WeekReport, language: Language, statusUrl?: string): string {
	const t = textsOf(language);
	const back = safeHttpUrl(statusUrl);
	const head = [t.pipeline, t.owner, t.success, t.onTime, t.mtta, t.mttr, t.failures, t.recurring, `${t.tables} / ${t.expected}`].map((h) => `<th>${escapeHtml(h)}</th>`).join('');
	return `<!doctype html>
<html lang="${language === 'ko' ? 'ko' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI","Malgun Gothic",sans-serif;margin:1rem;color:#1f2328}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.4rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f6f8fa}.dot{display:inline-block;width:.7rem;height:.7rem;border-radius:50%;margin-right:.4rem}
.dot.green{background:#1a7f37}.dot.yellow{background:#bf8700}.dot.red{background:#cf222e}.dot.grey{background:#8c959f}
.expected{color:#57606a}nav a{margin-right:1rem}.note{color:#57606a;font-size:.9rem}
</style></head><body>
<nav>${back ? `<a href="${escapeHtml(back)}">${escapeHtml(t.back)}</a>` : ''}</nav>
<h1>${escapeHtml(t.title)}</h1>
<p class="note">${escapeHtml(weekLabel(report, language))} · ${escapeHtml(t.vsLastWeek)}</p>
<table><thead><tr>${head}</tr></thead><tbody>
${row(null, report, t, language)}
${report.pipelines.map((p) => row(p, report, t, language)).join('\n')}
</tbody></table>
</body></html>
`;
}
