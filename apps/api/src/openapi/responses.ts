// The answers of the HTTP API as TypeScript types: the one source of the OpenAPI response schemas.
// `npm run openapi:schemas` turns every type exported here into a JSON Schema
// (ts-json-schema-generator, comments become descriptions) in `schemas.json` beside this file;
// controllers name them with `@ApiAnswer(...)` and the document carries them under
// `components.schemas`. test/openapi checks that the file is current and that every operation has
// a typed answer.
import type { AuditEntry, CycleSummary, DeadlineItem, InboxCounts, InboxItem } from '@ciclo/projections';
import type { CatalogueNode, PlanDiff } from '@ciclo/domain';
import type { IssuedApiKey, RoleGrant, Role, TenantRecord } from '@ciclo/identity';
import type { DeadLetter } from '@ciclo/notifications';
import type { HealthReport, ReadinessReport } from '@ciclo/platform';
import type { AttestationGridView, CommandResult, CycleHistory, CycleView, ImportReport, LinkedPlanResponse, PlanCommandsResult, PlanResponse, RatingMethodResponse, RegisterDiffResponse, RegisterResponse, TransparencyCommandsResult } from '@ciclo/workflow';
import type { TransparencyGridAnswer } from '../transparency.controller';
import type { AuditFacetsAnswer } from '../audit-facets.controller';
import type { AnchorPageAnswer, PublishedAnchorView } from '../audit-anchors.controller';
import type { AuditPageAnswer, VerifyAnswer } from '../audit.controller';
import type { DemoTenant, SessionView } from '../auth.controller';
import type { DefinitionSummary, DefinitionView } from '../definitions.controller';
import type { ErrorBody } from '../http-errors';
import type { ApiKeyView, UserView } from '../tenants.controller';

export type { AuditFacetsAnswer, AuditPageAnswer, VerifyAnswer, SessionView, DefinitionSummary, DefinitionView, ErrorBody };
export type { CommandResult, CycleHistory, CycleView, ImportReport, LinkedPlanResponse, PlanCommandsResult, PlanResponse, RatingMethodResponse, RegisterDiffResponse, RegisterResponse };
export type { CycleSummary, DeadlineItem, InboxCounts, InboxItem, HealthReport, ReadinessReport, TenantRecord, IssuedApiKey };
export type { ApiKeyView, UserView, DeadLetter, AuditEntry, AnchorPageAnswer, PublishedAnchorView };
export type { AttestationGridView, TransparencyCommandsResult, TransparencyGridAnswer };

export type CycleSummaryList = CycleSummary[];
export type InboxItemList = InboxItem[];
export type DeadlineItemList = DeadlineItem[];
export type UserViewList = UserView[];
export type ApiKeyViewList = ApiKeyView[];
export type DefinitionSummaryList = DefinitionSummary[];
export type DeadLetterList = DeadLetter[];

/** The demo chamber's people, by tenant, for the demo login page. */
export interface DemoUsers {
  /** Tenants with their demo people */
  tenants: DemoTenant[];
}

/** Logged out: where the console goes next, and the identity provider's logout page when there is one. */
export interface LoggedOut {
  /** Always true */
  loggedOut: true;
  /** Where the console goes next */
  redirectTo: string;
  /** The identity provider's logout page, when there is one */
  endSessionUrl?: string;
}

/** The process catalogue as a tree, with the codes that matched the search. */
export interface CatalogueAnswer {
  /** Processes in the catalogue */
  total: number;
  /** Codes that matched the search */
  matches: string[];
  /** The catalogue as a tree */
  tree: CatalogueNode[];
}

/** A document attached: the command's result and the stored file. */
export type AttachResult = CommandResult & {
  /** The stored file */
  document: {
    /** Document id */
    documentId: string;
    /** SHA-256 of the bytes (hex) */
    sha256: string;
    /** Size in bytes */
    size: number;
  };
};

/** Differences between two trees of the plan. */
export type PlanDiffAnswer = PlanDiff & {
  /** The tree compared from */
  from: PlanRefAnswer;
  /** The tree compared to */
  to: PlanRefAnswer;
};

/** A tree of the plan as compared. */
export interface PlanRefAnswer {
  /** `adopted`, `current`, `v<version>` or the instant asked for */
  ref: string;
  /** Plan stream version of that tree */
  version: number;
}

/** The caller's unread in-app notifications. */
export interface UnreadCount {
  /** Notifications not yet read */
  unread: number;
}

/** A person of the tenant as the console shows them. */
export interface Person {
  /** User id */
  userId: string;
  /** Display name, or null when unknown */
  name: string | null;
  /** Roles held now */
  roles: Role[];
}
export type PersonList = Person[];

/** A role granted. */
export type GrantAnswer = RoleGrant & {
  /** User id */
  userId: string;
};

/** A role revoked: from when it no longer applies. */
export interface RevokeAnswer {
  /** User id */
  userId: string;
  /** Role revoked */
  role: string;
  /** From when it no longer applies (ISO 8601) */
  revokedAt: string;
}

/** An API key revoked. */
export interface KeyRevoked {
  /** Key id */
  keyId: string;
  /** When (ISO 8601) */
  revokedAt: string;
}

/** A personal calendar feed (never its secret). */
export interface CalendarFeed {
  /** Feed id */
  id: string;
  /** `mine`: the deadlines of the stages the person acts on; `all`: every deadline of the body. */
  scope: 'mine' | 'all';
  /** When it was created (ISO 8601) */
  createdAt: string;
  /** When it was revoked */
  revokedAt?: string;
}
export type CalendarFeedList = CalendarFeed[];

/** A calendar feed just created: its secret address, shown once. */
export interface CreatedCalendarFeed extends CalendarFeed {
  /** The secret address to subscribe to: shown once */
  url: string;
}

/** The process is alive (nothing else checked). */
export interface Liveness {
  /** Always `up` */
  status: 'up';
  /** When (ISO 8601) */
  checkedAt: string;
}

/** The plan as the PIAO's performance section: its sections, objectives and indicators, as JSON. */
export type PlanDocument = Record<string, unknown>;
