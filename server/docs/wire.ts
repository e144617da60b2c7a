import type { WebSocket } from 'ws';

/**
 * A binary message framed for the wire once, for a fan-out to many sockets. `ws.send` frames every send anew
 * (an options object, a header buffer, and a corked two-part write); a keystroke fanned out to 50 editors pays that
 * 50 times. Socket.IO does the same for its broadcasts (`wsPreEncodedFrame`; websockets/ws#617).
 */
export interface Framed {
	data: Uint8Array;
	/** The whole WebSocket frame (header and payload in one buffer, unmasked, as a server sends it); made on first use. */
	wire: Buffer | null;
}

export function framed(data: Uint8Array): Framed {
	return { data, wire: null };
}

/** The internals of ws's sender that a pre-framed write goes through (ws 8). */
interface RawSender {
	_state?: number;
	_queue?: unknown[];
	sendFrame?(list: Buffer[], cb?: () => void): void;
}

/**
 * Sends `message` on `ws`: the frame made once goes straight to the sender when the socket is a server's and
 * open, nothing else is queued in its sender, and it compresses nothing (the relay's server has permessage-deflate
 * off); anything else takes `ws.send` (which, for one, sends nothing after a close).
 */
export function sendFramed(ws: WebSocket, message: Framed): void {
	const { _sender: sender, _isServer: server } = ws as unknown as { _sender?: RawSender; _isServer?: boolean };
	const direct =
		ws.readyState === ws.OPEN && server === true && sender && typeof sender.sendFrame === 'function' && sender._state === 0 && sender._queue?.length === 0 && !ws.extensions;
	if (!direct) return ws.send(message.data, { binary: true });
	message.wire ??= wireFrame(message.data);
	sender.sendFrame!([message.wire]);
}

/** One final, unmasked binary frame (RFC 6455 §5.2): FIN and opcode 2, then the payload length in 7, 16 or 64 bits. */
export function wireFrame(data: Uint8Array): Buffer {
	const n = data.byteLength;
	const header = n < 126 ? 2 : n < 65536 ? 4 : 10;
	const out = Buffer.allocUnsafe(header + n);
	out[0] = 0x82;
	if (n < 126) {
		out[1] = n;
	} else if (n < 65536) {
		out[1] = 126;
		out.writeUInt16BE(n, 2);
	} else {
		out[1] = 127;
		out.writeBigUInt64BE(BigInt(n), 2);
	}
	out.set(data, header);
	return out;
}
