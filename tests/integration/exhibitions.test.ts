import { count, eq } from 'drizzle-orm';
import es from '../../messages/es.json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Me } from '../../server/accounts';
import { exhibitions, outbox, works } from '../../server/db/schema';
import { newShapeFields } from '../../src/lib/canvas/shapes';
import { CANVAS_SHAPES } from '../../src/lib/protocol/docs';
import { api, createSpace, joinSpace, newUser, type TestUser } from '../helpers/api';
import { newChildMentee, newMinorMentee } from '../helpers/matching';
import { newModerator, supervisedSpace } from '../helpers/moderation';
import { guardianLinkToken } from '../helpers/safeguarding';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { appendParagraph, createDocument, syncedClient, type YClient } from '../helpers/yjs';
import { waitFor } from '../helpers/wait';

const drivers = await availableDrivers();

const granted = { decision: 'granted', credit: 'name', showCountry: true } as const;

describe.each(drivers)('exhibitions: a work is public only with every consent and a moderator’s approval (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
	let moderator: TestUser;
	let amal: TestUser;
	let child: TestUser;
	let guardianEmail: string;
	let spaceId: string;
	const clients: YClient[] = [];

	/** The service sees people as the session does. */
	const me = async (who: TestUser): Promise<Me> => (await api(url, '/api/v1/me', { token: who.token })).body.user as Me;
	const service = () => server.app.exhibitions;

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none' } });
		url = server.url;
		admin = await newUser(url, { displayName: 'Lead' });
		moderator = await newModerator(url, admin);
		amal = await newUser(url, { role: 'mentor', displayName: 'Amal Haddad', country: 'ES' });
		const made = await newChildMentee(url, admin, { overrides: { displayName: 'Lucía Pérez', country: 'MX' } });
		child = made.child as unknown as TestUser;
		guardianEmail = made.guardianEmail;
		spaceId = await supervisedSpace(url, { owner: amal, supervisor: moderator, members: [child] });
	});
	afterAll(async () => {
		for (const c of clients) c.destroy();
		await server?.close();
	});

	/** A canvas both drew on, through the real relay, stored; and a saved version of it. */
	async function drawnTogether(title: string): Promise<{ docId: string; versionId: string }> {
		const docId = await createDocument(url, amal, spaceId, { kind: 'canvas', title });
		for (const [i, who] of [amal, child].entries()) {
			const c = await syncedClient({ url, docId, token: who.token });
			clients.push(c);
			const shape = new Y.Map<unknown>();
			const fields = newShapeFields({ type: 'sticky', x: 40 + i * 200, y: 40, text: `idea ${i + 1}`, z: `a${i}`, author: { id: who.user.id, name: who.user.profile.displayName }, now: Date.now() });
			for (const [k, v] of Object.entries(fields)) shape.set(k, v);
			c.doc.getMap(CANVAS_SHAPES).set(`s${i}`, shape);
			await c.waitStored();
		}
		const version = await api(url, `/api/v1/documents/${docId}/versions`, { token: amal.token, body: { name: 'Finished' } });
		expect(version.status, version.text).toBe(201);
		return { docId, versionId: version.body.id as string };
	}

	async function propose(docId: string, versionId: string, title = 'Two ideas') {
		return service().propose({ user: await me(amal), documentId: docId, input: { versionId, title, statement: 'We drew our ideas for a shared city.', altText: 'Two sticky notes side by side.', lang: 'en' }, baseUrl: url });
	}

	async function exhibitionWith(workIds: string[]) {
		const lead = await me(admin);
		const ex = await service().createExhibition({ user: lead, input: { title: 'Cities we share', introduction: 'Works made across borders.', lang: 'en' } });
		await service().setExhibitionWorks({ user: lead, id: ex.id, workIds });
		await service().setPublished({ user: lead, id: ex.id, published: true });
		return ex;
	}

	const shown = async (slug: string) => (await service().publicExhibition({ slug, locale: 'en' }))?.works.map((w) => w.id) ?? [];

	it('every contributor of the version is asked, the guardian by mail; with one consent missing nothing is public', async () => {
		const { docId, versionId } = await drawnTogether('City map');
		const work = await propose(docId, versionId);
		expect(work.contributors.map((c) => c.displayName).sort()).toEqual(['Amal Haddad', 'Lucía Pérez']);
		expect(work.contributors.find((c) => c.displayName === 'Lucía Pérez')).toMatchObject({ guardianRequired: true, guardianDecision: 'pending', decision: 'pending' });
		expect(work).toMatchObject({ status: 'pending', consented: false, public: false });
		const mails = await server.app.database.db.select().from(outbox).where(eq(outbox.kind, 'exhibition_guardian_consent'));
		expect(mails.map((m) => m.toAddress)).toContain(guardianEmail);

		await service().review({ user: await me(moderator), workId: work.id, input: { decision: 'approve' } });
		const ex = await exhibitionWith([work.id]);
		// The adult and the child say yes; the guardian has not answered.
		await service().decide({ user: await me(amal), workId: work.id, input: granted });
		await service().decide({ user: await me(child), workId: work.id, input: granted });
		expect(await shown(ex.slug)).toEqual([]);
		expect(await service().publicWorkSvg({ slug: ex.slug, workId: work.id })).toBeNull();
		expect((await service().exhibition({ user: await me(admin), id: ex.id })).works).toEqual([expect.objectContaining({ id: work.id, public: false })]);

		// With the guardian's yes it is shown, and the minor's credit follows the guardian's choice, not hers.
		const token = await guardianLinkToken(url, admin, guardianEmail);
		const forGuardian = await service().guardianWorks({ token, locale: 'en' });
		expect(forGuardian.map((w) => w.work.id)).toContain(work.id);
		// The guardian is outside the program: of the people, only their own child is named to them.
		expect(JSON.stringify(forGuardian)).not.toContain('Amal');
		expect(forGuardian[0]!.work.contributors.map((c) => c.displayName)).toEqual(['Lucía Pérez']);
		// The guardian sees the drawing before deciding, through their link only.
		const picture = await fetch(`${url}/guardian/${token}/works/${work.id}.svg`);
		expect(picture.status).toBe(200);
		expect(picture.headers.get('content-type')).toContain('image/svg+xml');
		expect(picture.headers.get('cache-control')).toContain('no-store');
		expect(await picture.text()).toContain('idea 1');
		expect((await fetch(`${url}/guardian/${'A'.repeat(43)}/works/${work.id}.svg`)).status).toBe(404);
		await service().guardianDecide({ token, workId: work.id, input: { decision: 'granted', credit: 'initials', showCountry: false } });
		const page = await service().publicExhibition({ slug: ex.slug, locale: 'en' });
		expect(page!.works.map((w) => w.id)).toEqual([work.id]);
		expect(page!.works[0]!.credits).toEqual([
			expect.objectContaining({ name: expect.any(String) }),
			expect.objectContaining({ name: expect.any(String) })
		]);
		const credits = page!.works[0]!.credits;
		expect(credits).toContainEqual({ name: 'Amal Haddad', country: 'Spain' });
		expect(credits).toContainEqual({ name: 'L. P.', country: null });
		const svg = await service().publicWorkSvg({ slug: ex.slug, workId: work.id });
		expect(svg).toContain('<svg');
		expect(svg).toContain('idea 2');
		// Nothing in the picture names the child: shapes carry their author's name, which must not be published.
		expect(svg).not.toContain('Lucía');
		expect(JSON.stringify(page)).not.toContain('Lucía');
	});

	it('a guardian who allows the name and country gets them shown; a child who asks for less gets less', async () => {
		const { docId, versionId } = await drawnTogether('River');
		const work = await propose(docId, versionId, 'River');
		await service().review({ user: await me(moderator), workId: work.id, input: { decision: 'approve' } });
		const ex = await exhibitionWith([work.id]);
		const token = await guardianLinkToken(url, admin, guardianEmail);
		await service().guardianDecide({ token, workId: work.id, input: { decision: 'granted', credit: 'name', showCountry: true } });
		await service().decide({ user: await me(amal), workId: work.id, input: { decision: 'granted', credit: 'anonymous', showCountry: false } });
		await service().decide({ user: await me(child), workId: work.id, input: granted });
		let credits = (await service().publicExhibition({ slug: ex.slug, locale: 'es' }))!.works[0]!.credits;
		expect(credits).toContainEqual({ name: 'Lucía Pérez', country: 'México' });
		expect(credits).toContainEqual({ name: null, country: null });
		// The child chooses initials: the guardian's allowance is a ceiling, not a floor.
		await service().decide({ user: await me(child), workId: work.id, input: { decision: 'granted', credit: 'initials', showCountry: false } });
		credits = (await service().publicExhibition({ slug: ex.slug, locale: 'es' }))!.works[0]!.credits;
		expect(credits).toContainEqual({ name: 'L. P.', country: null });
	});

	it('one withdrawal takes the work off every public page and its asset at once, and the curators are told', async () => {
		const { docId, versionId } = await drawnTogether('Bridge');
		const work = await propose(docId, versionId, 'Bridge');
		await service().review({ user: await me(moderator), workId: work.id, input: { decision: 'approve' } });
		const token = await guardianLinkToken(url, admin, guardianEmail);
		await service().guardianDecide({ token, workId: work.id, input: { decision: 'granted', credit: 'initials', showCountry: false } });
		await service().decide({ user: await me(amal), workId: work.id, input: granted });
		await service().decide({ user: await me(child), workId: work.id, input: granted });
		const first = await exhibitionWith([work.id]);
		const second = await exhibitionWith([work.id]);
		expect(await shown(first.slug)).toEqual([work.id]);
		expect(await shown(second.slug)).toEqual([work.id]);
		// Over HTTP too: the page and the picture, neither kept by any cache.
		const asset = await fetch(`${url}/exhibitions/${first.slug}/works/${work.id}.svg`);
		expect(asset.status).toBe(200);
		expect(asset.headers.get('cache-control')).toContain('no-store');
		expect(await (await fetch(`${url}/exhibitions/${first.slug}`)).text()).toContain('Bridge');

		await service().decide({ user: await me(amal), workId: work.id, input: { decision: 'withdrawn', credit: 'name', showCountry: true } });
		expect(await shown(first.slug)).toEqual([]);
		expect(await shown(second.slug)).toEqual([]);
		expect(await service().publicWorkSvg({ slug: first.slug, workId: work.id })).toBeNull();
		expect((await fetch(`${url}/exhibitions/${first.slug}/works/${work.id}.svg`)).status).toBe(404);
		expect(await (await fetch(`${url}/exhibitions/${first.slug}`)).text()).not.toContain('Bridge');
		const curatorView = await service().exhibition({ user: await me(admin), id: first.id });
		expect(curatorView.works[0]).toMatchObject({ id: work.id, public: false, withdrawnAt: expect.any(String) });
		const mails = await server.app.database.db.select().from(outbox).where(eq(outbox.kind, 'exhibition_withdrawn'));
		expect(mails.map((m) => m.toAddress)).toContain(admin.user.email);
		expect(mails.at(-1)!.body).toContain('Bridge');
		// The archive no longer lists it either, nor offers it for download.
		expect((await service().archive({ user: await me(child), query: {}, locale: 'en' })).map((i) => i.id)).not.toContain(work.id);
		await expect(service().download({ user: await me(child), workId: work.id, format: 'svg', locale: 'en' })).rejects.toMatchObject({ status: 404 });

		// Agreeing again brings it back; withdrawing the exhibition purpose in the consent ledger takes it off again.
		await service().decide({ user: await me(amal), workId: work.id, input: granted });
		expect(await shown(first.slug)).toEqual([work.id]);
		expect((await service().exhibition({ user: await me(admin), id: first.id })).works[0]!.withdrawnAt).toBeNull();
		const mailed = async () => (await server.app.database.db.select().from(outbox).where(eq(outbox.kind, 'exhibition_withdrawn'))).length;
		const before = await mailed();
		expect((await api(url, '/api/v1/me/consents/exhibition', { method: 'DELETE', token: amal.token })).status).toBe(200);
		expect(await shown(first.slug)).toEqual([]);
		expect(await shown(second.slug)).toEqual([]);
		// The curators hear of that too (it happens just after the ledger's change).
		await waitFor(async () => ((await mailed()) > before ? true : null), { what: 'the curators told of the ledger withdrawal' });
		expect((await service().exhibition({ user: await me(admin), id: first.id })).works[0]!.withdrawnAt).not.toBeNull();

		// Declining after agreeing is taking it back as well: hidden, and the curators are told.
		expect((await api(url, '/api/v1/me/consents', { token: amal.token, body: { purpose: 'exhibition' } })).status).toBe(200);
		await service().decide({ user: await me(amal), workId: work.id, input: granted });
		expect(await shown(first.slug)).toEqual([work.id]);
		const beforeDecline = await mailed();
		await service().decide({ user: await me(child), workId: work.id, input: { decision: 'declined', credit: 'anonymous', showCountry: false } });
		expect(await shown(first.slug)).toEqual([]);
		expect(await mailed()).toBeGreaterThan(beforeDecline);
	});

	it('the guardian withdrawing takes it off too; a rejected work never shows; strangers cannot see a work at all', async () => {
		const { docId, versionId } = await drawnTogether('Harbour');
		const work = await propose(docId, versionId, 'Harbour');
		const token = await guardianLinkToken(url, admin, guardianEmail);
		await service().guardianDecide({ token, workId: work.id, input: { decision: 'granted', credit: 'initials', showCountry: false } });
		await service().decide({ user: await me(amal), workId: work.id, input: granted });
		await service().decide({ user: await me(child), workId: work.id, input: granted });
		expect((await service().work({ user: await me(amal), workId: work.id })).consented).toBe(true);
		// Not approved yet: it cannot go in an exhibition, and nothing shows.
		await expect(exhibitionWith([work.id])).rejects.toMatchObject({ status: 409, code: 'exhibitions_work_not_approved' });
		await service().review({ user: await me(moderator), workId: work.id, input: { decision: 'approve' } });
		const ex = await exhibitionWith([work.id]);
		expect(await shown(ex.slug)).toEqual([work.id]);
		await service().guardianDecide({ token, workId: work.id, input: { decision: 'withdrawn', credit: 'anonymous', showCountry: false } });
		expect(await shown(ex.slug)).toEqual([]);
		// Given again, it is back; a moderator taking it down later removes it for good.
		await service().guardianDecide({ token, workId: work.id, input: { decision: 'granted', credit: 'initials', showCountry: false } });
		expect(await shown(ex.slug)).toEqual([work.id]);
		await service().review({ user: await me(moderator), workId: work.id, input: { decision: 'reject', note: 'Shows a school badge' } });
		expect(await shown(ex.slug)).toEqual([]);

		const stranger = await newUser(url);
		await expect(service().work({ user: await me(stranger), workId: work.id })).rejects.toMatchObject({ status: 404 });
		await expect(service().reviewQueue({ user: await me(stranger) })).rejects.toMatchObject({ status: 403 });
		await expect(service().exhibitions({ user: await me(moderator) })).rejects.toMatchObject({ status: 403 });

		const other = await drawnTogether('Rejected one');
		const rejected = await propose(other.docId, other.versionId, 'Rejected one');
		await service().review({ user: await me(moderator), workId: rejected.id, input: { decision: 'reject', note: 'Not finished' } });
		await expect(service().review({ user: await me(moderator), workId: rejected.id, input: { decision: 'approve' } })).rejects.toMatchObject({ status: 409 });
		expect((await service().work({ user: await me(amal), workId: rejected.id })).status).toBe('rejected');
	});

	it('the archive finds finished works by title, credit, language, kind and date, and downloads them with their credits', async () => {
		const { docId, versionId } = await drawnTogether('Lighthouse');
		const work = await propose(docId, versionId, 'Lighthouse');
		await service().review({ user: await me(moderator), workId: work.id, input: { decision: 'approve' } });
		const token = await guardianLinkToken(url, admin, guardianEmail);
		await service().guardianDecide({ token, workId: work.id, input: { decision: 'granted', credit: 'initials', showCountry: false } });
		await service().decide({ user: await me(amal), workId: work.id, input: granted });
		await service().decide({ user: await me(child), workId: work.id, input: granted });
		const search = async (query: Record<string, string>) => (await service().archive({ user: await me(child), query, locale: 'en' })).map((i) => i.id);
		expect(await search({ q: 'lighthouse' })).toEqual([work.id]);
		expect(await search({ q: 'Amal' })).toContain(work.id);
		// The child is credited by initials only: her name finds nothing.
		expect(await search({ q: 'Lucía' })).not.toContain(work.id);
		expect(await search({ kind: 'text' })).not.toContain(work.id);
		expect(await search({ kind: 'canvas' })).toContain(work.id);
		const today = new Date().toISOString().slice(0, 10);
		expect(await search({ from: today, to: today })).toContain(work.id);
		expect(await search({ to: '2000-01-01' })).toEqual([]);

		const svg = await service().download({ user: await me(child), workId: work.id, format: 'svg', locale: 'en' });
		expect(svg.type).toBe('image/svg+xml');
		expect(String(svg.body)).toContain('Amal Haddad');
		const png = await service().download({ user: await me(child), workId: work.id, format: 'png', locale: 'en' });
		expect(Buffer.from(png.body as Uint8Array).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
		const pdf = await service().download({ user: await me(child), workId: work.id, format: 'pdf', locale: 'en' });
		expect(Buffer.from(pdf.body as Uint8Array).subarray(0, 5).toString()).toBe('%PDF-');
	});

	it('a text document: its contributors are those who wrote before the version; its rich text is public, sanitised', async () => {
		const docId = await createDocument(url, amal, spaceId, { kind: 'text', title: 'Poem' });
		const c = await syncedClient({ url, docId, token: amal.token });
		clients.push(c);
		appendParagraph(c.doc, 'The sea <script>alert(1)</script> between us');
		await c.waitStored();
		const version = await api(url, `/api/v1/documents/${docId}/versions`, { token: amal.token, body: { name: 'v1' } });
		// Lucía writes only after the version: she is not a contributor of it.
		const late = await syncedClient({ url, docId, token: child.token });
		clients.push(late);
		appendParagraph(late.doc, 'a later line');
		await late.waitStored();
		const work = await service().propose({ user: await me(amal), documentId: docId, input: { versionId: version.body.id, title: 'Poem', statement: 'A poem.', altText: 'A short poem in two lines.', lang: 'en' }, baseUrl: url });
		expect(work.contributors.map((x) => x.displayName)).toEqual(['Amal Haddad']);
		await service().decide({ user: await me(amal), workId: work.id, input: granted });
		await service().review({ user: await me(moderator), workId: work.id, input: { decision: 'approve' } });
		const ex = await exhibitionWith([work.id]);
		const page = await service().publicExhibition({ slug: ex.slug, locale: 'en' });
		const html = page!.works[0]!.html!;
		expect(html).toContain('The sea');
		expect(html).not.toContain('<script');
		expect(html).not.toContain('a later line');
		const pdf = await service().download({ user: await me(child), workId: work.id, format: 'pdf', locale: 'en' });
		expect(Buffer.from(pdf.body as Uint8Array).subarray(0, 5).toString()).toBe('%PDF-');
		await expect(service().download({ user: await me(child), workId: work.id, format: 'png', locale: 'en' })).rejects.toMatchObject({ code: 'exhibitions_download_kind' });
	});

	it('over the API: bad input is refused in the writer’s language and changes nothing; the whole path works end to end', async () => {
		const { docId, versionId } = await drawnTogether('Kites');
		const db = server.app.database.db;
		const before = (await db.select({ n: count() }).from(works))[0]!.n;
		const spanish = { 'accept-language': 'es' };
		const empty = await api(url, `/api/v1/documents/${docId}/works`, { token: amal.token, headers: spanish, body: { versionId, title: 'Kites', statement: 'Kites.', altText: '   ', lang: 'en' } });
		expect(empty.status).toBe(400);
		expect(empty.body.error.fields.altText).toEqual({ code: 'exhibitions_alt_invalid', message: es.error_exhibitions_alt_invalid });
		const long = await api(url, `/api/v1/documents/${docId}/works`, { token: amal.token, body: { versionId, title: 'x'.repeat(121), statement: 'x', altText: 'x', lang: 'en' } });
		expect(long.body.error.fields.title.code).toBe('exhibitions_title_invalid');
		const unknownField = await api(url, `/api/v1/documents/${docId}/works`, { token: amal.token, body: { versionId, title: 'x', statement: 'x', altText: 'x', lang: 'en', public: true } });
		expect(unknownField.status).toBe(400);
		const otherVersion = await api(url, `/api/v1/documents/${docId}/works`, { token: amal.token, body: { versionId: crypto.randomUUID(), title: 'x', statement: 'x', altText: 'x', lang: 'en' } });
		expect(otherVersion.body.error.code).toBe('exhibitions_version_invalid');
		expect((await db.select({ n: count() }).from(works))[0]!.n).toBe(before);

		const proposed = await api(url, `/api/v1/documents/${docId}/works`, { token: amal.token, body: { versionId, title: 'Kites', statement: 'Kites over two cities.', altText: 'Kites drawn as sticky notes.', lang: 'en' } });
		expect(proposed.status, proposed.text).toBe(201);
		const id = proposed.body.id as string;
		expect((await api(url, `/api/v1/documents/${docId}/works`, { token: child.token })).body.works.map((w: { id: string }) => w.id)).toContain(id);
		const badCredit = await api(url, `/api/v1/me/works/${id}`, { method: 'PUT', token: amal.token, headers: spanish, body: { decision: 'granted', credit: 'full', showCountry: true } });
		expect(badCredit.body.error.fields.credit).toEqual({ code: 'exhibitions_credit_invalid', message: es.error_exhibitions_credit_invalid });
		const mine = await api(url, `/api/v1/me/works/${id}`, { method: 'PUT', token: amal.token, body: granted });
		expect(mine.body).toMatchObject({ decision: 'granted', credit: 'name', showCountry: true });
		expect((await api(url, `/api/v1/me/works/${id}`, { method: 'PUT', token: child.token, body: granted })).status).toBe(200);
		await service().guardianDecide({ token: await guardianLinkToken(url, admin, guardianEmail), workId: id, input: { decision: 'granted', credit: 'initials', showCountry: true } });
		expect((await api(url, '/api/v1/moderation/works', { token: amal.token })).status).toBe(403);
		expect((await api(url, '/api/v1/moderation/works', { token: moderator.token })).body.works.map((w: { id: string }) => w.id)).toContain(id);
		const reviewed = await api(url, `/api/v1/works/${id}/review`, { token: moderator.token, body: { decision: 'approve' } });
		expect(reviewed.body).toMatchObject({ status: 'approved', public: true });

		const exhibitionsBefore = (await db.select({ n: count() }).from(exhibitions))[0]!.n;
		const noIntro = await api(url, '/api/v1/exhibitions', { token: admin.token, body: { title: 'Kites', introduction: '', lang: 'en' } });
		expect(noIntro.body.error.fields.introduction.code).toBe('exhibitions_intro_invalid');
		expect((await db.select({ n: count() }).from(exhibitions))[0]!.n).toBe(exhibitionsBefore);
		const created = await api(url, '/api/v1/exhibitions', { token: admin.token, body: { title: 'Kites & Wind!', introduction: 'Flying things.', lang: 'en' } });
		expect(created.status).toBe(201);
		expect(created.body.slug).toMatch(/^kites-wind/);
		expect((await api(url, `/api/v1/exhibitions/${created.body.id}/works`, { method: 'PUT', token: admin.token, body: { workIds: [id] } })).body.works).toEqual([expect.objectContaining({ id, public: true })]);
		expect((await api(url, `/api/v1/exhibitions/${created.body.id}/publish`, { method: 'POST', token: admin.token })).body.status).toBe('published');
		expect(await shown(created.body.slug)).toEqual([id]);
		const archive = await api(url, '/api/v1/archive?q=kites&kind=canvas', { token: child.token });
		expect(archive.body.works.map((w: { id: string }) => w.id)).toEqual([id]);
		const badDate = await api(url, '/api/v1/archive?from=yesterday', { token: child.token, headers: spanish });
		expect(badDate.body.error.fields.from).toEqual({ code: 'exhibitions_date_invalid', message: es.error_exhibitions_date_invalid });
		expect((await api(url, `/api/v1/exhibitions/${created.body.id}/unpublish`, { method: 'POST', token: admin.token })).body.status).toBe('draft');
		expect(await service().publicExhibition({ slug: created.body.slug, locale: 'en' })).toBeNull();
	});

	it('what visitors would read is checked like anything written in the space; the guardian is mailed once a day, not per proposal', async () => {
		const { docId, versionId } = await drawnTogether('Postcards');
		const refused = await api(url, `/api/v1/documents/${docId}/works`, { token: amal.token, headers: { 'accept-language': 'es' }, body: { versionId, title: 'Postcards', statement: 'Write to me at amal.haddad@example.org', altText: 'Postcards.', lang: 'en' } });
		expect(refused.status).toBe(422);
		expect(refused.body.error.fields.statement).toEqual({ code: 'exhibitions_text_not_allowed', message: es.error_exhibitions_text_not_allowed });
		const db = server.app.database.db;
		const guardianMails = async () => (await db.select().from(outbox).where(eq(outbox.kind, 'exhibition_guardian_consent'))).filter((m) => m.toAddress === guardianEmail).length;
		// Earlier tests proposed works with the child in them today: one mail went, and no more since.
		expect(await guardianMails()).toBe(1);
		await propose(docId, versionId, 'Postcards');
		expect(await guardianMails()).toBe(1);
		// The link of that one mail still works, and lists the new work.
		const token = await guardianLinkToken(url, admin, guardianEmail);
		expect((await service().guardianWorks({ token, locale: 'en' })).map((w) => w.work.title)).toContain('Postcards');
	});

	it('a 17-year-old who decides alone is never shown by full name or country, whatever they choose, and is told so', async () => {
		const teen = await newMinorMentee(url, { overrides: { displayName: 'Sami Okafor', country: 'NG' } });
		await joinSpace(url, amal, teen, spaceId);
		const docId = await createDocument(url, amal, spaceId, { kind: 'text', title: 'Song' });
		for (const who of [amal, teen]) {
			const c = await syncedClient({ url, docId, token: who.token });
			clients.push(c);
			appendParagraph(c.doc, `a verse by ${who.user.id.slice(0, 4)}`);
			await c.waitStored();
		}
		const work = await service().propose({ user: await me(amal), documentId: docId, input: { title: 'Song', statement: 'A song.', altText: 'A song in two verses.', lang: 'en' }, baseUrl: url });
		const teenRow = work.contributors.find((c) => c.userId === teen.id)!;
		expect(teenRow).toMatchObject({ guardianRequired: false });
		await service().decide({ user: await me(teen), workId: work.id, input: granted });
		const asked = (await service().myRequests({ user: await me(teen) })).find((r) => r.work.id === work.id)!;
		expect(asked.minorCap).toEqual({ credit: 'initials', showCountry: false });
		await service().decide({ user: await me(amal), workId: work.id, input: granted });
		await service().review({ user: await me(moderator), workId: work.id, input: { decision: 'approve' } });
		const ex = await exhibitionWith([work.id]);
		const credits = (await service().publicExhibition({ slug: ex.slug, locale: 'en' }))!.works[0]!.credits;
		expect(credits).toContainEqual({ name: 'S. O.', country: null });
		expect(JSON.stringify(credits)).not.toContain('Sami');
		expect((await service().myRequests({ user: await me(amal) })).find((r) => r.work.id === work.id)!.minorCap).toBeNull();
	});

	it('an observer cannot propose; a deleted contributor’s work leaves the public pages', async () => {
		const { docId, versionId } = await drawnTogether('Garden');
		const observer = await newUser(url);
		await joinSpace(url, amal, observer, spaceId, 'observer');
		await expect(
			service().propose({ user: await me(observer), documentId: docId, input: { versionId, title: 'x', statement: 'x', altText: 'x', lang: 'en' }, baseUrl: url })
		).rejects.toMatchObject({ status: 403 });

		// An adult-only work: a second adult draws with Amal, both agree, it is shown; then the second deletes her account.
		const bea = await newUser(url, { displayName: 'Bea', role: 'mentor' });
		const own = await createSpace(url, bea, { title: 'Two adults' });
		await joinSpace(url, bea, amal, own);
		const doc2 = await createDocument(url, bea, own, { kind: 'text', title: 'Letters' });
		for (const who of [bea, amal]) {
			const c = await syncedClient({ url, docId: doc2, token: who.token });
			clients.push(c);
			appendParagraph(c.doc, `from ${who.user.profile.displayName}`);
			await c.waitStored();
		}
		const work = await service().propose({ user: await me(bea), documentId: doc2, input: { title: 'Letters', statement: 'Letters.', altText: 'Two letters.', lang: 'en' }, baseUrl: url });
		expect(work.contributors).toHaveLength(2);
		for (const who of [bea, amal]) await service().decide({ user: await me(who), workId: work.id, input: granted });
		await service().review({ user: await me(moderator), workId: work.id, input: { decision: 'approve' } });
		const ex = await exhibitionWith([work.id]);
		expect(await shown(ex.slug)).toEqual([work.id]);
		const mailed = async () => (await server.app.database.db.select().from(outbox).where(eq(outbox.kind, 'exhibition_withdrawn'))).length;
		const before = await mailed();
		const deleted = await api(url, '/api/v1/me/deletion', { method: 'POST', token: bea.token, body: { password: bea.password } });
		expect(deleted.status, deleted.text).toBeLessThan(300);
		expect(await shown(ex.slug)).toEqual([]);
		expect(await mailed()).toBeGreaterThan(before);
		expect((await service().exhibition({ user: await me(admin), id: ex.id })).works[0]!.withdrawnAt).not.toBeNull();
		const [row] = await server.app.database.db.select().from(works).where(eq(works.id, work.id));
		expect(row!.status).toBe('approved');
	});
});
