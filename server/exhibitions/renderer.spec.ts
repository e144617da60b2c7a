import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { createRenderer, type Renderer } from './renderer';

const logger = createLogger({ level: 'silent' });
const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#1f5f5b"/></svg>';
const work = { kind: 'text' as const, title: 'Poem', statement: 'A poem.', lang: 'en', madeAt: '2026-11-29', creditsHeading: 'Made by', credits: ['A. H.'], paragraphs: ['One line.'] };

describe('the render thread', () => {
	let renderer: Renderer | undefined;
	afterEach(async () => renderer?.close());

	it('makes PNGs and PDFs off the main thread, one after another', async () => {
		renderer = createRenderer({ logger });
		const [png, pdf] = await Promise.all([renderer.png(svg), renderer.pdf(work)]);
		expect(Buffer.from(png).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
		expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe('%PDF-');
	});

	it('gives up a render that takes too long, and the next one gets a new thread', async () => {
		let limit = 1;
		renderer = createRenderer({ logger, timeoutMs: () => limit });
		await expect(renderer.pdf(work)).rejects.toThrow(/timed out/);
		limit = 60_000;
		await expect(renderer.png(svg)).resolves.toBeInstanceOf(Uint8Array);
		await expect(renderer.pdf(work)).resolves.toBeInstanceOf(Uint8Array);
	});

	it('a failing render is an error for that download only', async () => {
		renderer = createRenderer({ logger });
		await expect(renderer.png('<not svg')).rejects.toThrow();
		await expect(renderer.png(svg)).resolves.toBeInstanceOf(Uint8Array);
	});

	it('closing ends the thread and fails what was still waiting', async () => {
		renderer = createRenderer({ logger });
		await renderer.png(svg);
		const waiting = renderer.pdf(work);
		await renderer.close();
		await expect(waiting).rejects.toThrow();
		renderer = undefined;
	});
});
