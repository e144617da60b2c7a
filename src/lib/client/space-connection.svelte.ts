import { io, type Socket } from 'socket.io-client';
import type { TranslationStatus } from '$lib/protocol/chat';
import type { ClientToServerEvents, PresenceMember, ServerToClientEvents } from '$lib/protocol/events';

export type TesseraSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** connecting (first time) → connected; reconnecting after a drop; offline while the browser has no network; ended for good. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'ended';

/** What the server said when this connection (re)joined the space. */
export interface SpaceJoined {
	members: PresenceMember[];
	readingLanguage: string;
	translation: TranslationStatus;
	lastReadId: string | null;
	/** The first join of this page. */
	first: boolean;
	/** Socket.IO restored the session after a short drop: nothing sent meanwhile was missed. */
	recovered: boolean;
}

type Listener<E extends keyof ServerToClientEvents> = { event: E; handler: ServerToClientEvents[E] };
/** Socket.IO's typed `on` cannot follow a generic event name; `on()` below pins the pairing instead. */
type UntypedListen = { on(event: string, handler: unknown): void };

/**
 * The one Socket.IO connection a space page opens, shared by presence and chat. It joins the space on every
 * (re)connect and tells its users, who register their event handlers before or after `open()`.
 * The session cookie authenticates (same origin).
 */
export class SpaceConnection {
	#status = $state<ConnectionStatus>('connecting');
	#socket: TesseraSocket | null = null;
	#spaceId: string | null = null;
	#joinedOnce = false;
	#listeners: Listener<keyof ServerToClientEvents>[] = [];
	#joinHandlers = new Set<(joined: SpaceJoined) => void>();
	#connectHandlers = new Set<() => void>();
	#backHandlers = new Set<() => void>();
	#onSessionEnded: (() => void) | undefined;

	get status(): ConnectionStatus {
		return this.#status;
	}

	get connected(): boolean {
		return this.#status === 'connected';
	}

	get spaceId(): string | null {
		return this.#spaceId;
	}

	/** The live socket, or null before `open()` and after `close()`. */
	get socket(): TesseraSocket | null {
		return this.#socket;
	}

	/** Listens to a server event for as long as this connection lives (across reconnects). */
	on<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): void {
		this.#listeners.push({ event, handler } as unknown as Listener<keyof ServerToClientEvents>);
		(this.#socket as UntypedListen | null)?.on(event, handler);
	}

	/** Called after every successful `space:join`; returns a function that stops listening. */
	onJoined(handler: (joined: SpaceJoined) => void): () => void {
		this.#joinHandlers.add(handler);
		return () => this.#joinHandlers.delete(handler);
	}

	/** Called on every (re)connect, before `space:join` is sent: nothing of the space has arrived on it yet. */
	onConnect(handler: () => void): () => void {
		this.#connectHandlers.add(handler);
		return () => this.#connectHandlers.delete(handler);
	}

	/** Called when the browser is back online and this connection never dropped (no new join). */
	onBack(handler: () => void): () => void {
		this.#backHandlers.add(handler);
		return () => this.#backHandlers.delete(handler);
	}

	/** Connects and joins the space; rejoins after every reconnect. */
	open(spaceId: string, { onSessionEnded }: { onSessionEnded?: () => void } = {}): void {
		this.close();
		this.#spaceId = spaceId;
		this.#onSessionEnded = onSessionEnded;
		this.#status = typeof navigator !== 'undefined' && navigator.onLine === false ? 'offline' : 'connecting';
		// Long-polling first, then WebSocket: slow or filtered networks still get a connection.
		const socket: TesseraSocket = io({ path: '/socket.io' });
		this.#socket = socket;
		for (const { event, handler } of this.#listeners) (socket as unknown as UntypedListen).on(event, handler);

		socket.on('connect', () => {
			const recovered = socket.recovered;
			for (const handler of this.#connectHandlers) handler();
			socket.emit('space:join', { spaceId }, (res) => {
				if (this.#socket !== socket || !res.ok) return;
				this.#status = 'connected';
				const first = !this.#joinedOnce;
				this.#joinedOnce = true;
				const joined: SpaceJoined = {
					members: res.members,
					readingLanguage: res.readingLanguage,
					translation: res.translation,
					lastReadId: res.lastReadId,
					first,
					recovered: recovered && !first
				};
				for (const handler of this.#joinHandlers) handler(joined);
			});
		});
		socket.on('disconnect', () => {
			if (this.#status === 'ended') return;
			// The server closed it on purpose (e.g. removed from the space): Socket.IO does not come back by itself.
			if (!socket.active) this.#status = 'ended';
			else this.#status = navigator.onLine === false ? 'offline' : 'reconnecting';
		});
		socket.on('connect_error', () => {
			// A refusal by the server's middleware (no session) is not retried by Socket.IO.
			if (!socket.active) this.#status = 'ended';
			else if (this.#status !== 'connecting') this.#status = navigator.onLine === false ? 'offline' : 'reconnecting';
		});
		socket.on('session:ended', () => {
			this.#status = 'ended';
			this.#onSessionEnded?.();
		});
		addEventListener('offline', this.#onOffline);
		addEventListener('online', this.#onOnline);
	}

	/** Disconnects; registered handlers stay, for a later `open()`. */
	close(): void {
		this.#socket?.removeAllListeners();
		this.#socket?.disconnect();
		this.#socket = null;
		this.#spaceId = null;
		this.#joinedOnce = false;
		this.#status = 'connecting';
		if (typeof removeEventListener === 'function') {
			removeEventListener('offline', this.#onOffline);
			removeEventListener('online', this.#onOnline);
		}
	}

	/** Closes and forgets every handler (also used between tests). */
	reset(): void {
		this.close();
		this.#listeners = [];
		this.#joinHandlers.clear();
		this.#connectHandlers.clear();
		this.#backHandlers.clear();
		this.#onSessionEnded = undefined;
	}

	// The browser knows at once when the network goes; Socket.IO would notice only after its ping timeout.
	#onOffline = () => {
		if (this.#status === 'ended') return;
		this.#status = 'offline';
	};

	#onOnline = () => {
		const socket = this.#socket;
		if (!socket || this.#status === 'ended') return;
		if (socket.connected) {
			this.#status = 'connected';
			for (const handler of this.#backHandlers) handler();
		} else {
			this.#status = 'reconnecting';
			if (!socket.active) socket.connect();
		}
	};
}
