import type { ErrorCode } from '../../src/lib/protocol/codes';
import type { SpaceRole } from '../spaces/permissions';

/** What a hook sees of a text about to be stored: a new message, or a new text for an existing one. */
export interface ModerationContext {
	readonly spaceId: string;
	readonly authorId: string;
	readonly authorName: string;
	readonly role: SpaceRole;
	readonly text: string;
	/** BCP 47 tag of the text. */
	readonly lang: string;
	/** The client's id of the send; for an edit, the message being edited is `editOf`. */
	readonly clientId: string | null;
	readonly editOf: string | null;
}

/**
 * One step of the moderation pipeline (Hocuspocus `Extension` style): optional async functions, run in
 * priority order (highest first, 100 by default). Throwing a `ModerationVeto` refuses the text with that code;
 * any other error also refuses it (as `internal`), so a broken hook fails closed.
 */
export interface ModerationHook {
	name: string;
	priority?: number;
	/** Runs before every new text is stored: sends and edits. */
	beforeSend?(ctx: ModerationContext): Promise<void>;
}

/** Thrown by a hook to refuse a text; the sender gets `{ ok: false, error: { code } }` and nothing is stored or sent. */
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

/** Thrown by the pipeline when a hook failed with anything but a veto. */
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

/** The moderation pipeline. Empty by default: every text passes until the moderation service adds hooks. */
export function createModerationPipeline(initial: ModerationHook[] = []) {
	let hooks: ModerationHook[] = [];
	const sort = (list: ModerationHook[]) =>
		list
			.map((hook, i) => ({ hook, i }))
			.sort((a, b) => (b.hook.priority ?? DEFAULT_PRIORITY) - (a.hook.priority ?? DEFAULT_PRIORITY) || a.i - b.i)
			.map((x) => x.hook);
	hooks = sort(initial);

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
		/** Resolves when every hook let the text through; rejects with the first veto (or a `ModerationHookError`). */
		async beforeSend(ctx: ModerationContext): Promise<void> {
			for (const hook of hooks) {
				if (!hook.beforeSend) continue;
				try {
					await hook.beforeSend(ctx);
				} catch (e) {
					if (isModerationVeto(e)) throw e;
					throw new ModerationHookError(hook.name, e);
				}
			}
		}
	};
}

export type ModerationPipeline = ReturnType<typeof createModerationPipeline>;
