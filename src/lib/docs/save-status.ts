import { CloseCode } from '$lib/protocol/codes';
import { SyncStep, YjsMessage } from '$lib/protocol/docs';

/**
 * Pure pieces of the document connection: which frames carry updates, what an ack says, what to tell the
 * person, and which closes are final. The manager in `connection.svelte.ts` wires them to the provider.
 */

export type SaveStatus = 'connecting' | 'offline' | 'saving' | 'saved';

/**
 * Whether a frame the client sends carries document content, and how: sync step 2 `[0, 1, ...]` or update
 * `[0, 2, ...]`. These are exactly the messages the server counts for `[100, n]` acks. All three type
 * numbers are below 128, so each is one varUint byte.
 */
export function updateFrameKind(data: unknown): 'step2' | 'update' | null {
	const bytes = toBytes(data);
	if (bytes === null || bytes.length < 2 || bytes[0] !== YjsMessage.Sync) return null;
	if (bytes[1] === SyncStep.Step2) return 'step2';
	return bytes[1] === SyncStep.Update ? 'update' : null;
}

function toBytes(data: unknown): Uint8Array | null {
	if (data instanceof Uint8Array) return data;
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
	return null;
}

export interface StatusInput {
	/** The WebSocket is open. */
	connected: boolean;
	/** The current connection has received the server's state (sync step 2). */
	synced: boolean;
	/** Some connection has synced since the page opened: the content is on screen. */
	everSynced: boolean;
	/** Update-bearing frames sent on the current connection. */
	sent: number;
	/** How many of them the server says it has stored. */
	stored: number;
	/** Local edits made while no connection could carry them; the next sync step 2 sends them. */
	unsent: boolean;
	/** A close that will not be retried (session ended, no access, too large...). */
	ended: boolean;
}

export function saveStatus(s: StatusInput): SaveStatus {
	if (s.ended || !s.connected) return s.everSynced || s.ended ? 'offline' : 'connecting';
	if (!s.synced) return s.everSynced || s.unsent ? 'saving' : 'connecting';
	return s.sent > s.stored || s.unsent ? 'saving' : 'saved';
}

/** Why a connection ended for good, as the person is told it (a message key suffix in `docs_closed_*`). */
export type EndReason = 'session' | 'forbidden' | 'not_found' | 'too_large' | 'too_many' | 'malformed' | 'unavailable' | 'other';

/**
 * Close codes that reconnecting cannot fix. The provider already stops on 4400-4499; 1009 (frame too big)
 * would fail the same way on every retry, and 4501 means the server has no relay at all.
 */
export function endReason(code: number): EndReason | null {
	switch (code) {
		case CloseCode.Unauthorized:
		case CloseCode.SessionEnded:
			return 'session';
		case CloseCode.Forbidden:
			return 'forbidden';
		case CloseCode.NotFound:
			return 'not_found';
		case CloseCode.TooLarge:
		case 1009:
			return 'too_large';
		case CloseCode.RateLimited:
			return 'too_many';
		case CloseCode.InvalidMessage:
			return 'malformed';
		case CloseCode.NotImplemented:
			return 'unavailable';
		default:
			return code >= 4400 && code < 4500 ? 'other' : null;
	}
}

/** What an HTTP status of the document API says about a refused WebSocket (the browser cannot see the upgrade's status). */
export function endReasonFromHttp(status: number): EndReason | null {
	if (status === 401) return 'session';
	if (status === 403) return 'forbidden';
	if (status === 404) return 'not_found';
	return null;
}
