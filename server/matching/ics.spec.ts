import { describe, expect, it } from 'vitest';
import { escapeText, fold, icsDate, toIcs } from './ics';

/** Unfolds and splits a calendar back into content lines (RFC 5545 §3.1). */
const unfold = (ics: string) => ics.replace(/\r\n /g, '').split('\r\n');

describe('iCalendar', () => {
	it('writes times in UTC with a Z', () => {
		expect(icsDate(new Date('2026-03-29T01:30:00.000Z'))).toBe('20260329T013000Z');
	});

	it('escapes backslashes, semicolons, commas and newlines in text', () => {
		expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
	});

	it('folds lines at 75 octets without splitting a character', () => {
		const line = 'SUMMARY:' + 'é'.repeat(100);
		const folded = fold(line).split('\r\n');
		for (const l of folded) expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
		for (const l of folded.slice(1)) expect(l.startsWith(' ')).toBe(true);
		expect(folded.map((l, i) => (i === 0 ? l : l.slice(1))).join('')).toBe(line);
		expect(fold('short')).toBe('short');
	});

	it('is a VCALENDAR of VEVENTs with CRLF line ends, a UID and a DTSTAMP each', () => {
		const ics = toIcs({
			name: 'Ana, Ben',
			now: new Date('2026-01-01T00:00:00Z'),
			events: [{ uid: 'm1@tessera', start: new Date('2026-01-05T17:00:00Z'), minutes: 45, summary: 'Talk; plan', description: 'line one\nline two', status: 'CONFIRMED' }]
		});
		expect(ics.endsWith('\r\n')).toBe(true);
		expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
		const lines = unfold(ics);
		expect(lines[0]).toBe('BEGIN:VCALENDAR');
		expect(lines).toContain('VERSION:2.0');
		expect(lines).toContain('X-WR-CALNAME:Ana\\, Ben');
		expect(lines).toContain('UID:m1@tessera');
		expect(lines).toContain('DTSTAMP:20260101T000000Z');
		expect(lines).toContain('DTSTART:20260105T170000Z');
		expect(lines).toContain('DTEND:20260105T174500Z');
		expect(lines).toContain('SUMMARY:Talk\\; plan');
		expect(lines).toContain('DESCRIPTION:line one\\nline two');
		expect(lines.at(-2)).toBe('END:VCALENDAR');
	});
});
