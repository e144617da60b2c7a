// PLACEHOLDER until the translation service lands: every text is left untranslated.
import type { Config } from '../config';
import type { Db } from '../db';
import type { Logger } from '../logger';
import { TranslateError, type Translator } from './types';

export * from './types';

export function createTranslator(_: {
	db: Db;
	logger: Logger;
	config: Pick<Config, 'translator' | 'libreTranslateUrl' | 'libreTranslateApiKey' | 'apertiumUrl' | 'translateTimeoutMs' | 'translateCacheEntries'>;
}): Translator {
	return {
		provider: 'none',
		needsTranslation: () => false,
		translate: () => Promise.reject(new TranslateError('unsupported', 'translation is off')),
		cached: async () => undefined,
		status: () => ({ provider: 'none', available: false }),
		onStatus: () => () => {},
		close: async () => {}
	};
}
