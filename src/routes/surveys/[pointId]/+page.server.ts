import { error, fail, redirect } from '@sveltejs/kit';
import { errorMessage } from '$server/i18n';
import { answersInput, surveyRef } from '$server/surveys/validation';
import { failFromError, formValues, signInUrl, type FormState } from '../../_lib/forms.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

function requireUser(event: Pick<RequestEvent, 'locals' | 'url'>) {
	if (!event.locals.user) redirect(303, signInUrl(event));
	return event.locals.user;
}

/** The point's id from the path; anything that is not one is a page that does not exist. */
function pointIdOf(event: Pick<RequestEvent, 'params' | 'locals'>): string {
	const id = surveyRef.safeParse(event.params.pointId);
	if (!id.success) error(404, { message: errorMessage('not_found', event.locals.locale), code: 'not_found' });
	return id.data;
}

/** The survey waiting for the signed-in person at this point, in their language; or why there is none for them. */
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { app, locale } = event.locals;
	const pointId = pointIdOf(event);
	const standing = await app.surveys.standing({ userId: user.id, pointId });
	if (standing === 'unknown') error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	const survey = standing === 'pending' ? ((await app.surveys.pending({ userId: user.id, locale })).find((s) => s.pointId === pointId) ?? null) : null;
	return { standing, survey };
};

export const actions: Actions = {
	/**
	 * Sends the answers: `q.<questionId>` fields, Likert 1–5 and an option's index as numbers, texts as typed. Questions
	 * left empty are skipped; at least one must be answered.
	 */
	default: async (event) => {
		const user = requireUser(event);
		const { app, locale } = event.locals;
		const pointId = pointIdOf(event);
		const values = formValues(await event.request.formData());
		const survey = (await app.surveys.pending({ userId: user.id, locale })).find((s) => s.pointId === pointId);
		const answers: Record<string, number | string> = {};
		for (const q of survey?.questions ?? []) {
			const raw = values[`q.${q.id}`]?.trim() ?? '';
			if (raw === '') continue;
			answers[q.id] = q.kind === 'text' ? raw : Number(raw);
		}
		const parsed = answersInput.safeParse({ lang: locale, answers });
		if (!parsed.success) {
			const empty = Object.keys(answers).length === 0;
			// Errors by question id, as the service gives them.
			const errors = Object.fromEntries(
				parsed.error.issues.filter((i) => i.path[0] === 'answers' && typeof i.path[1] === 'string').map((i) => [i.path[1], errorMessage('survey_answer_invalid', locale)])
			);
			const state: FormState = { message: errorMessage(empty ? 'survey_answer_empty' : 'survey_answer_invalid', locale), errors, values };
			return fail(400, state);
		}
		try {
			await app.surveys.answer({ userId: user.id, pointId, input: parsed.data });
		} catch (e) {
			return failFromError(e, { locale, values });
		}
		return { ok: true } satisfies FormState;
	}
};
