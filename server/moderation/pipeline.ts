import type { ErrorCode } from '../../src/lib/protocol/codes';
import type { Logger } from '../logger';
import type { SpaceRole } from '../spaces/permissions';

/** Where a text comes from: a new chat message, a new text for one, or text written into a document or canvas. */
export type TextKind = 'chat' | 'chat-edit' | 'doc';

/** The part of the program policy the pipeline reads (the safeguarding service's `Policy` fits it). */
export interface PolicyView {
	contactFilterForMinors: boolean;
}

/** What a hook sees of a text about to be stored. */
export interface TextContext {
	readonly spaceId: string;
	readonly authorId: string;
	readonly authorName: string;
	/** The author's role in the space; null when the text does not come from a member (a bot, a test). */
	readonly authorRole: SpaceRole | null;
	/** The text as it stands now: the original, or what an earlier hook redacted it to. */
	readonly text: string;
	/** BCP 47 tag of the text. */
	readonly lang: string;
	readonly kind: TextKind;
	/** A minor is a member of the space. */
	readonly minorsPresent: boolean;
	readonly policy: PolicyView;
	/** The client's id of a chat send. */
	readonly clientId: string | null;
	/** The message being edited (kind `chat-edit`). */
	readonly editOf: string | null;
}

/** A hook's answer. Reasons are short codes (`contact_phone`, `grooming`), never the matched text. */
export type Verdict =
	| { action: 'allow'; reason?: string }
	| { action: 'hold'; reason: string }
	/** `code` is what the sender is told (default `message_blocked`). */
	| { action: 'block'; reason: string; code?: ErrorCode }
	| { action: 'redact'; text: string; reason: string };

export type ModerationAction = Verdict['action'];

/** What one hook decided, as recorded (and logged): no text. */
export interface Outcome {
	hook: string;
	action: ModerationAction;
	reason?: string;
}

/** The pipeline's combined answer: block beats hold beats redact beats allow. */
export interface Decision {
	action: ModerationAction;
	/** The text to store: the original, or the redacted text. */
	text: string;
	/** The hook and reason behind the action (the first hook of the strongest action). */
	hook?: string;
	reason?: string;
	/** For `block`: the error code the sender gets. */
	code?: ErrorCode;
	outcomes: Outcome[];
}

/** A translation of a stored message, about to be delivered. */
export interface TranslationContext {
	readonly spaceId: string;
	readonly messageId: string;
	readonly text: string;
	/** The language of the translation. */
	readonly lang: string;
	readonly minorsPresent: boolean;
	/** The policy as last seen (translations cannot wait for it); the strict default until it is known. */
	readonly policy: PolicyView;
}

/** The context the chat pipeline used before verdicts existed, still passed to `beforeSend` hooks. */
export interface ModerationContext {
	readonly spaceId: string;
	readonly authorId: string;
	readonly authorName: string;
	readonly role: SpaceRole;
	readonly text: string;
	readonly lang: string;
	readonly clientId: string | null;
	readonly editOf: string | null;
}

/**
 * One step of the moderation pipeline (Hocuspocus `Extension` style): optional functions, run in priority order
 * (highest first, 100 by default).
 */
export interface ModerationHook {
	name: string;
	priority?: number;
	/**
	 * The hook's `check` is synchronous and cheap (word lists, contact details): it may run on every keystroke of
	 * document text, before the edit reaches anyone. Other hooks see document text once its author pauses.
	 */
	immediate?: boolean;
	/** Looks at a text and answers. Returning nothing is `allow`; throwing holds the text for review (fails closed). */
	check?(ctx: TextContext): Promise<Verdict | void> | Verdict | void;
	/** Looks at a machine translation before it is delivered (synchronous: translations are on the hot path). */
	checkTranslation?(ctx: TranslationContext): Verdict | void;
	/**
	 * The veto style, kept for existing hooks: throwing a `ModerationVeto` blocks the text with its code; any other
	 * error refuses it as `internal`.
	 */
	beforeSend?(ctx: ModerationContext): Promise<void>;
}

/** Thrown by a `beforeSend` hook to refuse a text; the sender gets `{ ok: false, error: { code } }` and nothing is stored. */
export class ModerationVeto extends Error {
	override name = 'ModerationVeto';
	constructor(
		readonly code: ErrorCode,
		/** For logs only (never the text itself). */
		readonly reason?: string
	) {
		super(reason ?? code);
	}
}

export function isModerationVeto(e: unknown): e is ModerationVeto {
	return e instanceof ModerationVeto || (e instanceof Error && e.name === 'ModerationVeto' && typeof (e as { code?: unknown }).code === 'string');
}

