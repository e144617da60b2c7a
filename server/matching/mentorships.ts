import { and, count, desc, eq, gt, inArray, ne, or } from 'drizzle-orm';
import type { Me } from '../accounts';
import { isUniqueViolation } from '../db';
import { matchingRounds, mentorships, users, type StoredScore } from '../db/schema';
import { AppError, forbidden, notFound } from '../errors';
import { setSpaceLockIn } from '../moderation/lock';
import type { Tx } from '../spaces';
import type { UiLocale } from '../../src/lib/i18n/locales';
import { activateIn, checkActivationIn } from './activation';
import { askGuardian, checkPair, countryName, endedByReport, recentlyDeclined, settingsFor, translatablePairs, type MatchingContext, type StoredSettings } from './context';
import { mayAct, next, readyToActivate, standingOf, type EndReason, type MentorshipStatus, type Standing, type Transition } from './lifecycle';
import { liveCountByMentor, lockMentors, personViews, readCandidate, readCandidates, toMentee, toMentor, type PersonView } from './people';
import type { ExplanationPart } from './types';

type Row = typeof mentorships.$inferSelect;

/** Self-match requests one mentee may make per day: each may mail their guardian, so they are few. */
export const REQUESTS_PER_DAY = 5;

/** End reasons the pair is told as they are; any other (a report, safeguarding) reaches them as `program`. */
const SHOWN_TO_PAIR = new Set(['declined', 'guardian_declined', 'completed']);

/** End reasons that lock the pair's space in the same transaction. */
const LOCKS_SPACE = new Set(['report', 'safeguarding']);

export interface MentorshipView {
	id: string;
	status: MentorshipStatus;
	source: 'round' | 'request' | 'manual';
	roundId: string | null;
	mentee: PersonView;
	mentor: PersonView;
	/** How the reader stands to it. */
	myPart: Exclude<Standing, 'none'>;
	/** The mentor does not see `genderPreference` (the mentee's wish is theirs); `total` is as stored. */
	score: (Omit<StoredScore, 'genderPreference'> & Partial<Pick<StoredScore, 'genderPreference'>>) | null;
	explanation: ExplanationPart[];
	/** The explanation as sentences in the reader's language. */
	reasons: string[];
	mentorAcceptedAt: string | null;
	menteeAcceptedAt: string | null;
	guardianRequired: boolean;
	guardianApprovedAt: string | null;
	/** Whose yes a proposal still waits for. */
	waitingFor: Array<'mentor' | 'mentee' | 'guardian'>;
	/** The pair's space, once active. */
	spaceId: string | null;
	endedReason: string | null;
	endedAt: string | null;
	proposedAt: string | null;
	activatedAt: string | null;
	createdAt: string;
}

/** A mentor a mentee may ask for, best first. */
export interface RankedMentor {
	mentor: PersonView & { languages: { tag: string; level: string }[]; passions: string[] };
	score: StoredScore;
	explanation: ExplanationPart[];
	reasons: string[];
}

