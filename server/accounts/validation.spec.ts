import { describe, expect, it } from 'vitest';
import { ageOn, canonicalLanguageTag, email, isTimeZone, profileUpdate, signUpInput } from './validation';

const yearsAgo = (n: number) => {
	const d = new Date();
	d.setUTCFullYear(d.getUTCFullYear() - n);
	d.setUTCDate(d.getUTCDate() - 1);
	return d.toISOString().slice(0, 10);
};
const valid = {
	email: 'Ana@Example.org ',
	password: 'a sentence only I would write',
	displayName: 'Ana',
	role: 'mentee',
	birthDate: yearsAgo(14),
	country: 'br',
	timezone: 'America/Sao_Paulo',
	readingLanguage: 'pt-br'
};
/** The first code per field, as the edge reports it. */
const fieldCodes = (r: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
	Object.fromEntries((r.error?.issues ?? []).toReversed().map((i) => [String(i.path[0]), i.message]));

describe('age', () => {
	it('counts whole years, the day before a birthday included', () => {
		expect(ageOn('2010-06-15', new Date('2026-06-14T12:00:00Z'))).toBe(15);
		expect(ageOn('2010-06-15', new Date('2026-06-15T00:00:00Z'))).toBe(16);
		expect(ageOn('2008-02-29', new Date('2026-02-28T00:00:00Z'))).toBe(17);
	});
});

describe('sign-up input', () => {
	it('normalises email, country and language tags', () => {
		const out = signUpInput.parse(valid);
		expect(out).toMatchObject({ email: 'ana@example.org', country: 'BR', readingLanguage: 'pt-BR' });
	});
	it('refuses impossible dates, future dates and children under 8', () => {
		expect(fieldCodes(signUpInput.safeParse({ ...valid, birthDate: '2010-02-30' }))).toMatchObject({ birthDate: 'birth_date_invalid' });
		expect(fieldCodes(signUpInput.safeParse({ ...valid, birthDate: '2999-01-01' }))).toMatchObject({ birthDate: 'birth_date_invalid' });
		expect(fieldCodes(signUpInput.safeParse({ ...valid, birthDate: yearsAgo(6) }))).toMatchObject({ birthDate: 'too_young' });
	});
	it('only adults may sign up as mentors', () => {
		expect(fieldCodes(signUpInput.safeParse({ ...valid, role: 'mentor', birthDate: yearsAgo(17) }))).toEqual({ role: 'mentor_too_young' });
		expect(signUpInput.safeParse({ ...valid, role: 'mentor', birthDate: yearsAgo(18) }).success).toBe(true);
	});
	it('an empty gender is stored as not given', () => {
		expect(signUpInput.parse({ ...valid, gender: '  ' }).gender).toBeNull();
	});
	it('refuses moderator and admin as self-chosen roles', () => {
		expect(fieldCodes(signUpInput.safeParse({ ...valid, role: 'admin' }))).toEqual({ role: 'role_invalid' });
	});
});

describe('profile update', () => {
	it('cannot change the birth date, which decides safeguarding rules', () => {
		expect(fieldCodes(profileUpdate.safeParse({ birthDate: '1980-01-01', bio: 'hi' }))).toEqual({ birthDate: 'birth_date_locked' });
		expect(profileUpdate.parse({ bio: 'hi' })).toEqual({ bio: 'hi' });
	});
	it('refuses a NUL byte with a clear code instead of reaching the database', () => {
		expect(fieldCodes(profileUpdate.safeParse({ bio: 'a\u0000b' }))).toEqual({ bio: 'invalid_characters' });
	});
});

describe('display names', () => {
	it('refuse contact details, however they are written, and keep ordinary names in any script', () => {
		for (const name of ['Ana +44 7700 900123', 'ana@example.org', '@ana_draws', 'snap: ana.b', 'Ana (wh@tsapp)', 'ana at gmail dot com', 'five five five one two three four'])
			expect(fieldCodes(signUpInput.safeParse({ ...valid, displayName: name })), name).toMatchObject({ displayName: 'display_name_contact' });
		expect(fieldCodes(profileUpdate.safeParse({ displayName: 't.me/ana' }))).toMatchObject({ displayName: 'display_name_contact' });
		for (const name of ['Ana María', 'نور', 'Zoë 2', 'Jean-Luc', 'DJ Ana 2010', 'Li Wei 李伟'])
			expect(signUpInput.safeParse({ ...valid, displayName: name }).success, name).toBe(true);
	});
});

describe('reference data', () => {
	it('email must look like one', () => {
		expect(email.safeParse('not-an-email').success).toBe(false);
	});
	it('time zones are IANA names', () => {
		expect(isTimeZone('Africa/Nairobi')).toBe(true);
		expect(isTimeZone('UTC')).toBe(true);
		expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
		expect(isTimeZone('+03:00')).toBe(false);
	});
	it('language tags are canonical BCP 47', () => {
		expect(canonicalLanguageTag('zh-hant-tw')).toBe('zh-Hant-TW');
		expect(canonicalLanguageTag('not a tag')).toBeNull();
	});
});
