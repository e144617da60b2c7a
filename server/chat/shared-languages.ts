import type { Logger } from '../logger';
import type { Bus } from '../scale';
import { createLanguagePresence, createRemoteLanguages } from './languages';
import { z } from 'zod';

const target = z.string().min(1).max(35);
const languagesOfSpace = z.object({ spaceId: z.uuid(), targets: z.array(target).max(200) });
const languagesOfAll = z.object({ spaces: z.record(z.uuid(), z.array(target).max(200)) });

/** How often each process sends its whole list, and how long a list is trusted without the next one. */
const REFRESH_MS = 10_000;
const TTL_MS = 35_000;

type Presence = ReturnType<typeof createLanguagePresence>;

/**
 * The reading languages present in each space on every process, so that the process storing a message translates
 * it once for every language read anywhere (its translations reach other processes' readers through the adapter's
 * language rooms) and no other process translates it. Each process tells the others of every change to its own
 * lists, sends them whole every few seconds (a dead process's lists expire), again when Redis is back (pub/sub
 * may have lost changes) and to a process that says hello (it starts knowing nothing).
 *
 * With one process (`bus` undefined) this is the local presence and nothing more.
 */
export function createSharedLanguages({ bus, logger, refreshMs = REFRESH_MS, ttlMs = TTL_MS }: { bus: Bus | undefined; logger: Logger; refreshMs?: number; ttlMs?: number }) {
	const local = createLanguagePresence();
	if (!bus) {
		return {
			roomCreated: (room: string) => void local.roomCreated(room),
			roomDeleted: (room: string) => void local.roomDeleted(room),
			targets: (spaceId: string) => local.targets(spaceId),
			/** Resolves once the other processes were told of this space's languages. */
			settled: (_spaceId: string): Promise<void> | undefined => undefined,
			close: () => {}
		};
	}
	const log = logger.child({ ns: 'chat.languages' });
	const remote = createRemoteLanguages({ ttlMs });
	/** The last announcement per space still on its way, for `space:join` to wait for. */
	const sending = new Map<string, Promise<void>>();

	function announce(spaceId: string | null): void {
		if (!spaceId) return;
		const sent = bus!.publish('chat:languages', { spaceId, targets: local.targets(spaceId) });
		sending.set(spaceId, sent);
		void sent.then(() => {
			if (sending.get(spaceId) === sent) sending.delete(spaceId);
		});
	}
	const sendAll = () => void bus.publish('chat:languages:all', { spaces: local.all() });
	const offs = [
		bus.on<{ spaceId: string; targets: string[] }>('chat:languages', ({ spaceId, targets }, from) => remote.update(from, spaceId, targets, Date.now()), languagesOfSpace),
		bus.on<{ spaces: Record<string, string[]> }>('chat:languages:all', ({ spaces }, from) => remote.replace(from, spaces, Date.now()), languagesOfAll),
		bus.on('chat:languages:hello', sendAll),
		bus.on('chat:languages:bye', (_: unknown, from) => remote.drop(from)),
		bus.onResume(() => {
			log.info('sending reading languages again after a Redis outage');
			sendAll();
			void bus.publish('chat:languages:hello', {});
		})
	];
	void bus.publish('chat:languages:hello', {});
	const refresh = setInterval(sendAll, refreshMs);
	refresh.unref();

	return {
		roomCreated: (room: string) => announce(local.roomCreated(room)),
		roomDeleted: (room: string) => announce(local.roomDeleted(room)),
		/** The distinct translation targets of the space's readers, on every process. */
		targets(spaceId: string): string[] {
			const here = local.targets(spaceId);
			const there = remote.targets(spaceId, Date.now());
			if (there.length === 0) return here;
			return [...new Set([...here, ...there])];
		},
		settled: (spaceId: string): Promise<void> | undefined => sending.get(spaceId),
		close(): void {
			clearInterval(refresh);
			for (const off of offs) off();
			void bus.publish('chat:languages:bye', {});
		}
	};
}
