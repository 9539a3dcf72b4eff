/**
 * The catalogue of a chamber's processes (the Unioncamere "mappa dei processi": macro-funzione →
 * macro-processo → processo → sotto-processo → attività), with the process cards ("schede
 * processo": input, output, activities, who is responsible, deadlines). Kept as events in the
 * tenant's stream `<tenant>/catalogue-processes`; searched by code or text.
 */
import { actingRole } from '../cycle/decide';
import { DomainRefusal, type FieldProblem } from '../cycle/errors';
import type { DecisionContext, DomainEvent, JsonRecord } from '../cycle/model';
import type { FoldableEvent } from '../cycle/evolve';
import type { Role } from '../definitions';
import { FieldReader, isObject } from './fields';

export const CATALOGUE_ROLES: readonly Role[] = ['struttura_tecnica', 'segretario_generale', 'admin'];

export interface CatalogueEntry {
  /** Process code */
  code: string;
  /** 1 macro-funzione, 2 macro-processo, 3 processo, 4 sotto-processo / fase, 5 attività. */
  level: number;
  /** Parent code, or null at the top */
  parentCode: string | null;
  /** null for codes implied by their children but not printed. */
  title: string | null;
  /** The code as printed in the source document */
  printedCode?: string;
  /** Whether the entry was inferred from its children */
  inferred?: boolean;
  /** Whether the code was made up where the source has none */
  codeSynthesized?: boolean;
  /** "Non ricorre": true, or a text when the document is ambiguous. */
  nonRicorre?: boolean | string;
  /** Note printed in the source */
  nota?: string;
  /** Editor's note */
  note?: string;
}

export interface ProcessCard {
  /** Variant of the process the card describes */
  variant?: string;
  /** Title of the card */
  title: string;
  /** What starts the process */
  input?: string;
  /** What it produces */
  output?: string;
  /** The activities, in order */
  activities: string[];
  /** Who is responsible */
  responsibleRole?: string;
  /** Its time limit as printed, with day and month when known */
  deadline?: {
    /** As printed */
    text: string;
    /** Day of the month, when stated */
    day?: number | null;
    /** Month, when stated */
    month?: number | null;
  };
  /** Note */
  note?: string;
}

export type CatalogueCommand = { type: 'add_process'; entry: unknown } | { type: 'attach_process_card'; code: unknown; card: unknown };

export interface CatalogueState {
  version: number;
  entries: Map<string, CatalogueEntry>;
  cards: Map<string, ProcessCard[]>;
}

export const initialCatalogueState = (): CatalogueState => ({ version: 0, entries: new Map(), cards: new Map() });

export const catalogueStream = (tenant: string): string => `${tenant}/catalogue-processes`;

const CODE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;

function invalid(problems: FieldProblem[]): never {
  throw new DomainRefusal('INVALID_FIELDS', problems.map((p) => `${p.field} ${p.problem}`).join('; '), problems);
}

function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

export function validateCatalogueEntry(input: unknown): { entry?: CatalogueEntry; problems: FieldProblem[] } {
  if (!isObject(input)) return { problems: [{ field: 'entry', problem: 'must be an object' }] };
  const r = new FieldReader(input, 'entry');
  const allowed = ['code', 'level', 'parentCode', 'title', 'printedCode', 'inferred', 'codeSynthesized', 'nonRicorre', 'nota', 'note'];
  for (const k of Object.keys(input)) if (!allowed.includes(k)) r.problem(k, 'is not an accepted field');
  const code = typeof input.code === 'string' && CODE_RE.test(input.code) ? input.code : (r.problem('code', 'must be a process code such as A1.1.2'), undefined);
  const level = r.number('level', { integer: true, min: 1, max: 5, required: true });
  const parentCode = input.parentCode === null || input.parentCode === undefined ? null : typeof input.parentCode === 'string' && CODE_RE.test(input.parentCode) ? input.parentCode : (r.problem('parentCode', 'must be a process code or null'), null);
  const title = input.title === null || input.title === undefined ? null : r.string('title', { max: 1000 }) ?? null;
  let nonRicorre: boolean | string | undefined;
  if (typeof input.nonRicorre === 'boolean') nonRicorre = input.nonRicorre;
  else if (typeof input.nonRicorre === 'string' && input.nonRicorre.length <= 1000) nonRicorre = input.nonRicorre;
  else if (input.nonRicorre !== undefined && input.nonRicorre !== null) r.problem('nonRicorre', 'must be true/false or a text');
  if (r.problems.length || code === undefined) return { problems: r.problems };
  return {
    entry: clean({
      code,
      level: level as number,
      parentCode,
      title,
      printedCode: r.string('printedCode', { max: 40 }),
      inferred: input.inferred === true ? true : undefined,
      codeSynthesized: input.codeSynthesized === true ? true : undefined,
      nonRicorre,
      nota: r.string('nota', { max: 4000 }),
      note: r.string('note', { max: 4000 }),
    }),
    problems: r.problems,
  };
}

