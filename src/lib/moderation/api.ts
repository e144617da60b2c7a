/** What a call to the JSON API came back with: the body, or the server's message in the reader's language. */
export type ApiResult<T> = { ok: true; body: T } | { ok: false; status: number; code: string; message: string };

/** Calls a JSON endpoint of this app with the session cookie; never throws for an answer the server gave. */
export async function callApi<T = unknown>(path: string, { method = 'POST', body }: { method?: string; body?: unknown } = {}): Promise<ApiResult<T>> {
	let res: Response;
	try {
		res = await fetch(path, {
			method,
			headers: body === undefined ? undefined : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	} catch {
		return { ok: false, status: 0, code: 'network', message: '' };
	}
	const parsed = (await res.json().catch(() => null)) as (T & { error?: { code: string; message: string } }) | null;
	if (res.ok) return { ok: true, body: parsed as T };
	return { ok: false, status: res.status, code: parsed?.error?.code ?? 'internal', message: parsed?.error?.message ?? '' };
}
