/**
 * What the measures are computed from: plain rows read from the database for one filter, with instants already
 * turned into local days. The measures (communication.ts, co-creation.ts, reach.ts, safeguarding.ts) are pure
 * functions of these, so their tests build facts by hand with known answers.
 */

export interface PersonFact {
	id: string;
	role: 'mentee' | 'mentor';
	country: string;
	/** Self-described, as written. */
	gender: string | null;
	birthDate: string;
	readingLanguage: string;
	/** A live grant of consent to evaluation use. Everyone else is left out of every figure. */
	consented: boolean;
	/** Has had a mentorship that became active. */
	matched: boolean;
}

export interface SpaceFact {
	id: string;
	kind: 'pair' | 'collective';
	/** Participants who write in it (owners and members; not observers or supervisors). */
	members: string[];
	/** For a pair's space, its mentorship. */
	mentorshipId: string | null;
}

/** Messages one person wrote in one space on one local day. */
export interface MessageDay {
	spaceId: string;
	authorId: string;
	day: string;
	messages: number;
}

export interface WorkFact {
	id: string;
	spaceId: string;
	kind: 'text' | 'canvas';
	/** Local day it was created. */
	createdOn: string;
	contributors: { userId: string; updates: number }[];
}

/** One person edited one work on one local day. */
export interface EditDay {
	documentId: string;
	userId: string;
	day: string;
}

export interface ReportFact {
	reporterId: string | null;
	openedOn: string;
	/** Local day it was resolved or dismissed. */
	closedOn: string | null;
	open: boolean;
	/** Hours from the report to the first moderator action on it, if any yet. */
	hoursToFirstAction: number | null;
}

export interface HeldFact {
	authorId: string | null;
	heldOn: string;
	status: 'held' | 'approved' | 'rejected' | 'superseded' | 'blocked';
}

export interface Facts {
	/** Local days the figures cover, inclusive. */
	from: string;
	to: string;
	people: PersonFact[];
	spaces: SpaceFact[];
	messageDays: MessageDay[];
	works: WorkFact[];
	editDays: EditDay[];
}

/** The people who count: those who consented. */
export function consenting(facts: Pick<Facts, 'people'>): Map<string, PersonFact> {
	return new Map(facts.people.filter((p) => p.consented).map((p) => [p.id, p]));
}

/**
 * The spaces that count, each with the members who count. A pair counts only when both of its people consented
 * (any figure about a pair describes both); a collective counts with its consenting members, if it has any.
 */
export function countedSpaces(facts: Pick<Facts, 'people' | 'spaces'>): Map<string, SpaceFact> {
	const people = consenting(facts);
	const counted = new Map<string, SpaceFact>();
	for (const space of facts.spaces) {
		const members = space.members.filter((id) => people.has(id));
		if (space.kind === 'pair' ? members.length === space.members.length && members.length >= 2 : members.length > 0)
			counted.set(space.id, { ...space, members });
	}
	return counted;
}
