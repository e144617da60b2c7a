import { describe, expect, it } from 'vitest';
import { contactHook } from './hooks';

const on = { contactFilterForMinors: true };
const off = { contactFilterForMinors: false };
const translation = (text: string, minorsPresent = true, policy = on) => ({ spaceId: 's', messageId: 'm', text, lang: 'en', minorsPresent, policy });

describe('contact details hook', () => {
	const hook = contactHook();

	it('holds a contact detail that appears only once translated (numbers written as words become digits)', () => {
		expect(hook.checkTranslation!(translation('my number is 6 1 2 3 4 5 6'))).toEqual({ action: 'hold', reason: 'contact_phone' });
		expect(hook.checkTranslation!(translation('write to jo at gmail dot com'))).toEqual({ action: 'hold', reason: 'contact_email' });
	});

	it('lets translations through where no minor is, or where the policy turns the filter off, and ordinary ones anywhere', () => {
		expect(hook.checkTranslation!(translation('my number is 6 1 2 3 4 5 6', false))).toEqual({ action: 'allow' });
		expect(hook.checkTranslation!(translation('my number is 6 1 2 3 4 5 6', true, off))).toEqual({ action: 'allow' });
		expect(hook.checkTranslation!(translation('see you on 2024-05-01 at 10:30, page 12'))).toEqual({ action: 'allow' });
	});

	it('answers translations synchronously', () => {
		expect(hook.checkTranslation!(translation('hello'))).not.toBeInstanceOf(Promise);
	});
});
