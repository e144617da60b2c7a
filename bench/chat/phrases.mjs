// A realistic chat mix for the translation cache: most messages are short phrases people repeat
// ("thanks!", "see you tomorrow"), drawn with a Zipf-like skew, and the rest are one of a kind.
// Deterministic for a given seed, client and message number.

const PHRASES = {
	en: [
		'hi!', 'hello', 'thanks!', 'thank you so much', 'ok', 'yes', 'no', 'see you tomorrow', 'good morning', 'good night',
		'how are you?', 'I am fine, and you?', 'that looks great', 'I love this drawing', 'can you show me?', 'wait a second',
		'sorry, I was late', 'what do you think?', 'I agree', 'let me try', 'nice idea!', 'me too', 'really?', 'haha',
		'I have to go now', 'bye!', 'see you next week', 'where are you from?', 'what music do you like?', 'I am working on the poem',
		'can we add colours?', 'the canvas is ready', 'I finished my part', 'great job', 'I do not understand', 'can you explain again?',
		'my teacher liked it', 'it is raining here', 'it is very hot today', 'happy birthday!'
	],
	es: [
		'¡hola!', 'gracias', 'muchas gracias', 'vale', 'sí', 'no', 'hasta mañana', 'buenos días', 'buenas noches', '¿cómo estás?',
		'estoy bien, ¿y tú?', 'se ve genial', 'me encanta este dibujo', '¿me lo enseñas?', 'espera un momento', 'perdón, llegué tarde',
		'¿qué piensas?', 'estoy de acuerdo', 'déjame intentarlo', '¡buena idea!', 'yo también', '¿de verdad?', 'jaja', 'me tengo que ir',
		'¡adiós!', 'nos vemos la próxima semana', '¿de dónde eres?', '¿qué música te gusta?', 'estoy escribiendo el poema', '¿añadimos colores?'
	],
	fr: [
		'salut !', 'bonjour', 'merci !', 'merci beaucoup', "d'accord", 'oui', 'non', 'à demain', 'bonne nuit', 'ça va ?',
		'ça va bien, et toi ?', "c'est super", "j'adore ce dessin", 'tu peux me montrer ?', 'attends une seconde', 'désolé, je suis en retard',
		"qu'en penses-tu ?", "je suis d'accord", 'je vais essayer', 'bonne idée !', 'moi aussi', 'vraiment ?', 'je dois partir', 'au revoir !'
	]
};

const SUBJECTS = { en: ['the poem', 'our song', 'the mural', 'my sketch', 'the story', 'your photo'], es: ['el poema', 'nuestra canción', 'el mural', 'mi boceto', 'la historia', 'tu foto'], fr: ['le poème', 'notre chanson', 'la fresque', 'mon croquis', "l'histoire", 'ta photo'] };
const FRAMES = {
	en: (s, n) => `I changed ${s} again, version ${n}`,
	es: (s, n) => `cambié ${s} otra vez, versión ${n}`,
	fr: (s, n) => `j'ai encore changé ${s}, version ${n}`
};

/** Share of messages that are one of a kind (never seen before, so never a cache hit). */
export const UNIQUE_SHARE = 0.3;

function mulberry32(a) {
	return () => {
		a |= 0;
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Zipf(s = 1) rank in [0, n): phrase k is picked with weight 1 / (k + 1). */
function zipf(random, n) {
	let total = 0;
	for (let k = 1; k <= n; k++) total += 1 / k;
	let x = random() * total;
	for (let k = 1; k <= n; k++) {
		x -= 1 / k;
		if (x <= 0) return k - 1;
	}
	return n - 1;
}

/** The text client `client` sends as its `n`-th message, in `lang` ('en' | 'es' | 'fr'). */
export function messageFor({ lang, seed, client, n }) {
	const random = mulberry32(seed * 1_000_003 + client * 7919 + n);
	const pool = PHRASES[lang] ?? PHRASES.en;
	if (random() < UNIQUE_SHARE) {
		const subjects = SUBJECTS[lang] ?? SUBJECTS.en;
		return (FRAMES[lang] ?? FRAMES.en)(subjects[Math.floor(random() * subjects.length)], `${seed}.${client}.${n}`);
	}
	return pool[zipf(random, pool.length)];
}
