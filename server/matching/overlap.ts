/**
 * Weekly availability overlap across time zones, exact to the minute, DST and half/quarter-hour zones included.
 *
 * The rule. Each person's weekly slots are laid on the real calendar of their own zone for every week of the
 * horizon (plus one week either side, so that nothing near the edges is lost) and turned into UTC instants. A
 * wall-clock time that does not exist (the hour skipped when clocks go forward) moves forward by the gap, and one
 * that exists twice (clocks going back) takes the earlier instant: Temporal's "compatible" disambiguation. So a
 * slot 01:00–04:00 on the night clocks go forward lasts two real hours, and one on the night they go back four.
 *
 * Weeks are the people's own: week k of a person is the seven local days from `horizonStart` + 7k in their zone, and
 * an occurrence of a slot belongs to the week of its local day. The overlap of a pair in week k is the time the
 * second person is free during the first one's slots of week k — in the engine the first is the mentee, so hours
 * per week are hours in each of the mentee's weeks — and the pair's figure is the *worst* week of the horizon: a
 * pair that has four hours together in January and none after the clocks change in March has none. Each stretch of
 * shared time thus counts whole, in one week, the same way every week. (Cutting the time at fixed UTC instants
 * instead splits the stretches that span one — Sunday evening in New York is Monday 00:00 UTC — and when the clocks
 * go back an hour of one moves into the next week, so the worst week came out an hour short.) Two people in one
 * zone with the same slots share, in every week, exactly the real length of their slots. Swapping the two people
 * can change the figure only when a clock change is near an edge of the horizon: the same stretches are counted,
 * but a week earlier or later.
 *
 * Speed. Offsets come from Intl once per zone (sampled daily over the horizon, transitions found to the minute by
 * bisection), then local times become UTC by arithmetic. A person's weeks are compressed to runs of identical
 * weeks (usually one or two per horizon), and people with the same zone and slots share one profile, so
 * comparing two people is a merge of two short sorted lists per run (the first person's slots of the week, all of
 * the second's time near it) — after a check of their quarter-hours of the week (a bitmask), which rules out most
 * pairs that never meet at once.
 */
import type { WeeklySlot } from './types';

const DAY = 1440;
const WEEK = 7 * DAY;
/** A person's local week lies within 14 h (the largest offset) and a DST hour of the UTC week: a day is enough. */
const NEAR = DAY;

export interface Horizon {
	/** YYYY-MM-DD, the first day of the first week. */
	horizonStart: string;
	horizonWeeks: number;
}

/** A person's availability as UTC minutes within each week of the horizon, compressed to runs of equal weeks. */
export interface AvailabilityProfile {
	/** Dense id among the profiles of one overlap index: equal zone and slots, equal id. */
	id: number;
	/** The week after the last of each run (the last is horizonWeeks). */
	runEnds: number[];
	/**
	 * Per run: the person's slots of their own week, as sorted, disjoint [start, end) pairs of UTC minutes after
	 * `horizonStart` 00:00 UTC + 7 × week days (below 0 or past a week for zones ahead of or behind UTC).
	 */
	runIntervals: Int32Array[];
	/** The same for `nearIntervals`. */
	nearEnds: number[];
	/**
	 * Per run: all the person's time within a day either side of that UTC week (their slots of the weeks before
	 * and after included), on the same scale: what the other person's slots of that week can meet.
	 */
	nearIntervals: Int32Array[];
	/** The quarter-hours of the UTC week (modulo a week) touched in any week: two profiles with none in common never meet. */
	quarters: Int32Array;
}

/** The UTC offset of one zone as a step function: `offsets[k]` minutes apply from `starts[k]` (UTC minutes since 1970). */
interface ZoneSteps {
	starts: number[];
	offsets: number[];
}

