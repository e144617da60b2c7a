import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { moderationQueue } from '../../server/db/schema';
import { CANVAS_SHAPES, TEXT_FRAGMENT, YjsMessage } from '../../src/lib/protocol/docs';
import type { ModerationAlert } from '../../src/lib/protocol/events';
import { api, newUser, type TestUser } from '../helpers/api';
import { minorBirthDate, newModerator, supervisedSpace } from '../helpers/moderation';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';
import { nextMatching, waitFor } from '../helpers/wait';
import { appendParagraph, createDocument, paragraphs, sharedDocument, storedState, syncedClient, type YClient } from '../helpers/yjs';
import * as decoding from 'lib0/decoding';

const drivers = await availableDrivers();

/** The Moderated notices `[101, action, reason]` a client received. */
function notices(client: YClient): { action: string; reason: string }[] {
	const seen: { action: string; reason: string }[] = [];
	client.events.on('message', (bytes: Uint8Array) => {
		const d = decoding.createDecoder(bytes);
		if (decoding.readVarUint(d) !== YjsMessage.Moderated) return;
		seen.push({ action: decoding.readVarString(d), reason: decoding.readVarString(d) });
	});
	return seen;
}

/** Types `text` at the end of the first paragraph, one key per update, as an editor does. */
async function type(client: YClient, text: string): Promise<void> {
	const fragment = client.doc.getXmlFragment(TEXT_FRAGMENT);
	for (const ch of text) {
		const node = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
		node.insert(node.length, ch);
		await new Promise((r) => setImmediate(r));
	}
}

