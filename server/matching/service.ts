import { EventEmitter } from 'node:events';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Me } from '../accounts';
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from '../db';
import { matchingProfiles, mentorships as mentorshipsTable, profiles, users } from '../db/schema';
import { ageOf } from '../safeguarding/policy';
import { LIVE_STATUSES } from './lifecycle';
import { AppError, notFound } from '../errors';
import type { Logger } from '../logger';
import type { Audit } from '../moderation/audit';
import type { ModerationPipeline } from '../moderation/pipeline';
import type { Restrictions } from '../moderation/restrictions';
import type { Safeguarding } from '../safeguarding';
import type { SpacesService } from '../spaces';
import type { TranslationService } from '../translate';
import type { UiLocale } from '../../src/lib/i18n/locales';
// The engine: pure functions over plain data (server/matching/index.ts, documented in docs/matching.md).
import * as engineModule from './index';
import type { Engine, MatchingEvents } from './context';
import { createMentorships } from './mentorships';
import { liveCountByMentor, profileView, readCandidate, readCandidates, type MatchingProfile, type PersonView } from './people';
import { createProgramSettings } from './program-settings';
import { createRounds } from './rounds';
import { createTogether } from './together';
import type { ProfileInput } from './validation';

export type { MatchingEvents } from './context';
export type { MatchingProfile, PersonView } from './people';
export type { RoundView, RoundSummary, ProposalView, UnmatchedView } from './rounds';
export type { MentorshipView, RankedMentor, GuardianProposal } from './mentorships';
export type { GoalView, TaskView, MeetingView, Together, WallClock } from './together';

export interface MatchingOptions {
	db: Db;
	logger: Logger;
	spaces: SpacesService;
	safeguarding: Safeguarding;
	audit: Audit;
	/** The moderation pipeline, which vets the pair's goals, tasks and meeting notes. */
	pipeline: ModerationPipeline;
	/** Its language pairs let the engine match people with no shared language; without it, translation is off. */
	translator?: Pick<TranslationService, 'languages'>;
	/** Told when staff ending a mentorship lock the pair's space (a report, safeguarding). */
	restrictions?: Pick<Restrictions, 'changed'>;
	/** Writes (requests, goals, tasks, meetings) one person may make per minute. */
	writesPerMinute?: number;
	/** Where that limit is counted (`Scale['limiter']`: shared by every process); in memory without it. */
	limiter?: (options: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract;
}

/**
 * Matching for the program (one program per installation: the program policy row): people's matching profiles and
 * vetting, rounds an admin runs, reviews, adjusts and publishes, self-match requests, the pair's yes and the
 * guardian's, activation with the pair's space, and the mentorship's life with its goals, tasks and meetings.
 */
export function createMatchingService({ db, logger, spaces, safeguarding, audit, pipeline, restrictions, translator, writesPerMinute = 120, limiter }: MatchingOptions) {
	const engine: Engine = engineModule;
	const events = new EventEmitter<MatchingEvents>();
	const program = createProgramSettings({ db, engine, audit });
	const ctx = { db, log: logger.child({ ns: 'matching' }), spaces, safeguarding, audit, translator, pipeline, restrictions, engine, events, program };
	const rounds = createRounds(ctx);
	const mentorships = createMentorships(ctx);
	const together = createTogether(ctx, mentorships);
	const writesLimit = { keyPrefix: 'matching_writes', points: writesPerMinute, duration: 60 };
	const writes = limiter ? limiter(writesLimit) : new RateLimiterMemory(writesLimit);

	/** Counts one write of `userId` against the per-minute limit (429 `rate_limited` beyond it). */
	async function write(userId: string): Promise<void> {
		try {
			await writes.consume(userId);
		} catch (e) {
			if (e instanceof RateLimiterRes) throw new AppError(429, 'rate_limited', { retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) });
			throw e;
		}
	}

	/** The person's matching profile (defaults until they save one). */
	async function profile(userId: string): Promise<MatchingProfile> {
		const c = await readCandidate(db, userId);
		if (!c) throw notFound();
		return profileView(c);
	}

