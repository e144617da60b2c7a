import { and, asc, desc, eq, getTableColumns, gt, inArray, sql } from 'drizzle-orm';
import type { Me } from '../accounts';
import type { Db } from '../db';
import { rawQuery } from '../db/raw';
import { auditLog, docVersions, exhibitions, exhibitionWorks, outbox, profiles, users, workContributors, works } from '../db/schema';
import type { DocsService } from '../docs';
import { AppError, notFound } from '../errors';
import type { Logger } from '../logger';
import { countryName, message, uiLocale } from '../matching/context';
import type { Safeguarding } from '../safeguarding';
import { guardianOfRecord } from '../safeguarding/guardians';
import type { SpacesService } from '../spaces';
import type { Translator } from '../translate/types';
import { isUiLocale, type UiLocale } from '../../src/lib/i18n/locales';
import type {
	ArchiveItem,
	ArchiveQuery,
	CreditStyle,
	ExhibitionInput,
	ExhibitionSummary,
	GuardianWorkInput,
	MyWorkRequest,
	ProposeWorkInput,
	PublicCredit,
	PublicExhibition,
	TranslatedText,
	WorkConsentInput,
	WorkDecision,
	WorkReviewInput,
	WorkSummary
} from '../../src/lib/protocol/exhibitions';
import { canvasSvg, textHtml, textPlain } from './render';
import { contributorsOf } from './contributors';
import type { Renderer } from './renderer';

/** Rendered works kept in memory (characters of HTML and SVG). */
const RENDERED_MAX_CHARS = 32 * 1024 * 1024;

/** Works an archive search answers with, newest first. */
const ARCHIVE_MAX = 500;

/** A guardian is mailed about new works at most this often. */
const GUARDIAN_MAIL_EVERY_MS = 24 * 3_600_000;

/** The largest work (its Yjs state) that can be proposed: pictures in a canvas are most of it. */
export const WORK_STATE_MAX = 16 * 1024 * 1024;

const CREDIT_RANK: Record<CreditStyle, number> = { name: 0, initials: 1, anonymous: 2 };
/** The less telling of two credit styles. */
export const capCredit = (a: CreditStyle, b: CreditStyle): CreditStyle => (CREDIT_RANK[a] >= CREDIT_RANK[b] ? a : b);

/** "Amal Haddad" → "A. H."; one letter per word, whatever the script. */
export function initialsOf(name: string): string {
	return name
		.trim()
		.split(/\s+/u)
		.filter(Boolean)
		.map((word) => `${[...word][0]!.toLocaleUpperCase()}.`)
		.join(' ');
}

/** What a credit shows: never more than the person chose and their guardian (or the minor rule) allows. */
export function publicCredit(
	c: { credit: CreditStyle; showCountry: boolean; guardianCredit: CreditStyle; guardianShowCountry: boolean },
	person: { displayName: string; country: string },
	locale: string
): PublicCredit {
	const style = capCredit(c.credit, c.guardianCredit);
	const name = style === 'name' ? person.displayName : style === 'initials' ? initialsOf(person.displayName) : null;
	const country = c.showCountry && c.guardianShowCountry && person.country ? countryName(person.country, locale) : null;
	return { name, country };
}

/**
 * The condition for "every consent this work needs is in and live", on `works w`: each contributor of its version
 * agreed, holds a live exhibition consent in the ledger and still has an account; a guardian who decides agreed too.
 * Counted against the number of contributors taken at proposal, so a contributor row that went hides the work.
 */
export const CONSENTED_SQL = `w.contributor_count = (
	select count(*) from work_contributors c
	join users u on u.id = c.user_id and u.deleted_at is null
	where c.work_id = w.id and c.decision = 'granted'
	  and (not c.guardian_required or c.guardian_decision = 'granted')
	  and exists (select 1 from consents k where k.user_id = c.user_id and k.purpose = 'exhibition' and k.revoked_at is null))`;

const PROVIDER_NAMES: Record<string, string> = { apertium: 'Apertium', libretranslate: 'LibreTranslate' };

const isStaff = (user: Me) => user.role === 'moderator' || user.role === 'admin';

/** A work without its Yjs state (which may hold pictures): what lists and checks need. */
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type WorkRow = Omit<typeof works.$inferSelect, 'state'>;
const { state: _state, ...workColumns } = getTableColumns(works);
type ContributorRow = typeof workContributors.$inferSelect;

/**
 * Virtual exhibitions: works proposed from documents and canvases, the consents each one needs (every contributor of
 * its version, and a guardian for a child), a moderator's review, exhibitions curated by program leads at public
 * addresses, and the program's archive. Whether a work shows is decided on every request from the live consents.
 */
