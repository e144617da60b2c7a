import { describe, expect, it } from 'vitest';
import { endReason, endReasonFromHttp, saveStatus, updateFrameKind, type StatusInput } from './save-status';

const base: StatusInput = { connected: true, synced: true, everSynced: true, sent: 0, stored: 0, unsent: false, ended: false };

describe('updateFrameKind', () => {
	it('counts sync step 2 and update frames, and nothing else', () => {
		expect(updateFrameKind(new Uint8Array([0, 1, 2, 0, 0]))).toBe('step2');
		expect(updateFrameKind(new Uint8Array([0, 2, 2, 0, 0]).buffer)).toBe('update');
		expect(updateFrameKind(new Uint8Array([0, 0, 1, 0]))).toBeNull(); // sync step 1
		expect(updateFrameKind(new Uint8Array([1, 5, 1, 2]))).toBeNull(); // awareness
		expect(updateFrameKind(new Uint8Array([0]))).toBeNull();
		expect(updateFrameKind('0,1')).toBeNull();
	});

	it('reads a view into a larger buffer at its offset', () => {
		const buffer = new Uint8Array([9, 9, 0, 2, 7]);
		expect(updateFrameKind(new DataView(buffer.buffer, 2))).toBe('update');
	});
});

describe('saveStatus', () => {
	it('is connecting until the first sync', () => {
		expect(saveStatus({ ...base, connected: false, synced: false, everSynced: false })).toBe('connecting');
		expect(saveStatus({ ...base, synced: false, everSynced: false })).toBe('connecting');
	});

	it('is saving while sent updates wait for their ack, then saved', () => {
		expect(saveStatus({ ...base, sent: 3, stored: 2 })).toBe('saving');
		expect(saveStatus({ ...base, sent: 3, stored: 3 })).toBe('saved');
	});

	it('is offline once the connection drops, and saving while offline edits are being sent after reconnecting', () => {
		expect(saveStatus({ ...base, connected: false, synced: false, unsent: true })).toBe('offline');
		expect(saveStatus({ ...base, synced: false, unsent: true })).toBe('saving');
		expect(saveStatus({ ...base, unsent: true })).toBe('saving');
	});

	it('stays offline after a final close', () => {
		expect(saveStatus({ ...base, ended: true })).toBe('offline');
		expect(saveStatus({ ...base, everSynced: false, connected: false, ended: true })).toBe('offline');
	});
});

describe('endReason', () => {
	it('names the closes that reconnecting cannot fix', () => {
		expect(endReason(4401)).toBe('session');
		expect(endReason(4440)).toBe('session');
		expect(endReason(4403)).toBe('forbidden');
		expect(endReason(4404)).toBe('not_found');
		expect(endReason(4413)).toBe('too_large');
		expect(endReason(1009)).toBe('too_large');
		expect(endReason(4429)).toBe('too_many');
		expect(endReason(4501)).toBe('unavailable');
		expect(endReason(4499)).toBe('other');
	});

	it('lets ordinary network closes be retried', () => {
		expect(endReason(1006)).toBeNull();
		expect(endReason(1001)).toBeNull();
		expect(endReason(4500)).toBeNull();
	});

	it('reads the document API status the same way', () => {
		expect(endReasonFromHttp(401)).toBe('session');
		expect(endReasonFromHttp(404)).toBe('not_found');
		expect(endReasonFromHttp(200)).toBeNull();
		expect(endReasonFromHttp(500)).toBeNull();
	});
});