/** What the guardian's page lists: proposals waiting for their approval. */
export interface GuardianProposal {
	id: string;
	mentorName: string;
	mentorCountry: string;
	mentorAccepted: boolean;
	reasons: string[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function withoutGender({ genderPreference: _g, ...rest }: StoredScore): Omit<StoredScore, 'genderPreference'> {
	return rest;
}

/** Mentorships between a mentee and a mentor: asking, saying yes or no, activation, and their life after. */
export function createMentorships(ctx: MatchingContext) {
	const { db, engine, safeguarding, audit } = ctx;

	async function load(id: string): Promise<Row | null> {
		const [row] = await db.select().from(mentorships).where(eq(mentorships.id, id)).limit(1);
		return row ?? null;
	}

	async function views(rows: Row[], reader: { id: string; role: string }, locale: UiLocale): Promise<MentorshipView[]> {
		const people = await personViews(db, rows.flatMap((r) => [r.menteeId, r.mentorId]));
		const person = (id: string): PersonView => people.get(id) ?? { id, displayName: '', country: '', timezone: 'UTC' };
		return rows.map((r) => {
			const part = standingOf(r, reader) as Exclude<Standing, 'none'>;
			const waitingFor: MentorshipView['waitingFor'] = [];
			if (r.status === 'proposed') {
				if (!r.mentorAcceptedAt) waitingFor.push('mentor');
				if (!r.menteeAcceptedAt) waitingFor.push('mentee');
				if (r.guardianRequired && !r.guardianApprovedAt) waitingFor.push('guardian');
			}
			// What the mentee asked of a mentor's gender is theirs: the mentor sees neither the line nor the component.
			const forMentor = part === 'mentor';
			const explanation = forMentor ? r.explanation.filter((p) => p.kind !== 'gender_preference') : r.explanation;
			const score = forMentor && r.score ? withoutGender(r.score) : r.score;
			return {
				id: r.id,
				status: r.status,
				source: r.source,
				roundId: r.roundId,
				mentee: person(r.menteeId),
				mentor: person(r.mentorId),
				myPart: part,
				score,
				explanation,
				reasons: engine.explain(explanation, locale),
				mentorAcceptedAt: iso(r.mentorAcceptedAt),
				menteeAcceptedAt: iso(r.menteeAcceptedAt),
				guardianRequired: r.guardianRequired,
				guardianApprovedAt: iso(r.guardianApprovedAt),
				waitingFor,
				spaceId: r.spaceId,
				endedReason: r.endedReason === null || part === 'staff' || SHOWN_TO_PAIR.has(r.endedReason) ? r.endedReason : 'program',
				endedAt: iso(r.endedAt),
				proposedAt: iso(r.proposedAt),
				activatedAt: iso(r.activatedAt),
				createdAt: r.createdAt.toISOString()
			};
		});
	}

	/**
	 * The mentorship as `user` may see it: the pair and staff; anyone else (and anyone, for a draft nobody has been
	 * shown) gets not_found.
	 */
	async function visible(user: Pick<Me, 'id' | 'role'>, id: string): Promise<{ row: Row; standing: Exclude<Standing, 'none'> }> {
		const row = await load(id);
		const standing = row ? standingOf(row, user) : 'none';
		if (!row || standing === 'none' || row.status === 'draft') throw notFound();
		return { row, standing };
	}

	/** The caller may take part now (an account waiting for consent, or whose consent was withdrawn, may not). */
	async function assertParticipant(userId: string): Promise<void> {
		const state = await safeguarding.participation(userId);
		if (state !== 'ok') throw new AppError(403, state);
	}

	/** Inside a transaction: the row, locked, still in the state the transition needs. */
	async function lockFor(tx: Tx, id: string, transition: Transition): Promise<Row> {
		const [row] = await tx.select().from(mentorships).where(eq(mentorships.id, id)).for('update');
		if (!row) throw notFound();
		if (next(row.status, transition) === null) throw new AppError(409, 'matching_illegal_transition');
		return row;
	}

	function changed(row: Pick<Row, 'id' | 'menteeId' | 'mentorId'>, status: string, spaceId: string | null = null): void {
		ctx.events.emit('mentorship:changed', { mentorshipId: row.id, status, menteeId: row.menteeId, mentorId: row.mentorId, spaceId });
	}

	/**
	 * Records a yes (the mentor's, the mentee's or the guardian's) and, when it is the last one needed, activates the
	 * mentorship in the same transaction.
	 */
	async function sayYes(row: Row, field: 'mentorAcceptedAt' | 'menteeAcceptedAt' | 'guardianApprovedAt', who: { actorId: string | null; by: string }, check?: (tx: Tx) => Promise<void>): Promise<void> {
		if (next(row.status, 'accept') === null) throw new AppError(409, 'matching_illegal_transition');
		const now = new Date();
		const result = await db.transaction(async (tx) => {
			await check?.(tx);
			const current = await lockFor(tx, row.id, 'accept');
			// A yes said again changes nothing and is not recorded twice.
			if (current[field] !== null) return 'unchanged' as const;
			const updated = { ...current, [field]: now };
			await tx.update(mentorships).set({ [field]: updated[field], updatedAt: now }).where(eq(mentorships.id, row.id));
			await audit.record({ actorId: who.actorId, action: field === 'guardianApprovedAt' ? 'mentorship.guardian_approve' : 'mentorship.accept', targetType: 'mentorship', targetId: row.id, detail: { by: who.by } }, tx);
			if (!readyToActivate(updated)) return null;
			// Checked after the lock, so two yeses at once both see what holds at commit (the policy may have changed too).
			return activateIn(ctx, tx, updated, await checkActivationIn(ctx, tx, current));
		});
		if (result === 'unchanged') return;
		if (result) {
			result.announce();
			ctx.log.info({ mentorshipId: row.id, spaceId: result.spaceId }, 'mentorship active');
			changed(row, 'active', result.spaceId);
		} else changed(row, 'proposed');
	}

	async function endAs(row: Row, transition: Transition, { actorId, reason, by, note }: { actorId: string | null; reason: string; by: string; note?: string }, check?: (tx: Tx) => Promise<void>): Promise<void> {
		const status = transition === 'complete' ? 'completed' : 'ended';
		const now = new Date();
		const locked = await db.transaction(async (tx) => {
			await check?.(tx);
			const current = await lockFor(tx, row.id, transition);
			await tx.update(mentorships).set({ status, endedReason: reason, endedBy: actorId, endedAt: now, updatedAt: now }).where(eq(mentorships.id, row.id));
			await audit.record({ actorId, action: `mentorship.${transition === 'decline' && by === 'guardian' ? 'guardian_decline' : transition}`, targetType: 'mentorship', targetId: row.id, detail: { by, reason, ...(note ? { note } : {}) } }, tx);
			// Ended over a report or for safeguarding: the pair may not go on talking in their space (moderators may unlock it).
			if (!current.spaceId || !LOCKS_SPACE.has(reason)) return null;
			await setSpaceLockIn(tx, audit, { actorId, spaceId: current.spaceId, locked: true, reason: `mentorship_ended:${reason}` });
			return current.spaceId;
		});
		// Whether or not this call locked it (a moderator may have): open connections follow the lock before the answer.
		if (locked) await ctx.restrictions?.changed({ spaceId: locked });
		changed(row, status, row.spaceId);
	}

	/** The settings self-match ranks with: the program's (weights, minimum overlap, ...), over the weeks from next Monday. */
	async function selfMatchSettings(): Promise<StoredSettings> {
		const [program, pairs] = await Promise.all([ctx.program.stored(), translatablePairs(ctx)]);
		return settingsFor(engine, program, pairs);
	}

	/** The mentee (self-match) as the engine sees them, and the mentors they could ask for now. */
	async function selfMatch(user: Pick<Me, 'id' | 'role'>) {
		if (user.role !== 'mentee') throw forbidden();
		await assertParticipant(user.id);
		const [policy, me, live, withdrawn, mentors, settings, skipPairs, excludedPairs] = await Promise.all([
			safeguarding.policy(),
			readCandidate(db, user.id),
			liveCountByMentor(db),
			safeguarding.withdrawnParticipation(),
			readCandidates(db, eq(users.role, 'mentor')),
			selfMatchSettings(),
			recentlyDeclined(db, { menteeId: user.id }),
			endedByReport(db, { menteeId: user.id })
		]);
		if (!me) throw notFound();
		const eligible = mentors.filter((c) => c.status === 'active' && !withdrawn.has(c.id));
		return {
			mentee: toMentee(me, policy.minorAge),
			mentors: eligible.map((c) => toMentor(c, c.capacity - (live.get(c.id) ?? 0))),
			candidates: new Map(eligible.map((c) => [c.id, c])),
			settings: { ...settings, excludedPairs, skipPairs }
		};
	}

	return {
		load,
		visible,
		views,
		assertParticipant,

		/** Mentorships `user` is part of (staff with `all`: every one), newest first; drafts never. */
		async list({ user, all = false, locale }: { user: Pick<Me, 'id' | 'role'>; all?: boolean; locale: UiLocale }): Promise<MentorshipView[]> {
			if (all && user.role !== 'admin' && user.role !== 'moderator') throw forbidden();
			const mine = all ? undefined : or(eq(mentorships.menteeId, user.id), eq(mentorships.mentorId, user.id));
			const rows = await db.select().from(mentorships).where(and(ne(mentorships.status, 'draft'), mine)).orderBy(desc(mentorships.createdAt)).limit(500);
			return views(rows, user, locale);
		},

		async get({ user, id, locale }: { user: Pick<Me, 'id' | 'role'>; id: string; locale: UiLocale }): Promise<MentorshipView> {
			const { row, standing } = await visible(user, id);
			if (standing !== 'staff') await assertParticipant(user.id);
			return (await views([row], user, locale))[0]!;
		},

		/** Self-match: mentors the mentee could ask for now (eligible, with room), best first. */
		async rank({ user, locale }: { user: Pick<Me, 'id' | 'role'>; locale: UiLocale }): Promise<{ mentors: RankedMentor[]; canRequest: boolean }> {
			const { mentee, mentors, candidates, settings } = await selfMatch(user);
			const [busy] = await db.select({ id: mentorships.id }).from(mentorships).where(and(eq(mentorships.menteeId, user.id), inArray(mentorships.status, ['proposed', 'active', 'paused']))).limit(1);
			const ranked = engine.rankMentors(mentee, mentors, settings);
			return {
				canRequest: !busy,
				mentors: ranked.map((p) => {
					const c = candidates.get(p.mentorId)!;
					return {
						mentor: { id: c.id, displayName: c.displayName, country: c.country, timezone: c.timezone, languages: c.languages, passions: c.passions },
						score: { ...p.score, overlapHoursPerWeek: p.overlapHoursPerWeek },
						explanation: p.explanation,
						reasons: engine.explain(p.explanation, locale)
					};
				})
			};
		},

		/**
		 * Self-match: the mentee asks for a mentor. The pair is checked again as the engine would (eligible, room, no
		 * hard constraint broken); the mentorship is proposed with the mentee's yes, and their guardian is asked when one
		 * decides for them. At most REQUESTS_PER_DAY a day.
		 */
		async request({ user, mentorId, baseUrl, locale }: { user: Pick<Me, 'id' | 'role'>; mentorId: string; baseUrl: string; locale: UiLocale }): Promise<MentorshipView> {
			const { mentee, mentors, settings } = await selfMatch(user);
			const [{ n }] = (await db
				.select({ n: count() })
				.from(mentorships)
				.where(and(eq(mentorships.menteeId, user.id), eq(mentorships.source, 'request'), gt(mentorships.createdAt, new Date(Date.now() - 86_400_000))))) as [{ n: number }];
			if (Number(n) >= REQUESTS_PER_DAY) throw new AppError(429, 'rate_limited', { retryAfterSeconds: 3600 });
			const [live] = await db.select({ id: mentorships.id }).from(mentorships).where(and(eq(mentorships.menteeId, user.id), inArray(mentorships.status, ['proposed', 'active', 'paused']))).limit(1);
			if (live) throw new AppError(409, 'matching_already_matched');
			const mentor = mentors.find((m) => m.id === mentorId);
			if (!mentor) throw new AppError(409, 'matching_mentor_unavailable');
			if (mentor.capacity <= 0) throw new AppError(409, 'matching_capacity');
			if (settings.skipPairs.some((p) => p.mentorId === mentorId)) throw new AppError(409, 'matching_pair_not_allowed');
			let proposal;
			try {
				proposal = checkPair(engine, mentee, mentor, settings);
			} catch (e) {
				// A mentee is not told that a mentorship of theirs ended because of a report.
				if ((e as AppError).code === 'matching_ended_by_report') throw new AppError(409, 'matching_pair_not_allowed');
				throw e;
			}
			const guardianRequired = await safeguarding.underConsentAge(user.id);
			const now = new Date();
			let id: string;
			try {
				id = await db.transaction(async (tx) => {
					// Counted again under the mentor's lock: two mentees asking at once must not both get the last place.
					await lockMentors(tx, [mentorId]);
					const current = await readCandidate(tx, mentorId);
					const live = (await liveCountByMentor(tx, [mentorId])).get(mentorId) ?? 0;
					if (!current || current.capacity - live <= 0) throw new AppError(409, 'matching_capacity');
					if (mentee.minor && current.vettedForMinorsAt === null) throw new AppError(409, 'matching_minor_needs_vetted_mentor');
					const [row] = await tx
						.insert(mentorships)
						.values({
							menteeId: user.id,
							mentorId,
							status: 'proposed',
							source: 'request',
							score: { ...proposal.score, overlapHoursPerWeek: proposal.overlapHoursPerWeek },
							explanation: proposal.explanation,
							menteeAcceptedAt: now,
							proposedAt: now,
							guardianRequired,
							createdBy: user.id
						})
						.returning({ id: mentorships.id });
					await audit.record({ actorId: user.id, action: 'mentorship.request', targetType: 'mentorship', targetId: row!.id, detail: { mentorId, guardianRequired } }, tx);
					if (guardianRequired) await askGuardian(ctx, tx, { menteeId: user.id, mentorId, baseUrl });
					return row!.id;
				});
			} catch (e) {
				if (isUniqueViolation(e)) throw new AppError(409, 'matching_already_matched');
				throw e;
			}
			safeguarding.outbox.kick();
			changed({ id, menteeId: user.id, mentorId }, 'proposed');
			return (await views([(await load(id))!], user, locale))[0]!;
		},

		/** The mentor or the mentee says yes; the last yes needed activates the mentorship and creates its space. */
		async accept({ user, id }: { user: Pick<Me, 'id' | 'role'>; id: string }): Promise<void> {
			const { row, standing } = await visible(user, id);
			if (!mayAct(standing, 'accept')) throw forbidden();
			await assertParticipant(user.id);
			await sayYes(row, standing === 'mentor' ? 'mentorAcceptedAt' : 'menteeAcceptedAt', { actorId: user.id, by: standing });
		},

		/** The mentor or the mentee says no: the proposal ends (`declined`) and the pair is not proposed again for a while. Always allowed. */
		async decline({ user, id }: { user: Pick<Me, 'id' | 'role'>; id: string }): Promise<void> {
			const { row, standing } = await visible(user, id);
			if (!mayAct(standing, 'decline')) throw forbidden();
			await endAs(row, 'decline', { actorId: user.id, reason: 'declined', by: standing });
		},

		/** Either of the pair pauses, resumes or completes the mentorship. */
		async move({ user, id, transition }: { user: Pick<Me, 'id' | 'role'>; id: string; transition: 'pause' | 'resume' | 'complete' }): Promise<void> {
			const { row, standing } = await visible(user, id);
			if (!mayAct(standing, transition)) throw forbidden();
			await assertParticipant(user.id);
			if (transition === 'complete') return endAs(row, 'complete', { actorId: user.id, reason: 'completed', by: standing });
			const status = next(row.status, transition);
			if (!status) throw new AppError(409, 'matching_illegal_transition');
			await db.transaction(async (tx) => {
				await lockFor(tx, id, transition);
				await tx.update(mentorships).set({ status, updatedAt: new Date() }).where(eq(mentorships.id, id));
				await audit.record({ actorId: user.id, action: `mentorship.${transition}`, targetType: 'mentorship', targetId: id, detail: { by: standing } }, tx);
			});
			changed(row, status, row.spaceId);
		},

		/** Staff end a mentorship with a reason; `report` keeps the pair from ever being proposed again. */
		async end({ user, id, reason, note }: { user: Pick<Me, 'id' | 'role'>; id: string; reason: EndReason; note?: string }): Promise<void> {
			const { row, standing } = await visible(user, id);
			if (!mayAct(standing, 'end')) throw forbidden();
			await endAs(row, 'end', { actorId: user.id, reason, by: 'staff', note });
			ctx.log.info({ mentorshipId: id, actorId: user.id, reason }, 'mentorship ended by staff');
		},

		/** Proposals waiting for this guardian's approval (their standing link's child); none when the link does not work. */
		async guardianProposals({ token, locale }: { token: string; locale: UiLocale }): Promise<GuardianProposal[]> {
			let child: string;
			try {
				child = (await safeguarding.guardianLinkChild(token)).userId;
			} catch {
				return [];
			}
			const rows = await db
				.select()
				.from(mentorships)
				.where(and(eq(mentorships.menteeId, child), eq(mentorships.status, 'proposed'), eq(mentorships.guardianRequired, true)))
				.orderBy(desc(mentorships.proposedAt));
			const pending = rows.filter((r) => r.guardianApprovedAt === null);
			const people = await personViews(db, pending.map((r) => r.mentorId));
			return pending.map((r) => ({
				id: r.id,
				mentorName: people.get(r.mentorId)?.displayName ?? '',
				mentorCountry: countryName(people.get(r.mentorId)?.country ?? '', locale),
				mentorAccepted: r.mentorAcceptedAt !== null,
				reasons: engine.explain(r.explanation, locale)
			}));
		},

		/** The guardian approves or declines a proposal for their child, from their standing link's page. */
		async guardianDecide({ token, id, approve }: { token: string; id: string; approve: boolean }): Promise<void> {
			const link = await safeguarding.guardianLinkChild(token);
			const row = await load(id);
			if (!row || row.menteeId !== link.userId || row.status === 'draft') throw notFound();
			if (!row.guardianRequired || row.guardianApprovedAt !== null || row.status !== 'proposed') throw new AppError(409, 'matching_illegal_transition');
			if (approve) await sayYes(row, 'guardianApprovedAt', { actorId: null, by: 'guardian' }, link.check);
			else await endAs(row, 'decline', { actorId: null, reason: 'guardian_declined', by: 'guardian' }, link.check);
		}
	};
}

export type Mentorships = ReturnType<typeof createMentorships>;
