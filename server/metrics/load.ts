import type { Db } from '../db';
import { rawQuery } from '../db/raw';
import type { EvaluationFilter } from '../../src/lib/protocol/evaluation';
import type { EditDay, Facts, HeldFact, MessageDay, PersonFact, ReportFact, SpaceFact, WorkFact } from './facts';
import type { SafeguardingFacts } from './safeguarding';

/**
 * Reads the facts for one filter. Instants become local days in PostgreSQL (`at time zone`, IANA names, daylight
 * saving included); the period's bounds are local midnights turned into instants the same way, so a message at
 * 23:30 on Sunday in São Paulo falls in that week there and in the next one in Tokyo.
 */

// $1 is the time zone in every query; $2 the first day and $3 the last, or $2 the last day where only the end counts.
const START = `(($2::date)::timestamp at time zone $1::text)`;
const END = `((($3::date) + 1)::timestamp at time zone $1::text)`;
const END_ONLY = `((($2::date) + 1)::timestamp at time zone $1::text)`;
const localDay = (column: string) => `to_char((${column} at time zone $1::text)::date, 'YYYY-MM-DD')`;

/** Mentorships in the cohort: a round's, or (`self`) those made without a round; every one without a cohort. */
function cohortMentorships(cohort: string | null): { where: string; params: unknown[] } {
	if (cohort === null) return { where: `m.status <> 'draft'`, params: [] };
	if (cohort === 'self') return { where: `m.status <> 'draft' and m.round_id is null`, params: [] };
	return { where: `m.status <> 'draft' and m.round_id = $3`, params: [cohort] };
}

export async function loadFacts(db: Db, filter: EvaluationFilter): Promise<Facts> {
	const query = rawQuery(db);
	const base = [filter.timeZone, filter.from, filter.to];
	const cohort = cohortMentorships(filter.cohort);
	const untilEnd = [filter.timeZone, filter.to];
	const inCohort = filter.cohort === null ? null : new Set<string>();

	const mentorshipRows = await query<{ id: string; mentee_id: string; mentor_id: string; space_id: string | null; activated: boolean }>(
		`select m.id, m.mentee_id, m.mentor_id, m.space_id, (m.activated_at is not null and m.activated_at < ${END_ONLY}) as activated
		 from mentorships m where ${cohort.where} and m.created_at < ${END_ONLY}`,
		[...untilEnd, ...cohort.params]
	);
	for (const m of mentorshipRows) inCohort?.add(m.mentee_id).add(m.mentor_id);
	const matched = new Set(mentorshipRows.filter((m) => m.activated).flatMap((m) => [m.mentee_id, m.mentor_id]));

	const peopleRows = await query<{ id: string; role: 'mentee' | 'mentor'; country: string; gender: string | null; birth_date: string; reading_language: string; consented: boolean }>(
		`select u.id, u.role, p.country, p.gender, to_char(p.birth_date, 'YYYY-MM-DD') as birth_date, p.reading_language,
		   exists (select 1 from consents c where c.user_id = u.id and c.purpose = 'evaluation' and c.revoked_at is null) as consented
		 from users u join profiles p on p.user_id = u.id
		 where u.role in ('mentee', 'mentor') and u.deleted_at is null and u.status <> 'pending_consent' and u.created_at < ${END_ONLY}`,
		untilEnd
	);
	const people: PersonFact[] = peopleRows
		.filter((p) => !inCohort || inCohort.has(p.id))
		.map((p) => ({ id: p.id, role: p.role, country: p.country, gender: p.gender, birthDate: p.birth_date, readingLanguage: p.reading_language, consented: p.consented, matched: matched.has(p.id) }));
	const participants = new Set(people.map((p) => p.id));

	const spaceOf = new Map(mentorshipRows.filter((m) => m.activated && m.space_id).map((m) => [m.space_id!, m.id]));
	const spaceRows = await query<{ id: string; kind: 'pair' | 'collective'; members: string[] }>(
		`select s.id, s.kind, coalesce(array_agg(sm.user_id::text) filter (where sm.role in ('owner', 'member')), '{}') as members
		 from spaces s left join space_members sm on sm.space_id = s.id
		 where s.created_at < ${END_ONLY}
		 group by s.id, s.kind`,
		untilEnd
	);
	const spaces: SpaceFact[] = spaceRows
		.filter((s) => (filter.cohort === null ? true : spaceOf.has(s.id)))
		.map((s) => ({ id: s.id, kind: s.kind, members: s.members.filter((id) => participants.has(id)), mentorshipId: spaceOf.get(s.id) ?? null }));
	const spaceIds = spaces.map((s) => s.id);

	const messageDays = (
		await query<{ space_id: string; author_id: string; day: string; messages: number }>(
			`select space_id, author_id, ${localDay('created_at')} as day, count(*)::int as messages
			 from chat_messages
			 where created_at >= ${START} and created_at < ${END} and author_id is not null and held_at is null and space_id = any($4::uuid[])
			 group by 1, 2, 3`,
			[...base, spaceIds]
		)
	).map<MessageDay>((r) => ({ spaceId: r.space_id, authorId: r.author_id, day: r.day, messages: r.messages }));

	const workRows = await query<{ id: string; space_id: string; kind: 'text' | 'canvas'; created_on: string; contributors: { userId: string; updates: number }[] | null }>(
		`select d.id, d.space_id, d.kind, ${localDay('d.created_at')} as created_on,
		   (select json_agg(json_build_object('userId', h.user_id, 'updates', h.updates))
		    from (select user_id, sum(updates)::float8 as updates from doc_activity_hours where document_id = d.id and hour < ${END_ONLY} group by user_id) h) as contributors
		 from documents d where d.space_id = any($3::uuid[]) and d.created_at < ${END_ONLY}`,
		[...untilEnd, spaceIds]
	);
	const works: WorkFact[] = workRows.map((w) => ({ id: w.id, spaceId: w.space_id, kind: w.kind, createdOn: w.created_on, contributors: w.contributors ?? [] }));

	const editDays = (
		await query<{ document_id: string; user_id: string; day: string }>(
			`select distinct h.document_id, h.user_id, ${localDay('h.hour')} as day
			 from doc_activity_hours h join documents d on d.id = h.document_id
			 where h.hour >= ${START} and h.hour < ${END} and d.space_id = any($4::uuid[])`,
			[...base, spaceIds]
		)
	).map<EditDay>((r) => ({ documentId: r.document_id, userId: r.user_id, day: r.day }));

	return { from: filter.from, to: filter.to, people, spaces, messageDays, works, editDays };
}

