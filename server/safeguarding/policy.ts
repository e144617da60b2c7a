import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db';
import { auditLog, programPolicy } from '../db/schema';
import { AppError } from '../errors';
import { COUNTRY_CODES } from '../accounts/countries';
import { ageOn } from '../accounts/validation';
import { markSpacesThatHadMinors } from './had-minor';

/** The program's safeguarding policy, as services read it. */
export interface Policy {
	/** Under this age a participant is a minor. */
	minorAge: number;
	/** Under this age a guardian must consent (unless the participant's country has its own age). */
	consentAge: number;
	/** ISO 3166-1 alpha-2 → consent age. */
	consentAgeByCountry: Record<string, number>;
	supervisedSpacesForMinors: boolean;
	contactFilterForMinors: boolean;
	retentionDays: number;
	updatedAt: string;
	updatedBy: string | null;
}

export type PolicyPatch = Partial<Omit<Policy, 'updatedAt' | 'updatedBy'>>;

/** The safe defaults, the same as the migration's column defaults; used until the row has been read. */
export const DEFAULT_POLICY: Omit<Policy, 'updatedAt' | 'updatedBy'> = {
	minorAge: 18,
	consentAge: 16,
	consentAgeByCountry: {},
	supervisedSpacesForMinors: true,
	contactFilterForMinors: true,
	retentionDays: 2190
};

const age = z.number({ error: 'age_out_of_range' }).int({ error: 'age_out_of_range' }).min(1, { error: 'age_out_of_range' }).max(25, { error: 'age_out_of_range' });

/** `PUT /api/v1/admin/policy`: any subset of the fields; what is left out stays as it is. */
export const policyPatch = z
	.object({
		minorAge: age,
		consentAge: age,
		consentAgeByCountry: z
			.record(z.string(), age, { error: 'invalid_value' })
			.transform((byCountry, ctx) => {
				const out: Record<string, number> = {};
				for (const [code, value] of Object.entries(byCountry)) {
					const upper = code.trim().toUpperCase();
					if (!COUNTRY_CODES.has(upper)) {
						ctx.addIssue({ code: 'custom', message: 'country_invalid' });
						return z.NEVER;
					}
					out[upper] = value;
				}
				return out;
			}),
		supervisedSpacesForMinors: z.boolean({ error: 'invalid_value' }),
		contactFilterForMinors: z.boolean({ error: 'invalid_value' }),
		retentionDays: z
			.number({ error: 'retention_out_of_range' })
			.int({ error: 'retention_out_of_range' })
			.min(30, { error: 'retention_out_of_range' })
			.max(3650, { error: 'retention_out_of_range' })
	})
	.partial()
	.strict();

/** Consent ages above the minor age make no sense (a guardian for an adult): refused field by field. */
export function checkPolicy(p: Pick<Policy, 'minorAge' | 'consentAge' | 'consentAgeByCountry'>): Record<string, 'consent_age_above_minor_age'> {
	const fields: Record<string, 'consent_age_above_minor_age'> = {};
	if (p.consentAge > p.minorAge) fields.consentAge = 'consent_age_above_minor_age';
	if (Object.values(p.consentAgeByCountry).some((a) => a > p.minorAge)) fields.consentAgeByCountry = 'consent_age_above_minor_age';
	return fields;
}

/** The age under which a guardian must consent, for someone living in `country`. */
export function consentAgeFor(policy: Pick<Policy, 'consentAge' | 'consentAgeByCountry'>, country: string): number {
	return policy.consentAgeByCountry[country.toUpperCase()] ?? policy.consentAge;
}

/** Whole years of age today (UTC). */
export function ageOf(birthDate: string, today = new Date()): number {
	return ageOn(birthDate, today);
}

/** Only the fields that really change, so the audit entry says what changed and nothing else. */
export function changedFields(before: PolicyPatch, patch: PolicyPatch): PolicyPatch {
	const changed: PolicyPatch = {};
	for (const [key, value] of Object.entries(patch) as [keyof PolicyPatch, unknown][]) {
		if (value === undefined) continue;
		if (JSON.stringify(before[key]) !== JSON.stringify(value)) (changed as Record<string, unknown>)[key] = value;
	}
	return changed;
}

