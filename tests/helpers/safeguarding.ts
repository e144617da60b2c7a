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
	const mail = (res.body.mail as { to: string; body: string }[]).filter((m) => m.to === guardianEmail && /\/consent\//.test(m.body)).at(-1);
	const token = mail && /\/consent\/([A-Za-z0-9_-]{43})/.exec(mail.body)?.[1];
	if (!token) throw new Error('no consent mail for that guardian');
	return token;
}

/** The token of the standing link in the newest unsent mail to `guardianEmail` (mailed when they confirm), read from the outbox. */
export async function guardianLinkToken(url: string, admin: { token: string }, guardianEmail: string): Promise<string> {
	const res = await api(url, '/api/v1/admin/outbox', { token: admin.token });
	if (res.status !== 200) throw new Error(`outbox: ${res.status} ${res.text}`);
	const mail = (res.body.mail as { to: string; body: string }[]).filter((m) => m.to === guardianEmail && /\/guardian\//.test(m.body)).at(-1);
	const token = mail && /\/guardian\/([A-Za-z0-9_-]{43})/.exec(mail.body)?.[1];
	if (!token) throw new Error('no guardian link mail for that guardian');
	return token;
}

/**
 * Submits one of the guardian page's forms as a browser with JavaScript does: `{ type, status }`, and `data`, the
 * action's answer as SvelteKit serialises it (messages appear in it as plain strings).
 */
export async function guardianForm(
	url: string,
	token: string,
	action: 'grant' | 'withdraw' | 'rotate',
	fields: Record<string, string> = {},
	headers: Record<string, string> = {}
): Promise<{ type: string; status: number; data: string }> {
	const res = await api(url, `/guardian/${token}?/${action}`, {
		raw: new URLSearchParams(fields).toString(),
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, 'x-sveltekit-action': 'true', accept: 'application/json', ...headers }
	});
	if (typeof res.body !== 'object' || res.body === null) throw new Error(`guardian form answered ${res.status}: ${res.text.slice(0, 200)}`);
	return { type: res.body.type, status: res.body.status ?? res.status, data: String(res.body.data ?? '') };
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

export interface FakeSmtp {
	url: string;
	/** Each message received: envelope recipient and the decoded text body. */
	messages: { to: string; subject: string; body: string }[];
	close(): Promise<void>;
}

/** A small SMTP server on a loopback port that accepts everything and decodes what it is sent (base64 bodies). */
export async function fakeSmtp(): Promise<FakeSmtp> {
	const { createServer } = await import('node:net');
	const messages: FakeSmtp['messages'] = [];
	const server = createServer((socket) => {
		let buffer = '';
		let data: string[] | null = null;
		let to = '';
		socket.write('220 fake ESMTP\r\n');
		socket.on('data', (chunk) => {
			buffer += chunk.toString('utf8');
			let i: number;
			while ((i = buffer.indexOf('\r\n')) !== -1) {
				const line = buffer.slice(0, i);
				buffer = buffer.slice(i + 2);
				if (data) {
					if (line !== '.') {
						data.push(line);
						continue;
					}
					const text = data.join('\n');
					const [head = '', body = ''] = text.split('\n\n');
					const subject = /^Subject: (.*)$/m.exec(head)?.[1] ?? '';
					const decodedSubject = subject.replace(/=\?UTF-8\?B\?([^?]+)\?=/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
					messages.push({ to, subject: decodedSubject, body: Buffer.from(body.replace(/\n/g, ''), 'base64').toString('utf8') });
					data = null;
					socket.write('250 queued\r\n');
					continue;
				}
				if (line.startsWith('EHLO')) socket.write('250-fake\r\n250 SIZE 1000000\r\n');
				else if (line.startsWith('MAIL FROM')) socket.write('250 ok\r\n');
				else if (line.startsWith('RCPT TO')) (to = /<([^>]*)>/.exec(line)?.[1] ?? ''), socket.write('250 ok\r\n');
				else if (line === 'DATA') (data = []), socket.write('354 go ahead\r\n');
				else if (line === 'QUIT') socket.end('221 bye\r\n');
				else socket.write('502 unknown\r\n');
			}
		});
		socket.on('error', () => {});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return { url: `smtp://127.0.0.1:${port}`, messages, close: () => new Promise<void>((r) => server.close(() => r())) };
}
