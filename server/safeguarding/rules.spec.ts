import { describe, expect, it } from 'vitest';
import { changedFields, checkPolicy, consentAgeFor, DEFAULT_POLICY, policyPatch } from './policy';
import { isSupervisor, lastSupervisorLeaving, needsSupervisor } from './rules';
import { redactLinks } from './outbox';

describe('policy rules', () => {
	it('a country override wins over the default consent age, whatever the code case', () => {
		const p = { consentAge: 16, consentAgeByCountry: { ES: 14 } };
		expect(consentAgeFor(p, 'ES')).toBe(14);
		expect(consentAgeFor(p, 'es')).toBe(14);
		expect(consentAgeFor(p, 'GB')).toBe(16);
	});

	it('consent ages above the minor age are refused field by field', () => {
		expect(checkPolicy({ minorAge: 18, consentAge: 16, consentAgeByCountry: { ES: 14 } })).toEqual({});
		expect(checkPolicy({ minorAge: 15, consentAge: 16, consentAgeByCountry: { ES: 17 } })).toEqual({
			consentAge: 'consent_age_above_minor_age',
			consentAgeByCountry: 'consent_age_above_minor_age'
		});
	});

	it('the patch schema upper-cases country codes and refuses unknown fields and countries', () => {
		expect(policyPatch.parse({ consentAgeByCountry: { fr: 15 } })).toEqual({ consentAgeByCountry: { FR: 15 } });
		expect(policyPatch.safeParse({ consentAgeByCountry: { XX: 15 } }).success).toBe(false);
		expect(policyPatch.safeParse({ adminPassword: 'x' }).success).toBe(false);
		expect(policyPatch.safeParse({ retentionDays: 29 }).success).toBe(false);
		expect(policyPatch.safeParse({ retentionDays: 30 }).success).toBe(true);
	});

	it('only fields whose value really changes are recorded', () => {
		expect(changedFields(DEFAULT_POLICY, { minorAge: 18, consentAge: 15, consentAgeByCountry: {} })).toEqual({ consentAge: 15 });
	});
});

describe('minor rules', () => {
	it('a supervisor counts only as an active moderator or admin', () => {
		expect(isSupervisor({ spaceRole: 'supervisor', accountRole: 'moderator', status: 'active' })).toBe(true);
		expect(isSupervisor({ spaceRole: 'supervisor', accountRole: 'admin', status: 'active' })).toBe(true);
		expect(isSupervisor({ spaceRole: 'supervisor', accountRole: 'mentor', status: 'active' })).toBe(false);
		expect(isSupervisor({ spaceRole: 'supervisor', accountRole: 'moderator', status: 'suspended' })).toBe(false);
		expect(isSupervisor({ spaceRole: 'member', accountRole: 'moderator', status: 'active' })).toBe(false);
	});

	it('a space with a minor needs a supervisor only while the policy asks for one', () => {
		expect(needsSupervisor({ policy: { supervisedSpacesForMinors: true }, minorPresent: true, supervisors: 0 })).toBe(true);
		expect(needsSupervisor({ policy: { supervisedSpacesForMinors: true }, minorPresent: true, supervisors: 1 })).toBe(false);
		expect(needsSupervisor({ policy: { supervisedSpacesForMinors: true }, minorPresent: false, supervisors: 0 })).toBe(false);
		expect(needsSupervisor({ policy: { supervisedSpacesForMinors: false }, minorPresent: true, supervisors: 0 })).toBe(false);
	});

	it('the last supervisor may not leave a minor behind; one of two may', () => {
		expect(lastSupervisorLeaving({ leavingUserId: 's1', supervisorIds: ['s1'], minorIds: ['m'] })).toBe(true);
		expect(lastSupervisorLeaving({ leavingUserId: 's1', supervisorIds: ['s1', 's2'], minorIds: ['m'] })).toBe(false);
		expect(lastSupervisorLeaving({ leavingUserId: 's1', supervisorIds: ['s1'], minorIds: [] })).toBe(false);
		expect(lastSupervisorLeaving({ leavingUserId: 'x', supervisorIds: ['s1'], minorIds: ['m'] })).toBe(false);
	});
});

describe('outbox', () => {
	it('a sent consent link loses its token', () => {
		const token = 'a'.repeat(43);
		expect(redactLinks(`open https://t.example/consent/${token} now`)).toBe('open https://t.example/consent/… now');
	});
	it('a sent guardian link loses its token too', () => {
		const token = 'b'.repeat(43);
		expect(redactLinks(`keep https://t.example/guardian/${token}\nsafe`)).toBe('keep https://t.example/guardian/…\nsafe');
	});
});
