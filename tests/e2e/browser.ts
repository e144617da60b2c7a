import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { projectRoot, type Config } from '../../server/config';
import { startServer, type RunningServer } from '../../server/http/server';

/** Debian's Chromium; never downloaded. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumMissing = !existsSync(CHROMIUM_PATH);

if (chromiumMissing && process.env.CI === 'true') {
	throw new Error(`Chromium not found at ${CHROMIUM_PATH}. CI must run the browser tests: install Debian's chromium or set CHROMIUM_PATH.`);
}
if (chromiumMissing) {
	console.warn(`[e2e] Skipping browser tests: Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH to run them).`);
}

/** `describe` for browser tests: skipped, with the reason in its name, when there is no Chromium (outside CI). */
export const describeBrowser: typeof describe = chromiumMissing
	? (((name: string, fn: () => void) => describe.skip(`${name} (skipped: no Chromium at ${CHROMIUM_PATH})`, fn)) as typeof describe)
	: describe;

export interface E2eServer {
	url: string;
	server: RunningServer;
	close(): Promise<void>;
}

/** The real server, in-process, on port 0 with its own fresh PGlite directory and quiet logs. */
export async function startTessera(config: Partial<Config> = {}): Promise<E2eServer> {
	const built = process.env.TESSERA_BUILD_DIR;
	const buildDir = built ? (isAbsolute(built) ? built : resolve(projectRoot, built)) : resolve(projectRoot, 'build');
	if (!existsSync(join(buildDir, 'handler.js'))) throw new Error(`No build at ${buildDir}: run \`node scripts/build.js\` first.`);
	const dataDir = await mkdtemp(join(tmpdir(), 'tessera-e2e-'));
	const server = await startServer({
		config: {
			port: 0,
			host: '127.0.0.1',
			dataDir,
			databaseUrl: undefined,
			// The embedded database serves one process: the runner's own REDIS_URL must not make this one of several.
			redisUrl: undefined,
			origin: undefined,
			logLevel: (process.env.TEST_LOG_LEVEL as Config['logLevel'] | undefined) ?? 'silent',
			buildDir,
			// Every browser here signs in from 127.0.0.1.
			loginMaxPerIp: 10_000,
			...config
		}
	});
	return {
		url: server.url,
		server,
		async close() {
			try {
				await server.close();
			} finally {
				await rm(dataDir, { recursive: true, force: true });
			}
		}
	};
}

export function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM_PATH,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
	});
}

/**
 * A fresh browser profile. CSP is bypassed so axe can be injected as an inline script; the CSP itself is
 * checked separately, in a context that keeps it.
 */
export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
	const context = await browser.newContext({
		bypassCSP: true,
		locale: 'en-GB',
		timezoneId: 'Europe/London',
		viewport: { width: 1280, height: 900 },
		reducedMotion: 'reduce',
		...options
	});
	// Fail fast: every page here answers in well under a second.
	context.setDefaultTimeout(10_000);
	return context;
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

interface AxeViolation {
	id: string;
	impact: string | null;
	help: string;
	nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core on the whole page and fails with every violation's id, help and selectors. */
export async function expectNoAxeViolations(page: Page, label = page.url()): Promise<void> {
	await page.waitForLoadState('load');
	const loaded = await page.evaluate(() => 'axe' in window);
	if (!loaded) await page.addScriptTag({ content: axe.source });
	const violations = await page.evaluate(async (tags) => {
		const result = await (window as unknown as { axe: typeof axe }).axe.run(document, { runOnly: tags, resultTypes: ['violations'] });
		return result.violations.map((v) => ({
			id: v.id,
			impact: v.impact ?? null,
			help: v.help,
			nodes: v.nodes.map((n) => ({ target: n.target as unknown[], failureSummary: n.failureSummary }))
		}));
	}, AXE_TAGS);
	const report = (violations as AxeViolation[])
		.map((v) => `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    at ${JSON.stringify(n.target)}\n      ${n.failureSummary?.replaceAll('\n', '\n      ')}`).join('\n')}`)
		.join('\n');
	expect(violations, `axe violations on ${label}:\n${report}`).toEqual([]);
}

export interface Person {
	email: string;
	password: string;
	displayName: string;
	role?: 'mentee' | 'mentor';
	birthDate?: string;
	country?: string;
	timezone?: string;
	readingLanguage?: string;
}

/** Creates an account through the JSON API (no browser involved). */
export async function signUpViaApi(baseUrl: string, person: Person): Promise<{ id: string }> {
	const res = await fetch(`${baseUrl}/api/v1/users`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ role: 'mentor', birthDate: '1985-04-02', country: 'GB', timezone: 'Europe/London', readingLanguage: 'en', ...person })
	});
	const body = (await res.json()) as { user: { id: string } };
	expect(res.status, JSON.stringify(body)).toBe(201);
	return body.user;
}

/** Presses Tab until `selector` has focus (at most `max` times), so a test moves like a keyboard user. */
export async function tabTo(page: Page, selector: string, max = 25): Promise<void> {
	for (let i = 0; i < max; i++) {
		if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
		await page.keyboard.press('Tab');
	}
	throw new Error(`Tab never reached ${selector}`);
}

/** Unique enough for one run. */
export function uniqueEmail(name: string): string {
	return `${name}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.org`;
}

/** Signs `person` in over the JSON API and answers their bearer token. */
export async function signInToken(baseUrl: string, person: Person): Promise<string> {
	const res = await fetch(`${baseUrl}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: person.email, password: person.password }) });
	expect(res.status).toBe(201);
	return ((await res.json()) as { token: string }).token;
}

/** One JSON API call with a bearer token: its status and parsed body (null when there is none). */
export async function apiCall(baseUrl: string, bearer: string, path: string, body?: unknown, method = 'POST') {
	const res = await fetch(`${baseUrl}${path}`, {
		method,
		headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
}

/** A page in a new context signed in as `person` (the context is added to `contexts`, for closing). */
export async function signedInPage(browser: Browser, contexts: BrowserContext[], baseUrl: string, person: Person, options: BrowserContextOptions = {}): Promise<Page> {
	const context = await newContext(browser, options);
	contexts.push(context);
	const res = await context.request.post(`${baseUrl}/api/v1/sessions`, { data: { email: person.email, password: person.password } });
	expect(res.status()).toBe(201);
	return context.newPage();
}
