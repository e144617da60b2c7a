/**
 * Anything with `on`/`once`/`off`: Node's EventEmitter, a socket.io-client Socket, a `ws` WebSocket. Loosely
 * typed because socket.io's typed `on<Ev>()` overloads fit no common signature; the caller names the payload type.
 */
interface Emitter {
	on(event: any, listener: any): unknown;
	once(event: any, listener: any): unknown;
	off(event: any, listener: any): unknown;
}

/**
 * Resolves with the first argument of the next `event`, or rejects after `timeoutMs` naming what did not
 * happen. The timeout is a deadline for the event, not a measurement: a fast machine simply resolves sooner.
 */
export function nextEvent<T = unknown>(emitter: Emitter, event: string, timeoutMs = 5_000): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const timer = setTimeout(() => {
			emitter.off(event, onEvent);
			reject(new Error(`no "${event}" event within ${timeoutMs} ms`));
		}, timeoutMs);
		function onEvent(value: T) {
			clearTimeout(timer);
			resolve(value);
		}
		emitter.once(event, onEvent);
	});
}

/** Polls `check` until it returns a truthy value, or rejects after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, { timeoutMs = 5_000, what = 'condition' } = {}): Promise<NonNullable<T>> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value as NonNullable<T>;
		if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

/** Like `nextEvent`, but waits for the first `event` whose payload satisfies `accept`. */
export function nextMatching<T = any>(emitter: Emitter, event: string, accept: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const timer = setTimeout(() => {
			emitter.off(event, onEvent);
			reject(new Error(`no matching "${event}" event within ${timeoutMs} ms`));
		}, timeoutMs);
		function onEvent(value: T) {
			if (!accept(value)) return;
			clearTimeout(timer);
			emitter.off(event, onEvent);
			resolve(value);
		}
		emitter.on(event, onEvent);
	});
}
