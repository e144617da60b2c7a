import type { Server } from 'socket.io';
import type { Logger } from '../logger';

/**
 * The sockets in `room` on every process; when another process does not answer (it died a moment ago, and the
 * others have not yet missed its heartbeat), this process's own, rather than no answer at all.
 */
export async function everywhereOrHere<Io extends Server<any, any, any, any>>(io: Io, room: string | undefined, log: Logger) {
	const everywhere = room ? io.in(room) : io;
	try {
		return await everywhere.timeout(3_000).fetchSockets();
	} catch (err) {
		log.warn({ err: { message: (err as Error).message }, room }, 'another process did not answer: using this process’s sockets only');
		return await (room ? io.local.in(room) : io.local).fetchSockets();
	}
}
