/** Browser-only: saving exports. */

/** Offers `blob` as a download named `name`. */
export function downloadBlob(blob: Blob, name: string): void {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = name;
	a.rel = 'noopener';
	document.body.append(a);
	a.click();
	a.remove();
	// Give the browser time to start the download before the URL goes.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The largest side of an exported PNG, in pixels (browsers refuse bigger canvases). */
export const PNG_MAX_SIDE = 8192;

/**
 * Rasterises an SVG document (from `toSvg`) to a PNG at `scale` (2 = sharp on high-density screens), smaller if
 * the drawing is huge. Rejects if the browser cannot decode or encode it.
 */
export async function svgToPng(svg: string, size: { w: number; h: number }, scale = 2): Promise<Blob> {
	const factor = Math.min(scale, PNG_MAX_SIDE / Math.max(size.w, size.h));
	const width = Math.max(1, Math.round(size.w * factor));
	const height = Math.max(1, Math.round(size.h * factor));
	const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
	try {
		const image = new Image();
		image.width = width;
		image.height = height;
		image.src = url;
		await image.decode();
		const canvas = document.createElement('canvas');
		canvas.width = width;
		canvas.height = height;
		const context = canvas.getContext('2d');
		if (!context) throw new Error('no 2d context');
		context.drawImage(image, 0, 0, width, height);
		return await new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'));
	} finally {
		URL.revokeObjectURL(url);
	}
}
