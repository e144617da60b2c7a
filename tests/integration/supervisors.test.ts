import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/lib/protocol/codes';
import type { ModerationAlert, ServerToClientEvents } from '../../src/lib/protocol/events';
import { api, newUser, type TestUser } from '../helpers/api';
import { record, request, sendOk } from '../helpers/chat';
import { minorBirthDate, newModerator, setRole, supervisedSpace } from '../helpers/moderation';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets, type ClientSocket } from '../helpers/sockets';
import { nextEvent, nextMatching, waitFor } from '../helpers/wait';
import { appendParagraph, createDocument, syncedClient, YClient } from '../helpers/yjs';

type PresenceUpdate = Parameters<ServerToClientEvents['presence:update']>[0];

const drivers = await availableDrivers();

describe.each(drivers)('supervisors are staff (%s)', (driver) => {
	let server: TestServer;
	let admin: TestUser;
	const sockets = new Sockets();

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none' } });
		admin = await newUser(server.url, { role: 'mentor' });
	});
	const clients: YClient[] = [];
	afterEach(() => {
		sockets.closeAll();
		for (const c of clients.splice(0)) c.destroy();
	});
	afterAll(() => server?.close());

	it('a supervisor demoted from moderator keeps no part in the minor’s space: not its page, not its chat, no moderation there', async () => {
		const supervisor = await newModerator(server.url, admin);
		const [mentor, minor] = await Promise.all([newUser(server.url, { role: 'mentor' }), newUser(server.url, { birthDate: minorBirthDate() })]);
		const spaceId = await supervisedSpace(server.url, { owner: mentor, supervisor, members: [minor] });
		// While a moderator, they supervise.
		expect((await api(server.url, `/api/v1/spaces/${spaceId}`, { token: supervisor.token })).status).toBe(200);

		await setRole(server.url, admin, supervisor, 'mentor');
		expect((await api(server.url, `/api/v1/spaces/${spaceId}`, { token: supervisor.token })).status).toBe(404);
		const socket = await sockets.connect(server.url, { token: supervisor.token });
		expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
		const mute = await api(server.url, `/api/v1/moderation/spaces/${spaceId}/members/${minor.id}/mute`, { token: supervisor.token, body: { durationSeconds: 60, reason: 'test' } });
		expect([403, 404]).toContain(mute.status);
		expect(await server.app.moderation.mayReview(supervisor.id, spaceId)).toBe(false);

		// Made a moderator again, they supervise again.
		await setRole(server.url, admin, supervisor, 'moderator');
		expect((await api(server.url, `/api/v1/spaces/${spaceId}`, { token: supervisor.token })).status).toBe(200);
		expect(await server.app.moderation.mayReview(supervisor.id, spaceId)).toBe(true);
	});

	it('when the only supervisor of a minor’s space is demoted, nobody writes there — chat or document — until a supervisor is back', async () => {
		const supervisor = await newModerator(server.url, admin);
		const [mentor, minor] = await Promise.all([newUser(server.url, { role: 'mentor' }), newUser(server.url, { birthDate: minorBirthDate() })]);
		const spaceId = await supervisedSpace(server.url, { owner: mentor, supervisor, members: [minor] });
		const docId = await createDocument(server.url, mentor, spaceId, { kind: 'text', title: 'Our story' });
		const socket = await sockets.connect(server.url, { token: mentor.token });
		expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true });
		expect(await request(socket, 'chat:send', { spaceId, clientId: 'before', text: 'hello' })).toMatchObject({ ok: true });
		const doc = await syncedClient({ url: server.url, docId, token: mentor.token });
		try {
			await setRole(server.url, admin, supervisor, 'mentor');
			// Supervision is read with locks and mutes (cached for seconds): within that, every writer stops.
			const blocked = async () => (await server.app.restrictions.block({ spaceId, userId: mentor.id }))?.code;
			await waitFor(async () => (await blocked()) === 'supervisor_required', { timeoutMs: 20_000, what: 'supervision read as lost' });
			expect(await request(socket, 'chat:send', { spaceId, clientId: 'after', text: 'still here?' })).toMatchObject({ ok: false, error: { code: 'supervisor_required' } });
			// The open document turns read-only: an edit is refused ("permission denied"), never stored.
			await waitFor(
				async () => {
					appendParagraph(doc.doc, 'are you there');
					await new Promise((r) => setTimeout(r, 300));
					return doc.denied.length > 0;
				},
				{ timeoutMs: 20_000, what: 'the document read-only' }
			);

			// A moderator made supervisor again: writing resumes.
			await setRole(server.url, admin, supervisor, 'moderator');
			await waitFor(async () => (await blocked()) === undefined, { timeoutMs: 20_000, what: 'supervision read as back' });
			expect(await request(socket, 'chat:send', { spaceId, clientId: 'back', text: 'back' })).toMatchObject({ ok: true });
		} finally {
			doc.destroy();
		}
	});

	it('a moderator demoted while connected gets no more alerts and is taken out of the space they supervised; made one again, alerts come back', async () => {
		const [supervisor, colleague] = await Promise.all([newModerator(server.url, admin), newModerator(server.url, admin)]);
		const [mentor, minor] = await Promise.all([newUser(server.url, { role: 'mentor' }), newUser(server.url, { birthDate: minorBirthDate() })]);
		const spaceId = await supervisedSpace(server.url, { owner: mentor, supervisor, members: [minor] });
		// The colleague supervises too, so the space keeps a supervisor (without one, nobody there may write).
		expect((await api(server.url, `/api/v1/moderation/live/${spaceId}/supervise`, { method: 'POST', token: colleague.token })).status).toBe(200);
		const connect = async (who: TestUser) => {
			const socket = await sockets.connect(server.url, { token: who.token });
			expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true });
			return socket;
		};
		const [sup, smentor, sminor] = [await connect(supervisor), await connect(mentor), await connect(minor)];
		const scolleague = await sockets.connect(server.url, { token: colleague.token });
		const doc = new YClient({ url: server.url, docId: await createDocument(server.url, mentor, spaceId), token: supervisor.token });
		clients.push(doc);
		await nextEvent(doc.events, 'open');
		// Sending makes chat remember the supervisor's role for a few seconds.
		await sendOk(sup, spaceId, 'hello, I am supervising today');
		const alertsToSup = record<ModerationAlert>(sup, 'moderation:alert');
		const messagesToSup = record<{ text: string }>(sup, 'chat:message');
		const gone = nextMatching<PresenceUpdate>(smentor, 'presence:update', (p) => p.spaceId === spaceId && !p.members.some((m) => m.userId === supervisor.id));
		const docClosed = nextEvent<{ code: number }>(doc.events, 'close');

		await setRole(server.url, admin, supervisor, 'mentor');
		// The participants see the supervisor leave, and the document they had open closes.
		await gone;
		expect((await docClosed).code).toBe(CloseCode.SessionEnded);
		doc.provider.disconnect();

		const heldAlert = (socket: ClientSocket) => nextMatching<ModerationAlert>(socket, 'moderation:alert', (a) => a.kind === 'held' && a.spaceId === spaceId);
		const colleagueAlerted = heldAlert(scolleague);
		expect(await request(sminor, 'chat:send', { spaceId, clientId: randomUUID(), text: 'call me on 0612 345 678' })).toMatchObject({ ok: true, message: { held: 'pending' } });
		await colleagueAlerted;
		const delivered = nextMatching<{ text: string }>(smentor, 'chat:message', (m) => m.text === 'see you on Tuesday');
		await sendOk(sminor, spaceId, 'see you on Tuesday');
		await delivered;
		// Whatever was sent to the former supervisor before this ack has arrived by now.
		expect(await request(sup, 'chat:send', { spaceId, clientId: randomUUID(), text: 'still here' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
		expect(alertsToSup).toEqual([]);
		expect(messagesToSup.map((m) => m.text)).toEqual([]);

		// A moderator again: alerts reach the same connection, without reconnecting.
		await setRole(server.url, admin, supervisor, 'moderator');
		const supAlerted = heldAlert(sup);
		expect(await request(sminor, 'chat:send', { spaceId, clientId: randomUUID(), text: 'my number is 0612 345 679' })).toMatchObject({ ok: true });
		await supAlerted;
	});
});