export async function loadSafeguardingFacts(db: Db, filter: EvaluationFilter): Promise<SafeguardingFacts> {
	const query = rawQuery(db);
	const base = [filter.timeZone, filter.from, filter.to];
	const people = await query<{ id: string; consented: boolean }>(
		`select u.id, exists (select 1 from consents c where c.user_id = u.id and c.purpose = 'evaluation' and c.revoked_at is null) as consented
		 from users u where u.deleted_at is null`,
		[]
	);
	const reports = (
		await query<{ reporter_id: string | null; opened_on: string; closed_on: string | null; open: boolean; hours: number | null }>(
			`select r.reporter_id, ${localDay('r.created_at')} as opened_on,
			   case when r.resolved_at is null then null else ${localDay('r.resolved_at')} end as closed_on,
			   r.status = 'open' as open,
			   extract(epoch from (
			     least(r.resolved_at, (select min(a.created_at) from audit_log a join users staff on staff.id = a.actor_id
			       where staff.role in ('moderator', 'admin') and a.action <> 'report.create' and a.created_at >= r.created_at
			         and ((a.target_type = 'report' and a.target_id = r.id::text)
			           or a.target_id = r.target_id::text
			           or (r.subject_id is not null and a.target_id = r.subject_id::text))))
			     - r.created_at))::float8 / 3600 as hours
			 from reports r
			 where (r.created_at >= ${START} and r.created_at < ${END}) or (r.resolved_at >= ${START} and r.resolved_at < ${END}) or r.status = 'open'`,
			base
		)
	).map<ReportFact>((r) => ({ reporterId: r.reporter_id, openedOn: r.opened_on, closedOn: r.closed_on, open: r.open, hoursToFirstAction: r.hours }));
	const held = (
		await query<{ author_id: string | null; held_on: string; status: HeldFact['status'] }>(
			`select author_id, ${localDay('created_at')} as held_on, status from moderation_queue where created_at >= ${START} and created_at < ${END}`,
			base
		)
	).map<HeldFact>((h) => ({ authorId: h.author_id, heldOn: h.held_on, status: h.status }));
	return { from: filter.from, to: filter.to, people: people.map((p) => ({ id: p.id, consented: p.consented })), reports, held };
}
