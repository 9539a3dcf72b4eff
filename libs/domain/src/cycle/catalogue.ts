import { REGISTER_CATALOGUE } from './register-events';
import {
  commandFields,
  IMPLIED_FIELDS,
  TRANSITION_KINDS,
  transitionRules,
  type CycleDefinition,
  type FieldDefinition,
  type Role,
  type TransitionDefinition,
} from '../definitions';
import { PLAN_EVENT_CATALOGUE } from '../plan/event-catalogue';

/**
 * The event catalogue (docs/events.md): every event type the engine writes, its data shape and,
 * for transition events, which definitions and commands produce it. Pure and deterministic: the
 * same definitions, in any order, give the same Markdown (tables aligned as Prettier aligns them).
 */

interface DataField {
  name: string;
  type: string;
  required: boolean;
  meaning: string;
}

interface EngineEvent {
  type: string;
  command: string;
  summary: string;
  data: DataField[];
}

/** The engine's own events, as `decide` builds them (libs/domain/src/cycle/decide.ts). */
const ENGINE_EVENTS: readonly EngineEvent[] = [
  {
    type: 'CycleOpened',
    command: 'open',
    summary: 'A cycle was opened. Always the first event of a stream.',
    data: [
      {
        name: 'cycleId',
        type: 'string (UUID)',
        required: true,
        meaning: 'the cycle id, as in the stream name',
      },
      { name: 'cycleType', type: 'string', required: true, meaning: 'the definition id, e.g. `piao`' },
      {
        name: 'definitionVersion',
        type: 'integer',
        required: true,
        meaning: 'the definition version the cycle is pinned to',
      },
      {
        name: 'year',
        type: 'integer',
        required: true,
        meaning: 'the cycle year (2000 to 2100): the first year of a triennial or mandate period',
      },
      {
        name: 'periodLabel',
        type: 'string',
        required: true,
        meaning: '`2027` (annual, one-off), `2027-2029` (triennial), `2027-2031` (mandate)',
      },
      {
        name: 'title',
        type: 'string',
        required: true,
        meaning:
          'the title given (trimmed, 1 to 300 characters), else the definition title and the period label',
      },
      { name: 'stage', type: 'stage id', required: true, meaning: 'the initial stage of the definition' },
    ],
  },
  {
    type: 'DocumentAttached',
    command: 'attach',
    summary: 'A document was attached to the cycle (needed before transitions with `requires_attachment`).',
    data: [
      { name: 'documentId', type: 'string', required: true, meaning: 'the stored document' },
      { name: 'name', type: 'string', required: true, meaning: 'file name, trimmed, 1 to 255 characters' },
      {
        name: 'mediaType',
        type: 'string',
        required: true,
        meaning: 'lower-case media type, e.g. `application/pdf`',
      },
      { name: 'size', type: 'integer', required: true, meaning: 'bytes, 1 to 104857600 (100 MiB)' },
      {
        name: 'sha256',
        type: 'sha256',
        required: true,
        meaning: 'SHA-256 of the content, 64 lower-case hex digits',
      },
      { name: 'stage', type: 'stage id', required: true, meaning: 'the stage the cycle was in' },
      { name: 'note', type: 'string', required: false, meaning: 'up to 2000 characters; absent when empty' },
    ],
  },
  {
    type: 'CommentAdded',
    command: 'comment',
    summary: 'Someone commented on the cycle.',
    data: [
      { name: 'commentId', type: 'string', required: true, meaning: 'the comment id' },
      { name: 'text', type: 'string', required: true, meaning: 'trimmed, 1 to 4000 characters' },
      { name: 'stage', type: 'stage id', required: true, meaning: 'the stage the cycle was in' },
    ],
  },
  {
    type: 'CycleCancelled',
    command: 'cancel',
    summary: 'The cycle was cancelled. It is closed: every later command is refused with `CYCLE_CLOSED`.',
    data: [
      { name: 'reason', type: 'string', required: true, meaning: 'trimmed, 1 to 4000 characters' },
      { name: 'from', type: 'stage id', required: true, meaning: 'the stage the cycle was in' },
    ],
  },
  {
    type: 'CycleMigrated',
    command: 'migrate',
    summary: 'The cycle moved to a newer version of its definition, which has its current stage.',
    data: [
      { name: 'fromVersion', type: 'integer', required: true, meaning: 'the definition version before' },
      {
        name: 'toVersion',
        type: 'integer',
        required: true,
        meaning: 'the definition version the cycle follows from now on',
      },
      { name: 'stage', type: 'stage id', required: true, meaning: 'the current stage, unchanged' },
    ],
  },
  {
    type: 'DeadlineMoved',
    command: 'move_deadline',
    summary:
      'A deadline of the cycle got a new legal date (e.g. ANAC moving the RPCT report), with the reason and the act that moved it. The effective date is recomputed from it; reminders follow.',
    data: [
      { name: 'deadlineId', type: 'string', required: true, meaning: 'a deadline id of the definition' },
      {
        name: 'fromDate',
        type: 'ISO date or null',
        required: true,
        meaning: 'the legal date before the move (null when the rule had not given one yet)',
      },
      { name: 'toDate', type: 'ISO date', required: true, meaning: 'the new legal date' },
      { name: 'reason', type: 'string', required: true, meaning: 'trimmed, 1 to 4000 characters' },
      {
        name: 'reference',
        type: 'string',
        required: true,
        meaning: 'the act or notice that moved it, trimmed, 1 to 500 characters',
      },
    ],
  },
  {
    type: 'CycleLinked',
    command: 'link',
    summary:
      "One of the definition's links resolved to a cycle of the tenant (docs/links.md): automatically when either cycle is opened, or by the `link` command with a reason (a relink names the previous target). The target records `CycleLinkedFrom`.",
    data: [
      { name: 'linkId', type: 'string', required: true, meaning: 'a link id of the definition' },
      { name: 'relation', type: 'string', required: true, meaning: '`reports_on`, `measures_and_varies` or `follows`' },
      { name: 'targetType', type: 'string', required: true, meaning: 'the target cycle type' },
      { name: 'targetCycleId', type: 'string (UUID)', required: true, meaning: 'the linked cycle' },
      { name: 'targetYear', type: 'integer', required: true, meaning: "the target's year" },
      { name: 'targetPeriod', type: 'string', required: true, meaning: "the target's period (`annual`, `triennial`...)" },
      { name: 'targetVersion', type: 'integer', required: true, meaning: "the target's stream version when linked" },
      { name: 'mode', type: 'string', required: true, meaning: '`automatic` or `command`' },
      { name: 'reason', type: 'string', required: false, meaning: 'by command: why, 1 to 4000 characters' },
      { name: 'previousTargetCycleId', type: 'string (UUID)', required: false, meaning: 'by command: the cycle the link named before' },
    ],
  },
  {
    type: 'CycleLinkedFrom',
    command: '(engine, after `CycleLinked`)',
    summary: 'Recorded on the target of a link, whatever its stage: a cycle of another type now links to this one.',
    data: [
      { name: 'linkId', type: 'string', required: true, meaning: "the link id in the source's definition" },
      { name: 'relation', type: 'string', required: true, meaning: 'the relation of the link' },
      { name: 'sourceType', type: 'string', required: true, meaning: 'the linking cycle type' },
      { name: 'sourceCycleId', type: 'string (UUID)', required: true, meaning: 'the linking cycle' },
      { name: 'sourceYear', type: 'integer', required: true, meaning: "the linking cycle's year" },
      { name: 'sourceVersion', type: 'integer', required: true, meaning: "the version of the linking cycle's `CycleLinked`" },
    ],
  },
  {
    type: 'CycleUnlinkedFrom',
    command: '(engine, after a relink)',
    summary: 'Recorded on the previous target when the linking cycle relinks to another cycle.',
    data: [
      { name: 'linkId', type: 'string', required: true, meaning: "the link id in the source's definition" },
      { name: 'sourceType', type: 'string', required: true, meaning: 'the linking cycle type' },
      { name: 'sourceCycleId', type: 'string (UUID)', required: true, meaning: 'the linking cycle' },
      { name: 'sourceYear', type: 'integer', required: true, meaning: "the linking cycle's year" },
      { name: 'sourceVersion', type: 'integer', required: true, meaning: "the version of the relinking `CycleLinked`" },
    ],
  },
  {
    type: 'LinkedEventRecorded',
    command: '(engine, after an event of the linked cycle)',
    summary:
      'An event of the linked cycle that a `later_of` deadline follows (the Consiglio approving the Preventivo economico, for the PIAO): the deadline is recomputed from its date; reminders follow.',
    data: [
      { name: 'linkId', type: 'string', required: true, meaning: 'the link it came through' },
      { name: 'targetCycleId', type: 'string (UUID)', required: true, meaning: 'the linked cycle' },
      { name: 'event', type: 'string', required: true, meaning: 'its event type' },
      { name: 'date', type: 'ISO date', required: true, meaning: "the act's own date (`fields.date`) when it carries one, else the day it was recorded" },
      { name: 'targetVersion', type: 'integer', required: true, meaning: "the event's version in the linked cycle's stream" },
    ],
  },
  {
    type: 'DeadlineRuleSwitched',
    command: 'switch_deadline_rule',
    summary:
      "The linked part of a switchable `later_of` deadline was turned on (the law postponed the term this year) or off, with the reason and the act's reference.",
    data: [
      { name: 'deadlineId', type: 'string', required: true, meaning: 'a `later_of` deadline with `switchable: true`' },
      { name: 'active', type: 'boolean', required: true, meaning: 'on or off' },
      { name: 'reason', type: 'string', required: true, meaning: 'trimmed, 1 to 4000 characters' },
      { name: 'reference', type: 'string', required: true, meaning: 'the act postponing the term, trimmed, 1 to 500 characters' },
    ],
  },
];