function toPolicy(row: typeof programPolicy.$inferSelect): Policy {
	return {
		minorAge: row.minorAge,
		consentAge: row.consentAge,
		consentAgeByCountry: row.consentAgeByCountry,
		supervisedSpacesForMinors: row.supervisedSpacesForMinors,
		contactFilterForMinors: row.contactFilterForMinors,
		retentionDays: row.retentionDays,
		updatedAt: row.updatedAt.toISOString(),
		updatedBy: row.updatedBy
	};
}

/**
 * Reads and writes the single policy row. The row is cached in memory; an update here replaces it at once,
 * and it is read again after `ttlMs` so other processes sharing the database pick up a change (for up to another
 * `ttlMs` the old row is answered while that read runs).
 */
export function createPolicyStore({ db, ttlMs = 30_000, onChange }: { db: Db; ttlMs?: number; onChange?: (p: Policy) => void }) {
	let cached: { policy: Policy; at: number } | null = null;
	let loading: Promise<Policy> | null = null;

	async function load(via: Pick<Db, 'select'>): Promise<Policy> {
		const [row] = await via.select().from(programPolicy).where(eq(programPolicy.id, 1)).limit(1);
		// The migration inserts the row; a database restored without it still runs with the safe defaults.
		const policy = row ? toPolicy(row) : { ...DEFAULT_POLICY, updatedAt: new Date(0).toISOString(), updatedBy: null };
		cached = { policy, at: Date.now() };
		return policy;
	}

	return {
		/**
		 * The policy. Inside a transaction pass it as `tx`: the embedded database is one connection, so a read
		 * outside the open transaction would wait for it forever.
		 */
		async get(tx?: Pick<Db, 'select'>): Promise<Policy> {
			const age = cached ? Date.now() - cached.at : Infinity;
			if (cached && age < ttlMs) return cached.policy;
			if (tx) return load(tx);
			loading ??= load(db).finally(() => (loading = null));
			// For another `ttlMs` an expired row is answered at once while it is read again: every chat send reads the
			// policy, and none should wait for the database (or a pool busy with slow queries) because a timer ran out.
			if (cached && age < 2 * ttlMs) {
				loading.catch(() => {});
				return cached.policy;
			}
			return loading;
		},

		/** Applies `patch` and writes one `policy.update` audit entry with the changed fields, in one transaction. */
		async update({ actorId, patch }: { actorId: string; patch: PolicyPatch }): Promise<Policy> {
			const policy = await db.transaction(async (tx) => {
				const [row] = await tx.select().from(programPolicy).where(eq(programPolicy.id, 1)).for('update');
				const before = row ? toPolicy(row) : { ...DEFAULT_POLICY, updatedAt: '', updatedBy: null };
				const changed = changedFields(before, patch);
				const next = { ...before, ...changed };
				const fields = checkPolicy(next);
				if (Object.keys(fields).length > 0) throw new AppError(400, 'invalid_input', { fields });
				if (Object.keys(changed).length === 0) return before;
				const values = {
					minorAge: next.minorAge,
					consentAge: next.consentAge,
					consentAgeByCountry: next.consentAgeByCountry,
					supervisedSpacesForMinors: next.supervisedSpacesForMinors,
					contactFilterForMinors: next.contactFilterForMinors,
					retentionDays: next.retentionDays,
					updatedAt: new Date(),
					updatedBy: actorId
				};
				const [saved] = await tx
					.insert(programPolicy)
					.values({ id: 1, ...values })
					.onConflictDoUpdate({ target: programPolicy.id, set: values })
					.returning();
				await tx.insert(auditLog).values({ actorId, action: 'policy.update', targetType: 'policy', targetId: '1', detail: JSON.stringify(changed) });
				// Someone who counts as a minor under the new age makes their spaces ones that had a minor, for good.
				if (changed.minorAge !== undefined) await markSpacesThatHadMinors(tx, next.minorAge);
				return toPolicy(saved!);
			});
			cached = { policy, at: Date.now() };
			onChange?.(policy);
			return policy;
		},

		/** Forget the cached row (tests that change it under the service's feet). */
		invalidate(): void {
			cached = null;
		}
	};
}

export type PolicyStore = ReturnType<typeof createPolicyStore>;
