import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Me } from '../accounts';
import { mentorshipGoals, mentorshipMeetings, mentorships, mentorshipTasks, moderationQueue } from '../db/schema';
import { AppError, forbidden, notFound } from '../errors';
import type { UiLocale } from '../../src/lib/i18n/locales';
import { message, type MatchingContext } from './context';
import { toIcs } from './ics';
import type { Mentorships } from './mentorships';
import { personViews } from './people';

type Row = typeof mentorships.$inferSelect;
type User = Pick<Me, 'id' | 'role'>;

export interface GoalView {
	id: string;
	text: string;
	done: boolean;
	doneAt: string | null;
	createdBy: string | null;
	createdAt: string;
}

export interface TaskView {
	id: string;
	title: string;
	assignee: string | null;
	/** YYYY-MM-DD. */
	due: string | null;
	done: boolean;
	doneAt: string | null;
	createdBy: string | null;
	createdAt: string;
}

/** A moment as the clock on someone's wall shows it. */
export interface WallClock {
	timeZone: string;
	/** `YYYY-MM-DDTHH:mm` in that zone. */
	local: string;
	/** `+01:00`, the zone's offset from UTC then. */
	offset: string;
}

export interface MeetingView {
	id: string;
	/** UTC. */
	startsAt: string;
	endsAt: string;
	minutes: number;
	note: string;
	status: 'proposed' | 'accepted' | 'declined' | 'cancelled';
	proposedBy: string | null;
	decidedBy: string | null;
	/** The start in each member's time zone, so a page can show both. */
	times: { mentee: WallClock; mentor: WallClock };
}

export interface Together {
	goals: GoalView[];
	tasks: TaskView[];
	meetings: MeetingView[];
}

/** `date` on the wall clock of `timeZone`. */
export function wallClock(date: Date, timeZone: string): WallClock {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
			.formatToParts(date)
			.map((p) => [p.type, p.value])
	);
	const local = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
	const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
	const minutes = Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
	const sign = minutes < 0 ? '-' : '+';
	const abs = Math.abs(minutes);
	return { timeZone, local, offset: `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}` };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;
/** How far ahead a meeting may be planned. */
const MAX_AHEAD_MS = 366 * 86_400_000;

/**
 * What a pair keeps together while the mentorship is active or paused: goals, a task list and meetings. Only the pair
 * writes; staff read. Every text goes through the moderation pipeline as chat does where a minor is involved, and
 * one it would hold or block is refused (422 `matching_text_not_allowed`), never stored in part.
 */
