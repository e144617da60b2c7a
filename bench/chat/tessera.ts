/**
 * Tessera as it is deployed: the server entry bundled from source and run as its own process
 * (tests/helpers/yjs-store.ts `spawnServer`) on a fresh PGlite directory or PostgreSQL database, with
 * `spaceCount` spaces whose members are the same `members` accounts: one socket per (account, space) seat, so
 * the per-person, per-space send limit applies to each seat separately, as for real people.
 */
import { acceptInvite, createInvite, createSpace, newUser } from '../../tests/helpers/api';
import type { Driver } from '../../tests/helpers/server';
import { createStore, spawnServer } from '../../tests/helpers/yjs-store';
import type { ChatSubject } from './reference';

/** Creates `members` accounts and `spaceCount` collective spaces they all belong to, through the API at `url`. */
export async function seedSpaces({ url, spaceCount, members }: { url: string; spaceCount: number; members: number }): Promise<{ spaces: string[]; tokens: string[] }> {
	const users = [];
	for (let i = 0; i < members; i++) users.push(await newUser(url, { displayName: `Bench Member ${i}` }));
	const [owner, ...others] = users;
	const spaces: string[] = [];
	for (let s = 0; s < spaceCount; s++) {
		const spaceId = await createSpace(url, owner!, { title: `Bench space ${s}`, kind: 'collective' });
		const code = await createInvite(url, owner!, spaceId, { maxUses: others.length });
		for (const u of others) {
			const res = await acceptInvite(url, u, code);
			if (res.status !== 200) throw new Error(`joining a bench space failed: ${res.status} ${res.text}`);
		}
		spaces.push(spaceId);
	}
	return { spaces, tokens: users.map((u) => u.token) };
}

/** Starts Tessera as a child process with `env` (limits, translator) and seeds the spaces through its API. */
export async function startTessera({ driver, spaceCount, members, env }: { driver: Driver; spaceCount: number; members: number; env: Record<string, string> }): Promise<ChatSubject> {
	const store = await createStore(driver);
	let server;
	try {
		// BENCH_SERVER_NODE_ARGS (say `--cpu-prof --cpu-prof-dir=/tmp/prof`) go to the server's node only.
		const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
		server = await spawnServer(store, { ...env, LOGIN_MAX_PER_ACCOUNT: '100000', SIGNUPS_PER_IP_PER_HOUR: '100000' }, nodeArgs);
	} catch (e) {
		await store.drop();
		throw e;
	}
	const child = server.child;
	const close = async () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
		await server.exited.finally(() => clearTimeout(timer));
		await store.drop();
	};
	try {
		const { spaces, tokens } = await seedSpaces({ url: server.url, spaceCount, members });
		return {
			name: `Tessera (${driver === 'pglite' ? 'PGlite' : 'PostgreSQL'})`,
			persistence: 'validated, moderation pipeline, stored (batched INSERTs), then ack and broadcast, each language room’s copy carrying its translation when the cache has it; the others follow',
			url: server.url,
			pid: child.pid,
			spaces,
			tokens,
			close
		};
	} catch (e) {
		await close();
		throw e;
	}
}
