/**
 * Register commands as the register decider sees them: typed, after `parseRegisterCommand`
 * (parse.ts) has checked the shape of the input (`RegisterCommand`, model.ts). Checks that need
 * the register (an item exists, a reference resolves) are left to the decider.
 */
import type { FieldChanges } from '../commands';
import type { IndicatorRating, MeasureStatus, RatingMethod, RegisterItem, RegisterItemKind } from './model';

export type ParsedRegisterCommand =
  | { type: 'add_register_item'; item: RegisterItem }
  | { type: 'update_register_item'; kind: RegisterItemKind; code: string; changes: FieldChanges }
  | { type: 'remove_register_item'; kind: RegisterItemKind; code: string; cascade: boolean }
  /** Every indicator of the method in force rated; `rating` one of its levels. */
  | { type: 'assess_risk'; processCode: string; indicators: Record<string, IndicatorRating>; rating: string; motivation: string }
  | { type: 'set_rating_method'; method: RatingMethod; reason?: string }
  /** Distinct dates, sorted. */
  | { type: 'set_monitoring_dates'; dates: string[] }
  | { type: 'report_measure'; measureCode: string; monitoringDate: string; status: MeasureStatus; evidence: string; date: string; note?: string }
  /** `status` given (and required) only when the outcome is `rettificato`. */
  | { type: 'check_measure_report'; measureCode: string; monitoringDate: string; outcome: 'confermato' | 'rettificato'; status?: MeasureStatus; note?: string }
  | { type: 'set_rpct_report_figures'; year: number; whistleblowingReports: number; training?: string; note?: string };
