import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local LibreTranslate: a real `node:http` server on 127.0.0.1, port 0, that speaks LibreTranslate's
 * documented API (`POST /translate` with `q` as a string or an array, `source: 'auto'` with
 * `detectedLanguage`, `POST /detect`, `GET /languages`, JSON or form bodies, `{ error }` bodies with the
 * real server's statuses and texts) and translates by tagging: "Hello" into es is "[es] Hello" (words in the
 * `glossary` are replaced first).
 * Tests make it fail, slow down or demand a key, and read what it received.
 */
export interface FakeLibreTranslate {
	url: string;
	/** Requests received, by path (also the ones answered with an error). */
	readonly requests: { translate: number; detect: number; languages: number };
	/** Every /translate request received: its `q` as an array, source and target, and whether it carried the key. */
	readonly received: { q: string[]; source: string; target: string; apiKey: string | undefined }[];
	/** Answers the next `count` requests to `paths` (default: every path, every request) with `status` and `{ error }`. */
	fail(options: { status: number; count?: number; retryAfterSeconds?: number; paths?: string[]; error?: string }): void;
	/** Waits this long before answering every request. */
	delay(ms: number): void;
	/** Back to answering at once and correctly. */
	heal(): void;
	close(): Promise<void>;
}

export interface FakeLibreTranslateOptions {
	/**
	 * Keys the server accepts. With keys, like a real server started with `--api-keys
	 * --require-api-key-origin`: a wrong key is 403 "Invalid API key", a missing one is 400.
	 */
	apiKeys?: string[];
	/** Language codes offered; every one translates into every other. */
	languages?: string[];
	/** Words translated for real, whole words only, before tagging: `{ sechs: '6' }` makes "sechs" into "[es] 6". */
	glossary?: Record<string, string>;
}

const NAMES: Record<string, string> = { en: 'English', es: 'Spanish', pt: 'Portuguese', fr: 'French', sw: 'Swahili', ar: 'Arabic', de: 'German', zh: 'Chinese', zt: 'Chinese (traditional)' };

/** Words that give a text away, for `auto` and /detect. */
const HINTS: [string, RegExp][] = [
	['es', /\b(hola|amigo|gracias|el|la|que|buenos)\b/i],
	['pt', /\b(olá|obrigad[oa]|você|bom dia|amigo)\b/i],
	['fr', /\b(bonjour|merci|ami|le|est)\b/i],
	['sw', /\b(habari|asante|rafiki|jambo)\b/i],
	['en', /\b(hello|the|friend|thanks|good|is)\b/i]
];

function detectLanguages(text: string, codes: string[]): { confidence: number; language: string }[] {
	const found = HINTS.filter(([code, re]) => codes.includes(code) && re.test(text)).map(([language], i) => ({ confidence: 90 - i * 10, language }));
	// As the real server does when it cannot tell: English with zero confidence.
	return found.length ? found : [{ confidence: 0, language: 'en' }];
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | null> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const raw = Buffer.concat(chunks).toString('utf8');
	const type = req.headers['content-type'] ?? '';
	if (type.includes('application/json')) {
		try {
			const parsed: unknown = JSON.parse(raw);
			return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
		} catch {
			return null;
		}
	}
	return Object.fromEntries(new URLSearchParams(raw));
}

