import { randomUUID } from 'node:crypto';
import type { auditLog, matchingRounds, mentorships, spaceMembers, spaces } from '../db/schema';
import { DEFAULT_SETTINGS } from '../matching/settings';
import { COLLECTIVES } from './content';
import { DAY, type Person } from './people';
import type { Random } from './random';

/** How a space's chat goes over the weeks. */
export type Rhythm = 'weekly' | 'tapering' | 'quiet' | 'lively';

export interface DemoSpace {
	id: string;
	kind: 'pair' | 'collective';
	title: string;
	members: Person[];
	supervisor: Person | null;
	from: number;
	/** Last moment anyone writes or edits there. */
	until: number;
	rhythm: Rhythm;
	/** The mentorship ended here (completed or ended): last words are goodbyes. */
	farewell: boolean;
}

export interface DemoMentorship {
	id: string;
	mentor: Person;
	mentee: Person;
	status: 'proposed' | 'active' | 'completed' | 'ended';
	activatedAt: number | null;
	endedAt: number | null;
}

export interface ProgramRows {
	rounds: (typeof matchingRounds.$inferInsert)[];
	mentorships: (typeof mentorships.$inferInsert)[];
	spaces: (typeof spaces.$inferInsert)[];
	members: (typeof spaceMembers.$inferInsert)[];
	audit: (typeof auditLog.$inferInsert)[];
	demoSpaces: DemoSpace[];
	demoMentorships: DemoMentorship[];
	/** Mentees left without a mentor (still waiting for a round). */
	unmatched: Person[];
}

const HOUR = 3_600_000;

/**
 * Two published rounds six weeks apart, a few mentorships people asked for themselves, and four collectives:
 * who is paired with whom, each live or finished pair's space (mentor owner, mentee member, the moderator as
 * supervisor when the mentee is a minor, as activation does), and how their chat goes.
 */
