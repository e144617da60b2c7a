import { m } from '$lib/paraglide/messages.js';
import type { UiLocale } from '$lib/i18n/locales';
import type { Section } from './tables';

/** One CSV field, RFC 4180 quoted; text that a spreadsheet would run as a formula gets a leading apostrophe. */
export function csvField(value: string | number): string {
	// Direction isolates help a right-to-left page, not a spreadsheet cell.
	let text = String(value).replace(/[\u2066-\u2069]/g, '');
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(fields: (string | number)[]): string {
	return fields.map(csvField).join(',');
}

/**
 * The sections as one long CSV (one row per figure: chart, table, row, column, value), so every chart's data fits
 * one sheet and can be pivoted. Numbers are plain (dot decimals); withheld figures read "fewer than 5". Starts with
 * a byte order mark so Excel reads the accents right; lines end in CRLF as RFC 4180 asks.
 */
export function sectionsCsv(sections: Section[], locale: UiLocale): string {
	const o = { locale };
	const lines = [csvLine([m.eval_csv_chart({}, o), m.eval_csv_table({}, o), m.eval_csv_row({}, o), m.eval_csv_column({}, o), m.eval_csv_value({}, o)])];
	for (const section of sections) {
		for (const table of section.tables) {
			for (const row of table.rows) {
				row.values.forEach((v, i) => {
					// p values keep their significant digits (a rounded 0.00003 would read as 0).
					const value = typeof v === 'string' ? v : v.n === null ? (v.style === undefined || v.style === 'count' ? m.eval_withheld({}, o) : m.eval_withheld_value({}, o)) : v.style === 'p' ? Number(v.n.toPrecision(4)) : Number(v.n.toFixed(4));
					lines.push(csvLine([section.title, table.caption, row.label, table.columns[i] ?? '', value]));
				});
			}
		}
	}
	return `\uFEFF${lines.join('\r\n')}\r\n`;
}
