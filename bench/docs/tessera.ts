/**
 * Tessera as the tests start it (tests/helpers/server.ts: startServer on port 0, its own PGlite directory or
 * PostgreSQL database), with a space of USERS members who share the clients' connections: the relay allows
 * each account a limited number of open document connections (DOCS_MAX_OPEN_PER_USER, 32 by default).
 */
import { api, createSpace, joinSpace, newUser } from '../../tests/helpers/api';
import { startTestServer, type Driver } from '../../tests/helpers/server';
import { waitFor, type Subject } from './subject';

const USERS = 20;

export interface TesseraSubject extends Subject {
	driver: Driver;
}

export async function startTessera(driver: Driver): Promise<TesseraSubject> {
	const server = await startTestServer({ db: driver });
	try {
		const owner = await newUser(server.url, { displayName: 'Bench Owner' });
		const spaceId = await createSpace(server.url, owner, { title: 'Benchmark', kind: 'collective' });
		const members = [owner];
		for (let i = 1; i < USERS; i++) {
			const member = await newUser(server.url, { displayName: `Bench Editor ${i}` });
			await joinSpace(server.url, owner, member, spaceId);
			members.push(member);
		}
		const wsUrl = `${server.url.replace(/^http/, 'ws')}/yjs`;
		const relay = server.app.docs.relay;

		return {
			name: `Tessera (${driver === 'pglite' ? 'PGlite' : 'PostgreSQL'})`,
			driver,
			persistence: 'every update appended to doc_updates in short batches, acknowledged once stored',
			tokens: members.map((m) => m.token),
			target: (room) => ({ kind: 'yws', url: wsUrl, room, params: { acks: '1' }, acks: true }),
			async newDocuments(n) {
				const ids: string[] = [];
				for (let i = 0; i < n; i++) {
					const res = await api(server.url, `/api/v1/spaces/${spaceId}/documents`, { token: owner.token, body: { kind: 'text', title: `Bench ${i}` } });
					if (res.status !== 201) throw new Error(`create document failed: ${res.status} ${res.text}`);
					ids.push(res.body.id as string);
				}
				return ids;
			},
			async settle() {
				await relay.flush();
				await waitFor(() => relay.stats().documents === 0, 'Tessera to unload its documents');
			},
			close: () => server.close()
		};
	} catch (e) {
		await server.close();
		throw e;
	}
}
