import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { auditLog, consents, guardianLinks, outbox, profiles } from '../../server/db/schema';
import { api, signIn, newUser, type TestUser } from '../helpers/api';
import { request } from '../helpers/chat';
import { consentToken, guardianForm, guardianLinkToken, minorBody, newStaff, submitConsent, yearsAgo } from '../helpers/safeguarding';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';
import { nextEvent } from '../helpers/wait';
import { createDocument, YClient } from '../helpers/yjs';

const drivers = await availableDrivers();
const catalog = (locale: string) => JSON.parse(readFileSync(`${projectRoot}/messages/${locale}.json`, 'utf8')) as Record<string, string>;
const [en, es, ar] = [catalog('en'), catalog('es'), catalog('ar')];
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** The HTML escaping SvelteKit applies to text in a page. */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

describe.each(drivers)('the guardian’s standing link (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
	let moderator: TestUser;
	const sockets = new Sockets();
	const clients: YClient[] = [];
	/** Log lines, to prove guardian addresses and tokens never reach them. */
	const logs: string[] = [];

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { logLevel: 'info', logDestination: { write: (line: string) => void logs.push(line) } } });
		url = server.url;
		admin = await newUser(url);
		moderator = await newStaff(url, admin);
	});
	afterEach(() => {
		sockets.closeAll();
		for (const c of clients.splice(0)) c.destroy();
	});
	afterAll(() => server?.close());

	/** A 13-year-old whose guardian confirmed `purposes`, signed in, with the guardian's standing link. */
	async function confirmedMinor(purposes = ['participation', 'exhibition'], overrides: Record<string, unknown> = {}) {
		const body = minorBody(13, { displayName: 'Lina', ...overrides });
		expect((await api(url, '/api/v1/users', { body })).status).toBe(201);
		const guardianEmail = body.guardianEmail as string;
		expect(await submitConsent(url, await consentToken(url, admin, guardianEmail), purposes)).toMatchObject({ type: 'success' });
		const session = await signIn(url, { email: body.email as string, password: body.password as string });
		return { ...session, id: session.user.id, guardianEmail, link: await guardianLinkToken(url, admin, guardianEmail) };
	}

	const current = async (who: { token: string }) =>
		Object.fromEntries(
			((await api(url, '/api/v1/me/consents', { token: who.token })).body.current as { purpose: string; granted: boolean; grantedBy: string | null }[]).map((c) => [
				c.purpose,
				c.granted && c.grantedBy
			])
		);

	it('confirming mails the guardian a standing link through the outbox; only its hash is stored', async () => {
		const minor = await confirmedMinor();
		const mail = await server.db.select().from(outbox).where(and(eq(outbox.toAddress, minor.guardianEmail), eq(outbox.kind, 'guardian_link')));
		expect(mail).toHaveLength(1);
		expect(mail[0]!.subject).toContain('Lina');
		expect(mail[0]!.body).toContain(`/guardian/${minor.link}`);
		const [link] = await server.db.select().from(guardianLinks).where(eq(guardianLinks.userId, minor.id));
		expect(link!.tokenHash).toBe(sha256(minor.link));
		expect(link!.revokedAt).toBeNull();

		const page = await api(url, `/guardian/${minor.link}`);
		expect(page.status).toBe(200);
		expect(page.headers.get('cache-control')).toBe('no-store');
		expect(page.text).toContain('<meta name="referrer" content="no-referrer"');
		expect(page.text).toContain('Lina');
		// One accessible button per purpose: withdraw what is given, give what is not.
		expect(page.text).toContain(`aria-label="${html(en.consent_withdraw_named!.replace('{purpose}', en.guardian_label_participation!))}"`);
		expect(page.text).toContain(`aria-label="${html(en.consent_give_named!.replace('{purpose}', en.guardian_label_recording!))}"`);
	});

	it('the guardian withdraws participation: the child’s live socket and document connection close at once, spaces are refused, ledger and audit say “guardian”', async () => {
		const minor = await confirmedMinor();
		const created = await api(url, '/api/v1/spaces', { token: minor.token, body: { title: 'Drawings', kind: 'collective', supervisorId: moderator.id } });
		expect(created.status).toBe(201);
		const spaceId = created.body.id as string;
		const docId = await createDocument(url, minor, spaceId);
		const socket = await sockets.connect(url, { token: minor.token });
		expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true });
		const doc = new YClient({ url, docId, token: minor.token });
		clients.push(doc);
		await nextEvent(doc.events, 'open');

		const ended = nextEvent<{ reason: string }>(socket, 'session:ended');
		const docClosed = nextEvent<{ code: number }>(doc.events, 'close');
		expect(await guardianForm(url, minor.link, 'withdraw', { purpose: 'participation' })).toMatchObject({ type: 'success' });
		expect(await ended).toEqual({ reason: 'consent_withdrawn' });
		await docClosed;
		doc.provider.disconnect();
		const list = await api(url, '/api/v1/spaces', { token: minor.token });
		expect(list.status).toBe(403);
		expect(list.body.error.code).toBe('consent_withdrawn');

		expect(await current(minor)).toMatchObject({ participation: false, exhibition: 'guardian' });
		const history = (await api(url, '/api/v1/me/consents', { token: minor.token })).body.history as { purpose: string; revokedBy: string | null }[];
		expect(history.find((h) => h.purpose === 'participation')).toMatchObject({ revokedBy: 'guardian' });
		const audit = await server.db.select().from(auditLog).where(and(eq(auditLog.targetId, minor.id), eq(auditLog.action, 'consent.revoke')));
		expect(audit).toHaveLength(1);
		expect(audit[0]!.actorId).toBeNull();
		expect(JSON.parse(audit[0]!.detail!)).toEqual({ by: 'guardian', purpose: 'participation' });

		// Withdrawing twice changes nothing more.
		expect(await guardianForm(url, minor.link, 'withdraw', { purpose: 'participation' })).toMatchObject({ type: 'success' });
		expect(await server.db.select().from(auditLog).where(and(eq(auditLog.targetId, minor.id), eq(auditLog.action, 'consent.revoke')))).toHaveLength(1);
	});

	it('the guardian gives participation again and the child is back in their spaces; the grant names the guardian’s confirmation', async () => {
		const minor = await confirmedMinor(['participation']);
		expect(await guardianForm(url, minor.link, 'withdraw', { purpose: 'participation' })).toMatchObject({ type: 'success' });
		expect((await api(url, '/api/v1/spaces', { token: minor.token })).status).toBe(403);
		expect(await guardianForm(url, minor.link, 'grant', { purpose: 'participation' })).toMatchObject({ type: 'success' });
		expect(await guardianForm(url, minor.link, 'grant', { purpose: 'recording' })).toMatchObject({ type: 'success' });
		expect((await api(url, '/api/v1/spaces', { token: minor.token })).status).toBe(200);
		expect(await current(minor)).toMatchObject({ participation: 'guardian', recording: 'guardian', exhibition: false });

		const [link] = await server.db.select().from(guardianLinks).where(eq(guardianLinks.userId, minor.id));
		const live = await server.db.select().from(consents).where(and(eq(consents.userId, minor.id), eq(consents.purpose, 'recording')));
		expect(live[0]).toMatchObject({ grantedBy: 'guardian', guardianConsentId: link!.guardianConsentId });
		expect(link!.lastUsedAt).toBeInstanceOf(Date);
		const grants = await server.db.select().from(auditLog).where(and(eq(auditLog.targetId, minor.id), eq(auditLog.action, 'consent.grant')));
		expect(grants.map((g) => JSON.parse(g.detail!).purpose).sort()).toEqual(['participation', 'recording']);
		// The minor still cannot grant for themselves.
		expect((await api(url, '/api/v1/me/consents', { token: minor.token, body: { purpose: 'evaluation' } })).body.error.code).toBe('consent_guardian_only');
	});

	it('an unknown purpose is refused in the guardian’s language and changes nothing', async () => {
		const minor = await confirmedMinor();
		const before = await current(minor);
		const bad = await guardianForm(url, minor.link, 'withdraw', { purpose: 'marketing' }, { 'accept-language': 'es' });
		expect(bad).toMatchObject({ type: 'failure', status: 400 });
		expect(bad.data).toContain(es.error_purpose_invalid);
		expect(await guardianForm(url, minor.link, 'grant', {})).toMatchObject({ type: 'failure', status: 400 });
		expect(await current(minor)).toEqual(before);
	});

	it('the page and its forms work without JavaScript', async () => {
		const minor = await confirmedMinor();
		const res = await api(url, `/guardian/${minor.link}?/withdraw`, {
			raw: new URLSearchParams({ purpose: 'exhibition' }).toString(),
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, accept: 'text/html' }
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toContain('text/html');
		expect(res.headers.get('cache-control')).toBe('no-store');
		expect(res.text).toContain(en.consent_withdrawn_done);
		expect(await current(minor)).toMatchObject({ exhibition: false });
	});

	it('the page reads in Arabic, right to left', async () => {
		const minor = await confirmedMinor(['participation'], { displayName: 'نور' });
		const page = await api(url, `/guardian/${minor.link}`, { headers: { 'accept-language': 'ar' } });
		expect(page.status).toBe(200);
		expect(page.text).toMatch(/<html[^>]*dir="rtl"/);
		expect(page.text).toContain(html(ar.guardian_label_participation!));
		expect(page.text).toContain('نور');
	});

	it('asking for a new link stops this one at once; the new one comes by mail and works', async () => {
		const minor = await confirmedMinor();
		expect(await guardianForm(url, minor.link, 'rotate')).toMatchObject({ type: 'success' });
		const fresh = await guardianLinkToken(url, admin, minor.guardianEmail);
		expect(fresh).not.toBe(minor.link);

		const old = await api(url, `/guardian/${minor.link}`);
		expect(old.text).toContain(html(en.guardian_link_revoked_heading!));
		expect(old.text).not.toContain('Lina');
		const refused = await guardianForm(url, minor.link, 'withdraw', { purpose: 'participation' });
		expect(refused).toMatchObject({ type: 'failure', status: 410 });
		expect(refused.data).toContain(en.error_guardian_link_revoked);
		expect(await current(minor)).toMatchObject({ participation: 'guardian' });

		expect(await guardianForm(url, fresh, 'withdraw', { purpose: 'exhibition' })).toMatchObject({ type: 'success' });
		expect(await current(minor)).toMatchObject({ exhibition: false });
		const live = await server.db.select().from(guardianLinks).where(eq(guardianLinks.userId, minor.id));
		expect(live.filter((l) => l.revokedAt === null).map((l) => l.tokenHash)).toEqual([sha256(fresh)]);
		expect((await server.db.select().from(auditLog).where(and(eq(auditLog.targetId, minor.id), eq(auditLog.action, 'consent.guardian_link_rotate')))).length).toBe(1);
	});

	it('a newer confirmation replaces the standing link', async () => {
		const minor = await confirmedMinor();
		// The child withdraws, then asks their guardian again; the guardian confirms through the new mail.
		expect((await api(url, '/api/v1/me/consents/participation', { method: 'DELETE', token: minor.token })).status).toBe(200);
		expect((await api(url, '/api/v1/me/consents/guardian', { token: minor.token, body: {} })).status).toBe(202);
		expect(await submitConsent(url, await consentToken(url, admin, minor.guardianEmail), ['participation'])).toMatchObject({ type: 'success' });
		const fresh = await guardianLinkToken(url, admin, minor.guardianEmail);
		expect(fresh).not.toBe(minor.link);
		expect(await guardianForm(url, minor.link, 'grant', { purpose: 'recording' })).toMatchObject({ type: 'failure', status: 410 });
		expect((await api(url, `/guardian/${fresh}`)).text).toContain('Lina');
	});

	it('the link ends when the child reaches the consent age: they decide for themselves from then on', async () => {
		const minor = await confirmedMinor();
		await server.db.update(profiles).set({ birthDate: yearsAgo(16) }).where(eq(profiles.userId, minor.id));
		expect((await api(url, `/guardian/${minor.link}`)).text).toContain(html(en.guardian_link_ended_heading!));
		expect(await guardianForm(url, minor.link, 'withdraw', { purpose: 'participation' })).toMatchObject({ type: 'failure', status: 410 });
		expect(await current(minor)).toMatchObject({ participation: 'guardian' });
	});

	it('an unknown or malformed link gets a calm page and changes nothing', async () => {
		const page = await api(url, `/guardian/${'A'.repeat(43)}`);
		expect(page.status).toBe(200);
		expect(page.text).toContain(html(en.consent_link_unknown_heading!));
		expect(await guardianForm(url, 'A'.repeat(43), 'withdraw', { purpose: 'participation' })).toMatchObject({ type: 'failure', status: 404 });
		expect(await guardianForm(url, 'not-a-token', 'rotate')).toMatchObject({ type: 'failure', status: 404 });
	});

	it('guardian addresses and link tokens never reach the logs', async () => {
		const minor = await confirmedMinor();
		await guardianForm(url, minor.link, 'withdraw', { purpose: 'exhibition' });
		await guardianForm(url, minor.link, 'rotate');
		const all = logs.join('');
		expect(all).toContain('guardian link replaced');
		expect(all).not.toContain(minor.guardianEmail);
		expect(all).not.toContain(minor.link);
	});
});
