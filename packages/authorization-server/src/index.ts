/**
 * `@mcp-warden/authorization-server`: an MCP-ready OAuth 2.1 authorization server that federates
 * sign-in to GitHub, Google or any OpenID provider.
 *
 * @module
 */
export type { AllowList, AllowListSubject } from './allowlist.js';
export { isAllowed, parseAllowList } from './allowlist.js';
export type {
  AuthorizationServer,
  AuthorizationServerOptions,
  CallerInfo,
  RefreshLockStore,
  UpstreamAccessToken,
} from './authorization-server.js';
export { createAuthorizationServer, OAUTH_PATH_PREFIX } from './authorization-server.js';
export type { AuthorizationServerSettings, SettingsIssue, UpstreamProvider, UpstreamSettings } from './settings.js';
export {
  AUTHORIZATION_SERVER_ENV_VARIABLES,
  loadAuthorizationServerSettings,
  wantsAuthorizationServer,
} from './settings.js';
