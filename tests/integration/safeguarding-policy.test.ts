import { randomUUID } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditLog } from '../../server/db/schema';
import { api, newUser, type TestUser } from '../helpers/api';
import { minorBody } from '../helpers/safeguarding';
import { availableDrivers, postgresAdminUrl, startTestServer, type TestServer } from '../helpers/server';

const drivers = await availableDrivers();

describe.each(drivers)('program policy (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
	let mentee: TestUser;

	beforeAll(async () => {
		server = await startTestServer({ db: driver });
		url = server.url;
		admin = await newUser(url);
		mentee = await newUser(url);
	});
	afterAll(() => server?.close());

	it('a fresh install runs with the safe defaults, which an admin can read', async () => {
		const res = await api(url, '/api/v1/admin/policy', { token: admin.token });
		expect(res.status).toBe(200);
		expect(res.body.policy).toMatchObject({
			minorAge: 18,
			consentAge: 16,
			consentAgeByCountry: {},
			supervisedSpacesForMinors: true,
			contactFilterForMinors: true,
			retentionDays: 2190
		});
	});

	it('only admins read or change the policy: others get 403, anonymous callers 401', async () => {
		expect((await api(url, '/api/v1/admin/policy', { token: mentee.token })).status).toBe(403);
		expect((await api(url, '/api/v1/admin/policy', { method: 'PUT', token: mentee.token, body: { minorAge: 16 } })).status).toBe(403);
		expect((await api(url, '/api/v1/admin/policy')).status).toBe(401);
		expect((await api(url, '/api/v1/admin/policy', { method: 'PUT', body: { minorAge: 16 } })).status).toBe(401);
		expect((await api(url, '/api/v1/admin/outbox', { token: mentee.token })).status).toBe(403);
		expect((await server.app.safeguarding.policy()).minorAge).toBe(18);
	});

	it('invalid values are refused field by field and change nothing', async () => {
		const before = await api(url, '/api/v1/admin/policy', { token: admin.token });
		const cases: [Record<string, unknown>, string, string][] = [
			[{ minorAge: 0 }, 'minorAge', 'age_out_of_range'],
			[{ minorAge: 26 }, 'minorAge', 'age_out_of_range'],
			[{ consentAge: 15.5 }, 'consentAge', 'age_out_of_range'],
			[{ consentAge: 19 }, 'consentAge', 'consent_age_above_minor_age'],
			[{ consentAgeByCountry: { XX: 14 } }, 'consentAgeByCountry', 'country_invalid'],
			[{ consentAgeByCountry: { ES: 30 } }, 'consentAgeByCountry', 'age_out_of_range'],
			[{ consentAgeByCountry: { ES: 19 } }, 'consentAgeByCountry', 'consent_age_above_minor_age'],
			[{ retentionDays: 29 }, 'retentionDays', 'retention_out_of_range'],
			[{ retentionDays: 3651 }, 'retentionDays', 'retention_out_of_range'],
			[{ supervisedSpacesForMinors: 'no' }, 'supervisedSpacesForMinors', 'invalid_value']
		];
		for (const [body, field, code] of cases) {
			const res = await api(url, '/api/v1/admin/policy', { method: 'PUT', token: admin.token, body });
			expect(res.status, JSON.stringify(body)).toBe(400);
			expect(res.body.error.code).toBe('invalid_input');
			expect(res.body.error.fields[field]?.code, JSON.stringify(body)).toBe(code);
			expect(res.body.error.fields[field]?.message).toEqual(expect.any(String));
		}
		// Lowering the minor age under the consent age is refused too.
		const crossed = await api(url, '/api/v1/admin/policy', { method: 'PUT', token: admin.token, body: { minorAge: 15 } });
		expect(crossed.status).toBe(400);
		expect(crossed.body.error.fields.consentAge.code).toBe('consent_age_above_minor_age');
		expect((await api(url, '/api/v1/admin/policy', { token: admin.token })).body).toEqual(before.body);
	});

	it('an update changes only the fields sent and writes one audit entry naming them, without personal data', async () => {
		const res = await api(url, '/api/v1/admin/policy', {
			method: 'PUT',
			token: admin.token,
			body: { consentAgeByCountry: { es: 14, FR: 15 }, retentionDays: 365 }
		});
		expect(res.status).toBe(200);
		expect(res.body.policy).toMatchObject({ minorAge: 18, consentAge: 16, consentAgeByCountry: { ES: 14, FR: 15 }, retentionDays: 365, updatedBy: admin.id });
		const [entry] = await server.db.select().from(auditLog).where(eq(auditLog.action, 'policy.update')).orderBy(desc(auditLog.createdAt)).limit(1);
		expect(entry).toMatchObject({ actorId: admin.id, targetType: 'policy', targetId: '1' });
		expect(JSON.parse(entry!.detail!)).toEqual({ consentAgeByCountry: { ES: 14, FR: 15 }, retentionDays: 365 });
		// The service's cache follows at once.
		expect(await server.app.safeguarding.consentAgeFor('ES')).toBe(14);
		expect(await server.app.safeguarding.consentAgeFor('GB')).toBe(16);
	});

	it('a per-country consent age decides who needs a guardian at sign-up', async () => {
		// ES: 14 (set above). A 15-year-old in Spain signs up alone; in Britain (16) the same age needs a guardian.
		const spain = await api(url, '/api/v1/users', { body: minorBody(15, { country: 'ES', guardianName: undefined, guardianEmail: undefined }) });
		expect(spain.status).toBe(201);
		expect(spain.body.user.status).toBe('active');
		const britain = await api(url, '/api/v1/users', { body: minorBody(15, { country: 'GB', guardianName: undefined, guardianEmail: undefined }) });
		expect(britain.status).toBe(400);
		expect(britain.body.error.fields.guardianEmail.code).toBe('guardian_required');
	});

	it('the audit log is append-only: the database itself refuses UPDATE, DELETE and TRUNCATE', async () => {
		await server.app.safeguarding.updatePolicy({ actorId: admin.id, patch: { contactFilterForMinors: false } });
		const [entry] = await server.db.select().from(auditLog).where(eq(auditLog.action, 'policy.update')).orderBy(desc(auditLog.createdAt)).limit(1);
		// drizzle wraps the database's error; the trigger's own message is its cause.
		const refusal = (query: Promise<unknown>) =>
			query.then(
				() => 'accepted',
				(e: Error & { cause?: Error }) => `${e.message} ${e.cause?.message ?? ''}`
			);
		expect(await refusal(server.db.update(auditLog).set({ detail: 'rewritten' }).where(eq(auditLog.id, entry!.id)))).toMatch(/audit_log is append-only/);
		expect(await refusal(server.db.delete(auditLog).where(eq(auditLog.id, entry!.id)))).toMatch(/audit_log is append-only/);
		expect(await refusal(server.db.execute(sql`truncate audit_log`))).toMatch(/audit_log is append-only/);
		const [still] = await server.db.select().from(auditLog).where(eq(auditLog.id, entry!.id));
		expect(still!.detail).toBe(JSON.stringify({ contactFilterForMinors: false }));
	});
	if (driver === 'postgres') {
		it('once the cached policy is past its time it is still answered while it is read again: nothing waits for a busy pool', async () => {
			// Read just now (an update, even one that changes nothing, refreshes the cache).
			const current = (await api(url, '/api/v1/admin/policy', { token: admin.token })).body.policy as { retentionDays: number };
			expect((await api(url, '/api/v1/admin/policy', { method: 'PUT', token: admin.token, body: { retentionDays: current.retentionDays } })).status).toBe(200);
			const before = await server.app.safeguarding.policy();
			const marker = randomUUID();
			const adminDb = postgres(postgresAdminUrl, { max: 1, onnotice: () => {} });
			const sleeping = async () => Number((await adminDb`select count(*) as n from pg_stat_activity where query like ${`%${marker}%`} and pid <> pg_backend_pid()`)[0]!.n);
			// Ten queries that sleep longer than the test may run hold the whole pool; cancelled from outside below.
			const slow = Promise.allSettled(Array.from({ length: 10 }, () => server.db.execute(sql.raw(`select pg_sleep(600) -- ${marker}`))));
			try {
				for (let i = 0; i < 100 && (await sleeping()) < 10; i++) await new Promise((r) => setTimeout(r, 50));
				expect(await sleeping()).toBe(10);
				vi.useFakeTimers({ toFake: ['Date'] });
				vi.setSystemTime(Date.now() + 31_000);
				expect(await server.app.safeguarding.policy()).toEqual(before);
			} finally {
				vi.useRealTimers();
				await adminDb`select pg_cancel_backend(pid) from pg_stat_activity where query like ${`%${marker}%`} and pid <> pg_backend_pid()`.finally(() => adminDb.end());
				await slow;
			}
		});
	}
});