export function createExhibitions({
	db,
	logger,
	docs,
	spaces: spacesService,
	safeguarding,
	translator,
	renderer
}: {
	db: Db;
	logger: Logger;
	docs: DocsService;
	spaces: SpacesService;
	safeguarding: Safeguarding;
	translator: Translator;
	/** Makes PNG and PDF downloads off the main thread. */
	renderer: Renderer;
}) {
	const log = logger.child({ ns: 'exhibitions' });
	const query = rawQuery(db);

	/** Of `ids`, the works whose consents are all in; with `approved`, only approved ones (what visitors may see). */
	async function consentedOf(ids: string[], approved: boolean): Promise<Set<string>> {
		if (ids.length === 0) return new Set();
		const rows = await query<{ id: string }>(`select w.id from works w where w.id = any($1::uuid[]) ${approved ? `and w.status = 'approved'` : ''} and ${CONSENTED_SQL}`, [ids]);
		return new Set(rows.map((r) => r.id));
	}

	async function people(ids: string[]): Promise<Map<string, { displayName: string; country: string; languages: string[] }>> {
		if (ids.length === 0) return new Map();
		const rows = await db.select({ userId: profiles.userId, displayName: profiles.displayName, country: profiles.country, languages: profiles.languages }).from(profiles).where(inArray(profiles.userId, ids));
		return new Map(rows.map((r) => [r.userId, { displayName: r.displayName, country: r.country, languages: r.languages.map((l) => l.tag) }]));
	}

	async function summaries(rows: WorkRow[], locale = 'en'): Promise<WorkSummary[]> {
		if (rows.length === 0) return [];
		const ids = rows.map((r) => r.id);
		const [contributors, consented] = await Promise.all([
			db.select().from(workContributors).where(inArray(workContributors.workId, ids)).orderBy(desc(workContributors.edits)),
			consentedOf(ids, false)
		]);
		const who = await people([...new Set([...contributors.map((c) => c.userId), ...rows.flatMap((r) => (r.proposedBy ? [r.proposedBy] : []))])]);
		return rows.map((r) => {
			const mine = contributors.filter((c) => c.workId === r.id);
			return {
				id: r.id,
				spaceId: r.spaceId,
				documentId: r.documentId,
				kind: r.kind,
				title: r.title,
				statement: r.statement,
				altText: r.altText,
				lang: r.lang,
				status: r.status,
				consented: consented.has(r.id),
				public: r.status === 'approved' && consented.has(r.id),
				proposedAt: r.proposedAt.toISOString(),
				proposedBy: r.proposedBy ? { id: r.proposedBy, displayName: who.get(r.proposedBy)?.displayName ?? '' } : null,
				versionAt: r.versionAt.toISOString(),
				reviewedAt: r.reviewedAt?.toISOString() ?? null,
				reviewNote: r.reviewNote,
				withdrawnAt: r.withdrawnAt?.toISOString() ?? null,
				contributors: mine.map((c) => {
					const person = who.get(c.userId) ?? { displayName: '', country: '' };
					const credit = publicCredit(c, person, locale);
					return {
						userId: c.userId,
						displayName: person.displayName,
						decision: c.decision,
						guardianRequired: c.guardianRequired,
						guardianDecision: c.guardianRequired ? c.guardianDecision : null,
						credit: [credit.name ?? message('exhibitions_credit_anonymous', uiLocale(locale)), credit.country].filter(Boolean).join(', ')
					};
				})
			};
		});
	}

	async function loadWork(workId: string): Promise<WorkRow> {
		const [row] = await db.select(workColumns).from(works).where(eq(works.id, workId)).limit(1);
		if (!row) throw notFound();
		return row;
	}

	/** Members of the work's space, moderators and admins see a work; anyone else is told it does not exist. */
	async function readable(user: Me, workId: string): Promise<WorkRow> {
		const row = await loadWork(workId);
		if (!isStaff(user) && !(await spacesService.roleOf(row.spaceId, user.id))) {
			const [contributor] = await db.select({ userId: workContributors.userId }).from(workContributors).where(and(eq(workContributors.workId, workId), eq(workContributors.userId, user.id))).limit(1);
			if (!contributor) throw notFound();
		}
		return row;
	}

	function requireAdmin(user: Me): void {
		if (user.role !== 'admin') throw new AppError(403, 'forbidden');
	}

	async function audit(tx: Pick<Db, 'insert'>, entry: { actorId: string | null; action: string; targetType: string; targetId: string; detail?: Record<string, unknown> }) {
		await tx.insert(auditLog).values({ ...entry, detail: entry.detail ? JSON.stringify(entry.detail) : null });
	}

	/**
	 * After a consent a work needed was taken back: marks the work and tells the curators of every exhibition that
	 * holds it (admins), by mail. Visitors stop seeing it at once anyway: every public read checks the consents.
	 */
	async function withdrawn(tx: Db | Tx, workId: string, now: Date): Promise<void> {
		await tx.update(works).set({ withdrawnAt: now }).where(eq(works.id, workId));
		const [work] = await tx.select({ title: works.title, status: works.status }).from(works).where(eq(works.id, workId)).limit(1);
		if (!work || work.status !== 'approved') return;
		const shown = await tx
			.select({ title: exhibitions.title })
			.from(exhibitionWorks)
			.innerJoin(exhibitions, eq(exhibitions.id, exhibitionWorks.exhibitionId))
			.where(eq(exhibitionWorks.workId, workId));
		// Curators look after exhibitions: a work in none of them has nobody to tell (the lead's page still shows when).
		if (shown.length === 0) return;
		const curators = await tx
			.select({ email: users.email, uiLanguage: profiles.uiLanguage })
			.from(users)
			.innerJoin(profiles, eq(profiles.userId, users.id))
			.where(and(eq(users.role, 'admin'), eq(users.status, 'active'), sql`${users.deletedAt} is null`));
		for (const curator of curators) {
			const locale = uiLocale(curator.uiLanguage);
			await safeguarding.outbox.enqueue(tx, {
				to: curator.email,
				kind: 'exhibition_withdrawn',
				subject: message('exhibitions_mail_withdrawn_subject', locale, { title: work.title }),
				body: message('exhibitions_mail_withdrawn_body', locale, { title: work.title, exhibitions: shown.map((s) => s.title).join(', ') })
			});
		}
	}

	/**
	 * Someone's consents ended outside this service (the ledger's exhibition purpose withdrawn, by them or their
	 * guardian; their account deleted, `gone`): every approved work they had agreed to is marked and its curators
	 * told. Visitors stopped seeing those works when it happened: the public check reads both.
	 */
	async function personWithdrew(userId: string, { gone = false }: { gone?: boolean } = {}): Promise<void> {
		const rows = await db
			.select({ workId: workContributors.workId, status: works.status })
			.from(workContributors)
			.innerJoin(works, eq(works.id, workContributors.workId))
			.where(and(eq(workContributors.userId, userId), eq(workContributors.decision, 'granted')));
		if (rows.length === 0) return;
		const now = new Date();
		await db.transaction(async (tx) => {
			if (gone) {
				await tx
					.update(workContributors)
					.set({ decision: 'withdrawn', decidedAt: now })
					.where(and(eq(workContributors.userId, userId), eq(workContributors.decision, 'granted')));
			}
			for (const { workId, status } of rows) if (status === 'approved') await withdrawn(tx, workId, now);
		});
		void safeguarding.outbox.kick();
		log.info({ works: rows.length, gone }, 'works withdrawn with a consent that ended');
	}
	safeguarding.events.on('consent:revoked', ({ userId, purpose }) => {
		if (purpose === 'exhibition') personWithdrew(userId).catch((err) => log.error({ err }, 'telling curators of a withdrawal failed'));
	});

	/** After a yes: a work whose consents are all in again is no longer marked withdrawn. */
	async function clearWithdrawal(workId: string): Promise<void> {
		if ((await consentedOf([workId], false)).has(workId)) await db.update(works).set({ withdrawnAt: null }).where(eq(works.id, workId));
	}

	async function translated(text: string, source: string, target: string): Promise<TranslatedText> {
		if (!text || !translator.needsTranslation({ source, target })) return { text, lang: source };
		try {
			const { texts, provider } = await translator.translate({ texts: [text], source, target });
			const out = texts[0];
			if (!out || out === text) return { text, lang: source };
			return { text: out, lang: target, original: { text, lang: source, provider: PROVIDER_NAMES[provider] ?? provider } };
		} catch (err) {
			log.warn({ err, source, target }, 'an exhibition text could not be translated; shown in its own language');
			return { text, lang: source };
		}
	}

	async function publishedExhibition(slug: string) {
		const [row] = await db
			.select()
			.from(exhibitions)
			.where(and(sql`lower(${exhibitions.slug}) = lower(${slug})`, eq(exhibitions.status, 'published')))
			.limit(1);
		return row ?? null;
	}

	/** The works of an exhibition visitors may see right now, in the curator's order. */
	async function visibleWorks(exhibitionId: string): Promise<WorkRow[]> {
		const rows = await db
			.select({ work: workColumns })
			.from(exhibitionWorks)
			.innerJoin(works, eq(works.id, exhibitionWorks.workId))
			.where(eq(exhibitionWorks.exhibitionId, exhibitionId))
			.orderBy(asc(exhibitionWorks.position));
		const visible = await consentedOf(
			rows.map((r) => r.work.id),
			true
		);
		return rows.map((r) => r.work).filter((w) => visible.has(w.id));
	}

	async function creditsOf(workIds: string[], locale: string): Promise<Map<string, PublicCredit[]>> {
		const out = new Map<string, PublicCredit[]>();
		if (workIds.length === 0) return out;
		const rows = await db.select().from(workContributors).where(inArray(workContributors.workId, workIds)).orderBy(desc(workContributors.edits));
		const who = await people([...new Set(rows.map((r) => r.userId))]);
		for (const r of rows) {
			const list = out.get(r.workId) ?? [];
			list.push(publicCredit(r, who.get(r.userId) ?? { displayName: '', country: '' }, locale));
			out.set(r.workId, list);
		}
		return out;
	}

	async function slugFor(title: string): Promise<string> {
		const base =
			title
				.normalize('NFKD')
				.replace(/[\u0300-\u036f]/g, '')
				.toLowerCase()
				.replace(/[^a-z0-9]+/g, '-')
				.replace(/^-+|-+$/g, '')
				.slice(0, 60) || 'exhibition';
		for (let attempt = 0; attempt < 20; attempt++) {
			const slug = attempt === 0 ? base : `${base}-${Math.random().toString(36).slice(2, 6)}`;
			const [taken] = await db.select({ id: exhibitions.id }).from(exhibitions).where(sql`lower(${exhibitions.slug}) = ${slug}`).limit(1);
			if (!taken) return slug;
		}
		throw new AppError(409, 'exhibitions_slug_taken');
	}

	async function exhibitionSummary(id: string): Promise<ExhibitionSummary> {
		const [row] = await db.select().from(exhibitions).where(eq(exhibitions.id, id)).limit(1);
		if (!row) throw notFound();
		const items = await db
			.select({ id: works.id, title: works.title, kind: works.kind, withdrawnAt: works.withdrawnAt })
			.from(exhibitionWorks)
			.innerJoin(works, eq(works.id, exhibitionWorks.workId))
			.where(eq(exhibitionWorks.exhibitionId, id))
			.orderBy(asc(exhibitionWorks.position));
		const visible = await consentedOf(
			items.map((i) => i.id),
			true
		);
		return {
			id: row.id,
			slug: row.slug,
			title: row.title,
			introduction: row.introduction,
			lang: row.lang,
			status: row.status,
			publishedAt: row.publishedAt?.toISOString() ?? null,
			updatedAt: row.updatedAt.toISOString(),
			works: items.map((i) => ({ id: i.id, title: i.title, kind: i.kind, public: visible.has(i.id), withdrawnAt: i.withdrawnAt?.toISOString() ?? null }))
		};
	}

	/**
	 * Rendered HTML and SVG by work: a work never changes once proposed, so what it renders to does not either. Only
	 * the rendering is kept — whether a work may be shown is decided again on every request, before this is read.
	 */
	const rendered = new Map<string, string>();
	let renderedChars = 0;
	async function renderOnce(key: string, make: () => Promise<string>): Promise<string> {
		const hit = rendered.get(key);
		if (hit !== undefined) {
			rendered.delete(key);
			rendered.set(key, hit);
			return hit;
		}
		const out = await make();
		rendered.set(key, out);
		renderedChars += out.length;
		while (renderedChars > RENDERED_MAX_CHARS && rendered.size > 1) {
			const [oldest, text] = rendered.entries().next().value!;
			rendered.delete(oldest);
			renderedChars -= text.length;
		}
		return out;
	}

	async function stateOf(workId: string): Promise<Uint8Array> {
		const [row] = await db.select({ state: works.state }).from(works).where(eq(works.id, workId)).limit(1);
		if (!row) throw notFound();
		return row.state;
	}

	async function workSvg(row: WorkRow): Promise<string> {
		return renderOnce(`svg:${row.id}`, async () => canvasSvg(await stateOf(row.id), { title: row.title, description: row.altText }));
	}

	return {
		/**
		 * A member proposes a document at a saved version (or as it is now: a version is saved for it). Everyone who
		 * edited it before that version is asked; for a child whose guardian decides, the guardian is mailed a link.
		 */
		async propose({ user, documentId, input, baseUrl }: { user: Me; documentId: string; input: ProposeWorkInput; baseUrl: string }): Promise<WorkSummary> {
			const doc = await docs.get({ documentId, userId: user.id });
			if (!doc.canWrite || doc.myRole === 'observer') throw new AppError(403, 'forbidden');
			// What visitors will read goes through the same rules as anything written in the space (contact details
			// in a minor's space, blocked words): refused, not held, since it cannot wait for a moderator.
			for (const field of ['title', 'statement', 'altText'] as const) await docs.checkText({ spaceId: doc.spaceId, userId: user.id, text: input[field], field });
			const version = input.versionId
				? (await db.select().from(docVersions).where(and(eq(docVersions.id, input.versionId), eq(docVersions.documentId, documentId))).limit(1))[0]
				: await (async () => {
						const saved = await docs.saveVersion({ documentId, userId: user.id, name: message('exhibitions_version_name', uiLocale(user.profile.uiLanguage ?? 'en')) });
						return (await db.select().from(docVersions).where(eq(docVersions.id, saved.id)).limit(1))[0];
					})();
			if (!version) throw new AppError(400, 'exhibitions_version_invalid');
			if (version.state.byteLength > WORK_STATE_MAX) throw new AppError(413, 'exhibitions_work_too_large');
			// Every edit the version holds is stored and attributed before its contributors are read.
			await docs.relay.flush();
			const edits = await contributorsOf(db, { documentId, state: version.state, at: version.createdAt });
			if (edits.length === 0) throw new AppError(409, 'exhibitions_no_contributors');
			const languages = new Map(
				(await db.select({ userId: profiles.userId, uiLanguage: profiles.uiLanguage }).from(profiles).where(inArray(profiles.userId, edits.map((e) => e.userId)))).map((p) => [p.userId, p.uiLanguage])
			);
			const standing = await Promise.all(
				edits.map(async (e) => ({ ...e, guardianDecides: await safeguarding.underConsentAge(e.userId), minor: await safeguarding.isMinor(e.userId) }))
			);
			const id = await db.transaction(async (tx) => {
				const [work] = await tx
					.insert(works)
					.values({
						spaceId: doc.spaceId,
						documentId,
						versionId: version.id,
						kind: doc.kind,
						state: version.state,
						versionAt: version.createdAt,
						contributorCount: edits.length,
						title: input.title,
						statement: input.statement,
						altText: input.altText,
						lang: input.lang,
						proposedBy: user.id
					})
					.returning({ id: works.id });
				await tx.insert(workContributors).values(
					standing.map((s) => ({
						workId: work!.id,
						userId: s.userId,
						edits: Math.round(s.updates),
						guardianRequired: s.guardianDecides,
						// No cap for adults. A child whose guardian decides: the guardian sets it. A minor who decides alone:
						// initials at most and no country, the program's safe rule.
						guardianCredit: s.guardianDecides ? ('anonymous' as const) : s.minor ? ('initials' as const) : ('name' as const),
						guardianShowCountry: !s.guardianDecides && !s.minor,
						guardianDecision: s.guardianDecides ? ('pending' as const) : ('granted' as const)
					}))
				);
				await audit(tx, { actorId: user.id, action: 'work.propose', targetType: 'work', targetId: work!.id, detail: { documentId, versionId: version.id, contributors: edits.length } });
				for (const s of standing.filter((s) => s.guardianDecides)) {
					// One mail a day at most: its link lists every work waiting, and a new one would end the link the
					// guardian may be about to use (each mail carries a fresh one).
					const guardian = await guardianOfRecord(tx, s.userId);
					if (guardian) {
						const [recent] = await tx
							.select({ id: outbox.id })
							.from(outbox)
							.where(and(eq(outbox.kind, 'exhibition_guardian_consent'), eq(outbox.toAddress, guardian.guardianEmail), gt(outbox.createdAt, new Date(Date.now() - GUARDIAN_MAIL_EVERY_MS))))
							.limit(1);
						if (recent) continue;
					}
					const sent = await safeguarding.mailGuardian({
						tx,
						userId: s.userId,
						baseUrl,
						locale: uiLocale(languages.get(s.userId)),
						compose: ({ link, guardianName, childName, locale }) => ({
							kind: 'exhibition_guardian_consent',
							subject: message('exhibitions_mail_guardian_subject', locale, { childName }),
							body: message('exhibitions_mail_guardian_body', locale, { guardianName, childName, title: input.title, link })
						})
					});
					if (!sent) log.warn({ workId: work!.id }, 'a work waits for a guardian who has never confirmed; no mail could be sent');
				}
				return work!.id;
			});
			void safeguarding.outbox.kick();
			log.info({ workId: id, contributors: edits.length }, 'work proposed');
			return (await summaries([await loadWork(id)], user.profile.uiLanguage ?? 'en'))[0]!;
		},

		async work({ user, workId, locale }: { user: Me; workId: string; locale?: string }): Promise<WorkSummary> {
			return (await summaries([await readable(user, workId)], locale ?? user.profile.uiLanguage ?? 'en'))[0]!;
		},

		async worksOfDocument({ user, documentId, locale }: { user: Me; documentId: string; locale?: string }): Promise<WorkSummary[]> {
			await docs.get({ documentId, userId: user.id });
			const rows = await db.select(workColumns).from(works).where(eq(works.documentId, documentId)).orderBy(desc(works.proposedAt));
			return summaries(rows, locale ?? user.profile.uiLanguage ?? 'en');
		},

		/** The proposer (or an admin) takes back a proposal still waiting for its review. */
		async retract({ user, workId }: { user: Me; workId: string }): Promise<void> {
			const row = await readable(user, workId);
			if (row.proposedBy !== user.id && user.role !== 'admin') throw new AppError(403, 'forbidden');
			if (row.status !== 'pending') throw new AppError(409, 'exhibitions_not_pending');
			await db.transaction(async (tx) => {
				const [updated] = await tx.update(works).set({ status: 'retracted' }).where(and(eq(works.id, workId), eq(works.status, 'pending'))).returning({ id: works.id });
				// A moderator's review got there first.
				if (!updated) throw new AppError(409, 'exhibitions_not_pending');
				await audit(tx, { actorId: user.id, action: 'work.retract', targetType: 'work', targetId: workId });
			});
		},

		async myRequests({ user, locale }: { user: Me; locale?: string }): Promise<MyWorkRequest[]> {
			const mine = await db
				.select({ work: workColumns, c: workContributors })
				.from(workContributors)
				.innerJoin(works, eq(works.id, workContributors.workId))
				.where(and(eq(workContributors.userId, user.id), inArray(works.status, ['pending', 'approved'])))
				.orderBy(desc(works.proposedAt));
			const views = await summaries(
				mine.map((m) => m.work),
				locale ?? user.profile.uiLanguage ?? 'en'
			);
			return mine.map(({ c }, i) => ({
				work: views[i]!,
				decision: c.decision,
				credit: c.credit,
				showCountry: c.showCountry,
				guardianCap: c.guardianRequired ? (c.guardianDecision === 'pending' ? null : { credit: c.guardianCredit, showCountry: c.guardianShowCountry }) : null,
				minorCap: !c.guardianRequired && (c.guardianCredit !== 'name' || !c.guardianShowCountry) ? { credit: c.guardianCredit, showCountry: c.guardianShowCountry } : null
			}));
		},

		/**
		 * A contributor agrees (with how they are credited), declines, or withdraws. Agreeing also gives the ledger's
		 * exhibition consent when they have none (they may give it themselves); a guardian's withdrawal of that purpose
		 * cannot be overruled here.
		 */
		async decide({ user, workId, input }: { user: Me; workId: string; input: WorkConsentInput }): Promise<void> {
			const [row] = await db
				.select()
				.from(workContributors)
				.where(and(eq(workContributors.workId, workId), eq(workContributors.userId, user.id)))
				.limit(1);
			if (!row) throw notFound();
			const work = await loadWork(workId);
			if (work.status === 'rejected' || work.status === 'retracted') throw new AppError(409, 'exhibitions_not_pending');
			if (input.decision === 'withdrawn' && row.decision !== 'granted') throw new AppError(409, 'exhibitions_not_granted');
			// Declining what was given takes it back just as withdrawing does.
			const takenBack = row.decision === 'granted' && input.decision !== 'granted';
			// A child's yes is asked too, but the ledger's consent is their guardian's to give (with the guardian's own yes).
			if (input.decision === 'granted' && !row.guardianRequired && !(await safeguarding.hasConsent({ userId: user.id, purpose: 'exhibition' }))) {
				await safeguarding.grantConsent({ userId: user.id, purpose: 'exhibition' });
			}
			const now = new Date();
			await db.transaction(async (tx) => {
				await tx
					.update(workContributors)
					.set({ decision: input.decision, decidedAt: now, credit: input.credit, showCountry: input.showCountry })
					.where(and(eq(workContributors.workId, workId), eq(workContributors.userId, user.id)));
				await audit(tx, { actorId: user.id, action: `work.consent_${input.decision}`, targetType: 'work', targetId: workId, detail: { by: 'self', credit: input.credit } });
				if (takenBack) await withdrawn(tx, workId, now);
			});
			if (takenBack) void safeguarding.outbox.kick();
			if (input.decision === 'granted') await clearWithdrawal(workId);
		},

		/** Works waiting for (or decided by) a guardian, for their standing page. [] when the link does not work. */
		async guardianWorks({ token, locale }: { token: string; locale: string }) {
			let child: string;
			try {
				child = (await safeguarding.guardianLinkChild(token)).userId;
			} catch {
				return [];
			}
			const rows = await db
				.select({ work: workColumns, c: workContributors })
				.from(workContributors)
				.innerJoin(works, eq(works.id, workContributors.workId))
				.where(and(eq(workContributors.userId, child), eq(workContributors.guardianRequired, true), inArray(works.status, ['pending', 'approved'])))
				.orderBy(desc(works.proposedAt));
			const views = await summaries(
				rows.map((r) => r.work),
				locale
			);
			const [profile] = await db.select({ displayName: profiles.displayName }).from(profiles).where(eq(profiles.userId, child)).limit(1);
			// A guardian is outside the program: of the people, they see only their own child (not who proposed it, nor
			// the other makers, who may be children too).
			return rows.map(({ c }, i) => ({
				work: { ...views[i]!, proposedBy: null, contributors: views[i]!.contributors.filter((x) => x.userId === child) },
				childName: profile?.displayName ?? '',
				decision: c.guardianDecision as WorkDecision,
				credit: c.guardianCredit,
				showCountry: c.guardianShowCountry
			}));
		},

		/**
		 * What a work looks like as proposed (its version, not the document as it is now), for the people who decide
		 * about it: members of its space, its contributors, moderators and admins.
		 */
		async preview({ user, workId }: { user: Me; workId: string }): Promise<{ kind: 'text'; html: string } | { kind: 'canvas'; svg: string }> {
			const row = await readable(user, workId);
			return row.kind === 'canvas' ? { kind: 'canvas', svg: await workSvg(row) } : { kind: 'text', html: await renderOnce(`html:${workId}`, async () => textHtml(await stateOf(workId))) };
		},

		/**
		 * What a work looks like, for the guardian deciding about it: the text as HTML, or the canvas as SVG. Only works
		 * their child helped make; null otherwise (and for a link that does not work).
		 */
		async guardianPreview({ token, workId }: { token: string; workId: string }): Promise<{ kind: 'text'; html: string } | { kind: 'canvas'; svg: string } | null> {
			let child: string;
			try {
				child = (await safeguarding.guardianLinkChild(token)).userId;
			} catch {
				return null;
			}
			const [row] = await db
				.select({ work: workColumns })
				.from(workContributors)
				.innerJoin(works, eq(works.id, workContributors.workId))
				.where(and(eq(workContributors.workId, workId), eq(workContributors.userId, child), eq(workContributors.guardianRequired, true)))
				.limit(1);
			if (!row) return null;
			return row.work.kind === 'canvas' ? { kind: 'canvas', svg: await workSvg(row.work) } : { kind: 'text', html: await renderOnce(`html:${workId}`, async () => textHtml(await stateOf(workId))) };
		},

		/** The guardian agrees for their child (with the most the credit may show), declines or withdraws. */
		async guardianDecide({ token, workId, input }: { token: string; workId: string; input: GuardianWorkInput }): Promise<void> {
			const link = await safeguarding.guardianLinkChild(token);
			const [row] = await db
				.select()
				.from(workContributors)
				.where(and(eq(workContributors.workId, workId), eq(workContributors.userId, link.userId), eq(workContributors.guardianRequired, true)))
				.limit(1);
			if (!row) throw notFound();
			const work = await loadWork(workId);
			if (work.status === 'rejected' || work.status === 'retracted') throw new AppError(409, 'exhibitions_not_pending');
			if (input.decision === 'withdrawn' && row.guardianDecision !== 'granted') throw new AppError(409, 'exhibitions_not_granted');
			const takenBack = row.guardianDecision === 'granted' && input.decision !== 'granted';
			if (input.decision === 'granted' && !(await safeguarding.hasConsent({ userId: link.userId, purpose: 'exhibition' }))) {
				await safeguarding.guardianChange({ token, purpose: 'exhibition', grant: true });
			}
			const now = new Date();
			await db.transaction(async (tx) => {
				await link.check(tx);
				await tx
					.update(workContributors)
					.set({ guardianDecision: input.decision, guardianDecidedAt: now, guardianCredit: input.credit, guardianShowCountry: input.showCountry })
					.where(and(eq(workContributors.workId, workId), eq(workContributors.userId, link.userId)));
				await audit(tx, { actorId: null, action: `work.consent_${input.decision}`, targetType: 'work', targetId: workId, detail: { by: 'guardian', userId: link.userId, credit: input.credit } });
				if (takenBack) await withdrawn(tx, workId, now);
			});
			if (takenBack) void safeguarding.outbox.kick();
			if (input.decision === 'granted') await clearWithdrawal(workId);
		},

		async reviewQueue({ user, locale }: { user: Me; locale?: string }): Promise<WorkSummary[]> {
			if (!isStaff(user)) throw new AppError(403, 'forbidden');
			const rows = await db.select(workColumns).from(works).where(eq(works.status, 'pending')).orderBy(asc(works.proposedAt));
			return summaries(rows, locale ?? user.profile.uiLanguage ?? 'en');
		},

		/**
		 * A moderator approves a pending work (it shows once every consent is in) or rejects it; an approved work can
		 * still be rejected later, which takes it off every public page.
		 */
		async review({ user, workId, input }: { user: Me; workId: string; input: WorkReviewInput }): Promise<void> {
			if (!isStaff(user)) throw new AppError(403, 'forbidden');
			await loadWork(workId);
			const now = new Date();
			await db.transaction(async (tx) => {
				const [updated] = await tx
					.update(works)
					.set({ status: input.decision === 'approve' ? 'approved' : 'rejected', reviewedBy: user.id, reviewedAt: now, reviewNote: input.note ?? null })
					.where(and(eq(works.id, workId), inArray(works.status, input.decision === 'approve' ? ['pending'] : ['pending', 'approved'])))
					.returning({ id: works.id });
				if (!updated) throw new AppError(409, 'exhibitions_not_pending');
				await audit(tx, { actorId: user.id, action: `work.${input.decision}`, targetType: 'work', targetId: workId, detail: input.note ? { note: input.note } : undefined });
			});
		},

		async exhibitions({ user }: { user: Me }): Promise<ExhibitionSummary[]> {
			requireAdmin(user);
			const rows = await db.select({ id: exhibitions.id }).from(exhibitions).orderBy(desc(exhibitions.updatedAt));
			return Promise.all(rows.map((r) => exhibitionSummary(r.id)));
		},

		async exhibition({ user, id }: { user: Me; id: string }): Promise<ExhibitionSummary> {
			requireAdmin(user);
			return exhibitionSummary(id);
		},

		async createExhibition({ user, input }: { user: Me; input: ExhibitionInput }): Promise<ExhibitionSummary> {
			requireAdmin(user);
			const slug = await slugFor(input.title);
			const id = await db.transaction(async (tx) => {
				const [row] = await tx.insert(exhibitions).values({ slug, title: input.title, introduction: input.introduction, lang: input.lang, createdBy: user.id }).returning({ id: exhibitions.id });
				await audit(tx, { actorId: user.id, action: 'exhibition.create', targetType: 'exhibition', targetId: row!.id });
				return row!.id;
			});
			return exhibitionSummary(id);
		},

		async updateExhibition({ user, id, input }: { user: Me; id: string; input: ExhibitionInput }): Promise<void> {
			requireAdmin(user);
			await db.transaction(async (tx) => {
				const [row] = await tx.update(exhibitions).set({ title: input.title, introduction: input.introduction, lang: input.lang, updatedAt: new Date() }).where(eq(exhibitions.id, id)).returning({ id: exhibitions.id });
				if (!row) throw notFound();
				await audit(tx, { actorId: user.id, action: 'exhibition.update', targetType: 'exhibition', targetId: id });
			});
		},

		/** The exhibition's works, in this order. Only approved works may be in one. */
		async setExhibitionWorks({ user, id, workIds }: { user: Me; id: string; workIds: string[] }): Promise<void> {
			requireAdmin(user);
			const unique = [...new Set(workIds)];
			if (unique.length > 0) {
				const rows = await db.select({ id: works.id, status: works.status }).from(works).where(inArray(works.id, unique));
				if (rows.length !== unique.length || rows.some((r) => r.status !== 'approved')) throw new AppError(409, 'exhibitions_work_not_approved');
			}
			await db.transaction(async (tx) => {
				const [row] = await tx.update(exhibitions).set({ updatedAt: new Date() }).where(eq(exhibitions.id, id)).returning({ id: exhibitions.id });
				if (!row) throw notFound();
				await tx.delete(exhibitionWorks).where(eq(exhibitionWorks.exhibitionId, id));
				if (unique.length > 0) await tx.insert(exhibitionWorks).values(unique.map((workId, position) => ({ exhibitionId: id, workId, position })));
				await audit(tx, { actorId: user.id, action: 'exhibition.works', targetType: 'exhibition', targetId: id, detail: { works: unique.length } });
			});
		},

		async setPublished({ user, id, published }: { user: Me; id: string; published: boolean }): Promise<void> {
			requireAdmin(user);
			const now = new Date();
			await db.transaction(async (tx) => {
				const [row] = await tx
					.update(exhibitions)
					.set({ status: published ? 'published' : 'draft', publishedAt: published ? now : null, updatedAt: now })
					.where(eq(exhibitions.id, id))
					.returning({ id: exhibitions.id });
				if (!row) throw notFound();
				await audit(tx, { actorId: user.id, action: published ? 'exhibition.publish' : 'exhibition.unpublish', targetType: 'exhibition', targetId: id });
			});
		},

		/** Approved works a lead may put in an exhibition (shown or not right now). */
		async candidates({ user, locale }: { user: Me; locale?: string }): Promise<WorkSummary[]> {
			requireAdmin(user);
			const rows = await db.select(workColumns).from(works).where(eq(works.status, 'approved')).orderBy(desc(works.reviewedAt));
			return summaries(rows, locale ?? user.profile.uiLanguage ?? 'en');
		},

		async publicExhibitions({ locale }: { locale: string }) {
			const rows = await db.select().from(exhibitions).where(eq(exhibitions.status, 'published')).orderBy(desc(exhibitions.publishedAt));
			return Promise.all(
				rows.map(async (r) => ({ slug: r.slug, title: await translated(r.title, r.lang, locale), publishedAt: r.publishedAt!.toISOString(), works: (await visibleWorks(r.id)).length }))
			);
		},

		/** A published exhibition as a visitor in `locale` sees it now; null when there is none at that address. */
		async publicExhibition({ slug, locale }: { slug: string; locale: string }): Promise<PublicExhibition | null> {
			const row = await publishedExhibition(slug);
			if (!row) return null;
			const shown = await visibleWorks(row.id);
			const credits = await creditsOf(
				shown.map((w) => w.id),
				locale
			);
			const [title, introduction, items] = await Promise.all([
				translated(row.title, row.lang, locale),
				translated(row.introduction, row.lang, locale),
				Promise.all(
					shown.map(async (w) => ({
						id: w.id,
						kind: w.kind,
						title: await translated(w.title, w.lang, locale),
						statement: await translated(w.statement, w.lang, locale),
						altText: await translated(w.altText, w.lang, locale),
						credits: credits.get(w.id) ?? [],
						imageUrl: w.kind === 'canvas' ? `/exhibitions/${encodeURIComponent(row.slug)}/works/${w.id}.svg` : null,
						html: w.kind === 'text' ? await renderOnce(`html:${w.id}`, async () => textHtml(await stateOf(w.id))) : null,
						madeAt: w.versionAt.toISOString()
					}))
				)
			]);
			return { slug: row.slug, title, introduction, publishedAt: row.publishedAt!.toISOString(), works: items };
		},

		/** A canvas work's SVG, only while it is visible in that published exhibition. */
		async publicWorkSvg({ slug, workId }: { slug: string; workId: string }): Promise<string | null> {
			const row = await publishedExhibition(slug);
			if (!row) return null;
			const work = (await visibleWorks(row.id)).find((w) => w.id === workId);
			if (!work || work.kind !== 'canvas') return null;
			return workSvg(work);
		},

		/** The program's finished works (approved, every consent in) for its members, newest first. */
		async archive({ user, query: q, locale }: { user: Me; query: ArchiveQuery; locale: string }): Promise<ArchiveItem[]> {
			if (user.status !== 'active') throw new AppError(403, 'forbidden');
			const conditions: string[] = [`w.status = 'approved'`, CONSENTED_SQL];
			const params: unknown[] = [];
			if (q.kind) conditions.push(`w.kind = $${params.push(q.kind)}`);
			if (q.from) conditions.push(`w.version_at >= $${params.push(q.from)}::date`);
			if (q.to) conditions.push(`w.version_at < ($${params.push(q.to)}::date + 1)`);
			const rows = await query<{ id: string }>(`select w.id from works w where ${conditions.join(' and ')} order by w.version_at desc`, params);
			if (rows.length === 0) return [];
			const full = await db.select(workColumns).from(works).where(
				inArray(
					works.id,
					rows.map((r) => r.id)
				)
			);
			const byId = new Map(full.map((w) => [w.id, w]));
			const credits = await creditsOf(
				rows.map((r) => r.id),
				locale
			);
			let items = rows.map((r) => {
				const w = byId.get(r.id)!;
				// The work's own language: the languages of its makers would tell something about people credited anonymously.
				const languages = [w.lang];
				return { id: w.id, kind: w.kind, title: w.title, statement: w.statement, lang: w.lang, credits: credits.get(w.id) ?? [], languages, madeAt: w.versionAt.toISOString(), approvedAt: w.reviewedAt?.toISOString() ?? w.versionAt.toISOString() };
			});
			if (q.lang) items = items.filter((i) => i.languages.some((l) => l === q.lang || l.split('-')[0] === q.lang));
			// Searching for a contributor finds them only by what their credit shows.
			if (q.q) {
				const needle = q.q.toLocaleLowerCase();
				items = items.filter((i) => i.title.toLocaleLowerCase().includes(needle) || i.statement.toLocaleLowerCase().includes(needle) || i.credits.some((c) => c.name?.toLocaleLowerCase().includes(needle)));
			}
			return items.slice(0, ARCHIVE_MAX);
		},

		/** A finished work as PDF, SVG or PNG (canvases), with its credits, for members. */
		async download({ user, workId, format, locale }: { user: Me; workId: string; format: 'pdf' | 'svg' | 'png'; locale: string }): Promise<{ body: Uint8Array | string; type: string; filename: string }> {
			if (user.status !== 'active') throw new AppError(403, 'forbidden');
			const visible = await consentedOf([workId], true);
			if (!visible.has(workId)) throw notFound();
			const work = await loadWork(workId);
			const credits = (await creditsOf([workId], locale)).get(workId) ?? [];
			const ui: UiLocale = isUiLocale(locale) ? locale : 'en';
			const lines = credits.map((c) => [c.name ?? message('exhibitions_credit_anonymous', ui), c.country].filter(Boolean).join(', '));
			const base =
				work.title
					.normalize('NFKD')
					.replace(/[^\p{L}\p{N}]+/gu, '-')
					.replace(/^-+|-+$/g, '')
					.slice(0, 60) || 'work';
			const creditsLine = `${message('exhibitions_credits_heading', ui)}: ${lines.join('; ')}`;
			if (format === 'svg' || format === 'png') {
				if (work.kind !== 'canvas') throw new AppError(400, 'exhibitions_download_kind');
				const svg = canvasSvg(await stateOf(work.id), { title: work.title, description: `${work.altText}\n${creditsLine}` });
				if (format === 'svg') return { body: svg, type: 'image/svg+xml', filename: `${base}.svg` };
				return { body: await renderer.png(svg), type: 'image/png', filename: `${base}.png` };
			}
			const pdf = await renderer.pdf({
				kind: work.kind,
				title: work.title,
				statement: work.statement,
				lang: work.lang,
				madeAt: work.versionAt.toISOString().slice(0, 10),
				credits: lines,
				creditsHeading: message('exhibitions_credits_heading', ui),
				...(work.kind === 'canvas' ? { svg: await workSvg(work) } : { paragraphs: textPlain(await stateOf(work.id)) })
			});
			return { body: pdf, type: 'application/pdf', filename: `${base}.pdf` };
		},

		/** After an account is deleted (its works already hidden): their answers become withdrawals, curators are told. */
		accountDeleted: (userId: string) => personWithdrew(userId, { gone: true }),

		/** For data rights: the works a person was asked about, and their answers. */
		async decisionsOf(userId: string) {
			return db
				.select({ workId: workContributors.workId, title: works.title, decision: workContributors.decision, credit: workContributors.credit, showCountry: workContributors.showCountry, decidedAt: workContributors.decidedAt })
				.from(workContributors)
				.innerJoin(works, eq(works.id, workContributors.workId))
				.where(eq(workContributors.userId, userId));
		}
	};
}

export type Exhibitions = ReturnType<typeof createExhibitions>;
