/**
 * A synthetic but realistic cohort for the matching benchmark, from a seeded PRNG (the same seed, the same
 * people): 27 countries on every continent with their real time zones (half-hour ones included: Kolkata,
 * Kathmandu, Tehran, Kabul, Yangon, Adelaide, St John's), each person's languages with levels (the country's
 * languages, English often, Spanish or French sometimes), 2–5 passions from a list of about sixty written the way
 * people write them (case, plurals, accents, Spanish and French names), availability blocks from everyday
 * routines with jitter, goals, ~30 % minors among mentees, ~60 % of mentors vetted, capacities 1–5.
 */
import { GOALS } from '../../server/matching/goals';
import { DEFAULT_SETTINGS } from '../../server/matching/settings';
import type { Language, LanguageLevel, MatchingSettings, Mentee, Mentor, WeeklySlot } from '../../server/matching/types';

/** sfc32: small, fast, and good enough for test data. */
export function random(seed: number): () => number {
	let a = 0x9e3779b9;
	let b = 0x243f6a88;
	let c = 0xb7e15162;
	let d = seed >>> 0;
	const next = () => {
		a >>>= 0;
		b >>>= 0;
		c >>>= 0;
		d >>>= 0;
		const t = (a + b + d) >>> 0;
		d = (d + 1) >>> 0;
		a = b ^ (b >>> 9);
		b = (c + (c << 3)) >>> 0;
		c = (c << 21) | (c >>> 11);
		c = (c + t) >>> 0;
		return t / 4294967296;
	};
	for (let i = 0; i < 12; i++) next();
	return next;
}

interface Country {
	code: string;
	zones: string[];
	languages: string[];
	weight: number;
}

