import { getContext, setContext } from 'svelte';

/** What a report is about. */
export interface ReportTarget {
	targetType: 'message' | 'user' | 'space';
	targetId: string;
	spaceId: string;
}

/** Opens the report dialog; focus goes back to `opener` when it closes. */
export type OpenReport = (target: ReportTarget, opener?: HTMLElement | null) => void;

const KEY = Symbol('tessera.report');

/** The space page offers reporting to everything inside it (messages are rendered deep in the chat panel). */
export function provideReport(open: OpenReport): void {
	setContext(KEY, open);
}

/** The report action of the page this component is in, if it offers one. */
export function reportAction(): OpenReport | undefined {
	return getContext<OpenReport | undefined>(KEY);
}
