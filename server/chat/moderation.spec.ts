import { describe, expect, it } from 'vitest';
import { createModerationPipeline, ModerationHookError, ModerationVeto, type ModerationContext } from './moderation';

const ctx: ModerationContext = {
	spaceId: 's',
	authorId: 'u',
	authorName: 'Ana',
	role: 'member',
	text: 'hello',
	lang: 'en',
	clientId: 'c1',
	editOf: null
};

describe('moderation pipeline', () => {
	it('an empty pipeline lets everything through', async () => {
		await expect(createModerationPipeline().beforeSend(ctx)).resolves.toBeUndefined();
	});

	it('runs hooks by priority, highest first, and in registration order on ties', async () => {
		const order: string[] = [];
		const hook = (name: string, priority?: number) => ({ name, priority, beforeSend: async () => void order.push(name) });
		const p = createModerationPipeline([hook('default-a'), hook('low', 10)]);
		p.use(hook('high', 200));
		p.use(hook('default-b'));
		await p.beforeSend(ctx);
		expect(order).toEqual(['high', 'default-a', 'default-b', 'low']);
	});

	it('a veto stops the pipeline and carries its code', async () => {
		const ran: string[] = [];
		const p = createModerationPipeline([
			{ name: 'filter', priority: 150, beforeSend: async () => { ran.push('filter'); throw new ModerationVeto('forbidden', 'contact details'); } },
			{ name: 'later', beforeSend: async () => void ran.push('later') }
		]);
		await expect(p.beforeSend(ctx)).rejects.toMatchObject({ name: 'ModerationVeto', code: 'forbidden' });
		expect(ran).toEqual(['filter']);
	});

	it('a hook that breaks refuses the text too (fails closed), naming the hook', async () => {
		const p = createModerationPipeline([{ name: 'broken', beforeSend: async () => { throw new TypeError('oops'); } }]);
		const err = await p.beforeSend(ctx).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ModerationHookError);
		expect((err as ModerationHookError).hook).toBe('broken');
	});

	it('a removed hook no longer runs; hooks without beforeSend are skipped', async () => {
		const p = createModerationPipeline([{ name: 'passive' }]);
		const off = p.use({ name: 'veto', beforeSend: async () => { throw new ModerationVeto('forbidden'); } });
		await expect(p.beforeSend(ctx)).rejects.toBeInstanceOf(ModerationVeto);
		off();
		await expect(p.beforeSend(ctx)).resolves.toBeUndefined();
		expect(p.hooks.map((h) => h.name)).toEqual(['passive']);
	});
});