export function validateProcessCard(input: unknown): { card?: ProcessCard; problems: FieldProblem[] } {
  if (!isObject(input)) return { problems: [{ field: 'card', problem: 'must be an object' }] };
  const r = new FieldReader(input, 'card');
  const allowed = ['variant', 'title', 'input', 'output', 'activities', 'responsibleRole', 'deadline', 'note'];
  for (const k of Object.keys(input)) if (!allowed.includes(k)) r.problem(k, 'is not an accepted field');
  let activities: string[] = [];
  if (input.activities !== undefined && input.activities !== null) {
    if (Array.isArray(input.activities) && input.activities.every((a) => typeof a === 'string' && a.length <= 4000)) activities = input.activities as string[];
    else r.problem('activities', 'must be a list of texts');
  }
  let deadline: ProcessCard['deadline'];
  if (input.deadline !== undefined && input.deadline !== null) {
    const d = input.deadline;
    if (isObject(d) && typeof d.text === 'string') {
      deadline = { text: d.text, ...(typeof d.day === 'number' || d.day === null ? { day: d.day as number | null } : {}), ...(typeof d.month === 'number' || d.month === null ? { month: d.month as number | null } : {}) };
    } else r.problem('deadline', 'must be {text, day?, month?}');
  }
  const card = clean({
    variant: r.string('variant', { max: 200 }),
    title: r.string('title', { required: true, max: 1000 }) as string,
    input: r.string('input', { max: 20000 }),
    output: r.string('output', { max: 20000 }),
    activities,
    responsibleRole: r.string('responsibleRole', { max: 500 }),
    deadline,
    note: r.string('note', { max: 4000 }),
  });
  return r.problems.length ? { problems: r.problems } : { card, problems: [] };
}

export function decideCatalogue(command: CatalogueCommand, state: CatalogueState, ctx: Pick<DecisionContext, 'actor' | 'actingRole' | 'now'>): DomainEvent[] {
  const role = actingRole(ctx as DecisionContext, CATALOGUE_ROLES);
  const event = (type: string, data: JsonRecord): DomainEvent => ({ type, data, actorId: ctx.actor.userId, actorRole: role, occurredAt: ctx.now.toISOString() });
  switch (command.type) {
    case 'add_process': {
      const { entry, problems } = validateCatalogueEntry(command.entry);
      if (!entry) invalid(problems);
      if (state.entries.has(entry.code)) throw new DomainRefusal('CATALOGUE_ENTRY_EXISTS', entry.code);
      if (entry.parentCode !== null) {
        const parent = state.entries.get(entry.parentCode);
        if (!parent) throw new DomainRefusal('CATALOGUE_PARENT_NOT_FOUND', `${entry.code}: parent ${entry.parentCode}`);
        // Level 5 is the deepest: codes with more parts (C1.2.2.2.1) stay at 5 under a level-5 parent.
        if (parent.level > entry.level || (parent.level === entry.level && entry.level !== 5)) invalid([{ field: 'entry.level', problem: `must be deeper than its parent's (${parent.level})` }]);
      } else if (entry.level !== 1) invalid([{ field: 'entry.parentCode', problem: 'is required below level 1' }]);
      return [event('CatalogueProcessAdded', { entry: JSON.parse(JSON.stringify(entry)) as JsonRecord })];
    }
    case 'attach_process_card': {
      if (typeof command.code !== 'string' || !state.entries.has(command.code)) throw new DomainRefusal('CATALOGUE_ENTRY_NOT_FOUND', String(command.code));
      const { card, problems } = validateProcessCard(command.card);
      if (!card) invalid(problems);
      const existing = state.cards.get(command.code) ?? [];
      if (existing.some((c) => (c.variant ?? '') === (card.variant ?? ''))) throw new DomainRefusal('CATALOGUE_ENTRY_EXISTS', `card of ${command.code}${card.variant ? ` (${card.variant})` : ''}`);
      return [event('CatalogueProcessCardAttached', { code: command.code, card: JSON.parse(JSON.stringify(card)) as JsonRecord })];
    }
  }
}

/** The catalogue's events, typed; `other` is a type this code does not know (it only advances the version). */
export type CatalogueEvent =
  | { type: 'CatalogueProcessAdded'; version: number; data: { entry: CatalogueEntry } }
  | { type: 'CatalogueProcessCardAttached'; version: number; data: { code: string; card: ProcessCard } }
  | { type: 'other'; version: number; storedType: string };

