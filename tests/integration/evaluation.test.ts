import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chatMessages } from '../../server/db/schema';
import type { Dashboard, QuietPair, SafeguardingHealth } from '../../src/lib/protocol/evaluation';
import { api, type TestUser } from '../helpers/api';
import { activePair, newMentee, newMentor } from '../helpers/matching';
import { newStaff } from '../helpers/safeguarding';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { appendParagraph, syncedClient, type YClient } from '../helpers/yjs';

const drivers = await availableDrivers();
const PAIRS = 6;

describe.each(drivers)('evaluation figures from a running program (%s)', (driver) => {
	let server: TestServer;
	let admin: TestUser;
	let moderator: TestUser;
	const pairs: { mentee: TestUser; mentor: TestUser; id: string; spaceId: string }[] = [];
	let withdrawn: { mentee: TestUser; mentor: TestUser; id: string; spaceId: string };
	const clients: YClient[] = [];

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none' } });
		admin = await newMentor(server.url, { overrides: { displayName: 'Lead' } });
		moderator = await newStaff(server.url, admin);
		const pair = async (i: number) => {
			const mentee = await newMentee(server.url, { overrides: { country: 'BR', readingLanguage: 'pt-BR', timezone: 'America/Sao_Paulo', displayName: `Mentee ${'abcdefg'[i]}` } });
			const mentor = await newMentor(server.url, { overrides: { country: 'KE', readingLanguage: 'en', timezone: 'Africa/Nairobi', displayName: `Mentor ${'abcdefg'[i]}` } });
			for (const who of [mentee, mentor]) expect((await api(server.url, '/api/v1/me/consents', { token: who.token, body: { purpose: 'evaluation' } })).status).toBe(200);
			const m = await activePair(server.url, mentee, mentor);
			return { mentee, mentor, id: m.id, spaceId: m.spaceId };
		};
		for (let i = 0; i < PAIRS; i++) pairs.push(await pair(i));
		withdrawn = await pair(PAIRS);
		// The program began in January: messages are written into March below.
		await server.db.execute(sql`update users set created_at = '2026-01-05T00:00:00Z'`);
		await server.db.execute(sql`update spaces set created_at = '2026-01-05T00:00:00Z'`);
		await server.db.execute(sql`update mentorships set created_at = '2026-01-05T00:00:00Z', activated_at = '2026-01-05T00:00:00Z'`);
	});
	afterEach(() => {
		for (const c of clients.splice(0)) c.destroy();
	});
	afterAll(() => server?.close());

	const dashboard = (query: string, who = admin) => api<Dashboard>(server.url, `/api/v1/evaluation?${query}`, { token: who.token });

	/** Everyone of the pairs writes one message at `at`. */
	async function writeAt(at: string, list = [...pairs, withdrawn]) {
		await server.db.insert(chatMessages).values(
			list.flatMap((p) => [p.mentee, p.mentor].map((who) => ({ spaceId: p.spaceId, authorId: who.id, clientId: randomUUID(), text: 'olá', lang: 'pt-BR', createdAt: new Date(at) })))
		);
	}

	it('only admins see the dashboard; moderators see safeguarding health; others neither', async () => {
		const mentee = pairs[0]!.mentee;
		expect((await dashboard('', moderator)).status).toBe(403);
		expect((await dashboard('', mentee)).status).toBe(403);
		expect((await api(server.url, '/api/v1/evaluation/quiet-pairs', { token: moderator.token })).status).toBe(403);
		expect((await api(server.url, '/api/v1/evaluation/safeguarding', { token: mentee.token })).status).toBe(403);
		expect((await api(server.url, '/api/v1/evaluation')).status).toBe(401);
		const health = await api<SafeguardingHealth>(server.url, '/api/v1/evaluation/safeguarding', { token: moderator.token });
		expect(health.status).toBe(200);
		expect(health.body.weeks.length).toBeGreaterThanOrEqual(12);
	});

	it('a bad filter gets a clear error in the reader’s language and no figures', async () => {
		const backwards = await dashboard('from=2026-03-10&to=2026-03-01');
		expect(backwards.status).toBe(400);
		expect(backwards.body).toMatchObject({ error: { code: 'evaluation_period_invalid' } });
		const spanish = await api(server.url, '/api/v1/evaluation?from=2026-02-30', { token: admin.token, headers: { 'accept-language': 'es' } });
		expect(spanish.status).toBe(400);
		expect(spanish.body.error.fields.from).toEqual({ code: 'evaluation_date_invalid', message: 'Escribe una fecha real, como 2026-03-02.' });
		expect((await dashboard('cohort=not-a-round')).status).toBe(400);
	});

	it('weeks start on Monday in the time zone asked for: Sunday 23:30 in São Paulo is Monday in Tokyo', async () => {
		// 2026-03-08 is a Sunday; 23:30 in São Paulo (UTC−3) is 02:30 UTC on Monday 9 March, 11:30 in Tokyo.
		await writeAt('2026-03-09T02:30:00Z');
		const period = 'from=2026-03-02&to=2026-03-15';
		const saoPaulo = await dashboard(`${period}&timeZone=America/Sao_Paulo`);
		expect(saoPaulo.status).toBe(200);
		// Seven pairs, two messages each.
		expect(saoPaulo.body.communication.weeks.map((w) => [w.week, w.messages])).toEqual([
			['2026-03-02', 2 * (PAIRS + 1)],
			['2026-03-09', null]
		]);
		const tokyo = await dashboard(`${period}&timeZone=Asia/Tokyo`);
		expect(tokyo.body.communication.weeks.map((w) => [w.week, w.messages])).toEqual([
			['2026-03-02', null],
			['2026-03-09', 2 * (PAIRS + 1)]
		]);
		// The last day is inclusive, in the zone: Sunday 15 March 23:59 in São Paulo is in, 16 March 00:00 is not.
		await writeAt('2026-03-16T02:59:00Z', pairs);
		await writeAt('2026-03-16T03:00:00Z', pairs);
		expect((await dashboard(`${period}&timeZone=America/Sao_Paulo`)).body.communication.weeks[1]!.messages).toBe(PAIRS * 2);
	});

	it('someone who withdraws consent leaves every figure at once, and their pair with them', async () => {
		const period = 'from=2026-03-02&to=2026-03-15&timeZone=America/Sao_Paulo';
		const before = (await dashboard(period)).body;
		// Seven pairs: fourteen people, all consenting.
		expect(before.reach.participants).toBe(2 * (PAIRS + 1));
		expect(before.reach.pairs).toBe(PAIRS + 1);
		expect(before.communication.pairMessages.pairs).toBe(PAIRS + 1);

		expect((await api(server.url, '/api/v1/me/consents/evaluation', { method: 'DELETE', token: withdrawn.mentee.token })).status).toBe(200);
		const after = (await dashboard(period)).body;
		expect(after.reach.participants).toBe(2 * PAIRS + 1);
		expect(after.reach.pairs).toBe(PAIRS);
		expect(after.communication.pairMessages.pairs).toBe(PAIRS);
		// Fewer than five people left out: that figure is withheld too.
		expect(after.withoutConsent).toBeNull();
		expect(after.reach.byCountry).toEqual([
			{ key: 'KE', count: PAIRS + 1 },
			{ key: 'BR', count: PAIRS }
		]);
		expect(after.reach.languagePairs).toEqual([{ key: 'en|pt', machineTranslated: true, pairs: PAIRS, people: 2 * PAIRS }]);
	});

	it('co-creation counts works edited through the relay, cross-border, week by week (from Yjs attribution)', async () => {
		for (const p of pairs) {
			const created = await api(server.url, `/api/v1/spaces/${p.spaceId}/documents`, { token: p.mentee.token, body: { kind: 'text', title: 'Our story' } });
			expect(created.status).toBe(201);
			for (const who of [p.mentee, p.mentor]) {
				const c = await syncedClient({ url: server.url, docId: created.body.id, token: who.token });
				clients.push(c);
				appendParagraph(c.doc, `written by ${who.user.profile.displayName}`);
				await c.waitStored();
			}
		}
		const figures = await waitFor(
			async () => {
				const body = (await dashboard('')).body;
				// Attribution is written every 2 s: wait until both writers of every work are in (one flush may fall between them).
				const week = body.coCreation.weeks.at(-1)!;
				return body.coCreation.works === PAIRS && week.worksEdited === PAIRS && week.contributors === 2 * PAIRS ? body : null;
			},
			{ what: 'attribution recorded', timeoutMs: 20_000 }
		);
		expect(figures.coCreation).toMatchObject({ works: PAIRS, texts: PAIRS, crossBorderWorks: PAIRS, crossBorderShare: 1 });
		expect(figures.coCreation.contributorsPerWork.find((b) => b.min === 2)!.count).toBe(PAIRS);
		expect(figures.coCreation.weeks.at(-1)!.contributors).toBe(2 * PAIRS);
		expect(figures.filter).toMatchObject({ cohort: null, quietDays: 14, timeZone: admin.user.profile.timezone });
		// The pair whose mentee withdrew is not counted in its cohort either.
		expect(figures.cohorts).toEqual([{ id: 'self', publishedOn: '', pairs: PAIRS }]);
	});

	it('pairs with no message or edit for N days are listed by name for follow-up', async () => {
		// Make one pair quiet: its messages and edits are moved three weeks back.
		const quiet = pairs[0]!;
		await server.db.execute(sql`update chat_messages set created_at = now() - interval '21 days' where space_id = ${quiet.spaceId}`);
		await server.db.execute(sql`update doc_contributions set last_edit_at = now() - interval '21 days' where document_id in (select id from documents where space_id = ${quiet.spaceId})`);
		const list = await api<{ pairs: QuietPair[] }>(server.url, '/api/v1/evaluation/quiet-pairs?quietDays=14', { token: admin.token });
		expect(list.status).toBe(200);
		const found = list.body.pairs.find((p) => p.mentorshipId === quiet.id);
		expect(found).toMatchObject({ spaceId: quiet.spaceId, mentee: 'Mentee a', mentor: 'Mentor a', quietDays: 21 });
		// The others edited today.
		expect(list.body.pairs.map((p) => p.mentorshipId)).not.toContain(pairs[1]!.id);
		const longer = await api<{ pairs: QuietPair[] }>(server.url, '/api/v1/evaluation/quiet-pairs?quietDays=30', { token: admin.token });
		expect(longer.body.pairs.map((p) => p.mentorshipId)).not.toContain(quiet.id);
	});
});
