import { exhibitionInput, proposeWorkInput, workConsentInput, workId, workReviewInput } from '$server/exhibitions/validation';
import type { WorkSummary } from '$lib/protocol/exhibitions';
import { demoteHeadings } from './exhibitions.server';
import { formatDate, formatDateTime } from './options.server';

/** A work as the workflow pages show it: the summary plus its dates already written out for the reader. */
export interface WorkRow extends WorkSummary {
	proposedText: string;
	reviewedText: string | null;
	withdrawnText: string | null;
	/** The name of the language its texts are written in, in the reader's language. */
	langName: string;
}

/** Dates in the reader's language and time zone (a guardian has no profile: UTC is near enough for a day). */
export function workRow(work: WorkSummary, { locale, timeZone }: { locale: string; timeZone: string }): WorkRow {
	const when = (iso: string) => formatDateTime(iso, { locale, timeZone });
	return {
		...work,
		proposedText: when(work.proposedAt),
		reviewedText: work.reviewedAt ? when(work.reviewedAt) : null,
		withdrawnText: work.withdrawnAt ? formatDate(work.withdrawnAt, { locale, timeZone }) : null,
		langName: languageName(work.lang, locale)
	};
}

export function languageName(tag: string, locale: string): string {
	try {
		return new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' }).of(tag) ?? tag;
	} catch {
		return tag;
	}
}

// The forms post strings; these read them into the service's own schemas (server/exhibitions/validation.ts), so a
// form and the JSON API refuse the same things with the same codes.

const checkbox = (value: string | undefined) => value === 'on';

/** "Propose for an exhibition": an empty version means "as it is now". */
export const proposeForm = (values: Record<string, string>) =>
	proposeWorkInput.safeParse({
		...(values.versionId ? { versionId: values.versionId } : {}),
		title: values.title,
		statement: values.statement,
		altText: values.altText,
		lang: values.lang
	});

/** A contributor's answer, or a guardian's (then the credit is the most the child's may show). */
export const consentForm = (values: Record<string, string>) => {
	const work = workId.safeParse(values.work);
	const input = workConsentInput.safeParse({ decision: values.decision, credit: values.credit, showCountry: checkbox(values.showCountry) });
	return { work, input };
};

export const reviewForm = (values: Record<string, string>) =>
	workReviewInput.safeParse({ decision: values.decision, ...(values.note?.trim() ? { note: values.note } : {}) });

export const exhibitionForm = (values: Record<string, string>) =>
	exhibitionInput.safeParse({ title: values.title, introduction: values.introduction, lang: values.lang });

export const workRef = workId;

/** How a page shows a proposed work: the drawing's address, or the text's HTML with its headings under the work's own. */
export interface WorkPreviewData {
	imageUrl: string | null;
	html: string | null;
}

/**
 * What a proposed work looks like (its version), for a page where people decide about it. `imageUrl` is where the
 * canvas's SVG is served to them (`/works/<id>/preview.svg`, or the guardian's own address); a text comes as HTML,
 * its headings moved `demote` levels down so they sit under the work's title.
 */
export async function workPreview(
	render: (workId: string) => Promise<{ kind: 'text'; html: string } | { kind: 'canvas'; svg: string } | null>,
	work: Pick<WorkSummary, 'id' | 'kind'>,
	{ imageUrl, demote = 2 }: { imageUrl: string; demote?: number }
): Promise<WorkPreviewData> {
	if (work.kind === 'canvas') return { imageUrl, html: null };
	const preview = await render(work.id);
	return { imageUrl: null, html: preview?.kind === 'text' ? demoteHeadings(preview.html, demote) : null };
}
