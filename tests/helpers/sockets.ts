import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/lib/protocol/events';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SocketOptions {
	/** Sent as `auth: { token }`, the way the browser app and other clients authenticate. */
	token?: string;
	/** A `cookie` header, e.g. `tessera_session=...`. */
	cookie?: string;
	/** An `Origin` header, as a browser would send. Node clients send none unless told. */
	origin?: string;
	/** Defaults to the WebSocket transport alone; `['polling']` exercises HTTP long-polling. */
	transports?: ('websocket' | 'polling')[];
	/** Any other handshake headers, e.g. `accept-language`. */
	headers?: Record<string, string>;
}

/**
 * Real socket.io-client connections, over the WebSocket transport unless told otherwise (both carry
 * `extraHeaders` from Node), each on its own Manager and without reconnection, so a refusal or a server-side disconnect stays visible.
 * `closeAll()` in `afterEach` keeps files from leaking connections.
 */
export class Sockets {
	#open = new Set<ClientSocket>();

	open(url: string, { token, cookie, origin, headers, transports = ['websocket'] }: SocketOptions = {}): ClientSocket {
		const extraHeaders: Record<string, string> = { ...headers };
		if (cookie) extraHeaders.cookie = cookie;
		if (origin) extraHeaders.origin = origin;
		const socket: ClientSocket = io(url, {
			path: '/socket.io',
			transports,
			forceNew: true,
			reconnection: false,
			auth: token ? { token } : {},
			extraHeaders
		});
		this.#open.add(socket);
		return socket;
	}

	/** A connected socket; rejects with the server's reason if the handshake is refused. */
	async connect(url: string, options: SocketOptions = {}): Promise<ClientSocket> {
		const socket = this.open(url, options);
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('socket did not connect within 5000 ms')), 5_000);
			socket.once('connect', () => (clearTimeout(timer), resolve()));
			socket.once('connect_error', (err) => (clearTimeout(timer), reject(err)));
		});
		return socket;
	}

	/** The `connect_error` of a handshake that must be refused; rejects if it connects instead. */
	async refused(url: string, options: SocketOptions = {}): Promise<Error & { data?: { code?: string } }> {
		const socket = this.open(url, options);
		try {
			return await new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error('no connect_error within 5000 ms')), 5_000);
				socket.once('connect_error', (err) => (clearTimeout(timer), resolve(err)));
				socket.once('connect', () => (clearTimeout(timer), reject(new Error('the connection was accepted but should have been refused'))));
			});
		} finally {
			socket.close();
		}
	}

	closeAll(): void {
		for (const s of this.#open) s.close();
		this.#open.clear();
	}
}
