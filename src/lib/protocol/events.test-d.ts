import type { Socket as ClientSocket } from 'socket.io-client';
import type { Server } from 'socket.io';
import { expectTypeOf, test } from 'vitest';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from './events';

type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>;
type Io = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

// Never called: these lines only have to type-check (or fail to, where marked).
function client(socket: Client) {
	socket.emit('space:join', { spaceId: 'id' }, (res) => {
		if (res.ok) expectTypeOf(res.members).toBeArray();
		else expectTypeOf(res.error.message).toBeString();
	});
	// @ts-expect-error an event the server does not know
	socket.emit('space:joinn', { spaceId: 'id' }, () => {});
	// @ts-expect-error a payload with the wrong field
	socket.emit('space:join', { space: 'id' }, () => {});
	// @ts-expect-error the ack is required
	socket.emit('space:join', { spaceId: 'id' });
	socket.on('session:ended', ({ reason }) => expectTypeOf(reason).toEqualTypeOf<'suspended' | 'signed_out' | 'password_changed' | 'expired'>());
}

function server(io: Io) {
	io.to('space:x').emit('presence:update', { spaceId: 'x', members: [] });
	// @ts-expect-error presence needs its members
	io.to('space:x').emit('presence:update', { spaceId: 'x' });
	// @ts-expect-error a server event that does not exist
	io.emit('chat:mesage', {});
}

test('the Socket.IO event maps are enforced at compile time on both ends', () => {
	expectTypeOf(client).toBeFunction();
	expectTypeOf(server).toBeFunction();
});
