import { describe, expect, it } from 'vitest';
import { formatCalendarDate } from './options.server';

describe('formatCalendarDate', () => {
	it('shows a calendar date on its own day, whatever the server time zone', () => {
		expect(formatCalendarDate('2010-05-14', 'en')).toBe('May 14, 2010');
		expect(formatCalendarDate('2010-01-01', 'fr')).toBe('1 janvier 2010');
		expect(formatCalendarDate('1990-12-31', 'es')).toBe('31 de diciembre de 1990');
		expect(formatCalendarDate('2010-05-14', 'ar')).toMatch(/مايو/);
	});
	it('gives back what it cannot read', () => {
		expect(formatCalendarDate('not a date', 'en')).toBe('not a date');
	});
});
