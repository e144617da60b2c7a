import { createHash, randomUUID } from 'node:crypto';
import type { consents, guardianConsents, matchingProfiles, profiles, users } from '../db/schema';
import type { WeeklySlot } from '../matching/types';
import { COUNTRIES, PASSIONS, type CountryInfo, type DemoLang } from './content';
import type { Random } from './random';

export const DAY = 86_400_000;
/** Every demo account's e-mail domain (reserved: .example never delivers): how --reset tells a demo database. */
export const DEMO_DOMAIN = 'demo.tessera.example';

export interface Person {
	id: string;
	email: string;
	role: 'mentee' | 'mentor' | 'moderator' | 'admin';
	name: string;
	country: CountryInfo;
	lang: DemoLang;
	age: number;
	/** Under 18 (the default policy's minor age). */
	minor: boolean;
	/** Under 16: a guardian consented for them. */
	guardian: boolean;
	/** Signed up, guardian has not confirmed yet: reaches no space. */
	pending: boolean;
	/** Live consent to evaluation; `withdrawn` granted, then revoked. */
	evaluation: 'yes' | 'no' | 'withdrawn';
	/** Mentors: vetted for work with minors. */
	vetted: boolean;
	joinedAt: Date;
}

export interface PeopleRows {
	admin: Person;
	moderator: Person;
	mentors: Person[];
	mentees: Person[];
	users: (typeof users.$inferInsert)[];
	profiles: (typeof profiles.$inferInsert)[];
	matchingProfiles: (typeof matchingProfiles.$inferInsert)[];
	guardianConsents: (typeof guardianConsents.$inferInsert)[];
	consents: (typeof consents.$inferInsert)[];
}

const GOALS = ['portfolio', 'technique', 'creative_skills', 'language_practice', 'career', 'study', 'confidence', 'collaboration', 'exhibition'];

/** ASCII e-mail local part from a name ("Lucía García" → "lucia.garcia"). */
function localPart(name: string): string {
	return name
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z]+/g, '.')
		.replace(/^\.|\.$/g, '');
}

function birthDate(now: number, age: number, random: Random): string {
	// Somewhere in the year that makes them `age` today.
	const d = new Date(now - age * 365.25 * DAY - random.int(20, 340) * DAY);
	return d.toISOString().slice(0, 10);
}

function pickLang(country: CountryInfo, random: Random): DemoLang {
	let r = random.next();
	for (const [lang, weight] of country.langs) {
		if (r < weight) return lang;
		r -= weight;
	}
	return country.langs[0]![0];
}

function gender(random: Random, woman: boolean): string | null {
	const r = random.next();
	if (r < 0.08) return null;
	if (r < 0.13) return 'non-binary';
	if (r < 0.15) return 'genderfluid';
	return woman ? 'woman' : 'man';
}

function availability(random: Random): WeeklySlot[] {
	const days = random.sample([1, 2, 3, 4, 5, 6, 7] as const, random.int(2, 4));
	return days.map((day) => {
		const start = random.int(16, 19) * 60;
		return { day, start, end: start + random.int(2, 3) * 60 };
	});
}

/**
 * The demo program's people: a program lead, a moderator, 24 mentors and 36 mentees from nine countries, with
 * their profiles, matching profiles and consent ledger. Pure: the same random stream gives the same people.
 */
