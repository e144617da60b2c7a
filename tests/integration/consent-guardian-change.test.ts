import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { auditLog, outbox, profiles } from '../../server/db/schema';
import { api, signIn, newUser, uniqueEmail, type TestUser } from '../helpers/api';
import { consentToken, guardianForm, guardianLinkToken, minorBody, submitConsent, yearsAgo } from '../helpers/safeguarding';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';

const drivers = await availableDrivers();
const catalog = (locale: string) => JSON.parse(readFileSync(`${projectRoot}/messages/${locale}.json`, 'utf8')) as Record<string, string>;
const [en, es] = [catalog('en'), catalog('es')];
/** The HTML escaping SvelteKit applies to text in a page. */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

describe.each(drivers)('who may stand in for a guardian (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
	/** Log lines, to prove guardian addresses never reach them. */
	const logs: string[] = [];

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { logLevel: 'info', logDestination: { write: (line: string) => void logs.push(line) } } });
		url = server.url;
		admin = await newUser(url);
	});
	afterAll(() => server?.close());

	/** A 13-year-old whose guardian confirmed participation and then withdrew it through their standing link. */
	async function withdrawnByGuardian() {
		const body = minorBody(13, { displayName: 'Lina' });
		expect((await api(url, '/api/v1/users', { body })).status).toBe(201);
		const guardianEmail = body.guardianEmail as string;
		expect(await submitConsent(url, await consentToken(url, admin, guardianEmail), ['participation'])).toMatchObject({ type: 'success' });
		const session = await signIn(url, { email: body.email as string, password: body.password as string });
		const link = await guardianLinkToken(url, admin, guardianEmail);
		expect(await guardianForm(url, link, 'withdraw', { purpose: 'participation' })).toMatchObject({ type: 'success' });
		expect((await api(url, '/api/v1/spaces', { token: session.token })).body.error.code).toBe('consent_withdrawn');
		return { ...session, id: session.user.id, guardianEmail, link };
	}

	const mailTo = (address: string) => server.db.select().from(outbox).where(eq(outbox.toAddress, address));
	const participation = async (who: { id: string }) => server.app.safeguarding.participation(who.id);

	it('after the guardian withdrew, the child cannot name an address of their own to get participation back: refused, nothing mailed, the guardian keeps their link', async () => {
		const child = await withdrawnByGuardian();
		const own = uniqueEmail();
		const res = await api(url, '/api/v1/me/consents/guardian', {
			token: child.token,
			body: { guardianName: 'My Mum', guardianEmail: own },
			headers: { 'accept-language': 'es' }
		});
		expect(res.status).toBe(409);
		expect(res.body.error).toMatchObject({ code: 'guardian_change_needs_admin', message: es.error_guardian_change_needs_admin });
		expect(res.body.error.fields.guardianEmail.code).toBe('guardian_change_needs_admin');
		expect(await mailTo(own)).toEqual([]);
		expect((await server.app.safeguarding.guardianView(child.link)).state).toBe('valid');
		expect(await participation(child)).toBe('consent_withdrawn');
		expect(logs.join('')).not.toContain(own);
	});

	it('the child may ask the guardian who confirmed again, however they write the address, and that guardian gives participation back', async () => {
		const child = await withdrawnByGuardian();
		expect((await api(url, '/api/v1/me/consents/guardian', { token: child.token, body: { guardianEmail: child.guardianEmail.toUpperCase() } })).status).toBe(202);
		expect((await api(url, '/api/v1/me/consents/guardian', { token: child.token, body: {} })).status).toBe(202);
		expect(await submitConsent(url, await consentToken(url, admin, child.guardianEmail), ['participation'])).toMatchObject({ type: 'success' });
		expect(await participation(child)).toBe('ok');
	});

	it('a link asked for another address before this rule cannot replace the guardian who confirmed when it is used', async () => {
		const child = await withdrawnByGuardian();
		const other = uniqueEmail();
		// As the old code did: a new request to whatever address the child named.
		await server.db.transaction((tx) =>
			server.app.safeguarding.requestGuardianConsent({ tx, userId: child.id, guardianName: 'Not Mum', guardianEmail: other, childName: 'Lina', baseUrl: url, locale: 'en' })
		);
		const page = await api(url, `/consent/${await consentToken(url, admin, other)}`, {
			raw: new URLSearchParams({ participation: 'yes' }).toString(),
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, accept: 'text/html' }
		});
		expect(page.status).toBe(409);
		expect(page.text).toContain(html(en.error_guardian_change_needs_admin!));
		expect(await participation(child)).toBe('consent_withdrawn');
		expect((await server.app.safeguarding.guardianView(child.link)).state).toBe('valid');
		expect((await mailTo(other)).filter((m) => m.kind === 'guardian_link')).toEqual([]);
	});

	it('before any guardian confirmed, the child may still correct the address they gave', async () => {
		const body = minorBody(13);
		expect((await api(url, '/api/v1/users', { body })).status).toBe(201);
		const child = await signIn(url, { email: body.email as string, password: body.password as string });
		const corrected = uniqueEmail();
		expect((await api(url, '/api/v1/me/consents/guardian', { token: child.token, body: { guardianEmail: corrected } })).status).toBe(202);
		expect(await submitConsent(url, await consentToken(url, admin, corrected), ['participation'])).toMatchObject({ type: 'success' });
		expect(await participation({ id: child.user.id })).toBe('ok');
	});

	it('what the guardian withdrew stays withdrawn while the child is a minor, even once they are old enough to decide the rest', async () => {
		const child = await withdrawnByGuardian();
		// Sixteen now: above the consent age, still a minor. Their guardian's link has ended.
		await server.db.update(profiles).set({ birthDate: yearsAgo(16) }).where(eq(profiles.userId, child.id));
		expect((await server.app.safeguarding.guardianView(child.link)).state).toBe('ended');
		const self = await api(url, '/api/v1/me/consents', { token: child.token, body: { purpose: 'participation' }, headers: { 'accept-language': 'es' } });
		expect(self.status).toBe(403);
		expect(self.body.error).toMatchObject({ code: 'consent_guardian_withdrew', message: es.error_consent_guardian_withdrew });
		expect(await participation(child)).toBe('consent_withdrawn');
		// What the guardian never withdrew is theirs to give now.
		expect((await api(url, '/api/v1/me/consents', { token: child.token, body: { purpose: 'evaluation' } })).status).toBe(200);

		// An adult decides for themselves again.
		await server.db.update(profiles).set({ birthDate: yearsAgo(18) }).where(eq(profiles.userId, child.id));
		expect((await api(url, '/api/v1/me/consents', { token: child.token, body: { purpose: 'participation' } })).status).toBe(200);
		expect(await participation(child)).toBe('ok');
	});

	it('an admin gives a purpose back at the guardian’s written request: recorded as the guardian’s, audited with the admin and the reason; nobody else can', async () => {
		const child = await withdrawnByGuardian();
		const path = `/api/v1/admin/users/${child.id}/consents`;
		const mentor = await newUser(url, { role: 'mentor' });
		expect((await api(url, path, { token: mentor.token, body: { purpose: 'participation', reason: 'letter' } })).status).toBe(403);
		expect((await api(url, path, { token: child.token, body: { purpose: 'participation', reason: 'letter' } })).status).toBe(403);
		const noReason = await api(url, path, { token: admin.token, body: { purpose: 'participation', reason: ' ' } });
		expect(noReason.status).toBe(400);
		expect(noReason.body.error.fields.reason.code).toBe('required');
		expect(await participation(child)).toBe('consent_withdrawn');

		const res = await api(url, path, { token: admin.token, body: { purpose: 'participation', reason: 'Signed letter from the mother, 3 May' } });
		expect(res.status).toBe(200);
		expect(res.body.current.find((c: { purpose: string }) => c.purpose === 'participation')).toMatchObject({ granted: true, grantedBy: 'guardian' });
		expect(await participation(child)).toBe('ok');
		const [entry] = (await server.db.select().from(auditLog).where(and(eq(auditLog.targetId, child.id), eq(auditLog.action, 'consent.grant')))).filter((e) => e.actorId === admin.id);
		expect(JSON.parse(entry!.detail!)).toEqual({ by: 'guardian', purpose: 'participation', via: 'admin', reason: 'Signed letter from the mother, 3 May' });

		// Not for adults, who decide for themselves.
		const adult = await newUser(url);
		expect((await api(url, `/api/v1/admin/users/${adult.id}/consents`, { token: admin.token, body: { purpose: 'exhibition', reason: 'letter' } })).body.error.code).toBe('guardian_not_needed');
	});

	it('an admin replaces the guardian: the one set aside is told by mail and keeps their link until the new guardian confirms; the child cannot undo it either', async () => {
		const child = await withdrawnByGuardian();
		const next = uniqueEmail();
		const path = `/api/v1/admin/users/${child.id}/guardian`;
		expect((await api(url, path, { token: child.token, body: { guardianName: 'Karim', guardianEmail: next, reason: 'x' } })).status).toBe(403);
		expect((await api(url, path, { token: admin.token, body: { guardianName: 'Karim', guardianEmail: next } })).status).toBe(400);

		const res = await api(url, path, { token: admin.token, body: { guardianName: 'Karim', guardianEmail: next, reason: 'Custody changed: court letter of 2 May' } });
		expect(res.status).toBe(202);
		const told = (await mailTo(child.guardianEmail)).filter((m) => m.kind === 'guardian_replaced');
		expect(told).toHaveLength(1);
		expect(told[0]!.subject).toContain('Lina');
		expect((await server.app.safeguarding.guardianView(child.link)).state).toBe('valid');
		expect(await participation(child)).toBe('consent_withdrawn');
		const [entry] = await server.db.select().from(auditLog).where(and(eq(auditLog.targetId, child.id), eq(auditLog.action, 'consent.guardian_replace')));
		expect(entry!.actorId).toBe(admin.id);
		expect(JSON.parse(entry!.detail!)).toMatchObject({ reason: 'Custody changed: court letter of 2 May' });
		expect(entry!.detail).not.toContain(next);

		expect(await submitConsent(url, await consentToken(url, admin, next), ['participation'])).toMatchObject({ type: 'success' });
		expect(await participation(child)).toBe('ok');
		expect((await server.app.safeguarding.guardianView(child.link)).state).toBe('revoked');
		// The new guardian decides now: the child cannot go back to the one set aside, nor to anyone else.
		const back = await api(url, '/api/v1/me/consents/guardian', { token: child.token, body: { guardianEmail: child.guardianEmail } });
		expect(back.body.error.code).toBe('guardian_change_needs_admin');
		expect(logs.join('')).not.toContain(next);
		expect(logs.join('')).not.toContain(child.guardianEmail);
	});
});
