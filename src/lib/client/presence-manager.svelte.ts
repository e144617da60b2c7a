import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, PresenceMember, ServerToClientEvents } from '$lib/protocol/events';

type TesseraSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Who is in a space right now, over Socket.IO (the session cookie authenticates). Presence is a nicety:
 * if the connection fails the page works the same, it just shows nobody as online.
 */
export class PresenceManager {
	#members = $state<PresenceMember[]>([]);
	#connected = $state(false);
	#socket: TesseraSocket | null = null;
	#spaceId: string | null = null;

	get members(): PresenceMember[] {
		return this.#members;
	}

	get connected(): boolean {
		return this.#connected;
	}

	isOnline(userId: string): boolean {
		return this.#members.some((m) => m.userId === userId);
	}

	/** Joins the space's presence room; rejoins after a reconnect. */
	join(spaceId: string, { onSessionEnded }: { onSessionEnded?: () => void } = {}): void {
		this.reset();
		this.#spaceId = spaceId;
		// Long-polling first, then WebSocket: slow or filtered networks still get presence.
		const socket: TesseraSocket = io({ path: '/socket.io' });
		this.#socket = socket;
		socket.on('connect', () => {
			this.#connected = true;
			socket.emit('space:join', { spaceId }, (res) => {
				if (res.ok && this.#spaceId === spaceId) this.#members = res.members;
			});
		});
		socket.on('disconnect', () => {
			this.#connected = false;
		});
		socket.on('presence:update', (payload) => {
			if (payload.spaceId === this.#spaceId) this.#members = payload.members;
		});
		socket.on('session:ended', () => onSessionEnded?.());
	}

	/** Disconnects and forgets everything (also used between tests). */
	reset(): void {
		this.#socket?.removeAllListeners();
		this.#socket?.disconnect();
		this.#socket = null;
		this.#spaceId = null;
		this.#members = [];
		this.#connected = false;
	}
}
