import { EventEmitter } from 'node:events';
import type { Config } from '../config';
import type { Db } from '../db';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { FLOOD_DEFAULTS } from './flood';
import { contactHook, floodHook, wordListHook } from './hooks';
import type { WordList } from './lists';
import { createModerationPipeline, type ModerationHook, type PolicyView } from './pipeline';
import { createQueueStore, type QueueItem, type Reviewed, type ReviewStatus } from './queue';
import { createWebhookHook } from './webhook';
import { moderationQueue } from '../db/schema';
import type { DocFinding } from '../docs/moderation';

export { ModerationVeto, type Decision, type ModerationHook, type ModerationPipeline, type TextContext, type Verdict } from './pipeline';
export type { QueueItem, Reviewed, ReviewStatus } from './queue';

/** What moderation needs from safeguarding (`app.safeguarding` fits): the policy, and who in a space is a minor. */
export interface SafeguardingLookup {
	policy(): Promise<PolicyView>;
	minorsIn(spaceId: string): Promise<string[]>;
	/** The space has had a minor at some time (its content is kept for review). */
	hadMinor?(spaceId: string): Promise<boolean>;
}

export interface ModerationOptions {
	db: Db;
	logger: Logger;
	config: Pick<
		Config,
		'moderationWebhookUrl' | 'moderationWebhookTimeoutMs' | 'moderationWebhookFail' | 'moderationFloodPerMinute' | 'moderationRepeatLimit' | 'chatSendBurst'
	>;
	/** Without it every space counts as having a minor and the contact filter is on: the strict reading. */
	safeguarding?: SafeguardingLookup;
	/** Word lists instead of the shipped ones. */
	lists?: Record<string, WordList>;
	/** More hooks beside the shipped ones. */
	hooks?: ModerationHook[];
}

export interface ModerationEvents {
	/** A held entry was approved or rejected (after commit). */
	reviewed: [Reviewed];
	/** Text written in a document now waits in the queue (after it is stored); no text, no author. */
	'doc-held': [{ spaceId: string }];
}

/** How long the last answer about minors in a space is trusted by translation checks, which cannot wait for it. */
const MINORS_MEMORY = 10_000;

/**
 * Moderation: the hook pipeline every chat text goes through (word lists, contact details, flood and repetition,
 * the optional classifier webhook), and the queue of held texts that moderators approve or reject.
 */
