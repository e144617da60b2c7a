import { and, asc, count, desc, eq, gt, isNull, notInArray } from 'drizzle-orm';
import type { Db } from '../db';
import { auditLog, consents, guardianConsents, profiles, users } from '../db/schema';
import { AppError, notFound } from '../errors';
import type { Logger } from '../logger';
import { hashToken, isWellFormedToken, newToken } from '../accounts/session-policy';
import type { Tx } from '../spaces';
import { isUiLocale, type UiLocale } from '../../src/lib/i18n/locales';
import * as m from '../../src/lib/paraglide/messages.js';
import { issueGuardianLink } from './guardian-links';
import { guardianOfRecord, sameAddress } from './guardians';
import type { Outbox } from './outbox';
import { ageOf, consentAgeFor, type Policy } from './policy';

export const CONSENT_PURPOSES = ['participation', 'recording', 'exhibition', 'evaluation'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** A guardian's link works for 7 days, once. */
export const GUARDIAN_LINK_DAYS = 7;
/** Requests to a guardian per account per day: enough to fix a typo, not enough to flood someone's inbox. */
const GUARDIAN_REQUESTS_PER_DAY = 5;

export interface ConsentState {
	purpose: ConsentPurpose;
	granted: boolean;
	grantedBy: 'self' | 'guardian' | null;
	grantedAt: string | null;
}

export interface ConsentRecord {
	purpose: ConsentPurpose;
	grantedBy: 'self' | 'guardian';
	grantedAt: string;
	revokedAt: string | null;
	revokedBy: 'self' | 'guardian' | null;
}

export interface ConsentLedger {
	/** Whether this person may grant consents for themselves (false under the consent age: their guardian does). */
	canGrantForSelf: boolean;
	current: ConsentState[];
	history: ConsentRecord[];
}

export type GuardianLinkState = 'valid' | 'used' | 'expired' | 'superseded' | 'unknown';

/** Who changed a consent: the person, or their guardian (who has no account, so no actor id). */
export type ConsentActor = 'self' | 'guardian';

/** An admin who records a change for a guardian, at the guardian's written request: who, and the request in a few words. */
export interface OnGuardianRequest {
	actorId: string;
	reason: string;
}

/**
 * One audit entry per consent change, in the change's transaction. Codes and ids only: no names, no addresses (an
 * admin's reason is theirs to word). `admin`: the change was recorded by an admin at the guardian's request.
 */
export async function auditConsent(
	tx: Pick<Db, 'insert'>,
	{ userId, by, action, detail, admin }: { userId: string; by: ConsentActor; action: string; detail: Record<string, unknown>; admin?: OnGuardianRequest }
): Promise<void> {
	await tx.insert(auditLog).values({
		actorId: admin?.actorId ?? (by === 'self' ? userId : null),
		action,
		targetType: 'user',
		targetId: userId,
		detail: JSON.stringify({ by, ...detail, ...(admin ? { via: 'admin', reason: admin.reason } : {}) })
	});
}

type MessageFn = (params: Record<string, unknown>, options: { locale: UiLocale }) => string;
const catalog = m as unknown as Record<string, MessageFn>;

export function createConsents({
	db,
	logger,
	outbox,
	policy,
	onParticipationChange,
	onRevoked
}: {
	db: Db;
	logger: Logger;
	outbox: Outbox;
	policy: () => Promise<Policy>;
	onParticipationChange: (userId: string, change: { withdrawn: boolean }) => void;
	/** After any purpose is withdrawn (committed): exhibitions take works off and tell curators. */
	onRevoked?: (userId: string, purpose: ConsentPurpose) => void;
}) {
	const log = logger.child({ ns: 'consent' });

	/** Whether a guardian decides for this person (under the consent age, or never confirmed), and whether they are a minor. */
	async function standing(userId: string): Promise<{ underConsentAge: boolean; minor: boolean; pending: boolean }> {
		const [row] = await db
			.select({ birthDate: profiles.birthDate, country: profiles.country, status: users.status })
			.from(users)
			.innerJoin(profiles, eq(profiles.userId, users.id))
			.where(eq(users.id, userId))
			.limit(1);
		if (!row) throw notFound();
		const p = await policy();
		const age = ageOf(row.birthDate);
		const pending = row.status === 'pending_consent';
		return { underConsentAge: pending || age < consentAgeFor(p, row.country), minor: age < p.minorAge, pending };
	}

	const underConsentAge = async (userId: string): Promise<boolean> => (await standing(userId)).underConsentAge;

	/** The newest record of this purpose was withdrawn by the guardian (and nothing granted since). */
	async function withdrawnByGuardian(userId: string, purpose: ConsentPurpose): Promise<boolean> {
		const [row] = await db
			.select({ revokedBy: consents.revokedBy })
			.from(consents)
			.where(and(eq(consents.userId, userId), eq(consents.purpose, purpose)))
			.orderBy(desc(consents.grantedAt))
			.limit(1);
		return row?.revokedBy === 'guardian';
	}

	async function list({ userId }: { userId: string }): Promise<ConsentLedger> {
		const rows = await db.select().from(consents).where(eq(consents.userId, userId)).orderBy(asc(consents.grantedAt));
		const current = CONSENT_PURPOSES.map((purpose): ConsentState => {
			const live = rows.find((r) => r.purpose === purpose && r.revokedAt === null);
			return { purpose, granted: !!live, grantedBy: live?.grantedBy ?? null, grantedAt: live?.grantedAt.toISOString() ?? null };
		});
		return {
			canGrantForSelf: !(await underConsentAge(userId)),
			current,
			history: rows.map((r) => ({
				purpose: r.purpose,
				grantedBy: r.grantedBy,
				grantedAt: r.grantedAt.toISOString(),
				revokedAt: r.revokedAt?.toISOString() ?? null,
				revokedBy: r.revokedBy
			}))
		};
	}

	/** Mails the guardian a new single-use link; any earlier unconfirmed link stops working. Never logs the address or the token. */
	async function requestGuardianConsent({
		tx,
		userId,
		guardianName,
		guardianEmail,
		childName,
		baseUrl,
		locale
	}: {
		tx: Tx;
		userId: string;
		guardianName: string;
		guardianEmail: string;
		childName: string;
		baseUrl: string;
		locale: string;
	}): Promise<void> {
		const now = new Date();
		const [{ n }] = (await tx
			.select({ n: count() })
			.from(guardianConsents)
			.where(and(eq(guardianConsents.userId, userId), gt(guardianConsents.createdAt, new Date(now.getTime() - 86_400_000))))) as [{ n: number }];
		if (Number(n) >= GUARDIAN_REQUESTS_PER_DAY) throw new AppError(429, 'rate_limited', { retryAfterSeconds: 3600 });
		await tx
			.update(guardianConsents)
			.set({ supersededAt: now })
			.where(and(eq(guardianConsents.userId, userId), isNull(guardianConsents.confirmedAt), isNull(guardianConsents.supersededAt)));
		const token = newToken();
		await tx.insert(guardianConsents).values({
			userId,
			guardianName,
			guardianEmail,
			tokenHash: hashToken(token),
			purposes: [...CONSENT_PURPOSES],
			createdAt: now,
			expiresAt: new Date(now.getTime() + GUARDIAN_LINK_DAYS * 86_400_000)
		});
		const ui: UiLocale = isUiLocale(locale) ? locale : 'en';
		const link = new URL(`/consent/${token}`, baseUrl).href;
		await outbox.enqueue(tx, {
			kind: 'guardian_consent',
			to: guardianEmail,
			subject: catalog.mail_guardian_subject!({ childName }, { locale: ui }),
			body: catalog.mail_guardian_body!({ childName, guardianName, link, days: GUARDIAN_LINK_DAYS }, { locale: ui })
		});
		log.info({ userId }, 'guardian consent requested');
	}

	async function findLink(token: string) {
		if (!isWellFormedToken(token)) return null;
		const [row] = await db
			.select({ consent: guardianConsents, childName: profiles.displayName })
			.from(guardianConsents)
			.innerJoin(profiles, eq(profiles.userId, guardianConsents.userId))
			.where(eq(guardianConsents.tokenHash, hashToken(token)))
			.limit(1);
		return row ?? null;
	}

	function linkState(c: typeof guardianConsents.$inferSelect, now: Date): GuardianLinkState {
		if (c.confirmedAt) return 'used';
		if (c.supersededAt) return 'superseded';
		if (now.getTime() >= c.expiresAt.getTime()) return 'expired';
		return 'valid';
	}

	/**
	 * Records a grant by the person or their guardian (a no-op when the purpose is already granted), with its audit
	 * entry; `check` runs first inside the same transaction (a guardian's link still valid, say).
	 */
	async function grantAs({
		userId,
		purpose,
		by,
		guardianConsentId,
		check,
		admin
	}: {
		userId: string;
		purpose: ConsentPurpose;
		by: ConsentActor;
		guardianConsentId: string | null;
		check?: (tx: Tx) => Promise<void>;
		admin?: OnGuardianRequest;
	}): Promise<boolean> {
		const granted = await db.transaction(async (tx) => {
			await check?.(tx);
			const rows = await tx.insert(consents).values({ userId, purpose, grantedBy: by, guardianConsentId }).onConflictDoNothing().returning({ id: consents.id });
			if (rows.length > 0) await auditConsent(tx, { userId, by, action: 'consent.grant', detail: { purpose }, admin });
			return rows.length > 0;
		});
		if (granted) {
			log.info({ userId, purpose, by, adminId: admin?.actorId }, 'consent granted');
			if (purpose === 'participation') onParticipationChange(userId, { withdrawn: false });
		}
		return granted;
	}

	/** Records a withdrawal by the person or their guardian, with its audit entry; withdrawing participation ends their live connections. */
	async function revokeAs({ userId, purpose, by, check }: { userId: string; purpose: ConsentPurpose; by: ConsentActor; check?: (tx: Tx) => Promise<void> }): Promise<boolean> {
		const revoked = await db.transaction(async (tx) => {
			await check?.(tx);
			const rows = await tx
				.update(consents)
				.set({ revokedAt: new Date(), revokedBy: by })
				.where(and(eq(consents.userId, userId), eq(consents.purpose, purpose), isNull(consents.revokedAt)))
				.returning({ id: consents.id });
			if (rows.length > 0) await auditConsent(tx, { userId, by, action: 'consent.revoke', detail: { purpose } });
			return rows.length > 0;
		});
		if (revoked) {
			log.info({ userId, purpose, by }, 'consent withdrawn');
			if (purpose === 'participation') onParticipationChange(userId, { withdrawn: true });
			onRevoked?.(userId, purpose);
		}
		return revoked;
	}

	return {
		list,
		requestGuardianConsent,

		async hasConsent({ userId, purpose }: { userId: string; purpose: ConsentPurpose }): Promise<boolean> {
			const [row] = await db
				.select({ id: consents.id })
				.from(consents)
				.where(and(eq(consents.userId, userId), eq(consents.purpose, purpose), isNull(consents.revokedAt)))
				.limit(1);
			return !!row;
		},

		/**
		 * Someone grants a purpose for themselves. Under the consent age only a guardian can; and what a guardian
		 * withdrew stays withdrawn while the person is a minor, whatever their age or country says now, until the
		 * guardian (or an admin at their written request) gives it back.
		 */
		async grant({ userId, purpose }: { userId: string; purpose: ConsentPurpose }): Promise<ConsentLedger> {
			const who = await standing(userId);
			if (who.underConsentAge) throw new AppError(403, 'consent_guardian_only');
			if (who.minor && (await withdrawnByGuardian(userId, purpose))) throw new AppError(403, 'consent_guardian_withdrew');
			await grantAs({ userId, purpose, by: 'self', guardianConsentId: null });
			return list({ userId });
		},

		/**
		 * An admin gives a purpose back for a minor's guardian, at the guardian's written request (`reason` says which):
		 * recorded as the guardian's grant, with the admin and the reason in the audit log. Not for adults, who decide
		 * for themselves, nor for an account whose guardian never confirmed (their link does that).
		 */
		async grantOnGuardianRequest({ actorId, userId, purpose, reason }: { actorId: string; userId: string; purpose: ConsentPurpose; reason: string }): Promise<ConsentLedger> {
			const who = await standing(userId);
			if (who.pending) throw new AppError(409, 'consent_pending');
			if (!who.underConsentAge && !who.minor) throw new AppError(409, 'guardian_not_needed');
			const guardian = await guardianOfRecord(db, userId);
			await grantAs({ userId, purpose, by: 'guardian', guardianConsentId: guardian?.id ?? null, admin: { actorId, reason } });
			return list({ userId });
		},

		/** Anyone withdraws any purpose, any time; withdrawing participation closes their live connections to spaces. */
		async revoke({ userId, purpose }: { userId: string; purpose: ConsentPurpose }): Promise<ConsentLedger> {
			await revokeAs({ userId, purpose, by: 'self' });
			return list({ userId });
		},

		grantAs,
		revokeAs,
		audit: auditConsent,

		/** What the consent page shows: the child's display name only while the link still works. */
		async guardianLink(token: string): Promise<{ state: GuardianLinkState; childName: string | null; purposes: ConsentPurpose[] }> {
			const row = await findLink(token);
			if (!row) return { state: 'unknown', childName: null, purposes: [] };
			const state = linkState(row.consent, new Date());
			return { state, childName: state === 'valid' ? row.childName : null, purposes: row.consent.purposes as ConsentPurpose[] };
		},

		/**
		 * The guardian agrees, through their link, to `purposes` (participation is required). The account becomes
		 * active, the ledger records each purpose as granted by the guardian, and the link is spent. The guardian is
		 * mailed a standing link to see and change these choices later (any earlier one stops working).
		 */
		async confirmGuardianConsent({
			token,
			purposes,
			baseUrl,
			locale
		}: {
			token: string;
			purposes: ConsentPurpose[];
			baseUrl: string;
			locale: string;
		}): Promise<{ userId: string }> {
			if (!purposes.includes('participation')) throw new AppError(400, 'invalid_input', { fields: { participation: 'participation_required' } });
			if (!isWellFormedToken(token)) throw new AppError(404, 'consent_link_invalid');
			const userId = await db.transaction(async (tx) => {
				const [c] = await tx.select().from(guardianConsents).where(eq(guardianConsents.tokenHash, hashToken(token))).for('update');
				if (!c) throw new AppError(404, 'consent_link_invalid');
				const state = linkState(c, new Date());
				if (state !== 'valid') throw new AppError(410, state === 'used' ? 'consent_link_used' : 'consent_link_expired');
				// A request to someone other than the guardian who decides (one asked for before that rule, say) cannot
				// put them in that guardian's place: only an admin can.
				const guardian = await guardianOfRecord(tx, c.userId);
				if (guardian && !sameAddress(guardian.guardianEmail, c.guardianEmail)) throw new AppError(409, 'guardian_change_needs_admin');
				const agreed = CONSENT_PURPOSES.filter((p) => purposes.includes(p));
				const now = new Date();
				await tx.update(guardianConsents).set({ confirmedAt: now, purposes: agreed }).where(eq(guardianConsents.id, c.id));
				await tx.update(users).set({ status: 'active', updatedAt: now }).where(and(eq(users.id, c.userId), eq(users.status, 'pending_consent')));
				// The guardian's answer is the whole current state: what they left unticked is no longer granted.
				const withdrawn = await tx
					.update(consents)
					.set({ revokedAt: now, revokedBy: 'guardian' })
					.where(and(eq(consents.userId, c.userId), isNull(consents.revokedAt), notInArray(consents.purpose, agreed)))
					.returning({ purpose: consents.purpose });
				const granted = await tx
					.insert(consents)
					.values(agreed.map((purpose) => ({ userId: c.userId, purpose, grantedBy: 'guardian' as const, guardianConsentId: c.id, grantedAt: now })))
					.onConflictDoNothing()
					.returning({ purpose: consents.purpose });
				await auditConsent(tx, {
					userId: c.userId,
					by: 'guardian',
					action: 'consent.guardian_confirm',
					detail: { guardianConsentId: c.id, granted: granted.map((g) => g.purpose), withdrawn: withdrawn.map((w) => w.purpose) }
				});
				const [child] = await tx.select({ displayName: profiles.displayName }).from(profiles).where(eq(profiles.userId, c.userId)).limit(1);
				await issueGuardianLink({
					tx,
					outbox,
					userId: c.userId,
					guardianConsentId: c.id,
					guardianName: c.guardianName,
					guardianEmail: c.guardianEmail,
					childName: child?.displayName ?? '',
					baseUrl,
					locale,
					now
				});
				return c.userId;
			});
			outbox.kick();
			onParticipationChange(userId, { withdrawn: false });
			log.info({ userId, purposes }, 'guardian consent confirmed');
			return { userId };
		},

		/** The guardian named in the newest request, for resending without asking again. */
		async lastGuardian(userId: string): Promise<{ guardianName: string; guardianEmail: string } | null> {
			const [row] = await db
				.select({ guardianName: guardianConsents.guardianName, guardianEmail: guardianConsents.guardianEmail })
				.from(guardianConsents)
				.where(eq(guardianConsents.userId, userId))
				.orderBy(desc(guardianConsents.createdAt))
				.limit(1);
			return row ?? null;
		},

		underConsentAge
	};
}

export type Consents = ReturnType<typeof createConsents>;
