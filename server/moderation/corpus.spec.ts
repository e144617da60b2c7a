import { describe, expect, it } from 'vitest';
import { contactHook, wordListHook } from './hooks';
import { createModerationPipeline, type ModerationAction } from './pipeline';

/**
 * The filter corpus: messages in English, Spanish and French, obfuscated variants (zero-width characters,
 * homoglyphs, leetspeak, spacing) and benign messages that must pass, including words that contain a listed word.
 * Each case states what the shipped hooks must do in a space of adults and in a space with a minor (contact filter
 * on, the default policy); contact details also run with the filter off, where they pass.
 */
type Expected = Exclude<ModerationAction, 'redact'>;
interface Case {
	text: string;
	lang: 'en' | 'es' | 'fr';
	adults: Expected;
	minors: Expected;
	/** A contact detail: passes with the policy's contact filter off. */
	contact?: boolean;
}

const harmful = (lang: Case['lang'], adults: Expected, minors: Expected, texts: string[], contact = false): Case[] =>
	texts.map((text) => ({ text, lang, adults, minors, contact }));
const benign = (lang: Case['lang'], texts: string[]): Case[] => texts.map((text) => ({ text, lang, adults: 'allow', minors: 'allow' }));

const ZW = '\u200B';
const ZWJ = '\u200D';

