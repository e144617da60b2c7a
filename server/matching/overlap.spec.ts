import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZONES } from '../../tests/helpers/matching-cohort';
import { createOverlapIndex, epochDay, meetingMentors, weeklyOverlapHours } from './overlap';
import type { WeeklySlot } from './types';
import { mergeSlots } from './validation';

const person = (timezone: string, ...availability: WeeklySlot[]) => ({ timezone, availability });
const at = (day: WeeklySlot['day'], from: string, to: string): WeeklySlot => {
	const minutes = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3));
	return { day, start: minutes(from), end: minutes(to) };
};
/** The overlap in hours of each of `weeks` one-week horizons from `start`: the pair's figure week by week. */
const eachWeek = (a: ReturnType<typeof person>, b: ReturnType<typeof person>, start: string, weeks: number) =>
	Array.from({ length: weeks }, (_, k) => weeklyOverlapHours(a, b, { horizonStart: new Date(Date.parse(start) + k * 7 * 86_400_000).toISOString().slice(0, 10), horizonWeeks: 1 }));
const MON = 1;
const TUE = 2;
const WED = 3;
const SAT = 6;
const SUN = 7;

describe('weekly overlap across time zones', () => {
	it('is the shared time in one zone', () => {
		const a = person('Europe/Madrid', at(MON, '18:00', '20:00'), at(WED, '10:00', '11:00'));
		const b = person('Europe/Madrid', at(MON, '19:00', '21:00'), at(WED, '09:00', '12:00'));
		expect(weeklyOverlapHours(a, b, { horizonStart: '2026-01-05', horizonWeeks: 4 })).toBe(2);
	});

	it('handles a half-hour zone: Asia/Kolkata (UTC+5:30) and London in winter share an hour and a half', () => {
		const kolkata = person('Asia/Kolkata', at(MON, '19:00', '21:00')); // 13:30–15:30 UTC
		const london = person('Europe/London', at(MON, '14:00', '16:00')); // 14:00–16:00 UTC
		expect(weeklyOverlapHours(kolkata, london, { horizonStart: '2026-01-05', horizonWeeks: 4 })).toBe(1.5);
	});

	it('handles a quarter-hour zone: Asia/Kathmandu (UTC+5:45)', () => {
		const kathmandu = person('Asia/Kathmandu', at(MON, '20:00', '21:00')); // 14:15–15:15 UTC
		const utc = person('UTC', at(MON, '14:00', '15:00'));
		expect(weeklyOverlapHours(kathmandu, utc, { horizonStart: '2026-01-05', horizonWeeks: 2 })).toBe(0.75);
	});

	it('takes the worst week: New York moves its clocks three weeks before London, and for those weeks a two-hour overlap is one hour', () => {
		const newYork = person('America/New_York', at(MON, '12:00', '14:00'));
		const london = person('Europe/London', at(MON, '17:00', '19:00'));
		// US clocks go forward on 2026-03-08, UK clocks on 2026-03-29.
		expect(weeklyOverlapHours(newYork, london, { horizonStart: '2026-01-05', horizonWeeks: 4 })).toBe(2);
		expect(weeklyOverlapHours(newYork, london, { horizonStart: '2026-02-23', horizonWeeks: 8 })).toBe(1);
		expect(weeklyOverlapHours(newYork, london, { horizonStart: '2026-04-06', horizonWeeks: 4 })).toBe(2);
	});

	it('follows America/St_Johns (UTC-3:30, -2:30 in summer) across its DST change against Asia/Kolkata, a day ahead', () => {
		const stJohns = person('America/St_Johns', at(TUE, '16:00', '18:00')); // 19:30–21:30 UTC, then 18:30–20:30
		const kolkata = person('Asia/Kolkata', at(WED, '01:00', '03:00')); // Tuesday 19:30–21:30 UTC
		expect(weeklyOverlapHours(stJohns, kolkata, { horizonStart: '2026-02-09', horizonWeeks: 3 })).toBe(2);
		expect(weeklyOverlapHours(stJohns, kolkata, { horizonStart: '2026-02-23', horizonWeeks: 4 })).toBe(1);
		const index = createOverlapIndex({ horizonStart: '2026-02-23', horizonWeeks: 4 });
		const p = index.profile(stJohns);
		expect(p.runEnds).toEqual([2, 4]);
		expect([...p.runIntervals[0]!]).toEqual([DAY + 19.5 * 60, DAY + 21.5 * 60]);
		expect([...p.runIntervals[1]!]).toEqual([DAY + 18.5 * 60, DAY + 20.5 * 60]);
	});

	it('counts the real length of a slot on the night the clocks go forward (shorter) and back (longer)', () => {
		const berlin = person('Europe/Berlin', at(SUN, '01:00', '04:00'));
		const utcSunday = person('UTC', at(SAT, '22:00', '24:00'), at(SUN, '00:00', '06:00'));
		// 2026-03-29: 02:00 CET becomes 03:00 CEST, so 01:00–04:00 is 00:00–02:00 UTC.
		expect(weeklyOverlapHours(berlin, utcSunday, { horizonStart: '2026-03-16', horizonWeeks: 1 })).toBe(3);
		expect(weeklyOverlapHours(berlin, utcSunday, { horizonStart: '2026-03-23', horizonWeeks: 1 })).toBe(2);
		// 2026-10-25: 03:00 CEST becomes 02:00 CET, so 01:00–04:00 is Saturday 23:00 to 03:00 UTC.
		expect(weeklyOverlapHours(berlin, utcSunday, { horizonStart: '2026-10-19', horizonWeeks: 1 })).toBe(4);
	});

	it('moves a time the clocks skip forward by the gap, as Temporal does', () => {
		const skipped = person('Europe/Berlin', at(SUN, '02:00', '02:30')); // does not exist on 2026-03-29: 03:00–03:30 CEST
		const utc = person('UTC', at(SUN, '01:00', '01:30'));
		expect(weeklyOverlapHours(skipped, utc, { horizonStart: '2026-03-23', horizonWeeks: 1 })).toBe(0.5);
	});

	it('keeps a slot that falls in the previous UTC week for a zone ahead of UTC, in every week of the horizon', () => {
		const auckland = person('Pacific/Auckland', at(MON, '06:00', '10:00')); // Sunday 17:00–21:00 UTC in January
		const utc = person('UTC', at(SUN, '18:00', '20:00'));
		const index = createOverlapIndex({ horizonStart: '2026-01-05', horizonWeeks: 3 });
		expect(index.minutes(index.profile(auckland), index.profile(utc))).toBe(120);
	});

	it('is symmetric away from clock changes at the edges of the horizon, and zero without availability', () => {
		const a = person('America/Sao_Paulo', at(MON, '10:00', '12:00'));
		const b = person('Africa/Lagos', at(MON, '13:30', '17:00'));
		const horizon = { horizonStart: '2026-01-05', horizonWeeks: 2 };
		expect(weeklyOverlapHours(a, b, horizon)).toBe(weeklyOverlapHours(b, a, horizon));
		expect(weeklyOverlapHours(a, b, horizon)).toBe(2); // 13:00–15:00 UTC (UTC-3) within 12:30–16:00 UTC (UTC+1)
		expect(weeklyOverlapHours(a, person('UTC'), horizon)).toBe(0);
	});

	it('shares one profile between people with the same zone and slots, in any order', () => {
		const index = createOverlapIndex({ horizonStart: '2026-01-05', horizonWeeks: 2 });
		const p = index.profile(person('Asia/Tokyo', at(MON, '09:00', '10:00'), at(TUE, '09:00', '10:00')));
		const q = index.profile(person('Asia/Tokyo', at(TUE, '09:00', '10:00'), at(MON, '09:00', '10:00')));
		expect(q).toBe(p);
		expect(p.runEnds).toEqual([2]);
		expect(index.size).toBe(1);
	});

	it('stops early once a week is below the threshold', () => {
		const index = createOverlapIndex({ horizonStart: '2026-02-23', horizonWeeks: 8 });
		const a = index.profile(person('America/New_York', at(MON, '12:00', '14:00')));
		const b = index.profile(person('Europe/London', at(MON, '17:00', '19:00')));
		expect(index.minutes(a, b, 90)).toBe(60);
		expect(index.minutes(a, b)).toBe(60);
	});

	it('knows which mentors a person never meets, so that their overlap need not be computed', () => {
		const index = createOverlapIndex({ horizonStart: '2026-03-02', horizonWeeks: 6 });
		const zones = ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Auckland', 'America/New_York'];
		const mentors = Array.from({ length: 40 }, (_, j) => index.profile(person(zones[j % 5]!, at(((j % 7) + 1) as WeeklySlot['day'], '18:00', j % 3 ? '19:30' : '21:15'))));
		const meets = meetingMentors(mentors);
		for (const zone of zones) {
			const p = index.profile(person(zone, at(TUE, '08:00', '10:00'), at(SAT, '17:45', '23:00')));
			const met = meets(p);
			mentors.forEach((m, j) => {
				const bit = (met[j >> 5]! >>> (j & 31)) & 1;
				if (!bit) expect(index.minutes(p, m)).toBe(0);
				if (index.minutes(p, m) > 0) expect(bit).toBe(1);
			});
			expect(met.some((w) => w !== 0)).toBe(true);
		}
	});

	it('counts a Sunday evening in New York (Monday 00:00 UTC) whole, in one week, across the autumn and spring clock changes', () => {
		const a = person('America/New_York', at(SUN, '19:00', '21:00')); // 23:00–01:00 UTC in summer, 00:00–02:00 in winter
		const b = person('America/New_York', at(SUN, '19:00', '21:00'));
		// US clocks go back on 2026-11-01 and forward on 2026-03-08; cutting weeks at Monday 00:00 UTC gave 1 h and 3 h.
		expect(weeklyOverlapHours(a, b, { horizonStart: '2026-10-19', horizonWeeks: 3 })).toBe(2);
		expect(eachWeek(a, b, '2026-10-12', 5)).toEqual([2, 2, 2, 2, 2]);
		expect(eachWeek(a, b, '2026-02-23', 4)).toEqual([2, 2, 2, 2]);
	});

	it('counts Monday 00:00–02:00 in London whole, in one week, across the autumn and spring clock changes', () => {
		const a = person('Europe/London', at(MON, '00:00', '02:00')); // Sunday 23:00 – Monday 01:00 UTC in summer
		const b = person('Europe/London', at(MON, '00:00', '02:00'));
		// UK clocks go back on 2026-10-25 and forward on 2026-03-29.
		expect(weeklyOverlapHours(a, b, { horizonStart: '2026-10-19', horizonWeeks: 3 })).toBe(2);
		expect(eachWeek(a, b, '2026-10-12', 4)).toEqual([2, 2, 2, 2]);
		expect(eachWeek(a, b, '2026-03-16', 4)).toEqual([2, 2, 2, 2]);
	});

	it('gives two people in one zone with the same slots the slots’ length in every week, whatever the clocks do', () => {
		// Slots from 04:00 local: none of these zones changes its clocks then, so each lasts what it says. Sundays and
		// Mondays often, since Monday 00:00 UTC falls on one of them in every zone.
		const zones = [...ZONES, 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Tehran', 'America/Sao_Paulo'];
		const slot = fc
			.record({ day: fc.constantFrom(7, 1, 7, 1, 2, 3, 4, 5, 6), start: fc.integer({ min: 240, max: 1425 }), length: fc.integer({ min: 15, max: 600 }) })
			.map(({ day, start, length }): WeeklySlot => ({ day: day as WeeklySlot['day'], start, end: Math.min(1440, start + length) }));
		const starts = ['2026-03-02', '2026-03-23', '2026-03-30', '2026-03-31', '2026-09-21', '2026-09-28', '2026-10-19', '2026-10-26'];
		fc.assert(
			fc.property(fc.constantFrom(...zones), fc.array(slot, { minLength: 1, maxLength: 5 }), fc.constantFrom(...starts), (zone, slots, start) => {
				const hours = mergeSlots(slots).reduce((sum, s) => sum + s.end - s.start, 0) / 60;
				expect(eachWeek(person(zone, ...slots), person(zone, ...slots), start, 3)).toEqual([hours, hours, hours]);
			}),
			{ seed: 2611, numRuns: 100 }
		);
	});

	it('gives a person with themself their own real time in the worst week, slots on the nights clocks change included', () => {
		const zones = [...ZONES, 'Europe/Berlin', 'America/Santiago', 'America/Havana', 'Australia/Lord_Howe'];
		const slot = fc
			.record({ day: fc.integer({ min: 1, max: 7 }), start: fc.integer({ min: 0, max: 1425 }), length: fc.integer({ min: 15, max: 300 }) })
			.map(({ day, start, length }): WeeklySlot => ({ day: day as WeeklySlot['day'], start, end: Math.min(1440, start + length) }));
		fc.assert(
			fc.property(fc.constantFrom(...zones), fc.array(slot, { minLength: 1, maxLength: 5 }), fc.constantFrom('2026-03-02', '2026-03-25', '2026-09-01', '2026-10-19'), (zone, slots, start) => {
				const index = createOverlapIndex({ horizonStart: start, horizonWeeks: 6 });
				const p = index.profile(person(zone, ...slots));
				const own = p.runIntervals.map((list) => list.reduce((sum, x, k) => sum + (k % 2 ? x : -x), 0));
				expect(index.minutes(p, p)).toBe(Math.min(...own));
			}),
			{ seed: 2612, numRuns: 60 }
		);
	});

	it('counts a shared stretch across Monday 00:00 UTC in the first person’s weeks: Asia/Kolkata and America/St_Johns across its clock changes', () => {
		// By hand. Kolkata (UTC+5:30, no DST) Monday 04:30–07:00 is Sunday 23:00 – Monday 01:30 UTC.
		// St John's Sunday 20:00–22:00 is 23:30–01:30 UTC in NST (UTC-3:30), 22:30–00:30 UTC in NDT (UTC-2:30).
		// Together: 23:30–01:30 = 2 h in winter, 23:00–00:30 = 1.5 h in summer. NDT runs 2026-03-08 to 2026-11-01
		// (both Sundays, at 02:00, so those Sundays' evenings are already in the new time).
		const stJohns = person('America/St_Johns', at(SUN, '20:00', '22:00'));
		const kolkata = person('Asia/Kolkata', at(MON, '04:30', '07:00'));
		// St John's weeks (Monday to Sunday there): the Sunday ending Mar 2–8 is in NDT, the one ending Oct 26 – Nov 1 in NST.
		expect(eachWeek(stJohns, kolkata, '2026-02-23', 3)).toEqual([2, 1.5, 1.5]);
		expect(eachWeek(stJohns, kolkata, '2026-10-19', 3)).toEqual([1.5, 2, 2]);
		// Kolkata's weeks: its Monday meets the St John's Sunday before, so the change shows a week later.
		expect(eachWeek(kolkata, stJohns, '2026-02-23', 3)).toEqual([2, 2, 1.5]);
		expect(eachWeek(kolkata, stJohns, '2026-10-19', 3)).toEqual([1.5, 1.5, 2]);
		// Weeks cut at Monday 00:00 UTC gave the week from 2026-10-26 0.5 h of the Oct 25 stretch and 0.5 h of Nov 1's: 1 h.
		expect(weeklyOverlapHours(stJohns, kolkata, { horizonStart: '2026-10-26', horizonWeeks: 2 })).toBe(2);
		expect(weeklyOverlapHours(kolkata, stJohns, { horizonStart: '2026-10-26', horizonWeeks: 2 })).toBe(1.5);
		expect(weeklyOverlapHours(stJohns, kolkata, { horizonStart: '2026-10-19', horizonWeeks: 3 })).toBe(1.5);
	});

	it('refuses impossible horizon dates, naming the setting', () => {
		expect(() => epochDay('2026-02-30')).toThrow(RangeError);
		expect(epochDay('1970-01-02')).toBe(1);
		for (const horizonStart of ['2026-02-30', '2026-1-5', '2026-01-05T00:00', ' 2026-01-05', '0000-01-01', '', undefined, null, 20260105])
			expect(() => createOverlapIndex({ horizonStart: horizonStart as string, horizonWeeks: 2 })).toThrow(/^horizonStart must be a calendar date written YYYY-MM-DD, not /);
	});

	it('reads years before 100 as written (Date.UTC would make 0099 into 1999)', () => {
		expect(epochDay('0001-01-01')).toBe(-719_162);
		expect(epochDay('0099-12-31') - epochDay('0099-01-01')).toBe(364);
		expect(weeklyOverlapHours(person('UTC', at(MON, '10:00', '12:00')), person('UTC', at(MON, '11:00', '13:00')), { horizonStart: '0099-06-01', horizonWeeks: 2 })).toBe(1);
	});
});

const DAY = 1440;
