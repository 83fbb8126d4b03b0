/**
 * Renders the status page (and its 400 page) as one self-contained HTML document: no script, no
 * external asset, every database value escaped, links only to http(s) URLs.
 */
import { DateTime } from 'luxon';
import { previousFixLine } from '../actions/resolution';
import type { Cadence, Light } from '../shared/items';
import { displayId, escapeHtml, externalLink, truncate } from './escape';
import { labelsFor } from './i18n';
import type { PageLabels } from './i18n';
import { clampPage, lastPage, pagerNumbers } from './paging';
import { reasonForPage, stateText, verdictForPage } from './localize';
import { loadBarsSvg } from './sparkline';
import { htmlDocument } from '../shared/html';
import { PAGE_CSP, PAGE_CSS } from './style';
import { CADENCE_FILTERS, CADENCES, EVENT_KINDS } from './types';
import type { BadRequest, EventView, Notice, PageData, PageRequest, PipelineView, QueryKey, TableTrend } from './types';

export interface RenderedPage {
	statusCode: number;
	html: string;
	/** the page number actually shown (after clamping), for tests and logs */
	page?: number;
}

const MESSAGE_CHARS = 400;
const LIGHT_ORDER: Record<Light | 'none', number> = { red: 0, yellow: 1, grey: 2, none: 3, green: 4 };

/** A query-only link to this same page, keeping the parameters the reader chose. */
export function pageLink(request: Pick<PageRequest, 'given'>, changes: Partial<Record<QueryKey, string | null>>): string {
	const merged: Partial<Record<QueryKey, string>> = { ...request.given };
	for (const [key, value] of Object.entries(changes) as Array<[QueryKey, string | null]>) {
		if (value === null) delete merged[key];
		else merged[key] = value;
	}
	const order: QueryKey[] = ['lang', 'tab', 'from', 'to', 'page', 'cadence', 'tz'];
	const params = new URLSearchParams();
	for (const key of order) if (merged[key] !== undefined) params.set(key, merged[key]!);
	const qs = params.toString();
	return qs ? `?${qs}` : '?';
}

function formatInstant(iso: string | null, zone: string): string {
	if (!iso) return '–';
	const dt = DateTime.fromISO(iso, { setZone: true });
	return dt.isValid ? dt.setZone(zone).toFormat('yyyy-MM-dd HH:mm') : '–';
}

const COUNT_FORMAT = new Intl.NumberFormat('en-US');

function formatCount(n: number): string {
	return COUNT_FORMAT.format(n);
}

function formatDelta(n: number | null): string {
	if (n === null) return '–';
	return n > 0 ? `+${formatCount(n)}` : n < 0 ? `−${formatCount(-n)}` : '0';
}

function zoneLabel(zone: string, now: string): string {
	const offset = DateTime.fromISO(now, { setZone: true }).setZone(zone).toFormat('ZZ');
	return `${zone} (UTC${offset})`;
}

function lightBadge(light: Light | null, t: PageLabels): string {
	const key = light ?? 'none';
	return `<span class="badge l-${key}"><span class="dot"></span>${escapeHtml(t.light[key])}</span>`;
}

function documentHtml(t: PageLabels, title: string, body: string): string {
	return htmlDocument({ lang: t.htmlLang, title, css: PAGE_CSS, policy: PAGE_CSP, body });
}

function headerHtml(request: PageRequest, t: PageLabels, title: string): string {
	const other = request.lang === 'ko' ? 'en' : 'ko';
	return (
		`<header><h1>${escapeHtml(title)}</h1>` +
		`<span class="meta">${escapeHtml(t.generated)} ${escapeHtml(formatInstant(request.now, request.timezone))} · ${escapeHtml(t.timezone)} ${escapeHtml(zoneLabel(request.timezone, request.now))}</span>` +
		`<a class="lang" href="${escapeHtml(pageLink(request, { lang: other }))}" hreflang="${other}">${escapeHtml(t.switchLanguage)}</a></header>`
	);
}

function noticesHtml(notices: readonly Notice[], t: PageLabels): string {
	return notices.map((n) => `<p class="notice" role="status">${escapeHtml(t.notice(n))}</p>`).join('');
}

