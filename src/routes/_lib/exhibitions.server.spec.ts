import { describe, expect, it } from 'vitest';
import { attachment, creditLine, demoteHeadings, textView } from './exhibitions.server';

describe('creditLine', () => {
	it('names each person as they allowed, with their country when allowed, and says "Anonymous" for the rest', () => {
		const credits = [
			{ name: 'A. B.', country: 'Spain' },
			{ name: null, country: null },
			{ name: 'Lucía', country: null }
		];
		expect(creditLine(credits, 'en')).toBe('\u2068A. B.\u2069, Spain · Anonymous · \u2068Lucía\u2069');
		expect(creditLine(credits, 'es')).toContain('Anónimo');
		// Arabic uses its own comma; names stay isolated so a Latin name does not reorder the sentence.
		expect(creditLine([{ name: 'Amal', country: 'مصر' }], 'ar')).toBe('\u2068Amal\u2069، مصر');
	});
});

describe('textView', () => {
	it('gives a machine translation its language and direction, and the original with its language named in the reader’s', () => {
		const view = textView({ text: '[ar] Hello', lang: 'ar', original: { text: 'Hello', lang: 'en', provider: 'LibreTranslate' } }, 'es');
		expect(view).toEqual({ text: '[ar] Hello', lang: 'ar', dir: 'rtl', original: { text: 'Hello', lang: 'en', dir: 'ltr', language: 'inglés', provider: 'LibreTranslate' } });
		expect(textView({ text: 'Hola', lang: 'es' }, 'en').original).toBeNull();
	});
});

describe('attachment', () => {
	it('keeps a plain ASCII name for old clients and the real name, encoded, for the others', () => {
		expect(attachment('Harbour lights.pdf')).toBe(`attachment; filename="Harbour lights.pdf"; filename*=UTF-8''Harbour%20lights.pdf`);
		expect(attachment('Cartas "del" mar (1).pdf')).toBe(`attachment; filename="Cartas del mar (1).pdf"; filename*=UTF-8''Cartas%20%22del%22%20mar%20%281%29.pdf`);
		expect(attachment('رسائل.pdf')).toBe(`attachment; filename=".pdf"; filename*=UTF-8''${encodeURIComponent('رسائل')}.pdf`);
		expect(attachment('\r\n')).toContain('filename="tessera-work"');
	});
});

describe('demoteHeadings', () => {
	it('moves every heading two levels down, never below h6, and leaves other tags and text alone', () => {
		expect(demoteHeadings('<h2>A</h2><p>h2 &lt;h2&gt;</p><h3 dir="rtl">B</h3><hr>')).toBe('<h4>A</h4><p>h2 &lt;h2&gt;</p><h5 dir="rtl">B</h5><hr>');
		expect(demoteHeadings('<h5>x</h5>')).toBe('<h6>x</h6>');
	});
});
