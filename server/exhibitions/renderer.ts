import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { PdfWork } from './download';

/** Renders PNG and PDF downloads on their own thread; one at a time, in order. */
export interface Renderer {
	png(svg: string, options?: { maxSide?: number }): Promise<Uint8Array>;
	pdf(work: PdfWork): Promise<Uint8Array>;
	close(): Promise<void>;
}

/** A render that takes longer than this is given up, and the thread restarted for the next one. */
const TIMEOUT_MS = 60_000;
/** Downloads waiting for the thread; more are refused (429) rather than queued for minutes. */
const QUEUE_MAX = 16;

/**
 * The worker's script. The production build puts `render-worker.js` beside `server.js` (scripts/build.js). From the
 * sources (tests, `npm run dev`) it is bundled with esbuild into node_modules/.cache, where its packages resolve.
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

export function createRenderer({ logger, timeoutMs = () => TIMEOUT_MS }: { logger: Logger; timeoutMs?: () => number }): Renderer {
	const log = logger.child({ ns: 'render' });
	/** The current thread (starting, or started); null when there is none. */
	let current: Promise<Worker> | null = null;
	let next = 1;
	let waiting = 0;
	const pending = new Map<number, { resolve(bytes: Uint8Array): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
	let queue: Promise<unknown> = Promise.resolve();

	function failAll(err: Error) {
		for (const p of pending.values()) {
			clearTimeout(p.timer);
			p.reject(err);
		}
		pending.clear();
	}

	function start(): Promise<Worker> {
		if (current) return current;
		const starting = workerScript().then((file) => {
			// Pictures are decoded outside the JavaScript heap; this bounds what the thread's own code may take.
			const w = new Worker(file, { resourceLimits: { maxOldGenerationSizeMb: 512 } });
			w.unref();
			w.on('message', (m: { id: number; bytes?: Uint8Array; error?: string }) => {
				const p = pending.get(m.id);
				if (!p) return;
				pending.delete(m.id);
				clearTimeout(p.timer);
				if (m.bytes) p.resolve(new Uint8Array(m.bytes));
				else p.reject(new Error(m.error ?? 'render failed'));
			});
			const gone = (err: Error) => {
				// Only the thread in use: one given up after a timeout may stop after its successor started.
				if (current !== starting) return;
				current = null;
				failAll(err);
			};
			w.on('error', (err) => {
				log.error({ err }, 'the render thread failed');
				gone(err);
			});
			w.on('exit', (code) => gone(new Error(`the render thread stopped (exit code ${code})`)));
			return w;
		});
		current = starting;
		// A thread that could not start (its script, the build) is tried again on the next download.
		starting.catch((err: unknown) => {
			log.error({ err }, 'the render thread could not start');
			if (current === starting) current = null;
		});
		return starting;
	}

	function call(message: Record<string, unknown>): Promise<Uint8Array> {
		if (waiting >= QUEUE_MAX) return Promise.reject(new AppError(429, 'rate_limited', { retryAfterSeconds: 10 }));
		waiting++;
		const run = async () => {
			const w = await start();
			const id = next++;
			return new Promise<Uint8Array>((resolve, reject) => {
				const timer = setTimeout(() => {
					pending.delete(id);
					reject(new Error('render timed out'));
					// The next download gets a new thread at once; this one is stopped.
					if (current && pending.size === 0) current = null;
					void w.terminate();
				}, timeoutMs());
				pending.set(id, { resolve, reject, timer });
				w.postMessage({ ...message, id });
			});
		};
		const result = queue.then(run, run).finally(() => waiting--);
		queue = result.catch(() => undefined);
		return result;
	}

	return {
		png: (svg, options = {}) => call({ op: 'png', svg, maxSide: options.maxSide }),
		pdf: (work) => call({ op: 'pdf', work }),
		async close() {
			const w = current ? await current.catch(() => null) : null;
			current = null;
			failAll(new Error('the renderer closed'));
			await w?.terminate();
		}
	};
}