/** The local days of the light strips, oldest first, ending today. */
function stripDays(request: PageRequest): string[] {
	const today = DateTime.fromISO(request.today, { zone: 'UTC' });
	return Array.from({ length: request.stripDays }, (_, i) => today.minus({ days: request.stripDays - 1 - i }).toISODate()!);
}

function stripHtml(p: PipelineView, days: readonly string[], t: PageLabels): string {
	const byDay = new Map(p.strip.map((s) => [s.day, s]));
	const cells: string[] = [];
	for (const day of days) {
		const s = byDay.get(day);
		const light = s?.light;
		const title = !s && p.historyStored === false ? t.stripPending(day) : t.stripCell(day, light ? t.light[light] : null, s?.counts);
		cells.push(`<span class="${light ? `s-${light}` : ''}" title="${escapeHtml(title)}"></span>`);
	}
	return `<div class="strip">${cells.join('')}</div>`;
}

function scheduleText(p: PipelineView): string {
	if (!p.schedule) return '–';
	return p.timezone ? `${p.schedule} (${p.timezone})` : p.schedule;
}

/**
 * One table cell, labelled with its column: on a phone the tables become one block per row and
 * each cell shows its label before the value (the header row is hidden there).
 */
function cell(label: string, html: string, cls?: string): string {
	return `<td${cls ? ` class="${cls}"` : ''} data-label="${escapeHtml(label)}">${html}</td>`;
}

export function sortPipelines(list: readonly PipelineView[]): PipelineView[] {
	return [...list].sort((a, b) => LIGHT_ORDER[a.light ?? 'none'] - LIGHT_ORDER[b.light ?? 'none'] || a.pipeline.localeCompare(b.pipeline));
}

function pipelinesHtml(data: PageData, request: PageRequest, t: PageLabels): string {
	const heading = `<h2 id="pipelines">${escapeHtml(t.pipelinesHeading)}</h2>`;
	if (data.pipelines.length === 0) return `${heading}<p class="muted">${escapeHtml(t.noPipelines)}</p>`;
	const counts = new Map<Light | 'none', number>();
	for (const p of data.pipelines) counts.set(p.light ?? 'none', (counts.get(p.light ?? 'none') ?? 0) + 1);
	const summary = (['red', 'yellow', 'grey', 'none', 'green'] as const)
		.filter((l) => counts.get(l))
		.map((l) => `<span class="l-${l}"><span class="dot"></span>${escapeHtml(t.light[l])} ${counts.get(l)}</span>`)
		.join('');
	const days = stripDays(request);
	const c = t.col;
	const rows = sortPipelines(data.pipelines).map((p) => {
		const reasons = p.reasons.length ? `<ul class="reasons">${p.reasons.map((r) => `<li>${escapeHtml(truncate(reasonForPage(r, request.lang, t), 300))}</li>`).join('')}</ul>` : '<span class="muted">–</span>';
		const owner = p.owner ? escapeHtml(p.owner) : '–';
		const description = p.description ? `<div class="muted">${escapeHtml(truncate(p.description, 200))}</div>` : '';
		return (
			`<tr class="l-row-${p.light ?? 'none'}">${cell(c.light, lightBadge(p.light, t), 'inl bare')}` +
			cell(c.pipeline, `<strong class="id" title="${escapeHtml(p.pipeline)}">${externalLink(p.url, displayId(p.pipeline))}</strong>${description}`) +
			cell(c.service, escapeHtml(p.service ?? '–'), 'inl') +
			cell(c.schedule, escapeHtml(scheduleText(p)), 'inl') +
			cell(c.deadline, escapeHtml(p.deadline ?? '–'), 'nowrap inl') +
			cell(c.owner, owner, 'inl') +
			cell(c.reasons, reasons) +
			cell(c.evaluated, escapeHtml(formatInstant(p.evaluatedAt, request.timezone)), 'inl') +
			`${cell(c.lastDays(request.stripDays), stripHtml(p, days, t))}</tr>`
		);
	});
	return (
		`${heading}<div class="summary">${summary}</div>` +
		`<table class="pipelines"><thead><tr><th>${c.light}</th><th>${c.pipeline}</th><th>${c.service}</th><th>${c.schedule}</th><th>${c.deadline}</th><th>${c.owner}</th><th>${c.reasons}</th><th>${c.evaluated}</th><th>${escapeHtml(c.lastDays(request.stripDays))}</th></tr></thead>` +
		`<tbody>${rows.join('')}</tbody></table>`
	);
}