const CORPUS: Case[] = [
	// English
	...harmful('en', 'block', 'block', [
		'you are a fucking idiot',
		'f u c k off',
		`f${ZW}u${ZWJ}ck you`,
		'what a b1tch',
		'FUUUCK this',
		'you r3tard',
		'kys',
		'go and k!ll yourself',
		// Chat-speak, look-alike letters and misspellings a reviewer used to get past the lists.
		'kill urself',
		'kill ur self',
		'f\u0441uk you',
		'what the fuk',
		'go unalive yourself',
		'kill yo self'
	]),
	...harmful('en', 'hold', 'hold', [
		'sh1t happens',
		'you are such an @ss',
		"don't tell your parents about this",
		"d0n't t3ll your p4rents",
		'this is our little secret',
		'our l i t t l e secret',
		`our li${ZW}ttle sec${ZW}ret`,
		'dont tell ur parents',
		'do not tell your parents ok?',
		'dnt tell ur mum'
	]),
	...harmful('en', 'allow', 'hold', [
		'send me a photo of you',
		's e n d m e a p h o t o',
		'how old are you?',
		'h\u03BFw \u03BFld are y\u03BFu',
		'are you alone right now?',
		'keep this between us',
		'are u alone',
		'r u home alone?',
		'what are you wearing',
		'wat r u wearing rn',
		'where do you live?',
		// Borderline, held: a list cannot tell a story from the question, and a moderator's look costs less than a miss.
		'where do you live in the story?',
		"what's ur address",
		'send me pics pls',
		'keep this btwn us',
		'wat r u wearin',
		'hw old r u',
		"let's meet irl"
	]),
	...harmful(
		'en',
		'allow',
		'hold',
		[
			'my number is 555-123-4567',
			'email me: jo.smith@gmail.com',
			'jo dot smith at gmail dot com',
			'add me on snapchat',
			'https://wa.me/447700900123',
			'text me +1 (202) 555 0143',
			'five five five one two three four',
			'my snap is jo.smith12',
			'my discord is jo#1234',
			'555·123·4567',
			'555 • 123 • 4567',
			'jo[at]gmail[.]com',
			'jo at gmail dot com',
			'jo (at) gmail (dot) com',
			'add me on snap',
			'whats ur sc',
			'hmu on discord',
			'tg: @lea2010',
			'my number is six one two, thirty four, fifty six, seventy eight'
		],
		true
	),
	// Spanish
	...harmful('es', 'block', 'block', ['eres una puta', 'p.u.t.a', 'hijo de put@', 'eres un maric\u00F3n', 'z0rra', 'suicídate', 'ojalá te mueras']),
	...harmful('es', 'hold', 'hold', [
		'qué mierda',
		'no se lo digas a tus padres',
		'n0 se lo d1gas a tus padres',
		'es nuestro pequeño secreto',
		'cabrón',
		'c a b r o n',
		'eres un gilipollas',
		'no les digas a tus padres',
		'no le cuentes a tus padres'
	]),
	...harmful('es', 'allow', 'hold', [
		'mándame una foto',
		'mandame una foto porfa',
		'¿cuántos años tienes?',
		'¿estás sola en casa?',
		'que quede entre nosotros',
		'tas sola?',
		'¿qué llevas puesto?',
		'¿dónde vives?',
		'cual es tu direccion',
		'que nadie se entere'
	]),
	...harmful(
		'es',
		'allow',
		'hold',
		[
			'mi whatsapp es 612 345 678',
			'escríbeme a ana@hotmail.es',
			'sígueme en instagram',
			'llámame al seis uno dos tres cuatro cinco seis',
			'mi snap es ana.perez09',
			'agrégame al discord',
			'¿tienes snap?',
			'ana arroba gmail punto com',
			'llámame al 612·345·678',
			'seis doce treinta y cuatro cincuenta y seis setenta y ocho'
		],
		true
	),
	// French
	...harmful('fr', 'block', 'block', ['sale pute', 's@lope', 'espèce d\u2019encul\u00E9', 'nique ta m\u00E8re', 'tue-toi', 'va te pendre']),
	...harmful('fr', 'hold', 'hold', [
		'espèce de connard',
		'ne le dis pas à tes parents',
		'ne le dis pas a tes parents',
		"c'est notre petit secret",
		'putain',
		'\u0440utain',
		'ta gueule',
		'dis pas à tes parents',
		'dis rien à ta mère'
	]),
	...harmful('fr', 'allow', 'hold', [
		'envoie-moi une photo',
		'tu as quel âge ?',
		"t'as quel âge",
		'tu es seule ce soir ?',
		'ça reste entre nous',
		"t'es seule ?",
		'tu portes quoi',
		'tu habites où ?',
		"c'est quoi ton adresse",
		'on se voit en vrai ?'
	]),
	...harmful(
		'fr',
		'allow',
		'hold',
		[
			'mon insta: @lea_2010',
			'appelle-moi au 06 12 34 56 78',
			'ajoute moi sur telegram',
			'mon mail: lea.martin@orange.fr',
			'mon snap c’est lea.m2010',
			'ajoute-moi sur discord',
			"t'as snap ?",
			'léa arobase orange point fr',
			'06,12,34,56,78',
			'zéro six douze trente-quatre cinquante-six soixante-dix-huit'
		],
		true
	),

	// Benign, with the tricky substrings
	...benign('en', [
		// Numbers are not leetspeak: 455 is not "ass".
		'Our session is in room 455 at 3',
		'Page 455 has the answer',
		'I love my class on Tuesdays',
		'The assassin in the novel was caught',
		'We visited Scunthorpe last summer',
		'Can you pass the assignment to me?',
		'My grandma lives in Essex',
		'Shiitake mushrooms are tasty',
		'The therapist is very kind',
		'That was a classic match',
		'I play bass guitar',
		'I was so embarrassed!',
		'How was your day?',
		'I am 15 years old and I love drawing',
		'Read chapter 3, pages 120-145',
		'The meeting is on 2024-05-12',
		'From 2019-2023 I lived in Leeds',
		'See you at 10:30 tomorrow',
		'Look at this drawing',
		'I do not have a phone yet',
		'Hello my friend!',
		'Let us keep the project a surprise for the teacher',
		'My secret recipe has cinnamon',
		'The signal was weak in the mountains',
		'Scrapbook, cocktail sauce, and a document',
		'What a hell of a game',
		'I live in Lyon',
		'Between us we finished the mural',
		'Call me Ana',
		'Did you tell your parents about the trip?',
		'I was alone at home yesterday and read a book',
		'What are you drawing?',
		'r u ready for the presentation? u did great',
		'My score is 555 points',
		'The deadline is 2024-05-01, then 2024-06-15',
		'It costs $1,299.99',
		'Page 12, line 4',
		'Oh snap, I forgot the glue',
		'The team was in discord about the colours',
		'We are at this point in the story',
		'Scores: 12, 15, 18, 20'
	]),
	...benign('es', [
		'La computadora está rota',
		'Tuvimos una disputa sobre el proyecto',
		'Tiene muy buena reputación',
		'Mi hermano se llama Ignacio',
		'¿Cómo estás?',
		'Tengo 14 años',
		'Vivo cerca del río Putumayo',
		'El precio es 1.000.000 de pesos',
		'Nos vemos a las 10:30',
		'Nunca compartas tu número con desconocidos',
		'Me gusta mucho el fútbol',
		'Mis padres me ayudan con los deberes',
		'Es un secreto a voces que el examen es difícil',
		'Vivo en Lyon',
		'Entre nosotros terminamos el mural',
		'Llámame Ana',
		'Cuéntaselo a tus padres, les va a gustar',
		'Mi puntuación es 555 puntos',
		'La reunión es el 01/05/2024 a las 10:30',
		'Cuesta 12.500,00 pesos'
	]),
	...benign('fr', [
		// "retard" is French for "late", not the English slur.
		'désolé, je suis en retard',
		'Le train a du retard ce matin',
		'Le député a parlé hier',
		"La réputation de l'école",
		'Je vais à la piscine',
		"Il fait beau aujourd'hui",
		'Ce contrat est compliqué',
		"Il a dit que c'était une dispute",
		'Mon frère a 12 ans',
		'Nous étudions les connaissances de base',
		'Le putois est un animal',
		"On se voit à l'école",
		'Mes parents sont gentils',
		'Quel âge a ton chien ?',
		"J'habite à Lyon",
		'Entre nous, on a fini la fresque',
		'Appelle-moi Ana',
		'Dis-le à tes parents, ils seront fiers',
		"J'ai 555 points",
		'Page 12, ligne 4',
		'Ça coûte 1 299,99 €',
		'Du 01/05/2024 au 15/05/2024, de 10:30 à 12:00'
	])
];

