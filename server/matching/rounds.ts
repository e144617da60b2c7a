import { and, desc, eq, inArray } from 'drizzle-orm';
import { isUniqueViolation } from '../db';
import { matchingRounds, mentorships, users, type RoundUnmatched, type StoredScore } from '../db/schema';
import { AppError, notFound } from '../errors';
import { errorMessage } from '../i18n';
import { ageOf } from '../safeguarding/policy';
import type { UiLocale } from '../../src/lib/i18n/locales';
import { mergePatch } from './program-settings';
import { askGuardian, checkPair, constraintError, endedByReport, message, recentlyDeclined, settingsFor, translatablePairs, type MatchingContext, type StoredSettings } from './context';
import { liveCountByMentor, lockMentors, menteesWithLiveMentorship, readCandidate, readCandidates, toMentee, toMentor, type Candidate, type PersonView } from './people';
import type { ExplanationPart } from './types';
import type { Adjustment, SettingsPatch } from './validation';

type Row = typeof mentorships.$inferSelect;

export interface RoundPerson extends PersonView {
	/** Mentees: a minor under the program policy. */
	minor: boolean;
	/** Mentors: vetted for work with minors. */
	vettedForMinors: boolean;
}

export interface ProposalView {
	mentorshipId: string;
	status: string;
	/** `round`: the engine's; `manual`: made by an admin's hand. */
	source: string;
	mentee: RoundPerson;
	mentor: RoundPerson;
	score: StoredScore | null;
	explanation: ExplanationPart[];
	/** The explanation as sentences in the reader's language. */
	reasons: string[];
}

export interface UnmatchedView {
	mentee: RoundPerson;
	/** A constraint code, `mentors_full`, `no_eligible_mentor`, `removed_by_admin` or `no_longer_available`. */
	reason: string;
	/** How many mentors each constraint ruled out. */
	ruledOut: Record<string, number>;
	/** The reason as a sentence in the reader's language. */
	message: string;
}

export interface RoundView {
	id: string;
	status: 'draft' | 'published' | 'discarded';
	settings: StoredSettings;
	totalScore: number;
	createdAt: string;
	createdBy: string | null;
	publishedAt: string | null;
	publishedBy: string | null;
	proposals: ProposalView[];
	unmatched: UnmatchedView[];
}

export interface RoundSummary {
	id: string;
	status: string;
	totalScore: number;
	proposals: number;
	unmatched: number;
	createdAt: string;
	publishedAt: string | null;
}

/** Reasons the engine and the service give for someone left unmatched; each has a sentence about the person. */
const UNMATCHED_REASONS = new Set(['no_eligible_mentor', 'mentors_full', 'balance', 'no_longer_available', 'removed_by_admin']);

const matchable = (c: Candidate, role: 'mentee' | 'mentor', withdrawn: Set<string>) => c.role === role && c.status === 'active' && !withdrawn.has(c.id);

