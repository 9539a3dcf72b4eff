/** Types of the API answers the cycle pages read, and small caches (definitions and names change rarely). */
import { get } from '../api';

export interface FieldInput {
  name: string;
  type: 'text' | 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'url' | 'sha256' | 'enum';
  required: boolean;
  maxLength?: number;
  values?: string[];
  description?: string;
}

export interface TransitionView {
  command: string;
  event: string;
  title: string;
  from: string[];
  to: string;
  roles: string[];
  kind: string;
  inputs: FieldInput[];
  rules: { type: string; command?: string }[];
}

export interface DefinitionView {
  id: string;
  version: number;
  title: string;
  period: string;
  legalBasis: string[];
  initialStage: string;
  editableStages: string[];
  stages: { id: string; title: string; terminal?: boolean; actors: string[] }[];
  transitions: TransitionView[];
}

export interface DefinitionSummary {
  id: string;
  version: number;
  title: string;
  latest: boolean;
  period: string;
  openRoles: string[];
}

export interface CycleDeadline {
  id: string;
  title: string;
  legalReference?: string;
  metBy: string;
  legalDate: string | null;
  effectiveDate: string | null;
  moved: boolean;
  movedReason?: string;
  status: 'unscheduled' | 'future' | 'due_soon' | 'overdue' | 'met';
  metOn?: string;
  metLate?: boolean;
  daysLeft?: number;
  rescheduled?: { fromDate: string | null; reason: string; reference: string; by: string; at: string };
}

export interface Attachment {
  documentId: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  by: string;
  at: string;
}

export interface CycleView {
  id: string;
  tenant: string;
  type: string;
  definitionVersion: number;
  title: string;
  year: number;
  period: string;
  stage: string;
  stageTitle: string;
  status: 'open' | 'cancelled' | 'closed';
  version: number;
  openedAt: string;
  openedBy: string;
  lastChangeAt: string;
  nextActors: string[];
  availableCommands: string[];
  blockedCommands: { command: string; code: string; messageIt: string }[];
  deadlines: CycleDeadline[];
  attachments: Attachment[];
  comments: { commentId: string; text: string; by: string; role: string; at: string }[];
  deliberations: { organ: string; number: string; date: string; actHash: string; version: number }[];
  cancelledReason?: string;
  asOf?: string;
  asOfVersion?: number;
}

export interface HistoryEntry {
  version: number;
  position: number;
  type: string;
  actorId: string;
  actorRole: string;
  occurredAt: string;
  reason: string | null;
  data: Record<string, unknown>;
}

export interface CycleHistory {
  cycleId: string;
  versions: HistoryEntry[];
  diff?: { from: number; to: number; changes: { path: string; before?: unknown; after?: unknown }[] };
}

export interface CycleSummary {
  id: string;
  type: string;
  year: number;
  period: string;
  title: string;
  stage: string;
  stageTitle: string;
  status: string;
  definitionVersion: number;
  nextDeadline: { id: string; title: string; date: string } | null;
  nextActors: string[];
  lastChangeAt: string;
}

export interface InboxItem {
  cycleId: string;
  role: string;
  cycleType: string;
  title: string;
  stage: string;
  stageTitle: string;
  waitingSince: string;
  dueDate: string | null;
  dueTitle: string | null;
  daysLeft: number | null;
  commands: string[];
  legalDate: string | null;
  definitionVersion: number | null;
  sentBy: { actorId: string; role: string; at: string; command: string | null; note: string | null } | null;
}

export interface InboxCounts {
  total: number;
  byRole: Record<string, number>;
  overdue: number;
}

const memo = new Map<string, Promise<unknown>>();
function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  let p = memo.get(key) as Promise<T> | undefined;
  if (!p) {
    p = load();
    memo.set(key, p);
    p.catch(() => memo.delete(key));
  }
  return p;
}

export const loadDefinitions = () => cached('defs', () => get<DefinitionSummary[]>('/definitions'));
export const loadDefinition = (id: string, version: number) =>
  cached(`def:${id}:${version}`, () => get<DefinitionView>(`/definitions/${encodeURIComponent(id)}/${version}`));
/** The latest version of a type (when the version is not known). */
export async function loadLatestDefinition(id: string): Promise<DefinitionView | undefined> {
  const d = (await loadDefinitions()).find((x) => x.id === id && x.latest);
  return d ? loadDefinition(id, d.version) : undefined;
}

export type People = Map<string, string>;
/** User id → display name for the tenant (ids stay shown when a name is unknown). */
export const loadPeople = (tenant: string): Promise<People> =>
  cached(`people:${tenant}`, async () => {
    try {
      const list = await get<{ userId: string; name: string | null }[]>(`/tenants/${encodeURIComponent(tenant)}/people`);
      return new Map(list.filter((p) => p.name).map((p) => [p.userId, p.name as string]));
    } catch {
      return new Map<string, string>();
    }
  });

export const personName = (people: People | undefined, id: string): string =>
  id === 'system' ? 'Sistema' : (people?.get(id) ?? id);
