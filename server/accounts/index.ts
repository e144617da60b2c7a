import { EventEmitter } from 'node:events';
import { and, asc, count, eq, gt, inArray, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { isUniqueViolation } from '../db';
import { auditLog, guardianConsents, profiles, sessions, users } from '../db/schema';
import type { SpokenLanguage } from '../db/schema';
import { AppError, notFound } from '../errors';
import type { Logger } from '../logger';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords';
import { createLoginLimiter, type LoginLimitOptions } from './rate-limits';
import { hashToken, isWellFormedToken, newToken, sessionState, shouldTouch, type SessionPolicy } from './session-policy';
import type { ProfileUpdate, SignUpInput } from './validation';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export type Role = 'mentee' | 'mentor' | 'moderator' | 'admin';
export type AccountStatus = 'active' | 'suspended' | 'pending_consent';

// pg_advisory_xact_lock keys: sign-ups (first admin) and admin changes (last admin).
const SIGN_UP_LOCK = 7318001;
const ADMIN_CHANGES_LOCK = 7318002;

export interface Profile {
	displayName: string;
	country: string;
	timezone: string;
	languages: SpokenLanguage[];
	readingLanguage: string;
	uiLanguage: string | null;
	passions: string[];
	bio: string;
	birthDate: string;
	gender: string | null;
}

/** The signed-in person, as they see themselves (`GET /api/v1/me`). */
export interface Me {
	id: string;
	email: string;
	role: Role;
	/** `pending_consent`: signed up under the consent age; signs in, but reaches no space until a guardian confirms. */
	status: AccountStatus;
	createdAt: string;
	profile: Profile;
}

/** What an admin sees in the users list: no birth date, no gender. */
export interface UserSummary {
	id: string;
	email: string;
	displayName: string;
	country: string;
	role: Role;
	status: AccountStatus;
	createdAt: string;
}

/** A moderator or admin who can supervise a space: what someone creating a space is shown, nothing private. */
export interface StaffMember {
	id: string;
	displayName: string;
	country: string;
	role: 'moderator' | 'admin';
}

export interface CurrentSession {
	id: string;
	user: Me;
	expiresAt: Date;
}

export interface AccountEvents {
	/** All of a user's sessions ended (suspension, sign out everywhere, password change): close their sockets. */
	'user:sessions-ended': [{ userId: string; reason: 'suspended' | 'signed_out' | 'password_changed'; exceptSessionId?: string }];
	/** One session ended (sign out, or idle/absolute expiry). */
	'session:ended': [{ sessionId: string; reason: 'signed_out' | 'expired' }];
	/** An admin changed someone's account role (after commit): staff rooms and cached roles must follow. */
	'user:role-changed': [{ userId: string; from: Role; to: Role }];
	/** An admin suspended someone or lifted a suspension (after commit): cached participation must follow. */
	'user:status-changed': [{ userId: string; from: AccountStatus; to: AccountStatus }];
}

/** Rules another capability (moderation) adds to accounts; a hook that throws an AppError vetoes. */
export interface AccountRules {
	/** Before a display name is stored, at sign-up or in a profile change. */
	checkDisplayName?(name: string): Promise<void> | void;
}

export interface AccountsOptions {
	db: Db;
	logger: Logger;
	sessionIdleMinutes: number;
	sessionAbsoluteHours: number;
	loginMaxPerIp: number;
	loginMaxPerAccount: number;
	loginWindowSeconds: number;
	signUpsPerIpPerHour: number;
	/** Where the sign-in and sign-up limits are counted (`Scale['limiter']`); in memory without it. */
	limiter?: LoginLimitOptions['limiter'];
}

export function createAccountsService(options: AccountsOptions) {
	const { db } = options;
	const log = options.logger.child({ ns: 'accounts' });
	const events = new EventEmitter<AccountEvents>();
	const rules: AccountRules[] = [];
	const policy: SessionPolicy = {
		idleMs: options.sessionIdleMinutes * 60_000,
		absoluteMs: options.sessionAbsoluteHours * 3_600_000
	};
	const limiter = createLoginLimiter({
		maxPerIp: options.loginMaxPerIp,
		maxPerAccount: options.loginMaxPerAccount,
		windowSeconds: options.loginWindowSeconds,
		signUpsPerIpPerHour: options.signUpsPerIpPerHour,
		limiter: options.limiter
	});

	async function loadMe(userId: string): Promise<Me | null> {
		const rows = await db
			.select()
			.from(users)
			.innerJoin(profiles, eq(profiles.userId, users.id))
			.where(eq(users.id, userId))
			.limit(1);
		const row = rows[0];
		return row ? toMe(row.users, row.profiles) : null;
	}

	async function startSession(userId: string, userAgent: string | undefined) {
		const token = newToken();
		const now = new Date();
		const expiresAt = new Date(now.getTime() + policy.absoluteMs);
		await db.insert(sessions).values({
			id: hashToken(token),
			userId,
			createdAt: now,
			lastSeenAt: now,
			expiresAt,
			userAgent: userAgent?.slice(0, 200)
		});
		return { token, expiresAt };
	}

	async function endAllSessions(userId: string, reason: 'suspended' | 'signed_out' | 'password_changed', exceptSessionId?: string) {
		await db
			.delete(sessions)
			.where(exceptSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, exceptSessionId)) : eq(sessions.userId, userId));
		events.emit('user:sessions-ended', { userId, reason, exceptSessionId });
	}

	async function listUsers(where?: SQL): Promise<UserSummary[]> {
		const rows = await db
			.select({
				id: users.id,
				email: users.email,
				role: users.role,
				status: users.status,
				createdAt: users.createdAt,
				displayName: profiles.displayName,
				country: profiles.country
			})
			.from(users)
			.innerJoin(profiles, eq(profiles.userId, users.id))
			.where(where)
			.orderBy(asc(users.createdAt));
		return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
	}

	async function checkDisplayName(name: string): Promise<void> {
		for (const r of rules) await r.checkDisplayName?.(name);
	}

	const service = {
		events,
		sessionPolicy: policy,

		/** Adds rules (see AccountRules); they apply from then on, in the order added. */
		use(more: AccountRules): void {
			rules.push(more);
		},

		/**
		 * Creates the account and its profile in one transaction; the very first account becomes admin. Use
		 * `safeguarding.signUp`, which adds the consent rules through `status` and `inTransaction`.
		 */
		async signUp(
			input: SignUpInput,
			{ ip, status = 'active', inTransaction }: { ip: string; status?: 'active' | 'pending_consent'; inTransaction?: (tx: Tx, userId: string) => Promise<void> }
		): Promise<Me> {
			await limiter.beforeSignUp({ ip });
			await checkDisplayName(input.displayName);
			const passwordHash = await hashPassword(input.password);
			let userId: string;
			try {
				userId = await db.transaction(async (tx) => {
					// Serialise sign-ups just long enough that two first sign-ups cannot both become admin.
					await tx.execute(sql`select pg_advisory_xact_lock(${SIGN_UP_LOCK})`);
					const [{ n }] = (await tx.select({ n: count() }).from(users)) as [{ n: number }];
					const [user] = await tx
						.insert(users)
						.values({ email: input.email, passwordHash, role: n === 0 ? 'admin' : input.role, status })
						.returning({ id: users.id });
					await tx.insert(profiles).values({
						userId: user!.id,
						displayName: input.displayName,
						country: input.country,
						timezone: input.timezone,
						readingLanguage: input.readingLanguage,
						uiLanguage: input.uiLanguage ?? null,
						languages: input.languages ?? [{ tag: input.readingLanguage, level: 'native' }],
						passions: input.passions ?? [],
						bio: input.bio ?? '',
						birthDate: input.birthDate,
						gender: input.gender || null
					});
					await inTransaction?.(tx, user!.id);
					return user!.id;
				});
			} catch (e) {
				if (isUniqueViolation(e)) throw new AppError(409, 'email_taken', { fields: { email: 'email_taken' } });
				throw e;
			}
			log.info({ userId }, 'account created');
			return (await loadMe(userId))!;
		},

		/** Checks the password (Argon2id) and opens a session; the same answer for unknown email and wrong password. */
		async signIn({ email, password, ip, userAgent }: { email: string; password: string; ip: string; userAgent?: string }) {
			await limiter.beforeAttempt({ ip, account: email });
			const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
			if (!user) {
				await verifyAgainstDummy(password);
				throw new AppError(401, 'bad_credentials');
			}
			if (!(await verifyPassword(user.passwordHash, password))) {
				log.info({ userId: user.id }, 'sign-in failed');
				throw new AppError(401, 'bad_credentials');
			}
			await limiter.onSuccess({ ip, account: email });
			if (user.status === 'suspended') throw new AppError(403, 'account_suspended');
			const { token, expiresAt } = await startSession(user.id, userAgent);
			log.info({ userId: user.id }, 'signed in');
			return { token, expiresAt, user: (await loadMe(user.id))! };
		},

		/** Resolves a bearer token or cookie value to its live session, applying idle and absolute expiry. */
		async authenticate(token: string | undefined | null): Promise<CurrentSession | null> {
			if (!isWellFormedToken(token)) return null;
			const id = hashToken(token);
			const [row] = await db.select().from(sessions).where(eq(sessions.id, id)).limit(1);
			if (!row) return null;
			const now = new Date();
			if (sessionState(row, policy, now) !== 'valid') {
				await db.delete(sessions).where(eq(sessions.id, id));
				events.emit('session:ended', { sessionId: id, reason: 'expired' });
				return null;
			}
			const me = await loadMe(row.userId);
			// A pending account signs in (to see where it stands); the spaces refuse it until a guardian confirms.
			if (!me || me.status === 'suspended') return null;
			if (shouldTouch(row, now, policy)) await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id));
			return { id, user: me, expiresAt: row.expiresAt };
		},

		/** Whether a session (by its stored id) is still live and its account active, without touching it. */
		async isSessionLive(sessionId: string): Promise<boolean> {
			return (await service.liveSessionRole(sessionId)) !== null;
		},

		/** The account role behind a session still live with its account active (as `isSessionLive`), else null. */
		async liveSessionRole(sessionId: string): Promise<Role | null> {
			const [row] = await db
				.select({ session: sessions, status: users.status, role: users.role })
				.from(sessions)
				.innerJoin(users, eq(users.id, sessions.userId))
				.where(eq(sessions.id, sessionId))
				.limit(1);
			return row && row.status !== 'suspended' && sessionState(row.session, policy, new Date()) === 'valid' ? row.role : null;
		},

		/** Marks a live session as in use (socket events count as activity); never revives an expired one. */
		async touchSession(sessionId: string): Promise<void> {
			const now = new Date();
			const idleBefore = new Date(now.getTime() - policy.idleMs);
			await db
				.update(sessions)
				.set({ lastSeenAt: now })
				.where(and(eq(sessions.id, sessionId), gt(sessions.lastSeenAt, idleBefore), gt(sessions.expiresAt, now)));
		},

		async signOut(sessionId: string): Promise<void> {
			await db.delete(sessions).where(eq(sessions.id, sessionId));
			events.emit('session:ended', { sessionId, reason: 'signed_out' });
		},

		async signOutEverywhere(userId: string): Promise<void> {
			await endAllSessions(userId, 'signed_out');
			log.info({ userId }, 'signed out everywhere');
		},

		/** Other sessions end; the one making the change stays signed in. */
		async changePassword({ userId, sessionId, currentPassword, newPassword }: { userId: string; sessionId: string; currentPassword: string; newPassword: string }) {
			const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
			if (!user) throw notFound();
			await limiter.beforePasswordCheck({ account: user.email });
			if (!(await verifyPassword(user.passwordHash, currentPassword))) {
				throw new AppError(400, 'wrong_password', { fields: { currentPassword: 'wrong_password' } });
			}
			await limiter.afterPasswordCheckSucceeded({ account: user.email });
			await db.update(users).set({ passwordHash: await hashPassword(newPassword), updatedAt: new Date() }).where(eq(users.id, userId));
			await endAllSessions(userId, 'password_changed', sessionId);
			log.info({ userId }, 'password changed');
		},

		/** Confirms a person's own password before something irreversible (account deletion); counts towards the login limits. */
		async verifyOwnPassword({ userId, password }: { userId: string; password: string }): Promise<void> {
			const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
			if (!user) throw notFound();
			await limiter.beforePasswordCheck({ account: user.email });
			if (!(await verifyPassword(user.passwordHash, password))) throw new AppError(400, 'wrong_password', { fields: { password: 'wrong_password' } });
			await limiter.afterPasswordCheckSucceeded({ account: user.email });
		},

		getMe: loadMe,

		async updateProfile(userId: string, patch: ProfileUpdate): Promise<Me> {
			if (patch.displayName !== undefined) await checkDisplayName(patch.displayName);
			const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
			if (Object.keys(values).length > 0) {
				await db.update(profiles).set({ ...values, updatedAt: new Date() }).where(eq(profiles.userId, userId));
			}
			return (await loadMe(userId))!;
		},

		listUsers: () => listUsers(),

		/** Active moderators and admins, by name: the people who can be named a space's supervisor. */
		async listStaff(): Promise<StaffMember[]> {
			const rows = await db
				.select({ id: users.id, role: users.role, displayName: profiles.displayName, country: profiles.country })
				.from(users)
				.innerJoin(profiles, eq(profiles.userId, users.id))
				.where(and(inArray(users.role, ['moderator', 'admin']), eq(users.status, 'active'), isNull(users.deletedAt)))
				.orderBy(asc(profiles.displayName));
			return rows.map((r) => ({ ...r, role: r.role as StaffMember['role'] }));
		},

		/**
		 * An admin changes someone's role and/or suspension in one transaction: both apply or neither does.
		 * Suspension ends every session and, through `events`, every open socket of that account at once.
		 * Admin changes are serialised (one advisory lock) so two admins cannot demote each other to zero.
		 */
		async updateUser({ actorId, userId, role, suspended, reason }: { actorId: string; userId: string; role?: Role; suspended?: boolean; reason?: string }): Promise<UserSummary> {
			if (suspended && actorId === userId) throw new AppError(400, 'invalid_value');
			const { before, status } = await db.transaction(async (tx) => {
				await tx.execute(sql`select pg_advisory_xact_lock(${ADMIN_CHANGES_LOCK})`);
				const [target] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
				if (!target) throw notFound();
				// What is left of a deleted account is kept only as a record: reactivating it would revive nobody.
				if (target.deletedAt) throw new AppError(409, 'account_deleted');
				const losesAdmin = target.role === 'admin' && ((role !== undefined && role !== 'admin') || suspended === true);
				if (losesAdmin) await assertAnotherAdmin(tx, userId);
				const now = new Date();
				let status = target.status;
				if (role !== undefined && role !== target.role) {
					await tx.update(users).set({ role, updatedAt: now }).where(eq(users.id, userId));
					await tx.insert(auditLog).values({ actorId, action: 'user.role', targetType: 'user', targetId: userId, detail: `${target.role}→${role}` });
				}
				if (suspended !== undefined && suspended !== (target.status === 'suspended')) {
					// Lifting a suspension must not stand in for a guardian's consent that never came.
					status = suspended ? 'suspended' : (await awaitsGuardian(tx, userId)) ? 'pending_consent' : 'active';
					await tx
						.update(users)
						.set({ status, suspendedAt: suspended ? now : null, updatedAt: now })
						.where(eq(users.id, userId));
					await tx.insert(auditLog).values({
						actorId,
						action: suspended ? 'user.suspend' : 'user.unsuspend',
						targetType: 'user',
						targetId: userId,
						detail: reason ? JSON.stringify({ reason }) : null
					});
				}
				return { before: target, status };
			});
			if (suspended && before.status !== 'suspended') await endAllSessions(userId, 'suspended');
			if (role !== undefined && role !== before.role) events.emit('user:role-changed', { userId, from: before.role, to: role });
			if (status !== before.status) events.emit('user:status-changed', { userId, from: before.status, to: status });
			log.info({ actorId, userId, role, suspended }, 'account changed by admin');
			return (await listUsers(eq(users.id, userId)))[0]!;
		},

		setRole({ actorId, userId, role }: { actorId: string; userId: string; role: Role }): Promise<UserSummary> {
			return service.updateUser({ actorId, userId, role });
		},

		setSuspended({ actorId, userId, suspended }: { actorId: string; userId: string; suspended: boolean }): Promise<UserSummary> {
			return service.updateUser({ actorId, userId, suspended });
		},

		/** Removes expired sessions and closes their live connections; run every minute. */
		async purgeExpiredSessions(now = new Date()): Promise<number> {
			const idleBefore = new Date(now.getTime() - policy.idleMs);
			const removed = await db
				.delete(sessions)
				.where(or(lte(sessions.expiresAt, now), lte(sessions.lastSeenAt, idleBefore)))
				.returning({ id: sessions.id });
			for (const { id } of removed) events.emit('session:ended', { sessionId: id, reason: 'expired' });
			return removed.length;
		},

		startSession
	};
	return service;
}

