import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { describe } from 'vitest';

/**
 * Debian's Apertium APY for tests: `APERTIUM_URL` when set (a server someone already runs), else
 * `apertium-apy` started on a free loopback port with the installed pairs, stopped on `close()`.
 */
export const APERTIUM_APY = process.env.APERTIUM_APY ?? '/usr/bin/apertium-apy';
export const APERTIUM_MODES = process.env.APERTIUM_MODES ?? '/usr/share/apertium/modes';

function missingReason(): string | null {
	if (process.env.APERTIUM_URL) return null;
	if (!existsSync(APERTIUM_APY)) return `no apertium-apy at ${APERTIUM_APY}`;
	if (!existsSync(`${APERTIUM_MODES}/eng-spa.mode`)) return `no eng-spa pair in ${APERTIUM_MODES}`;
	return null;
}
const missing = missingReason();

if (missing && process.env.CI === 'true') {
	throw new Error(`Apertium: ${missing}. CI must run the Apertium tests: install Debian's apertium-apy and apertium-eng-spa, or set APERTIUM_URL.`);
}
if (missing) console.warn(`[apertium] Skipping Apertium tests: ${missing} (install apertium-apy and apertium-eng-spa, or set APERTIUM_URL).`);

/** `describe` for tests that need Apertium: skipped, with the reason in its name, when it is missing (outside CI). */
export const describeApertium: typeof describe = missing
	? (((name: string, fn: () => void) => describe.skip(`${name} (skipped: ${missing})`, fn)) as typeof describe)
	: describe;

export interface RunningApertium {
	url: string;
	close(): Promise<void>;
}

/** A port nobody listens on right now: bind port 0 on loopback, read it, let it go. */
async function freePort(): Promise<number> {
	const server = createServer();
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as AddressInfo;
	server.close();
	await once(server, 'close');
	return port;
}

async function answersListPairs(url: string): Promise<boolean> {
	try {
		const res = await fetch(`${url}/listPairs`, { signal: AbortSignal.timeout(1000) });
		return res.ok;
	} catch {
		return false;
	}
}

/** Starts APY (or uses `APERTIUM_URL`) and resolves once `/listPairs` answers. */
export async function startApertium({ timeoutMs = 30_000 } = {}): Promise<RunningApertium> {
	const external = process.env.APERTIUM_URL;
	if (external) {
		const url = external.replace(/\/$/, '');
		if (!(await answersListPairs(url))) throw new Error(`APERTIUM_URL=${url} does not answer /listPairs`);
		return { url, close: async () => {} };
	}

	const port = await freePort();
	// Its own process group, so its translation pipelines stop with it.
	const child: ChildProcess = spawn(APERTIUM_APY, ['-p', String(port), APERTIUM_MODES], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
	let exited = false;
	child.once('exit', () => (exited = true));
	const url = `http://127.0.0.1:${port}`;

	async function close() {
		if (exited || child.pid === undefined) return;
		const gone = once(child, 'exit');
		try {
			process.kill(-child.pid, 'SIGTERM');
		} catch {
			return;
		}
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// already gone
			}
		}, 5000);
		await gone;
		clearTimeout(timer);
	}

	const deadline = Date.now() + timeoutMs;
	while (!(await answersListPairs(url))) {
		if (exited) throw new Error(`apertium-apy exited before answering:\n${stderr}`);
		if (Date.now() > deadline) {
			await close();
			throw new Error(`apertium-apy did not answer /listPairs on ${url} within ${timeoutMs} ms:\n${stderr}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return { url, close };
}
