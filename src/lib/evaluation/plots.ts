import * as Plot from '@observablehq/plot';
import { m } from '$lib/paraglide/messages.js';
import type { UiLocale } from '$lib/i18n/locales';
import type { Bin, Cell, CountRow, Dashboard, SafeguardingHealth, SurveyResults } from '$lib/protocol/evaluation';
import { binLabel, formatter, keyLabel, languagePairLabel, optionLabels, regionLabel } from './tables';

/**
 * The charts, drawn with Observable Plot in the browser. Each draws from the same data as its section's tables;
 * withheld figures are never drawn as zero: a line breaks and the gap is labelled, a bar is left out and labelled.
 * Colours are the app's CSS variables, so dark mode follows; every value is also written as text, not only as colour.
 */
export type Render = (width: number) => Element;

const INK = 'currentColor';
const PRIMARY = 'var(--c-primary)';
const MUTED = 'var(--c-ink-2)';
const FONT = { fontSize: '13px', fontFamily: 'inherit', background: 'transparent', overflow: 'visible' };

/** Plot's element with the page's font and colours; text direction is left to right so axes read the usual way. */
function plot(options: Plot.PlotOptions): Element {
	const element = Plot.plot({ style: { ...FONT, direction: 'ltr' }, ...options });
	// A legend comes wrapped in an HTML figure, whose swatches would otherwise lay out right to left in Arabic.
	element.setAttribute('dir', 'ltr');
	return element;
}

function stack(...children: Element[]): Element {
	const div = document.createElement('div');
	div.className = 'grid gap-4';
	div.append(...children);
	return div;
}

function label(text: string): Element {
	const p = document.createElement('p');
	p.className = 'text-[0.9375rem] font-semibold';
	// Isolated: a survey's prompt may be in another script than the page.
	const bdi = document.createElement('bdi');
	bdi.textContent = text;
	p.append(bdi);
	return p;
}

const date = (week: string) => new Date(`${week}T00:00:00Z`);
const everyNth = <T>(items: T[], n: number) => items.filter((_, i) => i % Math.max(1, n) === 0);

/** One weekly series: a line with a dot per shown week, the gaps labelled "<5" along the bottom. */
function weekly(rows: { week: string; value: Cell }[], title: string, width: number, locale: UiLocale): Element {
	const fmt = formatter(locale);
	const data = rows.map((r) => ({ date: date(r.week), value: r.value ?? NaN }));
	const withheld = rows.filter((r) => r.value === null).map((r) => ({ date: date(r.week) }));
	const dayFmt = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
	return stack(
		label(title),
		plot({
			width,
			height: 200,
			marginLeft: 48,
			marginBottom: 32,
			// Ticks on the Mondays that start the weeks (not d3's Sundays), as many as fit.
			x: { type: 'utc', label: null, tickFormat: (d: Date) => dayFmt.format(d), ticks: everyNth(data.map((d) => d.date), Math.ceil(data.length / Math.max(2, Math.floor(width / 90)))), inset: 10 },
			y: { grid: true, label: null, tickFormat: (v: number) => fmt.count(v), zero: true, ticks: 4 },
			marks: [
				Plot.ruleY([0], { stroke: MUTED }),
				Plot.lineY(data, { x: 'date', y: 'value', stroke: PRIMARY, strokeWidth: 2.5, curve: 'linear' }),
				Plot.dot(data, { x: 'date', y: 'value', fill: PRIMARY, r: 3.5 }),
				Plot.text(withheld, { x: 'date', frameAnchor: 'bottom', dy: -6, text: () => m.eval_withheld_short(), fill: INK, fontWeight: 600 })
			]
		})
	);
}

/** Vertical bars for bins, each labelled with its value; withheld bins get a "<5" label and no bar. */
function bins(rows: Bin[], xTitle: string, width: number, locale: UiLocale): Element {
	const fmt = formatter(locale);
	const data = rows.map((b) => ({ label: binLabel(b, fmt), count: b.count }));
	const domain = data.map((d) => d.label);
	return plot({
		width,
		height: 220,
		marginLeft: 48,
		marginBottom: 40,
		x: { type: 'band', domain, label: xTitle, labelAnchor: 'center', labelOffset: 36, padding: 0.2 },
		y: { grid: true, label: null, tickFormat: (v: number) => fmt.count(v), ticks: 4 },
		marks: [
			Plot.barY(data.filter((d) => d.count !== null), { x: 'label', y: 'count', fill: PRIMARY }),
			Plot.text(data, { x: 'label', y: (d) => d.count ?? 0, text: (d) => (d.count === null ? m.eval_withheld_short() : fmt.count(d.count)), dy: -8, fill: INK, fontWeight: 600 }),
			Plot.ruleY([0], { stroke: MUTED })
		]
	});
}