export function makePeople({ random, now, passwordHash }: { random: Random; now: number; passwordHash: string }): PeopleRows {
	const used = new Set<string>();
	const programStart = now - 13 * 7 * DAY;
	const make = (role: Person['role'], country: CountryInfo, age: number): Person => {
		let name = '';
		for (let tries = 0; tries < 50; tries++) {
			const woman = random.chance(0.55);
			name = `${random.pick(woman ? country.women : country.men)} ${random.pick(country.surnames)}`;
			if (!used.has(name)) break;
		}
		used.add(name);
		return {
			id: randomUUID(),
			email: `${localPart(name)}@${DEMO_DOMAIN}`,
			role,
			name,
			country,
			lang: pickLang(country, random),
			age,
			minor: age < 18,
			guardian: age < 16,
			pending: false,
			evaluation: 'yes',
			vetted: false,
			joinedAt: new Date(programStart - random.int(0, 20) * DAY)
		};
	};
	const byCode = (code: string) => COUNTRIES.find((c) => c.code === code)!;
	const admin = { ...make('admin', byCode('FR'), 41), name: 'Claire Fontaine', email: `lead@${DEMO_DOMAIN}`, lang: 'en' as DemoLang };
	const moderator = { ...make('moderator', byCode('KE'), 34), name: 'Grace Achieng', email: `moderator@${DEMO_DOMAIN}`, lang: 'en' as DemoLang };
	admin.joinedAt = new Date(programStart - 30 * DAY);
	moderator.joinedAt = new Date(programStart - 28 * DAY);

	const mentors: Person[] = [];
	const mentees: Person[] = [];
	for (let i = 0; i < 24; i++) {
		const mentor = make('mentor', COUNTRIES[i % COUNTRIES.length]!, random.pick([23, 26, 29, 31, 34, 38, 42, 47, 53, 61]));
		mentor.vetted = i % 5 !== 4;
		mentors.push(mentor);
	}
	// Ages: a few 13–15 (guardian consent), some 16–17, most young adults.
	const ages = [13, 14, 14, 15, 15, 15, 16, 16, 16, 17, 17, 17, 17];
	for (let i = 0; i < 36; i++) {
		const age = ages[i] ?? random.int(18, 26);
		mentees.push(make('mentee', COUNTRIES[(i * 4 + 1) % COUNTRIES.length]!, age));
	}
	// One 14-year-old whose guardian has not confirmed yet.
	mentees[2]!.pending = true;
	// Most consent to evaluation; a few never did, one withdrew.
	for (const i of [5, 19, 27]) mentees[i]!.evaluation = 'no';
	mentors[7]!.evaluation = 'no';
	mentees[22]!.evaluation = 'withdrawn';

	const everyone = [admin, moderator, ...mentors, ...mentees];
	const rows: PeopleRows = { admin, moderator, mentors, mentees, users: [], profiles: [], matchingProfiles: [], guardianConsents: [], consents: [] };
	for (const p of everyone) {
		rows.users.push({
			id: p.id,
			email: p.email,
			passwordHash,
			role: p.role,
			status: p.pending ? 'pending_consent' : 'active',
			createdAt: p.joinedAt,
			updatedAt: p.joinedAt
		});
		const second: DemoLang = p.lang === 'en' ? random.pick(['fr', 'es', 'sw'] as const) : 'en';
		const womanName = p.country.women.includes(p.name.split(' ')[0]!);
		rows.profiles.push({
			userId: p.id,
			displayName: p.name,
			country: p.country.code,
			timezone: p.country.timezone,
			languages: [
				{ tag: p.lang, level: 'native' },
				{ tag: second, level: random.pick(['basic', 'conversational', 'fluent'] as const) }
			],
			readingLanguage: p.lang,
			uiLanguage: random.chance(0.7) ? p.lang : null,
			passions: p.role === 'admin' || p.role === 'moderator' ? [] : random.sample(PASSIONS, random.int(2, 4)),
			bio: '',
			birthDate: birthDate(now, p.age, random),
			gender: p.role === 'admin' ? 'woman' : p.role === 'moderator' ? 'woman' : gender(random, womanName),
			updatedAt: p.joinedAt
		});
		if (p.role === 'mentor' || p.role === 'mentee') {
			rows.matchingProfiles.push({
				userId: p.id,
				availability: availability(random),
				goals: random.sample(GOALS, random.int(1, 3)),
				capacity: p.role === 'mentor' ? random.int(1, 3) : 2,
				crossBorder: p.role === 'mentee' ? (random.chance(0.7) ? true : null) : null,
				vettedForMinorsAt: p.vetted ? new Date(p.joinedAt.getTime() + 3 * DAY) : null,
				vettedBy: p.vetted ? admin.id : null,
				updatedAt: p.joinedAt
			});
		}
		consentRows(p, rows, random, now);
	}
	return rows;
}

function consentRows(p: Person, rows: PeopleRows, random: Random, now: number): void {
	let guardianConsentId: string | null = null;
	if (p.guardian) {
		guardianConsentId = randomUUID();
		const surname = p.name.split(' ').slice(1).join(' ');
		rows.guardianConsents.push({
			id: guardianConsentId,
			userId: p.id,
			guardianName: `${random.pick(p.country.women)} ${surname}`,
			guardianEmail: `guardian.${localPart(p.name)}@${DEMO_DOMAIN}`,
			// A token nobody holds: the demo's links are never mailed.
			tokenHash: createHash('sha256').update(randomUUID()).digest('hex'),
			purposes: ['participation', 'recording', 'exhibition', 'evaluation'],
			createdAt: p.joinedAt,
			expiresAt: new Date(p.joinedAt.getTime() + 7 * DAY),
			confirmedAt: p.pending ? null : new Date(p.joinedAt.getTime() + random.int(1, 4) * 3_600_000 * 12)
		});
		if (p.pending) return;
	}
	const grantedBy = p.guardian ? ('guardian' as const) : ('self' as const);
	const grantedAt = new Date(p.joinedAt.getTime() + (p.guardian ? 3 * DAY : 0));
	const purposes: Array<'participation' | 'recording' | 'exhibition' | 'evaluation'> = ['participation', 'recording'];
	if (random.chance(0.85)) purposes.push('exhibition');
	if (p.evaluation !== 'no') purposes.push('evaluation');
	for (const purpose of purposes) {
		const withdrawn = purpose === 'evaluation' && p.evaluation === 'withdrawn';
		rows.consents.push({
			userId: p.id,
			purpose,
			grantedBy,
			guardianConsentId,
			grantedAt,
			revokedAt: withdrawn ? new Date(now - 20 * DAY) : null,
			revokedBy: withdrawn ? grantedBy : null
		});
	}
}
