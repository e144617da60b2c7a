import type { PresenceMember } from '$lib/protocol/events';
import type { SpaceConnection } from './space-connection.svelte';

/**
 * Who is in a space right now, over the page's shared space connection. Presence is a nicety: if the
 * connection fails the page works the same, it just shows nobody as online.
 */
export class PresenceManager {
	#members = $state<PresenceMember[]>([]);
	#connection: SpaceConnection;

	constructor(connection: SpaceConnection) {
		this.#connection = connection;
		connection.onJoined(({ members }) => {
			this.#members = members;
		});
		connection.on('presence:update', (payload) => {
			if (payload.spaceId === connection.spaceId) this.#members = payload.members;
		});
	}

	get members(): PresenceMember[] {
		return this.#members;
	}

	/** Whether presence is known right now (a live, joined connection). */
	get connected(): boolean {
		return this.#connection.connected;
	}

	isOnline(userId: string): boolean {
		return this.#members.some((m) => m.userId === userId);
	}

	/** Forgets everyone (also used between tests). */
	reset(): void {
		this.#members = [];
	}
}
