import { loadavg } from 'node:os';

/**
 * The machine is shared: waits (up to 20 minutes) for the 1-minute load average to drop below 2 (2 cores),
 * saying so through `log` every 15 s.
 */
export async function quietMachine(log: (...args: unknown[]) => void): Promise<void> {
	const deadline = Date.now() + 20 * 60_000;
	while (loadavg()[0]! > 2 && Date.now() < deadline) {
		log(`load average ${loadavg()[0]!.toFixed(2)}: waiting for the machine to quieten`);
		await new Promise((r) => setTimeout(r, 15_000));
	}
}
