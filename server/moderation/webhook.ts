import { z } from 'zod';
import type { Logger } from '../logger';
import type { ModerationHook, TextContext, Verdict } from './pipeline';

export interface WebhookOptions {
	url: string;
	timeoutMs: number;
	/** What a timeout, an error or an answer that makes no sense means: let the text through, or hold it. */
	fail: 'open' | 'closed';
	logger: Logger;
	priority?: number;
}

const answer = z.object({
	action: z.enum(['allow', 'hold', 'block']),
	reason: z.string().optional()
});

/** A classifier's reason, kept only when it is a short code (it is stored and logged). */
function reasonCode(reason: string | undefined): string {
	return reason && /^[a-z0-9_.-]{1,40}$/i.test(reason) ? reason.toLowerCase() : 'classifier';
}

/**
 * An external classifier: POST `{ text, lang, spaceId, kind, minorsPresent }` as JSON, answered with
 * `{ action: 'allow' | 'hold' | 'block', reason? }`. A timeout, a failed request, a non-2xx status or a malformed
 * answer follows `fail`: `closed` holds the text for review (`classifier_unavailable`), `open` lets it through.
 */
export function createWebhookHook({ url, timeoutMs, fail, logger, priority = 50 }: WebhookOptions): ModerationHook {
	const log = logger.child({ ns: 'moderation.webhook' });
	const failed = (why: string, extra: Record<string, unknown> = {}): Verdict => {
		log.warn({ why, fail, ...extra }, 'moderation classifier did not answer usefully');
		return fail === 'open' ? { action: 'allow', reason: 'classifier_unavailable' } : { action: 'hold', reason: 'classifier_unavailable' };
	};

	return {
		name: 'webhook',
		priority,
		async check(ctx: TextContext): Promise<Verdict> {
			let res: Response;
			try {
				res = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json', accept: 'application/json' },
					body: JSON.stringify({ text: ctx.text, lang: ctx.lang, spaceId: ctx.spaceId, kind: ctx.kind, minorsPresent: ctx.minorsPresent }),
					signal: AbortSignal.timeout(timeoutMs)
				});
			} catch (err) {
				const name = (err as { name?: string })?.name;
				return failed(name === 'TimeoutError' ? 'timeout' : 'request failed', { error: name });
			}
			if (!res.ok) {
				await res.body?.cancel().catch(() => {});
				return failed('status', { status: res.status });
			}
			let body: unknown;
			try {
				body = await res.json();
			} catch {
				return failed('not json');
			}
			const parsed = answer.safeParse(body);
			if (!parsed.success) return failed('malformed answer');
			const { action, reason } = parsed.data;
			if (action === 'allow') return { action: 'allow' };
			return { action, reason: reasonCode(reason) };
		}
	};
}