/** "Last time: 2026-11-12, resolved by …: note" under a failure whose fingerprint was handled before. */
function lastFixHtml(e: EventView, request: PageRequest, t: PageLabels): string {
	const line = previousFixLine(e.previous, request.lang, request.timezone);
	return line ? `<div class="muted">${escapeHtml(t.lastTime)}: ${escapeHtml(truncate(line, MESSAGE_CHARS))}</div>` : '';
}

function eventRow(e: EventView, request: PageRequest, t: PageLabels): string {
	const c = t.col;
	const task = [e.taskId, e.tryNumber !== null ? t.tryNo(e.tryNumber) : null].filter(Boolean).join(' · ');
	const text = e.summary ?? e.message ?? '';
	const links = [e.url ? externalLink(e.url, t.run) : '', e.logUrl ? externalLink(e.logUrl, t.log) : ''].filter(Boolean).join(' · ');
	return (
		`<tr class="event">${cell(c.time, escapeHtml(formatInstant(e.at, request.timezone)), 'nowrap inl')}` +
		cell(c.pipeline, `<span class="id" title="${escapeHtml(e.pipeline)}">${escapeHtml(displayId(e.pipeline))}</span>${e.source ? ` <span class="muted">(${escapeHtml(e.source)})</span>` : ''}`) +
		cell(c.task, `<span class="id"${displayId(task) !== task ? ` title="${escapeHtml(task)}"` : ''}>${escapeHtml(displayId(task) || '–')}</span>`) +
		cell(c.state, escapeHtml(e.state ? stateText(e.state, t) : '–'), 'inl') +
		cell(c.message, escapeHtml(truncate(text, MESSAGE_CHARS)) + lastFixHtml(e, request, t), 'msg') +
		`${cell(c.links, links || '–', 'nowrap inl')}</tr>`
	);
}

function pagerHtml(request: PageRequest, page: number, total: number, t: PageLabels): string {
	const last = lastPage(total, request.pageSize);
	const link = (p: number, text: string, rel?: string) => `<a href="${escapeHtml(pageLink(request, { page: String(p) }))}"${rel ? ` rel="${rel}"` : ''}>${escapeHtml(text)}</a>`;
	const parts: string[] = [`<span class="muted">${escapeHtml(t.pageOf(page, last, total))}</span>`];
	if (page > 1) parts.push(link(page - 1, t.prev, 'prev'));
	for (const p of pagerNumbers(page, last)) {
		if (p === null) parts.push('<span class="muted">…</span>');
		else if (p === page) parts.push(`<span class="current" aria-current="page">${p}</span>`);
		else parts.push(link(p, String(p)));
	}
	if (page < last) parts.push(link(page + 1, t.next, 'next'));
	return `<nav class="pager" aria-label="pages">${parts.join(' ')}</nav>`;
}

function rangeFormHtml(request: PageRequest, t: PageLabels): string {
	const hidden = (['lang', 'tab', 'cadence', 'tz'] as const)
		.filter((k) => request.given[k] !== undefined)
		.map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(request.given[k])}">`)
		.join('');
	return (
		`<form class="range" method="get" action="">${hidden}` +
		`<label>${escapeHtml(t.range.from)} <input type="date" name="from" value="${escapeHtml(request.from)}"></label>` +
		`<label>${escapeHtml(t.range.to)} <input type="date" name="to" value="${escapeHtml(request.to)}"></label>` +
		`<button type="submit">${escapeHtml(t.range.apply)}</button></form>`
	);
}

