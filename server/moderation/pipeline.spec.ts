import { describe, expect, it } from 'vitest';
import { combine, createModerationPipeline, ModerationVeto, type ModerationHook, type RunInput, type Verdict } from './pipeline';

const input: RunInput = {
	spaceId: 's',
	authorId: 'u',
	authorName: 'Ana',
	authorRole: 'member',
	text: 'hello',
	lang: 'en',
	kind: 'chat',
	clientId: 'c1',
	editOf: null,
	minorsPresent: false,
	policy: { contactFilterForMinors: true }
};

const answering = (name: string, verdict: Verdict | void, priority?: number): ModerationHook => ({ name, priority, check: () => verdict });

describe('moderation pipeline verdicts', () => {
	it('block beats hold beats redact beats allow, and every hook’s outcome is recorded', async () => {
		const p = createModerationPipeline([
			answering('a', { action: 'allow' }, 500),
			answering('r', { action: 'redact', text: 'he***', reason: 'pii' }, 400),
			answering('h', { action: 'hold', reason: 'grooming' }, 300),
			answering('h2', { action: 'hold', reason: 'later' }, 250),
			answering('nothing', undefined, 200)
		]);
		expect(await p.run(input)).toEqual({
			action: 'hold',
			text: 'he***',
			hook: 'h',
			reason: 'grooming',
			outcomes: [
				{ hook: 'a', action: 'allow' },
				{ hook: 'r', action: 'redact', reason: 'pii' },
				{ hook: 'h', action: 'hold', reason: 'grooming' },
				{ hook: 'h2', action: 'hold', reason: 'later' },
				{ hook: 'nothing', action: 'allow' }
			]
		});
		p.use(answering('b', { action: 'block', reason: 'slur' }, 1));
		expect(await p.run(input)).toMatchObject({ action: 'block', hook: 'b', reason: 'slur', code: 'message_blocked' });
	});

	it('a block stops the pipeline: later hooks (a slow classifier) are not asked', async () => {
		const asked: string[] = [];
		const p = createModerationPipeline([
			{ name: 'first', priority: 200, check: () => (asked.push('first'), { action: 'block', reason: 'flood', code: 'message_flood' }) },
			{ name: 'later', priority: 100, check: () => void asked.push('later') }
		]);
		expect(await p.run(input)).toMatchObject({ action: 'block', code: 'message_flood' });
		expect(asked).toEqual(['first']);
	});

	it('later hooks see the redacted text; the decision carries it', async () => {
		const seen: string[] = [];
		const p = createModerationPipeline([answering('r', { action: 'redact', text: 'h****', reason: 'x' }, 200), { name: 'spy', check: (ctx) => void seen.push(ctx.text) }]);
		expect(await p.run(input)).toMatchObject({ action: 'redact', text: 'h****', hook: 'r' });
		expect(seen).toEqual(['h****']);
	});

	it('a hook that throws holds the text (fails closed) and the rest still run', async () => {
		const p = createModerationPipeline([
			{ name: 'broken', priority: 200, check: () => Promise.reject(new Error('classifier down')) },
			answering('fine', { action: 'allow' })
		]);
		expect(await p.run(input)).toEqual({
			action: 'hold',
			text: 'hello',
			hook: 'broken',
			reason: 'hook_failed',
			outcomes: [
				{ hook: 'broken', action: 'hold', reason: 'hook_failed' },
				{ hook: 'fine', action: 'allow' }
			]
		});
	});

	it('a veto from an older beforeSend hook is a block with its code', async () => {
		const p = createModerationPipeline([{ name: 'veto', beforeSend: async () => { throw new ModerationVeto('forbidden', 'contact'); } }]);
		expect(await p.run(input)).toMatchObject({ action: 'block', code: 'forbidden', hook: 'veto' });
	});

	it('fills in minors and policy from the context provider', async () => {
		const seen: boolean[] = [];
		const p = createModerationPipeline({
			hooks: [{ name: 'spy', check: (ctx) => void seen.push(ctx.minorsPresent) }],
			context: async (spaceId) => ({ minorsPresent: spaceId === 'with-minor', policy: { contactFilterForMinors: true } })
		});
		const { minorsPresent: _m, policy: _p, ...bare } = input;
		await p.run({ ...bare, spaceId: 'with-minor' });
		await p.run({ ...bare, spaceId: 'adults' });
		expect(seen).toEqual([true, false]);
	});

	it('checks translations synchronously, unknown minors counting as present', () => {
		const p = createModerationPipeline({
			hooks: [{ name: 'list', checkTranslation: (ctx) => (ctx.minorsPresent ? { action: 'hold', reason: 'grooming' } : undefined) }],
			minorsKnown: (spaceId) => (spaceId === 'adults' ? false : undefined)
		});
		expect(p.checkTranslation({ spaceId: 'adults', messageId: 'm', text: 'x', lang: 'es' }).action).toBe('allow');
		expect(p.checkTranslation({ spaceId: 'unknown', messageId: 'm', text: 'x', lang: 'es' }).action).toBe('hold');
	});

	it('checks translations under the policy as last known, the strict default until it is known', () => {
		let known: { contactFilterForMinors: boolean } | undefined;
		const p = createModerationPipeline({
			hooks: [{ name: 'spy', checkTranslation: (ctx) => (ctx.policy.contactFilterForMinors ? { action: 'hold', reason: 'contact_phone' } : undefined) }],
			policyKnown: () => known
		});
		const check = () => p.checkTranslation({ spaceId: 's', messageId: 'm', text: 'x', lang: 'es' }).action;
		expect(check()).toBe('hold');
		known = { contactFilterForMinors: false };
		expect(check()).toBe('allow');
	});

	it('combine names the first hook of the strongest action', () => {
		expect(
			combine('t', [
				{ hook: 'a', action: 'hold', reason: 'one' },
				{ hook: 'b', action: 'hold', reason: 'two' }
			])
		).toMatchObject({ action: 'hold', hook: 'a', reason: 'one' });
	});
});
