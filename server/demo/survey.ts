import { randomUUID } from 'node:crypto';
import type { Localized, surveyAnswers, surveyPoints, surveyQuestions, surveyResponses, surveys } from '../db/schema';
import { LEARNED, type DemoLang } from './content';
import { DAY, type Person } from './people';
import type { DemoMentorship } from './program';
import type { Random } from './random';

/** The survey's languages: a person reading another one answers in English (the source language). */
const SURVEY_LANGS = ['en', 'es', 'fr', 'pt-BR', 'ar'];

type Question = { kind: 'likert' | 'choice' | 'text'; prompt: Localized; choices?: Localized[] };

const ATTITUDES: { title: Localized; questions: Question[] } = {
	title: {
		en: 'Living across borders',
		es: 'Vivir entre fronteras',
		fr: 'Vivre par-delà les frontières',
		'pt-BR': 'Vivendo além das fronteiras',
		ar: 'العيش عبر الحدود'
	},
	questions: [
		{
			kind: 'likert',
			prompt: {
				en: 'I feel I understand daily life in my partner’s country.',
				es: 'Siento que entiendo la vida cotidiana en el país de mi compañero o compañera.',
				fr: 'J’ai le sentiment de comprendre la vie quotidienne dans le pays de mon binôme.',
				'pt-BR': 'Sinto que entendo o dia a dia no país da minha dupla.',
				ar: 'أشعر أنني أفهم الحياة اليومية في بلد شريكي.'
			}
		},
		{
			kind: 'likert',
			prompt: {
				en: 'I feel confident sharing my creative work with people from other countries.',
				es: 'Me siento seguro o segura al compartir mi trabajo creativo con personas de otros países.',
				fr: 'Je me sens à l’aise pour partager mon travail créatif avec des personnes d’autres pays.',
				'pt-BR': 'Sinto-me confiante para compartilhar meu trabalho criativo com pessoas de outros países.',
				ar: 'أشعر بالثقة عند مشاركة أعمالي الإبداعية مع أشخاص من بلدان أخرى.'
			}
		},
		{
			kind: 'likert',
			prompt: {
				en: 'I can work well with someone who speaks another language.',
				es: 'Puedo trabajar bien con alguien que habla otro idioma.',
				fr: 'Je peux bien travailler avec quelqu’un qui parle une autre langue.',
				'pt-BR': 'Consigo trabalhar bem com alguém que fala outra língua.',
				ar: 'أستطيع العمل جيدا مع شخص يتحدث لغة أخرى.'
			}
		},
		{
			kind: 'likert',
			prompt: {
				en: 'People from other countries have a lot in common with me.',
				es: 'Las personas de otros países tienen mucho en común conmigo.',
				fr: 'Les personnes d’autres pays ont beaucoup en commun avec moi.',
				'pt-BR': 'Pessoas de outros países têm muito em comum comigo.',
				ar: 'لدى الناس من البلدان الأخرى الكثير من القواسم المشتركة معي.'
			}
		},
		{
			kind: 'choice',
			prompt: {
				en: 'How do you mostly talk with your partner?',
				es: '¿Cómo hablas sobre todo con tu compañero o compañera?',
				fr: 'Comment échanges-tu le plus souvent avec ton binôme ?',
				'pt-BR': 'Como você conversa com sua dupla na maior parte do tempo?',
				ar: 'كيف تتحدث مع شريكك في أغلب الأحيان؟'
			},
			choices: [
				{ en: 'In my language, with translation', es: 'En mi idioma, con traducción', fr: 'Dans ma langue, avec traduction', 'pt-BR': 'Na minha língua, com tradução', ar: 'بلغتي، مع الترجمة' },
				{ en: 'In a language we share', es: 'En un idioma que compartimos', fr: 'Dans une langue commune', 'pt-BR': 'Numa língua que falamos os dois', ar: 'بلغة مشتركة بيننا' },
				{ en: 'A mix of both', es: 'Una mezcla de las dos', fr: 'Un mélange des deux', 'pt-BR': 'Uma mistura das duas', ar: 'مزيج من الاثنين' },
				{ en: 'Mostly with drawings and images', es: 'Sobre todo con dibujos e imágenes', fr: 'Surtout avec des dessins et des images', 'pt-BR': 'Principalmente com desenhos e imagens', ar: 'غالبا بالرسوم والصور' }
			]
		},
		{
			kind: 'text',
			prompt: {
				en: 'What is one thing you learned from your partner?',
				es: '¿Qué es algo que aprendiste de tu compañero o compañera?',
				fr: 'Qu’as-tu appris de ton binôme ?',
				'pt-BR': 'O que você aprendeu com sua dupla?',
				ar: 'ما الشيء الذي تعلمته من شريكك؟'
			}
		}
	]
};

const PULSE: { title: Localized; questions: Question[] } = {
	title: { en: 'Mid-programme pulse', es: 'Pulso de mitad de programa', fr: 'Point d’étape', 'pt-BR': 'Termômetro do meio do programa', ar: 'استطلاع منتصف البرنامج' },
	questions: [
		{
			kind: 'likert',
			prompt: {
				en: 'These weeks I enjoyed making things in Tessera.',
				es: 'Estas semanas disfruté creando en Tessera.',
				fr: 'Ces dernières semaines, j’ai aimé créer dans Tessera.',
				'pt-BR': 'Nestas semanas gostei de criar no Tessera.',
				ar: 'استمتعت في هذه الأسابيع بالإبداع في تيسيرا.'
			}
		},
		{
			kind: 'likert',
			prompt: {
				en: 'I feel safe in my spaces.',
				es: 'Me siento seguro o segura en mis espacios.',
				fr: 'Je me sens en sécurité dans mes espaces.',
				'pt-BR': 'Eu me sinto seguro ou segura nos meus espaços.',
				ar: 'أشعر بالأمان في مساحاتي.'
			}
		}
	]
};