/** Days since 1970-01-01 of a calendar date written YYYY-MM-DD (years 0001–9999). */
export function epochDay(date: string): number {
	const m = typeof date === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
	if (!m || m[1] === '0000') throw new RangeError(`not a date: ${String(date)}`);
	const d = new Date(0);
	d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3])); // Date.UTC would read years 0–99 as 1900–1999
	if (d.toISOString().slice(0, 10) !== date) throw new RangeError(`not a date: ${date}`);
	return d.getTime() / 86_400_000;
}

/** The first day of a horizon (days since 1970-01-01); a RangeError that names the setting when it is not a date. */
export function horizonDay(horizonStart: unknown): number {
	try {
		return epochDay(horizonStart as string);
	} catch {
		throw new RangeError(`horizonStart must be a calendar date written YYYY-MM-DD, not ${JSON.stringify(horizonStart) ?? String(horizonStart)}`);
	}
}

/** ISO weekday (1 = Monday) of a day counted from 1970-01-01, which was a Thursday. */
const isoWeekday = (day: number) => ((((day + 3) % 7) + 7) % 7) + 1;

function offsetReader(timeZone: string): (utcMinute: number) => number {
	const format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset', year: 'numeric' });
	return (utcMinute) => {
		const name = format.formatToParts(utcMinute * 60_000).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
		const m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(name);
		if (!m || !m[1]) return 0;
		const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0) + Math.round(Number(m[4] ?? 0) / 60);
		return m[1] === '-' ? -minutes : minutes;
	};
}

/**
 * Offsets of `timeZone` between two UTC minutes. Sampled once a day, which finds every transition of the current
 * tz database (the closest two, Morocco's around Ramadan, are weeks apart), each then located to the minute.
 */
function zoneSteps(timeZone: string, from: number, to: number): ZoneSteps {
	const offsetAt = offsetReader(timeZone);
	const starts = [-Infinity];
	const offsets = [offsetAt(from)];
	let before = from;
	for (let t = from + DAY; before < to; t += DAY) {
		const at = Math.min(t, to);
		const offset = offsetAt(at);
		if (offset !== offsets.at(-1)) {
			let lo = before; // old offset at lo, new one at hi
			let hi = at;
			while (hi - lo > 1) {
				const mid = Math.floor((lo + hi) / 2);
				if (offsetAt(mid) === offset) hi = mid;
				else lo = mid;
			}
			starts.push(hi);
			offsets.push(offset);
		}
		before = at;
	}
	return { starts, offsets };
}

/** The UTC minute of a local wall-clock minute, with "compatible" disambiguation (see the module comment). */
function wallToUtc(steps: ZoneSteps, wall: number): number {
	const { starts, offsets } = steps;
	for (let k = 0; k < offsets.length; k++) {
		const t = wall - offsets[k]!;
		const next = k + 1 < starts.length ? starts[k + 1]! : Infinity;
		if (t >= starts[k]! && t < next) return t; // the earliest valid reading: a repeated time takes the first
		if (t >= next && wall - offsets[k + 1]! < next) return t; // skipped: the offset before the gap moves it forward
	}
	return wall - offsets.at(-1)!;
}

/** Sorted, merged [start, end) pairs from unsorted ones. */
function merge(pairs: number[]): number[] {
	const order = [];
	for (let i = 0; i < pairs.length; i += 2) order.push(i);
	order.sort((a, b) => pairs[a]! - pairs[b]! || pairs[a + 1]! - pairs[b + 1]!);
	const out: number[] = [];
	for (const i of order) {
		const s = pairs[i]!;
		const e = pairs[i + 1]!;
		if (out.length && s <= out.at(-1)!) out[out.length - 1] = Math.max(out.at(-1)!, e);
		else out.push(s, e);
	}
	return out;
}

/** Minutes in both of two sorted, disjoint interval lists. */
export function intersectMinutes(a: Int32Array, b: Int32Array): number {
	let i = 0;
	let j = 0;
	let sum = 0;
	while (i < a.length && j < b.length) {
		const s = a[i]! > b[j]! ? a[i]! : b[j]!;
		const e = a[i + 1]! < b[j + 1]! ? a[i + 1]! : b[j + 1]!;
		if (e > s) sum += e - s;
		if (a[i + 1]! < b[j + 1]!) i += 2;
		else j += 2;
	}
	return sum;
}

