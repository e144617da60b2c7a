import { findContactDetails } from './contact';
import { createFloodGuard, type FloodGuard, type FloodOptions } from './flood';
import { createListMatcher, type ListMatcher, type WordList } from './lists';
import type { ModerationHook, PolicyView, Verdict } from './pipeline';

/**
 * Word and phrase lists (every shipped language on every text: people mix languages and the message's tag is
 * often just the reader's language), on originals and on their translations.
 */
export function wordListHook({ lists, priority = 300 }: { lists?: Record<string, WordList>; priority?: number } = {}): ModerationHook & { matcher: ListMatcher } {
	const matcher = createListMatcher(lists);
	const verdict = (text: string, minorsPresent: boolean): Verdict => {
		const [strongest] = matcher.match({ text, minorsPresent });
		return strongest ? { action: strongest.action, reason: strongest.reason } : { action: 'allow' };
	};
	return {
		name: 'word_list',
		priority,
		immediate: true,
		matcher,
		check: (ctx) => verdict(ctx.text, ctx.minorsPresent),
		checkTranslation: (ctx) => verdict(ctx.text, ctx.minorsPresent)
	};
}

/**
 * Contact details are held in spaces with a minor, when the policy's contact filter is on — in originals and in
 * their translations, where numbers written as words in one language may come out as digits in another.
 */
export function contactHook({ priority = 200 }: { priority?: number } = {}): ModerationHook {
	const verdict = ({ text, minorsPresent, policy }: { text: string; minorsPresent: boolean; policy: PolicyView }): Verdict => {
		if (!minorsPresent || !policy.contactFilterForMinors) return { action: 'allow' };
		const [kind] = findContactDetails(text);
		return kind ? { action: 'hold', reason: `contact_${kind}` } : { action: 'allow' };
	};
	return {
		name: 'contact_details',
		priority,
		immediate: true,
		check: verdict,
		checkTranslation: verdict
	};
}

/** Flood (block, `message_flood`) and repetition (hold) limits on new chat messages; edits and documents are not counted. */
export function floodHook({ priority = 400, ...options }: Partial<FloodOptions> & { priority?: number } = {}): ModerationHook & { guard: FloodGuard } {
	const guard = createFloodGuard(options);
	return {
		name: 'flood',
		priority,
		immediate: true,
		guard,
		check(ctx): Verdict {
			if (ctx.kind !== 'chat') return { action: 'allow' };
			const v = guard.check({ spaceId: ctx.spaceId, authorId: ctx.authorId, text: ctx.text });
			return v.action === 'block' ? { action: 'block', reason: v.reason, code: 'message_flood' } : v;
		}
	};
}
