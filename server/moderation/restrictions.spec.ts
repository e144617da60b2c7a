import { describe, expect, it } from 'vitest';
import { blockError, writeBlock } from './restrictions';

const now = new Date('2026-11-28T12:00:00Z');
const later = (s: number) => new Date(now.getTime() + s * 1000);

describe('writeBlock', () => {
	it('lets someone write when nothing restricts them', () => {
		expect(writeBlock({ lockedAt: null, mutes: [] }, 'u', now)).toBeNull();
	});

	it('blocks everyone in a locked space, muted or not', () => {
		expect(writeBlock({ lockedAt: now, mutes: [] }, 'u', now)).toEqual({ code: 'space_locked' });
		expect(writeBlock({ lockedAt: now, mutes: [{ userId: 'u', until: null }] }, 'u', now)).toEqual({ code: 'space_locked' });
	});

	it('blocks only the muted person', () => {
		const r = { lockedAt: null, mutes: [{ userId: 'u', until: later(60) }] };
		expect(writeBlock(r, 'u', now)).toEqual({ code: 'muted', until: later(60) });
		expect(writeBlock(r, 'v', now)).toBeNull();
	});

	it('ignores a mute that has ended', () => {
		expect(writeBlock({ lockedAt: null, mutes: [{ userId: 'u', until: later(-1) }] }, 'u', now)).toBeNull();
		expect(writeBlock({ lockedAt: null, mutes: [{ userId: 'u', until: now }] }, 'u', now)).toBeNull();
	});

	it('answers with the latest end among several mutes, and with none when one lasts until lifted', () => {
		const timed = [
			{ userId: 'u', until: later(30) },
			{ userId: 'u', until: later(90) }
		];
		expect(writeBlock({ lockedAt: null, mutes: timed }, 'u', now)).toEqual({ code: 'muted', until: later(90) });
		expect(writeBlock({ lockedAt: null, mutes: [...timed, { userId: 'u', until: null }] }, 'u', now)).toEqual({ code: 'muted', until: null });
	});
});

describe('writeBlock after a report', () => {
	it('a pause that followed a report is silent (paused), below a mute or a lock', () => {
		const pause = { userId: 'u', until: null, reportId: 'r' };
		expect(writeBlock({ lockedAt: null, mutes: [pause] }, 'u', now)).toEqual({ code: 'paused' });
		expect(writeBlock({ lockedAt: null, mutes: [pause, { userId: 'u', until: later(60) }] }, 'u', now)).toEqual({ code: 'muted', until: later(60) });
		expect(writeBlock({ lockedAt: now, mutes: [pause] }, 'u', now)).toEqual({ code: 'space_locked' });
		expect(writeBlock({ lockedAt: null, mutes: [pause] }, 'v', now)).toBeNull();
	});
});

describe('blockError', () => {
	it('maps each block to its code', () => {
		expect(blockError({ code: 'space_locked' }, now)).toMatchObject({ status: 423, code: 'space_locked' });
		expect(blockError({ code: 'muted', until: null }, now)).toMatchObject({ status: 403, code: 'muted' });
	});

	it('says how many seconds a timed mute has left, rounded up and never zero', () => {
		expect(blockError({ code: 'muted', until: later(59.2) }, now)).toMatchObject({ code: 'muted_until', retryAfterSeconds: 60 });
		expect(blockError({ code: 'muted', until: later(0.01) }, now)).toMatchObject({ retryAfterSeconds: 1 });
	});
});
