/** Browser-only: turning a picked file into an image shape's `src`. */

/** The longest side an image is stored at, in pixels. */
export const IMAGE_MAX_SIDE = 1024;
/** The most a stored image may take (characters of its data URL), well under the relay's frame limit. */
export const IMAGE_MAX_CHARS = 700_000;

/**
 * Decodes `file`, scales it to at most IMAGE_MAX_SIDE on white paper, and encodes it (WebP where the browser can,
 * else JPEG), smaller again until it fits IMAGE_MAX_CHARS. Rejects when the file is not an image the browser reads.
 */
export async function imageDataUrl(file: Blob): Promise<{ src: string; width: number; height: number }> {
	const bitmap = await createImageBitmap(file);
	try {
		let scale = Math.min(1, IMAGE_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
		for (let attempt = 0; attempt < 5; attempt++) {
			const width = Math.max(1, Math.round(bitmap.width * scale));
			const height = Math.max(1, Math.round(bitmap.height * scale));
			const canvas = document.createElement('canvas');
			canvas.width = width;
			canvas.height = height;
			const context = canvas.getContext('2d');
			if (!context) throw new Error('no 2d context');
			context.fillStyle = '#ffffff';
			context.fillRect(0, 0, width, height);
			context.drawImage(bitmap, 0, 0, width, height);
			let src = canvas.toDataURL('image/webp', 0.85);
			if (!src.startsWith('data:image/webp')) src = canvas.toDataURL('image/jpeg', 0.85);
			if (src.length <= IMAGE_MAX_CHARS) return { src, width, height };
			scale *= 0.7;
		}
		throw new Error('image too large even when scaled down');
	} finally {
		bitmap.close();
	}
}
