import { describe, expect, it } from 'vitest';
import { minutesToTime, timeToMinutes, zonedToInstant } from './zoned';

describe('zonedToInstant', () => {
	it('reads a wall-clock time in a half-hour zone', () => {
		expect(zonedToInstant('2026-01-12', '19:00', 'Asia/Kolkata')?.toISOString()).toBe('2026-01-12T13:30:00.000Z');
		expect(zonedToInstant('2026-01-12', '09:00', 'America/St_Johns')?.toISOString()).toBe('2026-01-12T12:30:00.000Z');
	});

	it('follows daylight saving time: Newfoundland in July is UTC−2:30', () => {
		expect(zonedToInstant('2026-07-13', '09:00', 'America/St_Johns')?.toISOString()).toBe('2026-07-13T11:30:00.000Z');
	});

	it('answers null for a malformed date or time, an impossible day, or an unknown zone', () => {
		expect(zonedToInstant('2026-02-30', '10:00', 'UTC')).toBeNull();
		expect(zonedToInstant('2026-01-12', '25:00', 'UTC')).toBeNull();
		expect(zonedToInstant('12/01/2026', '10:00', 'UTC')).toBeNull();
		expect(zonedToInstant('2026-01-12', '10:00', 'Mars/Olympus')).toBeNull();
	});
});

describe('times of day', () => {
	it('turns minutes into HH:MM and back', () => {
		expect(minutesToTime(0)).toBe('00:00');
		expect(minutesToTime(1110)).toBe('18:30');
		expect(timeToMinutes('18:30')).toBe(1110);
		expect(timeToMinutes('24:00')).toBe(1440);
		expect(timeToMinutes('24:30')).toBeNull();
		expect(timeToMinutes('noon')).toBeNull();
	});
});
