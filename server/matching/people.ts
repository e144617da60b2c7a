import { and, count, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { matchingProfiles, mentorships, profiles, users } from '../db/schema';
import { ageOf } from '../safeguarding/policy';
import type { Tx } from '../spaces';
import { LIVE_STATUSES } from './lifecycle';
import type { Mentee, Mentor, WeeklySlot } from './types';

/** A person as matching reads them: account, profile and matching profile (defaults when they have none). */
export interface Candidate {
	id: string;
	role: string;
	status: string;
	displayName: string;
	country: string;
	timezone: string;
	languages: Mentee['languages'];
	passions: string[];
	gender: string | null;
	birthDate: string;
	uiLanguage: string | null;
	availability: WeeklySlot[];
	goals: string[];
	capacity: number;
	crossBorder: boolean | null;
	preferredMentorGender: string | null;
	vettedForMinorsAt: Date | null;
}

export const DEFAULT_CAPACITY = 2;

/** Accounts (not deleted) with their profiles, as candidates; `where` narrows them. */
export async function readCandidates(db: Pick<Db, 'select'>, where?: SQL): Promise<Candidate[]> {
	const rows = await db
		.select({ user: users, profile: profiles, matching: matchingProfiles })
		.from(users)
		.innerJoin(profiles, eq(profiles.userId, users.id))
		.leftJoin(matchingProfiles, eq(matchingProfiles.userId, users.id))
		.where(and(isNull(users.deletedAt), where));
	return rows.map(({ user, profile, matching }) => ({
		id: user.id,
		role: user.role,
		status: user.status,
		displayName: profile.displayName,
		country: profile.country,
		timezone: profile.timezone,
		languages: profile.languages,
		passions: profile.passions,
		gender: profile.gender,
		birthDate: profile.birthDate,
		uiLanguage: profile.uiLanguage,
		availability: matching?.availability ?? [],
		goals: matching?.goals ?? [],
		capacity: matching?.capacity ?? DEFAULT_CAPACITY,
		crossBorder: matching?.crossBorder ?? null,
		preferredMentorGender: matching?.preferredMentorGender ?? null,
		vettedForMinorsAt: matching?.vettedForMinorsAt ?? null
	}));
}

export async function readCandidate(db: Pick<Db, 'select'>, userId: string): Promise<Candidate | null> {
	return (await readCandidates(db, eq(users.id, userId)))[0] ?? null;
}

/** Live mentorships (proposed, active, paused) per mentor: what counts against their capacity. */
export async function liveCountByMentor(db: Pick<Db, 'select'>, mentorIds?: string[]): Promise<Map<string, number>> {
	const rows = await db
		.select({ mentorId: mentorships.mentorId, n: count() })
		.from(mentorships)
		.where(and(inArray(mentorships.status, [...LIVE_STATUSES]), mentorIds ? inArray(mentorships.mentorId, mentorIds) : undefined))
		.groupBy(mentorships.mentorId);
	return new Map(rows.map((r) => [r.mentorId, Number(r.n)]));
}

/** `pg_advisory_xact_lock` class (its two-key form) for a mentor's capacity; the other key is the hash of their id. */
const MENTOR_CAPACITY_LOCK = 7318003;

/**
 * Inside `tx`: holds, until commit, the capacity lock of each mentor, so whoever adds a live mentorship for one counts
 * what the others committed. Taken in id order, so two transactions locking several mentors never deadlock.
 */
export async function lockMentors(tx: Tx, mentorIds: string[]): Promise<void> {
	for (const id of [...new Set(mentorIds)].sort()) await tx.execute(sql`select pg_advisory_xact_lock(${MENTOR_CAPACITY_LOCK}::int, hashtext(${id}::text))`);
}

/** Mentees with a live mentorship: they are not matched again until it ends. */
export async function menteesWithLiveMentorship(db: Pick<Db, 'select'>): Promise<Set<string>> {
	const rows = await db.select({ menteeId: mentorships.menteeId }).from(mentorships).where(inArray(mentorships.status, [...LIVE_STATUSES]));
	return new Set(rows.map((r) => r.menteeId));
}

export function toMentee(c: Candidate, minorAge: number): Mentee {
	return {
		id: c.id,
		country: c.country,
		timezone: c.timezone,
		languages: c.languages,
		passions: c.passions,
		availability: c.availability,
		goals: c.goals,
		gender: c.gender,
		minor: ageOf(c.birthDate) < minorAge,
		crossBorder: c.crossBorder,
		preferredMentorGender: c.preferredMentorGender
	};
}

/** `spare`: capacity left once live mentorships (and drafts of the round being adjusted) are counted. */
export function toMentor(c: Candidate, spare: number): Mentor {
	return {
		id: c.id,
		country: c.country,
		timezone: c.timezone,
		languages: c.languages,
		passions: c.passions,
		availability: c.availability,
		goals: c.goals,
		gender: c.gender,
		capacity: Math.max(0, spare),
		vettedForMinors: c.vettedForMinorsAt !== null
	};
}

/** What a person sees of their own matching profile. */
export interface MatchingProfile {
	userId: string;
	role: string;
	/** The profile's time zone, in which the availability is given. */
	timezone: string;
	availability: WeeklySlot[];
	goals: string[];
	/** Mentors only; null for everyone else. */
	capacity: number | null;
	crossBorder: boolean | null;
	preferredMentorGender: string | null;
	/** Mentors: an admin recorded their vetting for work with minors. */
	vettedForMinors: boolean;
}

export function profileView(c: Candidate): MatchingProfile {
	return {
		userId: c.id,
		role: c.role,
		timezone: c.timezone,
		availability: c.availability,
		goals: c.goals,
		capacity: c.role === 'mentor' ? c.capacity : null,
		crossBorder: c.crossBorder,
		preferredMentorGender: c.preferredMentorGender,
		vettedForMinors: c.vettedForMinorsAt !== null
	};
}

/** Who is shown to the other side: name, country and time zone (for meetings), nothing private. */
export interface PersonView {
	id: string;
	displayName: string;
	country: string;
	timezone: string;
}

export async function personViews(db: Pick<Db, 'select'>, ids: string[]): Promise<Map<string, PersonView>> {
	if (ids.length === 0) return new Map();
	const rows = await db
		.select({ id: profiles.userId, displayName: profiles.displayName, country: profiles.country, timezone: profiles.timezone })
		.from(profiles)
		.where(inArray(profiles.userId, [...new Set(ids)]));
	return new Map(rows.map((r) => [r.id, r]));
}
