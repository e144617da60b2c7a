import { describe, expect, it } from 'vitest';
import { normalizeLink, rovingIndex, shortcut } from './toolbar';

describe('rovingIndex', () => {
	it('moves with the reading direction and wraps around', () => {
		expect(rovingIndex({ key: 'ArrowRight', index: 0, count: 4, rtl: false })).toBe(1);
		expect(rovingIndex({ key: 'ArrowLeft', index: 0, count: 4, rtl: false })).toBe(3);
		expect(rovingIndex({ key: 'ArrowRight', index: 3, count: 4, rtl: false })).toBe(0);
		// Right to left: the next button is to the left.
		expect(rovingIndex({ key: 'ArrowLeft', index: 0, count: 4, rtl: true })).toBe(1);
		expect(rovingIndex({ key: 'ArrowRight', index: 0, count: 4, rtl: true })).toBe(3);
	});

	it('jumps to the ends with Home and End and ignores other keys', () => {
		expect(rovingIndex({ key: 'Home', index: 2, count: 4, rtl: false })).toBe(0);
		expect(rovingIndex({ key: 'End', index: 0, count: 4, rtl: true })).toBe(3);
		expect(rovingIndex({ key: 'Enter', index: 0, count: 4, rtl: false })).toBeNull();
		expect(rovingIndex({ key: 'ArrowRight', index: 0, count: 0, rtl: false })).toBeNull();
	});
});

describe('shortcut', () => {
	it('names keys for aria-keyshortcuts and for people on each platform', () => {
		expect(shortcut('Mod-b', false)).toEqual({ aria: 'Control+B', text: 'Ctrl+B' });
		expect(shortcut('Mod-Shift-b', false)).toEqual({ aria: 'Control+Shift+B', text: 'Ctrl+Shift+B' });
		expect(shortcut('Mod-Alt-2', true)).toEqual({ aria: 'Meta+Alt+2', text: '⌘⌥2' });
	});
});

describe('normalizeLink', () => {
	it('keeps web and mail addresses and completes bare domains', () => {
		expect(normalizeLink('https://example.org/a?b=1')).toBe('https://example.org/a?b=1');
		expect(normalizeLink('  example.org/page ')).toBe('https://example.org/page');
		expect(normalizeLink('someone@example.org')).toBe('mailto:someone@example.org');
		expect(normalizeLink('mailto:someone@example.org')).toBe('mailto:someone@example.org');
	});

	it('refuses scripts, data, relative paths and nonsense', () => {
		expect(normalizeLink('javascript:alert(1)')).toBeNull();
		expect(normalizeLink('data:text/html,hi')).toBeNull();
		expect(normalizeLink('/admin')).toBeNull();
		expect(normalizeLink('not a link')).toBeNull();
		expect(normalizeLink('word')).toBeNull();
		expect(normalizeLink('')).toBeNull();
	});
});