export interface SurveyRows {
	surveys: (typeof surveys.$inferInsert)[];
	questions: (typeof surveyQuestions.$inferInsert)[];
	points: (typeof surveyPoints.$inferInsert)[];
	responses: (typeof surveyResponses.$inferInsert)[];
	answers: (typeof surveyAnswers.$inferInsert)[];
}

const clamp = (n: number) => Math.min(5, Math.max(1, Math.round(n)));

/**
 * The attitude survey (pre at activation, post at completion) and a date-triggered pulse, both open, with answers
 * from people who consented to evaluation: most at activation, most of those whose mentorship completed, and post
 * Likert scores a little higher on average than pre, with noise.
 */
export function makeSurveys({ random, now, admin, mentorships, participants }: { random: Random; now: number; admin: Person; mentorships: DemoMentorship[]; participants: Person[] }): SurveyRows {
	const rows: SurveyRows = { surveys: [], questions: [], points: [], responses: [], answers: [] };
	const openedAt = new Date(now - 90 * DAY);
	const define = (spec: typeof ATTITUDES, openedAt: Date) => {
		const id = randomUUID();
		rows.surveys.push({ id, title: spec.title, sourceLang: 'en', status: 'open', openedAt, createdBy: admin.id, createdAt: new Date(openedAt.getTime() - 5 * DAY), updatedAt: openedAt });
		const questions = spec.questions.map((q) => ({ id: randomUUID(), kind: q.kind, choices: q.choices?.length ?? 0 }));
		spec.questions.forEach((q, position) => rows.questions.push({ id: questions[position]!.id, surveyId: id, position, kind: q.kind, prompt: q.prompt, choices: q.choices ?? [] }));
		return { id, questions };
	};
	const answerLang = (p: Person): DemoLang => (SURVEY_LANGS.includes(p.lang) ? p.lang : 'en');
	// People without evaluation consent never answer; the one who withdrew answered before withdrawing.
	const answers = (p: Person) => p.evaluation !== 'no';

	const attitudes = define(ATTITUDES, openedAt);
	const pre = randomUUID();
	const post = randomUUID();
	rows.points.push({ id: pre, surveyId: attitudes.id, phase: 'pre', trigger: 'activation' }, { id: post, surveyId: attitudes.id, phase: 'post', trigger: 'completion' });
	/** Each person's starting attitude per question, so post answers move from it. */
	const baseline = new Map<string, number[]>();
	const respond = (survey: { id: string; questions: Array<{ id: string; kind: string; choices: number }> }, pointId: string, p: Person, m: DemoMentorship | null, at: number, shift: number) => {
		const responseId = randomUUID();
		const lang = answerLang(p);
		rows.responses.push({ id: responseId, surveyId: survey.id, pointId, userId: p.id, mentorshipId: m?.id ?? null, lang, submittedAt: new Date(at) });
		const base = baseline.get(p.id) ?? survey.questions.map(() => random.normal(p.role === 'mentor' ? 3.4 : 2.7, 0.8));
		baseline.set(p.id, base);
		survey.questions.forEach((q, i) => {
			if (q.kind === 'likert') rows.answers.push({ responseId, questionId: q.id, value: clamp(base[i]! + shift + random.normal(0, 0.7)), text: null });
			else if (q.kind === 'choice') rows.answers.push({ responseId, questionId: q.id, value: random.int(0, q.choices - 1), text: null });
			else if (random.chance(0.8)) rows.answers.push({ responseId, questionId: q.id, value: null, text: random.pick(LEARNED[lang]) });
		});
	};
	for (const m of mentorships) {
		if (m.activatedAt === null) continue;
		for (const p of [m.mentee, m.mentor]) {
			// Mentors with two mentees answer once, for the first.
			if (!answers(p) || rows.responses.some((r) => r.pointId === pre && r.userId === p.id) || !random.chance(0.85)) continue;
			const at = Math.min(m.activatedAt + random.int(2, 72) * 3_600_000, now - 3_600_000);
			respond(attitudes, pre, p, m, p.evaluation === 'withdrawn' ? Math.min(at, now - 21 * DAY) : at, 0);
		}
	}
	for (const m of mentorships) {
		if (m.status !== 'completed' || m.endedAt === null) continue;
		for (const p of [m.mentee, m.mentor]) {
			if (p.evaluation !== 'yes' || rows.responses.some((r) => r.pointId === post && r.userId === p.id) || !random.chance(0.92)) continue;
			respond(attitudes, post, p, m, Math.min(m.endedAt + random.int(2, 96) * 3_600_000, now - 3_600_000), 0.6);
		}
	}

	const pulseOpens = now - 21 * DAY;
	const pulse = define(PULSE, new Date(pulseOpens));
	const point = randomUUID();
	rows.points.push({ id: point, surveyId: pulse.id, phase: 'other', trigger: 'date', opensOn: new Date(pulseOpens).toISOString().slice(0, 10) });
	for (const p of participants) {
		if (p.evaluation !== 'yes' || p.pending || !random.chance(0.55)) continue;
		respond(pulse, point, p, null, pulseOpens + random.int(2, 400) * 3_600_000, 0.3);
	}
	return rows;
}