/** Thrown by the pipeline when a `beforeSend` hook failed with anything but a veto. */
export class ModerationHookError extends Error {
	override name = 'ModerationHookError';
	constructor(
		readonly hook: string,
		cause: unknown
	) {
		super(`moderation hook ${hook} failed`, { cause });
	}
}

const DEFAULT_PRIORITY = 100;
const SEVERITY: Record<ModerationAction, number> = { allow: 0, redact: 1, hold: 2, block: 3 };

/** What `run` needs beside the text; minors and policy are filled in by `context`. */
export type RunInput = Omit<TextContext, 'minorsPresent' | 'policy' | 'authorRole'> & {
	authorRole: SpaceRole | null;
	minorsPresent?: boolean;
	policy?: PolicyView;
};

export interface PipelineOptions {
	hooks?: ModerationHook[];
	logger?: Logger;
	/** Who is in the space and what the policy says; without it, no minors and the default policy. */
	context?: (spaceId: string) => Promise<{ minorsPresent: boolean; policy: PolicyView }>;
	/** Synchronous best knowledge of minors in a space (for translations); unknown counts as present. */
	minorsKnown?: (spaceId: string) => boolean | undefined;
	/** Synchronous best knowledge of the policy (for translations); unknown is the strict default. */
	policyKnown?: () => PolicyView | undefined;
}

const STRICT_POLICY: PolicyView = { contactFilterForMinors: true };

/** Combines verdicts in order: block beats hold beats redact beats allow; the first hook of the strongest action names it. */
export function combine(text: string, outcomes: (Outcome & { code?: ErrorCode; text?: string })[]): Decision {
	let decision: Decision = { action: 'allow', text, outcomes: outcomes.map(({ hook, action, reason }) => (reason ? { hook, action, reason } : { hook, action })) };
	for (const o of outcomes) {
		if (o.action === 'redact' && o.text !== undefined) decision.text = o.text;
		if (SEVERITY[o.action] > SEVERITY[decision.action]) decision = { ...decision, action: o.action, hook: o.hook, reason: o.reason, ...(o.code ? { code: o.code } : {}) };
	}
	if (decision.action === 'block' && !decision.code) decision.code = 'message_blocked';
	return decision;
}

