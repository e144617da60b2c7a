/**
 * What a PDF download costs everyone else on the server. A member downloads a long work — the automerge-paper
 * trace's final text, 104,852 characters, as a Tessera text document's paragraphs — while another client keeps
 * asking GET /healthz (standing in for every other request: chat, documents, pages). Tessera makes the PDF on its
 * render thread (server/exhibitions/renderer.ts); the reference is the same `toPdf` call on the main thread, as a
 * server without the thread would. Same process, same server, same fonts. The figure that matters is how the other
 * client fares while PDFs are made: its requests/s and latency.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { it } from 'vitest';
import { toPdf, type PdfWork } from '../server/exhibitions/download';
import { createFontLibrary } from '../server/exhibitions/fonts';
import { createRenderer } from '../server/exhibitions/renderer';
import { startTestServer } from '../tests/helpers/server';
import { recordResult } from './results';

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