function eventsHtml(data: PageData, request: PageRequest, page: number, t: PageLabels): string {
	const tabs = EVENT_KINDS.map((kind) => {
		const active = kind === request.tab;
		return `<a class="${active ? 'active' : ''}" href="${escapeHtml(pageLink(request, { tab: kind, page: null }))}"${active ? ' aria-current="page"' : ''}>${escapeHtml(t.tab[kind])} (${data.eventCounts[kind]})</a>`;
	}).join('');
	const total = data.eventCounts[request.tab];
	const c = t.col;
	const body =
		data.events.length === 0
			? `<p class="muted">${escapeHtml(t.noEvents)}</p>`
			: `<table class="events"><thead><tr><th>${c.time}</th><th>${c.pipeline}</th><th>${c.task}</th><th>${c.state}</th><th>${c.message}</th><th>${c.links}</th></tr></thead><tbody>${data.events.map((e) => eventRow(e, request, t)).join('')}</tbody></table>`;
	return (
		`<h2 id="events">${escapeHtml(t.eventsHeading(request.from, request.to))}</h2>` +
		rangeFormHtml(request, t) +
		`<nav class="tabs" aria-label="tabs">${tabs}</nav>` +
		body +
		(total > 0 ? pagerHtml(request, page, total, t) : '')
	);
}

function tableRow(tt: TableTrend, request: PageRequest, t: PageLabels): string {
	const c = t.col;
	const values = tt.loads.filter((v): v is number => v !== null);
	const label = escapeHtml(t.trendLabel(tt.table, values.length ? formatDelta(Math.min(...values)) : '–', values.length ? formatDelta(Math.max(...values)) : '–'));
	const days = daysOf(request.trendFrom, tt.loads.length);
	const flagged = tt.lights.map((l, i) => (l === 'red' || l === 'yellow' ? days[i] : null)).filter((d): d is string => d !== null);
	const latest = tt.latest;
	const rows = latest ? `${formatCount(latest.rows)}${latest.estimated ? ` <span class="muted">(${escapeHtml(t.estimated)})</span>` : ''}` : `<span class="muted">${escapeHtml(t.notMeasured)}</span>`;
	const description = tt.description ? `<div class="muted">${escapeHtml(truncate(tt.description, 160))}</div>` : '';
	const said = verdictForPage(latest?.reason ?? null, latest?.light ?? null, request.lang, t);
	const verdict = `${lightBadge(latest?.light ?? null, t)}<div>${escapeHtml(truncate(said.verdict, 200))}</div>${said.detail ? `<div class="muted">${escapeHtml(truncate(said.detail, 200))}</div>` : ''}`;
	const flags = flagged.length ? `<div class="muted flags">${escapeHtml(t.flaggedDays(flagged.slice(-5)))}</div>` : '';
	return (
		`<tr>${cell(c.table, `<strong class="id" title="${escapeHtml(tt.table)}">${escapeHtml(displayId(tt.table))}</strong>${description}`)}` +
		cell(c.rows, rows, 'num inl') +
		cell(c.delta, escapeHtml(formatDelta(latest?.delta ?? null)), 'num inl') +
		cell(c.verdict, verdict + tableNotesHtml(tt, request, t)) +
		cell(c.trend(request.trendDays), loadBarsSvg(tt.loads, tt.lights, { label }) + flags) +
		`${cell(c.time, escapeHtml(latest?.day ?? '–'), 'nowrap muted inl')}</tr>`
	);
}

/** `count` local days from `from`, oldest first. */
function daysOf(from: string, count: number): string[] {
	const start = DateTime.fromISO(from, { zone: 'UTC' });
	return Array.from({ length: count }, (_, i) => start.plus({ days: i }).toISODate()!);
}

function formatLag(minutes: number, t: PageLabels): string {
	return minutes >= 120 ? t.hours((minutes / 60).toFixed(1)) : t.minutes(String(Math.round(minutes)));
}

/** Freshness, mute and annotations of a table, under its verdict. */
function tableNotesHtml(tt: TableTrend, request: PageRequest, t: PageLabels): string {
	const notes: string[] = [];
	const f = tt.freshness;
	if (f) {
		const age = f.lagMinutes === null ? '–' : formatLag(Math.max(0, f.lagMinutes), t);
		notes.push(`<div class="muted freshness">${escapeHtml(t.newestRow(formatInstant(f.latestAt, request.timezone), age, f.allowedLagMinutes === null ? null : formatLag(f.allowedLagMinutes, t)))}</div>`);
	}
	if (tt.muteUntil && tt.muteUntil >= request.today) notes.push(`<div class="muted muted-until">${escapeHtml(t.mutedUntil(tt.muteUntil))}</div>`);
	if (tt.annotations.length > 0) {
		const list = tt.annotations
			.map((a) => `${a.from === a.to ? a.from : `${a.from}–${a.to}`} ${t.annotationKind[a.kind] ?? a.kind}${a.note ? `: ${truncate(a.note, 120)}` : ''}`)
			.join('; ');
		notes.push(`<div class="muted annotations">${escapeHtml(`${t.annotated}: ${list}`)}</div>`);
	}
	return notes.join('');
}

