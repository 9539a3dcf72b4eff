import { z } from 'zod';
import { reachableStages, stagesReachingTerminal } from './graph';
import { IMPLIED_FIELDS, RESERVED_COMMANDS, RESERVED_EVENTS } from './implied-fields';
import { CONTROL_KINDS } from './rules';
import {
  CycleDefinition,
  FIELD_TYPES,
  KNOWN_ROLES,
  LINK_RELATIONS,
  LINK_YEARS,
  ORGANS,
  PERIODS,
  CYCLE_CONTENTS,
  Role,
  TRANSITION_KINDS,
} from './types';

/** snake_case: lowercase letters and digits, single underscores, starting with a letter. */
export const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
/** PascalCase, e.g. `SubmittedForReview`. */
export const PASCAL_CASE = /^[A-Z][A-Za-z0-9]*$/;
/** camelCase, e.g. `reportReference`. */
export const CAMEL_CASE = /^[a-z][A-Za-z0-9]*$/;

/** The event every cycle starts with; `after_event` deadlines may refer to it. */
export const CYCLE_OPENED_EVENT = 'CycleOpened';

const CONTROL_ROLES: readonly Role[] = ['oiv', 'revisori'];

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

const snakeId = z.string().regex(SNAKE_CASE, {
  error: 'must be snake_case (lowercase letters, digits and single underscores, starting with a letter)',
});
const pascalName = z.string().regex(PASCAL_CASE, { error: 'must be PascalCase (e.g. SubmittedForReview)' });
const text = z.string().trim().min(1, { error: 'must not be empty' });
const role = z.enum(KNOWN_ROLES, { error: (iss) => `unknown role ${show(iss.input)}` });
const roleList = z.array(role);

const fieldSchema = z.strictObject({
  name: z.string().regex(CAMEL_CASE, { error: 'must be camelCase (e.g. reportReference)' }),
  type: z.enum(FIELD_TYPES),
  required: z.boolean().default(false),
  maxLength: z.number().int().positive().optional(),
  values: z.array(text).min(1).optional(),
  description: text.optional(),
});

const ruleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('not_same_actor_as'), command: snakeId }),
  z.strictObject({ type: z.literal('only_same_actor_as'), command: snakeId }),
  z.strictObject({ type: z.literal('requires_attachment') }),
  z.strictObject({
    type: z.literal('independent_of'),
    kinds: z.array(z.enum(TRANSITION_KINDS)).default([]),
    commands: z.array(snakeId).default([]),
  }),
]);

const stageSchema = z.strictObject({
  id: snakeId,
  title: text,
  terminal: z.boolean().default(false),
  actors: roleList,
});

const transitionSchema = z.strictObject({
  command: snakeId,
  event: pascalName,
  title: text,
  from: z.array(snakeId).min(1),
  to: snakeId,
  roles: roleList.min(1),
  kind: z.enum(TRANSITION_KINDS),
  organ: z.enum(ORGANS).optional(),
  fields: z.array(fieldSchema).default([]),
  rules: z.array(ruleSchema).default([]),
  accepts: z.record(z.string(), z.array(text).min(1, { error: 'must not be empty' })).optional(),
});

const deadlineRuleSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('calendar'),
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31),
    yearOffset: z.number().int().min(-5).max(5).default(0),
  }),
  z.strictObject({ type: z.literal('after_event'), event: pascalName, days: z.number().int().positive() }),
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({
    type: z.literal('later_of'),
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31),
    yearOffset: z.number().int().min(-5).max(5).default(0),
    link: snakeId,
    event: pascalName,
    days: z.number().int().positive(),
    switchable: z.boolean().default(false),
  }),
]);

const linkPlanSchema = z.strictObject({
  period: z.enum(['year', 'S1', 'S2', 'Q1', 'Q2', 'Q3', 'Q4']),
  closePeriodOn: z.array(snakeId).default([]),
  reopenPeriodOn: z.array(snakeId).default([]),
  openVariationOn: z.array(snakeId).default([]),
  approveVariationOn: z.array(snakeId).default([]),
});