const METADATA: readonly [string, string, string][] = [
  ['eventId', 'UUID', 'unique id chosen by the writer; appending the same id again is idempotent'],
  ['tenant', 'string', 'the chamber of commerce (tenant); equals the prefix of the stream name'],
  ['actorId', 'string', 'the user who issued the command'],
  ['actorRole', 'role', 'the role the user acted in (one the user holds and the command allows)'],
  ['occurredAt', 'ISO 8601 instant', 'when the fact happened (the clock the decider was given)'],
  ['correlationId', 'string', 'the request the event belongs to'],
  ['causationId', 'string or null', 'the message that caused it, if any'],
  ['schemaVersion', 'integer', 'version of the data shape (1)'],
  ['definitionVersion', 'integer', 'the definition version the cycle follows'],
  ['requestHash', 'hex SHA-256, optional', 'present when the request carried an Idempotency-Key: the hash of its body, to refuse the key reused with another body'],
];

/** Code span. */
const c = (s: string | number): string => `\`${s}\``;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
const width = (s: string): number => [...s].length;

/** A Markdown table, columns padded the way Prettier pads them. */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [head, ...rows].map((r) => r.map((x) => x.replace(/\|/g, '\\|')));
  const widths = head.map((_, i) => Math.max(3, ...cells.map((r) => width(r[i]))));
  const line = (r: readonly string[]) =>
    `| ${r.map((x, i) => x + ' '.repeat(widths[i] - width(x))).join(' | ')} |`;
  return [
    line(cells[0]),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

function fieldType(f: FieldDefinition): string {
  switch (f.type) {
    case 'text':
    case 'string':
      return f.maxLength !== undefined ? `${f.type}, max ${f.maxLength}` : f.type;
    case 'enum':
      return `enum: ${(f.values ?? []).map(c).join(', ')}`;
    default:
      return f.type;
  }
}

interface Producer {
  def: CycleDefinition;
  t: TransitionDefinition;
}

const producerName = (p: Producer): string => `${c(p.def.id)} v${p.def.version} ${c(p.t.command)}`;

function compareProducers(a: Producer, b: Producer): number {
  return (
    cmp(a.def.id, b.def.id) ||
    a.def.version - b.def.version ||
    cmp(a.t.command, b.t.command) ||
    cmp(a.t.from.join(','), b.t.from.join(',')) ||
    cmp(a.t.to, b.t.to)
  );
}

function transitionEventSection(type: string, producers: readonly Producer[]): string {
  const out: string[] = [`### ${c(type)}`, ''];
  const kinds = uniq(producers.map((p) => p.t.kind)).sort(cmp);
  const organs = uniq(
    producers.map((p) => p.t.organ).filter((o): o is NonNullable<typeof o> => o !== undefined),
  ).sort(cmp);
  out.push(
    `Kind ${kinds.map(c).join(', ')}${organs.length ? `, organ ${organs.map(c).join(', ')}` : ''}. Produced by ${producers.length} transition${producers.length === 1 ? '' : 's'}:`,
    '',
  );
  out.push(
    table(
      ['definition', 'command', 'from', 'to', 'roles', 'rules'],
      producers.map((p) => [
        `${c(p.def.id)} v${p.def.version}`,
        c(p.t.command),
        p.t.from.map(c).join(', '),
        c(p.t.to),
        p.t.roles.map(c).join(', '),
        transitionRules(p.t)
          .map((r) =>
            r.type === 'requires_attachment'
              ? r.type
              : r.type === 'independent_of'
                ? `${r.type} ${[...r.commands, ...r.kinds].map(c).join(', ')}`
                : `${r.type} ${c(r.command)}`,
          )
          .join('; ') || '-',
      ]),
    ),
    '',
  );
  const oneOf = (xs: readonly string[]) => (xs.length === 1 ? c(xs[0]) : `one of ${xs.map(c).join(', ')}`);
  const rows: string[][] = [
    [c('command'), 'string', 'yes', oneOf(uniq(producers.map((p) => p.t.command)).sort(cmp))],
    [c('kind'), 'string', 'yes', oneOf(kinds)],
  ];
  if (organs.length)
    rows.push([
      c('organ'),
      'string',
      producers.every((p) => p.t.organ) ? 'yes' : 'for deliberations',
      oneOf(organs),
    ]);
  rows.push(
    [c('from'), 'stage id', 'yes', oneOf(uniq(producers.flatMap((p) => p.t.from)).sort(cmp))],
    [c('to'), 'stage id', 'yes', oneOf(uniq(producers.map((p) => p.t.to)).sort(cmp))],
    [
      c('fields'),
      'object',
      'yes',
      'the command body, validated and normalised (strings trimmed, hashes lower-case)',
    ],
  );
  // Body fields: one row per distinct shape of a field name; where not every producer has it, say which.
  const shapes = new Map<string, { f: FieldDefinition; who: Producer[] }>();
  for (const p of producers) {
    for (const f of commandFields(p.t)) {
      const key = JSON.stringify([
        f.name,
        f.type,
        f.required,
        f.maxLength ?? null,
        f.values ?? null,
        f.description ?? null,
      ]);
      const entry = shapes.get(key) ?? { f, who: [] };
      entry.who.push(p);
      shapes.set(key, entry);
    }
  }
  for (const { f, who } of shapes.values()) {
    const where = who.length === producers.length ? '' : ` (only ${who.map(producerName).join(', ')})`;
    rows.push([
      c(`fields.${f.name}`),
      fieldType(f),
      f.required ? 'yes' : 'no',
      `${f.description ?? ''}${where}`.trim(),
    ]);
  }
  out.push('Data:', '', table(['field', 'type', 'required', 'meaning'], rows));
  return out.join('\n');
}

/** Renders docs/events.md from the cycle definitions. */
export function eventCatalogue(defs: readonly CycleDefinition[]): string {
  const sorted = [...defs].sort((a, b) => cmp(a.id, b.id) || a.version - b.version);
  const byEvent = new Map<string, Producer[]>();
  for (const def of sorted) {
    for (const t of def.transitions) byEvent.set(t.event, [...(byEvent.get(t.event) ?? []), { def, t }]);
  }
  const eventTypes = [...byEvent.keys()].sort(cmp);
  for (const type of eventTypes) (byEvent.get(type) as Producer[]).sort(compareProducers);

  const out: string[] = [
    '# Event catalogue',
    '',
    '<!-- Generated by eventCatalogue() (libs/domain/src/cycle/catalogue.ts) from seeds/cycles/*.yaml. Do not edit by hand: run `npx ciclo docs events` (or `UPDATE_DOCS=1 npx jest test/docs`). test/docs/events-catalogue.spec.ts fails when this file is out of date. -->',
    '',
    'Every change to a cycle is recorded as an **event**: a fact, named in the past tense (`SubmittedForReview`,',
    '`GiuntaDeliberationRecorded`), appended to the cycle stream and never changed or deleted. The state of a',
    'cycle is the fold of its events; a refused command writes nothing. The engine writes a few events of its',
    'own for every cycle type; every other event type is declared by a transition of a cycle definition',
    '(see docs/cycle-definitions.md).',
    '',
    `This catalogue covers ${sorted.length} definition${sorted.length === 1 ? '' : 's'} (${sorted.map((d) => `${c(d.id)} v${d.version}`).join(', ')}): ${ENGINE_EVENTS.length} engine events and ${eventTypes.length} transition event types.`,
    '',
    '## Streams',
    '',
    'Each cycle has one stream, named `<tenant>/cycle-<uuid>` (e.g. `cciaa-po/cycle-7f3a…`). Events are numbered',
    '1, 2, 3, … within their stream (the stream version); the first is always `CycleOpened`.',
    '',
    '## Metadata',
    '',
    'Every event has a `type`, its `data` (described below for each type) and this metadata:',
    '',
    table(
      ['key', 'type', 'meaning'],
      METADATA.map(([k, t, m]) => [c(k), t, m]),
    ),
    '',
    'An event whose data carry a reason (`fields.reason`, or `reason` of `CycleCancelled`) repeats it in the',
    'metadata key `reason`.',
    '',
    '## Engine events',
    '',
    'Written by the engine for every cycle type, by the commands `open`, `attach`, `comment`, `cancel` and `migrate`.',
    '',
  ];
  for (const e of ENGINE_EVENTS) {
    out.push(
      `### ${c(e.type)}`,
      '',
      `Command ${c(e.command)}. ${e.summary}`,
      '',
      table(
        ['field', 'type', 'required', 'meaning'],
        e.data.map((f) => [c(f.name), f.type, f.required ? 'yes' : 'no', f.meaning]),
      ),
      '',
    );
  }
  const roles = (rs: readonly Role[]) => (rs.length ? rs.map(c).join(', ') : '-');
  out.push(
    '### Who may issue them',
    '',
    '`migrate` is open to the cancel roles and to `admin`.',
    '',
    table(
      ['definition', 'open', 'attach', 'comment', 'cancel'],
      sorted.map((d) => [
        `${c(d.id)} v${d.version}`,
        roles(d.openRoles),
        roles(d.attachRoles),
        roles(d.commentRoles),
        roles(d.cancelRoles),
      ]),
    ),
    '',
    '## Transition events',
    '',
    'A transition event records a command of a cycle definition moving the cycle from one stage to another (or',
    'to the same one). Its data are always `command`, `kind`, `organ` (deliberations only), `from`, `to` and',
    '`fields`, the command body; a deliberation of a cycle with a resolved `reports_on` or `measures_and_varies`',
    'link also carries `linkedVersions` (link id → the linked cycle\'s stream version then, see docs/links.md).',
    'Field types: `date` is `YYYY-MM-DD`, `datetime` ISO 8601 with an offset (stored',
    'in UTC), `sha256` 64 hex digits (stored lower-case), `url` an http(s) URL. The kind implies some body fields:',
    '',
    table(
      ['kind', 'implied fields'],
      TRANSITION_KINDS.map((k) => [
        c(k),
        IMPLIED_FIELDS[k]
          .map((f) => `${c(f.name)} (${fieldType(f)}${f.required ? '' : ', optional'})`)
          .join(', ') || '-',
      ]),
    ),
    '',
    table(
      ['event', 'kind', 'produced by'],
      eventTypes.map((type) => {
        const ps = byEvent.get(type) as Producer[];
        return [
          c(type),
          uniq(ps.map((p) => p.t.kind))
            .map(c)
            .join(', '),
          uniq(ps.map((p) => c(p.def.id))).join(', '),
        ];
      }),
    ),
    '',
  );
  for (const type of eventTypes) out.push(transitionEventSection(type, byEvent.get(type) as Producer[]), '');
  out.push(
    '## Plan events',
    '',
    'The plan content of a cycle (the performance tree, measurements, variations: docs/plan.md) is recorded in the',
    "cycle's own stream by the plan commands (`POST /cycles/{id}/plan/commands/{command}`); a Monitoraggio",
    "intermedio's transitions write some of them on the linked PIAO's stream (docs/links.md). They carry no",
    '`command`/`from`/`to`; tree edits inside an open variation carry its `variationId`; `?` marks optional data.',
    '',
    table(
      ['event', 'written by', 'data', 'what'],
      PLAN_EVENT_CATALOGUE.map((e) => [c(e.type), e.command, e.data, e.summary]),
    ),
    '',
  );
  out.push(
    '## Risk register events',
    '',
    'Written to the stream of a `ptpct` or `piao` cycle by the register commands (`POST /cycles/{id}/plan/commands/{command}`,',
    'docs/anticorruption.md), with the editing rules of the plan content (docs/plan.md, whose own events are listed there).',
    '',
  );
  for (const e of REGISTER_CATALOGUE) {
    out.push(
      `### ${c(e.type)}`,
      '',
      `Command ${c(e.command)} (${e.roles}).${e.stream ? ` Stream ${c(e.stream)}, not the cycle's.` : ''} ${e.summary}`,
      '',
      table(
        ['field', 'type', 'required', 'meaning'],
        e.data.map((f) => [c(f.name), f.type, f.required ? 'yes' : 'no', f.meaning]),
      ),
      '',
    );
  }
  return out.join('\n').replace(/\n+$/, '\n');
}
