import { describe, expect, it } from 'vitest';
import { createListMatcher, SHIPPED_LISTS } from './lists';

const lists = {
	en: {
		terms: [
			{ text: 'ass', action: 'hold' as const, reason: 'insult' },
			{ text: 'cunt', action: 'block' as const, reason: 'slur' },
			{ text: 'send me a photo', action: 'hold' as const, reason: 'grooming', minorsOnly: true }
		]
	},
	es: { terms: [{ text: 'puta', action: 'block' as const, reason: 'slur' }] }
};

describe('word lists', () => {
	const m = createListMatcher(lists);
	const hit = (text: string, minorsPresent = true) => m.match({ text, minorsPresent }).map((h) => h.reason);

	it('matches whole words and phrases, and plurals of longer terms', () => {
		expect(hit('what an ass')).toEqual(['insult']);
		expect(hit('could you send me a photo?')).toEqual(['grooming']);
		expect(hit('putas')).toEqual(['slur']);
	});

	it('does not match inside ordinary words', () => {
		for (const text of ['class', 'assassin', 'Scunthorpe', 'passage', 'disputa', 'computadora', 'reputación', 'putain']) expect(hit(text), text).toEqual([]);
	});

	it('sees through invisibles, homoglyphs, leetspeak, spacing and stretched letters', () => {
		expect(hit('c\u200Bunt')).toEqual(['slur']);
		expect(hit('\u0441unt')).toEqual(['slur']);
		expect(hit('@$$')).toEqual(['insult']);
		expect(hit('c.u.n.t')).toEqual(['slur']);
		expect(hit('p u t a')).toEqual(['slur']);
		expect(hit('cuuuunt')).toEqual(['slur']);
		expect(hit('s e n d m e a p h o t o')).toEqual(['grooming']);
		expect(hit('sendmeaphoto')).toEqual(['grooming']);
		expect(hit('c u n t y')).toEqual(['slur']);
	});

	it('reads chat-speak as the words it stands for', () => {
		const shipped = createListMatcher();
		const reasons = (text: string) => shipped.match({ text, minorsPresent: true }).map((h) => h.reason);
		expect(reasons('dont tell ur parents')).toEqual(['grooming']);
		expect(reasons('are u alone')).toEqual(['grooming']);
		expect(reasons('r u alone?')).toEqual(['grooming']);
		expect(reasons('wat r u wearing')).toEqual(['grooming']);
		expect(reasons('kill urself')).toEqual(['self_harm']);
		expect(reasons("t'es seule ?")).toEqual(['grooming']);
		expect(reasons('tas sola?')).toEqual(['grooming']);
		expect(reasons('wat r u wearin')).toEqual(['grooming']);
		expect(reasons('kill yo self')).toEqual(['self_harm']);
		expect(reasons('keep this btwn us')).toEqual(['grooming']);
		expect(reasons('r u ready for the presentation? u did great')).toEqual([]);
	});

	it('applies terms marked minorsOnly only when a minor is present, and orders blocks first', () => {
		expect(hit('send me a photo', false)).toEqual([]);
		expect(m.match({ text: 'ass cunt', minorsPresent: false }).map((h) => h.action)).toEqual(['block', 'hold']);
	});

	it('ships lists for English, Spanish and French, each term matching itself', () => {
		const shipped = createListMatcher();
		for (const lang of ['en', 'es', 'fr']) {
			const list = SHIPPED_LISTS[lang]!;
			expect(list.terms.length).toBeGreaterThan(5);
			for (const t of list.terms) expect(shipped.match({ text: t.text, minorsPresent: true }).length, t.text).toBeGreaterThan(0);
		}
	});
});
