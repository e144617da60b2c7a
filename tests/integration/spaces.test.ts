import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { spaceInvites } from '../../server/db/schema';
import { acceptInvite, api, createInvite, createSpace, joinSpace, newUser, type TestUser } from '../helpers/api';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';

const drivers = await availableDrivers();
const catalog = (locale: string) => JSON.parse(readFileSync(`${projectRoot}/messages/${locale}.json`, 'utf8')) as Record<string, string>;
const [en, fr] = [catalog('en'), catalog('fr')];
/** The HTML escaping SvelteKit applies to text in a page. */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Member {
	userId: string;
	role: string;
}

describe.each(drivers)('spaces and invites (%s)', (driver) => {
	let server: TestServer;
	let url: string;

	beforeAll(async () => {
		server = await startTestServer({ db: driver });
		url = server.url;
	});
	afterAll(() => server?.close());

	const getSpace = (who: TestUser, id: string) => api(url, `/api/v1/spaces/${id}`, { token: who.token });
	const mySpaceIds = async (who: TestUser) => ((await api(url, '/api/v1/spaces', { token: who.token })).body.spaces as { id: string }[]).map((s) => s.id);
	const roles = (members: Member[]) => Object.fromEntries(members.map((m) => [m.userId, m.role]));
	const leave = (who: TestUser, id: string) => api(url, `/api/v1/spaces/${id}/membership`, { method: 'DELETE', token: who.token });

	it('creating a space answers 201 with its id, and the creator is its owner', async () => {
		const owner = await newUser(url);
		const res = await api(url, '/api/v1/spaces', { token: owner.token, body: { title: '  Robotics club  ', kind: 'collective' } });
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			title: 'Robotics club',
			kind: 'collective',
			myRole: 'owner',
			members: [{ userId: owner.id, role: 'owner' }]
		});
	});

	it('an invalid space gets 400 with per-field codes', async () => {
		const owner = await newUser(url);
		const res = await api(url, '/api/v1/spaces', { token: owner.token, body: { title: '', kind: 'trio' } });
		expect(res.status).toBe(400);
		expect(res.body.error.fields).toMatchObject({ title: { code: 'title_invalid' }, kind: { code: 'kind_invalid' } });
		expect(await mySpaceIds(owner)).toEqual([]);
	});

	it('a title the moderation pipeline would hold or block is refused with 422 name_not_allowed, in the reader’s language, and creates nothing', async () => {
		const owner = await newUser(url);
		// Listed words (blocked, held, held only where minors are: anyone may be invited) and contact details.
		for (const title of ['Fucking robots', 'Our little secret', 'Send me a photo club', 'WhatsApp +44 7700 900123']) {
			const res = await api(url, '/api/v1/spaces', { token: owner.token, body: { title, kind: 'collective' }, headers: { 'accept-language': 'fr' } });
			expect(res.status, title).toBe(422);
			expect(res.body.error).toMatchObject({ code: 'name_not_allowed', message: fr.error_name_not_allowed, fields: { title: { code: 'name_not_allowed' } } });
		}
		expect(await mySpaceIds(owner)).toEqual([]);
		expect((await api(url, '/api/v1/spaces', { token: owner.token, body: { title: 'Photo club', kind: 'collective' } })).status).toBe(201);
	});

	it('the create-space form says why a title is refused next to the field, without JavaScript', async () => {
		const owner = await newUser(url);
		const res = await api(url, '/spaces?/create', {
			cookie: owner.cookie,
			raw: new URLSearchParams({ title: 'Dickhead club', kind: 'collective' }).toString(),
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, accept: 'text/html' }
		});
		expect(res.status).toBe(422);
		expect(res.text).toContain(html(en.error_name_not_allowed!));
		expect(await mySpaceIds(owner)).toEqual([]);
	});

	it('my spaces lists the spaces I belong to and no others; a member reads one with 200', async () => {
		const a = await newUser(url);
		const b = await newUser(url);
		const first = await createSpace(url, a, { title: 'first' });
		const second = await createSpace(url, a, { title: 'second', kind: 'pair' });
		const theirs = await createSpace(url, b, { title: 'theirs' });
		const list = await api(url, '/api/v1/spaces', { token: a.token });
		expect(list.status).toBe(200);
		expect(list.body.spaces).toHaveLength(2);
		expect(list.body.spaces).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ id: first, title: 'first', kind: 'collective', myRole: 'owner', memberCount: 1 }),
				expect.objectContaining({ id: second, title: 'second', kind: 'pair', myRole: 'owner', memberCount: 1 })
			])
		);
		expect(await mySpaceIds(a)).not.toContain(theirs);
		const read = await getSpace(a, first);
		expect(read.status).toBe(200);
		expect(read.body).toMatchObject({ id: first, myRole: 'owner' });
	});

	it('a non-member gets 404 for a space that exists, identical to a space that does not — never 403', async () => {
		const owner = await newUser(url);
		const outsider = await newUser(url);
		const id = await createSpace(url, owner);
		const existing = await getSpace(outsider, id);
		const missing = await getSpace(outsider, randomUUID());
		expect(existing.status).toBe(404);
		expect(existing.body.error.code).toBe('not_found');
		expect(existing.text).toBe(missing.text);
		// Nor can an outsider probe it through its invites or membership.
		const invite = await api(url, `/api/v1/spaces/${id}/invites`, { token: outsider.token, body: {} });
		expect(invite.status).toBe(404);
		expect((await leave(outsider, id)).status).toBe(404);
		expect(await mySpaceIds(outsider)).toEqual([]);
	});

	it('a malformed space id gets 404', async () => {
		const u = await newUser(url);
		for (const id of ['not-a-uuid', '1', "x' or 1=1 --"]) {
			const res = await getSpace(u, encodeURIComponent(id));
			expect(res.status, id).toBe(404);
			expect(res.body.error.code).toBe('not_found');
		}
	});

	it('anyone signed out gets 401 for spaces and invites', async () => {
		expect((await api(url, '/api/v1/spaces')).status).toBe(401);
		expect((await api(url, `/api/v1/spaces/${randomUUID()}`)).status).toBe(401);
		expect((await api(url, `/api/v1/invites/${'a'.repeat(32)}/accept`, { method: 'POST' })).status).toBe(401);
	});

	describe('invites', () => {
		it('an invite is { code, url, expiresAt } and accepting it joins the space with both members', async () => {
			const owner = await newUser(url);
			const guest = await newUser(url);
			const id = await createSpace(url, owner);
			const res = await api(url, `/api/v1/spaces/${id}/invites`, { token: owner.token, body: {} });
			expect(res.status).toBe(201);
			const { code, url: link, expiresAt } = res.body as { code: string; url: string; expiresAt: string };
			expect(code).toMatch(/^[A-Za-z0-9_-]{32}$/);
			expect(link).toBe(`${url}/invite/${code}`);
			const hoursLeft = (Date.parse(expiresAt) - Date.now()) / 3_600_000;
			expect(hoursLeft).toBeGreaterThan(server.app.config.inviteDefaultHours - 1);
			expect(hoursLeft).toBeLessThanOrEqual(server.app.config.inviteDefaultHours);

			const joined = await acceptInvite(url, guest, code);
			expect(joined.status).toBe(200);
			expect(joined.body).toMatchObject({ id, myRole: 'member' });
			expect(roles(joined.body.members)).toEqual({ [owner.id]: 'owner', [guest.id]: 'member' });
			expect((await getSpace(guest, id)).status).toBe(200);
			expect(await mySpaceIds(guest)).toEqual([id]);
		});

		it('the code is stored only hashed', async () => {
			const owner = await newUser(url);
			const id = await createSpace(url, owner);
			const code = await createInvite(url, owner, id);
			const rows = await server.db.select().from(spaceInvites).where(eq(spaceInvites.spaceId, id));
			expect(rows).toHaveLength(1);
			expect(JSON.stringify(rows)).not.toContain(code);
		});

		it('a single-use link used twice: the second person gets 410 invite_used_up and is not let in', async () => {
			const owner = await newUser(url);
			const first = await newUser(url);
			const second = await newUser(url);
			const id = await createSpace(url, owner);
			const code = await createInvite(url, owner, id);
			expect((await acceptInvite(url, first, code)).status).toBe(200);
			const again = await acceptInvite(url, second, code);
			expect(again.status).toBe(410);
			expect(again.body.error.code).toBe('invite_used_up');
			expect((await getSpace(second, id)).status).toBe(404);
		});

		it('two people racing for one single-use link: exactly one gets in', async () => {
			const owner = await newUser(url);
			const racers = [await newUser(url), await newUser(url)];
			const id = await createSpace(url, owner);
			const code = await createInvite(url, owner, id);
			const results = await Promise.all(racers.map((r) => acceptInvite(url, r, code)));
			expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
			expect((await getSpace(owner, id)).body.members).toHaveLength(2);
		});

		it('a multi-use link (maxUses: null) lets several people join', async () => {
			const owner = await newUser(url);
			const id = await createSpace(url, owner);
			const code = await createInvite(url, owner, id, { maxUses: null });
			const guests = [await newUser(url), await newUser(url), await newUser(url)];
			for (const g of guests) expect((await acceptInvite(url, g, code)).status).toBe(200);
			const space = await getSpace(owner, id);
			expect(space.body.members).toHaveLength(4);
		});

		it('an expired invite gets 410 invite_expired', async () => {
			const owner = await newUser(url);
			const guest = await newUser(url);
			const id = await createSpace(url, owner);
			const code = await createInvite(url, owner, id, { maxUses: null });
			await server.db.update(spaceInvites).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(spaceInvites.spaceId, id));
			const res = await acceptInvite(url, guest, code);
			expect(res.status).toBe(410);
			expect(res.body.error.code).toBe('invite_expired');
			expect((await getSpace(guest, id)).status).toBe(404);
		});

		it('an unknown or malformed invite code gets 404', async () => {
			const guest = await newUser(url);
			for (const code of ['A'.repeat(32), 'short', 'x'.repeat(200)]) {
				const res = await acceptInvite(url, guest, code);
				expect(res.status, code).toBe(404);
			}
		});

		it('a pair space refuses a third participant with 409 space_full, but still admits an observer', async () => {
			const owner = await newUser(url);
			const partner = await newUser(url);
			const third = await newUser(url);
			const watcher = await newUser(url);
			const id = await createSpace(url, owner, { kind: 'pair' });
			const code = await createInvite(url, owner, id, { maxUses: null });
			expect((await acceptInvite(url, partner, code)).status).toBe(200);
			const full = await acceptInvite(url, third, code);
			expect(full.status).toBe(409);
			expect(full.body.error.code).toBe('space_full');
			expect((await getSpace(third, id)).status).toBe(404);
			await joinSpace(url, owner, watcher, id, 'observer');
			expect((await getSpace(owner, id)).body.members).toHaveLength(3);
		});

		it('two people racing for the last place in a pair, with different links: one gets in, the other gets 409', async () => {
			const owner = await newUser(url);
			const racers = [await newUser(url), await newUser(url)];
			const id = await createSpace(url, owner, { kind: 'pair' });
			const codes = [await createInvite(url, owner, id), await createInvite(url, owner, id)];
			const results = await Promise.all(racers.map((r, i) => acceptInvite(url, r, codes[i]!)));
			expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
			expect((await getSpace(owner, id)).body.members).toHaveLength(2);
		});

		it('a collective admits more than two participants', async () => {
			const owner = await newUser(url);
			const id = await createSpace(url, owner, { kind: 'collective' });
			const code = await createInvite(url, owner, id, { maxUses: null });
			for (const g of [await newUser(url), await newUser(url)]) expect((await acceptInvite(url, g, code)).status).toBe(200);
			expect(Object.values(roles((await getSpace(owner, id)).body.members))).toEqual(['owner', 'member', 'member']);
		});

		it('an observer invite makes the person an observer, and observers cannot create invites (403)', async () => {
			const owner = await newUser(url);
			const observer = await newUser(url);
			const id = await createSpace(url, owner);
			const code = await createInvite(url, owner, id, { role: 'observer' });
			const joined = await acceptInvite(url, observer, code);
			expect(joined.status).toBe(200);
			expect(joined.body.myRole).toBe('observer');
			expect(roles(joined.body.members)[observer.id]).toBe('observer');
			const res = await api(url, `/api/v1/spaces/${id}/invites`, { token: observer.token, body: {} });
			expect(res.status).toBe(403);
			expect(res.body.error.code).toBe('forbidden');
			const [row] = await server.db.select().from(spaceInvites).where(eq(spaceInvites.spaceId, id));
			expect(row!.uses).toBe(1);
			expect(await server.db.select().from(spaceInvites).where(eq(spaceInvites.createdBy, observer.id))).toEqual([]);
		});

		it('accepting an invite to a space you are already in is idempotent and does not use up the link', async () => {
			const owner = await newUser(url);
			const guest = await newUser(url);
			const id = await createSpace(url, owner);
			const code = await createInvite(url, owner, id);
			const own = await acceptInvite(url, owner, code);
			expect(own.status).toBe(200);
			expect(own.body.myRole).toBe('owner');
			expect((await acceptInvite(url, guest, code)).status).toBe(200);
			const twice = await acceptInvite(url, guest, code);
			expect(twice.status).toBe(200);
			expect(roles(twice.body.members)).toEqual({ [owner.id]: 'owner', [guest.id]: 'member' });
		});
	});

	describe('leaving', () => {
		it('when the owner leaves, the longest-standing member becomes owner', async () => {
			const owner = await newUser(url);
			const early = await newUser(url);
			const late = await newUser(url);
			const id = await createSpace(url, owner);
			await joinSpace(url, owner, early, id);
			await joinSpace(url, owner, late, id);
			expect((await leave(owner, id)).status).toBe(204);
			expect((await getSpace(owner, id)).status).toBe(404);
			expect(await mySpaceIds(owner)).not.toContain(id);
			const space = await getSpace(early, id);
			expect(space.body.myRole).toBe('owner');
			expect(roles(space.body.members)).toEqual({ [early.id]: 'owner', [late.id]: 'member' });
		});

		it('when the last person leaves, the space disappears from their list and cannot be read', async () => {
			const owner = await newUser(url);
			const id = await createSpace(url, owner);
			const other = await createSpace(url, owner);
			expect((await leave(owner, id)).status).toBe(204);
			expect(await mySpaceIds(owner)).toEqual([other]);
			expect((await getSpace(owner, id)).status).toBe(404);
		});

		it('leaving a space twice gets 404 the second time', async () => {
			const owner = await newUser(url);
			const member = await newUser(url);
			const id = await createSpace(url, owner);
			await joinSpace(url, owner, member, id);
			expect((await leave(member, id)).status).toBe(204);
			expect((await leave(member, id)).status).toBe(404);
			expect(Object.keys(roles((await getSpace(owner, id)).body.members))).toEqual([owner.id]);
		});
	});
});
