/** Kept for existing importers: the cheap probe now lives in ml/backend/probe. */
export { probeBackends } from './backend/probe';