export type AccountsService = ReturnType<typeof createAccountsService>;

async function assertAnotherAdmin(tx: Pick<Db, 'select'>, exceptUserId: string) {
	const [{ n }] = (await tx
		.select({ n: count() })
		.from(users)
		.where(and(eq(users.role, 'admin'), eq(users.status, 'active'), ne(users.id, exceptUserId)))) as [{ n: number }];
	if (n === 0) throw new AppError(409, 'last_admin');
}

/** Asked a guardian for consent at least once, and no guardian ever confirmed: the account still waits for one. */
async function awaitsGuardian(tx: Pick<Db, 'select'>, userId: string): Promise<boolean> {
	const rows = await tx.select({ confirmedAt: guardianConsents.confirmedAt }).from(guardianConsents).where(eq(guardianConsents.userId, userId));
	return rows.length > 0 && rows.every((r) => r.confirmedAt === null);
}

function toMe(u: typeof users.$inferSelect, p: typeof profiles.$inferSelect): Me {
	return {
		id: u.id,
		email: u.email,
		role: u.role,
		status: u.status,
		createdAt: u.createdAt.toISOString(),
		profile: {
			displayName: p.displayName,
			country: p.country,
			timezone: p.timezone,
			languages: p.languages,
			readingLanguage: p.readingLanguage,
			uiLanguage: p.uiLanguage,
			passions: p.passions,
			bio: p.bio,
			birthDate: p.birthDate,
			gender: p.gender
		}
	};
}
