import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { auditLog, chatMessages, moderationQueue } from '../../server/db/schema';
import type { ChatMessage } from '../../src/lib/protocol/chat';
import { api, newUser, type TestUser } from '../helpers/api';
import { minorBirthDate, newModerator, supervisedSpace } from '../helpers/moderation';
import { chatSpace, nextMessage, record, request, sendOk, storedCount } from '../helpers/chat';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets, type ClientSocket } from '../helpers/sockets';
import { nextMatching, waitFor } from '../helpers/wait';

const drivers = await availableDrivers();
const es = JSON.parse(readFileSync(`${projectRoot}/messages/es.json`, 'utf8')) as Record<string, string>;
const en = JSON.parse(readFileSync(`${projectRoot}/messages/en.json`, 'utf8')) as Record<string, string>;
const CONTACT = 'text me on 555 123 4567 or add me on snapchat';

describe.each(drivers)('held messages (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
	let moderator: TestUser;
	const sockets = new Sockets();
	const logs: string[] = [];

	beforeAll(async () => {
		server = await startTestServer({
			db: driver,
			config: { translator: 'none', logLevel: 'debug', logDestination: { write: (line: string) => void logs.push(line) } }
		});
		url = server.url;
		admin = await newUser(url);
		moderator = await newModerator(url, admin);
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	/** A supervised space with an adult mentor and a minor, both connected and joined. */
	async function minorSpace(headers: Record<string, string> = {}) {
		const [adult, minor] = await Promise.all([newUser(url, { role: 'mentor' }), newUser(url, { birthDate: minorBirthDate() })]);
		const spaceId = await supervisedSpace(url, { owner: adult, supervisor: moderator, members: [minor] });
		const join = async (who: TestUser, extra: Record<string, string> = {}) => {
			const socket = await sockets.connect(url, { token: who.token, headers: extra });
			const ack = await request(socket, 'space:join', { spaceId });
			if (!ack.ok) throw new Error(`space:join refused: ${ack.error.code}`);
			return socket;
		};
		return { spaceId, adult, minor, adultSocket: await join(adult, headers), minorSocket: await join(minor) };
	}

	async function history(socket: ClientSocket, spaceId: string): Promise<ChatMessage[]> {
		const ack = await request(socket, 'chat:history', { spaceId });
		if (!ack.ok) throw new Error(`chat:history refused: ${ack.error.code}`);
		return ack.messages;
	}

	async function queueEntry(messageId: string) {
		const res = await api(url, '/api/v1/moderation/queue', { token: moderator.token });
		expect(res.status).toBe(200);
		return (res.body.items as { id: string; targetId: string; hook: string; reason: string; text: string; kind: string }[]).find((i) => i.targetId === messageId);
	}

	/** Sends a sentinel from `from` and waits until `to` has it: everything sent before has had its chance to arrive. */
	async function settle(from: ClientSocket, to: ClientSocket, spaceId: string): Promise<ChatMessage> {
		const clientId = randomUUID();
		const arrived = nextMessage(to, clientId);
		await sendOk(from, spaceId, 'sentinel', { clientId });
		return arrived;
	}

	it('a contact detail in a space with a minor is held: the sender sees it waiting, the minor receives nothing, a moderator approves and it arrives', async () => {
		const { spaceId, adult, adultSocket, minorSocket } = await minorSpace();
		const seenByMinor = record<ChatMessage>(minorSocket, 'chat:message');
		const ack = await request(adultSocket, 'chat:send', { spaceId, clientId: randomUUID(), text: CONTACT, lang: 'en' });
		if (!ack.ok) throw new Error(`refused: ${ack.error.code}`);
		const held = ack.message;
		expect(held).toMatchObject({ text: CONTACT, held: 'pending', authorId: adult.id });

		const sentinel = await settle(adultSocket, minorSocket, spaceId);
		expect(seenByMinor.map((m) => m.id)).toEqual([sentinel.id]);
		expect((await history(minorSocket, spaceId)).map((m) => m.id)).toEqual([sentinel.id]);
		expect((await history(adultSocket, spaceId)).map((m) => [m.id, m.held])).toEqual([
			[held.id, 'pending'],
			[sentinel.id, undefined]
		]);
		// The minor cannot reach it by id either.
		expect(await request(minorSocket, 'chat:translate', { spaceId, messageId: held.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });

		const entry = await queueEntry(held.id);
		expect(entry).toMatchObject({ kind: 'chat', hook: 'contact_details', text: CONTACT });
		expect(entry!.reason).toMatch(/^contact_(phone|messaging)$/);
		// Nobody but moderators and admins reads the queue or reviews it.
		expect((await api(url, '/api/v1/moderation/queue', { token: adult.token })).status).toBe(403);
		expect((await api(url, `/api/v1/moderation/queue/${entry!.id}/approve`, { method: 'POST', token: adult.token })).status).toBe(403);

		const arrives = nextMatching<ChatMessage>(minorSocket, 'chat:message', (m) => m.id === held.id);
		const approved = await api(url, `/api/v1/moderation/queue/${entry!.id}/approve`, { method: 'POST', token: moderator.token });
		expect(approved.status).toBe(200);
		const delivered = await arrives;
		expect(delivered).toMatchObject({ id: held.id, seq: held.seq, text: CONTACT });
		expect(delivered.held).toBeUndefined();
		// In its original place, by seq.
		expect((await history(minorSocket, spaceId)).map((m) => m.id)).toEqual([held.id, sentinel.id]);

		const [row] = await server.db.select().from(chatMessages).where(eq(chatMessages.id, held.id));
		expect(row!.heldAt).toBeNull();
		const audit = await server.db.select().from(auditLog).where(and(eq(auditLog.targetId, held.id), eq(auditLog.action, 'message.approve')));
		expect(audit).toHaveLength(1);
		expect(audit[0]!.actorId).toBe(moderator.id);
		expect(audit[0]!.detail).not.toContain('555');

		const again = await api(url, `/api/v1/moderation/queue/${entry!.id}/approve`, { method: 'POST', token: moderator.token, headers: { 'accept-language': 'es' } });
		expect(again.status).toBe(409);
		expect(again.body.error.code).toBe('already_reviewed');
	});

	it('a rejected message stays hidden from everyone else; its author sees it was not approved', async () => {
		const { spaceId, adultSocket, minorSocket } = await minorSpace();
		const seenByMinor = record<ChatMessage>(minorSocket, 'chat:message');
		const updatesOfMinor = record<ChatMessage>(minorSocket, 'chat:updated');
		const held = await sendOk(adultSocket, spaceId, 'my email is coach.sam@example.com');
		expect(held.held).toBe('pending');
		const entry = await queueEntry(held.id);
		expect(entry).toMatchObject({ reason: 'contact_email' });

		const told = nextMatching<ChatMessage>(adultSocket, 'chat:updated', (m) => m.id === held.id);
		const rejected = await api(url, `/api/v1/moderation/queue/${entry!.id}/reject`, { token: moderator.token, body: { reason: 'contact details with a minor' } });
		expect(rejected.status).toBe(200);
		expect(await told).toMatchObject({ id: held.id, held: 'rejected' });

		const sentinel = await settle(adultSocket, minorSocket, spaceId);
		expect(seenByMinor.map((m) => m.id)).toEqual([sentinel.id]);
		expect(updatesOfMinor).toEqual([]);
		expect((await history(minorSocket, spaceId)).map((m) => m.id)).toEqual([sentinel.id]);
		expect((await history(adultSocket, spaceId)).find((m) => m.id === held.id)).toMatchObject({ held: 'rejected' });
		// It cannot be edited into something else and slipped through; the refusal says it was not approved.
		expect(await request(adultSocket, 'chat:edit', { spaceId, messageId: held.id, text: 'never mind' })).toEqual({
			ok: false,
			error: { code: 'message_rejected', message: en.error_message_rejected }
		});

		const [row] = await server.db.select().from(moderationQueue).where(eq(moderationQueue.id, entry!.id));
		expect(row).toMatchObject({ status: 'rejected', reviewedBy: moderator.id });
		expect(await server.db.select().from(auditLog).where(and(eq(auditLog.targetId, held.id), eq(auditLog.action, 'message.reject')))).toHaveLength(1);
	});

	it('the same text in a space without minors passes', async () => {
		const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
		const [a, b] = [members[0]!, members[1]!];
		const clientId = randomUUID();
		const arrives = nextMessage(b.socket, clientId);
		const sent = await sendOk(a.socket, spaceId, CONTACT, { clientId });
		expect(sent.held).toBeUndefined();
		expect((await arrives).text).toBe(CONTACT);
		expect(await queueEntry(sent.id)).toBeUndefined();
	});

	it('an edit that would be held is held: readers keep the earlier text until a moderator approves it', async () => {
		const { spaceId, adultSocket, minorSocket } = await minorSpace();
		const clientId = randomUUID();
		const arrives = nextMessage(minorSocket, clientId);
		const original = await sendOk(adultSocket, spaceId, 'see you on Tuesday', { clientId });
		await arrives;
		const updatesOfMinor = record<ChatMessage>(minorSocket, 'chat:updated');

		const edit = await request(adultSocket, 'chat:edit', { spaceId, messageId: original.id, text: 'see you on Tuesday, call 555 123 4567' });
		expect(edit).toMatchObject({ ok: true, message: { id: original.id, held: 'pending', text: 'see you on Tuesday, call 555 123 4567' } });
		await settle(adultSocket, minorSocket, spaceId);
		expect(updatesOfMinor).toEqual([]);
		expect((await history(minorSocket, spaceId)).find((m) => m.id === original.id)).toMatchObject({ text: 'see you on Tuesday' });
		expect((await history(adultSocket, spaceId)).find((m) => m.id === original.id)).toMatchObject({ held: 'pending', text: 'see you on Tuesday, call 555 123 4567' });

		const entry = await queueEntry(original.id);
		expect(entry).toMatchObject({ kind: 'chat-edit', reason: 'contact_phone' });
		const updated = nextMatching<ChatMessage>(minorSocket, 'chat:updated', (m) => m.id === original.id);
		expect((await api(url, `/api/v1/moderation/queue/${entry!.id}/approve`, { method: 'POST', token: moderator.token })).status).toBe(200);
		expect(await updated).toMatchObject({ text: 'see you on Tuesday, call 555 123 4567' });
	});

	/** A message from the adult the minor has received, and the minor's record of updates to it from then on. */
	async function sentAndSeen(text: string) {
		const space = await minorSpace();
		const clientId = randomUUID();
		const arrives = nextMessage(space.minorSocket, clientId);
		const original = await sendOk(space.adultSocket, space.spaceId, text, { clientId });
		await arrives;
		return { ...space, original, updatesOfMinor: record<ChatMessage>(space.minorSocket, 'chat:updated') };
	}
	const edit = (socket: ClientSocket, spaceId: string, messageId: string, text: string) => request(socket, 'chat:edit', { spaceId, messageId, text });
	const review = (entryId: string, decision: 'approve' | 'reject') =>
		api(url, `/api/v1/moderation/queue/${entryId}/${decision}`, { method: 'POST', token: moderator.token, headers: { 'accept-language': 'es' } });
	async function editEntries(messageId: string) {
		return server.db.select().from(moderationQueue).where(and(eq(moderationQueue.targetId, messageId), eq(moderationQueue.kind, 'chat-edit'))).orderBy(moderationQueue.createdAt);
	}

	it('a turned-down edit: readers never see it, its author is told in an event and in history, and may edit again', async () => {
		const { spaceId, adultSocket, minorSocket, original, updatesOfMinor } = await sentAndSeen('see you on Friday');
		const held = await edit(adultSocket, spaceId, original.id, 'see you on Friday, call 555 123 4567');
		expect(held).toMatchObject({ ok: true, message: { held: 'pending', editHeld: 'pending', text: 'see you on Friday, call 555 123 4567' } });
		const [entry] = await editEntries(original.id);

		const told = nextMatching<ChatMessage>(adultSocket, 'chat:updated', (m) => m.id === original.id && m.editHeld === 'rejected');
		expect((await review(entry!.id, 'reject')).status).toBe(200);
		const rejected = await told;
		expect(rejected).toMatchObject({ id: original.id, text: 'see you on Friday', editHeld: 'rejected' });
		expect(rejected.held).toBeUndefined();
		const inHistory = async (socket: ClientSocket) => (await history(socket, spaceId)).find((m) => m.id === original.id)!;
		expect(await inHistory(adultSocket)).toMatchObject({ text: 'see you on Friday', editHeld: 'rejected' });
		const seenByMinor = await inHistory(minorSocket);
		expect(seenByMinor).toMatchObject({ text: 'see you on Friday' });
		expect(seenByMinor.editHeld).toBeUndefined();
		await settle(adultSocket, minorSocket, spaceId);
		expect(updatesOfMinor).toEqual([]);

		// Edited again (passing the filters this time), the message shows no trace of the rejection.
		const again = await edit(adultSocket, spaceId, original.id, 'see you on Saturday');
		expect(again).toMatchObject({ ok: true, message: { text: 'see you on Saturday' } });
		expect(again.ok && again.message.editHeld).toBeUndefined();
		const now = await inHistory(adultSocket);
		expect(now).toMatchObject({ text: 'see you on Saturday' });
		expect(now.editHeld).toBeUndefined();
	});

	it('a held edit never overwrites a newer one: approved after its author edited again, it is marked superseded and changes nothing', async () => {
		const { spaceId, adultSocket, minorSocket, original, updatesOfMinor } = await sentAndSeen('meet at the library');
		expect(await edit(adultSocket, spaceId, original.id, 'meet at the library, call 555 123 4567')).toMatchObject({ ok: true, message: { held: 'pending' } });
		const newer = await edit(adultSocket, spaceId, original.id, 'meet at the museum');
		expect(newer).toMatchObject({ ok: true, message: { text: 'meet at the museum' } });
		expect(newer.ok && newer.message.held).toBeUndefined();
		// The author no longer sees the older edit waiting: the newer text stands.
		expect((await history(adultSocket, spaceId)).find((m) => m.id === original.id)).toMatchObject({ text: 'meet at the museum' });

		const [older] = await editEntries(original.id);
		expect(older).toMatchObject({ status: 'held' });
		const refused = await review(older!.id, 'approve');
		expect(refused).toMatchObject({ status: 409, body: { error: { code: 'edit_superseded', message: es.error_edit_superseded } } });
		const [row] = await server.db.select().from(chatMessages).where(eq(chatMessages.id, original.id));
		expect(row!.text).toBe('meet at the museum');
		expect((await editEntries(original.id))[0]).toMatchObject({ status: 'superseded', reviewedBy: moderator.id });
		expect(await server.db.select().from(auditLog).where(and(eq(auditLog.targetId, original.id), eq(auditLog.action, 'message.supersede')))).toHaveLength(1);
		expect((await history(minorSocket, spaceId)).find((m) => m.id === original.id)).toMatchObject({ text: 'meet at the museum' });
		await settle(adultSocket, minorSocket, spaceId);
		expect(updatesOfMinor.map((m) => m.text)).toEqual(['meet at the museum']);
	});

	it('of two held edits only the latest can be applied; an edit back to the text readers see takes a held one back', async () => {
		const { spaceId, adultSocket, minorSocket, original } = await sentAndSeen('lunch at noon');
		await edit(adultSocket, spaceId, original.id, 'lunch at noon, text 555 123 4567');
		const second = await edit(adultSocket, spaceId, original.id, 'lunch at one, text 555 765 4321');
		expect(second).toMatchObject({ ok: true, message: { held: 'pending', editHeld: 'pending', text: 'lunch at one, text 555 765 4321' } });
		expect((await history(adultSocket, spaceId)).find((m) => m.id === original.id)).toMatchObject({ editHeld: 'pending', text: 'lunch at one, text 555 765 4321' });
		const [first, latest] = await editEntries(original.id);
		expect((await review(first!.id, 'approve')).body.error.code).toBe('edit_superseded');
		const applied = nextMatching<ChatMessage>(minorSocket, 'chat:updated', (m) => m.id === original.id);
		expect((await review(latest!.id, 'approve')).status).toBe(200);
		expect(await applied).toMatchObject({ text: 'lunch at one, text 555 765 4321' });

		// Held again, then taken back by editing to the text readers see: approving it later changes nothing.
		const third = await edit(adultSocket, spaceId, original.id, 'lunch at two, text 555 000 1111');
		expect(third).toMatchObject({ ok: true, message: { editHeld: 'pending' } });
		const back = await edit(adultSocket, spaceId, original.id, 'lunch at one, text 555 765 4321');
		expect(back).toMatchObject({ ok: true, message: { text: 'lunch at one, text 555 765 4321' } });
		expect(back.ok && back.message.editHeld).toBeUndefined();
		const waiting = (await editEntries(original.id)).at(-1)!;
		expect(waiting).toMatchObject({ status: 'held', text: 'lunch at two, text 555 000 1111' });
		expect((await review(waiting.id, 'approve')).body.error.code).toBe('edit_superseded');
		const [row] = await server.db.select().from(chatMessages).where(eq(chatMessages.id, original.id));
		expect(row!.text).toBe('lunch at one, text 555 765 4321');
	});

	it('the same text a fifth time within two minutes is held as repetition, in any space', async () => {
		const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
		const text = 'join my channel for free gems';
		const sent: ChatMessage[] = [];
		for (let i = 0; i < 5; i++) sent.push(await sendOk(members[0]!.socket, spaceId, i % 2 ? text.toUpperCase() : text));
		expect(sent.map((m) => m.held ?? 'sent')).toEqual(['sent', 'sent', 'sent', 'sent', 'pending']);
		expect(await queueEntry(sent[4]!.id)).toMatchObject({ hook: 'flood', reason: 'repetition' });
	});

	it('a blocked text is refused in the sender’s language and nothing is stored', async () => {
		const { spaceId, adultSocket } = await minorSpace({ 'accept-language': 'es' });
		const refused = await request(adultSocket, 'chat:send', { spaceId, clientId: randomUUID(), text: 'you are a f\u200Bucking idiot' });
		expect(refused).toEqual({ ok: false, error: { code: 'message_blocked', message: es.error_message_blocked } });
		expect(await storedCount(server, spaceId)).toBe(0);
	});

	it('a hook that throws holds the text for review (fails closed)', async () => {
		const { spaceId, adultSocket, minorSocket } = await minorSpace();
		const off = server.app.moderation.pipeline.use({
			name: 'test: broken classifier',
			check: (ctx) => {
				if (ctx.spaceId === spaceId) throw new Error('classifier exploded');
			}
		});
		try {
			const seenByMinor = record<ChatMessage>(minorSocket, 'chat:message');
			const held = await sendOk(adultSocket, spaceId, 'a perfectly ordinary message');
			expect(held.held).toBe('pending');
			expect(await queueEntry(held.id)).toMatchObject({ hook: 'test: broken classifier', reason: 'hook_failed' });
			off();
			const sentinel = await settle(adultSocket, minorSocket, spaceId);
			expect(seenByMinor.map((m) => m.id)).toEqual([sentinel.id]);
		} finally {
			off();
		}
	});

	it('the minor’s own held message reaches their other connections only', async () => {
		const { spaceId, minor, minorSocket, adultSocket } = await minorSpace();
		const second = await sockets.connect(url, { token: minor.token });
		expect(await request(second, 'space:join', { spaceId })).toMatchObject({ ok: true });
		const seenByAdult = record<ChatMessage>(adultSocket, 'chat:message');
		const onSecond = nextMatching<ChatMessage>(second, 'chat:message', (m) => m.held === 'pending');
		const held = await sendOk(minorSocket, spaceId, 'my insta is @mia_2009');
		expect(held.held).toBe('pending');
		expect((await onSecond).id).toBe(held.id);
		await settle(minorSocket, adultSocket, spaceId);
		expect(seenByAdult.map((m) => m.text)).toEqual(['sentinel']);
	});

	it('logs name hooks and reasons, never the held text', async () => {
		await waitFor(() => logs.some((l) => l.includes('moderation decided on a text')));
		const all = logs.join('\n');
		expect(all).toContain('contact_details');
		expect(all).not.toContain('555 123 4567');
		expect(all).not.toContain('coach.sam');
		expect(all).not.toContain('mia_2009');
	});
});
