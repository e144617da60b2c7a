import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { auditLog, outbox } from '../db/schema';
import { notFound } from '../errors';
import type { Logger } from '../logger';
import { sendMail } from './smtp';

export interface Mail {
	kind: string;
	to: string;
	subject: string;
	body: string;
}

export interface OutboxEntry extends Mail {
	id: string;
	createdAt: string;
	attempts: number;
	lastError: string | null;
}

const MAX_ATTEMPTS = 10;
const RETRY_INTERVAL_MS = 30_000;
const BATCH = 20;
/** How long a process may take to send its batch before another may try the same mail. */
const CLAIM_SECONDS = 120;

/** A sent link is no use to anyone reading the outbox later: the token in it is replaced once it has gone out. */
export function redactLinks(body: string): string {
	return body.replace(/\/(consent|guardian)\/[A-Za-z0-9_-]{43}/g, '/$1/…');
}

/**
 * Mail waits in the `outbox` table. With an SMTP URL it is sent at once and retried every 30 s (10 attempts);
 * without one, admins read the unsent mail (`GET /api/v1/admin/outbox`) and pass it on themselves.
 */
export function createOutbox({ db, logger, smtpUrl, mailFrom }: { db: Db; logger: Logger; smtpUrl?: string; mailFrom?: string }) {
	const log = logger.child({ ns: 'outbox' });
	let timer: NodeJS.Timeout | null = null;
	let running: Promise<void> | null = null;
	let again = false;
	let stopped = false;

	/**
	 * Takes up to a batch of due mail for this process: claimed rows are invisible to every other process until the
	 * claim runs out (a process that died while sending leaves its mail to be sent again after CLAIM_SECONDS).
	 */
	async function claim(): Promise<(typeof outbox.$inferSelect)[]> {
		const due = db
			.select({ id: outbox.id })
			.from(outbox)
			.where(and(isNull(outbox.sentAt), lt(outbox.attempts, MAX_ATTEMPTS), or(isNull(outbox.claimedUntil), lt(outbox.claimedUntil, sql`now()`))))
			.orderBy(asc(outbox.createdAt))
			.limit(BATCH)
			.for('update', { skipLocked: true });
		return db
			.update(outbox)
			.set({ claimedUntil: sql`now() + make_interval(secs => ${CLAIM_SECONDS})` })
			.where(inArray(outbox.id, due))
			.returning();
	}

	async function sendPending(): Promise<void> {
		if (!smtpUrl) return;
		const rows = (await claim()).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
		for (const row of rows) {
			if (stopped) {
				await db.update(outbox).set({ claimedUntil: null }).where(eq(outbox.id, row.id));
				continue;
			}
			try {
				await sendMail({ url: smtpUrl, from: mailFrom ?? 'tessera@localhost', to: row.toAddress, subject: row.subject, body: row.body });
				await db
					.update(outbox)
					.set({ sentAt: new Date(), attempts: row.attempts + 1, body: redactLinks(row.body), lastError: null, claimedUntil: null })
					.where(eq(outbox.id, row.id));
				log.info({ id: row.id, kind: row.kind }, 'mail sent');
			} catch (err) {
				const message = err instanceof Error ? err.message.slice(0, 200) : 'send failed';
				await db.update(outbox).set({ attempts: row.attempts + 1, lastError: message, claimedUntil: null }).where(eq(outbox.id, row.id));
				log.warn({ id: row.id, kind: row.kind, attempt: row.attempts + 1, error: message }, 'mail not sent; will retry');
			}
		}
	}

	function run(): void {
		if (!smtpUrl || stopped) return;
		if (running) {
			again = true;
			return;
		}
		running = sendPending()
			.catch((err) => log.error({ err }, 'outbox run failed'))
			.finally(() => {
				running = null;
				if (again) {
					again = false;
					run();
				}
			});
	}

	return {
		/** Adds a mail inside the caller's transaction: it goes out only if the change that asked for it commits. */
		async enqueue(tx: Pick<Db, 'insert'>, mail: Mail): Promise<void> {
			await tx.insert(outbox).values({ kind: mail.kind, toAddress: mail.to, subject: mail.subject, body: mail.body });
		},

		/** Mail not sent yet, oldest first (for admins to pass on when there is no SMTP). */
		async unsent(): Promise<OutboxEntry[]> {
			const rows = await db.select().from(outbox).where(isNull(outbox.sentAt)).orderBy(asc(outbox.createdAt)).limit(500);
			return rows.map((r) => ({
				id: r.id,
				kind: r.kind,
				to: r.toAddress,
				subject: r.subject,
				body: r.body,
				createdAt: r.createdAt.toISOString(),
				attempts: r.attempts,
				lastError: r.lastError
			}));
		},

		/**
		 * An admin passed an unsent mail on by hand (no SMTP): it leaves the list, its link is blanked out of the stored
		 * copy as if it had been sent, and one `outbox.passed_on` audit entry says who did it. Already sent: nothing to do.
		 */
		async markPassedOn({ id, actorId }: { id: string; actorId: string }): Promise<void> {
			const done = await db.transaction(async (tx) => {
				const [row] = await tx.select().from(outbox).where(eq(outbox.id, id)).for('update');
				if (!row) throw notFound();
				if (row.sentAt) return false;
				await tx.update(outbox).set({ sentAt: new Date(), body: redactLinks(row.body), lastError: null }).where(eq(outbox.id, id));
				await tx.insert(auditLog).values({ actorId, action: 'outbox.passed_on', targetType: 'outbox', targetId: id, detail: JSON.stringify({ kind: row.kind }) });
				return true;
			});
			// The id and kind only: never the guardian's address.
			if (done) log.info({ id, actorId }, 'mail passed on by hand');
		},

		/** Try sending now (after a commit that queued mail). */
		kick: run,

		start(): void {
			if (!smtpUrl || timer) return;
			timer = setInterval(run, RETRY_INTERVAL_MS);
			timer.unref();
			run();
		},

		async stop(): Promise<void> {
			stopped = true;
			if (timer) clearInterval(timer);
			timer = null;
			await running;
		}
	};
}

export type Outbox = ReturnType<typeof createOutbox>;
