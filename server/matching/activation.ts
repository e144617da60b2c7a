import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { matchingProfiles, mentorships, profiles, spaceMembers, spaces, users } from '../db/schema';
import { AppError } from '../errors';
import type { Tx } from '../spaces';
import type { MatchingContext } from './context';

type Row = typeof mentorships.$inferSelect;

/** What activation needs to know, read inside its transaction. */
export interface Activation {
	/** The space needs a supervising moderator: the mentee is a minor and the policy supervises minors' spaces. */
	supervise: boolean;
}

/**
 * Inside the transaction of a yes that completes a mentorship, after its row is locked: both may take part now (not
 * suspended, consent not withdrawn) and, if the mentee is a minor under the policy now, the mentor is still vetted.
 * Refuses with 409 `matching_mentee_unavailable` / `matching_mentor_unavailable` /
 * `matching_minor_needs_vetted_mentor` (the transaction rolls back: the proposal stays as it was).
 */
export async function checkActivationIn(ctx: MatchingContext, tx: Tx, row: Pick<Row, 'menteeId' | 'mentorId'>): Promise<Activation> {
	const mentee = await ctx.safeguarding.participationIn(row.menteeId, tx);
	if (mentee !== 'ok') throw new AppError(409, 'matching_mentee_unavailable');
	const mentor = await ctx.safeguarding.participationIn(row.mentorId, tx);
	if (mentor !== 'ok') throw new AppError(409, 'matching_mentor_unavailable');
	const policy = await ctx.safeguarding.policy(tx);
	const minor = await ctx.safeguarding.isMinor(row.menteeId, tx);
	if (minor && !(await vettedIn(tx, row.mentorId))) throw new AppError(409, 'matching_minor_needs_vetted_mentor');
	return { supervise: minor && policy.supervisedSpacesForMinors };
}

/** Whether an admin has vetted the mentor for work with minors, read inside `tx`. */
export async function vettedIn(tx: Pick<Tx, 'select'>, mentorId: string): Promise<boolean> {
	const [row] = await tx.select({ at: matchingProfiles.vettedForMinorsAt }).from(matchingProfiles).where(eq(matchingProfiles.userId, mentorId)).limit(1);
	return row?.at != null;
}

/**
 * The active moderator supervising the fewest open spaces (ties: the lowest id), so supervision spreads evenly and
 * the choice is the same on every run. Null when there is none.
 */
async function pickSupervisor(tx: Tx): Promise<string | null> {
	const supervising = sql<number>`count(${spaces.id})`;
	const [row] = await tx
		.select({ id: users.id, n: supervising })
		.from(users)
		.leftJoin(spaceMembers, and(eq(spaceMembers.userId, users.id), eq(spaceMembers.role, 'supervisor')))
		.leftJoin(spaces, and(eq(spaces.id, spaceMembers.spaceId), isNull(spaces.archivedAt)))
		.where(and(eq(users.role, 'moderator'), eq(users.status, 'active'), isNull(users.deletedAt)))
		.groupBy(users.id)
		.orderBy(asc(supervising), asc(users.id))
		.limit(1);
	return row?.id ?? null;
}

/** "Mentor & Mentee", within the 80 characters a space title may have. */
async function titleFor(tx: Tx, row: Row): Promise<string> {
	const names = await tx.select({ id: profiles.userId, name: profiles.displayName }).from(profiles).where(inArray(profiles.userId, [row.mentorId, row.menteeId]));
	const name = (id: string) => names.find((n) => n.id === id)?.name ?? '…';
	const title = `${name(row.mentorId)} & ${name(row.menteeId)}`;
	return [...title].length <= 80 ? title : [...title].slice(0, 79).join('') + '…';
}

/**
 * Inside the transaction of the last yes: creates the pair's space (mentor as owner, mentee as member, a supervising
 * moderator when `prep.supervise` — and when no moderator is available the space is still created, unsupervised, and
 * the safeguarding rules keep everyone from writing in it until a supervisor joins), and makes the mentorship active.
 * Returns what to announce after commit.
 */
export async function activateIn(ctx: MatchingContext, tx: Tx, row: Row, prep: Activation): Promise<{ spaceId: string; announce(): void }> {
	const supervisorId = prep.supervise ? await pickSupervisor(tx) : null;
	const created = await ctx.spaces.createPairIn(tx, { title: await titleFor(tx, row), ownerId: row.mentorId, memberId: row.menteeId, supervisorId: supervisorId ?? undefined });
	const now = new Date();
	await tx.update(mentorships).set({ status: 'active', spaceId: created.spaceId, activatedAt: now, updatedAt: now }).where(eq(mentorships.id, row.id));
	await ctx.audit.record(
		{
			actorId: null,
			action: 'mentorship.activate',
			targetType: 'mentorship',
			targetId: row.id,
			detail: { spaceId: created.spaceId, supervisorId, unsupervised: prep.supervise && supervisorId === null }
		},
		tx
	);
	if (prep.supervise && supervisorId === null) ctx.log.warn({ mentorshipId: row.id, spaceId: created.spaceId }, 'no moderator to supervise a minor’s new pair space: nobody can write there until one joins');
	return created;
}
