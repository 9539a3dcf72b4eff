/**
 * The transparency grid's state: the obligations of Amministrazione trasparente with their offices,
 * publications and changes to publish (docs/transparency.md). Shared by the decider, the typed
 * events and the status.
 */
import type { IsoDate } from '../calendar';

/** How often an obligation is updated (d.lgs. 33/2013 and ANAC's grid). */
export const UPDATE_FREQUENCIES = ['tempestivo', 'trimestrale', 'semestrale', 'annuale'] as const;
export type UpdateFrequency = (typeof UPDATE_FREQUENCIES)[number];

export interface TransparencyObligation {
  /** Stable id of the obligation, e.g. `pianificazione-piao` */
  id: string;
  /** Section of Amministrazione trasparente (first level) */
  section: string;
  /** Sub-section (second level); equal to the section when it has none */
  subsection: string;
  /** The obligation, in a few words */
  title: string;
  /** Legal reference, e.g. `art. 10, c. 8, lett. a, d.lgs. 33/2013` */
  legalReference: string;
  /** What is published */
  content: string;
  /** Update frequency */
  frequency: UpdateFrequency;
  /** Order within the grid */
  order: number;
}

export interface TransparencyPublication {
  /** Day of publication or update (tenant's calendar) */
  date: IsoDate;
  /** Address of the published item (https) */
  url: string;
  /** Note of the office */
  note?: string;
  /** Who recorded it */
  by: string;
  /** Role it was recorded in */
  role: string;
  /** When it was recorded */
  at: string;
}

export interface TransparencyChange {
  /** Day of the fact that requires an update (a new act, a changed datum) */
  date: IsoDate;
  /** What changed */
  note: string;
  /** Who reported it */
  by: string;
  /** When it was reported */
  at: string;
}

export interface TransparencyItem {
  obligation: TransparencyObligation;
  /** Office that produces the data (null until assigned) */
  producerOffice: string | null;
  /** Office that publishes it (null until assigned) */
  publisherOffice: string | null;
  /** Every publication recorded, oldest first */
  publications: TransparencyPublication[];
  /** Changes to publish reported for `tempestivo` items, oldest first */
  changes: TransparencyChange[];
}

export interface TransparencyState {
  version: number;
  items: Map<string, TransparencyItem>;
}

export const transparencyStream = (tenant: string): string => `${tenant}/transparency`;

export const initialTransparencyState = (): TransparencyState => ({ version: 0, items: new Map() });
