import { m } from '$lib/paraglide/messages.js';

/** What a member can report something for, in the order the dialog offers them (the server's REPORT_REASONS). */
export const REPORT_REASONS = ['harassment', 'inappropriate', 'contact_request', 'grooming', 'spam', 'self_harm', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export function reportReasonLabel(reason: string): string {
	switch (reason) {
		case 'harassment':
			return m.report_reason_harassment();
		case 'inappropriate':
			return m.report_reason_inappropriate();
		case 'contact_request':
			return m.report_reason_contact_request();
		case 'grooming':
			return m.report_reason_grooming();
		case 'spam':
			return m.report_reason_spam();
		case 'self_harm':
			return m.report_reason_self_harm();
		case 'paused_match':
			return m.report_reason_paused_match();
		default:
			return m.report_reason_other();
	}
}

/** Which check held a text, by the pipeline hook's name. */
export function hookLabel(hook: string): string {
	switch (hook) {
		case 'contact_details':
			return m.mod_hook_contact();
		case 'word_list':
			return m.mod_hook_words();
		case 'flood':
			return m.mod_hook_flood();
		case 'webhook':
		case 'classifier':
			return m.mod_hook_classifier();
		default:
			return m.mod_hook_other();
	}
}

/** A language tag's name in the UI language ("Spanish"), or the tag itself. */
export function languageLabel(tag: string, locale: string): string {
	try {
		return new Intl.DisplayNames([locale], { type: 'language' }).of(tag) ?? tag;
	} catch {
		return tag;
	}
}
