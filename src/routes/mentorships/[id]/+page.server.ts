import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { isAppError } from '$server/errors';
import { errorMessage } from '$server/i18n';
import { END_REASONS } from '$server/matching/lifecycle';
import { endInput, goalInput, id as uuid, taskInput } from '$server/matching/validation';
import { m } from '$lib/paraglide/messages.js';
import { zonedToInstant } from '$lib/matching/zoned';
import { failFromError, formValues, invalid, signInUrl, type FormState } from '../../_lib/forms.server';
import { countryName, formatCalendarDate } from '../../_lib/options.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** What every action of the page hands back; `done` names what happened, for the live region. */
export interface PlanState extends FormState {
	done?: string;
}

/** Meeting lengths offered, in minutes. */
const LENGTHS = [30, 45, 60, 90, 120];

function context(event: Pick<RequestEvent, 'locals' | 'url' | 'params'>) {
	const { user, locale } = event.locals;
	if (!user) redirect(303, signInUrl(event));
	const parsed = uuid.safeParse(event.params.id);
	if (!parsed.success) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	return { user, locale, id: parsed.data, app: event.locals.app };
}

export const load: PageServerLoad = async (event) => {
	const { user, locale, id, app } = context(event);
	let view;
	try {
		view = await app.matching.get({ user, id, locale });
	} catch (e) {
		if (isAppError(e) && e.status === 404) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
		if (isAppError(e) && (e.code === 'consent_pending' || e.code === 'consent_withdrawn')) redirect(303, '/consent');
		throw e;
	}
	const names = new Map([
		[view.mentee.id, view.mentee.displayName],
		[view.mentor.id, view.mentor.displayName]
	]);
	// Each meeting in both members' time zones, in the reader's language.
	const at = (iso: string, timeZone: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone }).format(new Date(iso));
	const pair = view.myPart !== 'staff';
	const live = view.status === 'active' || view.status === 'paused';
	return {
		mentorship: {
			id: view.id,
			status: view.status,
			myPart: view.myPart,
			source: view.source,
			mentee: { ...view.mentee, countryName: countryName(view.mentee.country, locale) },
			mentor: { ...view.mentor, countryName: countryName(view.mentor.country, locale) },
			waitingFor: view.waitingFor,
			reasons: view.reasons,
			spaceId: view.spaceId,
			endedReason: view.endedReason
		},
		myZone: user.profile.timezone,
		goals: view.goals.map((g) => ({ id: g.id, text: g.text, done: g.done })),
		tasks: view.tasks.map((t) => ({
			id: t.id,
			title: t.title,
			done: t.done,
			assignee: t.assignee ? (t.assignee === user.id ? null : (names.get(t.assignee) ?? '')) : undefined,
			assignedToMe: t.assignee === user.id,
			due: t.due ? formatCalendarDate(t.due, locale) : null
		})),
		meetings: view.meetings.map((mt) => ({
			id: mt.id,
			status: mt.status,
			minutes: mt.minutes,
			note: mt.note,
			mine: mt.proposedBy === user.id,
			proposedBy: names.get(mt.proposedBy ?? '') ?? '',
			times: [
				{ who: 'mentee' as const, name: view.mentee.displayName, zone: mt.times.mentee.timeZone, text: at(mt.startsAt, mt.times.mentee.timeZone) },
				{ who: 'mentor' as const, name: view.mentor.displayName, zone: mt.times.mentor.timeZone, text: at(mt.startsAt, mt.times.mentor.timeZone) }
			]
		})),
		can: {
			answer: pair && view.status === 'proposed' && (view.waitingFor as string[]).includes(view.myPart),
			pause: pair && view.status === 'active',
			resume: pair && view.status === 'paused',
			complete: pair && live,
			end: !pair && (view.status === 'proposed' || live),
			write: pair && live
		},
		endReasons: [...END_REASONS],
		lengths: LENGTHS,
		// Dates before today are refused by the server anyway; the picker starts from today.
		today: new Intl.DateTimeFormat('en-CA', { timeZone: user.profile.timezone }).format(new Date())
	};
};

const done = (form: string, what: string): PlanState => ({ form, ok: true, done: what });
const flag = z.enum(['true', 'false']);

