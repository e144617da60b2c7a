import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP load balancer for tests, as nginx or HAProxy would be in front of several Tessera processes: each new
 * connection goes to the first backend in `order` that accepts it, so when a process dies its clients'
 * reconnections land on the next one. No HTTP parsing: WebSocket upgrades and long-polling pass through as bytes.
 */
export interface Balancer {
	url: string;
	/** How many connections each backend got. */
	counts: Map<string, number>;
	close(): Promise<void>;
}

export async function startBalancer(backends: string[], { port: wanted = 0 }: { port?: number } = {}): Promise<Balancer> {
	const counts = new Map<string, number>(backends.map((b) => [b, 0]));
	const open = new Set<Socket>();
	const server: Server = createServer((client) => {
		open.add(client);
		client.on('close', () => open.delete(client));
		client.on('error', () => client.destroy());
		client.pause();
		const tryBackend = (i: number) => {
			if (i >= backends.length || client.destroyed) return void client.destroy();
			const { hostname, port } = new URL(backends[i]!);
			const upstream = connect({ host: hostname, port: Number(port) });
			open.add(upstream);
			upstream.on('close', () => open.delete(upstream));
			let connected = false;
			upstream.once('error', () => {
				upstream.destroy();
				if (connected) client.destroy();
				else tryBackend(i + 1);
			});
			upstream.once('connect', () => {
				connected = true;
				counts.set(backends[i]!, (counts.get(backends[i]!) ?? 0) + 1);
				upstream.on('error', () => client.destroy());
				upstream.on('close', () => client.destroy());
				client.on('close', () => upstream.destroy());
				client.pipe(upstream).pipe(client);
				client.resume();
			});
		};
		tryBackend(0);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(wanted, '127.0.0.1', resolve);
	});
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		counts,
		async close() {
			for (const s of open) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}