describe.each(drivers)('moderation of document and canvas text (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
	let moderator: TestUser;
	const clients: YClient[] = [];
	const sockets = new Sockets();
	const open = async (docId: string, who: TestUser) => {
		const c = await syncedClient({ url, docId, token: who.token });
		clients.push(c);
		return c;
	};

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none', moderationSettleMs: 200 } });
		url = server.url;
		admin = await newUser(url);
		moderator = await newModerator(url, admin);
	});
	afterEach(() => {
		for (const c of clients.splice(0)) c.destroy();
		sockets.closeAll();
	});
	afterAll(async () => {
		await server?.close();
	});

	it("takes a phone number out of a minor's document before the minor receives it whole, holds it, and a moderator's approval puts it back", async () => {
		const mentor = await newUser(url, { role: 'mentor' });
		const minor = await newUser(url, { birthDate: minorBirthDate() });
		const spaceId = await supervisedSpace(url, { owner: mentor, supervisor: moderator, members: [minor] });
		const docId = await createDocument(url, mentor, spaceId, { kind: 'text', title: 'Our story' });
		const writer = await open(docId, mentor);
		const reader = await open(docId, minor);
		const told = notices(writer);
		// Everything the minor's client is sent, to look for the number in it.
		const received: string[] = [];
		reader.doc.on('update', () => received.push(paragraphs(reader.doc).join('\n')));

		appendParagraph(writer.doc, 'Chapter one. ');
		await waitFor(() => paragraphs(reader.doc)[0] === 'Chapter one. ', { what: 'the first sentence at the minor' });
		await type(writer, 'Call me on 555 123 4567');
		await writer.waitStored();
		await waitFor(() => told.length > 0, { what: 'the held notice' });

		expect(told[0]).toEqual({ action: 'held', reason: 'contact_phone' });
		expect(paragraphs(writer.doc)[0]).not.toMatch(/555 123/);
		await waitFor(() => paragraphs(reader.doc)[0] === paragraphs(writer.doc)[0], { what: 'the minor in step' });
		// Digits typed one by one were seen as they came, but never as a phone number.
		expect(received.some((t) => /555 123 4/.test(t))).toBe(false);
		const stored = await storedState(url, docId, mentor.token);
		expect(paragraphs(stored).join('')).not.toMatch(/555 123 4/);

		const [entry] = await server.db.select().from(moderationQueue).where(and(eq(moderationQueue.targetId, docId), eq(moderationQueue.status, 'held')));
		expect(entry).toMatchObject({ kind: 'doc', spaceId, authorId: mentor.id, hook: 'contact_details', reason: 'contact_phone' });
		expect(entry!.text).toMatch(/^Call me on 555 123 4/);

		// The minor cannot approve it; the supervising moderator can, and the text returns where it was written.
		expect((await api(url, `/api/v1/moderation/queue/${entry!.id}/approve`, { method: 'POST', token: minor.token })).status).toBe(403);
		expect((await api(url, `/api/v1/moderation/queue/${entry!.id}/approve`, { method: 'POST', token: moderator.token })).status).toBe(200);
		await waitFor(() => paragraphs(reader.doc)[0]!.includes(entry!.text), { what: 'the approved text at the minor' });
		expect(paragraphs(reader.doc)[0]!.startsWith('Chapter one. Call me on 555 123 4')).toBe(true);
		await server.app.docs.relay.flush();
		expect(paragraphs(await storedState(url, docId, mentor.token))[0]).toBe(paragraphs(reader.doc)[0]);
	});

	it("refuses a deletion that would join a phone number in a minor's document: the character comes back, nobody receives the number, a blocked record is kept", async () => {
		const mentor = await newUser(url, { role: 'mentor' });
		const minor = await newUser(url, { birthDate: minorBirthDate() });
		const spaceId = await supervisedSpace(url, { owner: mentor, supervisor: moderator, members: [minor] });
		const docId = await createDocument(url, mentor, spaceId, { kind: 'text', title: 'Numbers' });
		const writer = await open(docId, mentor);
		const reader = await open(docId, minor);
		const told = notices(writer);
		const received: string[] = [];
		reader.doc.on('update', () => received.push(paragraphs(reader.doc).join('\n')));

		appendParagraph(writer.doc, 'Call 555 12x34567 today');
		await waitFor(() => paragraphs(reader.doc)[0] === 'Call 555 12x34567 today', { what: 'the text at the minor' });
		const node = (writer.doc.getXmlFragment(TEXT_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlText;
		node.delete(11, 1);
		await writer.waitStored();
		await waitFor(() => told.length > 0, { what: 'the removed notice' });

		expect(told).toEqual([{ action: 'removed', reason: 'contact_phone' }]);
		await waitFor(() => paragraphs(writer.doc)[0] === 'Call 555 12x34567 today', { what: 'the x back at its author' });
		await server.app.docs.relay.flush();
		expect(paragraphs(await storedState(url, docId, mentor.token))[0]).toBe('Call 555 12x34567 today');
		expect(paragraphs(reader.doc)[0]).toBe('Call 555 12x34567 today');
		expect(received.some((t) => /555 1234567/.test(t))).toBe(false);
		const rows = await server.db.select().from(moderationQueue).where(eq(moderationQueue.targetId, docId));
		expect(rows).toEqual([expect.objectContaining({ kind: 'doc', status: 'blocked', authorId: mentor.id, hook: 'contact_details', reason: 'contact_phone' })]);
	});

	it('tells connected moderators at once that text written in a document waits, without the text or its author', async () => {
		const mentor = await newUser(url, { role: 'mentor' });
		const minor = await newUser(url, { birthDate: minorBirthDate() });
		const spaceId = await supervisedSpace(url, { owner: mentor, supervisor: moderator, members: [minor] });
		const docId = await createDocument(url, mentor, spaceId, { kind: 'text', title: 'Pen pals' });
		const writer = await open(docId, mentor);
		const staff = await sockets.connect(url, { token: moderator.token });
		const alerted = nextMatching<ModerationAlert>(staff, 'moderation:alert', (a) => a.spaceId === spaceId);
		appendParagraph(writer.doc, 'Write to me at kid.pal@example.org');
		const alert = await alerted;
		expect(alert).toMatchObject({ kind: 'held', reason: 'doc', reportId: null, spaceId, urgent: false });
		expect(JSON.stringify(alert)).not.toContain('example.org');
		expect(JSON.stringify(alert)).not.toContain(mentor.id);
	});

	it('removes a slur for everyone in any space, tells its author, and keeps no record where no minor is', async () => {
		const owner = await newUser(url);
		const member = await newUser(url);
		const { docId, spaceId } = await sharedDocument(url, owner, { members: [member] });
		const writer = await open(docId, owner);
		const reader = await open(docId, member);
		const told = notices(writer);
		appendParagraph(writer.doc, 'Fine work, you absolute retard');
		await waitFor(() => told.length > 0, { what: 'the removed notice' });
		expect(told[0]!.action).toBe('removed');
		await waitFor(() => paragraphs(reader.doc).length === 1 && paragraphs(writer.doc)[0] === paragraphs(reader.doc)[0], { what: 'both in step' });
		expect(paragraphs(reader.doc)[0]).not.toMatch(/retard/);
		const rows = await server.db.select().from(moderationQueue).where(eq(moderationQueue.spaceId, spaceId));
		expect(rows).toEqual([]);
	});

	it("keeps a slur taken out of a minor's document as a blocked record for review, nothing to approve", async () => {
		const mentor = await newUser(url, { role: 'mentor' });
		const minor = await newUser(url, { birthDate: minorBirthDate() });
		const spaceId = await supervisedSpace(url, { owner: mentor, supervisor: moderator, members: [minor] });
		const docId = await createDocument(url, mentor, spaceId, { kind: 'text', title: 'Our story' });
		const writer = await open(docId, mentor);
		const told = notices(writer);
		appendParagraph(writer.doc, 'what a fucking retard');
		await waitFor(() => told.length > 0, { what: 'the removed notice' });
		expect(told[0]!.action).toBe('removed');
		await waitFor(async () => (await server.db.select().from(moderationQueue).where(eq(moderationQueue.targetId, docId))).length === 1, { what: 'the record' });
		const [entry] = await server.db.select().from(moderationQueue).where(eq(moderationQueue.targetId, docId));
		expect(entry).toMatchObject({ kind: 'doc', status: 'blocked', authorId: mentor.id, hook: 'word_list' });
		expect((await api(url, `/api/v1/moderation/queue/${entry!.id}/approve`, { method: 'POST', token: moderator.token })).status).toBe(409);
	});

	it("sets a sticky note back to what it said when an edit writes a handle into it, in a minor's canvas", async () => {
		const mentor = await newUser(url, { role: 'mentor' });
		const minor = await newUser(url, { birthDate: minorBirthDate() });
		const spaceId = await supervisedSpace(url, { owner: mentor, supervisor: moderator, members: [minor] });
		const docId = await createDocument(url, mentor, spaceId, { kind: 'canvas', title: 'Moodboard' });
		const writer = await open(docId, mentor);
		const reader = await open(docId, minor);
		const shapes = (c: YClient) => c.doc.getMap<Y.Map<unknown>>(CANVAS_SHAPES);
		writer.doc.transact(() => {
			const note = new Y.Map<unknown>();
			note.set('type', 'sticky');
			note.set('text', 'Colours we like');
			shapes(writer).set('n1', note);
		});
		await waitFor(() => shapes(reader).get('n1')?.get('text') === 'Colours we like', { what: 'the note at the minor' });
		shapes(writer).get('n1')!.set('text', 'Colours we like — my insta is @paint_pal');
		await waitFor(() => shapes(writer).get('n1')?.get('text') === 'Colours we like', { what: 'the note set back at its author' });
		await writer.waitStored();
		expect(shapes(reader).get('n1')?.get('text')).toBe('Colours we like');
		const [entry] = await server.db.select().from(moderationQueue).where(eq(moderationQueue.targetId, docId));
		expect(entry).toMatchObject({ status: 'held', text: 'Colours we like — my insta is @paint_pal', place: { type: 'field', shapeId: 'n1', field: 'text' } });
	});

	it('asks the classifier only once the author pauses, and takes out what it holds', async () => {
		const asked: string[] = [];
		const remove = server.app.moderation.pipeline.use({
			name: 'classifier',
			async check(ctx) {
				asked.push(ctx.text);
				return ctx.text.includes('meet me alone') ? { action: 'hold', reason: 'grooming' } : undefined;
			}
		});
		try {
			const owner = await newUser(url);
			const { docId } = await sharedDocument(url, owner);
			const writer = await open(docId, owner);
			const told = notices(writer);
			appendParagraph(writer.doc, 'Notes. ');
			await type(writer, 'Lets meet me alone after class');
			await waitFor(() => told.length > 0, { what: 'the held notice after the pause' });
			expect(told[0]).toEqual({ action: 'held', reason: 'grooming' });
			// One question per pause, not one per key.
			expect(asked.length).toBeLessThan(4);
			await waitFor(() => !paragraphs(writer.doc).join('').includes('meet me alone'), { what: 'the text taken out' });
			await server.app.docs.relay.flush();
			expect(paragraphs(await storedState(url, docId, owner.token)).join('')).not.toContain('meet me alone');
		} finally {
			remove();
		}
	});

	it('leaves characters put back after a refused deletion in place when the classifier later takes out what the author wrote', async () => {
		const remove = server.app.moderation.pipeline.use({
			name: 'classifier',
			async check(ctx) {
				return ctx.text.includes('meet me alone') ? { action: 'hold', reason: 'grooming' } : undefined;
			}
		});
		try {
			const mentor = await newUser(url, { role: 'mentor' });
			const minor = await newUser(url, { birthDate: minorBirthDate() });
			const spaceId = await supervisedSpace(url, { owner: mentor, supervisor: moderator, members: [minor] });
			const docId = await createDocument(url, mentor, spaceId, { kind: 'text', title: 'Plans' });
			const writer = await open(docId, mentor);
			const reader = await open(docId, minor);
			const told = notices(writer);
			appendParagraph(writer.doc, 'Call 555 12x34567 today.');
			await writer.waitStored();
			// Past the pause: the classifier has read the first sentence, and a new pause starts with what follows.
			await new Promise((r) => setTimeout(r, 400));
			await type(writer, ' Lets meet me alone');
			const node = (writer.doc.getXmlFragment(TEXT_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlText;
			node.delete(11, 1);
			await waitFor(() => told.length >= 2, { what: 'both notices' });
			expect(told).toEqual([
				{ action: 'removed', reason: 'contact_phone' },
				{ action: 'held', reason: 'grooming' }
			]);
			await waitFor(() => paragraphs(reader.doc)[0] === 'Call 555 12x34567 today.', { what: 'the classifier removal at the minor' });
			await server.app.docs.relay.flush();
			expect(paragraphs(await storedState(url, docId, mentor.token))[0]).toBe('Call 555 12x34567 today.');
		} finally {
			remove();
		}
	});

	it('a locked space takes no new document and no named version, with the lock’s own error', async () => {
		const owner = await newUser(url);
		const { docId, spaceId } = await sharedDocument(url, owner);
		expect((await api(url, `/api/v1/moderation/spaces/${spaceId}/lock`, { token: moderator.token, body: { reason: 'investigating' } })).status).toBe(200);
		const created = await api(url, `/api/v1/spaces/${spaceId}/documents`, { token: owner.token, body: { kind: 'text', title: 'Sneaky notes' } });
		expect(created).toMatchObject({ status: 423, body: { error: { code: 'space_locked' } } });
		const version = await api(url, `/api/v1/documents/${docId}/versions`, { token: owner.token, body: { name: 'before' } });
		expect(version).toMatchObject({ status: 423, body: { error: { code: 'space_locked' } } });
		expect((await api(url, `/api/v1/spaces/${spaceId}/documents`, { token: owner.token })).body.documents).toHaveLength(1);
	});

	it('refuses a document title or version name the pipeline would not let through, in the reader\'s language', async () => {
		const mentor = await newUser(url, { role: 'mentor' });
		const minor = await newUser(url, { birthDate: minorBirthDate() });
		const spaceId = await supervisedSpace(url, { owner: mentor, supervisor: moderator, members: [minor] });
		const refused = await api(url, `/api/v1/spaces/${spaceId}/documents`, { token: mentor.token, body: { kind: 'text', title: 'WhatsApp +44 7700 900123' }, headers: { 'accept-language': 'es' } });
		expect(refused.status).toBe(422);
		expect(refused.body.error.code).toBe('name_not_allowed');
		expect(refused.body.error.message).toMatch(/nombre/);
		// The field that holds the name is named, so a form can mark it.
		expect(refused.body.error.fields).toEqual({ title: { code: 'name_not_allowed', message: refused.body.error.message } });
		const docId = await createDocument(url, mentor, spaceId, { kind: 'text', title: 'Our story' });
		const version = await api(url, `/api/v1/documents/${docId}/versions`, { token: mentor.token, body: { name: 'email kid@example.com' } });
		expect(version.status).toBe(422);
		// Marked automatic by the client, it is checked all the same.
		const auto = await api(url, `/api/v1/documents/${docId}/versions`, { token: mentor.token, body: { name: 'call me on 555 123 4567', auto: true } });
		expect(auto.status).toBe(422);
		expect(version.body.error.fields.name.code).toBe('name_not_allowed');
		expect((await api(url, `/api/v1/documents/${docId}/versions`, { token: mentor.token })).body.versions).toEqual([]);
	});
});
