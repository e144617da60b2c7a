import type { Reach } from '../../src/lib/protocol/evaluation';
import { translationTarget } from '../chat/languages';
import { ageOn } from './calendar';
import { consenting, countedSpaces, type Facts, type PersonFact } from './facts';
import { MIN_CELL_PEOPLE } from '../../src/lib/protocol/evaluation';
import { cell, foldSmall, peopleCell, suppressPartition } from './suppress';

export const AGE_BANDS: [string, number, number][] = [
	['under-13', 0, 12],
	['13-15', 13, 15],
	['16-17', 16, 17],
	['18-24', 18, 24],
	['25-39', 25, 39],
	['40-64', 40, 64],
	['65+', 65, 200]
];

export const GENDER_KEYS = ['woman', 'man', 'non-binary', 'other', 'not-said'] as const;
export type GenderKey = (typeof GENDER_KEYS)[number];

// Words people write for themselves in the UI's languages (and a few common short forms), lower-cased.
const GENDER_WORDS: Record<Exclude<GenderKey, 'other' | 'not-said'>, string[]> = {
	woman: ['woman', 'female', 'f', 'girl', 'she', 'femme', 'femenino', 'femenina', 'mujer', 'chica', 'fille', 'feminino', 'mulher', 'menina', 'امرأة', 'انثى', 'أنثى', 'بنت', 'mwanamke', 'msichana'],
	man: ['man', 'male', 'm', 'boy', 'he', 'homme', 'masculin', 'masculino', 'hombre', 'chico', 'garçon', 'homem', 'menino', 'رجل', 'ذكر', 'ولد', 'mwanamume', 'mvulana'],
	'non-binary': ['non-binary', 'nonbinary', 'non binary', 'enby', 'nb', 'no binario', 'no binaria', 'no-binario', 'non-binaire', 'non binaire', 'não-binário', 'não binário', 'nao binario', 'غير ثنائي', 'غير ثنائية', 'genderqueer', 'agender']
};

/** A self-described gender as one of a few keys for aggregate counts; anything else is `other`, nothing `not-said`. */
export function genderKey(described: string | null): GenderKey {
	const words = (described ?? '').normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');
	if (words === '') return 'not-said';
	for (const [key, list] of Object.entries(GENDER_WORDS) as [GenderKey, string[]][]) if (list.includes(words)) return key;
	return 'other';
}

export function ageBand(birthDate: string, on: string): string {
	const age = ageOn(birthDate, on);
	return AGE_BANDS.find(([, min, max]) => age >= min && age <= max)?.[0] ?? 'under-13';
}

/** The two reading languages of a pair as one key ("en|pt"), by the language translation serves. */
export function languagePairKey(a: string, b: string): string {
	const [x, y] = [translationTarget(a), translationTarget(b)].sort();
	return x === y ? x! : `${x}|${y}`;
}

function countBy(people: PersonFact[], keyOf: (p: PersonFact) => string, order?: readonly string[]) {
	const counts = new Map<string, number>((order ?? []).map((k) => [k, 0]));
	for (const p of people) counts.set(keyOf(p), (counts.get(keyOf(p)) ?? 0) + 1);
	const rows = [...counts].map(([key, count]) => ({ key, count }));
	if (order) return suppressPartition(rows);
	// Open-ended keys: a withheld row would still tell that someone from there takes part, so small ones fold into `other`.
	rows.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
	return foldSmall(rows, (folded) => ({ key: 'other', count: folded.reduce((sum, r) => sum + r.count, 0) })).map((r) => ({ key: r.key, count: peopleCell(r.count) }));
}

interface LanguageRow {
	key: string;
	count: number;
	pairs: number;
	ids: Set<string>;
	/** null for the folded `other` row when it mixes both kinds. */
	machineTranslated: boolean | null;
}

const union = (rows: LanguageRow[]) => new Set(rows.flatMap((r) => [...r.ids]));

/**
 * Reach and balance: consenting participants by country, role, age band (on the period's last day) and gender,
 * matched or not; pairs by their two reading languages, and which of them rely on machine translation.
 */
export function reach(facts: Facts): Reach {
	const people = [...consenting(facts).values()];
	const pairs = [...countedSpaces(facts).values()].filter((s) => s.kind === 'pair');
	const byId = consenting(facts);
	const languageRows = new Map<string, LanguageRow>();
	for (const pair of pairs) {
		const [a, b] = pair.members.map((id) => byId.get(id)!.readingLanguage);
		const key = languagePairKey(a!, b!);
		const row = languageRows.get(key) ?? { key, count: 0, pairs: 0, ids: new Set<string>(), machineTranslated: key.includes('|') };
		row.pairs++;
		for (const id of pair.members) row.ids.add(id);
		row.count = row.ids.size;
		languageRows.set(key, row);
	}
	const sorted = [...languageRows.values()].sort((x, y) => y.count - x.count || x.key.localeCompare(y.key));
	const rows = foldSmall(sorted, (folded) => {
		const ids = union(folded);
		const kinds = new Set(folded.map((r) => r.machineTranslated));
		return { key: 'other', count: ids.size, pairs: folded.reduce((sum, r) => sum + r.pairs, 0), ids, machineTranslated: kinds.size === 1 ? [...kinds][0]! : null };
	});
	const languagePairs = rows.map((r) => ({ key: r.key, machineTranslated: r.machineTranslated, pairs: cell(r.pairs, r.ids.size), people: peopleCell(r.ids.size) }));
	// The translated total must not give away the translated part of a mixed `other` row, nor its shared part.
	const folded = sorted.filter((r) => !rows.some((shown) => shown.key === r.key));
	const mixedParts = rows.some((r) => r.key === 'other' && r.machineTranslated === null) ? [true, false].map((t) => union(folded.filter((r) => r.machineTranslated === t)).size) : [];
	const translated = pairs.filter((p) => languagePairKey(...(p.members.map((id) => byId.get(id)!.readingLanguage) as [string, string])).includes('|'));
	const pairPeople = new Set(pairs.flatMap((p) => p.members)).size;
	const translatedPeople = new Set(translated.flatMap((p) => p.members)).size;
	// All pairs minus the translated ones are the pairs sharing a language: about fewer than five people, that gives them away.
	const sharedPeople = new Set(pairs.filter((p) => !translated.includes(p)).flatMap((p) => p.members)).size;
	const small = (n: number) => n > 0 && n < MIN_CELL_PEOPLE;
	const givesAway = mixedParts.some(small) || small(sharedPeople);
	const matched = people.filter((p) => p.matched).length;
	const [matchedCell, unmatchedCell] = suppressPartition([
		{ key: 'matched', count: matched },
		{ key: 'unmatched', count: people.length - matched }
	]);

	return {
		participants: peopleCell(people.length),
		byCountry: countBy(people, (p) => p.country),
		byRole: countBy(people, (p) => p.role, ['mentee', 'mentor']),
		byAgeBand: countBy(people, (p) => ageBand(p.birthDate, facts.to), AGE_BANDS.map(([k]) => k)),
		byGender: countBy(people, (p) => genderKey(p.gender), GENDER_KEYS),
		matched: { matched: matchedCell!.count, unmatched: unmatchedCell!.count },
		languagePairs,
		translatedPairs: givesAway ? null : cell(translated.length, translatedPeople),
		pairs: cell(pairs.length, pairPeople)
	};
}
