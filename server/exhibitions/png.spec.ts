import { describe, expect, it } from 'vitest';
import { encodePng, imageSize, prepareForResvg } from './png';

const dataUrl = (type: string, bytes: Uint8Array) => `data:image/${type};base64,${Buffer.from(bytes).toString('base64')}`;

/** A PNG whose header claims `w` × `h` (the pixel data need not follow for the size check). */
function pngHeader(w: number, h: number): Uint8Array {
	const real = Buffer.from(encodePng(1, 1, new Uint8Array(4)));
	real.writeUInt32BE(w, 16);
	real.writeUInt32BE(h, 20);
	return real;
}

/** The smallest JPEG header with a baseline start-of-frame of `w` × `h`. */
function jpegHeader(w: number, h: number): Uint8Array {
	const app0 = [0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0];
	const sof = [0xff, 0xc0, 0x00, 0x11, 8, h >> 8, h & 0xff, w >> 8, w & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
	return new Uint8Array([0xff, 0xd8, ...app0, ...sof, 0xff, 0xd9]);
}

describe('pictures in downloads', () => {
	it('reads the size from PNG, JPEG and GIF headers', () => {
		expect(imageSize(encodePng(3, 2, new Uint8Array(24)))).toEqual({ width: 3, height: 2 });
		expect(imageSize(jpegHeader(640, 480))).toEqual({ width: 640, height: 480 });
		expect(imageSize(new Uint8Array([...Buffer.from('GIF89a'), 0x20, 0x03, 0x58, 0x02, 0, 0, 0]))).toEqual({ width: 800, height: 600 });
		expect(imageSize(new Uint8Array([1, 2, 3]))).toBeNull();
	});

	it('leaves out a picture that would decode to more than 4096 × 4096 pixels, and keeps an ordinary one', () => {
		const bomb = dataUrl('png', pngHeader(60_000, 60_000));
		const fine = dataUrl('png', encodePng(2, 2, new Uint8Array(16)));
		const out = prepareForResvg(`<svg xmlns="http://www.w3.org/2000/svg"><image href="${bomb}"/><image href="${fine}"/></svg>`);
		expect(out).not.toContain(bomb);
		expect(out).toContain(fine);
		expect(prepareForResvg(`<svg><image href="${dataUrl('jpeg', jpegHeader(20_000, 20_000))}"/></svg>`)).not.toContain('href=');
		// Files on the server's disk are never read.
		expect(prepareForResvg('<svg><image href="file:///etc/passwd"/><image href="/etc/passwd"/></svg>')).not.toContain('href=');
	});
});
