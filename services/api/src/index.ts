export { buildServer, type ApiOptions } from './server.js';
export { bearerAuth, isProtected } from './auth.js';
