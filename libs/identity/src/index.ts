export {
  ROLES,
  isRole,
  isTenantId,
  isUserId,
  isPlatformAdmin,
  TENANT_RE,
  USER_ID_RE,
  PLATFORM_TENANT,
  type Role,
  type Actor,
  type AuthMethod,
  type ChangeAuthor,
} from './actor';
export { signDevToken, verifyDevToken, InvalidToken, DEV_ISSUER, DEV_AUDIENCE, DEV_TOKEN_TTL_S, DEV_TOKEN_MAX_TTL_S } from './dev-tokens';
export { IdentityRefusal, AuthFailure, type IdentityRefusalCode, type IdentityFieldProblem } from './errors';
export {
  DIRECTORY_EVENT_TYPES,
  tenantStream,
  userStream,
  apiKeysStream,
  rolesAt,
  grantAppliesAt,
  grantEnd,
  type TenantProfile,
  type TenantRecord,
  type UserRecord,
  type RoleGrant,
  type ApiKeyRecord,
} from './directory-model';
export {
  DirectoryService,
  type RegisterTenantInput,
  type GrantRoleInput,
  type IssueApiKeyInput,
  type IssuedApiKey,
  type ChangeMeta,
} from './directory';
export { INDEPENDENT_ROLE, INTERNAL_ROLES, incompatibleRoles, type IndependenceConflict } from './directory-independence';
export {
  calendarFeedsStream,
  CALENDAR_FEED_SCOPES,
  FEED_ID_RE,
  type CalendarFeedRecord,
  type CalendarFeedScope,
} from './calendar-feeds';
export { parseApiKey, tenantOfKeyId, KEY_ID_RE } from './api-keys';
export { OidcVerifier, claimAt, identityFromClaims, type OidcOptions, type OidcIdentity, type ClaimMapping } from './oidc';
export {
  OidcLogin,
  LoginFailure,
  type OidcLoginOptions,
  type PendingLogin,
  type CompletedLogin,
  type LoginFailureKind,
} from './oidc-login';
export { SessionRefresher, type RefreshLog } from './session-refresh';
export {
  AccessPolicy,
  readCredential,
  type Credential,
  type Principal,
  type AccessPolicyOptions,
} from './policy';
export { RateLimiter, type RateLimitRule, type RateLimitVerdict } from './rate-limiter';
export { loadDemoDirectory, type DemoLoadResult, type DemoDirectoryFile } from './demo';
export { readBound, isValidTimeZone } from './time';
export {
  SessionStore,
  newSecret,
  sameSecret,
  isSessionId,
  type SessionIdentity,
  type SessionOidcTokens,
  type SessionRecord,
  type SessionTimeouts,
} from './sessions';
export {
  IdentityModule,
  OIDC_LOGIN,
  accessPolicyFor,
  oidcLoginFor,
  oidcVerifierFor,
  rateLimiterFor,
  sessionStoreFor,
} from './identity.module';
export { TenantCalendars, type TenantCalendarEntry } from './tenant-calendars';
