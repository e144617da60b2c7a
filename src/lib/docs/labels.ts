import { m } from '$lib/paraglide/messages.js';
import type { DocumentKind } from '$lib/protocol/docs';
import type { EndReason, SaveStatus } from './save-status';

/** Names for document kinds and connection states, in the current UI language. */
export function documentKindLabel(kind: DocumentKind): string {
	return kind === 'canvas' ? m.docs_kind_canvas() : m.docs_kind_text();
}

/** What the status line says. Readers (who cannot edit) are told whether they see the latest, not about saving. */
export function statusLabel(status: SaveStatus, { readOnly, unsaved }: { readOnly: boolean; unsaved: boolean }): string {
	switch (status) {
		case 'connecting':
			return m.docs_status_connecting();
		case 'offline':
			return unsaved ? m.docs_status_offline_unsaved() : m.docs_status_offline();
		case 'saving':
			return readOnly ? m.docs_status_connecting() : m.docs_status_saving();
		default:
			return readOnly ? m.docs_status_live() : m.docs_status_saved();
	}
}

export function endMessage(reason: EndReason): string {
	switch (reason) {
		case 'session':
			return m.docs_closed_session();
		case 'forbidden':
			return m.docs_closed_forbidden();
		case 'not_found':
			return m.docs_closed_not_found();
		case 'too_large':
			return m.docs_closed_too_large();
		case 'too_many':
			return m.docs_closed_too_many();
		case 'malformed':
			return m.docs_closed_malformed();
		case 'unavailable':
			return m.docs_closed_unavailable();
		default:
			return m.docs_closed_other();
	}
}
