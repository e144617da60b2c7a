/**
 * What checking document text costs the relay per keystroke. Tessera applies each client update inside a
 * transaction and reads what it wrote with the immediate moderation hooks (word lists, contact details) before
 * the update goes out (server/docs/moderation.ts); the reference relays only apply it (y-websocket's server,
 * Hocuspocus). Both are timed here on the same updates, in this process: keystrokes at seeded random places in
 * the automerge-paper trace's text at three lengths, one paragraph each, as Tiptap keeps a paragraph.
 * It also times one update pasting thousands of short paragraphs, which must cost in proportion to its size.
 * Writes the docs-moderation section of bench/RESULTS.md (BENCH_DOCS_MODERATION_QUICK=1: fewer keystrokes, printed only).
 */
import { readFileSync } from 'node:fs';
import { arch, cpus, totalmem } from 'node:os';
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { contactHook, wordListHook } from '../server/moderation/hooks';
import { createModerationPipeline } from '../server/moderation/pipeline';
import { changedTargets, inspectDeletions, inspectLinks, inspectText } from '../server/docs/moderation';
import { buildPaperDoc, paragraphText, summarise } from './docs/content.mjs';
import { quietMachine } from './quiet';
import { writeSection } from './results';

const QUICK = process.env.BENCH_DOCS_MODERATION_QUICK === '1';
const KEYSTROKES = QUICK ? 300 : 3000;
const ROUNDS = QUICK ? 1 : 3;
/** Edits of the trace replayed before typing: its first 5,000, a tenth, all of it. */
const SIZES = [5_000, 26_000, undefined] as const;
/** Paragraphs in one pasted update. */
const PASTES = [1_000, 4_000] as const;

const yjsVersion = (JSON.parse(readFileSync(new URL('../node_modules/yjs/package.json', import.meta.url), 'utf8')) as { version: string }).version;

const log = (...args: unknown[]) => console.log('[docs-moderation bench]', ...args);
const median = (xs: (number | undefined)[]) => (xs as number[]).slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const pipeline = createModerationPipeline([wordListHook(), contactHook()]);
const check = (text: string) =>
	pipeline.checkNow({ spaceId: 's', authorId: 'a', authorName: 'A', text, lang: 'und', kind: 'doc', minorsPresent: true, policy: { contactFilterForMinors: true } });

/** A seeded generator (mulberry32), so every round types the same keystrokes. */
function random(seed: number): () => number {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** `count` one-character updates from a second client, each at a random place in the paragraph: one in six a backspace, the rest a letter. */
function keystrokes(base: Uint8Array, count: number): Uint8Array[] {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, base);
	const text = paragraphText(doc, false)();
	const next = random(20261129);
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	const letters = 'etaoin shrdlu';
	for (let i = 0; i < count; i++) {
		const at = Math.floor(next() * (text.length + 1));
		if (i % 6 === 5 && at > 0) text.delete(at - 1, 1);
		else text.insert(at, letters[i % letters.length]!);
	}
	return updates;
}

/** Applies `update` to `doc` inside a transaction and inspects what it wrote, as the relay does; answers how many texts were refused. */
function applyInspected(doc: Y.Doc, update: Uint8Array): number {
	let refused = 0;
	doc.transact((tr) => {
		Y.applyUpdate(doc, update);
		for (const target of changedTargets(tr, 'text', doc)) {
			if (target.type !== 'text') continue;
			if (inspectLinks(target.node, tr, check)) refused += 1;
			if (inspectDeletions(target.node, tr, check)) refused += 1;
			if (inspectText(target.node, tr, check)) refused += 1;
		}
	});
	return refused;
}

function loaded(base: Uint8Array): Y.Doc {
	const doc = new Y.Doc();
	doc.getXmlFragment('default');
	Y.applyUpdate(doc, base);
	return doc;
}

/** Microseconds per update, applied alone or inspected too, and how many of them the hooks refused. */
function time(base: Uint8Array, updates: Uint8Array[], inspect: boolean): { us: number[]; refused: number } {
	const doc = loaded(base);
	const us: number[] = [];
	let refused = 0;
	for (const update of updates) {
		const t0 = performance.now();
		if (inspect) refused += applyInspected(doc, update) > 0 ? 1 : 0;
		else Y.applyUpdate(doc, update);
		us.push((performance.now() - t0) * 1000);
	}
	return { us, refused };
}

/** One update pasting `count` short paragraphs into an empty document. */
function paste(count: number): Uint8Array {
	const doc = new Y.Doc();
	const paragraphs = Array.from({ length: count }, (_, i) => {
		const p = new Y.XmlElement('paragraph');
		p.insert(0, [new Y.XmlText(`Paragraph ${i} of the pasted essay, with a few more words in it.`)]);
		return p;
	});
	doc.getXmlFragment('default').insert(0, paragraphs);
	return Y.encodeStateAsUpdate(doc);
}

