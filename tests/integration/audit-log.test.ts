import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, users } from '../../server/db/schema';
import { newUser } from '../helpers/api';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';

const drivers = await availableDrivers();

/** What the database answered: 'accepted', or the error's message (and its cause's). */
const refusal = (query: Promise<unknown>) =>
	query.then(
		() => 'accepted',
		(e: Error & { cause?: Error }) => `${e.message} ${e.cause?.message ?? ''}`
	);

describe.each(drivers)('the audit log keeps who acted (%s)', (driver) => {
	let server: TestServer;
	let url: string;

	beforeAll(async () => {
		server = await startTestServer({ db: driver });
		url = server.url;
		await newUser(url); // the admin
	});
	afterAll(() => server?.close());

	/** An account with one audit entry naming it as the actor, written by the app's own audit writer, and that entry. */
	async function actorWithEntry() {
		const user = await newUser(url);
		await server.app.audit.record({ actorId: user.id, action: 'test.entry', targetType: 'user', targetId: user.id, detail: { note: 'kept' } });
		const [entry] = await server.db.select().from(auditLog).where(and(eq(auditLog.actorId, user.id), eq(auditLog.action, 'test.entry')));
		expect(entry).toBeDefined();
		return { user, entry: entry! };
	}

	it('the application cannot take the actor off an entry, nor delete one', async () => {
		const { user, entry } = await actorWithEntry();
		expect(await refusal(server.db.update(auditLog).set({ actorId: null }).where(eq(auditLog.id, entry.id)))).toMatch(/audit_log is append-only/);
		expect(await refusal(server.db.execute(sql`update audit_log set actor_id = null where actor_id = ${user.id}`))).toMatch(/audit_log is append-only/);
		expect(await refusal(server.db.delete(auditLog).where(eq(auditLog.id, entry.id)))).toMatch(/audit_log is append-only/);
		// Not even in the statement that deletes the person: only the foreign key's own cascade may do it.
		expect(
			await refusal(
				server.db.execute(sql`with gone as (delete from users where id = ${user.id} returning id)
					update audit_log set actor_id = null where actor_id in (select id from gone)`)
			)
		).toMatch(/audit_log is append-only/);
		const [still] = await server.db.select().from(auditLog).where(eq(auditLog.id, entry.id));
		expect(still).toEqual(entry);
		expect(await server.db.select({ id: users.id }).from(users).where(eq(users.id, user.id))).toHaveLength(1);
	});

	it('removing the account row (the purge after the retention period) keeps the entry, without the person', async () => {
		const { user, entry } = await actorWithEntry();
		await server.db.delete(users).where(eq(users.id, user.id));
		const [still] = await server.db.select().from(auditLog).where(eq(auditLog.id, entry.id));
		expect(still).toEqual({ ...entry, actorId: null });
		expect(JSON.parse(still!.detail!)).toEqual({ note: 'kept' });
	});
});
