import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { api, createSpace, newUser } from '../helpers/api';
import { Sockets } from '../helpers/sockets';
import { waitFor } from '../helpers/wait';

// `npm run dev` must behave like production: same API, same authenticated Socket.IO, same Yjs route,
// all on Vite's one port.

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
	});
}

describe('npm run dev', () => {
	let child: ChildProcess;
	let url: string;
	let output = '';
	const dataDir = mkdtempSync(join(tmpdir(), 'tessera-dev-'));
	const sockets = new Sockets();

	beforeAll(async () => {
		const port = await freePort();
		url = `http://127.0.0.1:${port}`;
		child = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'dev', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
			env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', ORIGIN: '' },
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true
		});
		child.stdout!.on('data', (d) => (output += d));
		child.stderr!.on('data', (d) => (output += d));
		await waitFor(
			async () => {
				if (child.exitCode !== null) throw new Error(`vite dev exited:\n${output}`);
				const res = await fetch(`${url}/healthz`).catch(() => null);
				return res?.status === 200;
			},
			{ timeoutMs: 90_000, what: 'dev server answering /healthz' }
		);
	}, 120_000);

	afterAll(async () => {
		sockets.closeAll();
		if (child?.pid) {
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				/* already gone */
			}
			await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
		}
		rmSync(dataDir, { recursive: true, force: true });
	});

	it('serves /healthz with the embedded database', async () => {
		const res = await fetch(`${url}/healthz`);
		expect(await res.json()).toMatchObject({ status: 'ok', database: 'pglite' });
	});

	it('signs up and in through the same JSON API, and the token opens an authenticated socket', async () => {
		const user = await newUser(url);
		const socket = await sockets.connect(url, { token: user.token });
		expect(socket.connected).toBe(true);
	});

	it('refuses a socket without credentials', async () => {
		await expect(sockets.connect(url, {})).rejects.toThrow();
	});

	it('has the Yjs relay: a member of the space connects and receives sync step 1', async () => {
		const user = await newUser(url);
		const spaceId = await createSpace(url, user);
		const created = await api(url, `/api/v1/spaces/${spaceId}/documents`, { method: 'POST', token: user.token, body: { kind: 'canvas', title: 'Board' } });
		const ws = new WebSocket(`${url.replace('http', 'ws')}/yjs/${created.body.id}?token=${user.token}`);
		const first = await new Promise<Buffer>((resolve, reject) => {
			ws.once('message', (data: Buffer) => resolve(data));
			ws.once('close', (c) => reject(new Error(`closed with ${c}`)));
			ws.once('error', reject);
		});
		ws.close();
		expect([...first.subarray(0, 2)]).toEqual([0, 0]);
	});
});
