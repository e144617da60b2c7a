import { randomUUID } from 'node:crypto';
import type { Me } from '../../server/accounts';

export interface ApiOptions {
	method?: string;
	/** Sent as `authorization: Bearer <token>`. */
	token?: string;
	/** Sent as the `cookie` header, e.g. `tessera_session=...`. */
	cookie?: string;
	/** Serialised as JSON with `content-type: application/json` (unless `raw` is given instead). */
	body?: unknown;
	/** A body sent as is, with whatever content type `headers` says. */
	raw?: BodyInit;
	headers?: Record<string, string>;
}

export interface ApiResponse<T = any> {
	status: number;
	headers: Headers;
	/** Parsed JSON, or the text when the response is not JSON, or null when empty. */
	body: T;
	text: string;
}

/** One request to the server, as a real HTTP client makes it. */
export async function api<T = any>(url: string, path: string, options: ApiOptions = {}): Promise<ApiResponse<T>> {
	const headers: Record<string, string> = {};
	if (options.body !== undefined) headers['content-type'] = 'application/json';
	if (options.token) headers.authorization = `Bearer ${options.token}`;
	if (options.cookie) headers.cookie = options.cookie;
	Object.assign(headers, options.headers);
	const res = await fetch(new URL(path, url), {
		method: options.method ?? (options.body !== undefined || options.raw !== undefined ? 'POST' : 'GET'),
		headers,
		body: options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined),
		redirect: 'manual'
	});
	const text = await res.text();
	let body: any = text === '' ? null : text;
	if (text !== '' && (res.headers.get('content-type') ?? '').includes('application/json')) body = JSON.parse(text);
	return { status: res.status, headers: res.headers, body, text };
}

export const PASSWORD = 'correct horse battery staple';
export const BIRTH_DATE = '1990-07-13';

export function uniqueEmail(): string {
	return `t-${randomUUID()}@example.org`;
}

/** A valid sign-up body with a unique email; `overrides` replace fields (undefined removes one). */
export function signUpBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		email: uniqueEmail(),
		password: PASSWORD,
		displayName: 'Test Person',
		role: 'mentee',
		birthDate: BIRTH_DATE,
		country: 'GB',
		timezone: 'Europe/London',
		readingLanguage: 'en',
		...overrides
	};
}

/** Signs up through the API and fails loudly unless the server answers 201. */
export async function signUp(url: string, overrides: Record<string, unknown> = {}): Promise<{ user: Me; email: string; password: string }> {
	const body = signUpBody(overrides);
	const res = await api<{ user: Me }>(url, '/api/v1/users', { body });
	if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${res.text}`);
	return { user: res.body.user, email: body.email as string, password: body.password as string };
}

export interface SignedIn {
	token: string;
	/** `tessera_session=<value>`, ready for a `cookie` header. */
	cookie: string;
	/** The raw Set-Cookie header of the session cookie. */
	setCookie: string;
	user: Me;
}

/** Signs in through the API and fails loudly unless the server answers 201. */
export async function signIn(url: string, { email, password }: { email: string; password: string }, headers: Record<string, string> = {}): Promise<SignedIn> {
	const res = await api<{ token: string; user: Me }>(url, '/api/v1/sessions', { body: { email, password }, headers });
	if (res.status !== 201) throw new Error(`sign-in failed: ${res.status} ${res.text}`);
	const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('tessera_session='));
	if (!setCookie) throw new Error('sign-in set no session cookie');
	return { token: res.body.token, cookie: setCookie.split(';')[0]!, setCookie, user: res.body.user };
}

export interface TestUser extends SignedIn {
	id: string;
	email: string;
	password: string;
}

/** A new account, signed in. */
export async function newUser(url: string, overrides: Record<string, unknown> = {}): Promise<TestUser> {
	const { email, password } = await signUp(url, overrides);
	const session = await signIn(url, { email, password });
	return { ...session, id: session.user.id, email, password };
}

/** Creates a space as `owner` and returns its id. */
export async function createSpace(url: string, owner: { token: string }, body: { title?: string; kind?: 'pair' | 'collective' } = {}): Promise<string> {
	const res = await api(url, '/api/v1/spaces', { token: owner.token, body: { title: 'A space', kind: 'collective', ...body } });
	if (res.status !== 201) throw new Error(`create space failed: ${res.status} ${res.text}`);
	return res.body.id as string;
}

/** Creates an invite as `by` and returns its code. */
export async function createInvite(url: string, by: { token: string }, spaceId: string, body: Record<string, unknown> = {}): Promise<string> {
	const res = await api(url, `/api/v1/spaces/${spaceId}/invites`, { token: by.token, body });
	if (res.status !== 201) throw new Error(`create invite failed: ${res.status} ${res.text}`);
	return res.body.code as string;
}

export function acceptInvite(url: string, who: { token: string }, code: string): Promise<ApiResponse> {
	return api(url, `/api/v1/invites/${code}/accept`, { method: 'POST', token: who.token });
}

/** Puts `who` into the space through a fresh single-use invite from `owner`. */
export async function joinSpace(url: string, owner: { token: string }, who: { token: string }, spaceId: string, role: 'member' | 'observer' = 'member'): Promise<void> {
	const code = await createInvite(url, owner, spaceId, { role });
	const res = await acceptInvite(url, who, code);
	if (res.status !== 200) throw new Error(`accept invite failed: ${res.status} ${res.text}`);
}
