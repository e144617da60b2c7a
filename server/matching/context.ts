import type { EventEmitter } from 'node:events';
import { and, eq, gt, inArray, or } from 'drizzle-orm';
import type { Db } from '../db';
import { mentorships, profiles } from '../db/schema';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { Audit } from '../moderation/audit';
import type { ModerationPipeline } from '../moderation/pipeline';
import type { Restrictions } from '../moderation/restrictions';
import type { Safeguarding } from '../safeguarding';
import type { SpacesService, Tx } from '../spaces';
import type { TranslationService } from '../translate';
import { isUiLocale, type UiLocale } from '../../src/lib/i18n/locales';
import * as m from '../../src/lib/paraglide/messages.js';
import type { ErrorCode } from '../../src/lib/protocol/codes';
import type { ConstraintCode, ExplanationPart, MatchingResult, MatchingSettings, Mentee, Mentor, Proposal, Weights } from './types';
import type { ProgramSettingsStore } from './program-settings';
import type { SettingsPatch } from './validation';

/** The engine's public functions (server/matching/index.ts), as the service uses them. */
export interface Engine {
	match(mentees: Mentee[], mentors: Mentor[], settings: MatchingSettings): MatchingResult;
	rankMentors(mentee: Mentee, mentors: Mentor[], settings: MatchingSettings): Proposal[];
	explain(parts: ExplanationPart[], locale: UiLocale): string[];
	readonly DEFAULT_SETTINGS: Omit<MatchingSettings, 'excludedPairs' | 'translatablePairs' | 'horizonStart'> & Partial<MatchingSettings>;
	readonly DEFAULT_WEIGHTS: Weights;
	readonly GOALS: readonly string[];
}

export interface MatchingEvents {
	/** A mentorship changed state (after commit): the realtime layer can tell the pair. Ids only. */
	'mentorship:changed': [{ mentorshipId: string; status: string; menteeId: string; mentorId: string; spaceId: string | null }];
	/** A round was run, adjusted, published or discarded (after commit). */
	'round:changed': [{ roundId: string; status: string }];
}

/** What the parts of the matching service share. */
export interface MatchingContext {
	db: Db;
	log: Logger;
	spaces: SpacesService;
	safeguarding: Safeguarding;
	audit: Audit;
	translator?: Pick<TranslationService, 'languages'>;
	pipeline: ModerationPipeline;
	/** Told when ending a mentorship locks the pair's space, so open connections follow at once. */
	restrictions?: Pick<Restrictions, 'changed'>;
	engine: Engine;
	events: EventEmitter<MatchingEvents>;
	/** The program's matching settings (weights, minimum overlap, ...), which rounds and self-match start from. */
	program: ProgramSettingsStore;
}

type MessageFn = (params: Record<string, unknown>, options: { locale: UiLocale }) => string;
const catalog = m as unknown as Record<string, MessageFn | undefined>;

/** A `matching_*` message of the catalog in `locale` (the key itself when missing). */
export function message(key: string, locale: UiLocale, params: Record<string, unknown> = {}): string {
	const fn = catalog[key];
	return fn ? fn(params, { locale }) : key;
}

export function countryName(code: string, locale: string): string {
	try {
		return new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' }).of(code) ?? code;
	} catch {
		return code;
	}
}

export const uiLocale = (s: string | null | undefined): UiLocale => (isUiLocale(s) ? s : 'en');

/** The Monday (UTC date) on or after `now`: where a round's weeks start unless the admin says otherwise. */
export function nextMonday(now = new Date()): string {
	const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
	d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7));
	return d.toISOString().slice(0, 10);
}

/** The round's settings as stored (no people in them). */
export type StoredSettings = Omit<MatchingSettings, 'excludedPairs' | 'skipPairs'>;

/** The engine's defaults with the admin's changes, the translator's pairs and the weeks to look at. */
export function settingsFor(engine: Engine, patch: SettingsPatch | Partial<StoredSettings>, translatablePairs: string[]): StoredSettings {
	const { excludedPairs: _e, skipPairs: _s, ...defaults } = engine.DEFAULT_SETTINGS;
	return {
		...defaults,
		...patch,
		weights: { ...engine.DEFAULT_WEIGHTS, ...defaults.weights, ...patch.weights },
		translatablePairs,
		horizonStart: patch.horizonStart ?? nextMonday()
	};
}

/** "src|tgt" for each direction the configured translator offers; none when translation is off or unreachable. */
export async function translatablePairs(ctx: MatchingContext): Promise<string[]> {
	if (!ctx.translator) return [];
	try {
		const pairs = await ctx.translator.languages();
		return pairs.flatMap((p) => p.targets.map((t) => `${p.source}|${t}`));
	} catch (err) {
		ctx.log.warn({ err }, 'the translator’s languages could not be read; matching as if translation were off');
		return [];
	}
}

