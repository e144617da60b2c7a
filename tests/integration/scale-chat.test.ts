import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ChatTranslation } from '../../src/lib/protocol/chat';
import type { PresenceMember } from '../../src/lib/protocol/events';
import { api, createSpace, joinSpace, newUser, PASSWORD, signIn, type TestUser } from '../helpers/api';
import { nextMessage, record, request, sendOk } from '../helpers/chat';
import { redisAvailable, startCluster, type Cluster } from '../helpers/cluster';
import { startLibreTranslate, type FakeLibreTranslate } from '../helpers/libretranslate';
import { newModerator } from '../helpers/moderation';
import type { TestServer } from '../helpers/server';
import { Sockets, type ClientSocket } from '../helpers/sockets';
import { nextEvent, nextMatching, waitFor } from '../helpers/wait';
import { appendParagraph, createDocument, paragraphs, syncedClient, type YClient } from '../helpers/yjs';

// Two Tessera processes on one Redis and one PostgreSQL database: chat, presence, rate limits and moderation
// behave as with one process, whichever process each person is connected to.

const redis = await redisAvailable();
const BURST = 3;
const PER_SECOND = 0.2;
const MAX_PER_ACCOUNT = 3;

describe.runIf(redis)('chat across two processes', () => {
	let cluster: Cluster;
	let libre: FakeLibreTranslate;
	let a: TestServer;
	let b: TestServer;
	let admin: TestUser;
	let moderator: TestUser;
	const sockets = new Sockets();
	const yclients: YClient[] = [];

	beforeAll(async () => {
		libre = await startLibreTranslate();
		cluster = await startCluster({
			nodes: 2,
			config: { translator: 'libretranslate', libreTranslateUrl: libre.url, chatSendBurst: BURST, chatSendPerSecond: PER_SECOND, loginMaxPerAccount: MAX_PER_ACCOUNT }
		});
		[a, b] = cluster.nodes as [TestServer, TestServer];
		// The first account of a fresh database is the admin.
		admin = await newUser(a.url, { role: 'mentor' });
		moderator = await newModerator(a.url, admin);
	});
	afterEach(() => {
		sockets.closeAll();
		for (const c of yclients.splice(0)) c.destroy();
	});
	afterAll(async () => {
		await cluster?.close();
		await libre?.close();
	});

	/** Connects `user` to `server` and joins the space; resolves with the socket and the join's ack. */
	async function joined(server: TestServer, user: TestUser, spaceId: string) {
		const socket = await sockets.connect(server.url, { token: user.token });
		const ack = await request(socket, 'space:join', { spaceId });
		if (!ack.ok) throw new Error(`space:join refused: ${ack.error.code}`);
		return { socket, members: ack.members };
	}

	/** A space owned by a new user, with `more` new users (sign-up overrides each) as members. */
	async function space(...more: Record<string, unknown>[]): Promise<{ spaceId: string; owner: TestUser; members: TestUser[] }> {
		const owner = await newUser(a.url);
		const spaceId = await createSpace(a.url, owner);
		const members: TestUser[] = [];
		for (const overrides of more) {
			const m = await newUser(b.url, overrides);
			await joinSpace(a.url, owner, m, spaceId);
			members.push(m);
		}
		return { spaceId, owner, members };
	}

	const ids = (members: PresenceMember[]) => members.map((m) => m.userId).sort();
	const translationsOf = (text: string) => libre.received.filter((r) => r.q.includes(text));

	it('a message sent on A is translated once per reading language present on either process; a Spanish reader on B and a French one on A each get it once', async () => {
		const { spaceId, owner, members } = await space({ readingLanguage: 'es' }, { readingLanguage: 'fr' }, { readingLanguage: 'en' });
		const [spanish, french, english] = members as [TestUser, TestUser, TestUser];
		const writer = await joined(a, owner, spaceId);
		const onB = await joined(b, spanish, spaceId);
		const onA = await joined(a, french, spaceId);
		const englishOnB = await joined(b, english, spaceId);
		const seen = {
			es: { messages: record<ChatMessage>(onB.socket, 'chat:message'), translations: record<ChatTranslation>(onB.socket, 'chat:translation') },
			fr: { messages: record<ChatMessage>(onA.socket, 'chat:message'), translations: record<ChatTranslation>(onA.socket, 'chat:translation') },
			en: { messages: record<ChatMessage>(englishOnB.socket, 'chat:message'), translations: record<ChatTranslation>(englishOnB.socket, 'chat:translation') }
		};

		const text = `good morning friend ${randomUUID().slice(0, 8)}`;
		const spanishGets = nextMatching<ChatTranslation>(onB.socket, 'chat:translation', (t) => t.lang === 'es');
		const frenchGets = nextMatching<ChatTranslation>(onA.socket, 'chat:translation', (t) => t.lang === 'fr');
		const sent = await sendOk(writer.socket, spaceId, text, { lang: 'en' });
		expect(await spanishGets).toMatchObject({ messageId: sent.id, lang: 'es', text: `[es] ${text}` });
		expect(await frenchGets).toMatchObject({ messageId: sent.id, lang: 'fr', text: `[fr] ${text}` });

		// A second message after it: by the time its translations are in, any second translation of the first is too.
		const sentinel = `thanks friend ${randomUUID().slice(0, 8)}`;
		const sentinelEs = nextMatching<ChatTranslation>(onB.socket, 'chat:translation', (t) => t.text === `[es] ${sentinel}`);
		const sentinelFr = nextMatching<ChatTranslation>(onA.socket, 'chat:translation', (t) => t.text === `[fr] ${sentinel}`);
		const sentinelEn = nextMatching<ChatMessage>(englishOnB.socket, 'chat:message', (m) => m.text === sentinel);
		await sendOk(writer.socket, spaceId, sentinel, { lang: 'en' });
		await Promise.all([sentinelEs, sentinelFr, sentinelEn]);

		expect(translationsOf(text).map((r) => r.target).sort()).toEqual(['es', 'fr']);
		for (const lang of ['es', 'fr'] as const) {
			expect(seen[lang].messages.filter((m) => m.id === sent.id)).toHaveLength(1);
			expect(seen[lang].translations.filter((t) => t.messageId === sent.id)).toHaveLength(1);
		}
		expect(seen.en.messages.filter((m) => m.id === sent.id)).toHaveLength(1);
		expect(seen.en.translations).toEqual([]);
	});

	it('presence lists everyone on both processes, and follows someone on B leaving and another disconnecting', async () => {
		const { spaceId, owner, members } = await space({}, {});
		const [second, third] = members as [TestUser, TestUser];
		const onA = await joined(a, owner, spaceId);
		const secondOnB = await joined(b, second, spaceId);
		const everyone = [owner.id, second.id, third.id].sort();
		const aSeesAll = nextMatching<{ members: PresenceMember[] }>(onA.socket, 'presence:update', (p) => ids(p.members).length === 3);
		const bSeesAll = nextMatching<{ members: PresenceMember[] }>(secondOnB.socket, 'presence:update', (p) => ids(p.members).length === 3);
		const thirdOnB = await joined(b, third, spaceId);
		expect(ids(thirdOnB.members)).toEqual(everyone);
		expect(ids((await aSeesAll).members)).toEqual(everyone);
		expect(ids((await bSeesAll).members)).toEqual(everyone);

		const aSeesTwo = nextMatching<{ members: PresenceMember[] }>(onA.socket, 'presence:update', (p) => ids(p.members).length === 2);
		expect(await request(thirdOnB.socket, 'space:leave', { spaceId })).toEqual({ ok: true });
		expect(ids((await aSeesTwo).members)).toEqual([owner.id, second.id].sort());

		const aSeesOne = nextMatching<{ members: PresenceMember[] }>(onA.socket, 'presence:update', (p) => ids(p.members).length === 1);
		secondOnB.socket.disconnect();
		expect(ids((await aSeesOne).members)).toEqual([owner.id]);
	});

	it('the send rate limit counts on every process: a burst on A leaves nothing for the same person on B', async () => {
		const { spaceId, owner } = await space();
		const onA = await joined(a, owner, spaceId);
		const onB = await joined(b, owner, spaceId);
		for (let i = 0; i < BURST; i++) await sendOk(onA.socket, spaceId, `burst ${i}`);
		const refused = await request(onB.socket, 'chat:send', { spaceId, clientId: randomUUID(), text: 'one too many' });
		expect(refused).toMatchObject({ ok: false, error: { code: 'send_rate_limited' } });
	});

	it('failed sign-ins on A count on B: the account is locked there too, even with the right password', async () => {
		const victim = await newUser(a.url);
		for (let i = 0; i < MAX_PER_ACCOUNT; i++) {
			expect((await api(a.url, '/api/v1/sessions', { body: { email: victim.email, password: 'not the password at all' } })).status).toBe(401);
		}
		const onB = await api(b.url, '/api/v1/sessions', { body: { email: victim.email, password: PASSWORD } });
		expect(onB.status).toBe(429);
		expect(onB.body.error.code).toBe('rate_limited');
	});

	it('suspending an account on A closes its sockets on B', async () => {
		const user = await newUser(a.url);
		const other = await signIn(b.url, user);
		const first = await sockets.connect(b.url, { token: user.token });
		const second = await sockets.connect(b.url, { token: other.token });
		const ended = nextEvent<{ reason: string }>(first, 'session:ended');
		const gone = [first, second].map((s) => nextEvent<string>(s, 'disconnect'));
		const res = await api(a.url, `/api/v1/users/${user.id}`, { method: 'PATCH', token: admin.token, body: { suspended: true } });
		expect(res.status).toBe(200);
		expect(await ended).toEqual({ reason: 'suspended' });
		expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
	});

	it('removing a member on A takes their socket on B out of the space (its language room too): nothing reaches it, and its sends are refused at once', async () => {
		// Another Spanish reader on B keeps that language room there, unknown to A but for what B told it.
		const { spaceId, owner, members } = await space({ readingLanguage: 'es' }, { readingLanguage: 'es' });
		const [removed, stays] = members as [TestUser, TestUser];
		const writer = await joined(a, owner, spaceId);
		const removedOnB = await joined(b, removed, spaceId);
		const staysOnB = await joined(b, stays, spaceId);
		// Their send on B puts their role in B's cache.
		const echoId = randomUUID();
		const echo = nextMessage(removedOnB.socket, echoId);
		await sendOk(removedOnB.socket, spaceId, 'before the removal', { clientId: echoId });
		await echo;
		const seen = [...['chat:message', 'chat:translation'].map((e) => record(removedOnB.socket, e))];

		const res = await api(a.url, `/api/v1/moderation/spaces/${spaceId}/members/${removed.id}`, { method: 'DELETE', token: moderator.token, body: { reason: 'harassment' } });
		expect(res.status).toBe(204);
		expect(await request(removedOnB.socket, 'chat:send', { spaceId, clientId: randomUUID(), text: 'still here?' })).toMatchObject({ ok: false, error: { code: 'not_found' } });

		const clientId = randomUUID();
		const arrives = nextMessage(staysOnB.socket, clientId);
		await sendOk(writer.socket, spaceId, 'hola amigo, after the removal', { clientId, lang: 'en' });
		await arrives;
		expect(seen.flat()).toEqual([]);
	});

	async function supervised(): Promise<{ spaceId: string; sender: TestUser; onB: ClientSocket }> {
		const { spaceId, members } = await space({});
		const sender = members[0]!;
		const { socket } = await joined(b, sender, spaceId);
		// A first send reads the space's locks and mutes into B's cache.
		await sendOk(socket, spaceId, 'before');
		return { spaceId, sender, onB: socket };
	}
	const moderate = (path: string, body?: unknown, method = 'POST') =>
		api(a.url, `/api/v1/moderation${path}`, { method, token: moderator.token, ...(body === undefined ? {} : { body }) });
	const send = (s: ClientSocket, spaceId: string) => request(s, 'chat:send', { spaceId, clientId: randomUUID(), text: 'after' });

	it('a mute on A refuses the sender on B at once, and lifting it on A lets them send on B at once', async () => {
		const { spaceId, sender, onB } = await supervised();
		expect((await moderate(`/spaces/${spaceId}/members/${sender.id}/mute`, {})).status).toBe(201);
		expect(await send(onB, spaceId)).toMatchObject({ ok: false, error: { code: 'muted' } });
		expect((await moderate(`/spaces/${spaceId}/members/${sender.id}/mute`, undefined, 'DELETE')).status).toBe(200);
		expect(await send(onB, spaceId)).toMatchObject({ ok: true });
	});

	it('a lock on A refuses the sender on B at once', async () => {
		const { spaceId, onB } = await supervised();
		expect((await moderate(`/spaces/${spaceId}/lock`, { reason: 'investigating' })).status).toBe(200);
		expect(await send(onB, spaceId)).toMatchObject({ ok: false, error: { code: 'space_locked' } });
	});

	it('a timed mute given on a process that then stops still ends on time on B: the member’s open document there turns writable again', async () => {
		const c = await cluster.add();
		const owner = await newUser(b.url, { role: 'mentor' });
		const member = await newUser(b.url);
		const spaceId = await createSpace(b.url, owner);
		await joinSpace(b.url, owner, member, spaceId);
		const docId = await createDocument(b.url, owner, spaceId);
		const [ownerDoc, memberDoc] = await Promise.all([owner, member].map((u) => syncedClient({ url: b.url, docId, token: u.token })));
		yclients.push(ownerDoc!, memberDoc!);

		const muted = await api(c.url, `/api/v1/moderation/spaces/${spaceId}/members/${member.id}/mute`, { method: 'POST', token: moderator.token, body: { durationSeconds: 4 } });
		expect(muted.status).toBe(201);
		const until = Date.parse(muted.body.mute.until);
		// B follows the mute: the member's edits there are refused as read-only.
		let n = 0;
		await waitFor(
			() => {
				if (memberDoc!.denied.includes('read-only')) return true;
				appendParagraph(memberDoc!.doc, `while muted ${n++}`);
				return false;
			},
			{ what: 'the member’s document on B turning read-only' }
		);
		// The process that gave the mute is gone before it ends: B ends it by itself.
		await c.close();
		cluster.nodes.splice(cluster.nodes.indexOf(c), 1);
		expect(Date.now()).toBeLessThan(until);
		let m = 0;
		await waitFor(
			() => {
				if (paragraphs(ownerDoc!.doc).some((p) => p.startsWith('after the mute'))) return true;
				appendParagraph(memberDoc!.doc, `after the mute ${m++}`);
				return false;
			},
			{ timeoutMs: until - Date.now() + 10_000, what: 'an edit after the mute at the owner' }
		);
		expect(Date.now()).toBeGreaterThanOrEqual(until);
		expect(memberDoc!.connections).toBe(1);
	});
});
