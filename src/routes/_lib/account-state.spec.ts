import { describe, expect, it } from 'vitest';
import { accountState } from './account-state';

describe('accountState', () => {
	it('an account waiting for a guardian is not shown as active', () => {
		expect(accountState({ status: 'pending_consent', withdrawn: false })).toBe('pending_consent');
	});

	it('suspension shows over waiting for consent and over withdrawn participation', () => {
		expect(accountState({ status: 'suspended', withdrawn: true })).toBe('suspended');
	});

	it('an active account whose participation was withdrawn shows as withdrawn; otherwise active', () => {
		expect(accountState({ status: 'active', withdrawn: true })).toBe('withdrawn');
		expect(accountState({ status: 'active', withdrawn: false })).toBe('active');
	});
});
