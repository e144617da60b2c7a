import { api, createInvite, acceptInvite, newUser, type TestUser } from './api';

/** A birth date that makes someone 17 today: a minor under the default policy, above the default consent age (16). */
export function minorBirthDate(now = new Date()): string {
	const d = new Date(Date.UTC(now.getUTCFullYear() - 17, now.getUTCMonth(), now.getUTCDate()));
	d.setUTCDate(d.getUTCDate() - 30);
	return d.toISOString().slice(0, 10);
}

/** Gives `user` an account role through the admin API. */
export async function setRole(url: string, admin: { token: string }, user: { id: string }, role: 'mentee' | 'mentor' | 'moderator' | 'admin'): Promise<void> {
	const res = await api(url, `/api/v1/users/${user.id}`, { method: 'PATCH', token: admin.token, body: { role } });
	if (res.status !== 200) throw new Error(`role change failed: ${res.status} ${res.text}`);
}

/** A new account with the moderator role, signed in (the role is read per request, so the token stays good). */
export async function newModerator(url: string, admin: { token: string }, overrides: Record<string, unknown> = {}): Promise<TestUser> {
	const user = await newUser(url, { role: 'mentor', ...overrides });
	await setRole(url, admin, user, 'moderator');
	return { ...user, user: { ...user.user, role: 'moderator' } };
}

/**
 * A space created by `owner` with `supervisor` (a moderator) as its supervisor, so minors may join it, and each of
 * `members` joined through an invite.
 */
export async function supervisedSpace(
	url: string,
	{ owner, supervisor, members = [], kind = 'collective', observers = [] }: { owner: TestUser; supervisor: TestUser; members?: TestUser[]; observers?: TestUser[]; kind?: 'pair' | 'collective' }
): Promise<string> {
	const res = await api(url, '/api/v1/spaces', { token: owner.token, body: { title: 'A supervised space', kind, supervisorId: supervisor.id } });
	if (res.status !== 201) throw new Error(`create space failed: ${res.status} ${res.text}`);
	const spaceId = res.body.id as string;
	for (const [who, role] of [...members.map((m) => [m, 'member'] as const), ...observers.map((o) => [o, 'observer'] as const)]) {
		const code = await createInvite(url, owner, spaceId, { role });
		const joined = await acceptInvite(url, who, code);
		if (joined.status !== 200) throw new Error(`accept invite failed: ${joined.status} ${joined.text}`);
	}
	return spaceId;
}
