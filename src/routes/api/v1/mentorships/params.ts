import type { RequestEvent } from '@sveltejs/kit';
import { notFound } from '$server/errors';
import { id } from '$server/matching/validation';

/** A route parameter that must be a uuid; anything else is not found, as an id that exists nowhere is. */
export function param(event: RequestEvent, name: string): string {
	const parsed = id.safeParse(event.params[name as keyof typeof event.params]);
	if (!parsed.success) throw notFound();
	return parsed.data;
}
