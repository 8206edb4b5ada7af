export { sendAuthError } from './send-auth-error.js';