it(
	'docs moderation: inspecting each keystroke against applying it alone, on a short and a long paragraph',
	async () => {
		await quietMachine(log);
		const rows: { chars: number; edits: string; refused: number; yjs: { p50: number; p99: number; mean: number }; tessera: { p50: number; p99: number; mean: number } }[] = [];
		for (const edits of SIZES) {
			const doc = buildPaperDoc(edits);
			const chars = paragraphText(doc, false)().length;
			const base = Y.encodeStateAsUpdate(doc);
			const updates = keystrokes(base, KEYSTROKES);
			const yjs: ReturnType<typeof summarise>[] = [];
			const tessera: ReturnType<typeof summarise>[] = [];
			let refused = 0;
			for (let round = 0; round < ROUNDS; round++) {
				// Alternating which goes first, so neither always runs on a warmer heap.
				const order = round % 2 === 0 ? [false, true] : [true, false];
				for (const inspect of order) {
					const run = time(base, updates, inspect);
					(inspect ? tessera : yjs).push(summarise(run.us));
					if (inspect) refused = run.refused;
				}
			}
			const pick = (list: ReturnType<typeof summarise>[]) => ({ p50: median(list.map((s) => s.p50)), p99: median(list.map((s) => s.p99)), mean: median(list.map((s) => s.mean)) });
			const row = { chars, edits: edits === undefined ? 'all 259,778' : edits.toLocaleString('en'), refused, yjs: pick(yjs), tessera: pick(tessera) };
			log(`${chars} characters: Yjs alone p50 ${row.yjs.p50.toFixed(1)} µs, with inspection ${row.tessera.p50.toFixed(1)} µs`);
			rows.push(row);
		}
		const pastes: { paragraphs: number; yjs: number; tessera: number }[] = [];
		for (const paragraphs of PASTES) {
			const update = paste(paragraphs);
			const yjs: number[] = [];
			const tessera: number[] = [];
			for (let round = 0; round < ROUNDS; round++) {
				let t0 = performance.now();
				Y.applyUpdate(loaded(new Uint8Array([0, 0])), update);
				yjs.push(performance.now() - t0);
				const doc = loaded(new Uint8Array([0, 0]));
				t0 = performance.now();
				applyInspected(doc, update);
				tessera.push(performance.now() - t0);
			}
			pastes.push({ paragraphs, yjs: median(yjs), tessera: median(tessera) });
			log(`paste of ${paragraphs} paragraphs: Yjs alone ${median(yjs).toFixed(1)} ms, with inspection ${median(tessera).toFixed(1)} ms`);
		}
		const us = (x: number) => x.toFixed(1);
		const section = [
			'### docs-moderation · checking document text per keystroke',
			'',
			`Measured ${new Date().toISOString().slice(0, 10)} on Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? arch()}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM; yjs ${yjsVersion}.`,
			'',
			`The relay checks what each client update wrote with the immediate moderation hooks (word lists, contact details), inside the transaction that applies it and before it goes out; the reference servers only apply it. Both are timed here, in one process, on the same ${KEYSTROKES.toLocaleString('en')} one-character updates from a second client at seeded random places in one paragraph (one in six a backspace, checked for what it joins; the rest a letter) holding the automerge-paper trace's text after some of its edits. Microseconds per update; ${ROUNDS} round(s), alternating which goes first, medians of the rounds.`,
			'',
			'| paragraph | trace edits | Yjs apply alone p50 / p99 / mean µs | apply + inspection p50 / p99 / mean µs | mean ratio | refused |',
			'|---:|---:|---:|---:|---:|---:|',
			...rows.map(
				(r) =>
					`| ${r.chars.toLocaleString('en')} characters | ${r.edits} | ${us(r.yjs.p50)} / ${us(r.yjs.p99)} / ${us(r.yjs.mean)} | ${us(r.tessera.p50)} / ${us(r.tessera.p99)} / ${us(r.tessera.mean)} | ${(r.tessera.mean / r.yjs.mean).toFixed(2)} | ${r.refused} |`
			),
			'',
			'"Refused": keystrokes the hooks held (as in a space with a minor), most of them typed near the email addresses in the paper\'s author block; the relay took each one out again (or put a backspaced character back), and its time is in the figures. Text the hooks would refuse that was already there (approved by a moderator, or written before a minor joined) holds every keystroke typed within that window: a known limit, which needs the hooks to say where each match lies to lift safely.',
			'',
			`One update pasting many short paragraphs into an empty text document (each paragraph is inspected; a paste must cost in proportion to its size): ms, median of ${ROUNDS}.`,
			'',
			'| paragraphs pasted | Yjs apply alone ms | apply + inspection ms | ratio |',
			'|---:|---:|---:|---:|',
			...pastes.map((p) => `| ${p.paragraphs.toLocaleString('en')} | ${p.yjs.toFixed(1)} | ${p.tessera.toFixed(1)} | ${(p.tessera / p.yjs).toFixed(2)} |`),
			'',
			`Inspection reads 120 characters before the first new one and 60 after the last, found from the new item outward, so its cost does not grow with the paragraph; the paragraph is copied whole only when a hook objects. Most of what remains is the hooks themselves (the contact-details patterns). Until 2026-11-29 every keystroke copied the whole paragraph: about 1.5 ms per keystroke on the full paper (measured by hand on the same machine).`,
			''
		].join('\n');
		console.log(`\n${section}`);
		if (!QUICK) writeSection('### docs-moderation ·', section);
		for (const r of rows) expect(r.tessera.mean).toBeGreaterThan(0);
		for (const p of pastes) expect(p.tessera).toBeGreaterThan(0);
	},
	20 * 60_000
);