interface Run {
	policy: string;
	minorsPresent: boolean;
	contactFilterForMinors: boolean;
	expected: (c: Case) => Expected;
}

const RUNS: Run[] = [
	{ policy: 'adults only', minorsPresent: false, contactFilterForMinors: true, expected: (c) => c.adults },
	{ policy: 'minor present', minorsPresent: true, contactFilterForMinors: true, expected: (c) => c.minors },
	{ policy: 'minor, contact filter off', minorsPresent: true, contactFilterForMinors: false, expected: (c) => (c.contact ? 'allow' : c.minors) }
];

describe('filter corpus (en, es, fr)', () => {
	const pipeline = createModerationPipeline([wordListHook(), contactHook()]);

	it('holds and blocks what the policy says, passes benign messages, with precision and recall of at least 0.95', async () => {
		const rows: Record<string, string | number>[] = [];
		const misses: string[] = [];
		const benignBlocked: string[] = [];
		for (const run of RUNS) {
			let tp = 0;
			let fp = 0;
			let fn = 0;
			let tn = 0;
			let exact = 0;
			for (const [i, c] of CORPUS.entries()) {
				const decision = await pipeline.run({
					spaceId: 'corpus',
					authorId: `author-${i}`,
					authorName: 'Corpus',
					authorRole: 'member',
					text: c.text,
					lang: c.lang,
					kind: 'chat',
					clientId: null,
					editOf: null,
					minorsPresent: run.minorsPresent,
					policy: { contactFilterForMinors: run.contactFilterForMinors }
				});
				const want = run.expected(c);
				const flagged = decision.action !== 'allow';
				const shouldFlag = want !== 'allow';
				if (flagged && shouldFlag) tp++;
				else if (flagged) fp++;
				else if (shouldFlag) fn++;
				else tn++;
				if (decision.action === want) exact++;
				else misses.push(`[${run.policy}] ${JSON.stringify(c.text)}: expected ${want}, got ${decision.action} (${decision.hook ?? '-'}/${decision.reason ?? '-'})`);
				if (c.adults === 'allow' && c.minors === 'allow' && decision.action === 'block') benignBlocked.push(c.text);
			}
			const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
			const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
			rows.push({ policy: run.policy, cases: CORPUS.length, flagged: tp + fn, tp, fp, fn, tn, precision: +precision.toFixed(3), recall: +recall.toFixed(3), 'exact action': +(exact / CORPUS.length).toFixed(3) });
		}
		console.log(`moderation filter corpus: ${CORPUS.length} cases (${CORPUS.filter((c) => c.lang === 'en').length} en, ${CORPUS.filter((c) => c.lang === 'es').length} es, ${CORPUS.filter((c) => c.lang === 'fr').length} fr)`);
		console.table(rows);
		if (misses.length > 0) console.log(`misses:\n  ${misses.join('\n  ')}`);

		expect(benignBlocked).toEqual([]);
		for (const row of rows) {
			expect(row.precision, `precision, ${row.policy}`).toBeGreaterThanOrEqual(0.95);
			expect(row.recall, `recall, ${row.policy}`).toBeGreaterThanOrEqual(0.95);
			expect(row['exact action'], `exact action, ${row.policy}`).toBeGreaterThanOrEqual(0.95);
		}
	});

	it('covers each language with harmful, obfuscated and benign cases', () => {
		for (const lang of ['en', 'es', 'fr'] as const) {
			const of = CORPUS.filter((c) => c.lang === lang);
			expect(of.filter((c) => c.minors !== 'allow').length).toBeGreaterThanOrEqual(15);
			expect(of.filter((c) => c.minors === 'allow').length).toBeGreaterThanOrEqual(10);
		}
	});
});
