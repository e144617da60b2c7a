import { EventEmitter } from 'node:events';
import { and, asc, desc, eq, gt, inArray, isNull, ne, not, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { ModerationAlert } from '../../src/lib/protocol/events';
import type { Db } from '../db';
import { anonymousFeedback, chatMessages, profiles, reports, spaceMembers, spaceMutes, spaces, users } from '../db/schema';
import { AppError, forbidden, notFound } from '../errors';
import type { Logger } from '../logger';
import type { SpacesService } from '../spaces';
import { cleanText } from '../text';
import { decodeCursor, encodeCursor, type Audit } from './audit';
import type { Restrictions } from './restrictions';

/** What a member can report something for. */
export const REPORT_REASONS = ['harassment', 'inappropriate', 'contact_request', 'grooming', 'spam', 'self_harm', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
/** The reason of the report a "pause this match" files by itself. */
export const PAUSE_REASON = 'paused_match';
export const REPORT_DETAILS_MAX = 2000;

export const reportInput = z
	.object({
		targetType: z.enum(['message', 'user', 'space'], { error: 'invalid_value' }),
		targetId: z.uuid({ error: 'invalid_value' }),
		spaceId: z.uuid({ error: 'invalid_value' }).optional(),
		reason: z.enum(REPORT_REASONS, { error: 'invalid_value' }),
		details: cleanText({ max: REPORT_DETAILS_MAX, code: 'details_too_long', multiline: true }).optional()
	})
	.strict();
export type ReportInput = z.output<typeof reportInput>;

export const feedbackInput = z
	.object({
		text: cleanText({ min: 1, max: REPORT_DETAILS_MAX, code: 'details_too_long', multiline: true }),
		lang: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, { error: 'language_invalid' }).max(35).optional()
	})
	.strict();

/** A report as moderators see it, with what it is about. */
export interface ReportView {
	id: string;
	targetType: 'message' | 'user' | 'space';
	targetId: string;
	reason: string;
	details: string;
	urgent: boolean;
	status: 'open' | 'resolved' | 'dismissed';
	createdAt: string;
	resolvedAt: string | null;
	resolvedBy: string | null;
	resolution: string | null;
	reporter: { id: string; displayName: string } | null;
	subject: { id: string; displayName: string; role: string } | null;
	space: { id: string; title: string; kind: string; lockedAt: string | null } | null;
	/** The reported message as stored, even when deleted or held (moderators see the record). */
	message: { id: string; text: string; lang: string; authorId: string | null; createdAt: string; editedAt: string | null; deletedAt: string | null } | null;
	/** Sending paused by this report (a minor's report on an adult, or a paused match), still in force. */
	pausedSpaces: string[];
}

export interface ReportEvents {
	/**
	 * Moderators should look now: a new report or a paused match. Carries no text and no reporter. `about`: who it is
	 * about (a staff member among them must not be alerted); never sent on.
	 */
	alert: [ModerationAlert, about?: string[]];
}

/**
 * Reports about `viewerId`: on them or their message, or whose pause silenced them. A staff member never sees
 * these, so nothing (the reporter above all) reaches the person reported.
 */
function about(viewerId: string): SQL {
	return sql`(${reports.subjectId} = ${viewerId}::uuid or exists (select 1 from space_mutes m where m.report_id = ${reports.id} and m.user_id = ${viewerId}::uuid))`;
}

export interface ReportsOptions {
	db: Db;
	logger: Logger;
	spaces: SpacesService;
	restrictions: Restrictions;
	audit: Audit;
	/** Whether someone is a minor under the program's policy (the safeguarding service answers this). */
	isMinor: (userId: string) => Promise<boolean>;
	/** Anonymous feedback one session may send per `feedbackWindowMs`. */
	feedbackPerWindow?: number;
	feedbackWindowMs?: number;
}

/** Reports, "pause this match" and anonymous feedback: what participants send to the program's moderators. */
export function createReports({ db, logger, spaces: spacesService, restrictions, audit, isMinor, feedbackPerWindow = 5, feedbackWindowMs = 3_600_000 }: ReportsOptions) {
	const log = logger.child({ ns: 'moderation.reports' });
	const events = new EventEmitter<ReportEvents>();
	const feedbackSent = new Map<string, number[]>();

	/** The spaces both people are members of. */
	async function sharedSpaces(a: string, b: string): Promise<string[]> {
		const other = alias(spaceMembers, 'other');
		const rows = await db
			.select({ spaceId: spaceMembers.spaceId })
			.from(spaceMembers)
			.innerJoin(other, and(eq(other.spaceId, spaceMembers.spaceId), eq(other.userId, b)))
			.where(eq(spaceMembers.userId, a));
		return rows.map((r) => r.spaceId);
	}

	/** Where the report points: its space and the person it is about, or not_found for anything the reporter cannot see. */
	async function resolveTarget(reporterId: string, input: ReportInput): Promise<{ spaceId: string | null; subjectId: string | null }> {
		const memberOf = async (spaceId: string) => (await spacesService.roleOf(spaceId, reporterId)) !== null;
		switch (input.targetType) {
			case 'message': {
				const [m] = await db.select({ spaceId: chatMessages.spaceId, authorId: chatMessages.authorId }).from(chatMessages).where(eq(chatMessages.id, input.targetId)).limit(1);
				if (!m || (input.spaceId && input.spaceId !== m.spaceId) || !(await memberOf(m.spaceId))) throw notFound();
				if (m.authorId === reporterId) throw new AppError(400, 'invalid_input', { fields: { targetId: 'invalid_value' } });
				return { spaceId: m.spaceId, subjectId: m.authorId };
			}
			case 'space': {
				if ((input.spaceId && input.spaceId !== input.targetId) || !(await memberOf(input.targetId))) throw notFound();
				return { spaceId: input.targetId, subjectId: null };
			}
			case 'user': {
				if (input.targetId === reporterId) throw new AppError(400, 'invalid_input', { fields: { targetId: 'invalid_value' } });
				if (input.spaceId) {
					if (!(await memberOf(input.spaceId)) || !(await spacesService.roleOf(input.spaceId, input.targetId))) throw notFound();
					return { spaceId: input.spaceId, subjectId: input.targetId };
				}
				// Only someone the reporter shares a space with: the API does not confirm that anyone else exists.
				if ((await sharedSpaces(reporterId, input.targetId)).length === 0) throw notFound();
				return { spaceId: null, subjectId: input.targetId };
			}
		}
	}

	/** Mutes `userId` in each space, until lifted, as the consequence of one report; in the caller's transaction. */
	async function pauseIn(tx: Parameters<Parameters<Db['transaction']>[0]>[0], { reportId, userId, spaceIds, reason }: { reportId: string; userId: string; spaceIds: string[]; reason: string }) {
		if (spaceIds.length === 0) return;
		await tx.insert(spaceMutes).values(spaceIds.map((spaceId) => ({ spaceId, userId, until: null, reason, reportId, createdBy: null })));
		for (const spaceId of spaceIds) {
			await audit.record({ actorId: null, action: 'space.mute', targetType: 'user', targetId: userId, detail: { spaceId, reason, reportId, until: null } }, tx);
		}
	}

	function alert(a: ModerationAlert, subjects: (string | null)[] = []): void {
		events.emit('alert', a, subjects.filter((u): u is string => u !== null));
	}

	const service = {
		events,

		/**
		 * Files a report. A minor's report on an adult pauses that adult's sending in every space they share, in the
		 * same transaction, before this resolves; the report is marked urgent and moderators are alerted.
		 */
		async create({ reporterId, input }: { reporterId: string; input: ReportInput }): Promise<{ id: string; status: 'open'; createdAt: string }> {
			const { spaceId, subjectId } = await resolveTarget(reporterId, input);
			const urgent = subjectId !== null && (await isMinor(reporterId)) && !(await isMinor(subjectId));
			const pauseSpaces = urgent ? await sharedSpaces(reporterId, subjectId!) : [];
			const report = await db.transaction(async (tx) => {
				const [row] = await tx
					.insert(reports)
					.values({ reporterId, targetType: input.targetType, targetId: input.targetId, spaceId, subjectId, reason: input.reason, details: input.details ?? '', urgent })
					.returning();
				await audit.record(
					{ actorId: reporterId, action: 'report.create', targetType: 'report', targetId: row!.id, detail: { targetType: input.targetType, targetId: input.targetId, spaceId, reason: input.reason, urgent } },
					tx
				);
				if (urgent) await pauseIn(tx, { reportId: row!.id, userId: subjectId!, spaceIds: pauseSpaces, reason: 'minor_report' });
				return row!;
			});
			await Promise.all(pauseSpaces.map((s) => restrictions.changed({ spaceId: s, userId: subjectId! })));
			log.info({ reportId: report.id, targetType: input.targetType, reason: input.reason, urgent, paused: pauseSpaces.length }, 'report filed');
			alert({ kind: 'report', reportId: report.id, spaceId, reason: input.reason, urgent, createdAt: report.createdAt.toISOString() }, [subjectId]);
			return { id: report.id, status: 'open', createdAt: report.createdAt.toISOString() };
		},

		/**
		 * "Pause this match": a mentee stops the other participant of their pair from sending there, at once, without
		 * telling them. Files an urgent report so moderators see it in their queue, and alerts them.
		 */
		async pauseMatch({ spaceId, userId }: { spaceId: string; userId: string }): Promise<{ reportId: string }> {
			const role = await spacesService.roleOf(spaceId, userId);
			if (!role) throw notFound();
			const [me] = await db.select({ role: users.role }).from(users).where(eq(users.id, userId)).limit(1);
			if (me?.role !== 'mentee' || (role !== 'owner' && role !== 'member')) throw forbidden();
			const [space] = await db.select({ kind: spaces.kind }).from(spaces).where(eq(spaces.id, spaceId)).limit(1);
			if (space?.kind !== 'pair') throw new AppError(409, 'pair_only');
			const [already] = await db
				.select({ id: reports.id })
				.from(reports)
				.where(and(eq(reports.reporterId, userId), eq(reports.spaceId, spaceId), eq(reports.reason, PAUSE_REASON), eq(reports.status, 'open')))
				.limit(1);
			if (already) return { reportId: already.id };
			const others = await db
				.select({ userId: spaceMembers.userId })
				.from(spaceMembers)
				.where(and(eq(spaceMembers.spaceId, spaceId), ne(spaceMembers.userId, userId), inArray(spaceMembers.role, ['owner', 'member'])));
			const report = await db.transaction(async (tx) => {
				const [row] = await tx
					.insert(reports)
					.values({ reporterId: userId, targetType: 'space', targetId: spaceId, spaceId, subjectId: others[0]?.userId ?? null, reason: PAUSE_REASON, urgent: true })
					.returning();
				await audit.record({ actorId: userId, action: 'space.pause', targetType: 'space', targetId: spaceId, detail: { reportId: row!.id } }, tx);
				for (const o of others) await pauseIn(tx, { reportId: row!.id, userId: o.userId, spaceIds: [spaceId], reason: PAUSE_REASON });
				return row!;
			});
			await Promise.all(others.map((o) => restrictions.changed({ spaceId, userId: o.userId })));
			log.info({ reportId: report.id, spaceId, paused: others.length }, 'match paused by a mentee');
			alert({ kind: 'pause', reportId: report.id, spaceId, reason: PAUSE_REASON, urgent: true, createdAt: report.createdAt.toISOString() }, others.map((o) => o.userId));
			return { reportId: report.id };
		},

		/**
		 * Reports in one state, oldest first, with their context; `next` continues the list. `viewerId`: the staff
		 * member who reads it, who is shown no report about themselves.
		 */
		async list({
			status = 'open',
			cursor,
			limit = 50,
			viewerId
		}: {
			status?: 'open' | 'resolved' | 'dismissed';
			cursor?: string;
			limit?: number;
			viewerId?: string;
		}): Promise<{ reports: ReportView[]; next: string | null }> {
			const n = Math.min(Math.max(1, limit), 200);
			const after = cursor ? decodeCursor(cursor) : undefined;
			if (cursor && !after) throw new AppError(400, 'invalid_input', { fields: { cursor: 'invalid_value' } });
			const rows = await db
				.select({ id: reports.id, at: sql<string>`${reports.createdAt}::text` })
				.from(reports)
				.where(
					and(
						eq(reports.status, status),
						viewerId ? not(about(viewerId)) : undefined,
						after ? or(gt(reports.createdAt, sql`${after.at}::timestamptz`), and(eq(reports.createdAt, sql`${after.at}::timestamptz`), gt(reports.id, after.id))) : undefined
					)
				)
				.orderBy(asc(reports.createdAt), asc(reports.id))
				.limit(n + 1);
			const page = rows.slice(0, n);
			const views = await views_(page.map((r) => r.id));
			const last = page[page.length - 1];
			return { reports: views, next: rows.length > n && last ? encodeCursor({ at: last.at, id: last.id }) : null };
		},

		/** One report; not_found for one about `viewerId` (see `list`). */
		async get(reportId: string, { viewerId }: { viewerId?: string } = {}): Promise<ReportView> {
			if (viewerId && (await isAbout(reportId, viewerId))) throw notFound();
			const [view] = await views_([reportId]);
			if (!view) throw notFound();
			return view;
		},

		/**
		 * Closes an open report. `liftPause` (default: when dismissed) also lifts the pauses it caused. Each change
		 * is in the audit log with the moderator and their note.
		 */
		async close({ reportId, actorId, status, resolution, liftPause }: { reportId: string; actorId: string; status: 'resolved' | 'dismissed'; resolution?: string; liftPause?: boolean }): Promise<ReportView> {
			const lift = liftPause ?? status === 'dismissed';
			const lifted = await db.transaction(async (tx) => {
				const [row] = await tx.select().from(reports).where(eq(reports.id, reportId)).for('update');
				// Nobody closes a report about themselves (or learns that it exists).
				if (!row || (await isAbout(reportId, actorId, tx))) throw notFound();
				if (row.status !== 'open') throw new AppError(409, 'report_closed');
				await tx.update(reports).set({ status, resolvedAt: new Date(), resolvedBy: actorId, resolution: resolution ?? null }).where(eq(reports.id, reportId));
				await audit.record(
					{ actorId, action: status === 'resolved' ? 'report.resolve' : 'report.dismiss', targetType: 'report', targetId: reportId, detail: { resolution: resolution ?? null, liftPause: lift } },
					tx
				);
				if (!lift) return [];
				const mutes = await tx
					.update(spaceMutes)
					.set({ liftedAt: new Date(), liftedBy: actorId })
					.where(and(eq(spaceMutes.reportId, reportId), isNull(spaceMutes.liftedAt)))
					.returning({ spaceId: spaceMutes.spaceId, userId: spaceMutes.userId });
				for (const m of mutes) {
					await audit.record({ actorId, action: 'space.unmute', targetType: 'user', targetId: m.userId, detail: { spaceId: m.spaceId, reportId } }, tx);
				}
				return mutes;
			});
			await Promise.all(lifted.map((m) => restrictions.changed(m)));
			log.info({ reportId, actorId, status, lifted: lifted.length }, 'report closed');
			return service.get(reportId);
		},

		/** Stores feedback with no author at all. At most `feedbackPerWindow` per session and window. */
		async feedback({ sessionId, text, lang }: { sessionId: string; text: string; lang: string }): Promise<void> {
			const now = Date.now();
			const recent = (feedbackSent.get(sessionId) ?? []).filter((t) => now - t < feedbackWindowMs);
			if (recent.length >= feedbackPerWindow) {
				throw new AppError(429, 'rate_limited', { retryAfterSeconds: Math.ceil((recent[0]! + feedbackWindowMs - now) / 1000) });
			}
			recent.push(now);
			feedbackSent.set(sessionId, recent);
			if (feedbackSent.size > 50_000) feedbackSent.delete(feedbackSent.keys().next().value!);
			const [row] = await db.insert(anonymousFeedback).values({ text, lang }).returning({ id: anonymousFeedback.id, createdAt: anonymousFeedback.createdAt });
			// Nothing that could tell who wrote it: no user, no session, no address, no text.
			log.info({ feedbackId: row!.id, chars: text.length }, 'anonymous feedback received');
			alert({ kind: 'feedback', reportId: null, spaceId: null, reason: 'feedback', urgent: false, createdAt: row!.createdAt.toISOString() });
		},

		/** Feedback for moderators, newest first. */
		async listFeedback({ limit = 50 }: { limit?: number } = {}) {
			const rows = await db
				.select()
				.from(anonymousFeedback)
				.orderBy(desc(anonymousFeedback.createdAt))
				.limit(Math.min(Math.max(1, limit), 200));
			return rows.map((r) => ({ id: r.id, text: r.text, lang: r.lang, createdAt: r.createdAt.toISOString(), readAt: r.readAt?.toISOString() ?? null }));
		}
	};

	async function isAbout(reportId: string, userId: string, q: Pick<Db, 'select'> = db): Promise<boolean> {
		const [row] = await q.select({ id: reports.id }).from(reports).where(and(eq(reports.id, reportId), about(userId))).limit(1);
		return row !== undefined;
	}

	async function views_(ids: string[]): Promise<ReportView[]> {
		if (ids.length === 0) return [];
		const reporter = alias(profiles, 'reporter');
		const subject = alias(profiles, 'subject');
		const subjectUser = alias(users, 'subject_user');
		const rows = await db
			.select({
				report: reports,
				reporterName: reporter.displayName,
				subjectName: subject.displayName,
				subjectRole: subjectUser.role,
				space: { id: spaces.id, title: spaces.title, kind: spaces.kind, lockedAt: spaces.lockedAt }
			})
			.from(reports)
			.leftJoin(reporter, eq(reporter.userId, reports.reporterId))
			.leftJoin(subject, eq(subject.userId, reports.subjectId))
			.leftJoin(subjectUser, eq(subjectUser.id, reports.subjectId))
			.leftJoin(spaces, eq(spaces.id, reports.spaceId))
			.where(inArray(reports.id, ids));
		const messageIds = rows.filter((r) => r.report.targetType === 'message').map((r) => r.report.targetId);
		const messages = messageIds.length ? await db.select().from(chatMessages).where(inArray(chatMessages.id, messageIds)) : [];
		const byMessage = new Map(messages.map((m) => [m.id, m]));
		const mutes = await db
			.select({ reportId: spaceMutes.reportId, spaceId: spaceMutes.spaceId })
			.from(spaceMutes)
			.where(and(inArray(spaceMutes.reportId, ids), isNull(spaceMutes.liftedAt)));
		const order = new Map(ids.map((id, i) => [id, i]));
		return rows
			.sort((a, b) => order.get(a.report.id)! - order.get(b.report.id)!)
			.map(({ report: r, reporterName, subjectName, subjectRole, space }) => {
				const m = r.targetType === 'message' ? byMessage.get(r.targetId) : undefined;
				return {
					id: r.id,
					targetType: r.targetType,
					targetId: r.targetId,
					reason: r.reason,
					details: r.details,
					urgent: r.urgent,
					status: r.status,
					createdAt: r.createdAt.toISOString(),
					resolvedAt: r.resolvedAt?.toISOString() ?? null,
					resolvedBy: r.resolvedBy,
					resolution: r.resolution,
					reporter: r.reporterId ? { id: r.reporterId, displayName: reporterName ?? '' } : null,
					subject: r.subjectId ? { id: r.subjectId, displayName: subjectName ?? '', role: subjectRole ?? '' } : null,
					space: space?.id ? { id: space.id, title: space.title, kind: space.kind, lockedAt: space.lockedAt?.toISOString() ?? null } : null,
					message: m
						? { id: m.id, text: m.text, lang: m.lang, authorId: m.authorId, createdAt: m.createdAt.toISOString(), editedAt: m.editedAt?.toISOString() ?? null, deletedAt: m.deletedAt?.toISOString() ?? null }
						: null,
					pausedSpaces: mutes.filter((x) => x.reportId === r.id).map((x) => x.spaceId)
				};
			});
	}

	return service;
}

export type ReportsService = ReturnType<typeof createReports>;
