import { m } from '$lib/paraglide/messages.js';
import type { PaletteId } from './palette';
import type { Shape, ShapeType } from './shapes';

/** "Sticky note", "Rectangle", ... in the page's language. */
export function typeLabel(type: ShapeType): string {
	switch (type) {
		case 'pen':
			return m.canvas_type_pen();
		case 'rect':
			return m.canvas_type_rect();
		case 'ellipse':
			return m.canvas_type_ellipse();
		case 'arrow':
			return m.canvas_type_arrow();
		case 'sticky':
			return m.canvas_type_sticky();
		case 'text':
			return m.canvas_type_text();
		case 'image':
			return m.canvas_type_image();
	}
}

export function colourLabel(id: PaletteId): string {
	switch (id) {
		case 'charcoal':
			return m.canvas_colour_charcoal();
		case 'teal':
			return m.canvas_colour_teal();
		case 'blue':
			return m.canvas_colour_blue();
		case 'purple':
			return m.canvas_colour_purple();
		case 'magenta':
			return m.canvas_colour_magenta();
		case 'red':
			return m.canvas_colour_red();
		case 'brown':
			return m.canvas_colour_brown();
		case 'green':
			return m.canvas_colour_green();
	}
}

/** The first words of a text, on one line. */
export function excerpt(text: string, max = 60): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	const chars = Array.from(flat);
	return chars.length > max ? `${chars.slice(0, max - 1).join('').trimEnd()}…` : flat;
}

/** A short name for announcements: the type, and the first words of its text or description. */
export function shapeName(shape: Pick<Shape, 'type' | 'text' | 'alt'>): string {
	const words = excerpt(shape.text || shape.alt || '', 40);
	return words ? `${typeLabel(shape.type)} “${words}”` : typeLabel(shape.type);
}

export function authorName(shape: Pick<Shape, 'authorName'>): string {
	return shape.authorName || m.canvas_someone();
}

/** One line of the export's text description: type, author, text and description. */
export function describeShape(shape: Shape): string {
	const parts = [`${typeLabel(shape.type)} ${m.canvas_by({ name: authorName(shape) })}`];
	if (shape.text) parts.push(excerpt(shape.text, 500));
	if (shape.alt) parts.push(m.canvas_description({ alt: shape.alt }));
	return parts.join(' · ');
}