type Pair = { menteeId: string; mentorId: string };

/** Pairs a mentorship ended because of a report: never proposed again (the engine's `excludedPairs`). */
export async function endedByReport(db: Pick<Db, 'selectDistinct'>, filter?: { menteeId?: string; mentorId?: string }): Promise<Pair[]> {
	return db
		.selectDistinct({ menteeId: mentorships.menteeId, mentorId: mentorships.mentorId })
		.from(mentorships)
		.where(
			and(
				eq(mentorships.endedReason, 'report'),
				filter?.menteeId ? eq(mentorships.menteeId, filter.menteeId) : undefined,
				filter?.mentorId ? eq(mentorships.mentorId, filter.mentorId) : undefined
			)
		);
}

/** How long a declined pair is left out of rounds and self-match. */
export const DECLINE_MEMORY_DAYS = 180;

/** Pairs declined (by either of them or the guardian) recently: not proposed again for a while (`skipPairs`). */
export async function recentlyDeclined(db: Pick<Db, 'selectDistinct'>, filter?: { menteeId?: string }): Promise<Pair[]> {
	return db
		.selectDistinct({ menteeId: mentorships.menteeId, mentorId: mentorships.mentorId })
		.from(mentorships)
		.where(
			and(
				or(eq(mentorships.endedReason, 'declined'), eq(mentorships.endedReason, 'guardian_declined')),
				gt(mentorships.endedAt, new Date(Date.now() - DECLINE_MEMORY_DAYS * 86_400_000)),
				filter?.menteeId ? eq(mentorships.menteeId, filter.menteeId) : undefined
			)
		);
}

/** The hard constraints the engine knows, and the error each is refused with when a pair is made by hand. */
const CONSTRAINT_ERRORS: Partial<Record<ConstraintCode, ErrorCode>> = {
	capacity: 'matching_capacity',
	mentors_full: 'matching_capacity',
	minor_needs_vetted_mentor: 'matching_minor_needs_vetted_mentor',
	no_common_language: 'matching_no_common_language',
	too_little_overlap: 'matching_too_little_overlap',
	ended_by_report: 'matching_ended_by_report',
	cross_border_preference: 'matching_cross_border_preference',
	gender_preference: 'matching_gender_preference',
	balance: 'matching_balance'
};

export function constraintError(code: string | undefined): ErrorCode {
	return (code && CONSTRAINT_ERRORS[code as ConstraintCode]) || 'matching_pair_not_allowed';
}

/**
 * One pair through the engine: its proposal (score and explanation), or a 409 naming the hard constraint it breaks.
 * The mentor is given room for one, since callers count capacity themselves.
 */
export function checkPair(engine: Engine, mentee: Mentee, mentor: Mentor, settings: MatchingSettings): Proposal {
	const result = engine.match([mentee], [{ ...mentor, capacity: Math.max(1, mentor.capacity) }], settings);
	const proposal = result.proposals.find((p) => p.menteeId === mentee.id && p.mentorId === mentor.id);
	if (proposal) return proposal;
	const why = result.unmatched.find((u) => u.menteeId === mentee.id);
	const ruledOut = Object.entries(why?.ruledOut ?? {}).find(([, n]) => (n ?? 0) > 0)?.[0];
	throw new AppError(409, constraintError(ruledOut ?? why?.reason));
}

/**
 * Inside `tx`: asks the guardian of `menteeId` to approve a proposed mentor, by a mail carrying a fresh standing link
 * (their page lists what waits for them). Nothing is sent when no guardian has confirmed (logged).
 */
export async function askGuardian(ctx: MatchingContext, tx: Tx, { menteeId, mentorId, baseUrl }: { menteeId: string; mentorId: string; baseUrl: string }): Promise<void> {
	const rows = await tx
		.select({ userId: profiles.userId, displayName: profiles.displayName, country: profiles.country, uiLanguage: profiles.uiLanguage })
		.from(profiles)
		.where(inArray(profiles.userId, [menteeId, mentorId]));
	const mentee = rows.find((r) => r.userId === menteeId);
	const mentor = rows.find((r) => r.userId === mentorId);
	if (!mentee || !mentor) return;
	const sent = await ctx.safeguarding.mailGuardian({
		tx,
		userId: menteeId,
		baseUrl,
		locale: uiLocale(mentee.uiLanguage),
		compose: ({ link, guardianName, childName, locale }) => ({
			kind: 'matching_guardian_approval',
			subject: message('matching_mail_guardian_subject', locale, { childName }),
			body: message('matching_mail_guardian_body', locale, { guardianName, childName, mentorName: mentor.displayName, mentorCountry: countryName(mentor.country, locale), link })
		})
	});
	if (!sent) ctx.log.warn({ menteeId }, 'a proposal waits for a guardian who has never confirmed; no mail could be sent');
}
