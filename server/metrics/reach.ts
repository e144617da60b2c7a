import type { Reach } from '../../src/lib/protocol/evaluation';
import { translationTarget } from '../chat/languages';
import { ageOn } from './calendar';
import { consenting, countedSpaces, type Facts, type PersonFact } from './facts';
import { cell, peopleCell, suppressPartition } from './suppress';

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
	if (!order) rows.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
	return suppressPartition(rows);
}

/**
 * Reach and balance: consenting participants by country, role, age band (on the period's last day) and gender,
 * matched or not; pairs by their two reading languages, and which of them rely on machine translation.
 */
export function reach(facts: Facts): Reach {
	const people = [...consenting(facts).values()];
	const pairs = [...countedSpaces(facts).values()].filter((s) => s.kind === 'pair');
	const byId = consenting(facts);
	const languageRows = new Map<string, { pairs: number; people: Set<string> }>();
	for (const pair of pairs) {
		const [a, b] = pair.members.map((id) => byId.get(id)!.readingLanguage);
		const key = languagePairKey(a!, b!);
		const row = languageRows.get(key) ?? { pairs: 0, people: new Set<string>() };
		row.pairs++;
		for (const id of pair.members) row.people.add(id);
		languageRows.set(key, row);
	}
	const rows = [...languageRows].sort(([ka, a], [kb, b]) => b.people.size - a.people.size || ka.localeCompare(kb));
	const pairCells = suppressPartition(rows.map(([key, row]) => ({ key, count: row.pairs, people: row.people.size })));
	const peopleCells = suppressPartition(rows.map(([key, row]) => ({ key, count: row.people.size })));
	const languagePairs = rows.map(([key], i) => ({ key, machineTranslated: key.includes('|'), pairs: pairCells[i]!.count, people: peopleCells[i]!.count }));
	const translated = pairs.filter((p) => languagePairKey(...(p.members.map((id) => byId.get(id)!.readingLanguage) as [string, string])).includes('|'));
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
		translatedPairs: cell(translated.length, translated.length * 2),
		pairs: cell(pairs.length, pairs.length * 2)
	};
}