/** Data schema version of each catalogue event type (metadata.schemaVersion). */
export const CATALOGUE_EVENT_SCHEMA_VERSIONS: Readonly<Record<Exclude<CatalogueEvent['type'], 'other'>, number>> = {
  CatalogueProcessAdded: 1,
  CatalogueProcessCardAttached: 1,
};

/** A stored catalogue event as an element of the union. */
export function classifyCatalogueEvent(e: Pick<FoldableEvent, 'type' | 'data' | 'version'>): CatalogueEvent {
  switch (e.type) {
    case 'CatalogueProcessAdded':
      return { type: e.type, version: e.version, data: { entry: e.data.entry as unknown as CatalogueEntry } };
    case 'CatalogueProcessCardAttached':
      return { type: e.type, version: e.version, data: { code: String(e.data.code), card: e.data.card as unknown as ProcessCard } };
    default:
      return { type: 'other', version: e.version, storedType: e.type };
  }
}

/** Applies events to a state the caller owns (every kind of the union, compiler-checked). */
export function applyCatalogueEvent(s: CatalogueState, stored: Pick<FoldableEvent, 'type' | 'data' | 'version'>): void {
  const e = classifyCatalogueEvent(stored);
  s.version = e.version;
  switch (e.type) {
    case 'CatalogueProcessAdded':
      s.entries.set(e.data.entry.code, e.data.entry);
      return;
    case 'CatalogueProcessCardAttached':
      s.cards.set(e.data.code, [...(s.cards.get(e.data.code) ?? []), e.data.card]);
      return;
    case 'other':
      return;
    default: {
      const never: never = e;
      throw new Error(`Unhandled catalogue event ${JSON.stringify(never)}`);
    }
  }
}

export function foldCatalogue(events: readonly Pick<FoldableEvent, 'type' | 'data' | 'version'>[], from: CatalogueState = initialCatalogueState()): CatalogueState {
  const s: CatalogueState = { version: from.version, entries: new Map(from.entries), cards: new Map(from.cards) };
  for (const e of events) applyCatalogueEvent(s, e);
  return s;
}

export interface CatalogueNode extends CatalogueEntry {
  /** The process cards (schede) attached */
  cards?: ProcessCard[];
  /** Sub-processes */
  children: CatalogueNode[];
}

export interface CatalogueSearch {
  /** Codes starting with this (case-insensitive): `A1.1` matches A1.1 and everything below it. */
  code?: string;
  /** Words that must all appear in the title, a card or a note (case- and accent-insensitive). */
  q?: string;
}

const fold = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

function searchable(e: CatalogueEntry, cards: readonly ProcessCard[]): string {
  const parts = [e.code, e.printedCode ?? '', e.title ?? '', e.nota ?? ''];
  for (const c of cards) parts.push(c.title, c.input ?? '', c.output ?? '', ...c.activities, c.responsibleRole ?? '');
  return fold(parts.join('\n'));
}

/**
 * The catalogue as a tree (roots in code order, children in the order added). With a search, only
 * the matching entries and their ancestors are kept, and `matches` lists the matching codes.
 */
export function catalogueTree(state: CatalogueState, search: CatalogueSearch = {}): { tree: CatalogueNode[]; matches: string[]; total: number } {
  const codePrefix = search.code?.trim() ? fold(search.code.trim()) : null;
  const words = search.q?.trim() ? fold(search.q).split(/\s+/).filter(Boolean) : [];
  const filtering = codePrefix !== null || words.length > 0;
  const matches: string[] = [];
  const keep = new Set<string>();
  for (const e of state.entries.values()) {
    if (!filtering) continue;
    const c = fold(e.code);
    if (codePrefix !== null && !c.startsWith(codePrefix)) continue;
    if (words.length) {
      const text = searchable(e, state.cards.get(e.code) ?? []);
      if (!words.every((w) => text.includes(w))) continue;
    }
    matches.push(e.code);
    for (let x: CatalogueEntry | undefined = e; x && !keep.has(x.code); x = x.parentCode ? state.entries.get(x.parentCode) : undefined) keep.add(x.code);
  }
  const nodes = new Map<string, CatalogueNode>();
  for (const e of state.entries.values()) {
    if (filtering && !keep.has(e.code)) continue;
    const cards = state.cards.get(e.code);
    nodes.set(e.code, { ...e, ...(cards ? { cards } : {}), children: [] });
  }
  const roots: CatalogueNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.parentCode ? nodes.get(n.parentCode) : undefined;
    if (parent) parent.children.push(n);
    else roots.push(n);
  }
  roots.sort((a, b) => (a.code === 'ALTRO' ? 1 : b.code === 'ALTRO' ? -1 : a.code.localeCompare(b.code)));
  return { tree: roots, matches, total: state.entries.size };
}
