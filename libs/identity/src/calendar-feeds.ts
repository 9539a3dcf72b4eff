import { randomBytes } from 'node:crypto';
import type { Fold } from '@ciclo/commands';
import type { Role } from './actor';
import { unhandledDirectoryEvent } from './directory-events';
import { hashSecret, secretMatches } from './api-keys';
import { revocableRecordsFold, type RecordChange } from './revocable-records';

/**
 * Personal calendar feeds: a secret address per person that calendar applications (Google
 * Calendar, Outlook, Thunderbird) poll with a plain GET and no credentials. The address carries the
 * tenant, the feed id and a 256-bit secret; only the secret's SHA-256 is stored, in the events of
 * `<tenant>/calendar-feeds` (`CalendarFeedCreated`, `CalendarFeedRevoked`).
 */
export const calendarFeedsStream = (tenant: string) => `${tenant}/calendar-feeds`;

/** `mine`: the deadlines of the stages the person acts on; `all`: every deadline of the body. */
export type CalendarFeedScope = 'mine' | 'all';
export const CALENDAR_FEED_SCOPES: readonly CalendarFeedScope[] = ['mine', 'all'];

export const FEED_ID_RE = /^f[0-9a-f]{24}$/;
const TOKEN_RE = /^(f[0-9a-f]{24})\.([A-Za-z0-9_-]{43})(?:\.ics)?$/;

export interface CalendarFeedRecord {
  feedId: string;
  userId: string;
  /** SHA-256 (hex) of the secret. */
  hash: string;
  scope: CalendarFeedScope;
  /** The person's roles when the feed was created: used when the directory holds no grants for them. */
  roles: Role[];
  createdAt: string;
  revokedAt?: string;
  revokedBy?: string;
}

export function newCalendarFeed(): { feedId: string; secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { feedId: `f${randomBytes(12).toString('hex')}`, secret, hash: hashSecret(secret) };
}

/** `<feedId>.<secret>` (optionally ending in `.ics`), or null when malformed. */
export function parseFeedToken(token: string): { feedId: string; secret: string } | null {
  if (typeof token !== 'string' || token.length > 100) return null;
  const m = TOKEN_RE.exec(token);
  return m ? { feedId: m[1], secret: m[2] } : null;
}

/** Whether a presented secret opens the feed (constant time; revoked feeds never open). */
export const feedOpens = (feed: CalendarFeedRecord | undefined, secret: string): feed is CalendarFeedRecord =>
  !!feed && !feed.revokedAt && secretMatches(secret, feed.hash);

/** A tenant's calendar feeds by id, and the version of their stream. */
export interface CalendarFeedsState {
  version: number;
  feeds: Map<string, CalendarFeedRecord>;
}

export const calendarFeedsFold: Fold<CalendarFeedsState> = revocableRecordsFold('feeds', (e): RecordChange<CalendarFeedRecord> => {
  switch (e.kind) {
    case 'CalendarFeedCreated':
      return { id: e.data.feedId, add: { ...e.data, roles: [...e.data.roles], createdAt: e.occurredAt } };
    case 'CalendarFeedRevoked':
      return { revoke: e.data.feedId, by: e.data.revokedBy, at: e.occurredAt };
    case 'TenantRegistered':
    case 'TenantProfileUpdated':
    case 'RoleGranted':
    case 'RoleRevoked':
    case 'UserProfileUpdated':
    case 'ApiKeyIssued':
    case 'ApiKeyRevoked':
    case 'other':
      return null;
    default:
      return unhandledDirectoryEvent(e);
  }
});
