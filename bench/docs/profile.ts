import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

export interface TimeShare {
	what: string;
	ms: number;
	share: number;
}

export interface ProfileSummary {
	/** Wall time profiled, ms. */
	wallMs: number;
	/** Time the thread was running anything but the profiler, ms. */
	busyMs: number;
	/** Self time by package or source area, largest first (idle excluded from shares). */
	areas: TimeShare[];
	/** The busiest functions by self time. */
	functions: TimeShare[];
	/** Stretches of uninterrupted work (consecutive non-idle samples): how many, and how many ran 5 ms or more. */
	stretches: { count: number; atLeast5ms: number; atLeast10ms: number; longestMs: number };
	file: string;
}

/** Where a frame's code lives: a package, a folder of ours, or Node itself; null for native and V8 frames. */
function area(url: string): string | null {
	if (!url) return null;
	const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
	if (pkg) return pkg[1]!;
	if (url.startsWith('wasm://')) return 'wasm';
	const ours = /\/((?:server|src|bench|tests)\/[^/]+)/.exec(url);
	if (ours) return ours[1]!;
	return 'node internals';
}

/** Samples this thread while `body` runs and says which code the time went to; the raw profile goes to `file`. */
export async function profileWhile<T>(file: string, body: () => Promise<T>): Promise<{ result: T; profile: ProfileSummary }> {
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.setSamplingInterval', { interval: 200 });
	await session.post('Profiler.start');
	let profile: CpuProfile;
	let result: T;
	try {
		result = await body();
	} finally {
		({ profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile });
		await session.post('Profiler.disable');
		session.disconnect();
	}
	await writeFile(file, JSON.stringify(profile));
	return { result, profile: summariseProfile(profile, file) };
}

/**
 * Self time per sample, charged to the nearest frame up the stack that belongs to a package or to our code —
 * so a native socket write made by ws counts as ws, and PGlite's WebAssembly as PGlite. Samples taken inside
 * the profiler's own inspector calls are left out.
 */
function summariseProfile(p: CpuProfile, file: string): ProfileSummary {
	const byId = new Map(p.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const owner = new Map<number, string | null>();
	const charge = (id: number): string | null => {
		if (owner.has(id)) return owner.get(id)!;
		const { functionName, url } = byId.get(id)!.callFrame;
		let result: string | null;
		if (url === 'node:inspector') result = null;
		else if (functionName.startsWith('(') && !url) result = functionName === '(idle)' || functionName === '(root)' ? null : functionName;
		else {
			const mine = area(url);
			const up = parent.has(id) ? charge(parent.get(id)!) : null;
			// Node internals and native frames belong to whichever package called them.
			result = mine && mine !== 'node internals' && mine !== 'wasm' ? mine : up && !up.startsWith('(') ? up : (mine ?? '(native)');
		}
		owner.set(id, result);
		return result;
	};
	const inProfiler = (id: number): boolean => {
		for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) if (byId.get(x)!.callFrame.url === 'node:inspector') return true;
		return false;
	};
	const self = new Map<number, number>();
	p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
	const areas = new Map<string, number>();
	const fns = new Map<string, number>();
	let busy = 0;
	for (const [id, ms] of self) {
		const a = charge(id);
		if (a === null || inProfiler(id)) continue;
		busy += ms;
		areas.set(a, (areas.get(a) ?? 0) + ms);
		const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
		const where = url && !url.includes('node_modules') && !url.startsWith('node:') && !url.startsWith('wasm:') ? `${a}:${lineNumber + 1}` : a;
		const f = `${functionName || '(anonymous)'} (${where})`;
		fns.set(f, (fns.get(f) ?? 0) + ms);
	}
	// Work that ran without a pause: anything that arrives meanwhile (a keystroke to fan out) waits for its end.
	const stretches = { count: 0, atLeast5ms: 0, atLeast10ms: 0, longestMs: 0 };
	let run = 0;
	let profiler = false;
	const endStretch = () => {
		if (run > 0 && !profiler) {
			stretches.count += 1;
			if (run >= 5) stretches.atLeast5ms += 1;
			if (run >= 10) stretches.atLeast10ms += 1;
			stretches.longestMs = Math.max(stretches.longestMs, run);
		}
		run = 0;
		profiler = false;
	};
	p.samples.forEach((id, i) => {
		if (byId.get(id)!.callFrame.functionName === '(idle)') return endStretch();
		run += (p.timeDeltas[i] ?? 0) / 1000;
		profiler ||= inProfiler(id);
	});
	endStretch();
	const top = (m: Map<string, number>, n: number) =>
		[...m]
			.sort((a, b) => b[1] - a[1])
			.slice(0, n)
			.map(([what, ms]) => ({ what, ms, share: ms / busy }));
	return { wallMs: (p.endTime - p.startTime) / 1000, busyMs: busy, areas: top(areas, 8), functions: top(fns, 8), stretches, file };
}
