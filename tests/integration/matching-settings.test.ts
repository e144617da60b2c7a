import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, matchingSettings } from '../../server/db/schema';
import { DEFAULT_SETTINGS, DEFAULT_WEIGHTS } from '../../server/matching';
import { api, newUser, type TestUser } from '../helpers/api';
import { newMentee, newMentor } from '../helpers/matching';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';

const drivers = await availableDrivers();

interface Ranked {
	mentor: { id: string };
	score: { total: number };
}

describe.each(drivers)('the program’s matching settings (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none' } });
		url = server.url;
		admin = await newUser(url);
	});
	afterAll(() => server?.close());

	const settings = async () => {
		const res = await api(url, '/api/v1/matching/settings', { token: admin.token });
		expect(res.status, res.text).toBe(200);
		return res.body as { weights: Record<string, number>; minOverlapHours: number };
	};
	const put = (body: unknown) => api(url, '/api/v1/matching/settings', { method: 'PUT', token: admin.token, body });
	const audits = async () => Number((await server.db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.action, 'matching.settings'), eq(auditLog.actorId, admin.id))))[0]!.n);

	it('start as the engine’s defaults; an admin changes them, weights one by one, audited; bad input changes nothing', async () => {
		const before = await settings();
		expect(before.weights).toEqual({ ...DEFAULT_WEIGHTS, ...DEFAULT_SETTINGS.weights });
		expect(before.minOverlapHours).toBe(DEFAULT_SETTINGS.minOverlapHours);

		for (const bad of [{ weights: { passions: -1 } }, { minOverlapHours: 'lots' }, { horizonStart: '2026-12-07' }, { weights: { charm: 3 } }]) {
			const res = await put(bad);
			expect(res.status, JSON.stringify(bad)).toBe(400);
			expect(res.body.error.code).toBe('invalid_input');
		}
		expect(await settings()).toEqual(before);
		expect(await audits()).toBe(0);
		expect(await server.db.select().from(matchingSettings)).toEqual([]);

		const saved = await put({ weights: { crossBorder: 9 }, minOverlapHours: 3 });
		expect(saved.status, saved.text).toBe(200);
		expect(saved.body.weights).toEqual({ ...before.weights, crossBorder: 9 });
		expect(saved.body.minOverlapHours).toBe(3);
		// A later change of one weight keeps the others the program chose.
		const again = await put({ weights: { goals: 4 } });
		expect(again.body.weights).toEqual({ ...before.weights, crossBorder: 9, goals: 4 });
		expect(again.body.minOverlapHours).toBe(3);
		expect(await settings()).toEqual(again.body);
		expect(await audits()).toBe(2);

		// Only admins.
		const mentor = await newMentor(url);
		expect((await api(url, '/api/v1/matching/settings', { token: mentor.token })).status).toBe(403);
		expect((await api(url, '/api/v1/matching/settings', { method: 'PUT', token: mentor.token, body: { minOverlapHours: 0 } })).status).toBe(403);
		expect((await settings()).minOverlapHours).toBe(3);
	});

	it('a round runs with them unless the admin changes one for that run', async () => {
		await put({ weights: { passions: 7 }, minOverlapHours: 2 });
		const plain = await api(url, '/api/v1/matching/rounds', { token: admin.token, body: {} });
		expect(plain.status, plain.text).toBe(201);
		expect(plain.body.settings.weights.passions).toBe(7);
		expect(plain.body.settings.minOverlapHours).toBe(2);

		const tweaked = await api(url, '/api/v1/matching/rounds', { token: admin.token, body: { settings: { minOverlapHours: 1, weights: { goals: 0 } } } });
		expect(tweaked.status, tweaked.text).toBe(201);
		expect(tweaked.body.settings.minOverlapHours).toBe(1);
		expect(tweaked.body.settings.weights).toMatchObject({ passions: 7, goals: 0 });
		// The run's change stays with the run.
		expect((await settings()).minOverlapHours).toBe(2);
	});

	it('self-match ranks mentors with them: changing the weights changes the order', async () => {
		const mentee = await newMentee(url, { overrides: { passions: ['pottery'], country: 'GB' } });
		// One mentor shares the mentee's passion and country; the other lives elsewhere and likes something else.
		const neighbour = await newMentor(url, { overrides: { passions: ['pottery'], country: 'GB', timezone: 'Europe/London' } });
		const abroad = await newMentor(url, { overrides: { passions: ['chess'], country: 'PE', timezone: 'America/Lima' } });
		const order = async () => {
			const res = await api(url, '/api/v1/matching/mentors', { token: mentee.token });
			expect(res.status, res.text).toBe(200);
			const ids = (res.body.mentors as Ranked[]).map((r) => r.mentor.id).filter((id) => id === neighbour.id || id === abroad.id);
			expect(ids).toHaveLength(2);
			return ids;
		};
		const off = { passions: 0, language: 0, availability: 0, goals: 0, genderPreference: 0 };
		expect((await put({ weights: { ...off, crossBorder: 5 } })).status).toBe(200);
		expect(await order()).toEqual([abroad.id, neighbour.id]);
		expect((await put({ weights: { ...off, crossBorder: 0, passions: 5 } })).status).toBe(200);
		expect(await order()).toEqual([neighbour.id, abroad.id]);
	});
});
