import type { RequestEvent } from '@sveltejs/kit';
import type { EvaluationFilter } from '$lib/protocol/evaluation';
import type { Me } from '$server/accounts';

/** The filter from the query string; weeks count in `timeZone` when given, else in the caller's own time zone. */
export function filterOf(event: RequestEvent, me: Me): EvaluationFilter {
	const timeZone = event.url.searchParams.get('timeZone') || me.profile.timezone || 'UTC';
	return event.locals.app.evaluation.parseFilter({ query: event.url.searchParams, timeZone });
}
