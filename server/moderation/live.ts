import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db';
import { spaceMembers, spaces } from '../db/schema';
import { AppError, notFound } from '../errors';
import type { Logger } from '../logger';
import type { SpacesService } from '../spaces';
import type { Audit } from './audit';
import { isStaff, type Actor } from './actions';

/** Who is connected to which space right now: space id → user ids. Realtime answers this from the Socket.IO adapter. */
export type Occupancy = () => Promise<Map<string, Set<string>>>;

/** A space someone is connected to right now, as the moderator console shows it. */
export interface LiveSpace {
	id: string;
	title: string;
	kind: string;
	lockedAt: string | null;
	/** People connected right now (any role). */
	connected: number;
	/** Members who take part (owner, member), and how many of them are connected. */
	participants: number;
	participantsConnected: number;
	/** Members who are minors under the program's policy. */
	minors: number;
	/** Supervisors of the space, and whether one of them is connected now. */
	supervisors: number;
	supervisorPresent: boolean;
	/** The asking moderator's own role in the space, if they are in it. */
	myRole: string | null;
}

export interface LiveOptions {
	db: Db;
	logger: Logger;
	spaces: SpacesService;
	audit: Audit;
	/** Who in a space is a minor (the safeguarding service answers this). */
	minorsIn: (spaceId: string) => Promise<string[]>;
}

/**
 * The live view of the moderator console: spaces with someone connected now, with counts, minors and supervisor
 * presence, and a moderator joining any space as its supervisor. Connections come from realtime once it attaches.
 */
export function createLiveView({ db, logger, spaces: spacesService, audit, minorsIn }: LiveOptions) {
	const log = logger.child({ ns: 'moderation.live' });
	let occupancy: Occupancy = async () => new Map();

	function requireStaff(actor: Actor): void {
		if (!isStaff(actor.role)) throw new AppError(403, 'forbidden');
	}

	return {
		/** Realtime tells where connections come from; returns a function that detaches it. */
		attach(source: Occupancy): () => void {
			occupancy = source;
			return () => {
				if (occupancy === source) occupancy = async () => new Map();
			};
		},

		/** Spaces with at least one live connection, most connected first (staff only). */
		async list({ actor }: { actor: Actor }): Promise<LiveSpace[]> {
			requireStaff(actor);
			const connected = await occupancy();
			const ids = [...connected.keys()];
			if (ids.length === 0) return [];
			const rows = await db
				.select({ id: spaces.id, title: spaces.title, kind: spaces.kind, lockedAt: spaces.lockedAt })
				.from(spaces)
				.where(and(inArray(spaces.id, ids), isNull(spaces.archivedAt)));
			const members = await db
				.select({ spaceId: spaceMembers.spaceId, userId: spaceMembers.userId, role: spaceMembers.role })
				.from(spaceMembers)
				.where(inArray(spaceMembers.spaceId, ids));
			const minors = new Map(await Promise.all(rows.map(async (s) => [s.id, (await minorsIn(s.id)).length] as const)));
			return rows
				.map((s) => {
					const here = connected.get(s.id) ?? new Set<string>();
					const of = members.filter((mb) => mb.spaceId === s.id);
					const participants = of.filter((mb) => mb.role === 'owner' || mb.role === 'member');
					const supervisors = of.filter((mb) => mb.role === 'supervisor');
					return {
						id: s.id,
						title: s.title,
						kind: s.kind,
						lockedAt: s.lockedAt?.toISOString() ?? null,
						connected: here.size,
						participants: participants.length,
						participantsConnected: participants.filter((mb) => here.has(mb.userId)).length,
						minors: minors.get(s.id) ?? 0,
						supervisors: supervisors.length,
						supervisorPresent: supervisors.some((mb) => here.has(mb.userId)),
						myRole: of.find((mb) => mb.userId === actor.id)?.role ?? null
					};
				})
				.sort((a, b) => b.connected - a.connected || a.title.localeCompare(b.title));
		},

		/**
		 * A moderator or admin joins a space as its supervisor (participants then see that a moderator is present).
		 * Someone already in the space keeps their role. Recorded in the audit log.
		 */
		async supervise({ actor, spaceId }: { actor: Actor; spaceId: string }): Promise<{ spaceId: string; role: string; joined: boolean }> {
			requireStaff(actor);
			const result = await db.transaction(async (tx) => {
				// Locked as joining through an invite locks it, so a concurrent leave or join sees this one.
				const [space] = await tx.select({ id: spaces.id, archivedAt: spaces.archivedAt }).from(spaces).where(eq(spaces.id, spaceId)).for('update');
				if (!space || space.archivedAt) throw notFound();
				const [existing] = await tx
					.select({ role: spaceMembers.role })
					.from(spaceMembers)
					.where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, actor.id)));
				if (existing) return { role: existing.role as string, joined: false };
				await tx.insert(spaceMembers).values({ spaceId, userId: actor.id, role: 'supervisor' });
				await audit.record({ actorId: actor.id, action: 'space.supervise', targetType: 'space', targetId: spaceId }, tx);
				return { role: 'supervisor', joined: true };
			});
			if (result.joined) {
				spacesService.events.emit('member:joined', { spaceId, userId: actor.id });
				log.info({ actorId: actor.id, spaceId }, 'moderator joined a space as supervisor');
			}
			return { spaceId, ...result };
		}
	};
}

export type LiveView = ReturnType<typeof createLiveView>;

/** Socket rooms of a space (not its per-language rooms): `space:<id>`. */
export function spaceOfRoom(room: string): string | null {
	if (!room.startsWith('space:') || room.includes(':lang:')) return null;
	return room.slice('space:'.length);
}