/**
 * Profiles and pair overlaps for one horizon. Holds its caches (zone offsets, one profile per distinct zone and
 * slots), so create one per matching run.
 */
export function createOverlapIndex({ horizonStart, horizonWeeks }: Horizon) {
	if (!Number.isInteger(horizonWeeks) || horizonWeeks < 1) throw new RangeError('horizonWeeks must be a whole number ≥ 1');
	const firstDay = horizonDay(horizonStart);
	const first = firstDay * DAY;
	const zones = new Map<string, ZoneSteps>();
	const profiles = new Map<string, AvailabilityProfile>();

	function steps(timeZone: string): ZoneSteps {
		let s = zones.get(timeZone);
		if (!s) {
			// Local weeks -1 … horizonWeeks, widened by the largest offsets there are (±14 h) and a day.
			s = zoneSteps(timeZone, first - WEEK - 2 * DAY, first + (horizonWeeks + 1) * WEEK + 2 * DAY);
			zones.set(timeZone, s);
		}
		return s;
	}

	/**
	 * Lists of [start, end) minutes per week of the horizon, relative to `first` + week × WEEK, compressed to runs
	 * of equal weeks.
	 */
	function runs(listOf: (week: number) => number[]): { ends: number[]; lists: Int32Array[] } {
		const ends: number[] = [];
		const lists: Int32Array[] = [];
		for (let week = 0; week < horizonWeeks; week++) {
			const list = listOf(week);
			const last = lists.at(-1);
			if (last && last.length === list.length && list.every((x, k) => x === last[k])) ends[ends.length - 1] = week + 1;
			else {
				ends.push(week + 1);
				lists.push(Int32Array.from(list));
			}
		}
		return { ends, lists };
	}

	function build(id: number, timeZone: string, slots: readonly WeeklySlot[]): AvailabilityProfile {
		const zone = steps(timeZone);
		const byWeek: number[][] = [];
		const all: number[] = [];
		for (let week = -1; week <= horizonWeeks; week++) {
			const weekDay = firstDay + 7 * week;
			const base = first + week * WEEK;
			const own: number[] = [];
			for (const slot of slots) {
				const day = weekDay + ((slot.day - isoWeekday(weekDay) + 7) % 7);
				const start = wallToUtc(zone, day * DAY + slot.start);
				const end = wallToUtc(zone, day * DAY + slot.end);
				if (end > start) {
					own.push(start - base, end - base);
					all.push(start, end);
				}
			}
			byWeek.push(own);
		}
		const own = runs((week) => merge(byWeek[week + 1]!));
		// Everything the person gives, near each UTC week: their slots of the week before and after included.
		const timeline = merge(all);
		let k = 0;
		const near = runs((week) => {
			const base = first + week * WEEK;
			const from = base - NEAR;
			const to = base + WEEK + NEAR;
			while (k < timeline.length && timeline[k + 1]! <= from) k += 2;
			const list: number[] = [];
			for (let i = k; i < timeline.length && timeline[i]! < to; i += 2) list.push(Math.max(timeline[i]!, from) - base, Math.min(timeline[i + 1]!, to) - base);
			return list;
		});
		const quarters = new Int32Array(WEEK / 15 / 32);
		const mark = (q: number) => {
			const r = ((q % (WEEK / 15)) + WEEK / 15) % (WEEK / 15);
			quarters[r >> 5]! |= 1 << (r & 31);
		};
		for (const list of near.lists)
			for (let i = 0; i < list.length; i += 2) {
				const last = Math.min(Math.ceil(list[i + 1]! / 15), Math.floor(list[i]! / 15) + WEEK / 15);
				for (let q = Math.floor(list[i]! / 15); q < last; q++) mark(q);
			}
		return { id, runEnds: own.ends, runIntervals: own.lists, nearEnds: near.ends, nearIntervals: near.lists, quarters };
	}

	return {
		/** The profile of a person's zone and slots (shared by everyone with the same zone and slots). */
		profile({ timezone, availability }: { timezone: string; availability: readonly WeeklySlot[] }): AvailabilityProfile {
			const slots = [...availability].sort((a, b) => a.day - b.day || a.start - b.start || a.end - b.end);
			const key = `${timezone}|${slots.map((s) => `${s.day}.${s.start}.${s.end}`).join(' ')}`;
			let p = profiles.get(key);
			if (!p) {
				p = build(profiles.size, timezone, slots);
				profiles.set(key, p);
			}
			return p;
		},
		/** How many distinct profiles exist so far (ids are 0 … size - 1). */
		get size() {
			return profiles.size;
		},
		/**
		 * Overlap in minutes in the worst of `a`'s weeks (the mentee's, in the engine): in each, the time `b` is free
		 * during `a`'s slots of that week. With `below`, stops as soon as some week has fewer than `below` minutes
		 * and returns that week's figure (enough to know the pair is ruled out).
		 */
		minutes(a: AvailabilityProfile, b: AvailabilityProfile, below = 0): number {
			if (below > 0) {
				let meet = 0;
				for (let k = 0; k < a.quarters.length && meet === 0; k++) meet = a.quarters[k]! & b.quarters[k]!;
				if (meet === 0) return 0;
			}
			let least = Infinity;
			let i = 0;
			let j = 0;
			let week = 0;
			while (week < horizonWeeks) {
				const v = intersectMinutes(a.runIntervals[i]!, b.nearIntervals[j]!);
				if (v < least) {
					least = v;
					if (least < below) return least;
				}
				const endA = a.runEnds[i]!;
				const endB = b.nearEnds[j]!;
				week = Math.min(endA, endB);
				if (endA === week) i++;
				if (endB === week) j++;
			}
			return least;
		}
	};
}

