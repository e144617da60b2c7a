import { Worker } from 'node:worker_threads';

/** Starts the LibreTranslate stand-in (./translator.mjs) in a worker thread; `ready` resolves with its url. */
export function startTranslator(delayMs: number) {
	const worker = new Worker(new URL('./translator.mjs', import.meta.url), { workerData: { delayMs } });
	let next = 0;
	const pending = new Map<number, (v: any) => void>();
	const ready = new Promise<string>((resolve, reject) => {
		worker.on('error', reject);
		worker.on('message', (m) => {
			if (m.ready) return resolve(m.url as string);
			pending.get(m.id)?.(m.result);
			pending.delete(m.id);
		});
	});
	const call = <T>(op: string) =>
		new Promise<T>((resolve) => {
			const id = next++;
			pending.set(id, resolve);
			worker.postMessage({ id, op });
		});
	return { ready, stats: () => call<{ requests: number; texts: number }>('stats'), reset: () => call<boolean>('reset'), close: () => worker.terminate() };
}
