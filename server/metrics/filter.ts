import { z } from 'zod';
import type { EvaluationFilter } from '../../src/lib/protocol/evaluation';
import { AppError } from '../errors';
import { addDays, daysBetween, isTimeZone, localDay, weekOf } from './calendar';

export const DEFAULT_WEEKS = 12;
export const DEFAULT_QUIET_DAYS = 14;
/** Longest period one dashboard covers (about three years of weeks). */
export const MAX_DAYS = 1_100;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d));
const query = z.object({
	cohort: z.union([z.literal('self'), z.uuid()]).optional(),
	from: day.optional(),
	to: day.optional(),
	quietDays: z.coerce.number().int().min(1).max(365).optional()
});

/**
 * The dashboard's filter from a query string (`cohort`, `from`, `to`, `quietDays`; empty values mean the default):
 * by default everyone, the last twelve weeks up to today, pairs quiet after 14 days. Weeks count in `timeZone`.
 */
export function parseFilter({ query: params, timeZone, now = new Date() }: { query: URLSearchParams; timeZone: string; now?: Date }): EvaluationFilter {
	const raw = Object.fromEntries([...params].filter(([key, value]) => value !== '' && key in query.shape));
	const parsed = query.safeParse(raw);
	if (!isTimeZone(timeZone)) throw new AppError(400, 'invalid_input', { fields: { timeZone: 'invalid_input' }, detail: 'unknown time zone' });
	const zone = timeZone;
	if (!parsed.success) {
		const codes = { cohort: 'evaluation_cohort_invalid', from: 'evaluation_date_invalid', to: 'evaluation_date_invalid', quietDays: 'evaluation_quiet_days_invalid' } as const;
		const fields = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), codes[i.path[0] as keyof typeof codes] ?? 'invalid_input']));
		throw new AppError(400, 'invalid_input', { fields, detail: 'bad evaluation filter' });
	}
	const today = localDay(now, zone);
	const to = parsed.data.to ?? today;
	const from = parsed.data.from ?? weekOf(addDays(to, -7 * (DEFAULT_WEEKS - 1)));
	if (from > to || daysBetween(from, to) > MAX_DAYS) throw new AppError(400, 'evaluation_period_invalid', { fields: { from: 'evaluation_period_invalid' } });
	return { cohort: parsed.data.cohort ?? null, from, to, timeZone: zone, quietDays: parsed.data.quietDays ?? DEFAULT_QUIET_DAYS };
}