/** Matching rounds: run the engine over everyone waiting, let an admin review and adjust, then publish. */
export function createRounds(ctx: MatchingContext) {
	const { db, engine, safeguarding, audit } = ctx;

	/** Why someone stayed unmatched, said of the person (`matching_unmatched_<reason>`), not of a pair. */
	function reasonMessage(reason: string, locale: UiLocale): string {
		return UNMATCHED_REASONS.has(reason) ? message(`matching_unmatched_${reason}`, locale) : errorMessage(constraintError(reason), locale);
	}

	async function view(roundId: string, locale: UiLocale): Promise<RoundView> {
		const [round] = await db.select().from(matchingRounds).where(eq(matchingRounds.id, roundId)).limit(1);
		if (!round) throw notFound();
		const rows = await db.select().from(mentorships).where(eq(mentorships.roundId, roundId));
		const ids = [...rows.flatMap((r) => [r.menteeId, r.mentorId]), ...round.unmatched.map((u) => u.menteeId)];
		const { minorAge } = await safeguarding.policy();
		const people = new Map((ids.length ? await readCandidates(db, inArray(users.id, [...new Set(ids)])) : []).map((c) => [c.id, c]));
		const person = (id: string): RoundPerson => {
			const c = people.get(id);
			return {
				id,
				displayName: c?.displayName ?? '',
				country: c?.country ?? '',
				timezone: c?.timezone ?? 'UTC',
				minor: c ? ageOf(c.birthDate) < minorAge : false,
				vettedForMinors: c?.vettedForMinorsAt != null
			};
		};
		return {
			id: round.id,
			status: round.status,
			settings: round.settings,
			totalScore: round.totalScore,
			createdAt: round.createdAt.toISOString(),
			createdBy: round.createdBy,
			publishedAt: round.publishedAt?.toISOString() ?? null,
			publishedBy: round.publishedBy,
			proposals: rows
				.sort((a, b) => (b.score?.total ?? 0) - (a.score?.total ?? 0) || a.createdAt.getTime() - b.createdAt.getTime())
				.map((r) => ({
					mentorshipId: r.id,
					status: r.status,
					source: r.source,
					mentee: person(r.menteeId),
					mentor: person(r.mentorId),
					score: r.score,
					explanation: r.explanation,
					reasons: engine.explain(r.explanation, locale)
				})),
			unmatched: round.unmatched.map((u) => ({
				mentee: person(u.menteeId),
				reason: u.reason,
				ruledOut: Object.fromEntries(Object.entries(u.ruledOut).filter(([, n]) => typeof n === 'number')) as Record<string, number>,
				message: reasonMessage(u.reason, locale)
			}))
		};
	}

	async function draftRound(roundId: string) {
		const [round] = await db.select().from(matchingRounds).where(eq(matchingRounds.id, roundId)).limit(1);
		if (!round) throw notFound();
		if (round.status !== 'draft') throw new AppError(409, 'matching_round_closed');
		return round;
	}

	/** Inside the round's transaction: it is still a draft (another admin may have published or discarded it). */
	async function lockDraft(tx: Parameters<Parameters<typeof db.transaction>[0]>[0], roundId: string) {
		const [round] = await tx.select({ status: matchingRounds.status }).from(matchingRounds).where(eq(matchingRounds.id, roundId)).for('update');
		if (!round) throw notFound();
		if (round.status !== 'draft') throw new AppError(409, 'matching_round_closed');
	}

	const totalOf = (scores: (StoredScore | null)[]) => Math.round(scores.reduce((s, x) => s + (x?.total ?? 0), 0) * 1000) / 1000;

	return {
		view,

		/** Every round, newest first. */
		async list(): Promise<RoundSummary[]> {
			const rounds = await db.select().from(matchingRounds).orderBy(desc(matchingRounds.createdAt));
			const rows = rounds.length ? await db.select({ roundId: mentorships.roundId }).from(mentorships).where(inArray(mentorships.roundId, rounds.map((r) => r.id))) : [];
			return rounds.map((r) => ({
				id: r.id,
				status: r.status,
				totalScore: r.totalScore,
				proposals: rows.filter((x) => x.roundId === r.id).length,
				unmatched: r.unmatched.length,
				createdAt: r.createdAt.toISOString(),
				publishedAt: r.publishedAt?.toISOString() ?? null
			}));
		},

		/**
		 * Runs the engine over every active, participating mentee without a live mentorship and every such mentor with
		 * room, and stores its proposals as a draft round (an earlier draft is discarded: one draft at a time).
		 */
		async run({ actorId, settings: patch = {}, locale }: { actorId: string; settings?: SettingsPatch; locale: UiLocale }): Promise<RoundView> {
			const [policy, everyone, withdrawn, busy, live, excludedPairs, skipPairs, pairs, program] = await Promise.all([
				safeguarding.policy(),
				readCandidates(db, inArray(users.role, ['mentee', 'mentor'])),
				safeguarding.withdrawnParticipation(),
				menteesWithLiveMentorship(db),
				liveCountByMentor(db),
				endedByReport(db),
				recentlyDeclined(db),
				translatablePairs(ctx),
				ctx.program.stored()
			]);
			const mentees = everyone.filter((c) => matchable(c, 'mentee', withdrawn) && !busy.has(c.id)).map((c) => toMentee(c, policy.minorAge));
			const mentors = everyone.filter((c) => matchable(c, 'mentor', withdrawn)).map((c) => toMentor(c, c.capacity - (live.get(c.id) ?? 0)));
			const settings = settingsFor(engine, mergePatch(program, patch), pairs);
			const result = engine.match(mentees, mentors, { ...settings, excludedPairs, skipPairs });
			const { roundId, discarded } = await db.transaction(async (tx) => {
				const discarded = await tx
					.update(matchingRounds)
					.set({ status: 'discarded', discardedAt: new Date() })
					.where(eq(matchingRounds.status, 'draft'))
					.returning({ id: matchingRounds.id });
				for (const d of discarded) await audit.record({ actorId, action: 'matching.round.discard', targetType: 'matching_round', targetId: d.id, detail: { replacedByNewRun: true } }, tx);
				const [round] = await tx
					.insert(matchingRounds)
					.values({ settings, unmatched: result.unmatched, totalScore: result.totalScore, createdBy: actorId })
					.returning({ id: matchingRounds.id });
				if (result.proposals.length > 0) {
					await tx.insert(mentorships).values(
						result.proposals.map((p) => ({
							roundId: round!.id,
							menteeId: p.menteeId,
							mentorId: p.mentorId,
							status: 'draft' as const,
							source: 'round' as const,
							score: { ...p.score, overlapHoursPerWeek: p.overlapHoursPerWeek },
							explanation: p.explanation,
							createdBy: actorId
						}))
					);
				}
				await audit.record(
					{
						actorId,
						action: 'matching.round.run',
						targetType: 'matching_round',
						targetId: round!.id,
						detail: { mentees: mentees.length, mentors: mentors.length, proposals: result.proposals.length, unmatched: result.unmatched.length, totalScore: result.totalScore }
					},
					tx
				);
				return { roundId: round!.id, discarded: discarded.map((d) => d.id) };
			});
			ctx.log.info({ roundId, actorId, proposals: result.proposals.length, unmatched: result.unmatched.length }, 'matching round run');
			for (const id of discarded) ctx.events.emit('round:changed', { roundId: id, status: 'discarded' });
			ctx.events.emit('round:changed', { roundId, status: 'draft' });
			return view(roundId, locale);
		},

		/**
		 * An admin changes a draft round by hand, all changes or none: a mentee gets another mentor (or one at all), or
		 * none. A hand-made pair must pass every hard constraint (refused with 409 `matching_<constraint>`), the mentor
		 * must have room, and both must be able to take part now.
		 */
		async adjust({ actorId, roundId, changes, locale }: { actorId: string; roundId: string; changes: Adjustment[]; locale: UiLocale }): Promise<RoundView> {
			const round = await draftRound(roundId);
			const [policy, withdrawn, busy, live, drafts] = await Promise.all([
				safeguarding.policy(),
				safeguarding.withdrawnParticipation(),
				menteesWithLiveMentorship(db),
				liveCountByMentor(db),
				db.select().from(mentorships).where(and(eq(mentorships.roundId, roundId), eq(mentorships.status, 'draft')))
			]);
			// Who each mentee of the round is proposed with, as the changes are applied one after another.
			const plan = new Map(drafts.map((d) => [d.menteeId, d.mentorId]));
			const made = new Map<string, { mentorId: string; score: StoredScore; explanation: ExplanationPart[] }>();
			for (const { menteeId, mentorId } of changes) {
				if (mentorId === null) {
					plan.delete(menteeId);
					made.delete(menteeId);
					continue;
				}
				const [mentee, mentor] = await Promise.all([readCandidate(db, menteeId), readCandidate(db, mentorId)]);
				if (!mentee || !matchable(mentee, 'mentee', withdrawn) || busy.has(menteeId)) throw new AppError(409, 'matching_mentee_unavailable');
				if (!mentor || !matchable(mentor, 'mentor', withdrawn)) throw new AppError(409, 'matching_mentor_unavailable');
				const planned = [...plan].filter(([m, t]) => t === mentorId && m !== menteeId).length;
				const spare = mentor.capacity - (live.get(mentorId) ?? 0) - planned;
				if (spare <= 0) throw new AppError(409, 'matching_capacity');
				// Declined lately (by either of them or the guardian): not even by hand, as rounds and self-match.
				if ((await recentlyDeclined(db, { menteeId })).some((p) => p.mentorId === mentorId)) throw new AppError(409, 'matching_pair_not_allowed');
				const proposal = checkPair(engine, toMentee(mentee, policy.minorAge), toMentor(mentor, spare), {
					...round.settings,
					excludedPairs: await endedByReport(db, { menteeId, mentorId }),
					skipPairs: []
				});
				plan.set(menteeId, mentorId);
				made.set(menteeId, { mentorId, score: { ...proposal.score, overlapHoursPerWeek: proposal.overlapHoursPerWeek }, explanation: proposal.explanation });
			}
			const changed = changes.map((c) => c.menteeId);
			const removed = changes.filter((c) => c.mentorId === null && drafts.some((d) => d.menteeId === c.menteeId)).map((c) => c.menteeId);
			await db.transaction(async (tx) => {
				await lockDraft(tx, roundId);
				await tx.delete(mentorships).where(and(eq(mentorships.roundId, roundId), eq(mentorships.status, 'draft'), inArray(mentorships.menteeId, changed)));
				if (made.size > 0) {
					await tx.insert(mentorships).values(
						[...made].map(([menteeId, p]) => ({ roundId, menteeId, mentorId: p.mentorId, status: 'draft' as const, source: 'manual' as const, score: p.score, explanation: p.explanation, createdBy: actorId }))
					);
				}
				const kept = drafts.filter((d) => !changed.includes(d.menteeId)).map((d) => d.score);
				const unmatched: RoundUnmatched[] = [
					...round.unmatched.filter((u) => !made.has(u.menteeId) && !removed.includes(u.menteeId)),
					...removed.filter((id) => !made.has(id)).map((menteeId) => ({ menteeId, reason: 'removed_by_admin' as const, ruledOut: {} }))
				];
				await tx
					.update(matchingRounds)
					.set({ unmatched, totalScore: totalOf([...kept, ...[...made.values()].map((p) => p.score)]) })
					.where(eq(matchingRounds.id, roundId));
				await audit.record({ actorId, action: 'matching.round.adjust', targetType: 'matching_round', targetId: roundId, detail: { changes } }, tx);
			});
			ctx.events.emit('round:changed', { roundId, status: 'draft' });
			return view(roundId, locale);
		},

		/**
		 * Publishes a draft round: its proposals become `proposed` for the pair to accept, and the guardian of each
		 * mentee under the consent age is mailed (a fresh standing link, with the proposals waiting on their page). A
		 * proposal that may no longer be made (mentee matched or suspended meanwhile, mentor suspended or full, a minor's
		 * mentor no longer vetted, the pair ended by a report or declined since the run) is dropped and listed as
		 * unmatched (`no_longer_available`); all of it is read inside the transaction, under the mentors' locks.
		 */
		async publish({ actorId, roundId, baseUrl, locale }: { actorId: string; roundId: string; baseUrl: string; locale: UiLocale }): Promise<RoundView> {
			const round = await draftRound(roundId);
			const before = await db.select({ menteeId: mentorships.menteeId }).from(mentorships).where(and(eq(mentorships.roundId, roundId), eq(mentorships.status, 'draft')));
			// Read before the transaction (these reads go through caches and the pool); all that decides a pair is read inside.
			const [withdrawn, guardianRequired] = await Promise.all([
				safeguarding.withdrawnParticipation(),
				Promise.all(before.map(async (d) => [d.menteeId, await safeguarding.underConsentAge(d.menteeId)] as const)).then((e) => new Map(e))
			]);
			const now = new Date();
			let keep: Row[] = [];
			let drop: Row[] = [];
			try {
				({ keep, drop } = await db.transaction(async (tx) => {
					await lockDraft(tx, roundId);
					const drafts = await tx.select().from(mentorships).where(and(eq(mentorships.roundId, roundId), eq(mentorships.status, 'draft')));
					// Mentors first, in id order: a request or another publish adding to one of them waits for this commit.
					await lockMentors(tx, drafts.map((d) => d.mentorId));
					const ids = [...new Set(drafts.flatMap((d) => [d.menteeId, d.mentorId]))];
					const [policy, busy, live, people, reported, declined] = await Promise.all([
						safeguarding.policy(tx),
						menteesWithLiveMentorship(tx),
						liveCountByMentor(tx),
						ids.length ? readCandidates(tx, inArray(users.id, ids)) : Promise.resolve([]),
						endedByReport(tx),
						recentlyDeclined(tx)
					]);
					const byId = new Map(people.map((c) => [c.id, c]));
					const room = new Map(people.filter((c) => c.role === 'mentor').map((c) => [c.id, c.capacity - (live.get(c.id) ?? 0)]));
					const barred = new Set([...reported, ...declined].map((p) => `${p.menteeId}|${p.mentorId}`));
					const keep: Row[] = [];
					const drop: Row[] = [];
					for (const d of drafts) {
						const mentee = byId.get(d.menteeId);
						const mentor = byId.get(d.mentorId);
						// Anything that changed since the run: matched or suspended meanwhile, full, vetting withdrawn (or the
						// mentee now a minor under the policy), the pair ended by a report or declined.
						const ok =
							mentee &&
							mentor &&
							matchable(mentee, 'mentee', withdrawn) &&
							!busy.has(d.menteeId) &&
							matchable(mentor, 'mentor', withdrawn) &&
							(room.get(d.mentorId) ?? 0) > 0 &&
							(ageOf(mentee.birthDate) >= policy.minorAge || mentor.vettedForMinorsAt !== null) &&
							!barred.has(`${d.menteeId}|${d.mentorId}`) &&
							// Put in by an adjust that committed after the read above: its guardian question was not read.
							guardianRequired.has(d.menteeId);
						if (!ok) {
							drop.push(d);
							continue;
						}
						room.set(d.mentorId, room.get(d.mentorId)! - 1);
						keep.push(d);
					}
					for (const d of keep) {
						const required = guardianRequired.get(d.menteeId)!;
						await tx.update(mentorships).set({ status: 'proposed', proposedAt: now, guardianRequired: required, updatedAt: now }).where(eq(mentorships.id, d.id));
						await audit.record({ actorId, action: 'mentorship.propose', targetType: 'mentorship', targetId: d.id, detail: { roundId, menteeId: d.menteeId, mentorId: d.mentorId, guardianRequired: required } }, tx);
						if (required) await askGuardian(ctx, tx, { menteeId: d.menteeId, mentorId: d.mentorId, baseUrl });
					}
					if (drop.length > 0) await tx.delete(mentorships).where(inArray(mentorships.id, drop.map((d) => d.id)));
					const unmatched: RoundUnmatched[] = [...round.unmatched, ...drop.map((d) => ({ menteeId: d.menteeId, reason: 'no_longer_available' as const, ruledOut: {} }))];
					await tx
						.update(matchingRounds)
						.set({ status: 'published', publishedAt: now, publishedBy: actorId, unmatched, totalScore: totalOf(keep.map((d) => d.score)) })
						.where(eq(matchingRounds.id, roundId));
					await audit.record({ actorId, action: 'matching.round.publish', targetType: 'matching_round', targetId: roundId, detail: { proposed: keep.length, dropped: drop.length } }, tx);
					return { keep, drop };
				}));
			} catch (e) {
				// Someone was matched between the checks above and the commit: nothing was published; publishing again drops them.
				if (isUniqueViolation(e)) throw new AppError(409, 'matching_already_matched');
				throw e;
			}
			safeguarding.outbox.kick();
			ctx.log.info({ roundId, actorId, proposed: keep.length, dropped: drop.length }, 'matching round published');
			for (const d of keep) ctx.events.emit('mentorship:changed', { mentorshipId: d.id, status: 'proposed', menteeId: d.menteeId, mentorId: d.mentorId, spaceId: null });
			ctx.events.emit('round:changed', { roundId, status: 'published' });
			return view(roundId, locale);
		},

		/** Sets a draft round aside; its proposals are kept with it (as drafts nobody sees) for the record. */
		async discard({ actorId, roundId }: { actorId: string; roundId: string }): Promise<void> {
			await draftRound(roundId);
			await db.transaction(async (tx) => {
				await lockDraft(tx, roundId);
				await tx.update(matchingRounds).set({ status: 'discarded', discardedAt: new Date() }).where(eq(matchingRounds.id, roundId));
				await audit.record({ actorId, action: 'matching.round.discard', targetType: 'matching_round', targetId: roundId }, tx);
			});
			ctx.events.emit('round:changed', { roundId, status: 'discarded' });
		}
	};
}

export type Rounds = ReturnType<typeof createRounds>;
