import fc from 'fast-check';
import { stringify } from 'yaml';
import {
  DefinitionError,
  DefinitionIssue,
  FIELD_TYPES,
  IMPLIED_FIELDS,
  TRANSITION_KINDS,
  commandFields,
  findTransition,
  parseCycleDefinition,
  validateCycleDefinition,
} from './index';

type Doc = Record<string, unknown> & {
  stages: Record<string, unknown>[];
  transitions: Record<string, unknown>[];
  deadlines: Record<string, unknown>[];
};

/** A small valid definition; each test breaks one thing. */
function baseDoc(): Doc {
  return {
    id: 'prova',
    version: 1,
    title: 'Ciclo di prova',
    legalBasis: ['L. 1/2000'],
    period: 'annual',
    openRoles: ['po'],
    cancelRoles: ['segretario_generale'],
    commentRoles: ['po', 'segretario_generale'],
    attachRoles: ['po'],
    editableStages: ['bozza'],
    initialStage: 'bozza',
    stages: [
      { id: 'bozza', title: 'Bozza', actors: ['po'] },
      { id: 'revisione_sg', title: 'Revisione', actors: ['segretario_generale'] },
      { id: 'approvato', title: 'Approvato', terminal: true, actors: [] },
    ],
    transitions: [
      {
        command: 'submit',
        event: 'SubmittedForReview',
        title: 'Invia',
        from: ['bozza'],
        to: 'revisione_sg',
        roles: ['po', 'dirigente'],
        kind: 'submission',
        fields: [{ name: 'note', type: 'text', maxLength: 100 }],
      },
      {
        command: 'approve',
        event: 'ApprovedBySecretaryGeneral',
        title: 'Approva',
        from: ['revisione_sg'],
        to: 'approvato',
        roles: ['segretario_generale'],
        kind: 'approval',
        rules: [{ type: 'not_same_actor_as', command: 'submit' }],
      },
    ],
    deadlines: [
      {
        id: 'approvazione',
        title: 'Approvazione entro il 31 gennaio',
        metBy: 'approvato',
        rule: { type: 'calendar', month: 1, day: 31, yearOffset: 0 },
      },
    ],
    reminders: { offsetsDays: [7, 0], overdueEveryDays: 7, escalateTo: 'segretario_generale' },
  };
}

const SOURCE = 'prova.v1.yaml';

