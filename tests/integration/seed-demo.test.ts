import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { loadConfig, projectRoot, type Config } from '../../server/config';
import { openDatabase, type Database } from '../../server/db';
import { users } from '../../server/db/schema';
import { SeedRefusedError, seedDemo, type SeedResult } from '../../server/demo';
import { CONSENTED_SQL } from '../../server/exhibitions';
import { availableDrivers, postgresAdminUrl, type Driver } from '../helpers/server';

const drivers = await availableDrivers();

/** A fresh, empty database of the driver's kind, and how to remove it. */
async function freshDatabase(driver: Driver): Promise<{ config: Config; env: Record<string, string>; cleanup(): Promise<void> }> {
	if (driver === 'pglite') {
		const dataDir = await mkdtemp(join(tmpdir(), 'tessera-seed-'));
		return {
			config: loadConfig({}, { dataDir, databaseUrl: undefined, logLevel: 'silent' }),
			env: { DATA_DIR: dataDir },
			cleanup: () => rm(dataDir, { recursive: true, force: true })
		};
	}
	const name = `tessera_t_${randomBytes(8).toString('hex')}`;
	const admin = postgres(postgresAdminUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database "${name}"`);
	await admin.end();
	const url = new URL(postgresAdminUrl);
	url.pathname = `/${name}`;
	return {
		config: loadConfig({}, { databaseUrl: url.href, logLevel: 'silent' }),
		env: { DATABASE_URL: url.href },
		async cleanup() {
			const sqlAdmin = postgres(postgresAdminUrl, { max: 1, onnotice: () => {} });
			await sqlAdmin.unsafe(`drop database if exists "${name}" with (force)`);
			await sqlAdmin.end();
		}
	};
}

/** `npm run seed:demo` as a person runs it, on the given database. */
function runCli(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['scripts/seed-demo.js', ...args], {
			cwd: projectRoot,
			env: { PATH: process.env.PATH ?? '', ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

describe.each(drivers)('npm run seed:demo (%s)', (driver) => {
	let target: Awaited<ReturnType<typeof freshDatabase>>;
	let seeded: SeedResult;
	let second: Awaited<ReturnType<typeof runCli>>;
	let database: Database;

	/** Rows of a raw query, whichever driver answered. */
	async function rows<T>(query: SQL): Promise<T[]> {
		const result = (await database.db.execute(query)) as unknown as T[] | { rows: T[] };
		return Array.isArray(result) ? result : result.rows;
	}
	const one = async (query: SQL): Promise<number> => Number(Object.values((await rows<Record<string, unknown>>(query))[0] ?? {})[0]);
	/** Row counts of every table the seed writes: what a refused run must leave as it was. */
	const snapshot = async () => {
		const tables = ['users', 'profiles', 'consents', 'mentorships', 'spaces', 'space_members', 'chat_messages', 'documents', 'doc_contributions', 'survey_responses', 'survey_answers', 'reports', 'moderation_queue', 'audit_log'];
		const counts: Record<string, number> = {};
		for (const t of tables) counts[t] = await one(sql.raw(`select count(*) from "${t}"`));
		return counts;
	};

	beforeAll(async () => {
		target = await freshDatabase(driver);
		seeded = await seedDemo({ config: target.config });
		// Run again, through the command, on the same database: it must refuse.
		second = await runCli(target.env);
		database = await openDatabase(target.config);
	}, 180_000);
	afterAll(async () => {
		await database?.close();
		await target?.cleanup();
	});

	it('creates dozens of participants across at least six countries, some of them minors', async () => {
		expect(await one(sql`select count(*) from users where role in ('mentor', 'mentee')`)).toBeGreaterThanOrEqual(40);
		expect(await one(sql`select count(distinct p.country) from profiles p join users u on u.id = p.user_id where u.role in ('mentor', 'mentee')`)).toBeGreaterThanOrEqual(6);
		expect(await one(sql`select count(*) from users where role = 'admin'`)).toBe(1);
		expect(await one(sql`select count(*) from users where role = 'moderator'`)).toBe(1);
		// Every minor under the consent age who takes part has a confirmed guardian consent behind their grants.
		expect(
			await one(sql`select count(*) from users u join profiles p on p.user_id = u.id
				where u.status = 'active' and p.birth_date > now() - interval '16 years'
				and not exists (select 1 from consents c join guardian_consents g on g.id = c.guardian_consent_id
					where c.user_id = u.id and c.purpose = 'participation' and c.granted_by = 'guardian' and g.confirmed_at is not null)`)
		).toBe(0);
		expect(await one(sql`select count(*) from profiles where birth_date > now() - interval '16 years'`)).toBeGreaterThan(0);
		expect(seeded.counts.participants).toBe(await one(sql`select count(*) from users where role in ('mentor', 'mentee')`));
	});

	it('records most consents to evaluation, a few missing and one withdrawn', async () => {
		expect(await one(sql`select count(*) from consents where purpose = 'evaluation' and revoked_at is not null`)).toBeGreaterThanOrEqual(1);
		const participants = await one(sql`select count(*) from users where role in ('mentor', 'mentee') and status = 'active'`);
		const live = await one(sql`select count(*) from consents where purpose = 'evaluation' and revoked_at is null`);
		expect(live).toBeGreaterThan(participants * 0.7);
	});

	it('gives every active mentorship a space with both of the pair, and a supervisor where the mentee is a minor', async () => {
		expect(await one(sql`select count(*) from mentorships where status = 'active'`)).toBeGreaterThanOrEqual(15);
		expect(await one(sql`select count(*) from mentorships where status = 'completed'`)).toBeGreaterThanOrEqual(3);
		expect(await one(sql`select count(distinct round_id) from mentorships where round_id is not null`)).toBe(2);
		expect(await one(sql`select count(*) from mentorships where source = 'request'`)).toBeGreaterThan(0);
		expect(
			await one(sql`select count(*) from mentorships m where m.status = 'active' and (m.space_id is null
				or not exists (select 1 from space_members s where s.space_id = m.space_id and s.user_id = m.mentor_id and s.role = 'owner')
				or not exists (select 1 from space_members s where s.space_id = m.space_id and s.user_id = m.mentee_id and s.role = 'member'))`)
		).toBe(0);
		expect(
			await one(sql`select count(*) from spaces s where exists (select 1 from space_members m join profiles p on p.user_id = m.user_id
					where m.space_id = s.id and p.birth_date > now() - interval '18 years')
				and not exists (select 1 from space_members m join users u on u.id = m.user_id where m.space_id = s.id and m.role = 'supervisor' and u.role = 'moderator')`)
		).toBe(0);
		expect(await one(sql`select count(*) from spaces where had_minor`)).toBeGreaterThan(0);
		expect(await one(sql`select count(*) from spaces where kind = 'collective'`)).toBeGreaterThanOrEqual(3);
	});

	it('spreads chat over at least ten weeks, and some pairs went quiet for three weeks or more', async () => {
		expect(await one(sql`select count(distinct date_trunc('week', created_at)) from chat_messages`)).toBeGreaterThanOrEqual(10);
		expect(await one(sql`select count(*) from chat_messages where created_at > now()`)).toBe(0);
		// History's order (seq) is time order.
		expect(await one(sql`select count(*) from (select created_at < lag(created_at) over (order by seq) as back from chat_messages) t where back`)).toBe(0);
		expect(
			await one(sql`select count(*) from mentorships m where m.status = 'active'
				and (select max(created_at) from chat_messages c where c.space_id = m.space_id) < now() - interval '21 days'`)
		).toBeGreaterThanOrEqual(2);
	});

	it('stores works with real Yjs content and contributors from two countries or more', async () => {
		const crossBorder = await one(sql`select count(*) from (select c.document_id from doc_contributions c join profiles p on p.user_id = c.user_id
			group by c.document_id having count(distinct p.country) >= 2) t`);
		expect(crossBorder).toBeGreaterThan(0);
		const [text] = await rows<{ state: Uint8Array }>(sql`select s.state from doc_snapshots s join documents d on d.id = s.document_id where d.kind = 'text' limit 1`);
		const [canvas] = await rows<{ state: Uint8Array }>(sql`select s.state from doc_snapshots s join documents d on d.id = s.document_id where d.kind = 'canvas' limit 1`);
		const textDoc = new Y.Doc();
		Y.applyUpdate(textDoc, new Uint8Array(text!.state));
		expect(textDoc.getXmlFragment('default').toString()).toMatch(/^<paragraph>.+<\/paragraph>/);
		const canvasDoc = new Y.Doc();
		Y.applyUpdate(canvasDoc, new Uint8Array(canvas!.state));
		const shapes = canvasDoc.getMap<Y.Map<unknown>>('shapes');
		expect(shapes.size).toBeGreaterThan(0);
		for (const shape of shapes.values()) expect(typeof shape.get('type')).toBe('string');
	});

	it('publishes an exhibition whose works all have every consent, except one a contributor withdrew', async () => {
		expect(seeded.counts.exhibited).toBeGreaterThanOrEqual(5);
		const inExhibition = await one(sql`select count(*) from exhibition_works e join exhibitions x on x.id = e.exhibition_id where x.slug = 'cities-we-share' and x.status = 'published'`);
		expect(inExhibition).toBe(seeded.counts.exhibited);
		const visible = await one(sql.raw(`select count(*) from exhibition_works e join works w on w.id = e.work_id where w.status = 'approved' and ${CONSENTED_SQL}`));
		expect(visible).toBe(seeded.counts.exhibited - 1);
		// Works waiting for a moderator are in the review queue, not in the exhibition.
		expect(await one(sql`select count(*) from works where status = 'pending'`)).toBeGreaterThanOrEqual(1);
		expect(await one(sql`select count(*) from works w join exhibition_works e on e.work_id = w.id where w.status <> 'approved'`)).toBe(0);
	});

	it('has pre and post survey answers from at least ten people, post scores higher on average', async () => {
		const both = await one(sql`select count(*) from (select r.user_id from survey_responses r join survey_points p on p.id = r.point_id
			group by r.user_id having bool_or(p.phase = 'pre') and bool_or(p.phase = 'post')) t`);
		expect(both).toBeGreaterThanOrEqual(10);
		const [means] = await rows<{ pre: number; post: number }>(sql`select
			avg(a.value) filter (where p.phase = 'pre')::float8 as pre, avg(a.value) filter (where p.phase = 'post')::float8 as post
			from survey_answers a join survey_questions q on q.id = a.question_id and q.kind = 'likert'
			join survey_responses r on r.id = a.response_id join survey_points p on p.id = r.point_id`);
		expect(Number(means!.post)).toBeGreaterThan(Number(means!.pre));
		// Only people who consented to evaluation at some point answered.
		expect(
			await one(sql`select count(*) from survey_responses r where not exists (select 1 from consents c where c.user_id = r.user_id and c.purpose = 'evaluation')`)
		).toBe(0);
		expect(await one(sql`select count(*) from survey_questions q join surveys s on s.id = q.survey_id where not (q.prompt ?& array['en', 'es', 'fr', 'pt-BR', 'ar'])`)).toBe(0);
	});

	it('has enough reports and held messages for the moderators’ figures: most closed within 2 to 30 hours, two open', async () => {
		expect(await one(sql`select count(*) from reports where status = 'open'`)).toBe(2);
		expect(await one(sql`select count(distinct reporter_id) from reports`)).toBeGreaterThanOrEqual(5);
		expect(await one(sql`select count(distinct author_id) from moderation_queue`)).toBeGreaterThanOrEqual(5);
		expect(
			await one(sql`select count(*) from reports where status <> 'open' and (resolved_at - created_at < interval '2 hours' or resolved_at - created_at > interval '31 hours')`)
		).toBe(0);
		expect(await one(sql`select count(distinct status) from moderation_queue`)).toBe(3);
	});

	it('refuses a second run without --reset and changes nothing', async () => {
		expect(second.code).toBe(1);
		expect(second.stderr).toMatch(/already has \d+ users: nothing was changed/);
		expect(second.stdout).not.toMatch(/password/i);
		const before = await snapshot();
		expect(before.users).toBe(seeded.counts.participants + 2);
		await expect(database.close().then(() => seedDemo({ config: target.config }))).rejects.toBeInstanceOf(SeedRefusedError);
		database = await openDatabase(target.config);
		expect(await snapshot()).toEqual(before);
	});

	it('--reset refuses a database that holds anyone but demo accounts', async () => {
		await database.db.insert(users).values({ email: 'someone@school.example', passwordHash: 'x', role: 'mentee' });
		const before = await snapshot();
		await database.close();
		await expect(seedDemo({ config: target.config, reset: true })).rejects.toThrow(/not demo accounts/);
		database = await openDatabase(target.config);
		expect(await snapshot()).toEqual(before);
	});
});
