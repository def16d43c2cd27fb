export { buildServer, type ApiOptions, type ApiServer } from './server.js';
export { resolveConfig, type ApiConfig } from './config.js';
export { authHook, type RouteAuth } from './auth.js';
export { checkListen, isLoopback } from './bind.js';
export { sameSecret } from './secret.js';
export { buildLogdirServer } from './dashboard/logdir-server.js';
