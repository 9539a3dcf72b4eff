import { apiKeyActorId, newApiKey, parseApiKey, secretMatches, tenantOfKeyId } from './api-keys';
import { isRole, PLATFORM_TENANT, type Actor, type ChangeAuthor, type Role } from './actor';
import { directoryData } from './directory-events';
import { apiKeysStream, type ApiKeyRecord } from './directory-model';
import type { ChangeMeta, DirectoryStreams } from './directory-streams';
import type { TenantDirectory } from './directory-tenants';
import { AuthFailure, IdentityRefusal, invalidInput, type IdentityFieldProblem } from './errors';
import { readBound } from './time';

export interface IssueApiKeyInput {
  label: string;
  roles: string[];
  validUntil?: string;
}

export interface IssuedApiKey {
  /** Key id */
  keyId: string;
  /** `<keyId>.<secret>`: the value of `X-Api-Key`. Shown once; only its hash is stored. */
  apiKey: string;
  /** Roles the key acts in */
  roles: Role[];
  /** What the key is for */
  label: string;
  /** End of validity (ISO 8601) */
  validUntil?: string;
}

/** A tenant's API keys for integrations: `<tenant>/api-keys`. */
export class ApiKeyDirectory {
  constructor(
    private readonly streams: DirectoryStreams,
    private readonly tenants: TenantDirectory,
  ) {}

  /** The tenant's API keys (hashes included: callers must not show them). */
  async apiKeys(tenant: string): Promise<ApiKeyRecord[]> {
    return [...(await this.streams.keys.load(apiKeysStream(tenant))).state.keys.values()];
  }

  /**
   * Checks an `X-Api-Key` value and returns the key's actor (its roles are the key's scope).
   * Throws `AuthFailure` for a malformed, unknown, wrong, revoked or expired key.
   */
  async verifyApiKey(value: string, at: Date = this.streams.now()): Promise<Actor> {
    const parsed = parseApiKey(value);
    if (!parsed) throw new AuthFailure('malformed API key (expected <keyId>.<secret>)');
    const key = (await this.streams.keys.load(apiKeysStream(parsed.tenant))).state.keys.get(parsed.keyId);
    if (!key || !secretMatches(parsed.secret, key.hash)) throw new AuthFailure('invalid API key');
    if (key.revokedAt && Date.parse(key.revokedAt) <= at.getTime()) throw new AuthFailure('API key revoked');
    if (key.validUntil && Date.parse(key.validUntil) <= at.getTime()) throw new AuthFailure('API key expired');
    return { userId: apiKeyActorId(parsed.keyId), name: key.label, tenant: parsed.tenant, roles: [...key.roles], via: 'api_key' };
  }

  /** Issues an API key scoped to roles (never `admin`: keys do not administer the directory). */
  async issueApiKey(tenant: string, input: IssueApiKeyInput, by: ChangeAuthor, meta: ChangeMeta): Promise<IssuedApiKey> {
    if (tenant === PLATFORM_TENANT) throw invalidInput([{ field: 'tenant', problem: `API keys belong to a body, not to the ${PLATFORM_TENANT} tenant` }]);
    const tz = await this.tenants.requireTenant(tenant);
    const problems: IdentityFieldProblem[] = [];
    if (typeof input.label !== 'string' || !input.label.trim() || input.label.length > 200) problems.push({ field: 'label', problem: 'must be 1-200 characters' });
    const roles = Array.isArray(input.roles) ? input.roles : [];
    if (roles.length === 0 || roles.length > 12) problems.push({ field: 'roles', problem: 'must list 1-12 roles' });
    roles.forEach((r, i) => {
      if (!isRole(r)) problems.push({ field: `roles.${i}`, problem: 'is not a known role' });
      else if (r === 'admin') problems.push({ field: `roles.${i}`, problem: 'API keys cannot hold the admin role' });
    });
    if (new Set(roles).size !== roles.length) problems.push({ field: 'roles', problem: 'must not repeat a role' });
    let until: Date | undefined;
    if (input.validUntil !== undefined) {
      const u = readBound(input.validUntil, tz, 'end');
      if (!u) problems.push({ field: 'validUntil', problem: 'must be an ISO 8601 date or instant with offset' });
      else if (u <= this.streams.now()) problems.push({ field: 'validUntil', problem: 'must be in the future' });
      else until = u;
    }
    if (problems.length) throw invalidInput(problems);
    const { keyId, secret, hash } = newApiKey(tenant);
    const label = input.label.trim();
    const validUntil = until ? { validUntil: until.toISOString() } : {};
    return this.streams.write(this.streams.keys, apiKeysStream(tenant), tenant, by, meta, () => ({
      event: directoryData('ApiKeyIssued', { keyId, hash, roles: roles as Role[], label, issuedBy: by.userId, ...validUntil }),
      answer: () => ({ keyId, apiKey: `${keyId}.${secret}`, roles: roles as Role[], label, ...validUntil }),
    }));
  }

  async revokeApiKey(tenant: string, keyId: string, by: ChangeAuthor, meta: ChangeMeta): Promise<{ keyId: string; revokedAt: string }> {
    await this.tenants.requireTenant(tenant);
    if (tenantOfKeyId(keyId) !== tenant) throw new IdentityRefusal('API_KEY_NOT_FOUND', keyId);
    return this.streams.write(this.streams.keys, apiKeysStream(tenant), tenant, by, meta, (s) => {
      const key = s.keys.get(keyId);
      if (!key) throw new IdentityRefusal('API_KEY_NOT_FOUND', keyId);
      if (key.revokedAt) throw new IdentityRefusal('API_KEY_REVOKED', keyId);
      return {
        event: directoryData('ApiKeyRevoked', { keyId, revokedBy: by.userId }),
        answer: (after) => ({ keyId, revokedAt: after.keys.get(keyId)?.revokedAt as string }),
      };
    });
  }
}
