import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors';

export interface LoginLimitOptions {
	maxPerIp: number;
	maxPerAccount: number;
	windowSeconds: number;
	signUpsPerIpPerHour: number;
	/** Builds each limit (`Scale['limiter']`: in Redis with several processes, so a guess on one counts on all). */
	limiter?: (options: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract;
}

const inMemory = ({ keyPrefix, points, duration }: { keyPrefix: string; points: number; duration: number }) => new RateLimiterMemory({ keyPrefix, points, duration });

/**
 * Password guessing limits. An attempt reserves its point *before* the (slow) password check, so parallel
 * guesses cannot slip past the limit; a correct password gives the points back, so only failures count and a
 * class signing in from one school network does not lock itself out. In memory with one process; with several,
 * rate-limiter-flexible's Redis store (`limiter`), so the limits hold whichever process a guess reaches.
 */
export function createLoginLimiter({ maxPerIp, maxPerAccount, windowSeconds, signUpsPerIpPerHour, limiter = inMemory }: LoginLimitOptions) {
	const perIp = limiter({ keyPrefix: 'login_ip', points: maxPerIp, duration: windowSeconds });
	const perAccount = limiter({ keyPrefix: 'login_acct', points: maxPerAccount, duration: windowSeconds });
	const signUps = limiter({ keyPrefix: 'signup_ip', points: signUpsPerIpPerHour, duration: 3600 });

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

async function consume(limiter: RateLimiterAbstract, key: string): Promise<void> {
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
