import { api, newUser, signIn, type TestUser } from './api';
import { consentToken, guardianLinkToken, minorBody, submitConsent, yearsAgo } from './safeguarding';

/** Free all week, every hour: any engine finds enough overlap with anyone else who is. */
export const ALL_WEEK = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: 0, end: 1440 }));

/** Speaks English natively, likes drawing, free all week; `overrides` go into the sign-up body. */
function person(overrides: Record<string, unknown>): Record<string, unknown> {
	return { languages: [{ tag: 'en', level: 'native' }], passions: ['drawing', 'comics'], ...overrides };
}

/** Saves a matching profile through the API and fails loudly unless it is accepted. */
export async function saveProfile(url: string, who: { token: string }, profile: Record<string, unknown> = {}): Promise<void> {
	const res = await api(url, '/api/v1/matching/profile', { method: 'PUT', token: who.token, body: { availability: ALL_WEEK, ...profile } });
	if (res.status !== 200) throw new Error(`matching profile refused: ${res.status} ${res.text}`);
}

/** A mentor ready to be matched (free all week); vetted for work with minors by `vettedBy` when given. */
export async function newMentor(url: string, { overrides = {}, profile = {}, vettedBy }: { overrides?: Record<string, unknown>; profile?: Record<string, unknown>; vettedBy?: TestUser } = {}): Promise<TestUser> {
	const mentor = await newUser(url, person({ role: 'mentor', displayName: 'Mentor', timezone: 'America/Lima', country: 'PE', ...overrides }));
	await saveProfile(url, mentor, profile);
	if (vettedBy) await vet(url, vettedBy, mentor);
	return mentor;
}

/** An adult mentee ready to be matched. */
export async function newMentee(url: string, { overrides = {}, profile = {} }: { overrides?: Record<string, unknown>; profile?: Record<string, unknown> } = {}): Promise<TestUser> {
	const mentee = await newUser(url, person({ role: 'mentee', displayName: 'Mentee', ...overrides }));
	await saveProfile(url, mentee, profile);
	return mentee;
}

/** A 17-year-old mentee: a minor who decides for themselves (above the default consent age, 16). */
export async function newMinorMentee(url: string, { overrides = {}, profile = {} }: { overrides?: Record<string, unknown>; profile?: Record<string, unknown> } = {}): Promise<TestUser> {
	return newMentee(url, { overrides: { birthDate: yearsAgo(17), ...overrides }, profile });
}

/** A 13-year-old mentee whose guardian confirmed participation: their guardian decides on mentorships too. */
export async function newChildMentee(url: string, admin: TestUser, { overrides = {}, profile = {} }: { overrides?: Record<string, unknown>; profile?: Record<string, unknown> } = {}) {
	const body = minorBody(13, person({ displayName: 'Child', ...overrides }));
	const created = await api(url, '/api/v1/users', { body });
	if (created.status !== 201) throw new Error(`sign-up failed: ${created.status} ${created.text}`);
	const guardianEmail = body.guardianEmail as string;
	const confirmed = await submitConsent(url, await consentToken(url, admin, guardianEmail), ['participation']);
	if (confirmed.type !== 'success') throw new Error('the guardian’s confirmation failed');
	const session = await signIn(url, { email: body.email as string, password: body.password as string });
	const child = { ...session, id: session.user.id, email: body.email as string, password: body.password as string };
	await saveProfile(url, child, profile);
	return { child, guardianEmail, firstLink: await guardianLinkToken(url, admin, guardianEmail) };
}

export async function vet(url: string, admin: { token: string }, mentor: { id: string }): Promise<void> {
	const res = await api(url, `/api/v1/admin/users/${mentor.id}/vetting`, { method: 'PUT', token: admin.token, body: { vetted: true } });
	if (res.status !== 200) throw new Error(`vetting failed: ${res.status} ${res.text}`);
}

/**
 * An active mentorship through self-match: `mentee` asks for `mentor`, who accepts. Returns the mentorship as the
 * mentor's acceptance answered it.
 */
export async function activePair(url: string, mentee: TestUser, mentor: TestUser): Promise<{ id: string; spaceId: string; body: any }> {
	const asked = await api(url, '/api/v1/mentorships', { token: mentee.token, body: { mentorId: mentor.id } });
	if (asked.status !== 201) throw new Error(`request failed: ${asked.status} ${asked.text}`);
	const accepted = await api(url, `/api/v1/mentorships/${asked.body.id}/accept`, { method: 'POST', token: mentor.token });
	if (accepted.status !== 200 || accepted.body.status !== 'active') throw new Error(`accept failed: ${accepted.status} ${accepted.text}`);
	return { id: asked.body.id as string, spaceId: accepted.body.spaceId as string, body: accepted.body };
}

/**
 * Submits a form of the guardian's page as a browser with JavaScript does (see guardianForm in ./safeguarding):
 * the matching decisions, `approveMatch` and `declineMatch`.
 */
export async function guardianDecision(url: string, token: string, action: 'approveMatch' | 'declineMatch', mentorshipId: string): Promise<{ type: string; status: number; data: string }> {
	const res = await api(url, `/guardian/${token}?/${action}`, {
		raw: new URLSearchParams({ mentorship: mentorshipId }).toString(),
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, 'x-sveltekit-action': 'true', accept: 'application/json' }
	});
	if (typeof res.body !== 'object' || res.body === null) throw new Error(`guardian form answered ${res.status}: ${res.text.slice(0, 200)}`);
	return { type: res.body.type, status: res.body.status ?? res.status, data: String(res.body.data ?? '') };
}
