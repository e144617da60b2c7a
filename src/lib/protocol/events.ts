import type { ErrorBody } from './codes';

/** Every ack either carries its result or an error in the reader's language. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

export interface PresenceMember {
	userId: string;
	displayName: string;
	role: 'owner' | 'member' | 'observer' | 'supervisor';
}

/** Events a client may send. Payloads are validated on the server; invalid ones get `{ ok: false }`. */
export interface ClientToServerEvents {
	'space:join': (payload: { spaceId: string }, ack: (res: Ack<{ members: PresenceMember[] }>) => void) => void;
	'space:leave': (payload: { spaceId: string }, ack: (res: Ack) => void) => void;
}

export interface ServerToClientEvents {
	/** Sent just before the server closes this connection because the session ended. */
	'session:ended': (payload: { reason: 'suspended' | 'signed_out' | 'password_changed' | 'expired' }) => void;
	'presence:update': (payload: { spaceId: string; members: PresenceMember[] }) => void;
}

export type InterServerEvents = Record<string, never>;

export interface SocketData {
	userId: string;
	sessionId: string;
	/** Absolute end of the session, ms since epoch. */
	expiresAt: number;
	displayName: string;
	locale: string;
}
