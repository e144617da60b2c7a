/** The collaborative canvas: mount `Canvas` with a Y.Doc, the provider's awareness, `readOnly` and the user. */
export { default as Canvas } from './Canvas.svelte';
export type { CanvasUser } from './canvas-manager.svelte';
export { readShape, SHAPE_TYPES, type Shape, type ShapeFields, type ShapeType } from './shapes';
export { toSvg } from './export';