export function createTogether(ctx: MatchingContext, mentorshipsService: Mentorships) {
	const { db, audit, safeguarding, pipeline } = ctx;

	/** The mentorship, for the pair to change (active or paused) or for the pair and staff to read. */
	async function access(user: User, id: string, write: boolean): Promise<Row> {
		const { row, standing } = await mentorshipsService.visible(user, id);
		if (standing !== 'staff') await mentorshipsService.assertParticipant(user.id);
		if (!write) return row;
		if (standing === 'staff') throw forbidden();
		if (row.status !== 'active' && row.status !== 'paused') throw new AppError(409, 'matching_not_active');
		return row;
	}

	/** Runs the text through the pipeline as if in the pair's space; refuses what it would hold, block or rewrite. */
	async function vet(row: Row, authorId: string, text: string, field: string): Promise<void> {
		if (text === '') return;
		const [minor, policy] = await Promise.all([safeguarding.isMinor(row.menteeId), safeguarding.policy()]);
		const decision = await pipeline.run({ spaceId: row.spaceId ?? row.id, authorId, authorName: '', authorRole: null, text, lang: 'und', kind: 'doc', clientId: null, editOf: null, minorsPresent: minor, policy });
		if (decision.action === 'allow') return;
		ctx.log.info({ mentorshipId: row.id, authorId, action: decision.action, hook: decision.hook, reason: decision.reason }, 'mentorship text refused by moderation');
		// Kept for moderators where a minor is involved, as a refused chat message is; nothing to approve.
		if (minor && row.spaceId) {
			await db.insert(moderationQueue).values({ kind: 'mentorship', spaceId: row.spaceId, targetId: row.id, authorId, text, lang: 'und', hook: decision.hook ?? 'unknown', reason: decision.reason ?? decision.action, status: 'blocked' });
		}
		throw new AppError(422, 'matching_text_not_allowed', { fields: { [field]: 'matching_text_not_allowed' } });
	}

	const record = (actorId: string, action: string, mentorshipId: string, detail: Record<string, unknown>) =>
		audit.record({ actorId, action: `mentorship.${action}`, targetType: 'mentorship', targetId: mentorshipId, detail });

	const goalView = (g: typeof mentorshipGoals.$inferSelect): GoalView => ({ id: g.id, text: g.text, done: g.doneAt !== null, doneAt: iso(g.doneAt), createdBy: g.createdBy, createdAt: g.createdAt.toISOString() });
	const taskView = (t: typeof mentorshipTasks.$inferSelect): TaskView => ({
		id: t.id,
		title: t.title,
		assignee: t.assignee,
		due: t.due,
		done: t.doneAt !== null,
		doneAt: iso(t.doneAt),
		createdBy: t.createdBy,
		createdAt: t.createdAt.toISOString()
	});

	async function meetingViews(row: Row, meetings: (typeof mentorshipMeetings.$inferSelect)[]): Promise<MeetingView[]> {
		const people = await personViews(db, [row.menteeId, row.mentorId]);
		const zone = (id: string) => people.get(id)?.timezone ?? 'UTC';
		return meetings.map((m) => ({
			id: m.id,
			startsAt: m.startsAt.toISOString(),
			endsAt: new Date(m.startsAt.getTime() + m.minutes * 60_000).toISOString(),
			minutes: m.minutes,
			note: m.note,
			status: m.status,
			proposedBy: m.proposedBy,
			decidedBy: m.decidedBy,
			times: { mentee: wallClock(m.startsAt, zone(row.menteeId)), mentor: wallClock(m.startsAt, zone(row.mentorId)) }
		}));
	}

	async function assignee(row: Row, id: string | null | undefined): Promise<void> {
		if (id && id !== row.menteeId && id !== row.mentorId) throw new AppError(400, 'invalid_input', { fields: { assignee: 'matching_assignee_invalid' } });
	}

	return {
		/** Goals, tasks and meetings of a mentorship (the pair and staff). */
		async lists(user: User, id: string): Promise<Together> {
			const row = await access(user, id, false);
			const [goals, tasks, meetings] = await Promise.all([
				db.select().from(mentorshipGoals).where(eq(mentorshipGoals.mentorshipId, id)).orderBy(asc(mentorshipGoals.createdAt)),
				db.select().from(mentorshipTasks).where(eq(mentorshipTasks.mentorshipId, id)).orderBy(asc(mentorshipTasks.createdAt)),
				db.select().from(mentorshipMeetings).where(eq(mentorshipMeetings.mentorshipId, id)).orderBy(asc(mentorshipMeetings.startsAt))
			]);
			return { goals: goals.map(goalView), tasks: tasks.map(taskView), meetings: await meetingViews(row, meetings) };
		},

		async addGoal({ user, id, text }: { user: User; id: string; text: string }): Promise<GoalView> {
			const row = await access(user, id, true);
			await vet(row, user.id, text, 'text');
			const [goal] = await db.insert(mentorshipGoals).values({ mentorshipId: id, text, createdBy: user.id }).returning();
			await record(user.id, 'goal.add', id, { goalId: goal!.id });
			return goalView(goal!);
		},

		async updateGoal({ user, id, goalId, text, done }: { user: User; id: string; goalId: string; text?: string; done?: boolean }): Promise<GoalView> {
			const row = await access(user, id, true);
			if (text !== undefined) await vet(row, user.id, text, 'text');
			const [current] = await db.select().from(mentorshipGoals).where(and(eq(mentorshipGoals.id, goalId), eq(mentorshipGoals.mentorshipId, id))).limit(1);
			if (!current) throw notFound();
			const [goal] = await db
				.update(mentorshipGoals)
				.set({ ...(text !== undefined ? { text } : {}), ...(done !== undefined ? { doneAt: done ? (current.doneAt ?? new Date()) : null } : {}) })
				.where(eq(mentorshipGoals.id, goalId))
				.returning();
			await record(user.id, 'goal.update', id, { goalId, ...(done !== undefined ? { done } : {}), textChanged: text !== undefined });
			return goalView(goal!);
		},

		async deleteGoal({ user, id, goalId }: { user: User; id: string; goalId: string }): Promise<void> {
			await access(user, id, true);
			const gone = await db.delete(mentorshipGoals).where(and(eq(mentorshipGoals.id, goalId), eq(mentorshipGoals.mentorshipId, id))).returning({ id: mentorshipGoals.id });
			if (gone.length === 0) throw notFound();
			await record(user.id, 'goal.delete', id, { goalId });
		},

		async addTask({ user, id, title, assignee: who, due }: { user: User; id: string; title: string; assignee?: string | null; due?: string | null }): Promise<TaskView> {
			const row = await access(user, id, true);
			await assignee(row, who);
			await vet(row, user.id, title, 'title');
			const [task] = await db.insert(mentorshipTasks).values({ mentorshipId: id, title, assignee: who ?? null, due: due ?? null, createdBy: user.id }).returning();
			await record(user.id, 'task.add', id, { taskId: task!.id });
			return taskView(task!);
		},

		async updateTask({ user, id, taskId, title, assignee: who, due, done }: { user: User; id: string; taskId: string; title?: string; assignee?: string | null; due?: string | null; done?: boolean }): Promise<TaskView> {
			const row = await access(user, id, true);
			await assignee(row, who);
			if (title !== undefined) await vet(row, user.id, title, 'title');
			const [current] = await db.select().from(mentorshipTasks).where(and(eq(mentorshipTasks.id, taskId), eq(mentorshipTasks.mentorshipId, id))).limit(1);
			if (!current) throw notFound();
			const [task] = await db
				.update(mentorshipTasks)
				.set({
					...(title !== undefined ? { title } : {}),
					...(who !== undefined ? { assignee: who } : {}),
					...(due !== undefined ? { due } : {}),
					...(done !== undefined ? { doneAt: done ? (current.doneAt ?? new Date()) : null } : {})
				})
				.where(eq(mentorshipTasks.id, taskId))
				.returning();
			await record(user.id, 'task.update', id, { taskId, ...(done !== undefined ? { done } : {}), titleChanged: title !== undefined });
			return taskView(task!);
		},

		async deleteTask({ user, id, taskId }: { user: User; id: string; taskId: string }): Promise<void> {
			await access(user, id, true);
			const gone = await db.delete(mentorshipTasks).where(and(eq(mentorshipTasks.id, taskId), eq(mentorshipTasks.mentorshipId, id))).returning({ id: mentorshipTasks.id });
			if (gone.length === 0) throw notFound();
			await record(user.id, 'task.delete', id, { taskId });
		},

		/** One of the pair proposes a meeting; the other accepts or declines it. */
		async proposeMeeting({ user, id, startsAt, minutes, note }: { user: User; id: string; startsAt: string; minutes: number; note: string }): Promise<MeetingView> {
			const row = await access(user, id, true);
			const start = new Date(startsAt);
			if (start.getTime() <= Date.now() || start.getTime() > Date.now() + MAX_AHEAD_MS) throw new AppError(400, 'invalid_input', { fields: { startsAt: 'matching_meeting_time_invalid' } });
			await vet(row, user.id, note, 'note');
			const [meeting] = await db.insert(mentorshipMeetings).values({ mentorshipId: id, startsAt: start, minutes, note, proposedBy: user.id }).returning();
			await record(user.id, 'meeting.propose', id, { meetingId: meeting!.id, startsAt: start.toISOString(), minutes });
			return (await meetingViews(row, [meeting!]))[0]!;
		},

		/**
		 * `accepted` / `declined`: the one who did not propose, while it is proposed. `cancelled`: either of the pair,
		 * while it is proposed or accepted. Anything else is 409 `matching_illegal_transition`.
		 */
		async decideMeeting({ user, id, meetingId, status }: { user: User; id: string; meetingId: string; status: 'accepted' | 'declined' | 'cancelled' }): Promise<MeetingView> {
			const row = await access(user, id, true);
			const meeting = await db.transaction(async (tx) => {
				const [current] = await tx.select().from(mentorshipMeetings).where(and(eq(mentorshipMeetings.id, meetingId), eq(mentorshipMeetings.mentorshipId, id))).for('update');
				if (!current) throw notFound();
				const allowed =
					status === 'cancelled' ? current.status === 'proposed' || current.status === 'accepted' : current.status === 'proposed' && current.proposedBy !== user.id;
				if (!allowed) throw new AppError(409, 'matching_illegal_transition');
				const [updated] = await tx.update(mentorshipMeetings).set({ status, decidedBy: user.id, decidedAt: new Date() }).where(eq(mentorshipMeetings.id, meetingId)).returning();
				await audit.record({ actorId: user.id, action: `mentorship.meeting.${status === 'accepted' ? 'accept' : status === 'declined' ? 'decline' : 'cancel'}`, targetType: 'mentorship', targetId: id, detail: { meetingId } }, tx);
				return updated!;
			});
			return (await meetingViews(row, [meeting]))[0]!;
		},

		/** The pair's proposed (tentative) and accepted (confirmed) meetings as an iCalendar file. */
		async ics({ user, id, locale }: { user: User; id: string; locale: UiLocale }): Promise<string> {
			const row = await access(user, id, false);
			const meetings = await db
				.select()
				.from(mentorshipMeetings)
				.where(and(eq(mentorshipMeetings.mentorshipId, id), inArray(mentorshipMeetings.status, ['proposed', 'accepted'])))
				.orderBy(asc(mentorshipMeetings.startsAt));
			const people = await personViews(db, [row.menteeId, row.mentorId]);
			const summary = message('matching_ics_summary', locale, { mentor: people.get(row.mentorId)?.displayName ?? '', mentee: people.get(row.menteeId)?.displayName ?? '' });
			return toIcs({
				name: summary,
				events: meetings.map((m) => ({
					uid: `${m.id}@tessera`,
					start: m.startsAt,
					minutes: m.minutes,
					summary,
					description: m.note || undefined,
					status: m.status === 'accepted' ? 'CONFIRMED' : 'TENTATIVE'
				}))
			});
		}
	};
}

export type TogetherService = ReturnType<typeof createTogether>;
