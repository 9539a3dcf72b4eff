import {
  FieldDefinition,
  PUBLICATION_CHANNELS,
  TRANSMISSION_RECIPIENTS,
  TransitionDefinition,
  TransitionKind,
} from './types';

const reason: FieldDefinition = {
  name: 'reason',
  type: 'text',
  required: true,
  maxLength: 4000,
  description: 'Reasons (motivazione), shown to the people who act next',
};
const date = (description: string): FieldDefinition => ({
  name: 'date',
  type: 'date',
  required: true,
  description,
});

/**
 * Body fields every transition of a kind carries. The decider adds them to the command schema;
 * definitions must not declare them again in `fields`.
 */
export const IMPLIED_FIELDS: Readonly<Record<TransitionKind, readonly FieldDefinition[]>> = {
  plain: [],
  submission: [],
  approval: [],
  withdrawal: [],
  request_changes: [reason],
  refusal: [
    reason,
    {
      name: 'reportReference',
      type: 'string',
      required: true,
      description: 'Reference of the refusal report',
    },
  ],
  deliberation: [
    { name: 'number', type: 'string', required: true, description: 'Deliberation number, e.g. "12/2027"' },
    date('Date of the deliberation'),
    { name: 'actHash', type: 'sha256', required: true, description: 'SHA-256 (64 hex) of the signed act' },
  ],
  publication: [
    {
      name: 'channel',
      type: 'enum',
      required: true,
      values: [...PUBLICATION_CHANNELS],
      description: 'Where',
    },
    { name: 'url', type: 'url', required: true, description: 'Address of the published document' },
    date('Publication date'),
  ],
  validation: [
    {
      name: 'reportReference',
      type: 'string',
      required: true,
      description: 'Reference of the report or opinion',
    },
    date('Date of the report or opinion'),
  ],
  transmission: [
    {
      name: 'recipient',
      type: 'enum',
      required: true,
      values: [...TRANSMISSION_RECIPIENTS],
      description: 'To whom',
    },
    { name: 'protocol', type: 'string', required: true, description: 'Protocol or receipt number' },
    date('Transmission date'),
  ],
};

/**
 * The full body of a transition's command: implied fields of its kind, then its own fields. An enum
 * field named in the transition's `accepts` keeps only the values listed there.
 */
export function commandFields(transition: TransitionDefinition): readonly FieldDefinition[] {
  const all = [...IMPLIED_FIELDS[transition.kind], ...transition.fields];
  const accepts = transition.accepts;
  if (!accepts) return all;
  return all.map((f) =>
    f.type === 'enum' && Object.hasOwn(accepts, f.name)
      ? { ...f, values: (f.values ?? []).filter((v) => accepts[f.name].includes(v)) }
      : f,
  );
}

/** Command names the engine handles outside the definitions; a transition may not use them. */
export const RESERVED_COMMANDS: readonly string[] = [
  'open',
  'cancel',
  'comment',
  'attach',
  'migrate',
  'move_deadline',
  'link',
  'switch_deadline_rule',
];

/** Event types the engine emits outside the definitions; a transition may not produce them. */
export const RESERVED_EVENTS: readonly string[] = [
  'CycleOpened',
  'CycleCancelled',
  'CycleMigrated',
  'CommentAdded',
  'DocumentAttached',
  'DeadlineMoved',
  'CycleLinked',
  'CycleLinkedFrom',
  'CycleUnlinkedFrom',
  'LinkedEventRecorded',
  'DeadlineRuleSwitched',
];
