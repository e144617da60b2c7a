import { timeToMinutes } from '$lib/matching/zoned';

/** One row of the weekly availability editor, as typed. */
export interface SlotRow {
	day: string;
	start: string;
	end: string;
}

export type SlotError = 'day_missing' | 'start_missing' | 'end_missing' | 'end_before_start';

/** Most rows the form reads (the service allows 28 stretches). */
export const MAX_ROWS = 28;

export interface MatchingForm {
	rows: SlotRow[];
	/** `availability.<i>.day|start|end` → what is wrong with it. */
	rowErrors: Record<string, SlotError>;
	/** The rows that are complete and right, as the service takes them. */
	slots: { day: number; start: number; end: number }[];
	goals: string[];
	values: Record<string, string>;
}

/**
 * Reads the matching profile form: availability rows (`availability.<i>.day|start|end`, empty rows skipped; an end of
 * 00:00 means midnight), every checked `goals`, and the other fields as strings.
 */
export function readMatchingForm(data: FormData): MatchingForm {
	const rows: SlotRow[] = [];
	const rowErrors: Record<string, SlotError> = {};
	const slots: MatchingForm['slots'] = [];
	const text = (key: string) => {
		const v = data.get(key);
		return typeof v === 'string' ? v.trim() : '';
	};
	for (let i = 0; i < MAX_ROWS * 2 && rows.length < MAX_ROWS; i++) {
		if (!data.has(`availability.${i}.day`) && !data.has(`availability.${i}.start`) && !data.has(`availability.${i}.end`)) continue;
		const row = { day: text(`availability.${i}.day`), start: text(`availability.${i}.start`), end: text(`availability.${i}.end`) };
		if (!row.day && !row.start && !row.end) continue;
		const n = rows.length;
		rows.push(row);
		const day = Number(row.day);
		const start = timeToMinutes(row.start);
		let end = timeToMinutes(row.end);
		if (end === 0) end = 1440;
		if (!(Number.isInteger(day) && day >= 1 && day <= 7)) rowErrors[`availability.${n}.day`] = 'day_missing';
		if (start === null || start >= 1440) rowErrors[`availability.${n}.start`] = 'start_missing';
		if (end === null) rowErrors[`availability.${n}.end`] = 'end_missing';
		else if (start !== null && end <= start) rowErrors[`availability.${n}.end`] = 'end_before_start';
		if (!Object.keys(rowErrors).some((k) => k.startsWith(`availability.${n}.`))) slots.push({ day, start: start!, end: end! });
	}
	const goals = [...new Set(data.getAll('goals').filter((g): g is string => typeof g === 'string' && g !== ''))];
	const values: Record<string, string> = {};
	for (const key of ['capacity', 'crossBorder', 'preferredMentorGender']) values[key] = text(key);
	return { rows, rowErrors, slots, goals, values };
}
