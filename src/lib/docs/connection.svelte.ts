import * as decoding from 'lib0/decoding';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { YjsMessage, type ModeratedAction } from '$lib/protocol/docs';
import { personColor } from './colors';
import { endReason, endReasonFromHttp, saveStatus, updateFrameKind, type EndReason, type SaveStatus } from './save-status';

export interface DocPerson {
	id: string;
	name: string;
}

/** Someone with this document open, from the awareness states (one entry per person, however many tabs). */
export interface DocPresence {
	id: string;
	name: string;
	color: string;
	isMe: boolean;
}

export interface DocConnectionOptions {
	documentId: string;
	/** Who is editing: their name and colour go to everyone's carets and cursors. */
	user: DocPerson;
	/** `ws(s)://host/yjs`; defaults to this page's origin. */
	serverUrl?: string;
}

/** Failed attempts (never opened) after which the document API is asked why: the browser cannot see an upgrade's HTTP status. */
const PROBE_AFTER = [3, 10, 30];

/**
 * One shared document in the browser: a Y.Doc kept in sync with `/yjs/<id>` by the stock y-websocket
 * provider, and a save status the page can trust. The session cookie authenticates (same origin).
 *
 * "Saved" means the server said so: with `?acks=1` it answers `[100, n]` once the first n update-bearing
 * frames of this connection are stored, and the socket below counts what it sends. Edits made with no
 * connection stay in this Y.Doc and go out in the sync step 2 of the next connection.
 */
export class DocConnection {
	readonly doc = new Y.Doc();
	readonly provider: WebsocketProvider;
	/** Published in awareness as `user`, the field Tiptap's carets and the canvas cursors read. */
	readonly user: { id: string; name: string; color: string };

