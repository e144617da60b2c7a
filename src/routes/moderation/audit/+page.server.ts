import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { errorMessage } from '$server/i18n';
import { isStaff } from '$server/moderation/actions';
import { formatDateTime } from '../../_lib/options.server';
import type { PageServerLoad } from './$types';

/** The filters the form offers, as query parameters; anything malformed is ignored rather than refused. */
const filters = z.object({
	actor: z.uuid().optional().catch(undefined),
	action: z.string().regex(/^[a-z_]+(\.[a-z_]*)?$/).max(64).optional().catch(undefined),
	targetType: z.enum(['user', 'space', 'message', 'report', 'policy', 'document', 'outbox']).optional().catch(undefined),
	target: z.string().trim().min(1).max(64).optional().catch(undefined),
	from: z.iso.date().optional().catch(undefined),
	to: z.iso.date().optional().catch(undefined),
	cursor: z.string().max(200).optional().catch(undefined)
});

/** Actions and families of actions the filter offers (a family ends in "."). */
const ACTIONS = [
	'message.',
	'message.approve',
	'message.reject',
	'message.supersede',
	'chat.delete',
	'space.',
	'space.mute',
	'space.unmute',
	'space.lock',
	'space.unlock',
	'space.remove_member',
	'space.end_session',
	'space.pause',
	'space.supervise',
	'report.',
	'report.create',
	'report.resolve',
	'report.dismiss',
	'user.',
	'user.suspend',
	'user.unsuspend',
	'user.role',
	'policy.',
	'outbox.passed_on',
	'consent.',
	'consent.grant',
	'consent.revoke',
	'consent.guardian_confirm',
	'consent.guardian_link_rotate'
];

/** The instant a calendar day starts in `timeZone` (offsets read from Intl, so summer time is right). */
function startOfDay(date: string, timeZone: string): Date {
	const guess = new Date(`${date}T00:00:00Z`);
	const offset = (at: Date) => {
		const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
		const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
		return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000 : 0;
	};
	return new Date(guess.getTime() - offset(new Date(guess.getTime() - offset(guess))));
}

export const load: PageServerLoad = async (event) => {
	const { user, locale, app } = event.locals;
	if (!user || !isStaff(user.role)) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	const f = filters.parse(Object.fromEntries(event.url.searchParams));
	const timeZone = user.profile.timezone;
	const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
	const [page, people] = await Promise.all([
		app.audit.list({
			actorId: f.actor,
			action: f.action,
			targetType: f.targetType,
			targetId: f.target,
			from: f.from ? startOfDay(f.from, timeZone) : undefined,
			// Inclusive of the whole last day.
			to: f.to ? new Date(startOfDay(nextDay(f.to), timeZone).getTime() - 1) : undefined,
			cursor: f.cursor,
			limit: 50,
			// Nothing about reports on the reader.
			viewerId: user.id
		}),
		app.accounts.listUsers()
	]);
	const query = new URLSearchParams(Object.entries({ ...f, cursor: undefined }).filter((e): e is [string, string] => typeof e[1] === 'string'));
	return {
		filters: { actor: f.actor ?? '', action: f.action ?? '', targetType: f.targetType ?? '', target: f.target ?? '', from: f.from ?? '', to: f.to ?? '' },
		actions: ACTIONS,
		// People who can act as moderators, by name; anyone else can still be filtered on by following a link.
		staff: people.filter((p) => isStaff(p.role)).map((p) => ({ id: p.id, displayName: p.displayName })),
		entries: page.entries.map((e) => ({ ...e, when: formatDateTime(e.createdAt, { locale, timeZone }) })),
		next: page.next ? `?${new URLSearchParams([...query, ['cursor', page.next]])}` : null,
		first: f.cursor ? `?${query}` : null,
		timeZone
	};
};