const linkSchema = z.strictObject({
  id: snakeId,
  title: text,
  type: snakeId,
  relation: z.enum(LINK_RELATIONS),
  year: z.enum(LINK_YEARS),
  plan: linkPlanSchema.optional(),
});

const deadlineSchema = z.strictObject({
  id: snakeId,
  title: text,
  metBy: snakeId,
  legalReference: text.optional(),
  rule: deadlineRuleSchema,
  editablePerYear: z.boolean().default(false),
});

const reminderSchema = z.strictObject({
  offsetsDays: z.array(z.number().int().min(0)),
  overdueEveryDays: z.number().int().positive(),
  escalateTo: role,
});

/** Structure only: types, names, enumerations. `cycleDefinitionSchema` adds the cross-checks. */
export const cycleDefinitionShape = z.strictObject({
  id: snakeId,
  version: z.number().int().positive(),
  title: text,
  legalBasis: z.array(text).min(1),
  period: z.enum(PERIODS),
  openRoles: roleList.min(1),
  cancelRoles: roleList,
  commentRoles: roleList,
  attachRoles: roleList,
  editableStages: z.array(snakeId),
  content: z.enum(CYCLE_CONTENTS).default('plan'),
  initialStage: snakeId,
  stages: z.array(stageSchema).min(1),
  transitions: z.array(transitionSchema).min(1),
  deadlines: z.array(deadlineSchema).default([]),
  reminders: reminderSchema,
  links: z.array(linkSchema).default([]),
});

