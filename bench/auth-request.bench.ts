/**
 * What every authenticated request costs: GET /api/v1/me through the whole Tessera stack (node:http →
 * adapter-node → SvelteKit hooks → session lookup → profile join → JSON) against a reference that is the
 * floor — a bare node:http server doing the same two queries on the same database in the same process.
 * The ratio is the price of the framework and hooks; run on PGlite and on PostgreSQL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { it } from 'vitest';
import { profiles, sessions, users } from '../server/db/schema';
import { hashToken } from '../server/accounts/session-policy';
import { newUser } from '../tests/helpers/api';
import { availableDrivers, startTestServer } from '../tests/helpers/server';
import { loadTest, recordResult } from './results';

const REQUESTS = 3000;
const CONCURRENCY = 16;

const load = (url: string, token: string) => loadTest({ url, requests: REQUESTS, concurrency: CONCURRENCY, headers: { authorization: `Bearer ${token}` } });

for (const driver of await availableDrivers()) {
	it(`authenticated GET /api/v1/me on ${driver}: Tessera vs bare node:http with the same queries`, { timeout: 300_000 }, async () => {
		const server = await startTestServer({ db: driver });
		let reference: Server | undefined;
		try {
			const { token } = await newUser(server.url);
			const db = server.app.database.db;

			reference = createServer(async (req, res) => {
				const t = (req.headers.authorization ?? '').slice(7);
				const [s] = await db.select().from(sessions).where(eq(sessions.id, hashToken(t))).limit(1);
				if (!s) return void res.writeHead(401).end();
				const [row] = await db.select().from(users).innerJoin(profiles, eq(profiles.userId, users.id)).where(eq(users.id, s.userId)).limit(1);
				res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ user: row }));
			});
			await new Promise<void>((r) => reference!.listen(0, '127.0.0.1', r));
			const refUrl = `http://127.0.0.1:${(reference.address() as AddressInfo).port}/`;

			await load(`${server.url}/api/v1/me`, token); // warm-up
			await load(refUrl, token);
			const tessera = await load(`${server.url}/api/v1/me`, token);
			const floor = await load(refUrl, token);
			recordResult({
				bench: 'auth-request',
				case: driver,
				rows: [
					{ name: 'Tessera GET /api/v1/me', rps: tessera.rps, p50: tessera.p50, p99: tessera.p99 },
					{ name: 'reference: bare node:http, same queries', rps: floor.rps, p50: floor.p50, p99: floor.p99 }
				],
				ratio: tessera.rps / floor.rps,
				note: `${REQUESTS} requests, ${CONCURRENCY} concurrent, keep-alive fetch from the same process`
			});
		} finally {
			reference?.close();
			await server.close();
		}
	});
}