export async function startLibreTranslate({ apiKeys, languages = ['en', 'es', 'pt', 'fr', 'sw', 'ar', 'de', 'zh', 'zt'], glossary = {} }: FakeLibreTranslateOptions = {}): Promise<FakeLibreTranslate> {
	const requests = { translate: 0, detect: 0, languages: 0 };
	const received: FakeLibreTranslate['received'] = [];
	let failure: { status: number; remaining: number; retryAfterSeconds?: number; paths?: string[]; error?: string } | undefined;
	let delayMs = 0;

	function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
		if (res.destroyed) return;
		res.writeHead(status, { 'content-type': 'application/json', ...headers });
		res.end(JSON.stringify(body));
	}

	function translateOne(text: string, target: string): string {
		return `[${target}] ${text.replace(/\p{L}+/gu, (w) => glossary[w] ?? w)}`;
	}

	async function handle(req: IncomingMessage, res: ServerResponse) {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		if (path === '/translate') requests.translate++;
		else if (path === '/detect') requests.detect++;
		else if (path === '/languages') requests.languages++;
		const body = req.method === 'POST' ? await readBody(req) : {};

		if (delayMs > 0) {
			await new Promise((r) => setTimeout(r, delayMs));
			if (res.destroyed) return;
		}
		if (failure && failure.remaining > 0 && (!failure.paths || failure.paths.includes(path))) {
			failure.remaining--;
			const messages: Record<number, string> = { 429: 'Slowdown: 1 per 1 minute', 500: 'Cannot translate text: model failure', 403: 'Too many request limits violations' };
			const headers: Record<string, string> = failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
			return send(res, failure.status, { error: failure.error ?? messages[failure.status] ?? 'Error' }, headers);
		}

		if (req.method === 'GET' && path === '/languages') {
			return send(
				res,
				200,
				languages.map((code) => ({ code, name: NAMES[code] ?? code, targets: languages.filter((t) => t !== code) }))
			);
		}
		if (req.method !== 'POST' || (path !== '/translate' && path !== '/detect')) return send(res, 404, { error: 'Not Found' });
		if (!body) return send(res, 400, { error: 'Invalid JSON format' });

		const key = typeof body.api_key === 'string' ? body.api_key : undefined;
		if (apiKeys) {
			if (key && !apiKeys.includes(key)) return send(res, 403, { error: 'Invalid API key' });
			if (!key) return send(res, 400, { error: 'Please contact the server operator to get an API key' });
		}

		const q = body.q;
		if (!q || (Array.isArray(q) && (q.length === 0 || !q.every((t) => typeof t === 'string'))) || (!Array.isArray(q) && typeof q !== 'string')) {
			return send(res, 400, { error: 'Invalid request: missing q parameter' });
		}
		if (path === '/detect') return send(res, 200, detectLanguages(Array.isArray(q) ? q.join(' ') : q, languages));

		const { source, target } = body;
		if (typeof source !== 'string' || !source) return send(res, 400, { error: 'Invalid request: missing source parameter' });
		if (typeof target !== 'string' || !target) return send(res, 400, { error: 'Invalid request: missing target parameter' });
		const format = body.format ?? 'text';
		if (format !== 'text' && format !== 'html') return send(res, 400, { error: `${String(format)} format is not supported` });
		const texts = Array.isArray(q) ? (q as string[]) : [q];
		received.push({ q: texts, source, target, apiKey: key });

		const detected = texts.map((t) => (source === 'auto' ? detectLanguages(t, languages)[0]! : { confidence: 100, language: source }));
		for (const d of detected) if (!languages.includes(d.language)) return send(res, 400, { error: `${d.language} is not supported` });
		if (!languages.includes(target)) return send(res, 400, { error: `${target} is not supported` });

		const translated = texts.map((t, i) => (detected[i]!.language === target ? t : translateOne(t, target)));
		const out: Record<string, unknown> = { translatedText: Array.isArray(q) ? translated : translated[0] };
		if (source === 'auto') out.detectedLanguage = Array.isArray(q) ? detected : detected[0];
		return send(res, 200, out);
	}

	const server = createServer((req, res) => {
		handle(req, res).catch(() => send(res, 500, { error: 'fake server failure' }));
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		received,
		fail({ status, count = Infinity, retryAfterSeconds, paths, error }) {
			failure = { status, remaining: count, retryAfterSeconds, paths, error };
		},
		delay(ms) {
			delayMs = ms;
		},
		heal() {
			failure = undefined;
			delayMs = 0;
		},
		async close() {
			if (!server.listening) return;
			const closed = once(server, 'close');
			server.close();
			server.closeAllConnections();
			await closed;
		}
	};
}
