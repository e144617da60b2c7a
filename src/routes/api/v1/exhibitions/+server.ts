import { json } from '@sveltejs/kit';
import { exhibitionInput } from '$server/exhibitions/validation';
import { endpoint, readJson, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Admins (program leads): every exhibition, drafts included, most recently changed first. */
export const GET: RequestHandler = endpoint(async (event) => {
	const user = requireAdmin(event);
	return { exhibitions: await event.locals.app.exhibitions.exhibitions({ user }) };
});

/** `{ title, introduction, lang }` → 201: a draft exhibition; its address is made from the title. */
export const POST: RequestHandler = endpoint(async (event) => {
	const user = requireAdmin(event);
	const input = await readJson(event, exhibitionInput);
	return json(await event.locals.app.exhibitions.createExhibition({ user, input }), { status: 201 });
});
