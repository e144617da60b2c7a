import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Raised when another live process already has the embedded database open. */
export class DataDirInUseError extends Error {
	override name = 'DataDirInUseError';
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		// EPERM: the process exists but belongs to someone else.
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Claims the embedded database's folder for this process: PGlite is one connection, and two processes on the
 * same files would corrupt them. A lock left behind by a process that died (kill -9, power loss) is taken
 * over. Returns the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => void> {
	const file = join(dataDir, 'tessera.pid');
	const readHolder = (): number => {
		try {
			return Number.parseInt(readFileSync(file, 'utf8'), 10);
		} catch {
			return NaN;
		}
	};
	for (let attempt = 0; attempt < 3; attempt++) {
		let created = false;
		try {
			const fd = openSync(file, 'wx');
			writeSync(fd, String(process.pid));
			closeSync(fd);
			created = true;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
		}
		if (created) {
			// Another process that found a stale lock at the same moment may have replaced this one: look again.
			await new Promise((r) => setTimeout(r, 50));
			const now = readHolder();
			if (now !== process.pid) throw inUse(dataDir, now);
			let released = false;
			return () => {
				if (released) return;
				released = true;
				if (readHolder() === process.pid) rmSync(file, { force: true });
			};
		}
		const holder = readHolder();
		// A lock naming this very process is stale: its earlier life (a container restarts with the same pid) died.
		if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) throw inUse(dataDir, holder);
		rmSync(file, { force: true });
	}
	throw new DataDirInUseError(`Could not claim the embedded database in ${dataDir}: another process keeps taking it.`);
}

function inUse(dataDir: string, holder: number): DataDirInUseError {
	return new DataDirInUseError(
		`Another Tessera process (pid ${Number.isInteger(holder) ? holder : 'unknown'}) is using the embedded database in ${dataDir}. The embedded database serves one process: stop the other one, or run several processes on PostgreSQL (DATABASE_URL) with Redis (REDIS_URL).`
	);
}
