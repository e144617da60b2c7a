import { randomBytes } from 'node:crypto';
import { count, notLike, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { hashPassword } from '../accounts/passwords';
import type { Config } from '../config';
import { openDatabase, type Db } from '../db';
import * as schema from '../db/schema';
import { makeMessages, makeWorks } from './activity';
import { makeExhibitions } from './exhibitions';
import { makeModeration } from './moderation';
import { DEMO_DOMAIN, makePeople } from './people';
import { makeProgram } from './program';
import { createRandom } from './random';
import { makeSurveys } from './survey';

/** The demo is the same program on every run: same people, pairs, rhythms and answers (dates follow today). */
const SEED = 8;

/** Raised when the database already holds people and `--reset` was not given; nothing was changed. */
export class SeedRefusedError extends Error {
	override name = 'SeedRefusedError';
}

/** What the seed made, as the summary prints it. */
export interface DemoCounts {
	participants: number;
	countries: number;
	minors: number;
	mentorshipsActive: number;
	mentorshipsCompleted: number;
	/** Proposed (waiting for a yes) or ended early. */
	mentorshipsOther: number;
	unmatchedMentees: number;
	pairSpaces: number;
	collectives: number;
	messages: number;
	works: number;
	/** Works in the published demo exhibition. */
	exhibited: number;
	surveyResponses: number;
	reports: number;
	heldForReview: number;
}

export interface SeedResult {
	counts: DemoCounts;
	admin: { email: string };
	moderator: { email: string };
	password: string;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Multi-row inserts of `size` rows: fast on PGlite, and under PostgreSQL's 65,535 parameters. */
async function insertAll<T extends PgTable>(tx: Tx, table: T, rows: T['$inferInsert'][], size = 200): Promise<void> {
	for (let i = 0; i < rows.length; i += size) await tx.insert(table).values(rows.slice(i, i + size));
}

/** Where the seed writes, without credentials: for the messages a person reads. */
export function describeTarget(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
	if (!config.databaseUrl) return `the embedded database in ${config.dataDir}`;
	const url = new URL(config.databaseUrl);
	return `the PostgreSQL database ${url.pathname.slice(1) || '(default)'} on ${url.hostname}${url.port ? `:${url.port}` : ''}`;
}

/** Everything in the app's tables: what `--reset` deletes, and what a fresh database has none of. */
async function tableCounts(tx: Tx) {
	const read = async (table: PgTable) => Number((await tx.select({ n: count() }).from(table))[0]?.n ?? 0);
	return {
		users: await read(schema.users),
		spaces: await read(schema.spaces),
		mentorships: await read(schema.mentorships),
		messages: await read(schema.chatMessages),
		works: await read(schema.documents),
		surveyResponses: await read(schema.surveyResponses)
	};
}

/**
 * Fills the configured database with the demo program, in one transaction: refuses (SeedRefusedError, nothing
 * changed) when it already has users, unless `reset`, which first empties every table of the app. Opens the
 * database the way the server does (migrations applied, the embedded database's folder locked), so it fails
 * with DataDirInUseError while a server runs on the same DATA_DIR.
 */
export async function seedDemo({ config, reset = false, say = () => {} }: { config: Config; reset?: boolean; say?: (line: string) => void }): Promise<SeedResult> {
	const database = await openDatabase(config);
	try {
		const password = `demo-${randomBytes(9).toString('base64url')}`;
		// One hash for every demo account: argon2 is slow on purpose.
		const passwordHash = await hashPassword(password);
		return await database.db.transaction(async (tx) => {
			const before = await tableCounts(tx);
			if (before.users > 0) {
				if (!reset) throw new SeedRefusedError(`${describeTarget(config)} already has ${before.users} users: nothing was changed. Run with --reset to delete everything in it and seed the demo program instead.`);
				// The audit log is append-only (migration 0004): only a database that holds nothing but the demo may lose it.
				const [others] = await tx.select({ n: count() }).from(schema.users).where(notLike(schema.users.email, `%@${DEMO_DOMAIN}`));
				if (Number(others?.n ?? 0) > 0) {
					throw new SeedRefusedError(
						`${describeTarget(config)} has ${others!.n} accounts that are not demo accounts: --reset only ever deletes a demo program, never a real one, and nothing was changed. To start over, stop Tessera and remove the data folder (or drop the PostgreSQL database) yourself.`
					);
				}
				say(`--reset: deleting everything in ${describeTarget(config)} (${Object.entries(before).map(([k, v]) => `${v} ${k}`).join(', ')}, and all other rows), then seeding the demo program.`);
				await wipe(tx);
			}
			const result = await fill(tx, passwordHash, Date.now());
			return { ...result, password };
		});
	} finally {
		await database.close();
	}
}

async function wipe(tx: Tx): Promise<void> {
	const rows = (await tx.execute(sql`select tablename from pg_tables where schemaname = current_schema()`)) as unknown as { rows?: { tablename: string }[] } | { tablename: string }[];
	const tables = (Array.isArray(rows) ? rows : (rows.rows ?? [])).map((r) => `"${r.tablename.replaceAll('"', '""')}"`);
	// Inside this transaction only: the trigger is back before anyone else can see the emptied tables.
	await tx.execute(sql`alter table "audit_log" disable trigger "audit_log_no_truncate"`);
	if (tables.length > 0) await tx.execute(sql.raw(`truncate table ${tables.join(', ')} restart identity cascade`));
	await tx.execute(sql`alter table "audit_log" enable trigger "audit_log_no_truncate"`);
	// The policy row a fresh install starts with (migration 0004).
	await tx.insert(schema.programPolicy).values({ id: 1 }).onConflictDoNothing();
}

async function fill(tx: Tx, passwordHash: string, now: number): Promise<Omit<SeedResult, 'password'>> {
	const random = createRandom(SEED);
	const people = makePeople({ random, now, passwordHash });
	const program = makeProgram({ random, now, ...people });
	const chat = makeMessages({ random, now, spaces: program.demoSpaces });
	const moderation = makeModeration({ random, now, moderator: people.moderator, spaces: program.demoSpaces, messages: chat });
	const works = makeWorks({ random, spaces: program.demoSpaces });
	const exhibitions = makeExhibitions({ random, now, admin: people.admin, moderator: people.moderator, spaces: program.demoSpaces, documents: works, ledger: people.consents });
	const surveys = makeSurveys({ random, now, admin: people.admin, mentorships: program.demoMentorships, participants: [...people.mentors, ...people.mentees] });
	// In time order, so `seq` (the order of history) agrees with created_at.
	const messages = [...chat, ...moderation.messages].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
	const audit = [...program.audit, ...moderation.audit].sort((a, b) => (a.createdAt as Date).getTime() - (b.createdAt as Date).getTime());

	await insertAll(tx, schema.users, people.users);
	await insertAll(tx, schema.profiles, people.profiles);
	await insertAll(tx, schema.matchingProfiles, people.matchingProfiles);
	await insertAll(tx, schema.guardianConsents, people.guardianConsents);
	await insertAll(tx, schema.consents, people.consents);
	await insertAll(tx, schema.matchingRounds, program.rounds);
	await insertAll(tx, schema.spaces, program.spaces);
	await insertAll(tx, schema.spaceMembers, program.members);
	await insertAll(tx, schema.mentorships, program.mentorships);
	await insertAll(tx, schema.chatMessages, messages);
	await insertAll(tx, schema.documents, works.documents);
	await insertAll(tx, schema.docSnapshots, works.snapshots, 50);
	await insertAll(tx, schema.docContributions, works.contributions);
	await insertAll(tx, schema.docActivityHours, works.activity);
	await insertAll(tx, schema.works, exhibitions.works, 50);
	await insertAll(tx, schema.workContributors, exhibitions.contributors);
	await insertAll(tx, schema.exhibitions, exhibitions.exhibitions);
	await insertAll(tx, schema.exhibitionWorks, exhibitions.exhibitionWorks);
	await insertAll(tx, schema.moderationQueue, moderation.queue);
	await insertAll(tx, schema.reports, moderation.reports);
	await insertAll(tx, schema.surveys, surveys.surveys);
	await insertAll(tx, schema.surveyQuestions, surveys.questions);
	await insertAll(tx, schema.surveyPoints, surveys.points);
	await insertAll(tx, schema.surveyResponses, surveys.responses);
	await insertAll(tx, schema.surveyAnswers, surveys.answers);
	await insertAll(tx, schema.auditLog, audit);

	const participants = [...people.mentors, ...people.mentees];
	const status = (s: string) => program.demoMentorships.filter((m) => m.status === s).length;
	return {
		counts: {
			participants: participants.length,
			countries: new Set(participants.map((p) => p.country.code)).size,
			minors: participants.filter((p) => p.minor).length,
			mentorshipsActive: status('active'),
			mentorshipsCompleted: status('completed'),
			mentorshipsOther: status('proposed') + status('ended'),
			unmatchedMentees: program.unmatched.length,
			pairSpaces: program.demoSpaces.filter((s) => s.kind === 'pair').length,
			collectives: program.demoSpaces.filter((s) => s.kind === 'collective').length,
			messages: messages.length,
			works: works.documents.length,
			exhibited: exhibitions.exhibitionWorks.length,
			surveyResponses: surveys.responses.length,
			reports: moderation.reports.length,
			heldForReview: moderation.queue.length
		},
		admin: { email: people.admin.email },
		moderator: { email: people.moderator.email }
	};
}