/** The moderation pipeline. Empty by default: every text passes until hooks are added. */
export function createModerationPipeline(options: ModerationHook[] | PipelineOptions = {}) {
	const { hooks: initial = [], logger, context, minorsKnown, policyKnown } = Array.isArray(options) ? { hooks: options } : options;
	const log = logger?.child({ ns: 'moderation' });
	const sort = (list: ModerationHook[]) =>
		list
			.map((hook, i) => ({ hook, i }))
			.sort((a, b) => (b.hook.priority ?? DEFAULT_PRIORITY) - (a.hook.priority ?? DEFAULT_PRIORITY) || a.i - b.i)
			.map((x) => x.hook);
	let hooks = sort(initial);

	async function runBeforeSend(hook: ModerationHook, ctx: ModerationContext): Promise<void> {
		try {
			await hook.beforeSend!(ctx);
		} catch (e) {
			if (isModerationVeto(e)) throw e;
			throw new ModerationHookError(hook.name, e);
		}
	}

	return {
		/** Adds a hook; returns a function that removes it. */
		use(hook: ModerationHook): () => void {
			hooks = sort([...hooks, hook]);
			return () => {
				hooks = hooks.filter((h) => h !== hook);
			};
		},
		get hooks(): readonly ModerationHook[] {
			return hooks;
		},

		/** Runs only the veto-style hooks: resolves when all let the text through, rejects with the first veto. */
		async beforeSend(ctx: ModerationContext): Promise<void> {
			for (const hook of hooks) if (hook.beforeSend) await runBeforeSend(hook, ctx);
		},

		/**
		 * Runs every hook (with `deferred`, every hook but the immediate ones) on a text and combines their verdicts. Stops early at a block (nothing later can change
		 * it). A `beforeSend` veto counts as a block with its code; a `beforeSend` hook that breaks rejects with a
		 * `ModerationHookError` as it always did; a `check` that throws holds the text.
		 */
		async run(input: RunInput, { deferred = false }: { deferred?: boolean } = {}): Promise<Decision> {
			const env = input.minorsPresent !== undefined && input.policy ? { minorsPresent: input.minorsPresent, policy: input.policy } : context ? await context(input.spaceId) : undefined;
			const minorsPresent = input.minorsPresent ?? env?.minorsPresent ?? false;
			const policy = input.policy ?? env?.policy ?? STRICT_POLICY;
			let text = input.text;
			const outcomes: (Outcome & { code?: ErrorCode; text?: string })[] = [];
			for (const hook of hooks) {
				// Settled document text: the immediate hooks already saw every keystroke of it.
				if (deferred && hook.immediate) continue;
				if (hook.beforeSend && input.authorRole) {
					const legacy: ModerationContext = {
						spaceId: input.spaceId,
						authorId: input.authorId,
						authorName: input.authorName,
						role: input.authorRole,
						text,
						lang: input.lang,
						clientId: input.clientId,
						editOf: input.editOf
					};
					try {
						await runBeforeSend(hook, legacy);
					} catch (e) {
						if (!isModerationVeto(e)) throw e;
						outcomes.push({ hook: hook.name, action: 'block', reason: e.reason ?? e.code, code: e.code });
						break;
					}
				}
				if (!hook.check) continue;
				const ctx: TextContext = { ...input, text, minorsPresent, policy };
				let verdict: Verdict | void;
				try {
					verdict = await hook.check(ctx);
				} catch (err) {
					log?.error({ err, hook: hook.name, spaceId: input.spaceId, authorId: input.authorId, kind: input.kind }, 'moderation hook failed; the text is held for review');
					verdict = { action: 'hold', reason: 'hook_failed' };
				}
				if (!verdict) verdict = { action: 'allow' };
				if (verdict.action === 'redact') text = verdict.text;
				outcomes.push({ hook: hook.name, ...verdict });
				if (verdict.action === 'block') break;
			}
			const decision = combine(input.text, outcomes);
			if (decision.action !== 'allow') {
				log?.info(
					{ spaceId: input.spaceId, authorId: input.authorId, kind: input.kind, action: decision.action, hook: decision.hook, reason: decision.reason, outcomes: decision.outcomes },
					'moderation decided on a text'
				);
			}
			return decision;
		},

		/** Whether some hook runs only on settled document text (not `immediate`): the relay then schedules `run(…, { deferred: true })`. */
		get hasDeferred(): boolean {
			return hooks.some((h) => !h.immediate && (h.check || h.beforeSend));
		},

		/**
		 * Runs the `immediate` hooks on a text synchronously (document text, keystroke by keystroke). A hook that
		 * throws, or turns out not to be synchronous, holds the text.
		 */
		checkNow(input: Omit<TextContext, 'authorRole' | 'clientId' | 'editOf'> & { authorRole?: SpaceRole | null }): Decision {
			const outcomes: (Outcome & { code?: ErrorCode; text?: string })[] = [];
			let text = input.text;
			for (const hook of hooks) {
				if (!hook.immediate || !hook.check) continue;
				let verdict: Verdict | void | Promise<Verdict | void>;
				try {
					verdict = hook.check({ authorRole: null, clientId: null, editOf: null, ...input, text });
				} catch (err) {
					log?.error({ err, hook: hook.name, spaceId: input.spaceId, authorId: input.authorId, kind: input.kind }, 'moderation hook failed; the text is held for review');
					verdict = { action: 'hold', reason: 'hook_failed' };
				}
				if (verdict instanceof Promise) {
					verdict.catch(() => {});
					log?.error({ hook: hook.name }, 'an immediate moderation hook answered asynchronously; the text is held for review');
					verdict = { action: 'hold', reason: 'hook_failed' };
				}
				if (!verdict) verdict = { action: 'allow' };
				if (verdict.action === 'redact') text = verdict.text;
				outcomes.push({ hook: hook.name, ...verdict });
				if (verdict.action === 'block') break;
			}
			return combine(input.text, outcomes);
		},

		/** Runs the translation checks (synchronous); a hook that throws withholds the translation. */
		checkTranslation(input: Omit<TranslationContext, 'minorsPresent' | 'policy'>): Decision {
			const ctx: TranslationContext = { ...input, minorsPresent: minorsKnown?.(input.spaceId) ?? true, policy: policyKnown?.() ?? STRICT_POLICY };
			const outcomes: Outcome[] = [];
			for (const hook of hooks) {
				if (!hook.checkTranslation) continue;
				let verdict: Verdict | void;
				try {
					verdict = hook.checkTranslation(ctx);
				} catch (err) {
					log?.error({ err, hook: hook.name, spaceId: input.spaceId, messageId: input.messageId }, 'translation check failed; the translation is withheld');
					verdict = { action: 'hold', reason: 'hook_failed' };
				}
				outcomes.push({ hook: hook.name, ...(verdict ?? { action: 'allow' }) });
			}
			return combine(input.text, outcomes);
		}
	};
}

export type ModerationPipeline = ReturnType<typeof createModerationPipeline>;
