import { normalizeTag } from './language';

/**
 * ISO 639-3 codes (what Apertium names its pairs with) and their BCP 47 primary subtags, covering the
 * languages Apertium ships pairs for and the common ones around them. A three-letter code with no
 * two-letter equivalent is already a valid BCP 47 subtag (`ast`, `crh`, `sma`) and maps to itself.
 */
const ISO639_3: Record<string, string> = {
	afr: 'af', amh: 'am', ara: 'ar', arg: 'an', aze: 'az', bak: 'ba', bel: 'be', ben: 'bn', bos: 'bs', bre: 'br',
	bul: 'bg', cat: 'ca', ces: 'cs', chv: 'cv', cos: 'co', cym: 'cy', dan: 'da', deu: 'de', ell: 'el', eng: 'en',
	epo: 'eo', est: 'et', eus: 'eu', fao: 'fo', fas: 'fa', fin: 'fi', fra: 'fr', fry: 'fy', gla: 'gd', gle: 'ga',
	glg: 'gl', grn: 'gn', guj: 'gu', hat: 'ht', hau: 'ha', heb: 'he', hin: 'hi', hrv: 'hr', hun: 'hu', hye: 'hy',
	ibo: 'ig', ind: 'id', isl: 'is', ita: 'it', jpn: 'ja', kat: 'ka', kaz: 'kk', khm: 'km', kir: 'ky', kmr: 'ku',
	kor: 'ko', lao: 'lo', lat: 'la', lav: 'lv', lit: 'lt', ltz: 'lb', mal: 'ml', mar: 'mr', mkd: 'mk', mlt: 'mt',
	mon: 'mn', mri: 'mi', msa: 'ms', mya: 'my', nep: 'ne', nld: 'nl', nno: 'nn', nob: 'nb', nor: 'no', oci: 'oc',
	pan: 'pa', pol: 'pl', por: 'pt', pus: 'ps', que: 'qu', roh: 'rm', ron: 'ro', rus: 'ru', sin: 'si', slk: 'sk',
	slv: 'sl', sme: 'se', snd: 'sd', som: 'so', spa: 'es', sqi: 'sq', srd: 'sc', srp: 'sr', swa: 'sw', swe: 'sv',
	tam: 'ta', tat: 'tt', tel: 'te', tgk: 'tg', tgl: 'fil', tha: 'th', tir: 'ti', tuk: 'tk', tur: 'tr', uig: 'ug',
	ukr: 'uk', urd: 'ur', uzb: 'uz', vie: 'vi', wln: 'wa', xho: 'xh', yid: 'yi', yor: 'yo', zho: 'zh', zul: 'zu',
	// Serbo-Croatian as one language; its national standards are the variants hbs_HR, hbs_SR, hbs_BS.
	hbs: 'sr-Latn'
};

/** BCP 47 primary subtag → ISO 639-3 codes to try, best first (macrolanguages fall back to the member Apertium uses). */
const FROM_BCP47: Record<string, string[]> = {
	...Object.fromEntries(Object.entries(ISO639_3).map(([iso3, tag]) => [tag.split('-')[0]!, [iso3]])),
	no: ['nob', 'nor'],
	ms: ['msa', 'zlm', 'zsm'],
	sr: ['srp', 'hbs'],
	hr: ['hrv', 'hbs'],
	bs: ['bos', 'hbs'],
	tl: ['tgl']
};

/** Apertium's national variants of Serbo-Croatian. */
const HBS_VARIANTS: Record<string, string> = { hr: 'HR', sr: 'SR', bs: 'BS' };
/** Apertium variant names that differ from their registered BCP 47 variant subtag. */
const VARIANT_TO_BCP47: Record<string, string> = { aran: 'aranes' };
const VARIANT_FROM_BCP47: Record<string, string> = { aranes: 'aran' };

/** BCP 47 primary subtag for an ISO 639-3 code (`spa` → `es`); the code itself when it has no shorter form. */
export function fromIso639_3(code: string): string {
	const lower = code.toLowerCase();
	const tag = ISO639_3[lower] ?? normalizeTag(lower) ?? lower;
	return tag;
}

/**
 * BCP 47 tag for an Apertium language code, variant included where BCP 47 can say it: `eng` → `en`,
 * `eng_US` → `en-US`, `cat_valencia` → `ca-valencia`, `hbs_HR` → `hr`. Variants it cannot say are dropped.
 */
export function fromApertiumCode(code: string): string {
	const [base = '', variant] = code.split('_', 2);
	if (base.toLowerCase() === 'hbs' && variant) {
		const national = Object.entries(HBS_VARIANTS).find(([, v]) => v === variant.toUpperCase());
		if (national) return national[0];
	}
	const tag = fromIso639_3(base);
	if (!variant) return tag;
	const subtag = /^[A-Za-z]{2}$/.test(variant) ? variant.toUpperCase() : (VARIANT_TO_BCP47[variant.toLowerCase()] ?? variant.toLowerCase());
	return normalizeTag(`${tag}-${subtag}`) ?? tag;
}

/** Apertium codes that could serve a BCP 47 tag, most specific first: `pt-BR` → `por_BR`, `por`. */
export function apertiumCandidates(tag: string): string[] {
	let locale: Intl.Locale;
	try {
		locale = new Intl.Locale(normalizeTag(tag) ?? tag);
	} catch {
		return [];
	}
	const primary = locale.language;
	const bases = FROM_BCP47[primary] ?? (primary.length === 3 ? [primary] : []);
	const out: string[] = [];
	if (HBS_VARIANTS[primary]) out.push(`hbs_${HBS_VARIANTS[primary]}`);
	for (const base of bases) {
		if (locale.region) out.push(`${base}_${locale.region}`);
		const variants = locale.toString().split('-').filter((part) => /^[a-z0-9]{5,8}$/i.test(part) && part.toLowerCase() !== primary);
		for (const v of variants) out.push(`${base}_${VARIANT_FROM_BCP47[v.toLowerCase()] ?? v.toLowerCase()}`);
		out.push(base);
	}
	return [...new Set(out)];
}

export interface ApertiumPair {
	sourceLanguage: string;
	targetLanguage: string;
}

/**
 * The installed Apertium pair that best serves `source` → `target` (BCP 47), or null. Exact variants win
 * (`en` → `pt-BR` picks `eng|por_BR` if installed, else `eng|por`); a language installed only as a variant
 * still serves its plain tag (`es` → `en` may use `spa|eng_US`).
 */
export function resolveApertiumPair(source: string, target: string, pairs: readonly ApertiumPair[]): ApertiumPair | null {
	const installed = new Set(pairs.map((p) => `${p.sourceLanguage}|${p.targetLanguage}`));
	const from = apertiumCandidates(source);
	const to = apertiumCandidates(target);
	for (const s of from) for (const t of to) if (installed.has(`${s}|${t}`)) return { sourceLanguage: s, targetLanguage: t };
	const base = (code: string) => code.split('_')[0]!;
	const fromBases = new Set(from.map(base));
	const toBases = new Set(to.map(base));
	return pairs.find((p) => fromBases.has(base(p.sourceLanguage)) && toBases.has(base(p.targetLanguage))) ?? null;
}
