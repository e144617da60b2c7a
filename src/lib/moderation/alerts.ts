import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ModerationAlert, ServerToClientEvents } from '$lib/protocol/events';

/**
 * The console's own Socket.IO connection: a moderator's connection is put in the moderators' room by the server and
 * receives `moderation:alert` (never a text, never a reporter). The session cookie authenticates.
 */
export class ModerationAlerts {
	#socket: Socket<ServerToClientEvents, ClientToServerEvents>;

	constructor({ onAlert }: { onAlert: (alert: ModerationAlert) => void }) {
		this.#socket = io({ path: '/socket.io' });
		this.#socket.on('moderation:alert', onAlert);
		// A session that ends (signed out elsewhere, suspended) takes the console with it.
		this.#socket.on('session:ended', () => this.close());
	}

	close(): void {
		this.#socket.removeAllListeners();
		this.#socket.disconnect();
	}
}