export function createModerationService({ db, logger, config, safeguarding, lists, hooks = [] }: ModerationOptions) {
	const log = logger.child({ ns: 'moderation' });
	/** Spaces with a minor, and the policy, as last seen: translations are checked synchronously. */
	const minorsSeen = new Map<string, boolean>();
	let policySeen: PolicyView | undefined;

	async function context(spaceId: string): Promise<{ minorsPresent: boolean; policy: PolicyView }> {
		if (!safeguarding) return { minorsPresent: true, policy: { contactFilterForMinors: true } };
		try {
			const [policy, minors] = await Promise.all([safeguarding.policy(), safeguarding.minorsIn(spaceId)]);
			const minorsPresent = minors.length > 0;
			policySeen = policy;
			minorsSeen.delete(spaceId);
			minorsSeen.set(spaceId, minorsPresent);
			if (minorsSeen.size > MINORS_MEMORY) minorsSeen.delete(minorsSeen.keys().next().value!);
			return { minorsPresent, policy };
		} catch (err) {
			// Fails closed: treated as a space with a minor, under the strictest policy.
			log.error({ err, spaceId }, 'safeguarding lookup failed; moderating as if a minor were present');
			return { minorsPresent: true, policy: { contactFilterForMinors: true } };
		}
	}

	const shipped = {
		// Never stricter than the send rate limit's burst: a program that allows bigger bursts allows them here too.
		flood: floodHook({
			maxMessages: config.moderationFloodPerMinute === 0 ? Infinity : Math.max(config.moderationFloodPerMinute, config.chatSendBurst * 3),
			windowMs: 60_000,
			maxRepeats: config.moderationRepeatLimit === 0 ? Infinity : config.moderationRepeatLimit,
			repeatWindowMs: FLOOD_DEFAULTS.repeatWindowMs
		}),
		wordList: wordListHook({ lists }),
		contact: contactHook(),
		webhook: config.moderationWebhookUrl
			? createWebhookHook({ url: config.moderationWebhookUrl, timeoutMs: config.moderationWebhookTimeoutMs, fail: config.moderationWebhookFail, logger })
			: undefined
	};
	const pipeline = createModerationPipeline({
		hooks: [shipped.flood, shipped.wordList, shipped.contact, ...(shipped.webhook ? [shipped.webhook] : []), ...hooks],
		logger,
		context,
		minorsKnown: (spaceId) => minorsSeen.get(spaceId),
		policyKnown: () => policySeen
	});
	const store = createQueueStore(db);
	const events = new EventEmitter<ModerationEvents>();

	async function review(input: { id: string; actorId: string; decision: 'approved' | 'rejected'; reason?: string }): Promise<Reviewed> {
		const reviewed = await store.review(input);
		log.info({ queueId: reviewed.id, kind: reviewed.kind, spaceId: reviewed.spaceId, targetId: reviewed.targetId, actorId: input.actorId, status: reviewed.status }, 'held text reviewed');
		// The author edited again meanwhile: nothing was applied, and the moderator is told why.
		if (reviewed.status === 'superseded') throw new AppError(409, 'edit_superseded');
		try {
			events.emit('reviewed', reviewed);
		} catch (err) {
			log.error({ err, queueId: reviewed.id }, 'delivering a review failed');
		}
		return reviewed;
	}

	return {
		/** The pipeline chat runs every send and edit through; `pipeline.use(hook)` adds more hooks. */
		pipeline,
		/** The shipped hooks, for tests and tuning. */
		hooks: shipped,
		events,

		/** Entries of the queue with this status (held by default), oldest first; `viewerId` is not shown their own. */
		queue: ({ status, limit, after, spaceId, viewerId }: { status?: ReviewStatus; limit?: number; after?: string; spaceId?: string; viewerId?: string } = {}): Promise<QueueItem[]> =>
			store.list({ status, limit, after, spaceId, viewerId }),

		countHeld: store.countHeld,

		/** Whether `actorId` may review what is held in `spaceId` (moderators, admins, the space's supervisor). */
		mayReview: store.mayReview,

		/** Whether a space has a minor, and the policy: what the hooks read (strict when the lookup fails). */
		context,

		/**
		 * Keeps text the pipeline took out of a document: held text waits in the queue with the place it came
		 * from (approving puts it back); blocked text is kept as `blocked` where a minor is or was, since
		 * everything written in such a space is kept for review.
		 */
		async recordDocument(finding: DocFinding): Promise<void> {
			if (finding.action === 'block' && !finding.minorsPresent && !(await safeguarding?.hadMinor?.(finding.spaceId))) return;
			await db.insert(moderationQueue).values({
				kind: 'doc',
				spaceId: finding.spaceId,
				targetId: finding.documentId,
				authorId: finding.authorId,
				text: finding.text,
				lang: 'und',
				hook: finding.hook,
				reason: finding.reason,
				place: finding.place,
				...(finding.action === 'block' ? { status: 'blocked' as const } : {})
			});
			if (finding.action === 'hold') events.emit('doc-held', { spaceId: finding.spaceId });
		},

		/**
		 * Approves a held entry: a held message goes out to everyone as new, a held edit is applied — unless its author
		 * has edited the message again since, when it is marked superseded and `edit_superseded` (409) is thrown.
		 */
		approve: ({ id, actorId }: { id: string; actorId: string }) => review({ id, actorId, decision: 'approved' }),

		/** Rejects a held entry: it stays hidden from everyone but its author, who sees it was not approved. */
		reject: ({ id, actorId, reason }: { id: string; actorId: string; reason?: string }) => review({ id, actorId, decision: 'rejected', reason }),

		close(): void {
			events.removeAllListeners();
		}
	};
}

export type ModerationService = ReturnType<typeof createModerationService>;
