import type { SubmitFunction } from '@sveltejs/kit';

/**
 * `use:enhance` that behaves like the form without JavaScript: what was typed stays after a refusal,
 * except passwords, which the server never sends back either.
 */
export function keepInput({ onBusy }: { onBusy?: (busy: boolean) => void } = {}): SubmitFunction {
	return ({ formElement }) => {
		onBusy?.(true);
		return async ({ result, update }) => {
			await update({ reset: false });
			if (result.type === 'failure') {
				formElement.querySelectorAll<HTMLInputElement>('input[type="password"]').forEach((input) => (input.value = ''));
			}
			onBusy?.(false);
		};
	};
}