	return {
		events,
		/** The program's goal tags (the engine's vocabulary), for forms. */
		goals: engine.GOALS,
		/**
		 * The program's matching settings (weights, minimum weekly overlap, ...): what rounds start from and self-match
		 * ranks with. `get()` the settings in force, `update({ actorId, patch })` (admins; audited).
		 */
		settings: { get: program.get, update: program.update },
		profile,

		/** Saves any of availability, goals (from the program's list), capacity (mentors, 0–10) and preferences. */
		async updateProfile({ user, patch }: { user: Pick<Me, 'id' | 'role'>; patch: ProfileInput }): Promise<MatchingProfile> {
			const fields: Record<string, 'matching_goal_invalid' | 'matching_capacity_invalid'> = {};
			if (patch.goals?.some((g) => !engine.GOALS.includes(g))) fields.goals = 'matching_goal_invalid';
			if (patch.capacity !== undefined && user.role !== 'mentor') fields.capacity = 'matching_capacity_invalid';
			if (Object.keys(fields).length > 0) throw new AppError(400, 'invalid_input', { fields });
			await write(user.id);
			const values = { ...patch, updatedAt: new Date() };
			await db.insert(matchingProfiles).values({ userId: user.id, ...values }).onConflictDoUpdate({ target: matchingProfiles.userId, set: values });
			return profile(user.id);
		},

		/**
		 * Admins record (or withdraw) a mentor's vetting for work with minors; audited. Withdrawing it ends, in the same
		 * transaction, the mentor's proposals to minors (reason `program`, each audited); their active or paused
		 * mentorships with minors are left to staff and listed in `minorsLeftActive` and the audit entry.
		 */
		async setVetting({ actorId, userId, vetted }: { actorId: string; userId: string; vetted: boolean }): Promise<MatchingProfile & { endedProposals: string[]; minorsLeftActive: string[] }> {
			const c = await readCandidate(db, userId);
			if (!c) throw notFound();
			if (c.role !== 'mentor') throw new AppError(409, 'matching_not_a_mentor');
			const now = new Date();
			const values = { vettedForMinorsAt: vetted ? now : null, vettedBy: vetted ? actorId : null, updatedAt: now };
			const ended: Array<{ id: string; menteeId: string }> = [];
			const leftActive: string[] = [];
			await db.transaction(async (tx) => {
				await tx.insert(matchingProfiles).values({ userId, ...values }).onConflictDoUpdate({ target: matchingProfiles.userId, set: values });
				if (!vetted) {
					const { minorAge } = await safeguarding.policy(tx);
					const live = await tx
						.select({ id: mentorshipsTable.id, menteeId: mentorshipsTable.menteeId, status: mentorshipsTable.status, birthDate: profiles.birthDate })
						.from(mentorshipsTable)
						.innerJoin(profiles, eq(profiles.userId, mentorshipsTable.menteeId))
						.where(and(eq(mentorshipsTable.mentorId, userId), inArray(mentorshipsTable.status, [...LIVE_STATUSES])))
						.for('update', { of: mentorshipsTable });
					for (const m of live.filter((r) => ageOf(r.birthDate) < minorAge)) {
						if (m.status !== 'proposed') {
							leftActive.push(m.id);
							continue;
						}
						await tx.update(mentorshipsTable).set({ status: 'ended', endedReason: 'program', endedBy: actorId, endedAt: now, updatedAt: now }).where(eq(mentorshipsTable.id, m.id));
						await audit.record({ actorId, action: 'mentorship.end', targetType: 'mentorship', targetId: m.id, detail: { by: 'staff', reason: 'program', cause: 'vetting_withdrawn' } }, tx);
						ended.push(m);
					}
				}
				await audit.record(
					{ actorId, action: vetted ? 'matching.vetting.grant' : 'matching.vetting.withdraw', targetType: 'user', targetId: userId, detail: vetted ? undefined : { endedProposals: ended.map((m) => m.id), minorsLeftActive: leftActive } },
					tx
				);
			});
			for (const m of ended) events.emit('mentorship:changed', { mentorshipId: m.id, status: 'ended', menteeId: m.menteeId, mentorId: userId, spaceId: null });
			ctx.log.info({ actorId, userId, vetted, endedProposals: ended.length, minorsLeftActive: leftActive.length }, 'mentor vetting recorded');
			return { ...(await profile(userId)), endedProposals: ended.map((m) => m.id), minorsLeftActive: leftActive };
		},

		/** Ids of the mentors an admin has vetted for work with minors (for the admin's list of accounts). */
		async vettedMentors(): Promise<Set<string>> {
			const rows = await db.select({ userId: matchingProfiles.userId }).from(matchingProfiles).where(isNotNull(matchingProfiles.vettedForMinorsAt));
			return new Set(rows.map((r) => r.userId));
		},

		/**
		 * Mentors an admin may pick when pairing by hand: active, taking part, with the room they have left once live
		 * mentorships are counted (a draft round's own proposals are not: adjust counts those).
		 */
		async mentorChoices(): Promise<Array<PersonView & { spare: number; vettedForMinors: boolean }>> {
			const [mentors, withdrawn, live] = await Promise.all([readCandidates(db, eq(users.role, 'mentor')), safeguarding.withdrawnParticipation(), liveCountByMentor(db)]);
			return mentors
				.filter((c) => c.status === 'active' && !withdrawn.has(c.id))
				.map((c) => ({ id: c.id, displayName: c.displayName, country: c.country, timezone: c.timezone, spare: Math.max(0, c.capacity - (live.get(c.id) ?? 0)), vettedForMinors: c.vettedForMinorsAt !== null }))
				.sort((a, b) => a.displayName.localeCompare(b.displayName));
		},

		rounds: {
			list: rounds.list,
			get: ({ roundId, locale }: { roundId: string; locale: UiLocale }) => rounds.view(roundId, locale),
			run: rounds.run,
			adjust: rounds.adjust,
			publish: rounds.publish,
			discard: rounds.discard
		},

		/** Self-match: eligible mentors with room, best first, for a mentee. */
		rankFor: mentorships.rank,
		async request(input: Parameters<typeof mentorships.request>[0]) {
			await write(input.user.id);
			return mentorships.request(input);
		},
		list: mentorships.list,
		/** The mentorship with its goals, tasks and meetings. */
		async get(input: Parameters<typeof mentorships.get>[0]) {
			const view = await mentorships.get(input);
			return { ...view, ...(await together.lists(input.user, input.id)) };
		},
		accept: mentorships.accept,
		decline: mentorships.decline,
		pause: ({ user, id }: { user: Pick<Me, 'id' | 'role'>; id: string }) => mentorships.move({ user, id, transition: 'pause' }),
		resume: ({ user, id }: { user: Pick<Me, 'id' | 'role'>; id: string }) => mentorships.move({ user, id, transition: 'resume' }),
		complete: ({ user, id }: { user: Pick<Me, 'id' | 'role'>; id: string }) => mentorships.move({ user, id, transition: 'complete' }),
		end: mentorships.end,
		guardianProposals: mentorships.guardianProposals,
		guardianDecide: mentorships.guardianDecide,

		addGoal: async (input: Parameters<typeof together.addGoal>[0]) => (await write(input.user.id), together.addGoal(input)),
		updateGoal: async (input: Parameters<typeof together.updateGoal>[0]) => (await write(input.user.id), together.updateGoal(input)),
		deleteGoal: async (input: Parameters<typeof together.deleteGoal>[0]) => (await write(input.user.id), together.deleteGoal(input)),
		addTask: async (input: Parameters<typeof together.addTask>[0]) => (await write(input.user.id), together.addTask(input)),
		updateTask: async (input: Parameters<typeof together.updateTask>[0]) => (await write(input.user.id), together.updateTask(input)),
		deleteTask: async (input: Parameters<typeof together.deleteTask>[0]) => (await write(input.user.id), together.deleteTask(input)),
		proposeMeeting: async (input: Parameters<typeof together.proposeMeeting>[0]) => (await write(input.user.id), together.proposeMeeting(input)),
		decideMeeting: async (input: Parameters<typeof together.decideMeeting>[0]) => (await write(input.user.id), together.decideMeeting(input)),
		meetingsIcs: together.ics,

		close(): void {
			events.removeAllListeners();
		}
	};
}

export type MatchingService = ReturnType<typeof createMatchingService>;
