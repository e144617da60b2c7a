import { z } from 'zod';
import { cleanText } from '../text';
import { END_REASONS } from './lifecycle';
import type { WeeklySlot } from './types';

/** Most stretches of availability one person may give (four a day). */
export const MAX_SLOTS = 28;
export const MAX_GOALS = 10;
export const MAX_CAPACITY = 10;

const SLOT = 'matching_slot_invalid';
const whole = (min: number, max: number) => z.number({ error: SLOT }).int({ error: SLOT }).min(min, { error: SLOT }).max(max, { error: SLOT });
const slot = z
	.strictObject({ day: whole(1, 7), start: whole(0, 1439), end: whole(1, 1440) }, { error: SLOT })
	.refine((s) => s.end > s.start, { error: 'matching_slot_invalid' });

/** Sorted by day and start, touching or overlapping stretches of one day joined: nothing given is dropped. */
export function mergeSlots(slots: WeeklySlot[]): WeeklySlot[] {
	const sorted = [...slots].sort((a, b) => a.day - b.day || a.start - b.start);
	const out: WeeklySlot[] = [];
	for (const s of sorted) {
		const last = out.at(-1);
		if (last && last.day === s.day && s.start <= last.end) last.end = Math.max(last.end, s.end);
		else out.push({ ...s });
	}
	return out;
}

/**
 * `PUT /api/v1/matching/profile`: any subset. Slots are minutes after local midnight in the profile's time zone;
 * goals are checked against the program's list by the service; capacity is for mentors.
 */
export const profileInput = z
	.object({
		availability: z
			.array(slot, { error: 'matching_slot_invalid' })
			.max(MAX_SLOTS, { error: 'matching_slots_too_many' })
			.transform((s) => mergeSlots(s as WeeklySlot[])),
		goals: z
			.array(z.string({ error: 'matching_goal_invalid' }).trim().min(1, { error: 'matching_goal_invalid' }).max(40, { error: 'matching_goal_invalid' }), { error: 'matching_goal_invalid' })
			.max(MAX_GOALS, { error: 'matching_goal_invalid' })
			.transform((g) => [...new Set(g)]),
		capacity: z
			.number({ error: 'matching_capacity_invalid' })
			.int({ error: 'matching_capacity_invalid' })
			.min(0, { error: 'matching_capacity_invalid' })
			.max(MAX_CAPACITY, { error: 'matching_capacity_invalid' }),
		crossBorder: z.boolean({ error: 'invalid_value' }).nullable(),
		preferredMentorGender: cleanText({ max: 40, code: 'gender_too_long' })
			.nullable()
			.transform((g) => (g === '' ? null : g))
	})
	.partial()
	.strict();
export type ProfileInput = z.output<typeof profileInput>;

export const vettingInput = z.object({ vetted: z.boolean({ error: 'invalid_value' }) }).strict();

const weight = z.number({ error: 'invalid_value' }).min(0, { error: 'invalid_value' }).max(10, { error: 'invalid_value' });

/** How far from today a round's weeks may start: a month back at most, a year ahead at most. */
export const HORIZON_START_DAYS = { back: 31, ahead: 366 };

/** A `YYYY-MM-DD` within HORIZON_START_DAYS of today (UTC); other dates mean nothing to a round (and years like 0050 break the engine's clock). */
function nearDate(date: string, now = new Date()): boolean {
	const day = Date.parse(`${date}T00:00:00Z`);
	const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
	return Number.isFinite(day) && day >= today - HORIZON_START_DAYS.back * 86_400_000 && day <= today + HORIZON_START_DAYS.ahead * 86_400_000;
}

