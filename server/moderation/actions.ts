import { EventEmitter } from 'node:events';
import { and, eq, gt, isNotNull, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { AccountsService, Role } from '../accounts';
import { toChatMessage } from '../chat/store';
import type { ChatService } from '../chat';
import type { Db } from '../db';
import { chatMessages, profiles, spaceMembers, spaceMutes, spaces, users } from '../db/schema';
import type { Relay } from '../docs/relay';
import { AppError, forbidden, notFound } from '../errors';
import type { Logger } from '../logger';
import type { SpacesService } from '../spaces';
import { canWrite } from '../spaces/permissions';
import { cleanText } from '../text';
import type { Audit } from './audit';
import type { ReportsService } from './reports';
import { setSpaceLockIn } from './lock';
import type { Restrictions } from './restrictions';

/** Who is acting: their id and account role. */
export interface Actor {
	id: string;
	role: Role;
}

/** Longest timed mute; anything longer is "until lifted". */
export const MUTE_MAX_SECONDS = 90 * 24 * 3600;
/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const reason = cleanText({ max: 500, code: 'details_too_long', multiline: true }).optional();
export const reasonInput = z.object({ reason }).strict();
export const muteInput = z
	.object({
		/** Seconds from now; null or absent: until a moderator lifts it. */
		durationSeconds: z.number({ error: 'invalid_value' }).int({ error: 'invalid_value' }).min(1, { error: 'invalid_value' }).max(MUTE_MAX_SECONDS, { error: 'invalid_value' }).nullable().optional(),
		reason
	})
	.strict();
export const closeReportInput = z
	.object({
		status: z.enum(['resolved', 'dismissed'], { error: 'invalid_value' }),
		resolution: cleanText({ max: 2000, code: 'details_too_long', multiline: true }).optional(),
		liftPause: z.boolean({ error: 'invalid_value' }).optional()
	})
	.strict();

export interface ModerationActionEvents {
	/** A moderator ended the live session of a space: every connection to it closes. */
	'space:session-ended': [{ spaceId: string }];
}

export interface ModerationActionsOptions {
	db: Db;
	logger: Logger;
	accounts: AccountsService;
	spaces: SpacesService;
	chat: ChatService;
	relay: Relay;
	restrictions: Restrictions;
	audit: Audit;
	reports: ReportsService;
}

export const isStaff = (role: Role) => role === 'moderator' || role === 'admin';

/**
 * What moderators and admins (and a space's supervisor, within that space) can do: delete a message (kept),
 * mute and unmute, remove from a space, lock and unlock, end a live session, suspend an account, close a report.
 * Every action is written to the audit log in the transaction that makes it.
 */
export function createModerationActions({ db, logger, accounts, spaces: spacesService, chat, relay, restrictions, audit, reports }: ModerationActionsOptions) {
	const log = logger.child({ ns: 'moderation.actions' });
	const events = new EventEmitter<ModerationActionEvents>();
	const expiries = new Set<NodeJS.Timeout>();

	function requireStaff(actor: Actor): void {
		if (!isStaff(actor.role)) throw forbidden();
	}

	/** Staff act in any space; a supervisor in theirs; another member is refused; anyone else is told it does not exist. */
	async function requireSpaceModerator(actor: Actor, spaceId: string): Promise<void> {
		const [space] = await db.select({ id: spaces.id }).from(spaces).where(eq(spaces.id, spaceId)).limit(1);
		if (isStaff(actor.role)) {
			if (!space) throw notFound();
			return;
		}
		const role = space ? await spacesService.roleOf(spaceId, actor.id) : null;
		if (!role) throw notFound();
		if (role !== 'supervisor') throw forbidden();
	}

	async function memberRole(spaceId: string, userId: string) {
		const [row] = await db
			.select({ role: spaceMembers.role })
			.from(spaceMembers)
			.where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId)))
			.limit(1);
		return row?.role ?? null;
	}

	/** Brings open document connections of the space in line with locks and mutes: read-only while blocked. */
	async function syncDocuments({ spaceId, userId }: { spaceId: string; userId?: string }): Promise<void> {
		for (const u of userId ? [userId] : relay.usersIn(spaceId)) {
			const role = await spacesService.roleOf(spaceId, u);
			const blocked = await restrictions.block({ spaceId, userId: u });
			relay.setWritable({ spaceId, userId: u }, canWrite(role) && !blocked);
		}
	}
	const unfollow = restrictions.follow((change) => {
		// Here or on another process: each process ends a timed mute on its own documents when it is over.
		if (change.endsAt && change.userId) expireLater({ spaceId: change.spaceId, userId: change.userId }, new Date(change.endsAt));
		return syncDocuments(change).catch((err) => log.error({ err, spaceId: change.spaceId }, 'document access could not follow a lock or mute'));
	});

	/**
	 * A timed mute ends by itself: chat compares times on every send; when it ends, the same change as a moderator's
	 * unmute runs (open documents turn writable again). A timer waits at most about 24.8 days: a longer mute is
	 * looked at again then.
	 */
	function expireLater(change: { spaceId: string; userId: string }, until: Date): void {
		const timer = setTimeout(() => {
			expiries.delete(timer);
			if (until.getTime() > Date.now()) return expireLater(change, until);
			restrictions.changed(change).catch((err) => log.error({ err, spaceId: change.spaceId }, 'the end of a timed mute could not be applied'));
		}, Math.min(MAX_TIMER_MS, Math.max(0, until.getTime() - Date.now() + 50)));
		timer.unref();
		expiries.add(timer);
	}

	return {
		events,
		requireStaff,
		requireSpaceModerator,

		/**
		 * Re-arms the end of every timed mute still running, as stored: call once at start, so a mute given before a
		 * restart still ends on time. Returns how many were re-armed.
		 */
		async resumeMutes(): Promise<number> {
			const running = await db
				.select({ spaceId: spaceMutes.spaceId, userId: spaceMutes.userId, until: spaceMutes.until })
				.from(spaceMutes)
				.where(and(isNull(spaceMutes.liftedAt), isNotNull(spaceMutes.until), gt(spaceMutes.until, new Date())));
			for (const m of running) expireLater({ spaceId: m.spaceId, userId: m.userId }, m.until!);
			if (running.length > 0) log.info({ mutes: running.length }, 'timed mutes re-armed');
			return running.length;
		},

		/** Deletes a message for readers; its text stays in the database for the record. Announced like an author's delete. */
		async deleteMessage({ actor, messageId, reason }: { actor: Actor; messageId: string; reason?: string }) {
			const [found] = await db.select({ spaceId: chatMessages.spaceId }).from(chatMessages).where(eq(chatMessages.id, messageId)).limit(1);
			if (!found) throw notFound();
			await requireSpaceModerator(actor, found.spaceId);
			const row = await db.transaction(async (tx) => {
				const [updated] = await tx
					.update(chatMessages)
					.set({ deletedAt: new Date(), deletedBy: actor.id })
					.where(and(eq(chatMessages.id, messageId), isNull(chatMessages.deletedAt)))
					.returning();
				if (updated) {
					await audit.record(
						{ actorId: actor.id, action: 'chat.delete', targetType: 'message', targetId: messageId, detail: { spaceId: found.spaceId, authorId: updated.authorId, reason: reason ?? null } },
						tx
					);
				}
				return updated;
			});
			const [current] = await db
				.select({ row: chatMessages, authorName: profiles.displayName })
				.from(chatMessages)
				.leftJoin(profiles, eq(profiles.userId, chatMessages.authorId))
				.where(eq(chatMessages.id, messageId))
				.limit(1);
			const message = toChatMessage(current!.row, current!.authorName);
			if (row) {
				// A held message never reached readers: its deletion is not announced to them either.
				if (!current!.row.heldAt) chat.events.emit('updated', message);
				// As when its author deletes it: its words must not outlive it in other languages. Awaited, so that once
				// the moderator is answered no reader can be served a cached translation of it.
				await chat.translations.forget(row.text);
				log.info({ actorId: actor.id, messageId, spaceId: found.spaceId }, 'message deleted by a moderator');
			}
			return message;
		},

		/** Mutes someone in a space, for `durationSeconds` or until lifted. Takes effect on their next send and on open documents. */
		async mute({ actor, spaceId, userId, durationSeconds, reason }: { actor: Actor; spaceId: string; userId: string; durationSeconds?: number | null; reason?: string }) {
			await requireSpaceModerator(actor, spaceId);
			if (userId === actor.id) throw new AppError(400, 'invalid_input', { fields: { userId: 'invalid_value' } });
			if (!(await memberRole(spaceId, userId))) throw notFound();
			const until = durationSeconds ? new Date(Date.now() + durationSeconds * 1000) : null;
			const mute = await db.transaction(async (tx) => {
				const [row] = await tx.insert(spaceMutes).values({ spaceId, userId, until, reason: reason ?? 'moderator', createdBy: actor.id }).returning();
				await audit.record(
					{ actorId: actor.id, action: 'space.mute', targetType: 'user', targetId: userId, detail: { spaceId, durationSeconds: durationSeconds ?? null, until: until?.toISOString() ?? null, reason: reason ?? null } },
					tx
				);
				return row!;
			});
			await restrictions.changed({ spaceId, userId, ...(until ? { endsAt: until.getTime() } : {}) });
			log.info({ actorId: actor.id, spaceId, userId, durationSeconds: durationSeconds ?? null }, 'member muted');
			return { id: mute.id, spaceId, userId, until: until?.toISOString() ?? null };
		},

		/** Lifts every mute of someone in a space (a moderator's, or the pause after a report). */
		async unmute({ actor, spaceId, userId, reason }: { actor: Actor; spaceId: string; userId: string; reason?: string }) {
			await requireSpaceModerator(actor, spaceId);
			// Nobody lifts their own mute, nor a pause after a report on them (the answer would also reveal it).
			if (userId === actor.id) throw new AppError(400, 'invalid_input', { fields: { userId: 'invalid_value' } });
			const lifted = await db.transaction(async (tx) => {
				const rows = await tx
					.update(spaceMutes)
					.set({ liftedAt: new Date(), liftedBy: actor.id })
					.where(and(eq(spaceMutes.spaceId, spaceId), eq(spaceMutes.userId, userId), isNull(spaceMutes.liftedAt)))
					.returning({ id: spaceMutes.id });
				if (rows.length > 0) {
					await audit.record({ actorId: actor.id, action: 'space.unmute', targetType: 'user', targetId: userId, detail: { spaceId, lifted: rows.length, reason: reason ?? null } }, tx);
				}
				return rows.length;
			});
			await restrictions.changed({ spaceId, userId });
			log.info({ actorId: actor.id, spaceId, userId, lifted }, 'member unmuted');
			return { spaceId, userId, lifted };
		},

		/** Takes someone out of a space (the spaces service records it); their connections to it close at once. */
		async removeMember({ actor, spaceId, userId, reason }: { actor: Actor; spaceId: string; userId: string; reason?: string }) {
			await requireSpaceModerator(actor, spaceId);
			await spacesService.removeMember({ spaceId, userId, by: actor.id, moderator: isStaff(actor.role), reason });
			log.info({ actorId: actor.id, spaceId, userId }, 'member removed by a moderator');
		},

		/** Locks (or unlocks) a space: everyone reads, nobody sends or edits documents. */
		async setLocked({ actor, spaceId, locked, reason }: { actor: Actor; spaceId: string; locked: boolean; reason?: string }) {
			await requireSpaceModerator(actor, spaceId);
			const changed = await db.transaction((tx) => setSpaceLockIn(tx, audit, { actorId: actor.id, spaceId, locked, reason }));
			await restrictions.changed({ spaceId });
			if (changed) log.info({ actorId: actor.id, spaceId, locked }, locked ? 'space locked' : 'space unlocked');
			const [space] = await db.select({ lockedAt: spaces.lockedAt }).from(spaces).where(eq(spaces.id, spaceId)).limit(1);
			return { spaceId, lockedAt: space?.lockedAt?.toISOString() ?? null };
		},

		/** Ends the live session: every chat socket and document connection in the space is told why and closed. */
		async endSession({ actor, spaceId, reason }: { actor: Actor; spaceId: string; reason?: string }) {
			await requireSpaceModerator(actor, spaceId);
			await audit.record({ actorId: actor.id, action: 'space.end_session', targetType: 'space', targetId: spaceId, detail: { reason: reason ?? null } });
			events.emit('space:session-ended', { spaceId });
			const documents = relay.closeSpace(spaceId);
			log.info({ actorId: actor.id, spaceId, documents }, 'live session ended by a moderator');
			return { spaceId, documentConnections: documents };
		},

		/**
		 * Suspends an account: every session ends and every socket and document connection closes at once. Moderators
		 * may suspend participants; only admins may suspend staff.
		 */
		async suspend({ actor, userId, reason }: { actor: Actor; userId: string; reason?: string }) {
			requireStaff(actor);
			const [target] = await db.select({ role: users.role }).from(users).where(eq(users.id, userId)).limit(1);
			if (!target) throw notFound();
			if (isStaff(target.role) && actor.role !== 'admin') throw forbidden();
			return accounts.updateUser({ actorId: actor.id, userId, suspended: true, reason });
		},

		/** Resolves or dismisses a report (staff only); see `reports.close`. */
		async closeReport({ actor, reportId, status, resolution, liftPause }: { actor: Actor; reportId: string; status: 'resolved' | 'dismissed'; resolution?: string; liftPause?: boolean }) {
			requireStaff(actor);
			return reports.close({ reportId, actorId: actor.id, status, resolution, liftPause });
		},

		close(): void {
			unfollow();
			for (const t of expiries) clearTimeout(t);
			expiries.clear();
			events.removeAllListeners();
		}
	};
}

export type ModerationActions = ReturnType<typeof createModerationActions>;
