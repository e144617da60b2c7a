/**
 * Days and weeks as the program's figures count them: calendar days (YYYY-MM-DD) in one time zone, weeks from
 * Monday. The database turns instants into local days (`at time zone`); everything after works on day strings,
 * which compare and sort as text.
 */

const DAY_MS = 86_400_000;

function toUtc(day: string): number {
	const [y, m, d] = day.split('-').map(Number) as [number, number, number];
	return Date.UTC(y, m - 1, d);
}

const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const addDays = (day: string, days: number) => fromUtc(toUtc(day) + days * DAY_MS);

/** The Monday that starts `day`'s week. */
export function weekOf(day: string): string {
	const weekday = (new Date(toUtc(day)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
	return addDays(day, -weekday);
}

/** Every week (its Monday) that has a day in [from, to]. */
export function weeksBetween(from: string, to: string): string[] {
	const weeks: string[] = [];
	for (let week = weekOf(from); week <= to; week = addDays(week, 7)) weeks.push(week);
	return weeks;
}

export const daysBetween = (from: string, to: string) => Math.round((toUtc(to) - toUtc(from)) / DAY_MS);

/** The calendar day an instant falls on in `timeZone`. */
export function localDay(at: Date, timeZone: string): string {
	// en-CA formats as YYYY-MM-DD.
	return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function isTimeZone(timeZone: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone });
		return true;
	} catch {
		return false;
	}
}

/** Whole years between a birth date and a day (both YYYY-MM-DD). */
export function ageOn(birthDate: string, day: string): number {
	const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
	const [y, m, d] = day.split('-').map(Number) as [number, number, number];
	return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
