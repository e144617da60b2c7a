import { count, eq } from 'drizzle-orm';
import en from '../../messages/en.json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveyAnswers, surveyResponses } from '../../server/db/schema';
import { api, newUser, type TestUser } from '../helpers/api';
import { activePair, newMentee, newMentor } from '../helpers/matching';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';

const drivers = await availableDrivers();

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** A survey written in English with a Spanish translation of everything; French is left out on purpose. */
function surveyBody(points: unknown[] = [{ phase: 'pre', trigger: 'activation' }, { phase: 'post', trigger: 'completion' }]) {
	return {
		title: { en: 'How are you doing?', es: '¿Cómo te va?' },
		sourceLang: 'en',
		questions: [
			{ kind: 'likert', prompt: { en: 'I feel confident drawing', es: 'Me siento seguro dibujando' } },
			{ kind: 'choice', prompt: { en: 'Favourite medium', es: 'Medio favorito' }, choices: [{ en: 'Ink', es: 'Tinta' }, { en: 'Paint', es: 'Pintura' }] },
			{ kind: 'text', prompt: { en: 'Anything else?', es: '¿Algo más?' } }
		],
		points
	};
}

describe.each(drivers)('surveys: leads define and open them, consenting participants answer each point once (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none' } });
		url = server.url;
		admin = await newUser(url);
	});
	afterAll(() => server?.close());

	const post = (who: TestUser, path: string, body?: unknown) => api(url, path, { method: 'POST', token: who.token, body });
	const get = (who: TestUser, path: string) => api(url, path, { token: who.token });
	const consent = async (who: TestUser) => expect((await post(who, '/api/v1/me/consents', { purpose: 'evaluation' })).status).toBe(200);
	/** Creates and opens a survey as the admin; answers its id. */
	async function openSurvey(body = surveyBody()): Promise<string> {
		const created = await post(admin, '/api/v1/surveys', body);
		expect(created.status, created.text).toBe(201);
		const opened = await post(admin, `/api/v1/surveys/${created.body.id}/open`);
		expect(opened.status, opened.text).toBe(200);
		return created.body.id as string;
	}
	const pendingFor = async (who: TestUser, surveyId: string) => {
		const res = await get(who, '/api/v1/me/surveys');
		expect(res.status).toBe(200);
		return (res.body.surveys as { surveyId: string; pointId: string; phase: string; title: string; questions: any[] }[]).filter((s) => s.surveyId === surveyId);
	};

	it('an admin creates a draft, reads it, lists it and opens it; opening twice is 409; closing stops it', async () => {
		const created = await post(admin, '/api/v1/surveys', surveyBody());
		expect(created.status).toBe(201);
		const id = created.body.id as string;
		const draft = await get(admin, `/api/v1/surveys/${id}`);
		expect(draft.body).toMatchObject({ id, status: 'draft', sourceLang: 'en', title: { en: 'How are you doing?' }, openedAt: null });
		expect(draft.body.questions.map((q: { kind: string }) => q.kind)).toEqual(['likert', 'choice', 'text']);
		expect(draft.body.points.map((p: { phase: string }) => p.phase).sort()).toEqual(['post', 'pre']);

		const opened = await post(admin, `/api/v1/surveys/${id}/open`);
		expect(opened.body).toMatchObject({ id, status: 'open' });
		expect(opened.body.openedAt).toBeTruthy();
		const again = await post(admin, `/api/v1/surveys/${id}/open`);
		expect(again.status).toBe(409);
		expect(again.body.error.code).toBe('survey_status_conflict');

		const list = await get(admin, '/api/v1/surveys');
		expect(list.body.surveys.find((s: { id: string }) => s.id === id)).toMatchObject({ title: 'How are you doing?', status: 'open', responses: null });

		expect((await post(admin, `/api/v1/surveys/${id}/close`)).body.status).toBe('closed');
		expect((await post(admin, `/api/v1/surveys/${id}/close`)).status).toBe(409);
		expect((await post(admin, '/api/v1/surveys/00000000-0000-4000-8000-000000000000/open')).status).toBe(404);
		expect((await get(admin, '/api/v1/surveys/not-an-id')).status).toBe(404);
	});

	it('a survey the schema refuses is 400 with the field, and nothing is created', async () => {
		const before = (await get(admin, '/api/v1/surveys')).body.surveys.length;
		const res = await post(admin, '/api/v1/surveys', { ...surveyBody(), questions: [{ kind: 'choice', prompt: { en: 'Only one option' }, choices: [{ en: 'A' }] }] });
		expect(res.status).toBe(400);
		expect(res.body.error.fields.questions.code).toBe('survey_choices_invalid');
		const noSource = await post(admin, '/api/v1/surveys', { ...surveyBody(), sourceLang: 'fr' });
		expect(noSource.body.error.fields.sourceLang.code).toBe('survey_source_missing');
		expect((await get(admin, '/api/v1/surveys')).body.surveys.length).toBe(before);
	});

	it('someone who is not an admin gets 403 on every admin endpoint, and 401 signed out', async () => {
		const mentor = await newMentor(url);
		const id = (await post(admin, '/api/v1/surveys', surveyBody())).body.id as string;
		expect((await get(mentor, '/api/v1/surveys')).status).toBe(403);
		expect((await post(mentor, '/api/v1/surveys', surveyBody())).status).toBe(403);
		expect((await get(mentor, `/api/v1/surveys/${id}`)).status).toBe(403);
		expect((await post(mentor, `/api/v1/surveys/${id}/open`)).status).toBe(403);
		expect((await post(mentor, `/api/v1/surveys/${id}/close`)).status).toBe(403);
		expect((await api(url, '/api/v1/surveys')).status).toBe(401);
		expect((await get(admin, `/api/v1/surveys/${id}`)).body.status).toBe('draft');
	});

	it('a consenting mentee activated after the survey opened sees the pre point, answers it once; a bad answer stores nothing', async () => {
		const surveyId = await openSurvey();
		const mentor = await newMentor(url);
		const mentee = await newMentee(url);
		await consent(mentee);
		expect(await pendingFor(mentee, surveyId)).toEqual([]);
		const pair = await activePair(url, mentee, mentor);

		const [pre, ...rest] = await pendingFor(mentee, surveyId);
		expect(rest).toEqual([]);
		expect(pre).toMatchObject({ phase: 'pre', title: 'How are you doing?' });
		const [likert, choice, text] = pre!.questions;
		expect(choice).toMatchObject({ kind: 'choice', prompt: 'Favourite medium', choices: ['Ink', 'Paint'] });
		// The mentor did not consent to evaluation: nothing for them.
		expect(await pendingFor(mentor, surveyId)).toEqual([]);

		const path = `/api/v1/me/surveys/${pre!.pointId}`;
		const bad = await post(mentee, path, { lang: 'en', answers: { [likert.id]: 4, [choice.id]: 2 } });
		expect(bad.status).toBe(400);
		expect(bad.body.error.code).toBe('survey_answer_invalid');
		expect(Object.keys(bad.body.error.fields)).toEqual([choice.id]);
		const wrongType = await post(mentee, path, { lang: 'en', answers: { [likert.id]: 'four' } });
		expect(wrongType.status).toBe(400);
		expect(Object.keys(wrongType.body.error.fields)).toEqual([likert.id]);
		expect((await post(mentee, path, { lang: 'en', answers: {} })).body.error.fields.answers.code).toBe('survey_answer_empty');
		const stored = async () => (await server.db.select({ n: count() }).from(surveyResponses).where(eq(surveyResponses.userId, mentee.id)))[0]!.n;
		expect(await stored()).toBe(0);

		const ok = await post(mentee, path, { lang: 'en', answers: { [likert.id]: 4, [choice.id]: 1, [text.id]: 'Thank you, Priya!' } });
		expect(ok.status, ok.text).toBe(201);
		const [response] = await server.db.select().from(surveyResponses).where(eq(surveyResponses.id, ok.body.id));
		expect(response).toMatchObject({ userId: mentee.id, mentorshipId: pair.id, lang: 'en' });
		expect(await server.db.select({ n: count() }).from(surveyAnswers).where(eq(surveyAnswers.responseId, ok.body.id))).toEqual([{ n: 3 }]);

		const twice = await post(mentee, path, { lang: 'en', answers: { [likert.id]: 5 } });
		expect(twice.status).toBe(409);
		expect(twice.body.error.code).toBe('survey_answered');
		expect(await pendingFor(mentee, surveyId)).toEqual([]);
		// One person answered: like every figure about fewer than five people, the list withholds the count.
		expect((await get(admin, '/api/v1/surveys')).body.surveys.find((s: { id: string }) => s.id === surveyId).responses).toBeNull();

		// Not theirs: another person, an unknown point, something that is no id.
		const other = await newMentee(url);
		await consent(other);
		expect((await post(other, path, { lang: 'en', answers: { [likert.id]: 3 } })).status).toBe(404);
		expect((await post(mentee, '/api/v1/me/surveys/00000000-0000-4000-8000-000000000000', { lang: 'en', answers: { [likert.id]: 3 } })).status).toBe(404);
		expect((await post(mentee, '/api/v1/me/surveys/nope', { lang: 'en', answers: { [likert.id]: 3 } })).status).toBe(404);
	});

	it('a mentorship activated before the survey opened gets no pre point, but its completion puts the post point', async () => {
		const mentor = await newMentor(url);
		const mentee = await newMentee(url);
		await consent(mentee);
		await consent(mentor);
		const pair = await activePair(url, mentee, mentor);
		const surveyId = await openSurvey();
		expect(await pendingFor(mentee, surveyId)).toEqual([]);

		expect((await post(mentee, `/api/v1/mentorships/${pair.id}/complete`)).status).toBe(200);
		expect((await pendingFor(mentee, surveyId)).map((s) => s.phase)).toEqual(['post']);
		// Mentors who consented are asked too.
		expect((await pendingFor(mentor, surveyId)).map((s) => s.phase)).toEqual(['post']);
	});

	it('someone without evaluation consent sees nothing and may not answer; withdrawing consent hides what was waiting', async () => {
		const surveyId = await openSurvey(surveyBody([{ phase: 'other', trigger: 'date', opensOn: day(0) }]));
		const mentee = await newMentee(url);
		expect(await pendingFor(mentee, surveyId)).toEqual([]);
		await consent(mentee);
		const [point] = await pendingFor(mentee, surveyId);
		expect(point).toBeDefined();
		expect((await api(url, '/api/v1/me/consents/evaluation', { method: 'DELETE', token: mentee.token })).status).toBe(200);
		expect(await pendingFor(mentee, surveyId)).toEqual([]);
		expect((await post(mentee, `/api/v1/me/surveys/${point!.pointId}`, { lang: 'en', answers: { [point!.questions[0].id]: 3 } })).status).toBe(404);
	});

	it('a date point shows from its day on, not before', async () => {
		const today = await openSurvey(surveyBody([{ phase: 'other', trigger: 'date', opensOn: day(0) }]));
		const tomorrow = await openSurvey(surveyBody([{ phase: 'other', trigger: 'date', opensOn: day(1) }]));
		const mentee = await newMentee(url);
		await consent(mentee);
		expect((await pendingFor(mentee, today)).map((s) => s.phase)).toEqual(['other']);
		expect(await pendingFor(mentee, tomorrow)).toEqual([]);
	});

	it('the survey page works without JavaScript: a form post answers; the page says why when nothing waits; unknown is 404', async () => {
		const surveyId = await openSurvey(surveyBody([{ phase: 'other', trigger: 'date', opensOn: day(0) }]));
		const mentee = await newMentee(url);
		const page = (who: TestUser, pointId: string) => api(url, `/surveys/${pointId}`, { cookie: who.cookie, headers: { accept: 'text/html' } });
		const withoutConsent = await newMentee(url);
		await consent(mentee);
		const [point] = await pendingFor(mentee, surveyId);
		expect((await page(mentee, point!.pointId)).text).toContain('How are you doing?');
		expect((await page(withoutConsent, point!.pointId)).text).toContain(en.survey_no_consent_heading);
		expect((await page(mentee, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
		expect((await page(mentee, 'nope')).status).toBe(404);

		const [likert, , text] = point!.questions;
		const send = (fields: Record<string, string>) =>
			api(url, `/surveys/${point!.pointId}`, { raw: new URLSearchParams(fields).toString(), cookie: mentee.cookie, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, accept: 'text/html' } });
		const empty = await send({ [`q.${text.id}`]: '  ' });
		expect(empty.status).toBe(400);
		expect(empty.text).toContain(en.error_survey_answer_empty);
		const sent = await send({ [`q.${likert.id}`]: '5', [`q.${text.id}`]: 'Más tiempo, por favor' });
		expect(sent.status).toBe(200);
		expect(sent.text).toContain(en.survey_thanks_heading);
		expect((await page(mentee, point!.pointId)).text).toContain(en.survey_answered_heading);
	});

	it('questions come in the participant’s UI language, else in the survey’s own language', async () => {
		const surveyId = await openSurvey(surveyBody([{ phase: 'other', trigger: 'date', opensOn: day(-1) }]));
		const es = await newMentee(url, { overrides: { uiLanguage: 'es' } });
		const fr = await newMentee(url, { overrides: { uiLanguage: 'fr' } });
		await consent(es);
		await consent(fr);
		const [inSpanish] = await pendingFor(es, surveyId);
		expect(inSpanish!.title).toBe('¿Cómo te va?');
		expect(inSpanish!.questions.map((q) => q.prompt)).toEqual(['Me siento seguro dibujando', 'Medio favorito', '¿Algo más?']);
		expect(inSpanish!.questions[1].choices).toEqual(['Tinta', 'Pintura']);
		const [inEnglish] = await pendingFor(fr, surveyId);
		expect(inEnglish!.title).toBe('How are you doing?');
		expect(inEnglish!.questions[1].choices).toEqual(['Ink', 'Paint']);
	});
});
