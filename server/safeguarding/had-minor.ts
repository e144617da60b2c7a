import { sql } from 'drizzle-orm';
import type { Db } from '../db';

/**
 * Marks `spaces.had_minor` on every space a minor (under `minorAge`) has been part of, as far as can still be told:
 * a member who was under that age when they joined, or a message written by someone under it at the time. Run
 * when the policy's minor age changes; a database trigger marks the space when a minor joins.
 */
export async function markSpacesThatHadMinors(tx: Pick<Db, 'execute'>, minorAge: number): Promise<void> {
	await tx.execute(sql`
		update spaces s set had_minor = true
		where not s.had_minor and (
			exists (
				select 1 from space_members m join profiles p on p.user_id = m.user_id
				where m.space_id = s.id and p.birth_date > m.joined_at::date - make_interval(years => ${minorAge}::int)
			)
			or exists (
				select 1 from chat_messages c join profiles p on p.user_id = c.author_id
				where c.space_id = s.id and p.birth_date > c.created_at::date - make_interval(years => ${minorAge}::int)
			)
		)`);
}
