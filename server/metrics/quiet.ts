import type { EvaluationFilter, QuietPair } from '../../src/lib/protocol/evaluation';
import type { Db } from '../db';
import { rawQuery } from '../db/raw';

const DAY_MS = 86_400_000;

/**
 * Active mentorships (of the filter's cohort) whose space has had no message (delivered, by the pair) and no
 * document edit by the pair for at least
 * `filter.quietDays` days, counted from activation when there was none; the quietest first. This is the program's
 * follow-up list, not a statistic: it names the pair, so it is shown to program leads only and never exported.
 */
export async function quietPairs({ db, filter, now }: { db: Db; filter: EvaluationFilter; now: Date }): Promise<QuietPair[]> {
	const cohort = filter.cohort === null ? '' : filter.cohort === 'self' ? 'and m.round_id is null' : 'and m.round_id = $1';
	const rows = await rawQuery(db)<{ id: string; space_id: string | null; mentee: string | null; mentor: string | null; last: Date | string | null; activated: Date | string }>(
		`select m.id, m.space_id, pe.display_name as mentee, po.display_name as mentor, m.activated_at as activated,
		   greatest(
		     (select max(c.created_at) from chat_messages c where c.space_id = m.space_id and c.author_id in (m.mentee_id, m.mentor_id) and c.held_at is null),
		     (select max(dc.last_edit_at) from doc_contributions dc join documents d on d.id = dc.document_id
		      where d.space_id = m.space_id and dc.user_id in (m.mentee_id, m.mentor_id))
		   ) as last
		 from mentorships m
		 left join profiles pe on pe.user_id = m.mentee_id
		 left join profiles po on po.user_id = m.mentor_id
		 where m.status = 'active' and m.activated_at is not null ${cohort}`,
		filter.cohort === null || filter.cohort === 'self' ? [] : [filter.cohort]
	);
	const pairs: QuietPair[] = [];
	for (const row of rows) {
		const last = row.last === null ? null : new Date(row.last);
		const since = last ?? new Date(row.activated);
		const quietDays = Math.floor((now.getTime() - since.getTime()) / DAY_MS);
		if (quietDays < filter.quietDays) continue;
		pairs.push({ mentorshipId: row.id, spaceId: row.space_id, mentee: row.mentee ?? '', mentor: row.mentor ?? '', lastActivityAt: last?.toISOString() ?? null, quietDays });
	}
	return pairs.sort((a, b) => b.quietDays - a.quietDays || a.mentee.localeCompare(b.mentee));
}
