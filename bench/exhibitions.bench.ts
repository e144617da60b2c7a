/**
 * What a PDF download costs everyone else on the server. A member downloads a long work — the automerge-paper
 * trace's final text, 104,852 characters, as a Tessera text document's paragraphs — while another client keeps
 * asking GET /healthz (standing in for every other request: chat, documents, pages). Tessera makes the PDF on its
 * render thread (server/exhibitions/renderer.ts); the reference is the same `toPdf` call on the main thread, as a
 * server without the thread would. Same process, same server, same fonts. The figure that matters is how the other
 * client fares while PDFs are made: its requests/s and latency.
 *
 * And what a visitor waits for: the public page of the demo program's exhibition (`npm run seed:demo`: eight works,
 * texts and canvases, every consent checked on each request) through the whole stack, against a bare node:http server
 * in the same process that calls the same service and writes the same facts into a minimal page.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { it } from 'vitest';
import { toPdf, type PdfWork } from '../server/exhibitions/download';
import { createFontLibrary } from '../server/exhibitions/fonts';
import { createRenderer } from '../server/exhibitions/renderer';
import { loadConfig } from '../server/config';
import { seedDemo } from '../server/demo';
import { escapeHtml } from '../server/exhibitions/render';
import { startTessera } from '../tests/e2e/browser';
import { startTestServer } from '../tests/helpers/server';
import { loadTest, recordResult } from './results';

const PDFS = 4;
const TRACE = new URL('../../shared/bench-data/automerge-paper.json.gz', import.meta.url);

function paperWork(): PdfWork {
	const { endContent } = JSON.parse(gunzipSync(readFileSync(TRACE)).toString('utf8')) as { endContent: string };
	return {
		kind: 'text',
		title: 'A Conflict-Free Replicated JSON Datatype',
		statement: 'The paper as it was typed, keystroke by keystroke (the automerge-paper editing trace, CC BY 4.0).',
		lang: 'en',
		madeAt: '2026-11-29',
		creditsHeading: 'Made by',
		credits: ['Martin Kleppmann', 'Alastair R. Beresford'],
		paragraphs: endContent.split(/\n{2,}/).filter((p) => p.trim())
	};
}

/** Pings `url` one request after another until `stop()`; latencies in ms. */
function pinger(url: string) {
	const latencies: number[] = [];
	let running = true;
	const started = performance.now();
	const done = (async () => {
		while (running) {
			const t = performance.now();
			const res = await fetch(url);
			await res.arrayBuffer();
			latencies.push(performance.now() - t);
		}
	})();
	return async () => {
		running = false;
		await done;
		const seconds = (performance.now() - started) / 1000;
		latencies.sort((a, b) => a - b);
		const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
		return { rps: latencies.length / seconds, p50: q(0.5), p99: q(0.99), max: latencies.at(-1)! };
	};
}

it('PDF downloads of a 105k-character work: other requests while Tessera renders on its thread vs on the main thread', { timeout: 600_000 }, async () => {
	const server = await startTestServer({ db: 'pglite' });
	const renderer = createRenderer({ logger: server.app.logger });
	const fonts = createFontLibrary();
	const work = paperWork();
	const ping = `${server.url}/healthz`;
	try {
		// Warm-up: the thread, the fonts, the JIT.
		await renderer.pdf(work);
		await toPdf(work, { fonts });

		let stop = pinger(ping);
		let t = performance.now();
		for (let i = 0; i < PDFS; i++) {
			await renderer.pdf(work);
			await new Promise((r) => setTimeout(r, 50));
		}
		const threadMs = (performance.now() - t) / PDFS;
		const tessera = await stop();

		stop = pinger(ping);
		t = performance.now();
		for (let i = 0; i < PDFS; i++) {
			await toPdf(work, { fonts });
			// A pause between downloads, as separate requests would leave: the other client gets its turn there.
			await new Promise((r) => setTimeout(r, 50));
		}
		const inlineMs = (performance.now() - t) / PDFS;
		const reference = await stop();

		recordResult({
			bench: 'exhibitions-downloads',
			case: 'pglite',
			rows: [
				{ name: `GET /healthz while Tessera makes PDFs on its render thread (${threadMs.toFixed(0)} ms each, worst ping ${tessera.max.toFixed(0)} ms)`, ...tessera },
				{ name: `reference: the same PDFs made on the main thread (${inlineMs.toFixed(0)} ms each, worst ping ${reference.max.toFixed(0)} ms)`, ...reference }
			],
			ratio: tessera.rps / reference.rps,
			note: `${PDFS} PDFs of the automerge-paper text (${work.paragraphs!.length} paragraphs) one after another, one client pinging meanwhile`
		});
	} finally {
		await renderer.close();
		await server.close();
	}
});

const PAGE_REQUESTS = 600;
const PAGE_CONCURRENCY = 8;

const loadPages = (url: string) => loadTest({ url, requests: PAGE_REQUESTS, concurrency: PAGE_CONCURRENCY });

it('the public exhibition page of the demo program: Tessera vs bare node:http with the same service call', { timeout: 600_000 }, async () => {
	const dataDir = await mkdtemp(join(tmpdir(), 'tessera-bench-exhibition-'));
	let reference: Server | undefined;
	const app = await (async () => {
		await seedDemo({ config: loadConfig({}, { dataDir, databaseUrl: undefined, logLevel: 'silent' }) });
		return startTessera({ dataDir });
	})();
	try {
		const exhibitions = app.server.app.exhibitions;
		const slug = 'cities-we-share';
		const works = (await exhibitions.publicExhibition({ slug, locale: 'en' }))!.works.length;
		reference = createServer(async (_req, res) => {
			const page = await exhibitions.publicExhibition({ slug, locale: 'en' });
			if (!page) return void res.writeHead(404).end();
			const body = `<!doctype html><html lang="en"><title>${escapeHtml(page.title.text)}</title><h1>${escapeHtml(page.title.text)}</h1><p>${escapeHtml(page.introduction.text)}</p>${page.works
				.map((w) => `<figure><h2>${escapeHtml(w.title.text)}</h2>${w.imageUrl ? `<img src="${w.imageUrl}" alt="${escapeHtml(w.altText.text)}">` : `<article>${w.html}</article>`}<figcaption>${escapeHtml(w.statement.text)}</figcaption></figure>`)
				.join('')}</html>`;
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
		});
		await new Promise<void>((r) => reference!.listen(0, '127.0.0.1', r));
		const refUrl = `http://127.0.0.1:${(reference.address() as AddressInfo).port}/`;
		const pageUrl = `${app.url}/exhibitions/${slug}`;
		await loadPages(pageUrl); // warm-up
		await loadPages(refUrl);
		const tessera = await loadPages(pageUrl);
		const floor = await loadPages(refUrl);
		recordResult({
			bench: 'exhibitions-public-page',
			case: 'pglite',
			rows: [
				{ name: `Tessera GET /exhibitions/${slug} (server-rendered, no JavaScript)`, ...tessera },
				{ name: 'reference: bare node:http, same service call, minimal page', ...floor }
			],
			ratio: tessera.rps / floor.rps,
			note: `the seeded demo program, ${works} works shown; ${PAGE_REQUESTS} requests, ${PAGE_CONCURRENCY} concurrent, keep-alive fetch from the same process`
		});
	} finally {
		reference?.close();
		await app.close();
		await rm(dataDir, { recursive: true, force: true });
	}
});