	#connected = $state(false);
	#synced = $state(false);
	#everSynced = $state(false);
	#sent = $state(0);
	#stored = $state(0);
	#unsent = $state(false);
	#ended = $state<EndReason | null>(null);
	#people = $state.raw<DocPresence[]>([]);
	#moderated = $state.raw<{ action: ModeratedAction; at: number } | null>(null);
	#status = $derived<SaveStatus>(
		saveStatus({
			connected: this.#connected,
			synced: this.#synced,
			everSynced: this.#everSynced,
			sent: this.#sent,
			stored: this.#stored,
			unsent: this.#unsent,
			ended: this.#ended !== null
		})
	);

	#documentId: string;
	#opened = false;
	#failures = 0;
	#waiters = new Set<() => void>();
	#destroyed = false;

	constructor({ documentId, user, serverUrl }: DocConnectionOptions) {
		this.#documentId = documentId;
		this.user = { id: user.id, name: user.name, color: personColor(user.id) };
		const url = serverUrl ?? `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/yjs`;
		this.provider = new WebsocketProvider(url, documentId, this.doc, {
			connect: false,
			params: { acks: '1' },
			WebSocketPolyfill: this.#countingSocket(),
			shouldReconnect: (event) => endReason(event.code) === null
		});
		this.provider.messageHandlers[YjsMessage.Stored] = (_encoder, decoder, provider) => {
			if (provider !== this.provider) return;
			this.#stored = Math.max(this.#stored, decoding.readVarUint(decoder));
			this.#settle();
		};
		// Moderation took something this person wrote out of the document (the removal arrives as an update).
		this.provider.messageHandlers[YjsMessage.Moderated] = (_encoder, decoder, provider) => {
			if (provider !== this.provider) return;
			const action = decoding.readVarString(decoder);
			if (action === 'held' || action === 'removed') this.#moderated = { action, at: Date.now() };
		};
		this.provider.awareness.setLocalStateField('user', this.user);

		this.provider.on('status', this.#onStatus);
		this.provider.on('sync', this.#onSync);
		this.provider.on('connection-close', this.#onClose);
		this.provider.on('closed', this.#onClosed);
		this.doc.on('update', this.#onUpdate);
		this.provider.awareness.on('change', this.#onAwareness);
		this.#onAwareness();
		addEventListener('offline', this.#onOffline);
		addEventListener('online', this.#onOnline);
		this.provider.connect();
	}

	get awareness(): Awareness {
		return this.provider.awareness;
	}

	/** connecting → saved, saving while the server has not confirmed an edit, offline without a connection. */
	get status(): SaveStatus {
		return this.#status;
	}

	/** The server's content has arrived at least once: show the document (never an empty one before). */
	get synced(): boolean {
		return this.#everSynced;
	}

	/** Who has the document open: this person first, then the others by name. */
	get people(): DocPresence[] {
		return this.#people;
	}

	get connected(): boolean {
		return this.#connected;
	}

	/** The last time moderation took out something this person wrote here, and what became of it. */
	get moderated(): { action: ModeratedAction; at: number } | null {
		return this.#moderated;
	}

	/** Edits this device holds that the server has not confirmed. */
	get hasUnsavedChanges(): boolean {
		return this.#unsent || this.#sent > this.#stored;
	}

	/** Set when the connection ended for good; it is not retried. */
	get ended(): EndReason | null {
		return this.#ended;
	}

	/** Resolves true once everything is stored, or false after `timeoutMs` or if the connection ends. */
	whenSaved(timeoutMs = 10_000): Promise<boolean> {
		if (this.#status === 'saved') return Promise.resolve(true);
		return new Promise((resolve) => {
			const done = (ok: boolean) => {
				clearTimeout(timer);
				this.#waiters.delete(check);
				resolve(ok);
			};
			const check = () => {
				if (this.#status === 'saved') done(true);
				else if (this.#ended || this.#destroyed) done(false);
			};
			const timer = setTimeout(() => done(false), timeoutMs);
			this.#waiters.add(check);
		});
	}

	destroy(): void {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.doc.off('update', this.#onUpdate);
		this.provider.awareness.off('change', this.#onAwareness);
		removeEventListener('offline', this.#onOffline);
		removeEventListener('online', this.#onOnline);
		this.provider.destroy();
		this.doc.destroy();
		this.#settle();
	}

	/** The browser's WebSocket, counting the update-bearing frames it sends; a new socket starts from zero. */
	#countingSocket(): typeof WebSocket {
		// eslint-disable-next-line @typescript-eslint/no-this-alias
		const manager = this;
		return class CountingWebSocket extends WebSocket {
			constructor(url: string | URL, protocols?: string | string[]) {
				super(url, protocols);
				manager.#newSocket();
			}

			override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
				super.send(data as ArrayBufferView);
				const kind = updateFrameKind(data);
				if (kind) manager.#onSent(kind);
			}
		};
	}

	#newSocket(): void {
		// Anything sent but not confirmed on the old socket goes again in the new one's sync step 2.
		if (this.#sent > this.#stored) this.#unsent = true;
		this.#sent = 0;
		this.#stored = 0;
		this.#opened = false;
	}

	#onSent(kind: 'step2' | 'update'): void {
		this.#sent += 1;
		// A sync step 2 answers the server's state vector with everything it lacks, offline edits included.
		if (kind === 'step2') this.#unsent = false;
	}

	#onStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }) => {
		this.#connected = status === 'connected';
		if (status === 'connected') {
			this.#opened = true;
			this.#failures = 0;
		}
		this.#settle();
	};

	#onSync = (synced: boolean) => {
		this.#synced = synced;
		if (synced) this.#everSynced = true;
		this.#settle();
	};

	#onUpdate = (_update: Uint8Array, origin: unknown) => {
		if (origin === this.provider) return;
		const ws = this.provider.ws;
		// The provider sends an update only on an open, connected socket; otherwise it waits for the next sync.
		if (!this.provider.wsconnected || !ws || ws.readyState !== WebSocket.OPEN) this.#unsent = true;
		this.#settle();
	};

	#onClose = () => {
		this.#connected = false;
		this.#synced = false;
		if (this.#sent > this.#stored) this.#unsent = true;
		if (!this.#opened) {
			this.#failures += 1;
			if (PROBE_AFTER.includes(this.#failures) || this.#failures % 50 === 0) void this.#probe();
		}
		this.#settle();
	};

	#onAwareness = () => {
		const byId = new Map<string, DocPresence>();
		for (const state of this.provider.awareness.getStates().values()) {
			const user = (state as { user?: { id?: unknown; name?: unknown; color?: unknown } }).user;
			if (!user || typeof user.id !== 'string' || typeof user.name !== 'string' || byId.has(user.id)) continue;
			byId.set(user.id, { id: user.id, name: user.name, color: typeof user.color === 'string' ? user.color : '#4a5654', isMe: user.id === this.user.id });
		}
		byId.set(this.user.id, { ...this.user, isMe: true });
		const others = [...byId.values()].filter((p) => !p.isMe).sort((a, b) => a.name.localeCompare(b.name));
		this.#people = [byId.get(this.user.id)!, ...others];
	};

	// The browser knows at once when the network goes; the provider would notice only after 30 s of silence.
	#onOffline = () => {
		if (this.#ended || this.#destroyed) return;
		this.provider.disconnect();
		this.#settle();
	};

	#onOnline = () => {
		if (this.#ended || this.#destroyed) return;
		this.provider.connect();
	};

	#onClosed = ({ code }: { code: number; reason: string }) => {
		this.#ended = endReason(code) ?? 'other';
		this.#settle();
	};

	/** A refused upgrade looks like a network error; the document API says whether it is the session or access. */
	async #probe(): Promise<void> {
		try {
			const res = await fetch(`/api/v1/documents/${encodeURIComponent(this.#documentId)}`, { headers: { accept: 'application/json' } });
			const reason = endReasonFromHttp(res.status);
			if (reason && !this.#destroyed && !this.#connected) {
				this.#ended = reason;
				this.provider.disconnect();
				this.#settle();
			}
		} catch {
			// Offline: the provider keeps retrying, and so will the next probe.
		}
	}

	#settle(): void {
		for (const check of [...this.#waiters]) check();
	}
}
