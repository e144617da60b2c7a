/**
 * The shared-document contract, used by the server, the browser and any other Yjs tool.
 *
 * `/yjs/<documentId>` speaks the y-websocket protocol, so the stock `WebsocketProvider` connects
 * unchanged (pass the document id as the room name and `ws(s)://host/yjs` as the server URL).
 * Authentication happens before the upgrade: the session cookie, or `?token=<bearer token>`.
 */

/** y-websocket message types, plus one of ours. */
export const YjsMessage = {
	Sync: 0,
	Awareness: 1,
	Auth: 2,
	QueryAwareness: 3,
	/**
	 * Sent only to connections opened with `?acks=1`: `[100, varUint n]` means that the first n
	 * update-bearing messages this connection sent (sync step 2 and update, counted from 1 in the order
	 * sent) have been handled: stored durably in the database, or — for observers, who are told once with
	 * an auth "permission denied" message — dropped. A client that counts what it sends knows what is safe.
	 */
	Stored: 100,
	/**
	 * Sent only to connections opened with `?acks=1`, to the author of text the moderation pipeline took out of
	 * the document: `[101, varString action, varString reason]`, action `held` (waiting for a moderator, who
	 * may put it back) or `removed` (not allowed here). The removal itself arrives as an ordinary update.
	 */
	Moderated: 101
} as const;

/** What `YjsMessage.Moderated` says happened to text its author wrote. */
export type ModeratedAction = 'held' | 'removed';

/** y-protocols sync sub-types. */
export const SyncStep = { Step1: 0, Step2: 1, Update: 2 } as const;

/** A text document keeps its content in this Y.XmlFragment (Tiptap's default). */
export const TEXT_FRAGMENT = 'default';
/** A canvas keeps its shapes in this Y.Map: shape id → Y.Map of the shape's fields. */
export const CANVAS_SHAPES = 'shapes';

export const DOCUMENT_KINDS = ['text', 'canvas'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_TITLE_MAX = 120;
export const VERSION_NAME_MAX = 120;

export interface PersonRef {
	id: string;
	displayName: string;
}

/** `GET /api/v1/spaces/:id/documents` items and the answer to `POST` (201). */
export interface DocumentSummary {
	id: string;
	spaceId: string;
	kind: DocumentKind;
	title: string;
	createdAt: string;
	updatedAt: string;
	createdBy: PersonRef | null;
}

export interface Contribution {
	userId: string;
	displayName: string;
	/** Update messages stored for this person. */
	updates: number;
	/** Characters inserted (text documents). */
	chars: number;
	/** Shapes added or replaced (canvases). */
	shapes: number;
	lastEditAt: string;
}

/** `GET /api/v1/documents/:id`. */
export interface DocumentDetail extends DocumentSummary {
	spaceTitle: string;
	/** The caller's role in the space. */
	myRole: 'owner' | 'member' | 'observer' | 'supervisor';
	/** Observers read only: the relay drops their updates. */
	canWrite: boolean;
	contributors: Contribution[];
}

/** `GET /api/v1/documents/:id/versions` items and the answer to `POST` (201). */
export interface DocumentVersion {
	id: string;
	documentId: string;
	name: string;
	/** true for the automatic daily versions (and the one saved before a restore). */
	auto: boolean;
	createdAt: string;
	createdBy: PersonRef | null;
}

/** `GET /api/v1/documents/:id/versions/:versionId`: the version and its whole Yjs state, base64. */
export interface DocumentVersionContent extends DocumentVersion {
	kind: DocumentKind;
	/** `Y.encodeStateAsUpdate` of the document as it was, base64-encoded. */
	update: string;
}
