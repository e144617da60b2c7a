import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Db } from '../db';
import { spaceMutes, spaces } from '../db/schema';
import { AppError } from '../errors';
import { createReadCache } from '../read-cache';

/**
 * What stops someone writing in a space: a lock (everyone), a mute of them (until a time, or until lifted), or a
 * pause that followed a report on them (a minor's report, or a mentee pausing the match). A pause is silent: what
 * they send is held for moderators like any held text, so nothing tells them — or lets them work out — who reported.
 */
export type WriteBlock = { code: 'space_locked' } | { code: 'supervisor_required' } | { code: 'muted'; until: Date | null } | { code: 'paused' };

export interface SpaceRestrictions {
	lockedAt: Date | null;
	/**
	 * A minor is in the space and no active supervising moderator is (the last one was demoted, suspended or
	 * deleted, or the policy changed): nobody writes until a supervisor is back.
	 */
	unsupervised?: boolean;
	/** Mutes not lifted, of anyone in the space; an ended one is ignored by `writeBlock`. `reportId`: a pause after a report. */
	mutes: { userId: string; until: Date | null; reportId?: string | null }[];
}

/**
 * Why `userId` may not write in the space now, or null. A lock wins over a mute, a mute over a pause; an open-ended
 * mute over a timed one.
 */
export function writeBlock(r: SpaceRestrictions, userId: string, now: Date): WriteBlock | null {
	if (r.lockedAt) return { code: 'space_locked' };
	if (r.unsupervised) return { code: 'supervisor_required' };
	let latest: Date | null | undefined;
	let paused = false;
	for (const m of r.mutes) {
		if (m.userId !== userId) continue;
		if (m.reportId && m.until === null) {
			paused = true;
			continue;
		}
		if (m.until === null) return { code: 'muted', until: null };
		if (m.until.getTime() > now.getTime() && (!latest || m.until.getTime() > latest.getTime())) latest = m.until;
	}
	if (latest) return { code: 'muted', until: latest };
	return paused ? { code: 'paused' } : null;
}

/** The refusal a blocked writer gets: `space_locked`, `muted` (until lifted) or `muted_until` (Retry-After: seconds left). */
export function blockError(block: Exclude<WriteBlock, { code: 'paused' }>, now: Date): AppError {
	if (block.code === 'space_locked') return new AppError(423, 'space_locked');
	if (block.code === 'supervisor_required') return new AppError(403, 'supervisor_required');
	if (!block.until) return new AppError(403, 'muted');
	const seconds = Math.max(1, Math.ceil((block.until.getTime() - now.getTime()) / 1000));
	return new AppError(403, 'muted_until', { retryAfterSeconds: seconds });
}

/** A lock or mute in this space began or ended (for `userId`, or for everyone when absent). */
export interface RestrictionChange {
	spaceId: string;
	userId?: string;
	/** A timed mute that began: when it ends (ms since epoch), so every process can end it on time. */
	endsAt?: number;
}

/** How long a space's locks and mutes are trusted without asking the database again; changes made here apply at once. */
const TTL_MS = 10_000;
const MAX_SPACES = 20_000;

/**
 * Mutes and locks as the chat and document relays check them on every write: one query per space every few
 * seconds at most (in the background: see ReadCache), invalidated at once by whoever changes them on this
 * process (`changed`) or another (`changedElsewhere`).
 */
