import { json } from '@sveltejs/kit';
import { createInviteInput, spaceId } from '$server/spaces/validation';
import { notFound } from '$server/errors';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** An invite link: `{ code, url, expiresAt }`. Single use by default; `maxUses: null` for a multi-use link. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = spaceId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	const input = await readJson(event, createInviteInput);
	const invite = await event.locals.app.spaces.createInvite({ ...input, spaceId: id.data, userId: me.id, baseUrl: event.url.origin });
	return json(invite, { status: 201 });
});
