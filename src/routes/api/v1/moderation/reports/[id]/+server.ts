import { z } from 'zod';
import { closeReportInput } from '$server/moderation/actions';
import { notFound } from '$server/errors';
import { endpoint, readJson } from '$lib/server/api';
import { actor } from '../../body';
import type { RequestHandler } from './$types';

const reportId = z.uuid();

/** One report with its context (moderators and admins); not_found for one about the caller. */
export const GET: RequestHandler = endpoint(async (event) => {
	const who = actor(event);
	event.locals.app.moderationActions.requireStaff(who);
	const id = reportId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	return { report: await event.locals.app.reports.get(id.data, { viewerId: who.id }) };
});

/** Resolves or dismisses an open report; dismissing lifts the pause it caused unless `liftPause: false`. */
export const PATCH: RequestHandler = endpoint(async (event) => {
	const who = actor(event);
	event.locals.app.moderationActions.requireStaff(who);
	const id = reportId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	const input = await readJson(event, closeReportInput);
	return { report: await event.locals.app.moderationActions.closeReport({ actor: who, reportId: id.data, ...input }) };
});
