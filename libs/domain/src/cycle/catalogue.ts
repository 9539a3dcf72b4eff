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
import { ENGINE_EVENTS } from './engine-events';

/**
 * The event catalogue (docs/events.md): every event type the engine writes, its data shape and,
 * for transition events, which definitions and commands produce it. Pure and deterministic: the
 * same definitions, in any order, give the same Markdown (tables aligned as Prettier aligns them).
 */

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
