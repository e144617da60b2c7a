/** Toolbar icons (24×24, stroke), always inside a button with a text name, so hidden from assistive tech. */
export const TOOL_ICONS = {
	heading2: 'M4 6v12M12 6v12M4 12h8M15.5 11a2.25 2.25 0 0 1 4.5 0c0 1.8-4.5 3.4-4.5 7h4.5',
	heading3: 'M4 6v12M12 6v12M4 12h8M15.5 9h4.5l-2.6 3.2a2.5 2.5 0 1 1-1.9 4.6',
	bold: 'M7 5h6.5a3.5 3.5 0 0 1 0 7H7zm0 7h7.5a3.5 3.5 0 0 1 0 7H7z',
	italic: 'M10 5h8M6 19h8M14.5 5l-5 14',
	bulletList: 'M9.5 6H20M9.5 12H20M9.5 18H20M4.5 6h.5M4.5 12h.5M4.5 18h.5',
	orderedList: 'M10 6h10M10 12h10M10 18h10M4 4.5l1.5-.75V9M3.6 14.4a1.3 1.3 0 0 1 2.4.6c0 1.1-2.4 1.9-2.4 3.5h2.6',
	quote: 'M5 17h3.5l1.5-3.5V7H5v6.5h3M14 17h3.5l1.5-3.5V7h-5v6.5h3',
	link: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
	undo: 'M9 14L4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H11',
	redo: 'M15 14l5-5l-5-5M20 9H9.5a5.5 5.5 0 0 0 0 11H13'
} as const;

export type ToolIcon = keyof typeof TOOL_ICONS;

/** Icons that point along the line of text, mirrored on right-to-left pages. */
export const MIRRORED: ReadonlySet<string> = new Set(['bulletList', 'undo', 'redo']);
