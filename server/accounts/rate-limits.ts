import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors';

export interface LoginLimitOptions {
	maxPerIp: number;
	maxPerAccount: number;
	windowSeconds: number;
	signUpsPerIpPerHour: number;
}

/**
 * Password guessing limits. An attempt reserves its point *before* the (slow) password check, so parallel
 * guesses cannot slip past the limit; a correct password gives the points back, so only failures count and a
 * class signing in from one school network does not lock itself out. The in-memory store serves one
 * process; the scale-out issue swaps in rate-limiter-flexible's Redis store.
 */
export function createLoginLimiter({ maxPerIp, maxPerAccount, windowSeconds, signUpsPerIpPerHour }: LoginLimitOptions) {
	const perIp = new RateLimiterMemory({ keyPrefix: 'login_ip', points: maxPerIp, duration: windowSeconds });
	const perAccount = new RateLimiterMemory({ keyPrefix: 'login_acct', points: maxPerAccount, duration: windowSeconds });
	const signUps = new RateLimiterMemory({ keyPrefix: 'signup_ip', points: signUpsPerIpPerHour, duration: 3600 });

	return {
		/** Throws rate_limited when this account or this IP may not try a password now. */
		async beforeAttempt({ ip, account }: { ip: string; account: string }): Promise<void> {
			await consume(perAccount, account);
			try {
				await consume(perIp, ip);
			} catch (e) {
				await perAccount.reward(account, 1);
				throw e;
			}
		},
		async onSuccess({ ip, account }: { ip: string; account: string }): Promise<void> {
			await perAccount.delete(account);
			await perIp.reward(ip, 1);
		},
		/** Re-entering the current password (to change it) counts against the same account limit as sign-in. */
		async beforePasswordCheck({ account }: { account: string }): Promise<void> {
			await consume(perAccount, account);
		},
		async afterPasswordCheckSucceeded({ account }: { account: string }): Promise<void> {
			await perAccount.delete(account);
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
