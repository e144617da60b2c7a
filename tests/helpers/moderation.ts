import { api, createInvite, acceptInvite, newUser, type TestUser } from './api';
import { request } from './chat';
import type { ClientSocket, Sockets } from './sockets';

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

/** A supervised space with an adult mentor and a 17-year-old in it, both connected and joined (`headers` go with the adult's handshake). */
export async function minorSpace(
	url: string,
	{ sockets, supervisor, headers = {} }: { sockets: Sockets; supervisor: TestUser; headers?: Record<string, string> }
): Promise<{ spaceId: string; adult: TestUser; minor: TestUser; adultSocket: ClientSocket; minorSocket: ClientSocket }> {
	const [adult, minor] = await Promise.all([newUser(url, { role: 'mentor' }), newUser(url, { birthDate: minorBirthDate() })]);
	const spaceId = await supervisedSpace(url, { owner: adult, supervisor, members: [minor] });
	const join = async (who: TestUser, extra: Record<string, string> = {}) => {
		const socket = await sockets.connect(url, { token: who.token, headers: extra });
		const ack = await request(socket, 'space:join', { spaceId });
		if (!ack.ok) throw new Error(`space:join refused: ${ack.error.code}`);
		return socket;
	};
	return { spaceId, adult, minor, adultSocket: await join(adult, headers), minorSocket: await join(minor) };
}