/** Horizontal bars for a breakdown (country, gender...), largest first, each with its value written after it. */
function counts(rows: { label: string; count: Cell; note?: string }[], width: number, locale: UiLocale): Element {
	const fmt = formatter(locale);
	const longest = Math.max(...rows.map((r) => r.label.length), 4);
	const text = (d: { count: Cell; note?: string }) => (d.count === null ? m.eval_withheld_short() : fmt.count(d.count)) + (d.note ? ` · ${d.note}` : '');
	// Room after the longest bar for its value and note, so nothing is cut off at the edge.
	const after = Math.max(...rows.map((r) => text(r).length), 3);
	return plot({
		width,
		height: 36 + rows.length * 30,
		marginLeft: Math.min(240, 12 + longest * 7.5),
		marginRight: 16 + after * 7.5,
		x: { grid: true, label: null, tickFormat: (v: number) => fmt.count(v), ticks: 4 },
		y: { domain: rows.map((r) => r.label), label: null, tickSize: 0 },
		marks: [
			Plot.barX(rows.filter((r) => r.count !== null), { y: 'label', x: 'count', fill: PRIMARY }),
			Plot.text(rows, { y: 'label', x: (d) => d.count ?? 0, text, textAnchor: 'start', dx: 6, fill: INK, fontWeight: 600 }),
			Plot.ruleX([0], { stroke: MUTED })
		]
	});
}

function countRows(rows: CountRow[], name: (key: string) => string) {
	return rows.map((r) => ({ label: name(r.key), count: r.count }));
}

/** Mean change per question with its 95% interval, against a line at "no change". */
function changes(survey: SurveyResults, width: number, locale: UiLocale): Element {
	const fmt = formatter(locale);
	const data = survey.changes.map((c) => ({ prompt: c.prompt, mean: c.meanChange, low: c.ciLow, high: c.ciHigh }));
	const shown = data.filter((d) => d.mean !== null);
	const signed = (v: number) => fmt.value({ n: v, style: 'signed' });
	return plot({
		width,
		height: 60 + data.length * 56,
		marginLeft: Math.min(260, width / 3),
		marginRight: 40,
		marginBottom: 48,
		x: { grid: true, label: m.eval_axis_change({}, { locale }), labelAnchor: 'center', labelArrow: 'none', labelOffset: 42, tickFormat: signed, nice: true, domain: [Math.min(-0.5, ...shown.map((d) => d.low ?? d.mean!)), Math.max(0.5, ...shown.map((d) => d.high ?? d.mean!))] },
		y: { domain: data.map((d) => d.prompt), label: null },
		marks: [
			Plot.axisY({ lineWidth: 16, tickSize: 0 }),
			Plot.ruleX([0], { stroke: MUTED, strokeDasharray: '4 3' }),
			Plot.ruleY(shown.filter((d) => d.low !== null && d.high !== null), { y: 'prompt', x1: 'low', x2: 'high', stroke: PRIMARY, strokeWidth: 2.5 }),
			Plot.dot(shown, { y: 'prompt', x: 'mean', fill: PRIMARY, r: 5 }),
			Plot.text(data, { y: 'prompt', x: (d) => d.mean ?? 0, text: (d) => (d.mean === null ? m.eval_withheld_short() : signed(d.mean)), dy: -14, fill: INK, fontWeight: 600 })
		]
	});
}

