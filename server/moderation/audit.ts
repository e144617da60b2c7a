import { and, desc, eq, gte, isNotNull, like, lt, lte, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { auditLog, profiles, reports, spaceMutes } from '../db/schema';
import { AppError } from '../errors';

/** Anything that can insert: the database or a transaction on it. */
export type Writer = Pick<Db, 'insert'>;

export interface AuditRecord {
	/** Who acted; null for the system (an expiry, a rule applied automatically). */
	actorId: string | null;
	/** Dotted name, e.g. `chat.delete`, `space.mute`, `report.resolve`. */
	action: string;
	targetType: 'user' | 'space' | 'message' | 'report' | 'policy' | 'mentorship' | 'matching_round';
	targetId: string;
	/** Why and where: space id, duration, reason code, note. Stored as JSON text. */
	detail?: Record<string, unknown>;
}

export interface AuditEntry {
	id: string;
	actorId: string | null;
	actorName: string | null;
	action: string;
	targetType: string;
	targetId: string;
	/** JSON details for entries written here; older entries kept a plain string (a space id, `mentee→mentor`). */
	detail: Record<string, unknown> | string | null;
	createdAt: string;
}

export interface AuditFilter {
	actorId?: string;
	/** Exact action, or a prefix ending in `.` (`space.` matches `space.lock`, `space.mute` ...). */
	action?: string;
	targetType?: string;
	targetId?: string;
	/** Entries about this space: the space itself, or naming it in their detail (mutes, removals, deletions). */
	spaceId?: string;
	from?: Date;
	to?: Date;
	cursor?: string;
	limit?: number;
	/**
	 * The staff member who reads the log: entries that would tell them about a report on themselves are left out
	 * (the report, who filed it, its closing, the pause it caused, reviews of what that pause held).
	 */
	viewerId?: string;
}

export const AUDIT_MAX_PAGE = 200;

/**
 * A cursor is the entry's exact database timestamp (as PostgreSQL prints it, microseconds and offset kept, which
 * a JS Date would round) and its id, so paging neither skips nor repeats entries written in the same millisecond.
 */
export function encodeCursor({ at, id }: { at: string; id: string }): string {
	return Buffer.from(`${at}|${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { at: string; id: string } | null {
	const text = Buffer.from(cursor, 'base64url').toString('utf8');
	const m = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?[+-]\d{2}(?::\d{2})?)\|([0-9a-f-]{36})$/.exec(text);
	return m ? { at: m[1]!, id: m[2]! } : null;
}

export function parseDetail(detail: string | null): AuditEntry['detail'] {
	if (detail === null || !detail.startsWith('{')) return detail;
	try {
		return JSON.parse(detail) as Record<string, unknown>;
	} catch {
		return detail;
	}
}

/** The append-only audit log: every moderation action and report change is written here; nothing here edits it. */
export function createAudit({ db }: { db: Db }) {
	/** Conditions leaving out what the audit log holds about reports on `viewerId` (see `AuditFilter.viewerId`). */
	async function hiddenFrom(viewerId: string): Promise<SQL[]> {
		const [onThem, pauses] = await Promise.all([
			db.select({ id: reports.id }).from(reports).where(eq(reports.subjectId, viewerId)),
			db
				.select({ reportId: spaceMutes.reportId, spaceId: spaceMutes.spaceId })
				.from(spaceMutes)
				.where(and(eq(spaceMutes.userId, viewerId), isNotNull(spaceMutes.reportId)))
		]);
		const reportIds = [...new Set([...onThem.map((r) => r.id), ...pauses.map((p) => p.reportId!)])];
		const pausedIn = [...new Set(pauses.map((p) => p.spaceId))];
		const detail = sql`coalesce(${auditLog.detail}, '')`;
		const conditions: SQL[] = [];
		// Ids are uuids: nothing in them is special to a regular expression.
		if (reportIds.length > 0) {
			conditions.push(or(ne(auditLog.targetType, 'report'), notInArray(auditLog.targetId, reportIds))!);
			conditions.push(sql`${detail} !~ ${`"reportId":"(${reportIds.join('|')})"`}`);
		}
		if (pausedIn.length > 0) {
			conditions.push(sql`not (${detail} like '%"hook":"report_pause"%' and ${detail} ~ ${`"spaceId":"(${pausedIn.join('|')})"`})`);
		}
		return conditions;
	}

	return {
		/** Appends one entry, inside the caller's transaction when given one, so the action and its record commit together. */
		async record(entry: AuditRecord, tx: Writer = db): Promise<void> {
			await tx.insert(auditLog).values({
				actorId: entry.actorId,
				action: entry.action,
				targetType: entry.targetType,
				targetId: entry.targetId,
				detail: entry.detail ? JSON.stringify(entry.detail) : null
			});
		},

		/** Newest first, filtered; `next` continues after the last entry of this page. */
		async list(filter: AuditFilter): Promise<{ entries: AuditEntry[]; next: string | null }> {
			const limit = Math.min(Math.max(1, filter.limit ?? 50), AUDIT_MAX_PAGE);
			const where: (SQL | undefined)[] = [];
			if (filter.actorId) where.push(eq(auditLog.actorId, filter.actorId));
			if (filter.action) where.push(filter.action.endsWith('.') ? like(auditLog.action, `${escapeLike(filter.action)}%`) : eq(auditLog.action, filter.action));
			if (filter.targetType) where.push(eq(auditLog.targetType, filter.targetType));
			if (filter.targetId) where.push(eq(auditLog.targetId, filter.targetId));
			if (filter.spaceId) {
				// A uuid holds no LIKE wildcards.
				where.push(or(and(eq(auditLog.targetType, 'space'), eq(auditLog.targetId, filter.spaceId)), like(auditLog.detail, `%${filter.spaceId}%`)));
			}
			if (filter.from) where.push(gte(auditLog.createdAt, filter.from));
			if (filter.to) where.push(lte(auditLog.createdAt, filter.to));
			if (filter.viewerId) where.push(...(await hiddenFrom(filter.viewerId)));
			if (filter.cursor) {
				const c = decodeCursor(filter.cursor);
				if (!c) throw new AppError(400, 'invalid_input', { fields: { cursor: 'invalid_value' } });
				where.push(
					or(lt(auditLog.createdAt, sql`${c.at}::timestamptz`), and(eq(auditLog.createdAt, sql`${c.at}::timestamptz`), lt(auditLog.id, c.id)))
				);
			}
			const rows = await db
				.select({
					id: auditLog.id,
					actorId: auditLog.actorId,
					actorName: profiles.displayName,
					action: auditLog.action,
					targetType: auditLog.targetType,
					targetId: auditLog.targetId,
					detail: auditLog.detail,
					createdAt: auditLog.createdAt,
					at: sql<string>`${auditLog.createdAt}::text`
				})
				.from(auditLog)
				.leftJoin(profiles, eq(profiles.userId, auditLog.actorId))
				.where(and(...where))
				.orderBy(desc(auditLog.createdAt), desc(auditLog.id))
				.limit(limit + 1);
			const page = rows.slice(0, limit);
			const last = page[page.length - 1];
			return {
				entries: page.map((r) => ({
					id: r.id,
					actorId: r.actorId,
					actorName: r.actorName,
					action: r.action,
					targetType: r.targetType,
					targetId: r.targetId,
					detail: parseDetail(r.detail),
					createdAt: r.createdAt.toISOString()
				})),
				next: rows.length > limit && last ? encodeCursor({ at: last.at, id: last.id }) : null
			};
		}
	};
}

export type Audit = ReturnType<typeof createAudit>;

function escapeLike(s: string): string {
	return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
