import { json } from '@sveltejs/kit';
import { isStaff } from '$server/moderation/actions';
import { feedbackInput } from '$server/moderation/reports';
import { forbidden } from '$server/errors';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Anonymous feedback to the program's moderators: signed in (and rate-limited per session), stored without any author. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const { text, lang } = await readJson(event, feedbackInput);
	await event.locals.app.reports.feedback({ sessionId: event.locals.session!.id, text, lang: lang ?? me.profile.uiLanguage ?? event.locals.locale });
	return json({ ok: true }, { status: 201 });
});

/** Moderators and admins read it, newest first. */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	if (!isStaff(me.role)) throw forbidden();
	const limit = Number(event.url.searchParams.get('limit') ?? 50) || 50;
	return { feedback: await event.locals.app.reports.listFeedback({ limit }) };
});