/** For each closed question, one bar per phase split by answer, each part labelled with its count. */
function distributions(survey: SurveyResults, width: number, locale: UiLocale): Element {
	const fmt = formatter(locale);
	const phase = (p: 'pre' | 'post' | 'other') => (p === 'pre' ? m.eval_phase_pre() : p === 'post' ? m.eval_phase_post() : m.eval_phase_other());
	const charts = survey.questions
		.filter((q) => q.kind !== 'text')
		.map((q) => {
			const options = optionLabels(q, locale);
			const data = q.phases.flatMap((p) => options.map((choice, i) => ({ phase: phase(p.phase), choice, order: i, count: p.counts[i] ?? null })));
			const shown = data.filter((d) => d.count !== null);
			return stack(
				label(q.prompt),
				plot({
					width,
					height: 50 + q.phases.length * 40,
					marginLeft: 90,
					x: { label: null, tickFormat: (v: number) => fmt.count(v), ticks: 4 },
					y: { domain: q.phases.map((p) => phase(p.phase)), label: null, tickSize: 0 },
					color: { type: 'ordinal', domain: options, range: options.map((_, i) => `color-mix(in oklab, var(--c-primary) ${Math.round(25 + (75 * i) / Math.max(1, options.length - 1))}%, var(--c-surface))`), legend: true },
					marks: [
						Plot.barX(shown, Plot.stackX({ y: 'phase', x: 'count', fill: 'choice', order: 'order', stroke: 'var(--c-surface)', strokeWidth: 1 })),
						Plot.text(shown, Plot.stackX({ y: 'phase', x: 'count', order: 'order', text: (d: { count: number }) => fmt.count(d.count), fill: INK, stroke: 'var(--c-surface)', strokeWidth: 3, paintOrder: 'stroke', fontWeight: 600 }))
					]
				})
			);
		});
	return stack(...charts);
}

/** The chart for one dashboard section, or null when it has none (the tables still show). */
export function dashboardPlot(sectionId: string, d: Dashboard, locale: UiLocale): Render | null {
	const o = { locale };
	const r = d.reach;
	switch (sectionId) {
		case 'activity':
			return (w) =>
				stack(
					weekly(d.communication.weeks.map((x) => ({ week: x.week, value: x.messages })), m.eval_col_messages({}, o), w, locale),
					weekly(d.communication.weeks.map((x) => ({ week: x.week, value: x.activePeople })), m.eval_col_active_people({}, o), w, locale)
				);
		case 'pair-messages':
			return (w) => bins(d.communication.pairMessages.bins, m.eval_col_messages_per_pair({}, o), w, locale);
		case 'co-creation':
			return (w) =>
				stack(
					label(m.eval_contributors_caption({}, o)),
					bins(d.coCreation.contributorsPerWork, m.eval_col_contributors_per_work({}, o), w, locale),
					weekly(d.coCreation.weeks.map((x) => ({ week: x.week, value: x.worksEdited })), m.eval_col_works_edited({}, o), w, locale)
				);
		case 'country':
			return (w) => counts(countRows(r.byCountry, (k) => regionLabel(k, locale)), w, locale);
		case 'gender':
			return (w) => counts(countRows(r.byGender, (k) => keyLabel('gender', k, locale)), w, locale);
		case 'age':
			return (w) => counts(countRows(r.byAgeBand, (k) => keyLabel('age', k, locale)), w, locale);
		case 'role':
			return (w) => counts(countRows(r.byRole, (k) => keyLabel('role', k, locale)), w, locale);
		case 'languages':
			return (w) => counts(r.languagePairs.map((p) => ({ label: languagePairLabel(p.key, locale), count: p.pairs, note: p.machineTranslated ? m.eval_mt_note({}, o) : undefined })), w, locale);
	}
	const survey = d.surveys.find((s) => sectionId.startsWith(`survey-${s.surveyId}-`));
	if (!survey) return null;
	if (sectionId.endsWith('-change')) return survey.changes.some((c) => c.meanChange !== null) ? (w) => changes(survey, w, locale) : null;
	return survey.questions.some((q) => q.kind !== 'text') ? (w) => distributions(survey, w, locale) : null;
}

export function healthPlot(sectionId: string, h: SafeguardingHealth, locale: UiLocale): Render | null {
	if (sectionId !== 'health-weeks') return null;
	return (w) =>
		stack(
			weekly(h.weeks.map((x) => ({ week: x.week, value: x.reportsOpened })), m.eval_health_opened({}, { locale }), w, locale),
			weekly(h.weeks.map((x) => ({ week: x.week, value: x.held })), m.eval_health_held({}, { locale }), w, locale)
		);
}
