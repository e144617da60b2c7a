/**
 * Tessera as it is deployed for scale-out: server processes (children of the benchmark, so that two of them
 * can use both cores) on one fresh PostgreSQL database and, with Redis, one fresh key prefix. Each process is
 * the server entry bundled from source (tests/helpers/yjs-store.ts `spawnServer`), so it measures the code
 * of the branch it runs on.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dropPrefix, redisUrl } from '../../tests/helpers/cluster';
import { createStore, spawnServer, type ChildServer } from '../../tests/helpers/yjs-store';

/** (a) one process without Redis, (b) one with REDIS_URL (the adapter's own cost), (c) two on Redis. */
export interface DeploymentCase {
	id: 'a' | 'b' | 'c';
	name: string;
	processes: 1 | 2;
	redis: boolean;
}

export const CASES: DeploymentCase[] = [
	{ id: 'a', name: 'one process', processes: 1, redis: false },
	{ id: 'b', name: 'one process + Redis', processes: 1, redis: true },
	{ id: 'c', name: 'two processes + Redis', processes: 2, redis: true }
];

/** CPU time, ms: each server process, and the whole machine (busy and total over all cores). */
export interface CpuSample {
	servers: number[];
	machineBusy: number;
	machineTotal: number;
}

export interface CpuUse {
	/** Each server process's CPU time ÷ wall time (1 = one core). */
	servers: number[];
	/** Share of all cores busy with anything (servers, clients, PostgreSQL, Redis, others' work). */
	machine: number;
}

export interface Deployment {
	case: DeploymentCase;
	/** One base url per process. */
	urls: string[];
	prefix: string | null;
	cpu(): CpuSample;
	close(): Promise<void>;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of a process in ms, from /proc (NaN elsewhere). */
export function processCpuMs(pid: number | undefined): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
	} catch {
		return NaN;
	}
}

/** Starts the processes of `c` with `env` (limits, translator) and waits until each is listening. */
export async function startDeployment(c: DeploymentCase, env: Record<string, string>): Promise<Deployment> {
	const store = await createStore('postgres');
	const prefix = c.redis ? `tessera-bench-${randomBytes(6).toString('hex')}:` : null;
	const children: ChildServer[] = [];
	const close = async () => {
		for (const child of children) if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGTERM');
		const stopped = Promise.all(children.map((child) => child.exited));
		const timer = setTimeout(() => children.forEach((child) => child.child.kill('SIGKILL')), 10_000);
		await stopped.finally(() => clearTimeout(timer));
		await store.drop();
		if (prefix) await dropPrefix(prefix);
	};
	try {
		// One after the other: spawnServer bundles the entry to one file per benchmark process.
		for (let i = 0; i < c.processes; i++) {
			children.push(await spawnServer(store, { ...env, LOG_LEVEL: 'info', REDIS_URL: c.redis ? redisUrl : '', REDIS_PREFIX: prefix ?? '' }));
		}
		// The environment of the benchmark must not have turned a case into another (REDIS_URL inherited, say).
		const nodes = new Set<string>();
		for (const child of children) {
			const health = (await (await fetch(`${child.url}/healthz`)).json()) as { scale?: string; database?: string; node?: string };
			if (health.scale !== (c.redis ? 'redis' : 'single') || health.database !== 'postgres') throw new Error(`${c.name}: the server reports ${JSON.stringify(health)}`);
			nodes.add(health.node ?? '');
		}
		if (nodes.size !== children.length) throw new Error(`${c.name}: ${children.length} processes but ${nodes.size} node ids`);
	} catch (e) {
		await close();
		throw e;
	}
	return {
		case: c,
		urls: children.map((child) => child.url),
		prefix,
		cpu() {
			const all = cpus().map((x) => x.times);
			const total = all.reduce((t, x) => t + x.user + x.nice + x.sys + x.idle + x.irq, 0);
			const idle = all.reduce((t, x) => t + x.idle, 0);
			return { servers: children.map((child) => processCpuMs(child.child.pid)), machineBusy: total - idle, machineTotal: total };
		},
		close
	};
}

/** CPU use between two samples taken `wallMs` apart. */
export function cpuUse(before: CpuSample, after: CpuSample, wallMs: number): CpuUse {
	return {
		servers: after.servers.map((ms, i) => (ms - before.servers[i]!) / wallMs),
		machine: (after.machineBusy - before.machineBusy) / (after.machineTotal - before.machineTotal)
	};
}