/** A problem found by the cross-checks: path as keys and indexes, and the reason. */
export interface CrossCheckIssue {
  readonly path: readonly (string | number)[];
  readonly reason: string;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Consistency checks on a structurally valid definition: references between stages, transitions,
 * commands, events and deadlines; duplicates; separation of duties; reachability.
 */
export function crossCheck(def: CycleDefinition): CrossCheckIssue[] {
  const issues: CrossCheckIssue[] = [];
  const add = (path: readonly (string | number)[], reason: string): void => {
    issues.push({ path, reason });
  };
  const noDuplicates = (
    values: readonly (string | number)[],
    path: readonly (string | number)[],
    what: string,
  ): void => {
    const seen = new Set<string | number>();
    values.forEach((v, i) => {
      if (seen.has(v)) add([...path, i], `duplicate ${what} ${show(v)}`);
      seen.add(v);
    });
  };

  // Role lists.
  for (const key of ['openRoles', 'cancelRoles', 'commentRoles', 'attachRoles'] as const) {
    noDuplicates(def[key], [key], 'role');
  }
  noDuplicates(def.legalBasis, ['legalBasis'], 'entry');

  // Stages.
  const stageById = new Map<string, { index: number; terminal: boolean }>();
  def.stages.forEach((s, i) => {
    if (stageById.has(s.id)) add(['stages', i, 'id'], `duplicate stage id ${show(s.id)}`);
    else stageById.set(s.id, { index: i, terminal: s.terminal });
    noDuplicates(s.actors, ['stages', i, 'actors'], 'role');
  });
  const unknownStage = (id: string): string => `unknown stage ${show(id)}`;
  const initial = stageById.get(def.initialStage);
  if (!initial) add(['initialStage'], unknownStage(def.initialStage));
  else if (initial.terminal) add(['initialStage'], 'the initial stage must not be terminal');
  if (!def.stages.some((s) => s.terminal)) add(['stages'], 'no terminal stage');
  def.editableStages.forEach((id, k) => {
    if (!stageById.has(id)) add(['editableStages', k], unknownStage(id));
  });
  noDuplicates(def.editableStages, ['editableStages'], 'stage');

  // Transitions.
  const commands = new Set(def.transitions.map((t) => t.command));
  const commandFrom = new Map<string, number>(); // `${from} ${command}` -> transition index
  const eventFirst = new Map<string, number>(); // event -> first transition index
  def.transitions.forEach((t, i) => {
    const at = (...rest: (string | number)[]): (string | number)[] => ['transitions', i, ...rest];
    if (RESERVED_COMMANDS.includes(t.command)) add(at('command'), `reserved command name ${show(t.command)}`);
    if (RESERVED_EVENTS.includes(t.event)) add(at('event'), `reserved event type ${show(t.event)}`);
    t.from.forEach((from, k) => {
      const stage = stageById.get(from);
      if (!stage) add(at('from', k), unknownStage(from));
      else if (stage.terminal)
        add(at('from', k), `stage ${show(from)} is terminal: it cannot have outgoing transitions`);
    });
    noDuplicates(t.from, at('from'), 'stage');
    if (!stageById.has(t.to)) add(at('to'), unknownStage(t.to));
    for (const from of new Set(t.from)) {
      const key = `${from} ${t.command}`;
      const other = commandFrom.get(key);
      if (other === undefined) commandFrom.set(key, i);
      else
        add(
          at('command'),
          `duplicate command ${show(t.command)} from stage ${show(from)} (also transitions[${other}])`,
        );
    }
    const first = eventFirst.get(t.event);
    if (first === undefined) eventFirst.set(t.event, i);
    else {
      const f = def.transitions[first];
      if (f.to !== t.to) {
        add(
          at('event'),
          `event type ${show(t.event)} already leads to stage ${show(f.to)} (transitions[${first}])`,
        );
      } else if (f.kind !== t.kind) {
        add(
          at('event'),
          `event type ${show(t.event)} already has kind ${show(f.kind)} (transitions[${first}])`,
        );
      }
    }
    noDuplicates(t.roles, at('roles'), 'role');
    if (t.roles.includes('oiv') && t.roles.length > 1) {
      add(at('roles'), 'oiv acts alone: a transition open to oiv must name no other role');
    }
    if (CONTROL_KINDS.includes(t.kind)) {
      t.roles.forEach((r, k) => {
        if (!CONTROL_ROLES.includes(r))
          add(at('roles', k), `kind ${t.kind} is performed only by oiv or revisori`);
      });
    }
    if (t.kind === 'deliberation' && t.organ === undefined)
      add(at('organ'), 'required for kind deliberation');
    if (t.kind !== 'deliberation' && t.organ !== undefined)
      add(at('organ'), 'allowed only for kind deliberation');

    const implied = new Set(IMPLIED_FIELDS[t.kind].map((f) => f.name));
    const fieldNames = new Set<string>();
    t.fields.forEach((f, k) => {
      if (implied.has(f.name))
        add(at('fields', k, 'name'), `field ${show(f.name)} is implied by kind ${t.kind}`);
      else if (fieldNames.has(f.name)) add(at('fields', k, 'name'), `duplicate field ${show(f.name)}`);
      fieldNames.add(f.name);
      if (f.type === 'enum' && f.values === undefined)
        add(at('fields', k, 'values'), 'required for type enum');
      if (f.type !== 'enum' && f.values !== undefined)
        add(at('fields', k, 'values'), 'allowed only for type enum');
      if (f.values !== undefined) noDuplicates(f.values, at('fields', k, 'values'), 'value');
      if (f.maxLength !== undefined && f.type !== 'text' && f.type !== 'string') {
        add(at('fields', k, 'maxLength'), 'allowed only for types text and string');
      }
    });
    t.rules.forEach((r, k) => {
      if (r.type === 'independent_of') {
        if (r.kinds.length === 0 && r.commands.length === 0)
          add(at('rules', k), 'independent_of needs at least one of kinds, commands');
        noDuplicates(r.kinds, at('rules', k, 'kinds'), 'kind');
        noDuplicates(r.commands, at('rules', k, 'commands'), 'command');
        r.commands.forEach((c, m) => {
          if (c !== 'open' && !commands.has(c)) add(at('rules', k, 'commands', m), `unknown command ${show(c)}`);
        });
      } else if (r.type !== 'requires_attachment' && !commands.has(r.command)) {
        add(at('rules', k, 'command'), `unknown command ${show(r.command)}`);
      }
    });
    // Per-transition restriction of enum fields: each key an enum field of the command, each value one of its values.
    const enums = new Map(
      [...IMPLIED_FIELDS[t.kind], ...t.fields].filter((f) => f.type === 'enum').map((f) => [f.name, f.values ?? []]),
    );
    for (const [name, values] of Object.entries(t.accepts ?? {})) {
      const allowed = enums.get(name);
      if (!allowed) {
        add(at('accepts', name), `${show(name)} is not an enum field of this command${enums.size ? ` (enum fields: ${[...enums.keys()].join(', ')})` : ''}`);
        continue;
      }
      noDuplicates(values, at('accepts', name), 'value');
      values.forEach((v, m) => {
        if (!allowed.includes(v)) add(at('accepts', name, m), `${show(v)} is not a value of ${name} (values: ${allowed.join(', ')})`);
      });
    }
  });

  // Deadlines.
  const events = new Set([CYCLE_OPENED_EVENT, ...def.transitions.map((t) => t.event)]);
  noDuplicates(
    def.deadlines.map((d) => d.id),
    ['deadlines'],
    'deadline id',
  );
  def.deadlines.forEach((d, i) => {
    if (!stageById.has(d.metBy)) add(['deadlines', i, 'metBy'], unknownStage(d.metBy));
    const rule = d.rule;
    if (rule.type === 'after_event' && !events.has(rule.event)) {
      add(
        ['deadlines', i, 'rule', 'event'],
        `no transition produces event ${show(rule.event)} (nor is it ${CYCLE_OPENED_EVENT})`,
      );
    }
    if ((rule.type === 'calendar' || rule.type === 'later_of') && rule.day > DAYS_IN_MONTH[rule.month - 1]) {
      add(['deadlines', i, 'rule', 'day'], `day ${rule.day} does not exist in month ${rule.month}`);
    }
    if (rule.type === 'later_of' && !def.links.some((l) => l.id === rule.link)) {
      add(['deadlines', i, 'rule', 'link'], `unknown link ${show(rule.link)}${def.links.length ? ` (links: ${def.links.map((l) => l.id).join(', ')})` : ''}`);
    }
  });

  // Links: the target types and events are checked against the other definitions by validateDefinitionSet.
  noDuplicates(
    def.links.map((l) => l.id),
    ['links'],
    'link id',
  );
  def.links.forEach((l, i) => {
    if (l.type === def.id) add(['links', i, 'type'], `a cycle type cannot link to itself (${show(l.type)})`);
    if (!l.plan) return;
    if (l.relation !== 'measures_and_varies') add(['links', i, 'plan'], `only a measures_and_varies link acts on the target's plan (relation ${show(l.relation)})`);
    if (def.links.filter((x) => x.plan).length > 1) add(['links', i, 'plan'], 'one link at most acts on a plan');
    for (const key of ['closePeriodOn', 'reopenPeriodOn', 'openVariationOn', 'approveVariationOn'] as const) {
      l.plan[key].forEach((c, j) => {
        const t = def.transitions.find((x) => x.command === c);
        if (!t) add(['links', i, 'plan', key, j], `unknown transition command ${show(c)}`);
        else if (key === 'approveVariationOn' && t.kind !== 'deliberation') add(['links', i, 'plan', key, j], `${show(c)} is not a deliberation`);
      });
    }
  });
  noDuplicates(def.reminders.offsetsDays, ['reminders', 'offsetsDays'], 'offset');

  // Reachability, once every reference resolves.
  if (issues.length === 0) {
    const reachable = reachableStages(def, def.initialStage);
    const reachesEnd = stagesReachingTerminal(def);
    def.stages.forEach((s, i) => {
      if (!reachable.has(s.id))
        add(['stages', i], `stage ${show(s.id)} is unreachable from initial stage ${show(def.initialStage)}`);
      else if (!reachesEnd.has(s.id))
        add(['stages', i], `no terminal stage is reachable from stage ${show(s.id)}`);
    });
  }
  return issues;
}

/** The cycle definition schema: structure plus cross-checks (which run once the structure is valid). */
export const cycleDefinitionSchema = cycleDefinitionShape.superRefine((def, ctx) => {
  for (const issue of crossCheck(def)) {
    ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.reason });
  }
});

// Compile-time proof that the schema's output is a CycleDefinition.
type SchemaOutput = z.output<typeof cycleDefinitionShape>;
const _outputIsDefinition = (v: SchemaOutput): CycleDefinition => v;
void _outputIsDefinition;
