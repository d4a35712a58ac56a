export * from './database.js';
export * from './http.js';
export * from './log.js';
export type * from './pong.js';
export * from './serve.js';
export * from './tokens.js';
export * from './validate.js';
