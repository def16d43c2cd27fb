export { buildServer, type ApiOptions, type ApiServer } from './server.js';
export { resolveConfig, TOKEN_MIN_DISTINCT, TOKEN_MIN_LENGTH, type ApiConfig } from './config.js';
export { authHook, type RouteAuth } from './auth.js';
export { checkListen, isLoopback } from './bind.js';
export { sameSecret } from './secret.js';
export { buildLogdirServer } from './dashboard/logdir-server.js';
export { describeTrustProxy, parseTrustProxy, TRUST_PROXY_ENV, type TrustProxy, type TrustProxyOption } from './trust-proxy.js';
export { ApiProcess, type Listen } from './api-process.js';
