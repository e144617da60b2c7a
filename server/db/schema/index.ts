export * from './accounts';
export * from './profiles';
export * from './spaces';
export * from './documents';
export * from './chat';
export * from './safeguarding';
export * from './matching';
export * from './surveys';
