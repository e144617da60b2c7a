import { z } from 'zod';
import { findContactDetails } from '../moderation/contact';
import { cleanText } from '../text';
import { COUNTRY_CODES } from './countries';
import { UI_LOCALES } from '../../src/lib/i18n/locales';

// Each refinement's message is an ErrorCode; the edge turns it into a sentence in the reader's language.

const timeZones = new Set(Intl.supportedValuesOf('timeZone'));
/** Intl's list omits a few valid aliases (e.g. "UTC"), so fall back to asking Intl itself. */
export function isTimeZone(tz: string): boolean {
	if (timeZones.has(tz)) return true;
	try {
		new Intl.DateTimeFormat('en', { timeZone: tz });
		return tz.includes('/') || tz === 'UTC';
	} catch {
		return false;
	}
}

/** Returns the canonical BCP 47 form ("pt-br" → "pt-BR"), or null when the tag is not well-formed. */
export function canonicalLanguageTag(tag: string): string | null {
	const known = canonicalTags.get(tag);
	if (known !== undefined) return known;
	let canonical: string | null;
	try {
		canonical = Intl.getCanonicalLocales(tag)[0] ?? null;
	} catch {
		canonical = null;
	}
	// Intl's parser is slow and every chat message carries a tag; the tags in use are few.
	if (canonicalTags.size >= 1000) canonicalTags.clear();
	canonicalTags.set(tag, canonical);
	return canonical;
}
const canonicalTags = new Map<string, string | null>();

/** Whole years between `birthDate` (YYYY-MM-DD) and `today`. */
export function ageOn(birthDate: string, today: Date): number {
	const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
	let age = today.getUTCFullYear() - y;
	const beforeBirthday = today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d);
	if (beforeBirthday) age -= 1;
	return age;
}

export const MIN_AGE = 8;
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

// Passwords seen most often in breach corpora; length alone does not stop these.
const COMMON_PASSWORDS = new Set([
	'123456789012',
	'1234567890123',
	'12345678901234',
	'qwertyuiop123',
	'qwertyuiopasdf',
	'password1234',
	'password12345',
	'passwordpassword',
	'iloveyou1234',
	'aaaaaaaaaaaa',
	'111111111111',
	'000000000000',
	'abcdefghijkl',
	'abc123abc123',
	'letmein12345',
	'welcome12345',
	'changeme1234',
	'administrator',
	'qwerty123456',
	'1q2w3e4r5t6y'
]);

/** Optional free text where an empty answer means "not given". */
const optionalText = (max: number, code: string) =>
	cleanText({ max, code }).transform((s) => (s === '' ? null : s));

export const email = z
	.string({ error: 'required' })
	.trim()
	.toLowerCase()
	.pipe(z.email({ error: 'email_invalid' }).max(254, { error: 'email_invalid' }));

export const password = z
	.string({ error: 'required' })
	.min(PASSWORD_MIN, { error: 'password_too_short' })
	.max(PASSWORD_MAX, { error: 'password_too_long' })
	.refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()) && new Set(p).size > 3, { error: 'password_too_common' });

/**
 * Shown to everyone in a person's spaces, minors included, and outside the moderation pipeline's reach: so no
 * phone number, email, @handle or messaging app in it (the same detection chat uses in spaces with a minor).
 */
export const displayName = cleanText({ min: 1, max: 60, code: 'display_name_invalid' }).refine((s) => findContactDetails(s).length === 0, {
	error: 'display_name_contact'
});

export const country = z
	.string({ error: 'required' })
	.trim()
	.toUpperCase()
	.refine((c) => COUNTRY_CODES.has(c), { error: 'country_invalid' });

export const timezone = z.string({ error: 'required' }).trim().refine(isTimeZone, { error: 'timezone_invalid' });

export const languageTag = z
	.string({ error: 'required' })
	.trim()
	.transform((t, ctx) => {
		const canonical = t.length <= 35 ? canonicalLanguageTag(t) : null;
		if (!canonical) {
			ctx.addIssue({ code: 'custom', message: 'language_invalid' });
			return z.NEVER;
		}
		return canonical;
	});

