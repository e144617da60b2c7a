import { hash, verify } from '@node-rs/argon2';

// OWASP Password Storage Cheat Sheet, Argon2id: m=19 MiB, t=2, p=1. @node-rs/argon2 defaults to Argon2id.
const params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
	return hash(password, params);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

let dummy: Promise<string> | undefined;
/** Spends the same time as a real check, so a missing account cannot be told from a wrong password by timing. */
export async function verifyAgainstDummy(password: string): Promise<void> {
	dummy ??= hashPassword('tessera-dummy-password-for-timing');
	await verifyPassword(await dummy, password);
}
