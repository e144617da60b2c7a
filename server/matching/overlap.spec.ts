import { describe, expect, it } from 'vitest';
import { createOverlapIndex, epochDay, meetingMentors, weeklyOverlapHours } from './overlap';
import type { WeeklySlot } from './types';

const person = (timezone: string, ...availability: WeeklySlot[]) => ({ timezone, availability });
const at = (day: WeeklySlot['day'], from: string, to: string): WeeklySlot => {
	const minutes = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3));
	return { day, start: minutes(from), end: minutes(to) };
};
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

	it('is symmetric, and zero without availability', () => {
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

	it('refuses impossible horizon dates', () => {
		expect(() => epochDay('2026-02-30')).toThrow(RangeError);
		expect(epochDay('1970-01-02')).toBe(1);
	});
});

const DAY = 1440;
