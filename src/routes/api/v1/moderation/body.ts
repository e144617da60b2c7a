import type { RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import type { Actor } from '$server/moderation/actions';
import { readJson, requireUser } from '$lib/server/api';

/** The signed-in person as the moderation service checks them. */
export function actor(event: RequestEvent): Actor {
	const me = requireUser(event);
	return { id: me.id, role: me.role };
}

/** A JSON body when one is sent (an action's reason is optional), else `{}` checked against the same schema. */
export async function optionalJson<S extends z.ZodType>(event: RequestEvent, schema: S): Promise<z.output<S>> {
	const length = event.request.headers.get('content-length');
	const hasBody = event.request.headers.has('content-type') || (length !== null && length !== '0') || event.request.headers.has('transfer-encoding');
	if (hasBody) return readJson(event, schema);
	return schema.parse({});
}
