import { crc32, deflateSync } from 'node:zlib';
import { decode as decodeWebp } from '@cwasm/webp';

/**
 * Preparing a canvas SVG for resvg 2.6, which differs from browsers in two ways:
 * - it does not decode WebP, the format browsers store canvas images in (src/lib/canvas/image.ts), so those become PNG;
 * - it sets `direction="rtl"` text from x rightwards and lays every line out left to right, so right-to-left lines are
 *   anchored at their end and wrapped in an explicit right-to-left embedding instead.
 */

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function chunk(type: string, data: Uint8Array): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'latin1');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
	return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGBA PNG of `rgba` (width × height × 4 bytes, rows top to bottom). */
export function encodePng(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 6, 0, 0, 0], 8);
	const stride = width * 4;
	const raw = Buffer.alloc((stride + 1) * height);
	for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
	return Buffer.concat([Buffer.from(SIGNATURE), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array())]);
}

/** A WebP data URL as a PNG data URL, or null when it does not decode. */
export function webpToPng(dataUrl: string): string | null {
	const base64 = /^data:image\/webp;base64,([a-z0-9+/=\s]*)$/i.exec(dataUrl)?.[1];
	if (base64 === undefined) return null;
	try {
		const image = decodeWebp(new Uint8Array(Buffer.from(base64, 'base64')));
		return `data:image/png;base64,${Buffer.from(encodePng(image.width, image.height, image.data)).toString('base64')}`;
	} catch {
		return null;
	}
}

/** Pictures larger than this many pixels are left out of PNG and PDF downloads: a small file can decode to gigabytes. */
export const IMAGE_MAX_PIXELS = 4096 * 4096;

/** Width and height from a PNG, JPEG, GIF or WebP file's header; null when they cannot be read. */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
	const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47) return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
	if (b.length >= 10 && b.toString('latin1', 0, 3) === 'GIF') return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
	if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
		const kind = b.toString('latin1', 12, 16);
		if (kind === 'VP8X') return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
		if (kind === 'VP8L') {
			const bits = b.readUInt32LE(21);
			return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
		}
		if (kind === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
		return null;
	}
	if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
		// JPEG: walk the markers to a start-of-frame.
		let i = 2;
		while (i + 9 < b.length) {
			if (b[i] !== 0xff) return null;
			const marker = b[i + 1]!;
			const length = b.readUInt16BE(i + 2);
			if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { width: b.readUInt16BE(i + 7), height: b.readUInt16BE(i + 5) };
			i += 2 + length;
		}
	}
	return null;
}

/** Whether a data: image is small enough, once decoded, to draw. */
function drawable(dataUrl: string): boolean {
	const base64 = /^data:image\/[a-z]+;base64,([a-z0-9+/=\s]*)$/i.exec(dataUrl)?.[1];
	if (base64 === undefined) return false;
	const size = imageSize(new Uint8Array(Buffer.from(base64.slice(0, 4096), 'base64')));
	return size !== null && size.width > 0 && size.height > 0 && size.width * size.height <= IMAGE_MAX_PIXELS;
}

/**
 * The SVG as resvg should get it: WebP images as PNG (an undecodable one is left out, and so is any picture over
 * IMAGE_MAX_PIXELS or whose size cannot be read), every href that is not a data: image removed (resvg would otherwise read files from the server's disk), right-to-left text re-anchored.
 */
export function prepareForResvg(svg: string): string {
	return svg
		.replace(/\s(?:xlink:)?href="([^"]*)"/g, (all, href: string) => {
			if (!drawable(href)) return '';
			if (/^data:image\/webp;/i.test(href)) {
				const png = webpToPng(href);
				return png ? ` href="${png}"` : '';
			}
			return /^data:image\/(png|jpeg|gif);base64,/i.test(href) ? all : '';
		})
		.replace(/<text([^>]*) direction="rtl"([^>]*)>([\s\S]*?)<\/text>/g, (_all, before: string, after: string, inner: string) => {
			const lines = inner.replace(/(<tspan[^>]*>)([^<]*)(<\/tspan>)/g, '$1\u202b$2\u202c$3');
			return `<text${before} direction="rtl" text-anchor="end"${after}>${lines}</text>`;
		});
}
