import { describe, expect, it } from 'vitest';
import { hashToken, isWellFormedToken, newToken, sessionState, shouldTouch } from './session-policy';

const policy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000 };
const t0 = new Date('2026-01-01T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const session = (lastSeenMs = 0) => ({ createdAt: t0, lastSeenAt: at(lastSeenMs), expiresAt: at(policy.absoluteMs) });

describe('session expiry', () => {
	it('a session used within the idle window is valid', () => {
		expect(sessionState(session(), policy, at(29 * 60_000))).toBe('valid');
	});
	it('a session left idle for the idle timeout expires', () => {
		expect(sessionState(session(), policy, at(30 * 60_000))).toBe('idle_expired');
	});
	it('activity keeps a session alive, but never past its absolute lifetime', () => {
		const active = session(policy.absoluteMs - 60_000);
		expect(sessionState(active, policy, at(policy.absoluteMs - 1))).toBe('valid');
		expect(sessionState(active, policy, at(policy.absoluteMs))).toBe('absolute_expired');
	});
	it('last-seen is written at most about once a minute', () => {
		expect(shouldTouch(session(), at(10_000), policy)).toBe(false);
		expect(shouldTouch(session(), at(60_000), policy)).toBe(true);
	});
});

describe('tokens', () => {
	it('are 256-bit, unique, well-formed, and hashed one way', () => {
		const a = newToken();
		const b = newToken();
		expect(a).not.toBe(b);
		expect(Buffer.from(a, 'base64url')).toHaveLength(32);
		expect(isWellFormedToken(a)).toBe(true);
		expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
		expect(hashToken(a)).not.toContain(a);
	});
	it('malformed tokens are rejected without a lookup', () => {
		expect(isWellFormedToken('')).toBe(false);
		expect(isWellFormedToken('a'.repeat(44))).toBe(false);
		expect(isWellFormedToken("' or 1=1 --")).toBe(false);
		expect(isWellFormedToken(undefined)).toBe(false);
	});
});
