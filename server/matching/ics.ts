/**
 * iCalendar (RFC 5545) for a pair's meetings: one VCALENDAR with one VEVENT per meeting, times in UTC, lines ended by
 * CRLF and folded at 75 octets, text values escaped.
 */

export interface IcsEvent {
	uid: string;
	start: Date;
	minutes: number;
	summary: string;
	description?: string;
	status: 'TENTATIVE' | 'CONFIRMED' | 'CANCELLED';
}

/** `20260105T170000Z`. */
export function icsDate(d: Date): string {
	return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Backslash, semicolon, comma and newlines, as RFC 5545 §3.3.11 asks of TEXT values. */
export function escapeText(s: string): string {
	return s
		.replace(/\\/g, '\\\\')
		.replace(/;/g, '\\;')
		.replace(/,/g, '\\,')
		.replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line into lines of at most 75 octets (continuations start with one space), never inside a character. */
export function fold(line: string): string {
	const out: string[] = [];
	let current = '';
	let octets = 0;
	for (const ch of line) {
		const size = Buffer.byteLength(ch, 'utf8');
		if (octets + size > 75) {
			out.push(current);
			current = ' ';
			octets = 1;
		}
		current += ch;
		octets += size;
	}
	out.push(current);
	return out.join('\r\n');
}

/** The whole calendar. `now` stamps every event (DTSTAMP). */
export function toIcs({ name, events, now = new Date() }: { name: string; events: IcsEvent[]; now?: Date }): string {
	const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Tessera//Mentorship meetings//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${escapeText(name)}`];
	for (const e of events) {
		lines.push(
			'BEGIN:VEVENT',
			`UID:${e.uid}`,
			`DTSTAMP:${icsDate(now)}`,
			`DTSTART:${icsDate(e.start)}`,
			`DTEND:${icsDate(new Date(e.start.getTime() + e.minutes * 60_000))}`,
			`SUMMARY:${escapeText(e.summary)}`,
			...(e.description ? [`DESCRIPTION:${escapeText(e.description)}`] : []),
			`STATUS:${e.status}`,
			'END:VEVENT'
		);
	}
	lines.push('END:VCALENDAR');
	return lines.map(fold).join('\r\n') + '\r\n';
}