export function makeProgram({ random, now, admin, moderator, mentors, mentees }: { random: Random; now: number; admin: Person; moderator: Person; mentors: Person[]; mentees: Person[] }): ProgramRows {
	const rows: ProgramRows = { rounds: [], mentorships: [], spaces: [], members: [], audit: [], demoSpaces: [], demoMentorships: [], unmatched: [] };
	const load = new Map<string, number>();
	// Three mentors are new and wait for the next round.
	const pool = mentors.slice(0, mentors.length - 3);
	const mentorFor = (mentee: Person): Person => {
		const fits = pool.filter((m) => (load.get(m.id) ?? 0) < 2 && m.country.code !== mentee.country.code && (!mentee.minor || m.vetted));
		const least = Math.min(...fits.map((m) => load.get(m.id) ?? 0));
		const mentor = random.pick(fits.filter((m) => (load.get(m.id) ?? 0) === least));
		load.set(mentor.id, (load.get(mentor.id) ?? 0) + 1);
		return mentor;
	};
	const eligible = mentees.filter((m) => !m.pending);
	const groups = { round1: eligible.slice(0, 16), round2: eligible.slice(16, 27), self: eligible.slice(27, 31) };
	rows.unmatched = [...eligible.slice(31), ...mentees.filter((m) => m.pending)];

	// As a round stores them: without the pairs, which name people.
	const { excludedPairs: _excluded, skipPairs: _skipped, ...roundSettings } = DEFAULT_SETTINGS;
	const rhythms = new Map<number, Rhythm>();
	const round = (publishedDaysAgo: number, group: Person[], statusOf: (i: number) => DemoMentorship['status']) => {
		const id = randomUUID();
		const publishedAt = now - publishedDaysAgo * DAY;
		const createdAt = publishedAt - 2 * DAY;
		rows.rounds.push({
			id,
			status: 'published',
			settings: { ...roundSettings, horizonStart: new Date(publishedAt).toISOString().slice(0, 10) },
			unmatched: [],
			totalScore: 0,
			createdBy: admin.id,
			createdAt: new Date(createdAt),
			publishedBy: admin.id,
			publishedAt: new Date(publishedAt)
		});
		rows.audit.push(
			{ actorId: admin.id, action: 'matching.round.run', targetType: 'matching_round', targetId: id, detail: JSON.stringify({ proposals: group.length }), createdAt: new Date(createdAt) },
			{ actorId: admin.id, action: 'matching.round.publish', targetType: 'matching_round', targetId: id, detail: JSON.stringify({ proposed: group.length, dropped: 0 }), createdAt: new Date(publishedAt) }
		);
		group.forEach((mentee, i) => mentorship({ roundId: id, proposedAt: publishedAt, mentee, status: statusOf(i) }));
	};

	const mentorship = ({ roundId, proposedAt, mentee, status }: { roundId: string | null; proposedAt: number; mentee: Person; status: DemoMentorship['status'] }) => {
		const mentor = mentorFor(mentee);
		const id = randomUUID();
		const mentorAcceptedAt = proposedAt + random.int(2, 40) * HOUR;
		const menteeAcceptedAt = status === 'proposed' ? null : proposedAt + random.int(1, 30) * HOUR;
		const guardianApprovedAt = mentee.guardian && menteeAcceptedAt ? menteeAcceptedAt + random.int(4, 30) * HOUR : null;
		const activatedAt = status === 'proposed' ? null : Math.max(mentorAcceptedAt, menteeAcceptedAt ?? 0, guardianApprovedAt ?? 0);
		let endedAt: number | null = null;
		if (status === 'completed') endedAt = Math.min(activatedAt! + random.int(56, 70) * DAY, now - random.int(3, 14) * DAY);
		if (status === 'ended') endedAt = activatedAt! + random.int(24, 34) * DAY;
		const at = (t: number | null) => (t === null ? null : new Date(t));
		let spaceId: string | null = null;
		if (activatedAt !== null) {
			const index = rows.demoSpaces.length;
			const rhythm = rhythms.get(index) ?? 'weekly';
			spaceId = randomUUID();
			const space: DemoSpace = {
				id: spaceId,
				kind: 'pair',
				title: `${mentor.name} & ${mentee.name}`,
				members: [mentor, mentee],
				supervisor: mentee.minor ? moderator : null,
				from: activatedAt,
				// A quiet pair stopped writing three to five weeks ago.
				until: endedAt ?? (rhythm === 'quiet' ? now - random.int(22, 35) * DAY : now),
				rhythm,
				farewell: endedAt !== null
			};
			rows.demoSpaces.push(space);
			rows.spaces.push({ id: spaceId, title: space.title, kind: 'pair', createdBy: mentor.id, createdAt: new Date(activatedAt) });
			rows.members.push(
				{ spaceId, userId: mentor.id, role: 'owner', joinedAt: new Date(activatedAt) },
				{ spaceId, userId: mentee.id, role: 'member', joinedAt: new Date(activatedAt) }
			);
			if (space.supervisor) rows.members.push({ spaceId, userId: space.supervisor.id, role: 'supervisor', joinedAt: new Date(activatedAt) });
			rows.audit.push({
				actorId: null,
				action: 'mentorship.activate',
				targetType: 'mentorship',
				targetId: id,
				detail: JSON.stringify({ spaceId, supervisorId: space.supervisor?.id ?? null, unsupervised: false }),
				createdAt: new Date(activatedAt)
			});
		}
		rows.mentorships.push({
			id,
			roundId,
			menteeId: mentee.id,
			mentorId: mentor.id,
			status,
			source: roundId ? 'round' : 'request',
			mentorAcceptedAt: at(mentorAcceptedAt),
			menteeAcceptedAt: at(menteeAcceptedAt),
			guardianApprovedAt: at(guardianApprovedAt),
			guardianRequired: mentee.guardian,
			spaceId,
			endedReason: status === 'completed' ? 'completed' : status === 'ended' ? 'other' : null,
			endedBy: endedAt ? (status === 'completed' ? mentor.id : admin.id) : null,
			endedAt: at(endedAt),
			proposedAt: new Date(proposedAt),
			activatedAt: at(activatedAt),
			createdBy: roundId ? admin.id : mentee.id,
			createdAt: new Date(proposedAt),
			updatedAt: new Date(endedAt ?? activatedAt ?? proposedAt)
		});
		rows.demoMentorships.push({ id, mentor, mentee, status, activatedAt, endedAt });
	};

	// Round one: the first cohort, twelve weeks ago. A few pairs taper off, three went quiet weeks ago.
	for (const i of [9, 12, 15, 20]) rhythms.set(i, 'tapering');
	for (const i of [10, 14, 22]) rhythms.set(i, 'quiet');
	for (const i of [2, 11, 17]) rhythms.set(i, 'lively');
	round(84, groups.round1, (i) => (i < 8 ? 'completed' : i === 8 ? 'ended' : 'active'));
	round(42, groups.round2, (i) => (i === 0 ? 'proposed' : 'active'));
	[75, 50, 30, 16].forEach((daysAgo, i) => {
		const mentee = groups.self[i];
		if (mentee) mentorship({ roundId: null, proposedAt: now - daysAgo * DAY, mentee, status: 'active' });
	});

	// Collectives: artists from several countries, mentors and mentees together.
	const adults = [...mentors, ...eligible.filter((m) => !m.minor)];
	const starts = [70, 63, 49, 35];
	COLLECTIVES.forEach((title, i) => {
		const size = random.int(4, 7);
		const members: Person[] = [];
		const countries = new Set<string>();
		const owner = random.pick(mentors.filter((m) => !countries.has(m.country.code)));
		members.push(owner);
		countries.add(owner.country.code);
		// One collective takes in two minors, which makes it a supervised space.
		const candidates = i === 1 ? [...eligible.filter((m) => m.minor && !m.guardian).slice(0, 2), ...adults] : adults;
		for (const p of candidates) {
			if (members.length >= size) break;
			if (countries.has(p.country.code) && members.length < size - 1) continue;
			if (members.includes(p) || (i !== 1 && random.chance(0.5))) continue;
			members.push(p);
			countries.add(p.country.code);
		}
		const id = randomUUID();
		const from = now - starts[i]! * DAY;
		const supervisor = members.some((m) => m.minor) ? moderator : null;
		rows.demoSpaces.push({ id, kind: 'collective', title, members, supervisor, from, until: now, rhythm: i === 3 ? 'weekly' : 'lively', farewell: false });
		rows.spaces.push({ id, title, kind: 'collective', createdBy: owner.id, createdAt: new Date(from) });
		members.forEach((m, j) => rows.members.push({ spaceId: id, userId: m.id, role: j === 0 ? 'owner' : 'member', joinedAt: new Date(from + j * HOUR) }));
		if (supervisor) rows.members.push({ spaceId: id, userId: supervisor.id, role: 'supervisor', joinedAt: new Date(from) });
	});
	return rows;
}
