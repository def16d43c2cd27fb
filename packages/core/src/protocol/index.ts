// One protocol for everything that crosses a thread or process boundary.
// thread.ts: trainer <-> Piscina gradient threads; shard.ts: coordinator <-> workers.
export * from './thread.js';
export * from './shard.js';
