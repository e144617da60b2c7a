import { fail } from '@sveltejs/kit';
import { errorMessage } from '$server/i18n';
import { surveyRef } from '$server/surveys/validation';
import { m } from '$lib/paraglide/messages.js';
import { isErrorCode } from '$lib/protocol/codes';
import type { UiLocale } from '$lib/i18n/locales';
import { failFromError, formValues, type FormState } from '../../_lib/forms.server';
import { requireAdminPage } from '../../_lib/admin.server';
import { formatDate, languageOptions } from '../../_lib/options.server';
import { SOURCE_LANGUAGES } from '$lib/surveys/form-shape';
import { readSurveyForm, type FieldProblem } from './survey-form';
import type { Actions, PageServerLoad } from './$types';

/** What the open and close buttons hand back: which survey it was about. */
export interface StatusState extends FormState {
	id?: string;
	done?: 'open' | 'closed';
}

export const load: PageServerLoad = async (event) => {
	const admin = requireAdminPage(event);
	const { locale, app } = event.locals;
	const surveys = await app.surveys.list({ locale });
	const byTag = new Map(languageOptions(locale).map((o) => [o.value, o]));
	const names = new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' });
	return {
		surveys: surveys.map((s) => ({
			id: s.id,
			title: s.title,
			status: s.status,
			responses: s.responses,
			opened: s.openedAt ? formatDate(s.openedAt.toISOString(), { locale, timeZone: admin.profile.timezone }) : null
		})),
		languages: SOURCE_LANGUAGES.map((tag) => byTag.get(tag) ?? { value: tag, label: tag }),
		languageNames: Object.fromEntries(SOURCE_LANGUAGES.map((tag) => [tag, names.of(tag) ?? tag])) as Record<string, string>,
		defaultLanguage: locale
	};
};

function problemText(problem: FieldProblem, locale: UiLocale): string {
	if (isErrorCode(problem)) return errorMessage(problem, locale);
	const texts = {
		title_required: m.survey_error_title_required,
		prompt_required: m.survey_error_prompt_required,
		no_questions: m.survey_error_no_questions,
		choices_count: m.survey_error_choices_count,
		schedule_required: m.survey_error_schedule_required,
		date_required: m.survey_error_date_required
	} as const;
	return texts[problem]({}, { locale });
}

/** Opens or closes the survey named by the form's `id`; opening needs the box saying questions are fixed from then on. */
async function changeStatus(event: Parameters<Actions[string]>[0], status: 'open' | 'closed') {
	const admin = requireAdminPage(event);
	const { locale, app } = event.locals;
	const values = formValues(await event.request.formData());
	const id = surveyRef.safeParse(values.id);
	const form = status === 'open' ? 'open' : 'close';
	if (!id.success) return fail(404, { form, message: errorMessage('not_found', locale) } satisfies StatusState);
	if (status === 'open' && values.confirm !== 'yes') {
		const state: StatusState = { form, id: id.data, message: m.survey_open_confirm_required({}, { locale }), errors: { confirm: m.survey_open_confirm_required({}, { locale }) } };
		return fail(400, state);
	}
	try {
		await app.surveys.setStatus({ actorId: admin.id, surveyId: id.data, status });
	} catch (e) {
		return failFromError(e, { locale, values: {}, form });
	}
	return { form, id: id.data, done: status } satisfies StatusState;
}

export const actions: Actions = {
	/** Saves a new survey as a draft; every field is given back on a refusal, with what is wrong beside it. */
	create: async (event) => {
		const admin = requireAdminPage(event);
		const { locale, app } = event.locals;
		const values = formValues(await event.request.formData());
		const { input, errors } = readSurveyForm(values);
		if (!input) {
			const state: FormState = {
				form: 'create',
				message: errorMessage('invalid_input', locale),
				errors: Object.fromEntries(Object.entries(errors).map(([field, problem]) => [field, problemText(problem, locale)])),
				values
			};
			return fail(400, state);
		}
		try {
			await app.surveys.create({ actorId: admin.id, input });
		} catch (e) {
			return failFromError(e, { locale, values, form: 'create' });
		}
		return { form: 'create', ok: true } satisfies FormState;
	},
	open: (event) => changeStatus(event, 'open'),
	close: (event) => changeStatus(event, 'closed')
};
