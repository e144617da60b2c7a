import { EventEmitter } from 'node:events';
import { and, eq, sql } from 'drizzle-orm';
import type { AccountsService } from '../accounts';
import type { SignUpInput } from '../accounts/validation';
import type { Config } from '../config';
import type { Db } from '../db';
import { consents, profiles, spaceMembers, spaces as spacesTable, users } from '../db/schema';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { createReadCache } from '../read-cache';
import type { SpacesService, Tx } from '../spaces';
import { createConsents, type ConsentPurpose } from './consent';
import { createGuardianAccess, issueGuardianLink, type GuardianMailComposer } from './guardian-links';
import { createGuardianRequests, guardianOfRecord } from './guardians';
import { createOutbox } from './outbox';
import { ageOf, consentAgeFor, createPolicyStore, type Policy, type PolicyPatch } from './policy';
import { isSupervisor, lastSupervisorLeaving, needsSupervisor, type Participation } from './rules';

export type { Policy, PolicyPatch, ConsentPurpose, Participation, GuardianMailComposer };
export { ageOf };

export interface SafeguardingEvents {
	/** Someone's participation consent was withdrawn (or their account went back to pending): close their connections to spaces. */
	'participation:withdrawn': [{ userId: string }];
	/** A consent of any purpose was withdrawn, by the person or their guardian (after commit). */
	'consent:revoked': [{ userId: string; purpose: ConsentPurpose }];
}

export interface SafeguardingOptions {
	db: Db;
	logger: Logger;
	accounts: AccountsService;
	spaces: SpacesService;
	config: Pick<Config, 'origin'> & Partial<Pick<Config, 'smtpUrl' | 'mailFrom'>>;
}

const MINORS_TTL_MS = 10_000;
const PARTICIPATION_TTL_MS = 5_000;

/**
 * Policy, guardian consent, the consent ledger and the minor rules. Other capabilities read `policy()`,
 * `minorsIn(spaceId)` and `hasConsent(...)`; spaces get the minor rules through `spaces.use`.
 */