export const languageLevel = z.enum(['native', 'fluent', 'conversational', 'basic'], { error: 'language_level_invalid' });

export const languages = z
	.array(z.object({ tag: languageTag, level: languageLevel }), { error: 'invalid_value' })
	.max(10, { error: 'languages_too_many' })
	.transform((list) => {
		// One entry per language; a later duplicate overrides an earlier one.
		const byTag = new Map(list.map((l) => [l.tag, l]));
		return [...byTag.values()];
	});

export const passions = z
	.array(cleanText({ min: 1, max: 40, code: 'passions_invalid' }).transform((s) => s.toLowerCase()), { error: 'passions_invalid' })
	.max(20, { error: 'passions_invalid' })
	.transform((list) => [...new Set(list)]);

export const birthDate = z
	.string({ error: 'required' })
	.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'birth_date_invalid' })
	.refine((s) => {
		const d = new Date(`${s}T00:00:00Z`);
		return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
	}, { error: 'birth_date_invalid' })
	.refine((s) => {
		const age = ageOn(s, new Date());
		return age >= 0 && age <= 120;
	}, { error: 'birth_date_invalid' })
	.refine((s) => ageOn(s, new Date()) >= MIN_AGE, { error: 'too_young' });

export const uiLanguage = z.enum(UI_LOCALES, { error: 'language_invalid' });

/** Adults only may mentor; the age comes from the birth date given at sign-up. */
export const MENTOR_MIN_AGE = 18;

export const signUpInput = z
	.object({
	email,
	password,
	displayName,
	role: z.enum(['mentee', 'mentor'], { error: 'role_invalid' }),
	birthDate,
	country,
	timezone,
	readingLanguage: languageTag,
	uiLanguage: uiLanguage.nullish(),
	languages: languages.optional(),
	passions: passions.optional(),
	bio: cleanText({ max: 500, code: 'bio_too_long', multiline: true }).optional(),
	gender: optionalText(40, 'gender_too_long').optional(),
	// Required under the consent age for the participant's country (policy), which only the server knows.
	guardianName: optionalText(80, 'guardian_name_invalid').optional(),
	guardianEmail: z
		.string()
		.trim()
		.transform((s) => (s === '' ? null : s))
		.pipe(email.nullable())
		.optional()
	})
	.superRefine((input, ctx) => {
		if (input.role === 'mentor' && ageOn(input.birthDate, new Date()) < MENTOR_MIN_AGE) {
			ctx.addIssue({ code: 'custom', path: ['role'], message: 'mentor_too_young' });
		}
	});
export type SignUpInput = z.output<typeof signUpInput>;

export const signInInput = z.object({
	email,
	// Never tell which rule a password breaks at sign-in: just that the pair is wrong.
	password: z.string({ error: 'required' }).min(1, { error: 'required' }).max(PASSWORD_MAX, { error: 'bad_credentials' })
});

export const changePasswordInput = z.object({
	currentPassword: z.string({ error: 'required' }).min(1, { error: 'required' }).max(PASSWORD_MAX),
	newPassword: password
});

export const profileUpdate = z
	.object({
		displayName,
		country,
		timezone,
		readingLanguage: languageTag,
		uiLanguage: uiLanguage.nullable(),
		languages,
		passions,
		bio: cleanText({ max: 500, code: 'bio_too_long', multiline: true }),
		gender: optionalText(40, 'gender_too_long').nullable(),
		// Age decides safeguarding rules, so its owner cannot change it after sign-up: say so rather than ignore it.
		birthDate: z.never({ error: 'birth_date_locked' })
	})
	.partial();
export type ProfileUpdate = z.output<typeof profileUpdate>;

export const roleInput = z.enum(['mentee', 'mentor', 'moderator', 'admin'], { error: 'role_invalid' });
