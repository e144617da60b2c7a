import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors';

export interface LoginLimitOptions {
	maxPerIp: number;
	maxPerAccount: number;
	windowSeconds: number;
}

/**
 * Login throttling per IP (every attempt counts) and per account (failures count, success resets).
 * The in-memory store serves one process; the scale-out issue swaps in rate-limiter-flexible's Redis store.
 */
export function createLoginLimiter({ maxPerIp, maxPerAccount, windowSeconds }: LoginLimitOptions) {
	const perIp = new RateLimiterMemory({ keyPrefix: 'login_ip', points: maxPerIp, duration: windowSeconds });
	const perAccount = new RateLimiterMemory({ keyPrefix: 'login_acct', points: maxPerAccount, duration: windowSeconds });
	const signUps = new RateLimiterMemory({ keyPrefix: 'signup_ip', points: maxPerIp, duration: windowSeconds });

	return {
		/** Throws rate_limited when this IP or this account may not try again yet. */
		async beforeAttempt({ ip, email }: { ip: string; email: string }): Promise<void> {
			const account = await perAccount.get(email);
			if (account && account.consumedPoints >= maxPerAccount) throw limited(account);
			await consume(perIp, ip);
		},
		async onFailure({ email }: { email: string }): Promise<void> {
			await perAccount.penalty(email, 1);
		},
		async onSuccess({ email }: { email: string }): Promise<void> {
			await perAccount.delete(email);
		},
		async beforeSignUp({ ip }: { ip: string }): Promise<void> {
			await consume(signUps, ip);
		}
	};
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;

async function consume(limiter: RateLimiterMemory, key: string): Promise<void> {
	try {
		await limiter.consume(key);
	} catch (e) {
		if (e instanceof RateLimiterRes) throw limited(e);
		throw e;
	}
}

function limited(res: RateLimiterRes): AppError {
	return new AppError(429, 'rate_limited', { retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) });
}
