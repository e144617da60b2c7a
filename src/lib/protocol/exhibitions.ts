/**
 * The exhibitions contract: works proposed from a space's documents and canvases, the consents they need, the
 * moderator's review, curated exhibitions, their public pages and the program's archive.
 *
 * A work is shown publicly (and in the archive) only while ALL of these hold, checked on every request:
 * - a moderator approved it (`status: 'approved'`);
 * - every contributor of its version granted consent for this work, and holds a live `exhibition` consent in the
 *   consent ledger, and their account is not deleted;
 * - for a contributor who was a minor when it was proposed, their guardian granted consent for this work too.
 */
import type { DocumentKind } from './docs';

export const WORK_TITLE_MAX = 120;
export const WORK_STATEMENT_MAX = 2000;
export const WORK_ALT_MAX = 1000;
export const EXHIBITION_TITLE_MAX = 120;
export const EXHIBITION_INTRO_MAX = 5000;
/** Works in one exhibition. */
export const EXHIBITION_WORKS_MAX = 200;

export const CREDIT_STYLES = ['name', 'initials', 'anonymous'] as const;
/** How a contributor is named, most telling first. */
export type CreditStyle = (typeof CREDIT_STYLES)[number];

export const WORK_DECISIONS = ['pending', 'granted', 'declined', 'withdrawn'] as const;
export type WorkDecision = (typeof WORK_DECISIONS)[number];

export type WorkStatus = 'pending' | 'approved' | 'rejected' | 'retracted';

/** `POST /api/v1/documents/:id/works`: propose this document, at a saved version (or as it is now). */
export interface ProposeWorkInput {
	/** A saved version of the document; omitted: the server saves one of the document as it is now. */
	versionId?: string;
	title: string;
	statement: string;
	altText: string;
	/** The language title, statement and alt text are written in (BCP 47). */
	lang: string;
}

/** A contributor as the people inside the program see them (names are known there). */
export interface WorkContributorView {
	userId: string;
	displayName: string;
	decision: WorkDecision;
	/** Was a minor when proposed: the guardian decides too. */
	guardianRequired: boolean;
	guardianDecision: WorkDecision | null;
	/** The credit as it would be shown publicly, already capped by the guardian's choice. */
	credit: string;
}

/** A work as members, moderators and leads see it. */
export interface WorkSummary {
	id: string;
	spaceId: string;
	documentId: string | null;
	kind: DocumentKind;
	title: string;
	statement: string;
	altText: string;
	lang: string;
	status: WorkStatus;
	/** Every consent it needs is in (and live). */
	consented: boolean;
	/** Approved and consented: shown in published exhibitions and the archive. */
	public: boolean;
	proposedAt: string;
	proposedBy: { id: string; displayName: string } | null;
	versionAt: string;
	reviewedAt: string | null;
	reviewNote: string | null;
	/** The last time a consent it needed was taken back. */
	withdrawnAt: string | null;
	contributors: WorkContributorView[];
}

/** `GET /api/v1/me/works`: works that ask for the caller's consent. */
export interface MyWorkRequest {
	work: WorkSummary;
	decision: WorkDecision;
	credit: CreditStyle;
	showCountry: boolean;
	/** For a minor: what the guardian allows at most (null until the guardian decided). */
	guardianCap: { credit: CreditStyle; showCountry: boolean } | null;
	/** For a minor who decides alone: the most the program lets their credit show (initials, no country). */
	minorCap: { credit: CreditStyle; showCountry: boolean } | null;
}

/** `PUT /api/v1/me/works/:id`: the caller's answer and how they want to be credited. */
export interface WorkConsentInput {
	decision: 'granted' | 'declined' | 'withdrawn';
	credit: CreditStyle;
	showCountry: boolean;
}

/** What a guardian decides for their child about one work (through their standing link). */
export interface GuardianWorkInput {
	decision: 'granted' | 'declined' | 'withdrawn';
	/** The most the child's credit may show. */
	credit: CreditStyle;
	showCountry: boolean;
}

/** `POST /api/v1/works/:id/review` (moderators). */
export interface WorkReviewInput {
	decision: 'approve' | 'reject';
	note?: string;
}

export interface ExhibitionInput {
	title: string;
	introduction: string;
	lang: string;
}

export interface ExhibitionSummary {
	id: string;
	slug: string;
	title: string;
	introduction: string;
	lang: string;
	status: 'draft' | 'published';
	publishedAt: string | null;
	updatedAt: string;
	/** Works in it, in order; `public` says which of them visitors see right now. */
	works: Array<{ id: string; title: string; kind: DocumentKind; public: boolean; withdrawnAt: string | null }>;
}

/** A credit line as visitors see it: never more than the person (and their guardian) allowed. */
export interface PublicCredit {
	/** Display name, initials, or null (anonymous). */
	name: string | null;
	/** Country name in the visitor's language, when allowed. */
	country: string | null;
}

/** A text with the visitor's translation and the original. */
export interface TranslatedText {
	text: string;
	lang: string;
	/** Present when `text` is a machine translation. */
	original?: { text: string; lang: string; provider: string };
}

export interface PublicWork {
	id: string;
	kind: DocumentKind;
	title: TranslatedText;
	statement: TranslatedText;
	altText: TranslatedText;
	credits: PublicCredit[];
	/** Canvases: the address of the SVG snapshot. */
	imageUrl: string | null;
	/** Text documents: the read-only rich text, as sanitised HTML made by the server. */
	html: string | null;
	/** The version's date. */
	madeAt: string;
}

/** `GET /exhibitions/:slug` (public, no account). */
export interface PublicExhibition {
	slug: string;
	title: TranslatedText;
	introduction: TranslatedText;
	publishedAt: string;
	works: PublicWork[];
}

/** `GET /api/v1/archive`: the program's finished works, for members. */
export interface ArchiveQuery {
	q?: string;
	lang?: string;
	kind?: DocumentKind;
	from?: string;
	to?: string;
}

export interface ArchiveItem {
	id: string;
	kind: DocumentKind;
	title: string;
	statement: string;
	lang: string;
	/** Credits as shown publicly. */
	credits: PublicCredit[];
	/** Languages the contributors write in. */
	languages: string[];
	madeAt: string;
	approvedAt: string;
}
