import { describe, expect, it } from 'vitest';
import { eligibility, FULL_OVERLAP_HOURS } from './score';
import { DEFAULT_SETTINGS } from './settings';
import type { MatchingSettings, Mentee, Mentor } from './types';

const settings: MatchingSettings = { ...DEFAULT_SETTINGS, horizonStart: '2026-01-05', horizonWeeks: 2, translatablePairs: ['es|en', 'en|es'] };
const ana: Mentee = {
	id: 'ana',
	country: 'MX',
	timezone: 'America/Mexico_City',
	languages: [{ tag: 'es', level: 'native' }],
	passions: ['Mural painting', 'guitar'],
	availability: [{ day: 2, start: 17 * 60, end: 20 * 60 }],
	goals: ['portfolio', 'confidence'],
	gender: 'woman',
	minor: true,
	crossBorder: null,
	preferredMentorGender: 'woman'
};
const kofi: Mentor = {
	id: 'kofi',
	country: 'GB',
	timezone: 'Europe/London',
	languages: [{ tag: 'en', level: 'native' }],
	passions: ['mural paintings', 'oil painting'],
	availability: [{ day: 2, start: 22 * 60, end: 24 * 60 }, { day: 3, start: 0, end: 3 * 60 }],
	goals: ['portfolio'],
	gender: 'man',
	capacity: 2,
	vettedForMinors: true
};

describe('pair eligibility and score', () => {
	it('scores each component in [0, 1] and sums them with the weights, rounded to thousandths', () => {
		const e = eligibility(ana, kofi, settings);
		if (!e.ok) throw new Error(`not eligible: ${e.ruledOutBy}`);
		// Mexico City (UTC-6) Tuesday 17–20 is 23:00–02:00 UTC; London (UTC+0) has Tuesday 22–24 and Wednesday 00–03: 3 hours.
		expect(e.overlapHoursPerWeek).toBe(3);
		expect(e.score).toMatchObject({ passions: 0.5, language: 0.45, availability: 3 / FULL_OVERLAP_HOURS, crossBorder: 1, goals: 0.5, genderPreference: 0 });
		const w = settings.weights;
		const expected = 0.5 * w.passions + 0.45 * w.language + 0.5 * w.availability + w.crossBorder + 0.5 * w.goals;
		expect(e.score.total).toBe(Math.round(expected * 1000) / 1000);
		expect(e.explanation).toEqual([
			{ kind: 'passions', shared: ['Mural painting'], related: [] },
			{ kind: 'overlap', hoursPerWeek: 3 },
			{ kind: 'language', shared: null, via: 'translation', menteeLanguage: 'es', mentorLanguage: 'en' },
			{ kind: 'border', crossBorder: true, menteeCountry: 'MX', mentorCountry: 'GB' },
			{ kind: 'goals', shared: ['portfolio'] },
			{ kind: 'gender_preference', met: false }
		]);
	});

	it('lists every constraint that rules a pair out, in order', () => {
		const strict = { ...settings, genderPreferenceIsHard: true, translatablePairs: [], minOverlapHours: 4, excludedPairs: [{ menteeId: 'ana', mentorId: 'kofi' }] };
		const mentor = { ...kofi, capacity: 0, vettedForMinors: false, country: 'MX' };
		const e = eligibility({ ...ana, crossBorder: true }, mentor, strict);
		expect(e).toEqual({
			ok: false,
			ruledOutBy: ['ended_by_report', 'capacity', 'minor_needs_vetted_mentor', 'cross_border_preference', 'gender_preference', 'no_common_language', 'too_little_overlap']
		});
	});

	it('a hard gender preference compares genders trimmed and case-folded', () => {
		const hard = { ...settings, genderPreferenceIsHard: true };
		expect(eligibility(ana, { ...kofi, gender: ' Woman ' }, hard).ok).toBe(true);
		expect(eligibility(ana, { ...kofi, gender: null }, hard)).toMatchObject({ ok: false, ruledOutBy: ['gender_preference'] });
	});

	it('a mentee who wants a mentor from home, or from abroad, gets only that', () => {
		expect(eligibility({ ...ana, crossBorder: false }, kofi, settings)).toMatchObject({ ok: false, ruledOutBy: ['cross_border_preference'] });
		expect(eligibility({ ...ana, crossBorder: true }, kofi, settings).ok).toBe(true);
		expect(eligibility({ ...ana, crossBorder: true }, { ...kofi, country: 'mx' }, settings)).toMatchObject({ ok: false, ruledOutBy: ['cross_border_preference'] });
	});

	it('prefers a shared language to translation, and no preference counts as met', () => {
		const shared = eligibility({ ...ana, preferredMentorGender: null }, { ...kofi, languages: [{ tag: 'es-MX', level: 'fluent' }] }, settings);
		expect(shared).toMatchObject({ ok: true, score: { language: 0.85, genderPreference: 1 } });
		if (shared.ok) expect(shared.explanation.map((p) => p.kind)).not.toContain('gender_preference');
	});

	it('weights change the total, not the components', () => {
		const a = eligibility(ana, kofi, settings);
		const b = eligibility(ana, kofi, { ...settings, weights: { ...settings.weights, crossBorder: 0 } });
		if (!a.ok || !b.ok) throw new Error('not eligible');
		expect(a.score.passions).toBe(b.score.passions);
		expect(a.score.total - b.score.total).toBeCloseTo(settings.weights.crossBorder, 3);
	});
});
