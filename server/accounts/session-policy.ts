import { createHash, randomBytes } from 'node:crypto';

export interface SessionTimes {
	createdAt: Date;
	lastSeenAt: Date;
	expiresAt: Date;
}

export interface SessionPolicy {
	idleMs: number;
	absoluteMs: number;
}

export type SessionState = 'valid' | 'idle_expired' | 'absolute_expired';

/** Whether a session may still be used at `now` (OWASP ASVS 3.3: idle timeout and absolute lifetime). */
export function sessionState(s: SessionTimes, policy: SessionPolicy, now: Date): SessionState {
	if (now.getTime() >= s.expiresAt.getTime()) return 'absolute_expired';
	if (now.getTime() - s.lastSeenAt.getTime() >= policy.idleMs) return 'idle_expired';
	return 'valid';
}

/** Writing last-seen on every request would make each page view a write; once a minute is enough for a 30-minute idle window. */
export function shouldTouch(s: SessionTimes, now: Date, policy: SessionPolicy): boolean {
	const interval = Math.min(60_000, policy.idleMs / 10);
	return now.getTime() - s.lastSeenAt.getTime() >= interval;
}

/** 256-bit random token, base64url. The client holds it; the server keeps only its hash. */
export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

/** Tokens are 43 base64url characters; anything else is rejected before touching the database. */
export function isWellFormedToken(token: unknown): token is string {
	return typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token);
}