export const actions: Actions = {
	accept: async (event) => {
		const { user, locale, id, app } = context(event);
		try {
			await app.matching.accept({ user, id });
			const after = await app.matching.get({ user, id, locale });
			return done('status', after.status === 'active' ? 'started' : 'accepted');
		} catch (e) {
			return failFromError(e, { locale, values: {}, form: 'status' });
		}
	},
	decline: async (event) => {
		const { user, locale, id, app } = context(event);
		try {
			await app.matching.decline({ user, id });
		} catch (e) {
			return failFromError(e, { locale, values: {}, form: 'status' });
		}
		return done('status', 'declined');
	},
	pause: async (event) => {
		const { user, locale, id, app } = context(event);
		try {
			await app.matching.pause({ user, id });
		} catch (e) {
			return failFromError(e, { locale, values: {}, form: 'status' });
		}
		return done('status', 'paused');
	},
	resume: async (event) => {
		const { user, locale, id, app } = context(event);
		try {
			await app.matching.resume({ user, id });
		} catch (e) {
			return failFromError(e, { locale, values: {}, form: 'status' });
		}
		return done('status', 'resumed');
	},
	complete: async (event) => {
		const { user, locale, id, app } = context(event);
		try {
			await app.matching.complete({ user, id });
		} catch (e) {
			return failFromError(e, { locale, values: {}, form: 'status' });
		}
		return done('status', 'completed');
	},
	end: async (event) => {
		const { user, locale, id, app } = context(event);
		const values = formValues(await event.request.formData());
		const parsed = endInput.safeParse({ reason: values.reason, ...(values.note?.trim() ? { note: values.note } : {}) });
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: 'end' });
		try {
			await app.matching.end({ user, id, ...parsed.data });
		} catch (e) {
			return failFromError(e, { locale, values, form: 'end' });
		}
		return done('status', 'ended');
	},

	addGoal: async (event) => {
		const { user, locale, id, app } = context(event);
		const values = formValues(await event.request.formData());
		const parsed = goalInput.safeParse({ text: values.text ?? '' });
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: 'goal' });
		try {
			await app.matching.addGoal({ user, id, text: parsed.data.text });
		} catch (e) {
			return failFromError(e, { locale, values, form: 'goal' });
		}
		return done('goal', 'goal_added');
	},
	goalDone: async (event) => {
		const { user, locale, id, app } = context(event);
		const values = formValues(await event.request.formData());
		const goalId = uuid.safeParse(values.goalId);
		const value = flag.safeParse(values.done);
		if (!goalId.success || !value.success) return fail(400, { form: 'goals', message: errorMessage('invalid_input', locale) } satisfies PlanState);
		try {
			await app.matching.updateGoal({ user, id, goalId: goalId.data, done: value.data === 'true' });
		} catch (e) {
			return failFromError(e, { locale, values, form: 'goals' });
		}
		return done('goals', value.data === 'true' ? 'goal_done' : 'goal_open');
	},

	addTask: async (event) => {
		const { user, locale, id, app } = context(event);
		const values = formValues(await event.request.formData());
		const parsed = taskInput.safeParse({ title: values.title ?? '', assignee: values.assignee || null, due: values.due || null });
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: 'task' });
		try {
			await app.matching.addTask({ user, id, ...parsed.data });
		} catch (e) {
			return failFromError(e, { locale, values, form: 'task' });
		}
		return done('task', 'task_added');
	},
	taskDone: async (event) => {
		const { user, locale, id, app } = context(event);
		const values = formValues(await event.request.formData());
		const taskId = uuid.safeParse(values.taskId);
		const value = flag.safeParse(values.done);
		if (!taskId.success || !value.success) return fail(400, { form: 'tasks', message: errorMessage('invalid_input', locale) } satisfies PlanState);
		try {
			await app.matching.updateTask({ user, id, taskId: taskId.data, done: value.data === 'true' });
		} catch (e) {
			return failFromError(e, { locale, values, form: 'tasks' });
		}
		return done('tasks', value.data === 'true' ? 'task_done' : 'task_open');
	},

	proposeMeeting: async (event) => {
		const { user, locale, id, app } = context(event);
		const values = formValues(await event.request.formData());
		const errors: Record<string, string> = {};
		if (!values.date) errors.date = m.mentorship_meeting_date_missing({}, { locale });
		if (!values.time) errors.time = m.mentorship_meeting_time_missing({}, { locale });
		const minutes = Number(values.minutes);
		if (!LENGTHS.includes(minutes)) errors.minutes = errorMessage('invalid_value', locale);
		const start = Object.keys(errors).length === 0 ? zonedToInstant(values.date!, values.time!, user.profile.timezone) : null;
		if (Object.keys(errors).length === 0 && !start) errors.date = m.mentorship_meeting_date_missing({}, { locale });
		if (start && start.getTime() <= Date.now()) errors.date = m.mentorship_meeting_in_past({}, { locale });
		if (Object.keys(errors).length > 0) return fail(400, { form: 'meeting', message: errorMessage('invalid_input', locale), errors, values } satisfies PlanState);
		try {
			await app.matching.proposeMeeting({ user, id, startsAt: start!.toISOString(), minutes, note: values.note?.trim() ?? '' });
		} catch (e) {
			const failed = failFromError(e, { locale, values, form: 'meeting' });
			// The service names the instant `startsAt`; on this page it is the date field.
			const errs = failed.data.errors;
			if (errs?.startsAt) failed.data.errors = { ...errs, date: errs.startsAt };
			return failed;
		}
		return done('meeting', 'meeting_proposed');
	},
	meeting: async (event) => {
		const { user, locale, id, app } = context(event);
		const values = formValues(await event.request.formData());
		const meetingId = uuid.safeParse(values.meetingId);
		const status = z.enum(['accepted', 'declined', 'cancelled']).safeParse(values.status);
		if (!meetingId.success || !status.success) return fail(400, { form: 'meetings', message: errorMessage('invalid_input', locale) } satisfies PlanState);
		try {
			await app.matching.decideMeeting({ user, id, meetingId: meetingId.data, status: status.data });
		} catch (e) {
			return failFromError(e, { locale, values, form: 'meetings' });
		}
		return done('meetings', `meeting_${status.data}`);
	}
};