export function createSafeguarding({ db, logger, accounts, spaces, config }: SafeguardingOptions) {
	const log = logger.child({ ns: 'safeguarding' });
	const events = new EventEmitter<SafeguardingEvents>();
	// Both asked on every message and keystroke; see ReadCache.
	const minorsCache = createReadCache<string, string[]>({ ttlMs: MINORS_TTL_MS, max: 10_000, read: (spaceId) => readMinors(spaceId) });
	const participationCache = createReadCache<string, Participation>({ ttlMs: PARTICIPATION_TTL_MS, max: 50_000, read: (userId) => readParticipation(userId) });
	const store = createPolicyStore({ db, onChange: () => minorsCache.clear() });
	const outbox = createOutbox({ db, logger, smtpUrl: config.smtpUrl, mailFrom: config.mailFrom });

	/** Inside a transaction pass it as `tx` (the embedded database is one connection). */
	const policy = (tx?: Pick<Db, 'select'>) => store.get(tx);

	async function ageAndCountry(userId: string, tx: Pick<Db, 'select'> = db): Promise<{ age: number; country: string } | null> {
		const [row] = await tx.select({ birthDate: profiles.birthDate, country: profiles.country }).from(profiles).where(eq(profiles.userId, userId)).limit(1);
		return row ? { age: ageOf(row.birthDate), country: row.country } : null;
	}

	async function isMinor(userId: string, tx?: Pick<Db, 'select'>): Promise<boolean> {
		const p = await store.get(tx);
		const who = await ageAndCountry(userId, tx);
		return who !== null && who.age < p.minorAge;
	}

	/** Members of the space (any role) who are minors, read inside `tx` when given. */
	async function readMinors(spaceId: string, tx: Pick<Db, 'select'> = db): Promise<string[]> {
		const p = await store.get(tx);
		const rows = await tx
			.select({ userId: spaceMembers.userId, birthDate: profiles.birthDate })
			.from(spaceMembers)
			.innerJoin(profiles, eq(profiles.userId, spaceMembers.userId))
			.where(eq(spaceMembers.spaceId, spaceId));
		return rows.filter((r) => ageOf(r.birthDate) < p.minorAge).map((r) => r.userId);
	}

	async function readParticipation(userId: string, tx: Pick<Db, 'select'> = db): Promise<Participation> {
		const [user] = await tx.select({ status: users.status }).from(users).where(eq(users.id, userId)).limit(1);
		if (!user || user.status === 'suspended') return 'account_suspended';
		if (user.status === 'pending_consent') return 'consent_pending';
		const grants = await tx
			.select({ revokedAt: consents.revokedAt })
			.from(consents)
			.where(and(eq(consents.userId, userId), eq(consents.purpose, 'participation')));
		// Accounts created before the ledger have no rows: signing up was their consent. Withdrawing is what counts.
		if (grants.length > 0 && grants.every((g) => g.revokedAt !== null)) return 'consent_withdrawn';
		return 'ok';
	}

	/** Whether `userId` may take part in spaces now; a short-lived cache, dropped here on every change. */
	async function participation(userId: string): Promise<Participation> {
		return participationCache.get(userId);
	}

	function participationChanged(userId: string, { withdrawn }: { withdrawn: boolean }): void {
		participationCache.delete(userId);
		if (withdrawn) events.emit('participation:withdrawn', { userId });
	}

	const ledger = createConsents({
		db,
		logger,
		outbox,
		policy,
		onParticipationChange: participationChanged,
		onRevoked: (userId, purpose) => events.emit('consent:revoked', { userId, purpose })
	});

	const guardianAccess = createGuardianAccess({ db, logger, outbox, ledger });
	const guardianRequests = createGuardianRequests({ db, logger, outbox, ledger });

	async function supervisorsIn(tx: Tx | Db, spaceId: string) {
		return tx
			.select({ userId: spaceMembers.userId, spaceRole: spaceMembers.role, accountRole: users.role, status: users.status })
			.from(spaceMembers)
			.innerJoin(users, eq(users.id, spaceMembers.userId))
			.where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.role, 'supervisor')));
	}

	/** User ids of the minors who are members of the space (any role); cached briefly, dropped on membership changes. */
	async function minorsInCached(spaceId: string): Promise<string[]> {
		return minorsCache.get(spaceId);
	}

	spaces.use({
		async assertParticipant(userId) {
			const state = await participation(userId);
			if (state !== 'ok') throw new AppError(403, state);
		},
		async canParticipate(userId) {
			return (await participation(userId)) === 'ok';
		},
		async afterCreate({ tx, spaceId, userId }) {
			const p = await store.get(tx);
			if (!p.supervisedSpacesForMinors || !(await isMinor(userId, tx))) return;
			const supervisors = (await supervisorsIn(tx, spaceId)).filter(isSupervisor);
			if (needsSupervisor({ policy: p, minorPresent: true, supervisors: supervisors.length })) {
				throw new AppError(400, 'invalid_input', { fields: { supervisorId: 'supervisor_required' } });
			}
		},
		async beforeJoin({ tx, spaceId, userId }) {
			const p = await store.get(tx);
			if (!p.supervisedSpacesForMinors || !(await isMinor(userId, tx))) return;
			const supervisors = (await supervisorsIn(tx, spaceId)).filter(isSupervisor);
			if (needsSupervisor({ policy: p, minorPresent: true, supervisors: supervisors.length })) throw new AppError(403, 'supervisor_required');
		},
		async beforeLeave({ tx, spaceId, userId, role }) {
			if (role !== 'supervisor') return;
			const p = await store.get(tx);
			if (!p.supervisedSpacesForMinors) return;
			const supervisors = (await supervisorsIn(tx, spaceId)).filter(isSupervisor);
			const minors = await readMinors(spaceId, tx);
			if (lastSupervisorLeaving({ leavingUserId: userId, supervisorIds: supervisors.map((s) => s.userId), minorIds: minors })) {
				throw new AppError(409, 'last_supervisor');
			}
		}
	});

	const dropMinors = ({ spaceId }: { spaceId: string }) => void minorsCache.delete(spaceId);
	spaces.events.on('member:joined', dropMinors);
	spaces.events.on('member:left', dropMinors);
	// Suspended, or a suspension lifted: participation reads the account's status.
	const dropParticipation = ({ userId }: { userId: string }) => void participationCache.delete(userId);
	accounts.events.on('user:status-changed', dropParticipation);
	outbox.start();

	return {
		events,
		outbox,

		/**
		 * Drops what is cached of one person's participation and of one space's minors: another process changed them
		 * (a suspension, consent, a membership).
		 */
		forget({ userId, spaceId }: { userId?: string; spaceId?: string }): void {
			if (userId) participationCache.delete(userId);
			if (spaceId) minorsCache.delete(spaceId);
		},

		/** The program policy (cached; an update drops the cache). */
		policy,

		/** An admin changes the policy; one `policy.update` audit entry names the changed fields. */
		async updatePolicy({ actorId, patch }: { actorId: string; patch: PolicyPatch }): Promise<Policy> {
			const updated = await store.update({ actorId, patch });
			log.info({ actorId, fields: Object.keys(patch) }, 'policy updated');
			return updated;
		},

		/** The age under which someone living in `country` needs a guardian's consent. */
		async consentAgeFor(country: string): Promise<number> {
			return consentAgeFor(await policy(), country);
		},

		ageOf,
		/** Whether `userId` is a minor under the policy now; read inside `tx` when given (uncached). */
		isMinor: (userId: string, tx?: Pick<Db, 'select'>) => isMinor(userId, tx),

		/** User ids of the minors who are members of the space (any role); cached briefly, dropped on membership changes. */
		minorsIn: minorsInCached,


		/** Whether a minor has ever been a member of the space (`spaces.had_minor`): its content is kept for review. */
		/**
		 * A minor is in the space and no active supervisor is, while the policy wants one: the last supervisor was
		 * demoted, suspended or deleted, or supervision was switched back on. Nobody may write there until a
		 * supervisor is back (moderation/restrictions reads this with locks and mutes).
		 */
		async unsupervised(spaceId: string): Promise<boolean> {
			const p = await policy();
			if (!p.supervisedSpacesForMinors) return false;
			if ((await minorsInCached(spaceId)).length === 0) return false;
			return (await supervisorsIn(db, spaceId)).filter(isSupervisor).length === 0;
		},

		async hadMinor(spaceId: string): Promise<boolean> {
			const [row] = await db.select({ hadMinor: spacesTable.hadMinor }).from(spacesTable).where(eq(spacesTable.id, spaceId)).limit(1);
			return row?.hadMinor ?? false;
		},

		/** 'ok', or why `userId` may not take part in spaces now (an error code). */
		participation,
		/** `participation`, read inside `tx` (uncached): for checks that must hold at commit. */
		participationIn: (userId: string, tx: Pick<Db, 'select'>) => readParticipation(userId, tx),

		/** Everyone whose participation consent is withdrawn (every grant revoked), for the admin's list of accounts. */
		async withdrawnParticipation(): Promise<Set<string>> {
			const rows = await db
				.select({ userId: consents.userId })
				.from(consents)
				.where(eq(consents.purpose, 'participation'))
				.groupBy(consents.userId)
				.having(sql`bool_and(${consents.revokedAt} is not null)`);
			return new Set(rows.map((r) => r.userId));
		},

		hasConsent: ledger.hasConsent,
		consents: ledger.list,
		grantConsent: ledger.grant,
		revokeConsent: ledger.revoke,
		requestGuardianConsent: ledger.requestGuardianConsent,
		guardianLink: ledger.guardianLink,
		confirmGuardianConsent: ledger.confirmGuardianConsent,
		/** The guardian's standing link (mailed when they confirm): see, withdraw, give again, replace the link. */
		guardianView: guardianAccess.view,
		guardianChange: guardianAccess.change,
		rotateGuardianLink: guardianAccess.rotate,
		/** The child a guardian's standing link works for, and the in-transaction check that it still does. */
		guardianLinkChild: guardianAccess.child,

		/**
		 * Whether a guardian decides for this person now: under the consent age for their country, or never confirmed
		 * (the same test that keeps the guardian's standing link working).
		 */
		underConsentAge: (userId: string) => ledger.underConsentAge(userId),

		/**
		 * Inside `tx`: mails the guardian of record of `userId` a fresh standing link (the one before stops working, as
		 * when the guardian asks for a new one), worded by `compose`. False when no guardian has confirmed for them.
		 * Call `outbox.kick()` after commit.
		 */
		async mailGuardian({ tx, userId, baseUrl, locale, compose }: { tx: Tx; userId: string; baseUrl: string; locale: string; compose: GuardianMailComposer }): Promise<boolean> {
			const guardian = await guardianOfRecord(tx, userId);
			if (!guardian) return false;
			const [child] = await tx.select({ name: profiles.displayName }).from(profiles).where(eq(profiles.userId, userId)).limit(1);
			if (!child) return false;
			await issueGuardianLink({
				tx,
				outbox,
				userId,
				guardianConsentId: guardian.id,
				guardianName: guardian.guardianName,
				guardianEmail: guardian.guardianEmail,
				childName: child.name,
				baseUrl,
				locale,
				now: new Date(),
				compose
			});
			return true;
		},

		/**
		 * Sign-up with the consent rules: under the consent age for their country, a participant must name a
		 * guardian; the account is then created pending, and the guardian is sent a link. Everyone else grants
		 * participation for themselves by signing up.
		 */
		async signUp(input: SignUpInput, { ip, baseUrl, locale }: { ip: string; baseUrl: string; locale: string }) {
			const p = await policy();
			const needsGuardian = ageOf(input.birthDate) < consentAgeFor(p, input.country);
			if (needsGuardian && (!input.guardianName || !input.guardianEmail)) {
				const fields: Record<string, 'guardian_required'> = {};
				if (!input.guardianName) fields.guardianName = 'guardian_required';
				if (!input.guardianEmail) fields.guardianEmail = 'guardian_required';
				throw new AppError(400, 'invalid_input', { fields });
			}
			const user = await accounts.signUp(input, {
				ip,
				status: needsGuardian ? 'pending_consent' : 'active',
				inTransaction: async (tx, userId) => {
					if (needsGuardian) {
						await ledger.requestGuardianConsent({
							tx,
							userId,
							guardianName: input.guardianName!,
							guardianEmail: input.guardianEmail!,
							childName: input.displayName,
							baseUrl,
							locale
						});
					} else {
						await tx.insert(consents).values({ userId, purpose: 'participation', grantedBy: 'self' });
					}
				}
			});
			if (needsGuardian) outbox.kick();
			return user;
		},

		/** The child asks their guardian again (see `createGuardianRequests`): only the guardian who confirmed, once one has. */
		resendGuardianRequest: guardianRequests.resend,
		/** An admin names another guardian; the one set aside is told by mail, and the change is audited. */
		replaceGuardian: guardianRequests.replace,
		/** An admin gives a purpose back at a minor's guardian's written request; audited with the admin and the reason. */
		grantOnGuardianRequest: ledger.grantOnGuardianRequest,

		async close(): Promise<void> {
			spaces.events.off('member:joined', dropMinors);
			spaces.events.off('member:left', dropMinors);
			accounts.events.off('user:status-changed', dropParticipation);
			await outbox.stop();
		}
	};
}

export type Safeguarding = ReturnType<typeof createSafeguarding>;

export { CONSENT_PURPOSES } from './consent';
