import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CANVAS_SHAPES, DOCUMENT_TITLE_MAX, type DocumentDetail, type DocumentSummary, type DocumentVersion, type DocumentVersionContent } from '../../src/lib/protocol/docs';
import { api, createSpace, joinSpace, newUser, type TestUser } from '../helpers/api';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { appendParagraph, paragraphs, syncedClient, type YClient } from '../helpers/yjs';

const drivers = await availableDrivers();

describe.each(drivers)('documents JSON API (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let owner: TestUser;
	let member: TestUser;
	let observer: TestUser;
	let outsider: TestUser;
	let spaceId: string;
	const clients: YClient[] = [];

	beforeAll(async () => {
		server = await startTestServer({ db: driver });
		url = server.url;
		[owner, member, observer, outsider] = [await newUser(url), await newUser(url, { displayName: 'Mina Member' }), await newUser(url), await newUser(url)];
		spaceId = await createSpace(url, owner, { title: 'Writing circle' });
		await joinSpace(url, owner, member, spaceId, 'member');
		await joinSpace(url, owner, observer, spaceId, 'observer');
	});
	afterEach(() => {
		for (const c of clients.splice(0)) c.destroy();
	});
	afterAll(() => server?.close());

	const create = (who: TestUser, body: unknown, space = spaceId) => api<DocumentSummary>(url, `/api/v1/spaces/${space}/documents`, { token: who.token, body });
	const created = async (who: TestUser, body: unknown) => {
		const res = await create(who, body);
		expect(res.status, res.text).toBe(201);
		return res.body;
	};
	const open = async (docId: string, who: TestUser) => {
		const c = await syncedClient({ url, docId, token: who.token });
		clients.push(c);
		return c;
	};

	it('a member creates text and canvas documents (201, trimmed title), and every member of the space lists them', async () => {
		const text = await created(member, { kind: 'text', title: '  Our story  ' });
		expect(text).toEqual({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			spaceId,
			kind: 'text',
			title: 'Our story',
			createdAt: expect.any(String),
			updatedAt: expect.any(String),
			createdBy: { id: member.id, displayName: 'Mina Member' }
		});
		const canvas = await created(owner, { kind: 'canvas', title: 'Mood board' });
		expect(canvas).toMatchObject({ kind: 'canvas', title: 'Mood board', createdBy: { id: owner.id } });
		for (const who of [owner, member, observer]) {
			const list = await api<{ documents: DocumentSummary[] }>(url, `/api/v1/spaces/${spaceId}/documents`, { token: who.token });
			expect(list.status).toBe(200);
			expect(list.body.documents).toEqual(expect.arrayContaining([text, canvas].map((d) => expect.objectContaining({ id: d.id, kind: d.kind, title: d.title }))));
		}
	});

	it('a document reads with its space, the caller’s role and write right, and who contributed how many characters', async () => {
		const doc = await created(owner, { kind: 'text', title: 'Contributions' });
		const get = (who: TestUser) => api<DocumentDetail>(url, `/api/v1/documents/${doc.id}`, { token: who.token });
		expect((await get(owner)).body).toMatchObject({ ...doc, spaceTitle: 'Writing circle', myRole: 'owner', canWrite: true, contributors: [] });
		expect((await get(member)).body).toMatchObject({ myRole: 'member', canWrite: true });
		expect((await get(observer)).body).toMatchObject({ myRole: 'observer', canWrite: false });

		const a = await open(doc.id, owner);
		const b = await open(doc.id, member);
		const c = await open(doc.id, observer);
		appendParagraph(a.doc, 'hello');
		appendParagraph(b.doc, 'world!');
		appendParagraph(b.doc, 'again');
		appendParagraph(c.doc, 'an observer cannot write this');
		await Promise.all([a.waitStored(), b.waitStored(), c.waitStored()]);

		const detail: DocumentDetail = await waitFor(async () => {
			const res = await get(member);
			return res.body.contributors.length >= 2 ? res.body : null;
		}, { what: 'contributors recorded' });
		const byUser = Object.fromEntries(detail.contributors.map((x) => [x.userId, x]));
		expect(Object.keys(byUser).sort()).toEqual([owner.id, member.id].sort());
		expect(byUser[owner.id]).toMatchObject({ displayName: owner.user.profile.displayName, chars: 5, shapes: 0, lastEditAt: expect.any(String) });
		expect(byUser[member.id]).toMatchObject({ displayName: 'Mina Member', chars: 11, shapes: 0 });
		expect(byUser[owner.id]!.updates).toBeGreaterThanOrEqual(1);
		expect(byUser[member.id]!.updates).toBeGreaterThanOrEqual(1);
	});

	it('a canvas counts shapes added (and the text of notes) per person; moving a shape is not a new one', async () => {
		const doc = await created(member, { kind: 'canvas', title: 'Board' });
		const c = await open(doc.id, member);
		const shapes = c.doc.getMap<Y.Map<unknown>>(CANVAS_SHAPES);
		const shape = (fields: Record<string, unknown>) => {
			const m = new Y.Map<unknown>();
			for (const [k, v] of Object.entries(fields)) m.set(k, v);
			return m;
		};
		c.doc.transact(() => {
			shapes.set('a', shape({ type: 'rect', x: 1, y: 1 }));
			shapes.set('b', shape({ type: 'ellipse', x: 5, y: 5 }));
		});
		shapes.set('c', shape({ type: 'sticky', x: 9, y: 9, text: 'hello' }));
		shapes.get('a')!.set('x', 50);
		await c.waitStored();
		const detail: DocumentDetail = await waitFor(async () => {
			const res = await api<DocumentDetail>(url, `/api/v1/documents/${doc.id}`, { token: owner.token });
			return res.body.contributors.length > 0 ? res.body : null;
		}, { what: 'contributors recorded' });
		expect(detail.contributors).toEqual([expect.objectContaining({ userId: member.id, shapes: 3, chars: 5 })]);
	});

	it('named versions: save, list newest first, and read each one back as it was', async () => {
		const doc = await created(member, { kind: 'text', title: 'Versioned' });
		const writer = await open(doc.id, member);
		const versions = (who: TestUser) => api<{ versions: DocumentVersion[] }>(url, `/api/v1/documents/${doc.id}/versions`, { token: who.token });
		const save = (who: TestUser, name: unknown) => api<DocumentVersion>(url, `/api/v1/documents/${doc.id}/versions`, { token: who.token, body: { name } });
		const content = async (who: TestUser, versionId: string) => {
			const res = await api<DocumentVersionContent>(url, `/api/v1/documents/${doc.id}/versions/${versionId}`, { token: who.token });
			expect(res.status).toBe(200);
			const y = new Y.Doc();
			Y.applyUpdate(y, Buffer.from(res.body.update, 'base64'));
			return { body: res.body, paragraphs: paragraphs(y) };
		};
		expect((await versions(member)).body.versions).toEqual([]);

		appendParagraph(writer.doc, 'first draft');
		await writer.waitStored();
		const first = await save(member, '  First draft ');
		expect(first.status, first.text).toBe(201);
		expect(first.body).toEqual({ id: expect.any(String), documentId: doc.id, name: 'First draft', auto: false, createdAt: expect.any(String), createdBy: { id: member.id, displayName: 'Mina Member' } });

		appendParagraph(writer.doc, 'second thoughts');
		await writer.waitStored();
		const second = await save(owner, 'Second');
		expect(second.status).toBe(201);

		for (const who of [owner, member, observer]) {
			const list = await versions(who);
			expect(list.status).toBe(200);
			expect(list.body.versions.filter((v) => !v.auto).map((v) => v.id)).toEqual([second.body.id, first.body.id]);
			const times = list.body.versions.map((v) => Date.parse(v.createdAt));
			expect(times).toEqual([...times].sort((x, y) => y - x));
		}
		// The first edit of the day on a document with content also kept the day's starting point, automatically.
		const auto = (await versions(member)).body.versions.filter((v) => v.auto);
		expect(auto).toEqual([expect.objectContaining({ auto: true, createdBy: null, name: new Date().toISOString().slice(0, 10) })]);
		expect((await content(member, auto[0]!.id)).paragraphs).toEqual(['first draft']);
		const old = await content(observer, first.body.id);
		expect(old.body).toMatchObject({ ...first.body, kind: 'text' });
		expect(old.paragraphs).toEqual(['first draft']);
		expect((await content(member, second.body.id)).paragraphs).toEqual(['first draft', 'second thoughts']);

		for (const name of ['', ' ', 'x'.repeat(121), 'bad\u0007name', 42]) {
			const res = await save(member, name);
			expect(res.status, JSON.stringify(name)).toBe(400);
		}
		expect((await save(observer, 'Not mine to save')).status).toBe(403);
		expect((await api(url, `/api/v1/documents/${doc.id}/versions/${randomUUID()}`, { token: member.token })).status).toBe(404);
		expect((await versions(member)).body.versions).toHaveLength(3);
	});

	it('an invalid document gets 400 with per-field codes, and nothing is created', async () => {
		const cases: [unknown, Record<string, string>][] = [
			[{ kind: 'spreadsheet', title: 'Numbers' }, { kind: 'kind_invalid' }],
			[{ title: 'No kind' }, { kind: 'kind_invalid' }],
			[{ kind: 'text', title: '' }, { title: 'title_invalid' }],
			[{ kind: 'text', title: '   ' }, { title: 'title_invalid' }],
			[{ kind: 'text', title: 'x'.repeat(DOCUMENT_TITLE_MAX + 1) }, { title: 'title_invalid' }],
			[{ kind: 'text', title: 'bell\u0007' }, { title: 'invalid_characters' }],
			[{ kind: 'text', title: 'evil\u202Egnp.exe' }, { title: 'invalid_characters' }],
			[{ kind: 'text' }, { title: 'required' }],
			[{ kind: 'circle', title: '' }, { kind: 'kind_invalid', title: 'title_invalid' }]
		];
		const before = (await api(url, `/api/v1/spaces/${spaceId}/documents`, { token: owner.token })).body.documents.length;
		for (const [body, fields] of cases) {
			const res = await create(member, body);
			expect(res.status, JSON.stringify(body)).toBe(400);
			const got = Object.fromEntries(Object.entries((res.body as any).error.fields as Record<string, { code: string }>).map(([k, v]) => [k, v.code]));
			expect(got, JSON.stringify(body)).toEqual(fields);
		}
		expect((await create(member, { kind: 'text', title: 'x'.repeat(DOCUMENT_TITLE_MAX) })).status).toBe(201);
		expect((await api(url, `/api/v1/spaces/${spaceId}/documents`, { token: owner.token })).body.documents.length).toBe(before + 1);
	});

	it('an observer cannot create a document (403)', async () => {
		const res = await create(observer, { kind: 'text', title: 'Observer notes' });
		expect(res.status).toBe(403);
		expect((res.body as any).error.code).toBe('read_only');
	});

	it('a non-member gets 404 everywhere, identical to a document or space that does not exist; signed out gets 401', async () => {
		const doc = await created(owner, { kind: 'text', title: 'Private' });
		const version = await api<DocumentVersion>(url, `/api/v1/documents/${doc.id}/versions`, { token: owner.token, body: { name: 'v1' } });
		const theirSpace = await createSpace(url, outsider);
		const probes: [string, unknown?][] = [
			[`/api/v1/spaces/${spaceId}/documents`],
			[`/api/v1/spaces/${spaceId}/documents`, { kind: 'text', title: 'Sneaky' }],
			[`/api/v1/documents/${doc.id}`],
			[`/api/v1/documents/${doc.id}/versions`],
			[`/api/v1/documents/${doc.id}/versions`, { name: 'Sneaky' }],
			[`/api/v1/documents/${doc.id}/versions/${version.body.id}`]
		];
		for (const [path, body] of probes) {
			const res = await api(url, path, { token: outsider.token, body });
			expect(res.status, path).toBe(404);
			expect(res.body.error.code).toBe('not_found');
			const missing = await api(url, path.replace(doc.id, randomUUID()).replace(spaceId, randomUUID()), { token: outsider.token, body });
			expect(missing.text, path).toBe(res.text);
			expect((await api(url, path, { body })).status, `${path} signed out`).toBe(401);
		}
		for (const bad of ['not-a-uuid', '1', "x' or 1=1 --"]) {
			expect((await api(url, `/api/v1/documents/${encodeURIComponent(bad)}`, { token: owner.token })).status, bad).toBe(404);
		}
		// A document id is not reachable through another space's list.
		const list = await api(url, `/api/v1/spaces/${theirSpace}/documents`, { token: outsider.token });
		expect(list.body.documents).toEqual([]);
	});
});