function rowCountsHtml(data: PageData, request: PageRequest, t: PageLabels): string {
	const filters = CADENCE_FILTERS.map((cf) => {
		const active = cf === request.cadence;
		return `<a class="${active ? 'active' : ''}" href="${escapeHtml(pageLink(request, { cadence: cf === 'all' ? null : cf }))}#row-counts">${escapeHtml(t.cadence[cf])}</a>`;
	}).join('');
	const heading = `<h2 id="row-counts">${escapeHtml(t.countsHeading)}</h2><nav class="filters" aria-label="cadence">${filters}</nav>`;
	const shown = data.tables.filter((tt) => request.cadence === 'all' || tt.cadence === request.cadence);
	if (shown.length === 0) return `${heading}<p class="muted">${escapeHtml(t.noCounts)}</p>`;
	const c = t.col;
	const groups = CADENCES.map((cadence: Cadence) => {
		const list = shown.filter((tt) => tt.cadence === cadence);
		if (list.length === 0) return '';
		return (
			`<h3>${escapeHtml(t.cadence[cadence])}</h3>` +
			`<table class="counts" data-cadence="${cadence}"><thead><tr><th>${c.table}</th><th>${c.rows}</th><th>${c.delta}</th><th>${c.verdict}</th><th>${escapeHtml(c.trend(request.trendDays))}</th><th>${c.time}</th></tr></thead>` +
			`<tbody>${list.map((tt) => tableRow(tt, request, t)).join('')}</tbody></table>`
		);
	});
	return heading + groups.join('');
}

/** The page for a valid request. Clamps a page past the end to the last page (with a notice). */
export function renderStatusPage(data: PageData, request: PageRequest, title?: string): RenderedPage {
	const t = labelsFor(request.lang);
	const total = data.eventCounts[request.tab];
	const page = clampPage(request.page, total, request.pageSize);
	const notices = [...request.notices, ...(data.notices ?? []), ...(page !== request.page ? [{ code: 'page_clamped' as const, value: String(request.page) }] : [])];
	const pageTitle = title ?? request.title ?? t.title;
	const body =
		headerHtml(request, t, pageTitle) +
		'<main>' +
		noticesHtml(notices, t) +
		(data.unavailable ? `<p class="alert" role="alert">${escapeHtml(t.unavailable)}</p>` : '') +
		pipelinesHtml(data, request, t) +
		eventsHtml(data, request, page, t) +
		rowCountsHtml(data, request, t) +
		'</main>' +
		`<footer>${escapeHtml(t.footer)}</footer>`;
	return { statusCode: data.unavailable ? 503 : 200, html: documentHtml(t, pageTitle, body), page };
}

/** The 400 page: what was wrong with which parameter, and what was expected. */
export function renderBadRequest(bad: BadRequest, title?: string): RenderedPage {
	const t = labelsFor(bad.lang);
	const items = bad.problems
		.map((p) => `<li><code>${escapeHtml(p.parameter)}</code> = <code>${escapeHtml(p.value)}</code> — ${escapeHtml(t.badRequestExpected)}: ${escapeHtml(p.expected)}</li>`)
		.join('');
	const body =
		`<header><h1>${escapeHtml(title ?? t.title)}</h1></header><main>` +
		`<h2>${escapeHtml(t.badRequestTitle)} (400)</h2><p class="alert" role="alert">${escapeHtml(t.badRequestIntro)}</p><ul>${items}</ul>` +
		`<p><a href="?${bad.lang === 'en' ? 'lang=en' : ''}">${escapeHtml(t.backToDefault)}</a></p></main>`;
	return { statusCode: 400, html: documentHtml(t, `${t.badRequestTitle} – ${title ?? t.title}`, body) };
}
