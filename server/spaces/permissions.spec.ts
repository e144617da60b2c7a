import { describe, expect, it } from 'vitest';
import { canInvite, canRead, canWrite, hasRoomFor, inviteState } from './permissions';

describe('space permissions', () => {
	it('non-members can do nothing', () => {
		expect(canRead(null)).toBe(false);
		expect(canWrite(null)).toBe(false);
		expect(canInvite(null)).toBe(false);
	});
	it('observers read but neither write nor invite', () => {
		expect(canRead('observer')).toBe(true);
		expect(canWrite('observer')).toBe(false);
		expect(canInvite('observer')).toBe(false);
	});
	it('owners and members write and invite', () => {
		for (const r of ['owner', 'member'] as const) {
			expect(canWrite(r)).toBe(true);
			expect(canInvite(r)).toBe(true);
		}
	});
	it('a pair holds two participants, plus any observers and supervisors', () => {
		expect(hasRoomFor({ kind: 'pair', participants: 1, joiningRole: 'member' })).toBe(true);
		expect(hasRoomFor({ kind: 'pair', participants: 2, joiningRole: 'member' })).toBe(false);
		expect(hasRoomFor({ kind: 'pair', participants: 2, joiningRole: 'observer' })).toBe(true);
		expect(hasRoomFor({ kind: 'collective', participants: 40, joiningRole: 'member' })).toBe(true);
	});
	it('only the owner or a supervisor may invite an observer', () => {
		expect(canInvite('owner', 'observer')).toBe(true);
		expect(canInvite('supervisor', 'observer')).toBe(true);
		expect(canInvite('member', 'observer')).toBe(false);
		expect(canInvite('member', 'member')).toBe(true);
	});
});

describe('invite state', () => {
	const now = new Date('2026-03-01T12:00:00Z');
	const base = { expiresAt: new Date('2026-03-02T12:00:00Z'), maxUses: 1, uses: 0, revokedAt: null };
	it('is valid before expiry and before its uses run out', () => {
		expect(inviteState(base, now)).toBe('valid');
	});
	it('expires at its expiry time', () => {
		expect(inviteState(base, base.expiresAt)).toBe('expired');
	});
	it('a single-use link is used up after one use; a multi-use link is not', () => {
		expect(inviteState({ ...base, uses: 1 }, now)).toBe('used_up');
		expect(inviteState({ ...base, maxUses: null, uses: 50 }, now)).toBe('valid');
	});
	it('revoked beats everything', () => {
		expect(inviteState({ ...base, revokedAt: now }, now)).toBe('revoked');
	});
});
