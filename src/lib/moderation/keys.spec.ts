import { describe, expect, it } from 'vitest';
import { actionForKey } from './keys';

const press = (key: string, extra: Partial<{ ctrlKey: boolean; altKey: boolean; metaKey: boolean; target: unknown }> = {}) => ({
	key,
	ctrlKey: false,
	altKey: false,
	metaKey: false,
	target: { tagName: 'ARTICLE' },
	...extra
});

describe('console keys', () => {
	it('a plain letter runs the action the item offers, in either case', () => {
		expect(actionForKey(press('a'), ['approve', 'reject'])).toBe('approve');
		expect(actionForKey(press('R'), ['approve', 'reject'])).toBe('reject');
	});
	it('a letter for an action the item does not offer does nothing', () => {
		expect(actionForKey(press('a'), ['resolve', 'dismiss'])).toBeNull();
	});
	it('shortcuts with Ctrl, Alt or Meta belong to the browser', () => {
		expect(actionForKey(press('a', { ctrlKey: true }), ['approve'])).toBeNull();
		expect(actionForKey(press('l', { metaKey: true }), ['lock'])).toBeNull();
	});
	it('typing in a field is never taken for a shortcut', () => {
		expect(actionForKey(press('a', { target: { tagName: 'TEXTAREA' } }), ['approve'])).toBeNull();
		expect(actionForKey(press('d', { target: { tagName: 'INPUT' } }), ['delete'])).toBeNull();
	});
});
