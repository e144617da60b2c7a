import { api, newUser, signUpBody, uniqueEmail, type TestUser } from './api';

/** A birth date that makes someone exactly `n` today (their birthday was yesterday). */
export function yearsAgo(n: number): string {
	const d = new Date();
	d.setUTCFullYear(d.getUTCFullYear() - n);
	d.setUTCDate(d.getUTCDate() - 1);
	return d.toISOString().slice(0, 10);
}

/** A sign-up body for someone `age` years old with a guardian named (unique email). */
export function minorBody(age: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return signUpBody({ birthDate: yearsAgo(age), guardianName: 'Rosa Example', guardianEmail: uniqueEmail(), ...overrides });
}

/** An account made a moderator (or admin) by `admin`. */
export async function newStaff(url: string, admin: { token: string }, role: 'moderator' | 'admin' = 'moderator'): Promise<TestUser> {
	const u = await newUser(url);
	const res = await api(url, `/api/v1/users/${u.id}`, { method: 'PATCH', token: admin.token, body: { role } });
	if (res.status !== 200) throw new Error(`making a ${role} failed: ${res.status} ${res.text}`);
	return u;
}

/** The consent token in the newest unsent mail to `guardianEmail`, read the way an admin would (the outbox). */
export async function consentToken(url: string, admin: { token: string }, guardianEmail: string): Promise<string> {
	const res = await api(url, '/api/v1/admin/outbox', { token: admin.token });
	if (res.status !== 200) throw new Error(`outbox: ${res.status} ${res.text}`);
	const mail = (res.body.mail as { to: string; body: string }[]).filter((m) => m.to === guardianEmail).at(-1);
	const token = mail && /\/consent\/([A-Za-z0-9_-]{43})/.exec(mail.body)?.[1];
	if (!token) throw new Error('no consent mail for that guardian');
	return token;
}

/**
 * The guardian ticks `purposes` and submits the consent page's form, as a browser with JavaScript does
 * (SvelteKit answers such a form post with `{ type, status }` JSON).
 */
export async function submitConsent(url: string, token: string, purposes: string[]): Promise<{ type: string; status: number }> {
	const form = new URLSearchParams(purposes.map((p) => [p, 'yes']));
	const res = await api(url, `/consent/${token}`, {
		raw: form.toString(),
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, 'x-sveltekit-action': 'true', accept: 'application/json' }
	});
	if (typeof res.body !== 'object' || res.body === null) throw new Error(`consent form answered ${res.status}: ${res.text.slice(0, 200)}`);
	return { type: res.body.type, status: res.body.status ?? res.status };
}
