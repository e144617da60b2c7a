import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../server/db/schema';
import { api, newUser, signIn, type TestUser } from '../helpers/api';
import { fakeSmtp, minorBody, submitConsent, type FakeSmtp } from '../helpers/safeguarding';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

const drivers = await availableDrivers();

describe.each(drivers)('guardian consent mail over SMTP (%s)', (driver) => {
	let smtp: FakeSmtp;
	let server: TestServer;
	let url: string;
	let admin: TestUser;

	beforeAll(async () => {
		smtp = await fakeSmtp();
		server = await startTestServer({ db: driver, config: { smtpUrl: smtp.url, mailFrom: 'Tessera <noreply@tessera.example>' } });
		url = server.url;
		admin = await newUser(url);
	});
	afterAll(async () => {
		await server?.close();
		await smtp?.close();
	});

	it('with SMTP_URL the guardian receives the link in the child’s language; the outbox keeps the mail without the token', async () => {
		const body = minorBody(13, { displayName: 'Lucía', uiLanguage: 'es' });
		expect((await api(url, '/api/v1/users', { body })).status).toBe(201);
		const mail = await waitFor(() => smtp.messages.find((m) => m.to === body.guardianEmail), { what: 'the consent mail' });
		expect(mail.subject).toContain('Lucía');
		expect(mail.body).toContain('Hola, Rosa Example');
		const token = /\/consent\/([A-Za-z0-9_-]{43})/.exec(mail.body)?.[1];
		expect(token).toBeDefined();

		const [row] = await waitFor(async () => {
			const rows = await server.db.select().from(outbox).where(eq(outbox.toAddress, body.guardianEmail as string));
			return rows[0]?.sentAt ? rows : null;
		});
		expect(row!.body).not.toContain(token!);
		expect(row!.body).toContain('/consent/…');
		expect((await api(url, '/api/v1/admin/outbox', { token: admin.token })).body).toMatchObject({ smtp: true, mail: [] });

		// The link from the mail works.
		expect(await submitConsent(url, token!, ['participation'])).toMatchObject({ type: 'success' });
		const minor = await signIn(url, { email: body.email as string, password: body.password as string });
		expect(minor.user.status).toBe('active');

		// The standing link to change these choices later comes the same way, and leaves no token behind either.
		const standing = await waitFor(() => smtp.messages.find((m) => m.to === body.guardianEmail && m.body.includes('/guardian/')), { what: 'the standing link mail' });
		const linkToken = /\/guardian\/([A-Za-z0-9_-]{43})/.exec(standing.body)?.[1];
		expect(linkToken).toBeDefined();
		const sent = await waitFor(async () => {
			const [row] = await server.db.select().from(outbox).where(and(eq(outbox.toAddress, body.guardianEmail as string), eq(outbox.kind, 'guardian_link')));
			return row?.sentAt ? row : null;
		});
		expect(sent.body).not.toContain(linkToken!);
		expect(sent.body).toContain('/guardian/…');
		expect((await api(url, `/guardian/${linkToken}`)).text).toContain('Lucía');
	});
});
