/**
 * The thread that makes PNG and PDF downloads (server/exhibitions/renderer.ts starts it): laying out and shaping a
 * long text into a PDF takes a second or more, which must not stop chat and documents on the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { toPdf, toPng, type PdfWork } from './download';
import { createFontLibrary, type FontLibrary } from './fonts';

type Request = { id: number } & ({ op: 'png'; svg: string; maxSide?: number } | { op: 'pdf'; work: PdfWork });

let fonts: FontLibrary | null = null;

parentPort!.on('message', async (request: Request) => {
	try {
		fonts ??= createFontLibrary();
		const bytes = request.op === 'png' ? await toPng(request.svg, { maxSide: request.maxSide, fonts }) : await toPdf(request.work, { fonts });
		parentPort!.postMessage({ id: request.id, bytes }, [bytes.buffer as ArrayBuffer]);
	} catch (err) {
		parentPort!.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err) });
	}
});
