import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger';
import type { PdfWork } from './download';

/** Renders PNG and PDF downloads on their own thread; one at a time, in order. */
export interface Renderer {
	png(svg: string, options?: { maxSide?: number }): Promise<Uint8Array>;
	pdf(work: PdfWork): Promise<Uint8Array>;
	close(): Promise<void>;
}

/** A render that takes longer than this is given up (the thread is restarted for the next one). */
const TIMEOUT_MS = 60_000;

/**
 * The worker's script. The production build puts `render-worker.js` beside `server.js` (scripts/build.js). From the
 * sources (tests, `npm run dev`) it is bundled once, with esbuild, into node_modules/.cache, where its packages resolve.
 */
async function workerScript(): Promise<string> {
	const here = fileURLToPath(import.meta.url);
	const built = join(dirname(here), 'render-worker.js');
	if (existsSync(built)) return built;
	const source = join(dirname(here), 'render-worker.ts');
	const out = join(process.cwd(), 'node_modules', '.cache', 'tessera', 'render-worker.mjs');
	const mine = `${out}.${process.pid}`;
	mkdirSync(dirname(out), { recursive: true });
	const { build } = await import('esbuild');
	await build({ entryPoints: [source], outfile: mine, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
	// Several test processes may do this at once: each renames a whole file over the last.
	renameSync(mine, out);
	return out;
}

export function createRenderer({ logger }: { logger: Logger }): Renderer {
	const log = logger.child({ ns: 'render' });
	let worker: Promise<Worker> | null = null;
	let next = 1;
	const pending = new Map<number, { resolve(bytes: Uint8Array): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
	let queue: Promise<unknown> = Promise.resolve();

	function fail(err: Error) {
		for (const p of pending.values()) {
			clearTimeout(p.timer);
			p.reject(err);
		}
		pending.clear();
		worker = null;
	}

	function start(): Promise<Worker> {
		worker ??= workerScript().then((file) => {
			const w = new Worker(file);
			w.unref();
			w.on('message', (m: { id: number; bytes?: Uint8Array; error?: string }) => {
				const p = pending.get(m.id);
				if (!p) return;
				pending.delete(m.id);
				clearTimeout(p.timer);
				if (m.bytes) p.resolve(new Uint8Array(m.bytes));
				else p.reject(new Error(m.error ?? 'render failed'));
			});
			w.on('error', (err) => {
				log.error({ err }, 'the render thread failed');
				fail(err);
			});
			w.on('exit', (code) => {
				if (pending.size > 0) fail(new Error(`the render thread stopped (exit code ${code})`));
				worker = null;
			});
			return w;
		});
		return worker;
	}

	function call(message: Record<string, unknown>): Promise<Uint8Array> {
		const run = async () => {
			const w = await start();
			const id = next++;
			return new Promise<Uint8Array>((resolve, reject) => {
				const timer = setTimeout(() => {
					pending.delete(id);
					reject(new Error('render timed out'));
					void w.terminate();
				}, TIMEOUT_MS);
				pending.set(id, { resolve, reject, timer });
				w.postMessage({ ...message, id });
			});
		};
		const result = queue.then(run, run);
		queue = result.catch(() => undefined);
		return result;
	}

	return {
		png: (svg, options = {}) => call({ op: 'png', svg, maxSide: options.maxSide }),
		pdf: (work) => call({ op: 'pdf', work }),
		async close() {
			const w = worker ? await worker.catch(() => null) : null;
			worker = null;
			await w?.terminate();
		}
	};
}