/** What an admin may change of the engine's settings for one round; the rest keeps the program's defaults. */
export const settingsPatch = z
	.object({
		weights: z
			.object({ passions: weight, language: weight, availability: weight, crossBorder: weight, goals: weight, genderPreference: weight })
			.partial()
			.strict(),
		minOverlapHours: z.number({ error: 'invalid_value' }).min(0, { error: 'invalid_value' }).max(40, { error: 'invalid_value' }),
		minSharedLevel: z.enum(['native', 'fluent', 'conversational', 'basic'], { error: 'language_level_invalid' }),
		horizonStart: z.iso.date({ error: 'invalid_value' }).refine(nearDate, { error: 'invalid_value' }),
		horizonWeeks: z.number({ error: 'invalid_value' }).int({ error: 'invalid_value' }).min(1, { error: 'invalid_value' }).max(12, { error: 'invalid_value' }),
		genderPreferenceIsHard: z.boolean({ error: 'invalid_value' }),
		balance: z.object({ maxShareByMentorGender: z.number().min(0).max(1) }, { error: 'invalid_value' }).strict().nullable()
	})
	.partial()
	.strict();
export type SettingsPatch = z.output<typeof settingsPatch>;

/** The program's matching settings an admin may change (no dates: a round's weeks start when it runs). */
export const programSettingsInput = settingsPatch.omit({ horizonStart: true });

export const runRoundInput = z.object({ settings: settingsPatch.optional() }).strict();

/** Hand-made changes to a draft round: each mentee gets this mentor (added or replacing), or none (`mentorId: null`). */
export const adjustInput = z
	.object({
		changes: z
			.array(z.object({ menteeId: z.uuid({ error: 'invalid_value' }), mentorId: z.uuid({ error: 'invalid_value' }).nullable() }).strict(), { error: 'invalid_value' })
			.min(1, { error: 'required' })
			.max(500, { error: 'invalid_value' })
			.refine((c) => new Set(c.map((x) => x.menteeId)).size === c.length, { error: 'invalid_value' })
	})
	.strict();
export type Adjustment = z.output<typeof adjustInput>['changes'][number];

export const requestInput = z.object({ mentorId: z.uuid({ error: 'invalid_value' }) }).strict();

export const endInput = z
	.object({
		reason: z.enum(END_REASONS, { error: 'invalid_value' }),
		/** For the audit log only. */
		note: cleanText({ max: 500, code: 'details_too_long', multiline: true }).optional()
	})
	.strict();

const goalText = cleanText({ min: 1, max: 200, code: 'matching_text_invalid' });
export const goalInput = z.object({ text: goalText }).strict();
export const goalPatch = z
	.object({ text: goalText, done: z.boolean({ error: 'invalid_value' }) })
	.partial()
	.strict()
	.refine((p) => p.text !== undefined || p.done !== undefined, { error: 'required' });

const due = z.iso.date({ error: 'invalid_value' }).nullable();
export const taskInput = z
	.object({
		title: goalText,
		assignee: z.uuid({ error: 'matching_assignee_invalid' }).nullable().optional(),
		due: due.optional()
	})
	.strict();
export const taskPatch = z
	.object({ title: goalText, assignee: z.uuid({ error: 'matching_assignee_invalid' }).nullable(), due, done: z.boolean({ error: 'invalid_value' }) })
	.partial()
	.strict()
	.refine((p) => Object.keys(p).length > 0, { error: 'required' });

export const meetingInput = z
	.object({
		/** An instant with its offset or Z, e.g. `2026-01-05T18:00:00+01:00`. */
		startsAt: z.iso.datetime({ offset: true, error: 'matching_meeting_time_invalid' }),
		minutes: z.number({ error: 'invalid_value' }).int({ error: 'invalid_value' }).min(5, { error: 'invalid_value' }).max(480, { error: 'invalid_value' }).default(60),
		note: cleanText({ max: 500, code: 'matching_text_invalid', multiline: true }).default('')
	})
	.strict();
export const meetingPatch = z.object({ status: z.enum(['accepted', 'declined', 'cancelled'], { error: 'invalid_value' }) }).strict();

export const id = z.uuid({ error: 'not_found' });
