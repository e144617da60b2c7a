/**
 * Tessera as the tests start it (startTestServer: port 0, its own PGlite directory or PostgreSQL database),
 * with `spaceCount` spaces whose members are the same `members` accounts: one socket per (account, space)
 * seat, so the per-person, per-space send limit applies to each seat separately, as for real people.
 */
import type { Config } from '../../server/config';
import { acceptInvite, createInvite, createSpace, newUser } from '../../tests/helpers/api';
import { startTestServer, type Driver } from '../../tests/helpers/server';
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

export async function startTessera({ driver, spaceCount, members, config }: { driver: Driver; spaceCount: number; members: number; config: Partial<Config> }): Promise<ChatSubject> {
	const server = await startTestServer({ db: driver, config });
	try {
		const { spaces, tokens } = await seedSpaces({ url: server.url, spaceCount, members });
		return {
			name: `Tessera (${driver === 'pglite' ? 'PGlite' : 'PostgreSQL'})`,
			persistence: 'validated, moderation pipeline, stored (batched INSERTs), then ack and broadcast, each language room’s copy carrying its translation when the cache has it; the others follow',
			url: server.url,
			spaces,
			tokens,
			close: () => server.close()
		};
	} catch (e) {
		await server.close();
		throw e;
	}
}