const COUNTRIES: Country[] = [
	{ code: 'BR', zones: ['America/Sao_Paulo', 'America/Manaus'], languages: ['pt-BR'], weight: 8 },
	{ code: 'MX', zones: ['America/Mexico_City', 'America/Tijuana'], languages: ['es'], weight: 6 },
	{ code: 'CO', zones: ['America/Bogota'], languages: ['es'], weight: 4 },
	{ code: 'AR', zones: ['America/Argentina/Buenos_Aires'], languages: ['es'], weight: 3 },
	{ code: 'CL', zones: ['America/Santiago'], languages: ['es'], weight: 2 },
	{ code: 'US', zones: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'], languages: ['en', 'en', 'es'], weight: 9 },
	{ code: 'CA', zones: ['America/Toronto', 'America/Vancouver', 'America/St_Johns'], languages: ['en', 'fr'], weight: 3 },
	{ code: 'GB', zones: ['Europe/London'], languages: ['en'], weight: 5 },
	{ code: 'FR', zones: ['Europe/Paris'], languages: ['fr'], weight: 5 },
	{ code: 'ES', zones: ['Europe/Madrid', 'Atlantic/Canary'], languages: ['es'], weight: 4 },
	{ code: 'DE', zones: ['Europe/Berlin'], languages: ['de'], weight: 4 },
	{ code: 'UA', zones: ['Europe/Kyiv'], languages: ['uk'], weight: 2 },
	{ code: 'NG', zones: ['Africa/Lagos'], languages: ['en', 'yo'], weight: 5 },
	{ code: 'KE', zones: ['Africa/Nairobi'], languages: ['sw', 'en'], weight: 4 },
	{ code: 'ZA', zones: ['Africa/Johannesburg'], languages: ['en', 'zu'], weight: 3 },
	{ code: 'EG', zones: ['Africa/Cairo'], languages: ['ar'], weight: 4 },
	{ code: 'MA', zones: ['Africa/Casablanca'], languages: ['ar', 'fr'], weight: 3 },
	{ code: 'LB', zones: ['Asia/Beirut'], languages: ['ar', 'fr', 'en'], weight: 2 },
	{ code: 'IR', zones: ['Asia/Tehran'], languages: ['fa'], weight: 2 },
	{ code: 'AF', zones: ['Asia/Kabul'], languages: ['fa', 'ps'], weight: 1 },
	{ code: 'IN', zones: ['Asia/Kolkata'], languages: ['hi', 'en', 'ta'], weight: 8 },
	{ code: 'NP', zones: ['Asia/Kathmandu'], languages: ['ne', 'en'], weight: 2 },
	{ code: 'MM', zones: ['Asia/Yangon'], languages: ['my'], weight: 1 },
	{ code: 'ID', zones: ['Asia/Jakarta', 'Asia/Makassar'], languages: ['id'], weight: 4 },
	{ code: 'PH', zones: ['Asia/Manila'], languages: ['fil', 'en'], weight: 3 },
	{ code: 'JP', zones: ['Asia/Tokyo'], languages: ['ja'], weight: 2 },
	{ code: 'AU', zones: ['Australia/Sydney', 'Australia/Adelaide', 'Australia/Perth'], languages: ['en'], weight: 3 }
];

const PASSIONS = [
	'Mural painting', 'mural paintings', 'Oil painting', 'watercolour', 'Watercolor', 'drawing', 'Sketching', 'illustration', 'Digital art', 'street art', 'graffiti',
	'Comics', 'manga', 'Calligraphy', 'sculpture', 'Pintura mural', 'dibujo', 'peinture', 'Photography', 'photo', 'Filmmaking', 'short films', 'Animation',
	'stop motion', 'video editing', 'Documentary', 'Guitar', 'guitars', 'Piano', 'singing', 'Songwriting', 'hip-hop', 'Hip Hop', 'rap', 'Beatmaking', 'DJ',
	'música', 'Poetry', 'poems', 'Creative writing', 'short stories', 'fan fiction', 'Journalism', 'Spoken word', 'poesía', 'écriture', 'Dance', 'ballet',
	'Breakdance', 'contemporary dance', 'salsa', 'Choreography', 'Graphic design', 'fashion design', 'Architecture', 'Typography', 'Game design', 'video games',
	'board games', 'level design', 'Knitting', 'crochet', 'Ceramics', 'pottery', 'Embroidery', 'woodwork', 'Jewellery', 'Origami', 'theatre', 'Acting', 'improv',
	'Puppetry', 'astronomy', 'robotics', 'cooking'
];

const LEVELS: LanguageLevel[] = ['basic', 'conversational', 'fluent', 'native'];

/** Everyday routines, in local time: [days, start hour, end hour]. */
const ROUTINES: Array<[number[], number, number]> = [
	[[1, 2, 3, 4, 5], 18, 21], // weekday evenings
	[[1, 3, 5], 17, 19],
	[[2, 4], 19, 22],
	[[6, 7], 9, 12], // weekend mornings
	[[6], 14, 18],
	[[7], 15, 19],
	[[1, 2, 3, 4, 5], 12, 13], // lunch
	[[1, 2, 3, 4, 5], 15, 17], // after school
	[[2, 4, 6], 21, 23], // late
	[[1, 2, 3, 4, 5], 7, 8] // early
];

export const BENCH_SETTINGS: MatchingSettings = {
	...DEFAULT_SETTINGS,
	// Twelve weeks across the northern spring clock changes (US 8 March, EU 29 March) and the southern autumn ones (5 April).
	horizonStart: '2026-03-02',
	horizonWeeks: 12,
	minOverlapHours: 1,
	translatablePairs: ['en', 'es', 'fr', 'pt', 'ar', 'de', 'uk', 'hi', 'id', 'ja', 'sw', 'fa'].flatMap((a, i, all) => all.filter((_, k) => k !== i).map((b) => `${a}|${b}`))
};

/** `mentees` and `mentors` people and settings with `excluded` pairs ended by a report, all from `seed`. */
export function syntheticCohort({ mentees: menteeCount, mentors: mentorCount, seed = 2026, excluded = 50 }: { mentees: number; mentors: number; seed?: number; excluded?: number }) {
	const r = random(seed);
	const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
	const chance = (p: number) => r() < p;
	const totalWeight = COUNTRIES.reduce((s, c) => s + c.weight, 0);
	const country = () => {
		let x = r() * totalWeight;
		for (const c of COUNTRIES) if ((x -= c.weight) < 0) return c;
		return COUNTRIES.at(-1)!;
	};
	const some = <T>(list: readonly T[], min: number, max: number) => {
		const n = min + Math.floor(r() * (max - min + 1));
		const out = new Set<T>();
		while (out.size < n) out.add(pick(list));
		return [...out];
	};

	function base(id: string) {
		const c = country();
		const languages: Language[] = [{ tag: c.languages[0]!, level: 'native' }];
		for (const extra of c.languages.slice(1)) if (chance(0.6)) languages.push({ tag: extra, level: pick(LEVELS.slice(1)) });
		if (!languages.some((l) => l.tag === 'en') && chance(0.55)) languages.push({ tag: 'en', level: pick(LEVELS.slice(0, 3)) });
		if (chance(0.15)) languages.push({ tag: pick(['es', 'fr', 'pt-PT', 'de', 'ar']), level: pick(LEVELS.slice(0, 3)) });
		const availability: WeeklySlot[] = [];
		for (const [days, from, to] of some(ROUTINES, 1, 3)) {
			const shift = Math.floor(r() * 5) * 30 - 60;
			for (const day of days) if (chance(0.8)) availability.push({ day: day as WeeklySlot['day'], start: Math.max(0, from * 60 + shift), end: Math.min(1440, to * 60 + shift) });
		}
		const g = r();
		return {
			id,
			country: c.code,
			timezone: pick(c.zones),
			languages: languages.filter((l, i) => languages.findIndex((k) => k.tag === l.tag) === i),
			passions: some(PASSIONS, 2, 5),
			availability,
			goals: some(GOALS, 1, 3),
			gender: g < 0.48 ? 'woman' : g < 0.9 ? 'man' : g < 0.94 ? 'non-binary' : null
		};
	}

	// Ids are random, so ordering by id (the engine) is a random order of the people as generated.
	const id = (prefix: string) => `${prefix}-${Math.floor(r() * 2 ** 32).toString(36).padStart(7, '0')}`;
	const mentees: Mentee[] = Array.from({ length: menteeCount }, () => ({
		...base(id('mentee')),
		minor: chance(0.3),
		crossBorder: chance(0.7) ? null : chance(2 / 3),
		preferredMentorGender: chance(0.8) ? null : chance(0.75) ? 'woman' : 'man'
	}));
	const mentors: Mentor[] = Array.from({ length: mentorCount }, () => ({
		...base(id('mentor')),
		capacity: 1 + Math.floor(r() * 5),
		vettedForMinors: chance(0.6)
	}));
	const excludedPairs = Array.from({ length: excluded }, () => ({ menteeId: pick(mentees).id, mentorId: pick(mentors).id }));
	return { mentees, mentors, settings: { ...BENCH_SETTINGS, excludedPairs } };
}