export type OverlapIndex = ReturnType<typeof createOverlapIndex>;

/**
 * For many profiles (a cohort's mentors): a function that gives, for one more profile, the bitset of those it ever
 * shares a quarter-hour with (bit j of word j >> 5). A pair outside it has no overlap at all, in any week, so a
 * whole-cohort pass need not compute it; one OR per quarter-hour of the profile replaces a mask test per pair.
 */
export function meetingMentors(profiles: readonly AvailabilityProfile[]): (p: AvailabilityProfile) => Uint32Array {
	const words = Math.ceil(profiles.length / 32);
	const quarters = WEEK / 15;
	const byQuarter = new Uint32Array(quarters * words);
	const eachQuarter = (p: AvailabilityProfile, visit: (q: number) => void) => {
		for (let k = 0; k < p.quarters.length; k++) for (let bits = p.quarters[k]!; bits !== 0; bits &= bits - 1) visit(k * 32 + 31 - Math.clz32(bits & -bits));
	};
	profiles.forEach((p, j) => eachQuarter(p, (q) => (byQuarter[q * words + (j >> 5)]! |= 1 << (j & 31))));
	return (p) => {
		const met = new Uint32Array(words);
		eachQuarter(p, (q) => {
			for (let w = 0; w < words; w++) met[w]! |= byQuarter[q * words + w]!;
		});
		return met;
	};
}

/** Weekly overlap of two people in hours, in the worst of `a`'s weeks of the horizon (a convenience for single pairs). */
export function weeklyOverlapHours(
	a: { timezone: string; availability: readonly WeeklySlot[] },
	b: { timezone: string; availability: readonly WeeklySlot[] },
	horizon: Horizon
): number {
	const index = createOverlapIndex(horizon);
	return index.minutes(index.profile(a), index.profile(b)) / 60;
}