function issuesOf(yamlText: string, source = SOURCE): DefinitionIssue[] {
  try {
    parseCycleDefinition(yamlText, source);
  } catch (e) {
    if (e instanceof DefinitionError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a DefinitionError');
}
const issuesOfDoc = (doc: unknown, source = SOURCE): DefinitionIssue[] => issuesOf(stringify(doc), source);
const issue = (path: string, reason: string): DefinitionIssue => ({ source: SOURCE, path, reason });

describe('parseCycleDefinition', () => {
  it('parses a valid document and fills the defaults', () => {
    const def = parseCycleDefinition(stringify(baseDoc()), SOURCE);
    expect(def.id).toBe('prova');
    expect(def.stages[0].terminal).toBe(false);
    expect(def.transitions[0].fields[0].required).toBe(false);
    expect(def.transitions[0].rules).toEqual([]);
    expect(def.deadlines[0].editablePerYear).toBe(false);
  });

  it('names an unknown stage in a transition', () => {
    const doc = baseDoc();
    doc.transitions[1].to = 'nowhere';
    expect(issuesOfDoc(doc)).toEqual([issue('transitions[1].to', 'unknown stage "nowhere"')]);
  });

  it('names an unknown from stage', () => {
    const doc = baseDoc();
    doc.transitions[0].from = ['bozza', 'limbo'];
    expect(issuesOfDoc(doc)).toEqual([issue('transitions[0].from[1]', 'unknown stage "limbo"')]);
  });

  it('names an unknown role', () => {
    const doc = baseDoc();
    doc.transitions[0].roles = ['po', 'capo_ufficio'];
    expect(issuesOfDoc(doc)).toEqual([issue('transitions[0].roles[1]', 'unknown role "capo_ufficio"')]);
  });

  it('names a duplicate command from the same stage', () => {
    const doc = baseDoc();
    doc.transitions.push({ ...doc.transitions[0], event: 'SubmittedAgain', to: 'approvato' });
    expect(issuesOfDoc(doc)).toEqual([
      issue('transitions[2].command', 'duplicate command "submit" from stage "bozza" (also transitions[0])'),
    ]);
  });

  it('allows the same command from different stages', () => {
    const doc = baseDoc();
    doc.stages.splice(2, 0, { id: 'revisione_presidente', title: 'Presidente', actors: ['presidente'] });
    doc.transitions[1].to = 'revisione_presidente';
    doc.transitions.push({
      command: 'approve',
      event: 'ApprovedByPresident',
      title: 'Approva',
      from: ['revisione_presidente'],
      to: 'approvato',
      roles: ['presidente'],
      kind: 'approval',
    });
    const def = parseCycleDefinition(stringify(doc), SOURCE);
    expect(findTransition(def, 'revisione_presidente', 'approve')?.event).toBe('ApprovedByPresident');
    expect(findTransition(def, 'revisione_sg', 'approve')?.event).toBe('ApprovedBySecretaryGeneral');
    expect(findTransition(def, 'bozza', 'approve')).toBeUndefined();
  });

  it('names a missing title', () => {
    const doc = baseDoc();
    delete doc.title;
    expect(issuesOfDoc(doc)).toEqual([issue('title', 'required')]);
  });

  it('names a missing stage title and an empty transition title', () => {
    const doc = baseDoc();
    delete doc.stages[1].title;
    doc.transitions[0].title = '  ';
    expect(issuesOfDoc(doc)).toEqual([
      issue('stages[1].title', 'required'),
      issue('transitions[0].title', 'must not be empty'),
    ]);
  });

  it('names a bad field type', () => {
    const doc = baseDoc();
    doc.transitions[0].fields = [{ name: 'note', type: 'txt' }];
    const allowed = FIELD_TYPES.map((t) => `"${t}"`).join(', ');
    expect(issuesOfDoc(doc)).toEqual([
      issue('transitions[0].fields[0].type', `must be one of: ${allowed} (got "txt")`),
    ]);
  });

  it('names a deadline met by an unknown stage', () => {
    const doc = baseDoc();
    doc.deadlines[0].metBy = 'fatto';
    expect(issuesOfDoc(doc)).toEqual([issue('deadlines[0].metBy', 'unknown stage "fatto"')]);
  });

  it('names an after_event deadline on an event no transition produces', () => {
    const doc = baseDoc();
    doc.deadlines[0].rule = { type: 'after_event', event: 'GiuntaDeliberationRecorded', days: 30 };
    expect(issuesOfDoc(doc)).toEqual([
      issue(
        'deadlines[0].rule.event',
        'no transition produces event "GiuntaDeliberationRecorded" (nor is it CycleOpened)',
      ),
    ]);
    doc.deadlines[0].rule = { type: 'after_event', event: 'CycleOpened', days: 30 };
    expect(parseCycleDefinition(stringify(doc), SOURCE).deadlines[0].rule).toEqual({
      type: 'after_event',
      event: 'CycleOpened',
      days: 30,
    });
  });

  it('names a bad deadline rule type and an impossible date', () => {
    const doc = baseDoc();
    doc.deadlines[0].rule = { type: 'weekly' };
    expect(issuesOfDoc(doc)).toEqual([
      issue('deadlines[0].rule.type', 'must be one of: "calendar", "after_event", "none", "later_of" (got "weekly")'),
    ]);
    doc.deadlines[0].rule = { type: 'calendar', month: 2, day: 30, yearOffset: 0 };
    expect(issuesOfDoc(doc)).toEqual([issue('deadlines[0].rule.day', 'day 30 does not exist in month 2')]);
  });

  it('refuses outgoing transitions from a terminal stage', () => {
    const doc = baseDoc();
    doc.transitions.push({
      command: 'reopen',
      event: 'Reopened',
      title: 'Riapri',
      from: ['approvato'],
      to: 'bozza',
      roles: ['segretario_generale'],
      kind: 'plain',
    });
    expect(issuesOfDoc(doc)).toEqual([
      issue('transitions[2].from[0]', 'stage "approvato" is terminal: it cannot have outgoing transitions'),
    ]);
  });

  it('names unreachable stages and dead ends', () => {
    const doc = baseDoc();
    doc.stages.push({ id: 'isolato', title: 'Isolato', actors: [] });
    expect(issuesOfDoc(doc)).toEqual([
      issue('stages[3]', 'stage "isolato" is unreachable from initial stage "bozza"'),
    ]);
    const loop = baseDoc();
    loop.transitions[1].to = 'bozza';
    expect(issuesOfDoc(loop)).toEqual([
      issue('stages[0]', 'no terminal stage is reachable from stage "bozza"'),
      issue('stages[1]', 'no terminal stage is reachable from stage "revisione_sg"'),
      issue('stages[2]', 'stage "approvato" is unreachable from initial stage "bozza"'),
    ]);
  });

  it('names duplicate and implied field names, and enum fields without values', () => {
    const doc = baseDoc();
    doc.transitions[0].fields = [
      { name: 'note', type: 'text' },
      { name: 'note', type: 'string' },
      { name: 'esito', type: 'enum' },
    ];
    doc.transitions[1].kind = 'request_changes';
    doc.transitions[1].fields = [{ name: 'reason', type: 'text' }];
    expect(issuesOfDoc(doc)).toEqual([
      issue('transitions[0].fields[1].name', 'duplicate field "note"'),
      issue('transitions[0].fields[2].values', 'required for type enum'),
      issue('transitions[1].fields[0].name', 'field "reason" is implied by kind request_changes'),
    ]);
  });

  it('names rules that refer to unknown commands, and organ misuse', () => {
    const doc = baseDoc();
    doc.transitions[1].rules = [{ type: 'only_same_actor_as', command: 'sumbit' }];
    doc.transitions[0].organ = 'giunta';
    expect(issuesOfDoc(doc)).toEqual([
      issue('transitions[0].organ', 'allowed only for kind deliberation'),
      issue('transitions[1].rules[0].command', 'unknown command "sumbit"'),
    ]);
    const delib = baseDoc();
    delib.transitions[1].kind = 'deliberation';
    delib.transitions[1].rules = [];
    expect(issuesOfDoc(delib)).toEqual([issue('transitions[1].organ', 'required for kind deliberation')]);
  });

  it('keeps the OIV independent', () => {
    const doc = baseDoc();
    doc.transitions[1].kind = 'validation';
    doc.transitions[1].roles = ['oiv', 'segretario_generale'];
    expect(issuesOfDoc(doc)).toEqual([
      issue('transitions[1].roles', 'oiv acts alone: a transition open to oiv must name no other role'),
      issue('transitions[1].roles[1]', 'kind validation is performed only by oiv or revisori'),
    ]);
  });

  it('checks independent_of rules: known kinds, known commands or open, not empty', () => {
    const doc = baseDoc();
    doc.transitions[1].rules = [
      { type: 'independent_of', kinds: ['submission'], commands: ['open', 'submit'] },
      { type: 'independent_of', commands: ['sumbit'] },
      { type: 'independent_of' },
      { type: 'independent_of', kinds: ['approval', 'approval'] },
    ];
    expect(issuesOfDoc(doc)).toEqual([
      issue('transitions[1].rules[1].commands[0]', 'unknown command "sumbit"'),
      issue('transitions[1].rules[2]', 'independent_of needs at least one of kinds, commands'),
      issue('transitions[1].rules[3].kinds[1]', 'duplicate kind "approval"'),
    ]);
    const bad = baseDoc();
    bad.transitions[1].rules = [{ type: 'independent_of', kinds: ['drafting'] }];
    expect(issuesOfDoc(bad)[0].path).toBe('transitions[1].rules[0].kinds[0]');
    const ok = baseDoc();
    ok.transitions[1].rules = [{ type: 'independent_of', commands: ['open'] }];
    expect(parseCycleDefinition(stringify(ok), SOURCE).transitions[1].rules).toEqual([
      { type: 'independent_of', kinds: [], commands: ['open'] },
    ]);
  });

  it('checks accepts: an enum field of the command, values among its values, no duplicates', () => {
    const doc = baseDoc();
    doc.transitions[1].kind = 'transmission';
    doc.transitions[1].rules = [];
    doc.transitions[1].fields = [{ name: 'canale', type: 'enum', values: ['pec', 'portale'] }];
    doc.transitions[1].accepts = { recipient: ['funzione_pubblica', 'anak', 'funzione_pubblica'], canale: ['pec'], note: ['x'], protocol: [] };
    expect(issuesOfDoc(doc)).toContainEqual(issue('transitions[1].accepts.protocol', 'must not be empty'));
    delete (doc.transitions[1].accepts as Record<string, unknown>).protocol;
    expect(issuesOfDoc(doc)).toEqual([
      issue('transitions[1].accepts.recipient[2]', 'duplicate value "funzione_pubblica"'),
      issue(
        'transitions[1].accepts.recipient[1]',
        '"anak" is not a value of recipient (values: anac, mef, mimit, funzione_pubblica, ministero_infrastrutture, unioncamere)',
      ),
      issue('transitions[1].accepts.note', '"note" is not an enum field of this command (enum fields: recipient, canale)'),
    ]);
    doc.transitions[1].accepts = { recipient: ['funzione_pubblica'], canale: ['pec'] };
    const def = parseCycleDefinition(stringify(doc), SOURCE);
    const fields = commandFields(def.transitions[1]);
    expect(fields.find((f) => f.name === 'recipient')?.values).toEqual(['funzione_pubblica']);
    expect(fields.find((f) => f.name === 'canale')?.values).toEqual(['pec']);
    // The implied field itself is untouched for other transitions.
    expect(IMPLIED_FIELDS.transmission.find((f) => f.name === 'recipient')?.values).toContain('anac');
  });

  it('names unknown keys, wrong types and reserved names', () => {
    const doc = baseDoc();
    doc.stage = [];
    doc.version = '1';
    doc.transitions[0].command = 'cancel';
    expect(issuesOfDoc(doc)).toEqual([
      issue('version', 'expected number, got string "1"'),
      issue('stage', 'unknown key'),
    ]);
    delete doc.stage;
    doc.version = 1;
    expect(issuesOfDoc(doc)).toEqual([
      issue('transitions[0].command', 'reserved command name "cancel"'),
      issue('transitions[1].rules[0].command', 'unknown command "submit"'),
    ]);
  });

  it('checks the file name against id and version', () => {
    expect(issuesOfDoc(baseDoc(), 'seeds/cycles/prova.v2.yaml')).toEqual([
      {
        source: 'seeds/cycles/prova.v2.yaml',
        path: 'version',
        reason: '1 does not match the file name "seeds/cycles/prova.v2.yaml"',
      },
    ]);
    expect(() => parseCycleDefinition(stringify(baseDoc()), 'inline test')).not.toThrow();
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = issuesOf('id: prova\ntitle: [unclosed\n');
    expect(issues).toHaveLength(1);
    expect(issues[0].source).toBe(SOURCE);
    expect(issues[0].path).toBe('');
    expect(issues[0].reason).toMatch(/^YAML syntax error at line \d+: /);
    expect(issuesOf('id: a\nid: b\n')[0].reason).toMatch(/^YAML syntax error at line 2: /);
  });

  it('puts source, path, reason and line in the message', () => {
    const doc = baseDoc();
    doc.transitions[0].roles = ['po', 'capo_ufficio'];
    const text = stringify(doc);
    const line = text.split('\n').findIndex((l) => l.includes('capo_ufficio')) + 1;
    expect(() => parseCycleDefinition(text, SOURCE)).toThrow(
      `${SOURCE}: transitions[0].roles[1]: unknown role "capo_ufficio" (line ${line})`,
    );
    expect(() => parseCycleDefinition('- 1\n', SOURCE)).toThrow(
      `${SOURCE}: (document): expected a mapping, got a list`,
    );
  });
});

describe('validateCycleDefinition', () => {
  it('accepts a plain object and throws DefinitionError for anything else', () => {
    expect(validateCycleDefinition(baseDoc(), 'object').version).toBe(1);
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(() => validateCycleDefinition(value, 'random')).toThrow(DefinitionError);
      }),
      { numRuns: 200 },
    );
  });
});

describe('implied fields', () => {
  it('are documented for every kind and come first in the command body', () => {
    for (const kind of TRANSITION_KINDS) expect(IMPLIED_FIELDS[kind]).toBeDefined();
    expect(IMPLIED_FIELDS.deliberation.map((f) => f.name)).toEqual(['number', 'date', 'actHash']);
    const def = validateCycleDefinition(baseDoc(), 'object');
    expect(commandFields(def.transitions[0]).map((f) => f.name)).toEqual(['note']);
  });
});
