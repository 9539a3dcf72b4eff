import { isTenantId, PLATFORM_TENANT, type ChangeAuthor, type Role } from './actor';
import { calendarFeedsStream, feedOpens, newCalendarFeed, parseFeedToken, type CalendarFeedRecord, type CalendarFeedScope } from './calendar-feeds';
import { directoryData } from './directory-events';
import type { ChangeMeta, DirectoryStreams } from './directory-streams';
import type { UserDirectory } from './directory-users';
import { IdentityRefusal } from './errors';

/** Personal calendar feeds: `<tenant>/calendar-feeds`. */
export class CalendarFeedDirectory {
  constructor(
    private readonly streams: DirectoryStreams,
    private readonly users: UserDirectory,
  ) {}

  private async feeds(tenant: string): Promise<Map<string, CalendarFeedRecord>> {
    return (await this.streams.feeds.load(calendarFeedsStream(tenant))).state.feeds;
  }

  /** A person's calendar feeds, active first (hashes included: callers must not show them). */
  async calendarFeeds(tenant: string, userId: string): Promise<CalendarFeedRecord[]> {
    if (!isTenantId(tenant)) return [];
    return [...(await this.feeds(tenant)).values()].filter((f) => f.userId === userId);
  }

  /**
   * The feed a calendar application's secret address opens, with the roles its owner holds now
   * (their grants when the directory has any, else the roles recorded when the feed was made).
   * Throws `CALENDAR_FEED_NOT_FOUND` for a malformed, unknown, wrong or revoked address.
   */
  async openCalendarFeed(tenant: string, token: string, at: Date = this.streams.now()): Promise<CalendarFeedRecord> {
    const parsed = parseFeedToken(token);
    if (!parsed || !isTenantId(tenant) || tenant === PLATFORM_TENANT) throw new IdentityRefusal('CALENDAR_FEED_NOT_FOUND');
    const feed = (await this.feeds(tenant)).get(parsed.feedId);
    if (!feedOpens(feed, parsed.secret)) throw new IdentityRefusal('CALENDAR_FEED_NOT_FOUND');
    const roles = (await this.users.hasGrants(tenant, feed.userId)) ? await this.users.rolesAt(tenant, feed.userId, at) : feed.roles;
    return { ...feed, roles };
  }

  /** Creates a personal calendar feed; the answer carries its secret token (`<feedId>.<secret>`) once. */
  async createCalendarFeed(
    tenant: string,
    owner: { userId: string; roles: Role[] },
    scope: CalendarFeedScope,
    by: ChangeAuthor,
    meta: ChangeMeta,
  ): Promise<{ feed: CalendarFeedRecord; token: string }> {
    // The tenant is the caller's own (its token or session names it); it may be known only from the seed files.
    if (!isTenantId(tenant) || tenant === PLATFORM_TENANT) throw new IdentityRefusal('TENANT_NOT_FOUND', tenant);
    const { feedId, secret, hash } = newCalendarFeed();
    return this.streams.write(this.streams.feeds, calendarFeedsStream(tenant), tenant, by, meta, (s) => {
      if ([...s.feeds.values()].filter((f) => f.userId === owner.userId && !f.revokedAt).length >= 10) throw new IdentityRefusal('CALENDAR_FEED_LIMIT');
      return {
        event: directoryData('CalendarFeedCreated', { feedId, userId: owner.userId, hash, scope, roles: owner.roles }),
        answer: (after) => ({ feed: after.feeds.get(feedId) as CalendarFeedRecord, token: `${feedId}.${secret}` }),
      };
    });
  }

  /** Revokes one of the person's feeds: its address answers 404 from the next request on. */
  async revokeCalendarFeed(tenant: string, userId: string, feedId: string, by: ChangeAuthor, meta: ChangeMeta): Promise<CalendarFeedRecord> {
    if (!isTenantId(tenant)) throw new IdentityRefusal('CALENDAR_FEED_NOT_FOUND', feedId);
    return this.streams.write(this.streams.feeds, calendarFeedsStream(tenant), tenant, by, meta, (s) => {
      const feed = s.feeds.get(feedId);
      if (!feed || feed.userId !== userId || feed.revokedAt) throw new IdentityRefusal('CALENDAR_FEED_NOT_FOUND', feedId);
      return {
        event: directoryData('CalendarFeedRevoked', { feedId, revokedBy: by.userId }),
        answer: (after) => after.feeds.get(feedId) as CalendarFeedRecord,
      };
    });
  }
}
