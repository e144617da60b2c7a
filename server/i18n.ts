import type { ErrorBody, ErrorCode } from '../src/lib/protocol/codes';
import { isUiLocale, type UiLocale, UI_LOCALES } from '../src/lib/i18n/locales';
import * as m from '../src/lib/paraglide/messages.js';

type MessageFn = (params: Record<string, unknown>, options: { locale: UiLocale }) => string;
const catalog = m as unknown as Record<string, MessageFn | undefined>;

/** The sentence for an error code, in `locale`. */
export function errorMessage(code: ErrorCode, locale: UiLocale, params: Record<string, unknown> = {}): string {
	const fn = catalog[`error_${code}`];
	return fn ? fn(params, { locale }) : code;
}

export function errorBody(
	code: ErrorCode,
	locale: UiLocale,
	fields?: Record<string, ErrorCode>,
	params: Record<string, unknown> = {}
): ErrorBody {
	const body: ErrorBody = { code, message: errorMessage(code, locale, params) };
	if (fields && Object.keys(fields).length > 0) {
		body.fields = Object.fromEntries(Object.entries(fields).map(([k, c]) => [k, { code: c, message: errorMessage(c, locale) }]));
	}
	return body;
}

/** Best UI language for an Accept-Language header (q-values honoured, region falls back to language). */
export function negotiateLocale(acceptLanguage: string | null | undefined): UiLocale | undefined {
	if (!acceptLanguage) return undefined;
	const ranked = acceptLanguage
		.split(',')
		.map((part, i) => {
			const [tag = '', ...params] = part.trim().split(';');
			const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
			return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) : 1, i };
		})
		.filter((x) => x.tag && x.q > 0 && !Number.isNaN(x.q))
		.sort((a, b) => b.q - a.q || a.i - b.i);
	for (const { tag } of ranked) {
		const base = tag.split('-')[0];
		if (isUiLocale(base)) return base;
	}
	return undefined;
}

/** Profile language first, then the browser's, then English. */
export function localeFor({ uiLanguage, acceptLanguage }: { uiLanguage?: string | null; acceptLanguage?: string | null }): UiLocale {
	if (isUiLocale(uiLanguage)) return uiLanguage;
	return negotiateLocale(acceptLanguage) ?? UI_LOCALES[0];
}
