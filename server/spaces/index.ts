import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { and, asc, count, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { auditLog, profiles, spaceInvites, spaceMembers, spaces, users } from '../db/schema';
import { AppError, forbidden, notFound } from '../errors';
import type { Logger } from '../logger';
import { hashToken } from '../accounts/session-policy';
import { canInvite, hasRoomFor, inviteState, type SpaceKind, type SpaceRole } from './permissions';

export type { SpaceKind, SpaceRole };

export interface SpaceMember {
	userId: string;
	displayName: string;
	country: string;
	role: SpaceRole;
	joinedAt: string;
}

export interface Space {
	id: string;
	title: string;
	kind: SpaceKind;
	createdAt: string;
	archived: boolean;
	/** The caller's role in this space. */
	myRole: SpaceRole;
	members: SpaceMember[];
}

export interface SpaceSummary {
	id: string;
	title: string;
	kind: SpaceKind;
	myRole: SpaceRole;
	memberCount: number;
	createdAt: string;
}

export interface Invite {
	code: string;
	url: string;
	expiresAt: string;
	role: 'member' | 'observer';
	maxUses: number | null;
}

export interface SpaceEvents {
	'member:left': [{ spaceId: string; userId: string }];
	/** Someone became a member (created the space, was named its supervisor, or accepted an invite). */
	'member:joined': [{ spaceId: string; userId: string }];
}

/** A transaction handle, as the rules below receive it. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Rules another capability (safeguarding) adds to spaces, as optional async hooks. A hook that throws an
 * AppError vetoes; the `tx` hooks run inside the transaction that makes the change, with the space row locked.
 */
export interface SpaceRules {
	/** Throws when `userId` may take part in no space at the moment (consent pending or withdrawn). */
	assertParticipant?(userId: string): Promise<void>;
	/** Whether `userId` may take part in spaces now; `roleOf` answers null for someone who may not. */
	canParticipate?(userId: string): Promise<boolean>;
	/** Before a space is created with this title (outside any transaction: it may take a while). */
	checkTitle?(ctx: { spaceId: string; userId: string; title: string }): Promise<void>;
	/** After the space, its owner and any named supervisor are inserted. */
	afterCreate?(ctx: { tx: Tx; spaceId: string; userId: string }): Promise<void>;
	/** Before `userId` joins through an invite. */
	beforeJoin?(ctx: { tx: Tx; spaceId: string; userId: string; role: SpaceRole }): Promise<void>;
	/** Before `userId` (whose role is `role`) leaves or is removed. */
	beforeLeave?(ctx: { tx: Tx; spaceId: string; userId: string; role: SpaceRole }): Promise<void>;
}

export interface SpacesOptions {
	db: Db;
	logger: Logger;
	inviteDefaultHours: number;
}

export function createSpacesService({ db, logger, inviteDefaultHours }: SpacesOptions) {
	const log = logger.child({ ns: 'spaces' });
	const events = new EventEmitter<SpaceEvents>();
	const rules: SpaceRules[] = [];

	async function assertParticipant(userId: string): Promise<void> {
		for (const r of rules) await r.assertParticipant?.(userId);
	}

	// Asked for every member of every space a connection joins, and again as the caches of chat and documents expire:
	// built once and prepared on the server, not composed and parsed on every call.
	const roleQuery = db
		.select({ role: spaceMembers.role, accountRole: users.role })
		.from(spaceMembers)
		.innerJoin(users, eq(users.id, spaceMembers.userId))
		.where(and(eq(spaceMembers.spaceId, sql.placeholder('spaceId')), eq(spaceMembers.userId, sql.placeholder('userId'))))
		.limit(1)
		.prepare('space_role_of');

	async function roleOf(spaceId: string, userId: string): Promise<SpaceRole | null> {
		for (const r of rules) if (r.canParticipate && !(await r.canParticipate(userId))) return null;
		const [row] = await roleQuery.execute({ spaceId, userId });
		// Supervising is a staff duty: someone no longer a moderator or admin keeps no part in the spaces they supervised.
		if (row?.role === 'supervisor' && row.accountRole !== 'moderator' && row.accountRole !== 'admin') return null;
		return row?.role ?? null;
	}

	async function members(spaceId: string): Promise<SpaceMember[]> {
		const rows = await db
			.select({
				userId: spaceMembers.userId,
				role: spaceMembers.role,
				joinedAt: spaceMembers.joinedAt,
				displayName: profiles.displayName,
				country: profiles.country
			})
			.from(spaceMembers)
			.innerJoin(profiles, eq(profiles.userId, spaceMembers.userId))
			.where(eq(spaceMembers.spaceId, spaceId))
			.orderBy(asc(spaceMembers.joinedAt));
		return rows.map((r) => ({ ...r, joinedAt: r.joinedAt.toISOString() }));
	}

	/** The space as `userId` sees it; anyone who is not a member gets not_found, never forbidden. */
	async function get({ spaceId, userId }: { spaceId: string; userId: string }): Promise<Space> {
		const [space] = await db.select().from(spaces).where(eq(spaces.id, spaceId)).limit(1);
		const myRole = space ? await roleOf(spaceId, userId) : null;
		if (!space || !myRole) throw notFound();
		return {
			id: space.id,
			title: space.title,
			kind: space.kind,
			createdAt: space.createdAt.toISOString(),
			archived: space.archivedAt !== null,
			myRole,
			members: await members(spaceId)
		};
	}

	/** Takes someone out of a space. An owner who leaves hands the space to a member; a space with no participant left is archived, so nothing anyone wrote is dropped. */
	async function removeMember({ spaceId, userId, audit }: { spaceId: string; userId: string; audit?: { actorId: string; reason?: string } }): Promise<void> {
		await db.transaction(async (tx) => {
			// Lock the space first, as acceptInvite does, so concurrent leaves and joins see each other.
			const [space] = await tx.select({ id: spaces.id }).from(spaces).where(eq(spaces.id, spaceId)).for('update');
			if (!space) throw notFound();
			const [me] = await tx
				.select()
				.from(spaceMembers)
				.where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId)))
				.for('update');
			if (!me) throw notFound();
			for (const r of rules) await r.beforeLeave?.({ tx, spaceId, userId, role: me.role });
			await tx.delete(spaceMembers).where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId)));
			const rest = await tx
				.select()
				.from(spaceMembers)
				.where(and(eq(spaceMembers.spaceId, spaceId), ne(spaceMembers.userId, userId)))
				.orderBy(asc(spaceMembers.joinedAt));
			if (me.role === 'owner') {
				const heir = rest.find((m) => m.role === 'member');
				if (heir) {
					await tx.update(spaceMembers).set({ role: 'owner' }).where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, heir.userId)));
				}
			}
			if (!rest.some((m) => m.role === 'owner' || m.role === 'member')) {
				await tx.update(spaces).set({ archivedAt: new Date() }).where(eq(spaces.id, spaceId));
			}
			if (audit) {
				await tx.insert(auditLog).values({ actorId: audit.actorId, action: 'space.remove_member', targetType: 'user', targetId: userId, detail: audit.reason ? JSON.stringify({ spaceId, reason: audit.reason }) : spaceId });
			}
		});
	}

	return {
		events,
		roleOf,

		/** Adds rules (see SpaceRules); they apply from then on, in the order added. */
		use(more: SpaceRules): void {
			rules.push(more);
		},

		/** The space as `userId` sees it; anyone who is not a member gets not_found, never forbidden. */
		async get({ spaceId, userId }: { spaceId: string; userId: string }): Promise<Space> {
			await assertParticipant(userId);
			return get({ spaceId, userId });
		},

		/**
		 * Creates a space owned by `userId`. `supervisorId` names a moderator or admin who joins it as its
		 * supervisor (a minor's space needs one, when the policy says so). The rules' `checkTitle` may refuse the title.
		 */
		async create({ userId, title, kind, supervisorId }: { userId: string; title: string; kind: SpaceKind; supervisorId?: string }): Promise<Space> {
			await assertParticipant(userId);
			// The id is chosen here so that the title's check can name the space it is for.
			const spaceId = randomUUID();
			for (const r of rules) await r.checkTitle?.({ spaceId, userId, title });
			const id = await db.transaction(async (tx) => {
				const [space] = await tx.insert(spaces).values({ id: spaceId, title, kind, createdBy: userId }).returning({ id: spaces.id });
				await tx.insert(spaceMembers).values({ spaceId: space!.id, userId, role: 'owner' });
				if (supervisorId !== undefined) {
					const [supervisor] = await tx.select({ role: users.role, status: users.status }).from(users).where(eq(users.id, supervisorId)).limit(1);
					const eligible = supervisor && supervisor.status === 'active' && (supervisor.role === 'moderator' || supervisor.role === 'admin');
					if (!eligible || supervisorId === userId) throw new AppError(400, 'invalid_input', { fields: { supervisorId: 'supervisor_invalid' } });
					await tx.insert(spaceMembers).values({ spaceId: space!.id, userId: supervisorId, role: 'supervisor' });
				}
				for (const r of rules) await r.afterCreate?.({ tx, spaceId: space!.id, userId });
				return space!.id;
			});
			log.info({ spaceId: id, userId, kind, supervised: supervisorId !== undefined }, 'space created');
			events.emit('member:joined', { spaceId: id, userId });
			if (supervisorId !== undefined) events.emit('member:joined', { spaceId: id, userId: supervisorId });
			return get({ spaceId: id, userId });
		},

		/**
		 * Inside the caller's transaction: a pair space with `ownerId` as its owner, `memberId` as its member and, when
		 * given, `supervisorId` as its supervisor. For matching, which creates the space when a mentorship becomes active
		 * and has checked both people (and the supervisor) itself; the title is made of names already vetted. No rules
		 * run here: a minor's pair space without a supervisor (no moderator available) is still created, and the
		 * safeguarding rules keep everyone from writing in it until a supervisor joins. Call `announce()` after commit.
		 */
		async createPairIn(tx: Tx, { title, ownerId, memberId, supervisorId }: { title: string; ownerId: string; memberId: string; supervisorId?: string }): Promise<{ spaceId: string; announce(): void }> {
			const [space] = await tx.insert(spaces).values({ title, kind: 'pair', createdBy: ownerId }).returning({ id: spaces.id });
			const spaceId = space!.id;
			await tx.insert(spaceMembers).values([
				{ spaceId, userId: ownerId, role: 'owner' as const },
				{ spaceId, userId: memberId, role: 'member' as const },
				...(supervisorId ? [{ spaceId, userId: supervisorId, role: 'supervisor' as const }] : [])
			]);
			return {
				spaceId,
				announce() {
					log.info({ spaceId, kind: 'pair', supervised: supervisorId !== undefined }, 'pair space created');
					for (const userId of [ownerId, memberId, ...(supervisorId ? [supervisorId] : [])]) events.emit('member:joined', { spaceId, userId });
				}
			};
		},

		async listForUser(userId: string): Promise<SpaceSummary[]> {
			await assertParticipant(userId);
			const mine = await db
				.select({ id: spaces.id, title: spaces.title, kind: spaces.kind, createdAt: spaces.createdAt, myRole: spaceMembers.role })
				.from(spaceMembers)
				.innerJoin(spaces, eq(spaces.id, spaceMembers.spaceId))
				.where(and(eq(spaceMembers.userId, userId), isNull(spaces.archivedAt)))
				.orderBy(desc(spaces.createdAt));
			if (mine.length === 0) return [];
			const counts = await db
				.select({ spaceId: spaceMembers.spaceId, n: count() })
				.from(spaceMembers)
				.where(inArray(spaceMembers.spaceId, mine.map((s) => s.id)))
				.groupBy(spaceMembers.spaceId);
			const byId = new Map(counts.map((c) => [c.spaceId, Number(c.n)]));
			return mine.map((s) => ({ ...s, createdAt: s.createdAt.toISOString(), memberCount: byId.get(s.id) ?? 1 }));
		},

		/** Creates an invite link. The code is returned once; only its hash is stored. */
		async createInvite({
			spaceId,
			userId,
			role,
			maxUses,
			expiresInHours,
			baseUrl
		}: {
			spaceId: string;
			userId: string;
			role: 'member' | 'observer';
			maxUses: number | null;
			expiresInHours?: number;
			baseUrl: string;
		}): Promise<Invite> {
			const myRole = await roleOf(spaceId, userId);
			if (!myRole) throw notFound();
			if (!canInvite(myRole, role)) throw forbidden();
			const code = randomBytes(24).toString('base64url');
			const expiresAt = new Date(Date.now() + (expiresInHours ?? inviteDefaultHours) * 3_600_000);
			await db.insert(spaceInvites).values({ spaceId, codeHash: hashToken(code), role, maxUses, expiresAt, createdBy: userId });
			log.info({ spaceId, userId, role, maxUses }, 'invite created');
			return { code, url: new URL(`/invite/${code}`, baseUrl).href, expiresAt: expiresAt.toISOString(), role, maxUses };
		},

		/** What the invite page shows before someone accepts; the title only while the link still works. */
		async previewInvite(code: string): Promise<{ spaceTitle: string | null; kind: SpaceKind; state: ReturnType<typeof inviteState> }> {
			const [row] = await db
				.select({ invite: spaceInvites, title: spaces.title, kind: spaces.kind, archivedAt: spaces.archivedAt })
				.from(spaceInvites)
				.innerJoin(spaces, eq(spaces.id, spaceInvites.spaceId))
				.where(eq(spaceInvites.codeHash, hashToken(code)))
				.limit(1);
			if (!row) throw notFound();
			const state = row.archivedAt ? 'revoked' : inviteState(row.invite, new Date());
			return { spaceTitle: state === 'valid' ? row.title : null, kind: row.kind, state };
		},

		/** Joins the space; idempotent for someone already in it. Counting a use and joining happen together. */
		async acceptInvite({ code, userId }: { code: string; userId: string }): Promise<Space> {
			await assertParticipant(userId);
			let joined = false;
			const spaceId = await db.transaction(async (tx) => {
				const [invite] = await tx.select().from(spaceInvites).where(eq(spaceInvites.codeHash, hashToken(code))).for('update');
				if (!invite) throw notFound();
				const [existing] = await tx
					.select({ role: spaceMembers.role })
					.from(spaceMembers)
					.where(and(eq(spaceMembers.spaceId, invite.spaceId), eq(spaceMembers.userId, userId)));
				if (existing) return invite.spaceId;
				const state = inviteState(invite, new Date());
				if (state === 'expired' || state === 'revoked') throw new AppError(410, 'invite_expired');
				if (state === 'used_up') throw new AppError(410, 'invite_used_up');
				const [space] = await tx.select().from(spaces).where(eq(spaces.id, invite.spaceId)).for('update');
				if (!space || space.archivedAt) throw new AppError(410, 'invite_expired');
				const [{ n }] = (await tx
					.select({ n: count() })
					.from(spaceMembers)
					.where(and(eq(spaceMembers.spaceId, space.id), inArray(spaceMembers.role, ['owner', 'member'])))) as [{ n: number }];
				if (!hasRoomFor({ kind: space.kind, participants: Number(n), joiningRole: invite.role })) throw new AppError(409, 'space_full');
				for (const r of rules) await r.beforeJoin?.({ tx, spaceId: space.id, userId, role: invite.role });
				await tx.insert(spaceMembers).values({ spaceId: space.id, userId, role: invite.role });
				await tx.update(spaceInvites).set({ uses: sql`${spaceInvites.uses} + 1` }).where(eq(spaceInvites.id, invite.id));
				joined = true;
				return space.id;
			});
			if (joined) events.emit('member:joined', { spaceId, userId });
			log.info({ spaceId, userId }, 'joined space');
			return get({ spaceId, userId });
		},

		/**
		 * Leaves a space. An owner hands ownership to the longest-standing member first; the last person to
		 * leave archives the space, so nothing anyone wrote is dropped.
		 */
		async leave({ spaceId, userId }: { spaceId: string; userId: string }): Promise<void> {
			await removeMember({ spaceId, userId });
			events.emit('member:left', { spaceId, userId });
			log.info({ spaceId, userId }, 'left space');
		},

		/**
		 * The owner or a supervisor removes someone (not the owner) from the space, whatever the state of their
		 * account (suspended, consent withdrawn). Their live connections to the space close at once; what they wrote stays. Recorded in the audit log. `moderator`: a moderator or admin
		 * acting through the moderation tools (the caller checked their role), who may remove anyone, the owner too.
		 */
		async removeMember({ spaceId, userId, by, moderator = false, reason }: { spaceId: string; userId: string; by: string; moderator?: boolean; reason?: string }): Promise<void> {
			if (!moderator) {
				const byRole = await roleOf(spaceId, by);
				if (!byRole) throw notFound();
				if (byRole !== 'owner' && byRole !== 'supervisor') throw forbidden();
			}
			if (userId === by) throw new AppError(400, 'invalid_input');
			// The membership row itself, not roleOf: someone suspended, or who withdrew their consent, takes part in
			// nothing now (roleOf answers null) and must still be removable.
			const [row] = await db
				.select({ role: spaceMembers.role })
				.from(spaceMembers)
				.where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId)))
				.limit(1);
			const target = row?.role;
			if (!target) throw notFound();
			if (target === 'owner' && !moderator) throw forbidden();
			await removeMember({ spaceId, userId, audit: { actorId: by, reason } });
			events.emit('member:left', { spaceId, userId });
			log.info({ spaceId, userId, by }, 'member removed');
		}
	};
}

export type SpacesService = ReturnType<typeof createSpacesService>;
