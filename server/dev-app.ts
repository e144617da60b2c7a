import type { Tessera } from './app';

const DEV_APP = Symbol.for('tessera.devApp');

/**
 * In production and tests each request carries its own server's services (`req.tessera`, read through
 * adapter-node's `platform.req`). Vite's dev server has no platform, so dev mode registers its one instance here.
 */
export function setDevApp(app: Tessera): void {
	(globalThis as Record<symbol, unknown>)[DEV_APP] = app;
}

export function getDevApp(): Tessera | undefined {
	return (globalThis as Record<symbol, unknown>)[DEV_APP] as Tessera | undefined;
}