export function createRestrictions({
	db,
	ttlMs = TTL_MS,
	unsupervised
}: {
	db: Db;
	ttlMs?: number;
	/** Whether a space has a minor and no active supervisor (safeguarding); read with the locks and mutes. */
	unsupervised?: (spaceId: string) => Promise<boolean>;
}) {
	const followers = new Set<(change: RestrictionChange) => Promise<void>>();
	const observers = new Set<(change: RestrictionChange) => Promise<void> | void>();

	async function apply(change: RestrictionChange): Promise<void> {
		cache.delete(change.spaceId);
		await Promise.allSettled([...followers].map((f) => f(change)));
	}
	const cache = createReadCache<string, SpaceRestrictions>({ ttlMs, max: MAX_SPACES, read: (spaceId) => read(spaceId) });

	async function read(spaceId: string): Promise<SpaceRestrictions> {
		const now = new Date();
		const [space] = await db.select({ lockedAt: spaces.lockedAt }).from(spaces).where(eq(spaces.id, spaceId)).limit(1);
		const mutes = await db
			.select({ userId: spaceMutes.userId, until: spaceMutes.until, reportId: spaceMutes.reportId })
			.from(spaceMutes)
			.where(and(eq(spaceMutes.spaceId, spaceId), isNull(spaceMutes.liftedAt), or(isNull(spaceMutes.until), gt(spaceMutes.until, now))));
		const out: SpaceRestrictions = { lockedAt: space?.lockedAt ?? null, mutes, unsupervised: (await unsupervised?.(spaceId)) ?? false };
		// Supervision changes without a moderator's action here (a demotion, a suspension, a policy change): when a
		// read finds it changed, whoever follows changes (open documents) is told as for a lock.
		const before = known.get(spaceId);
		known.set(spaceId, out.unsupervised!);
		if (known.size > MAX_SPACES) known.delete(known.keys().next().value!);
		if (before !== undefined && before !== out.unsupervised) void Promise.allSettled([...followers].map((f) => f({ spaceId })));
		return out;
	}
	/** Supervision as last read, per space. */
	const known = new Map<string, boolean>();

	function of(spaceId: string): Promise<SpaceRestrictions> {
		return cache.get(spaceId);
	}

	return {
		of,

		/** Forgets every cached space: supervision may have changed anywhere (an account's role or status changed). */
		forget(): void {
			cache.clear();
		},

		/** As if every space read lately had changed (followers run for each): changes may have been missed. */
		async refreshAll(): Promise<void> {
			await Promise.allSettled([...cache.keys()].map((spaceId) => apply({ spaceId })));
		},

		/** Runs `follow` after every change, before `changed` resolves (the document relay uses it); returns an unsubscribe. */
		follow(follow: (change: RestrictionChange) => Promise<void>): () => void {
			followers.add(follow);
			return () => void followers.delete(follow);
		},

		async block({ spaceId, userId }: { spaceId: string; userId: string }): Promise<WriteBlock | null> {
			return writeBlock(await of(spaceId), userId, new Date());
		},

		/**
		 * Throws `space_locked`, `muted` or `muted_until` when `userId` may not write in the space now. A pause throws
		 * nothing: it answers true, and the caller holds what they write.
		 */
		async assertMayWrite({ spaceId, userId }: { spaceId: string; userId: string }): Promise<{ paused: boolean }> {
			const now = new Date();
			const block = writeBlock(await of(spaceId), userId, now);
			if (block?.code === 'paused') return { paused: true };
			if (block) throw blockError(block, now);
			return { paused: false };
		},

		/**
		 * Call after changing a lock or mute: forgets the cached state and waits until every follower has applied it,
		 * so the change is in force everywhere on this process when the action answers.
		 */
		async changed(change: RestrictionChange): Promise<void> {
			await Promise.allSettled([...observers].map((o) => o(change)));
			await apply(change);
		},

		/**
		 * A change another process made (told through the bus): forgets the cached state and runs the followers here,
		 * without telling anyone else.
		 */
		changedElsewhere: (change: RestrictionChange): Promise<void> => apply(change),

		/** Runs `observe` for every change made on this process (to tell the other processes); returns an unsubscribe. */
		observe(observe: (change: RestrictionChange) => Promise<void> | void): () => void {
			observers.add(observe);
			return () => void observers.delete(observe);
		}
	};
}

export type Restrictions = ReturnType<typeof createRestrictions>;
