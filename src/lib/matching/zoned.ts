/**
 * Wall-clock times in a named time zone, both ways, with Intl alone. A person proposes a meeting as the clock on
 * their own wall shows it; the server stores the instant.
 */

/** Milliseconds to add to UTC to read the wall clock of `timeZone` at `ts`. */
function offsetAt(ts: number, timeZone: string): number {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
			.formatToParts(ts)
			.map((p) => [p.type, p.value])
	);
	return Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!) - Math.floor(ts / 1000) * 1000;
}

/**
 * The instant at which the clock in `timeZone` shows `date` (YYYY-MM-DD) `time` (HH:MM), or null when either is
 * malformed. A time skipped by a daylight-saving change comes out as the same length of time after the change.
 */
export function zonedToInstant(date: string, time: string, timeZone: string): Date | null {
	const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
	const t = /^(\d{2}):(\d{2})$/.exec(time);
	if (!d || !t) return null;
	const [y, mo, day, h, mi] = [+d[1]!, +d[2]!, +d[3]!, +t[1]!, +t[2]!];
	if (mo < 1 || mo > 12 || day < 1 || day > 31 || h > 23 || mi > 59) return null;
	const wall = Date.UTC(y, mo - 1, day, h, mi);
	if (new Date(wall).getUTCDate() !== day) return null;
	try {
		const first = wall - offsetAt(wall, timeZone);
		return new Date(wall - offsetAt(first, timeZone));
	} catch {
		return null;
	}
}

/** `HH:MM` for minutes after midnight (1440 reads as `24:00`). */
export function minutesToTime(minutes: number): string {
	return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Minutes after midnight for `HH:MM`, or null when malformed. */
export function timeToMinutes(time: string): number | null {
	const t = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
	if (!t) return null;
	const [h, mi] = [+t[1]!, +t[2]!];
	if (h > 24 || mi > 59 || (h === 24 && mi > 0)) return null;
	return h * 60 + mi;
}
