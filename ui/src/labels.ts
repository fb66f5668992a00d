// The words of Rust's closed sets. Rust writes every label (`vocabulary` command); the screens
// look them up here. A value JumpCloud sent that Rollcall does not know arrives as
// `{ other: "…" }` and is shown as it came.
import { createContext, useContext } from "react";
import type {
  AgendaKind,
  CertDecision,
  CertFlag,
  DeviceScope,
  GrantKind,
  RemedyState,
  ReviewerMode,
  Stage,
  SuspensionState,
  AuditStatus,
  ChangeKind,
  Decision,
  DeviceCheck,
  EdgeKind,
  FacetChip,
  Labelled,
  MfaStatus,
  OsFamily,
  Phase,
  RecordKind,
  ReportSource,
  UserCheck,
  UserState,
  Vocabulary,
} from "./bindings";

export const VocabularyContext = createContext<Vocabulary | null>(null);

/** The text of an open set's value: its own text, or what JumpCloud sent for an unknown one
 * (for React keys and test ids, not for display). */
export function valueText(v: UserState | OsFamily | MfaStatus): string {
  return typeof v === "object" ? v.other : v;
}

function lookup<T>(list: Labelled<T>[] | undefined, v: T): string {
  if (v !== null && typeof v === "object" && "other" in v) return String(v.other);
  return list?.find((l) => l.value === v)?.label ?? String(v);
}

export interface Labels {
  userState: (s: UserState) => string;
  osFamily: (f: OsFamily) => string;
  mfaStatus: (s: MfaStatus) => string;
  decision: (d: Decision | null) => string;
  agendaKind: (k: AgendaKind) => string;
  recordKind: (k: RecordKind) => string;
  edgeKind: (k: EdgeKind) => string;
  reportSource: (s: ReportSource) => string;
  phase: (p: Phase) => string;
  userCheck: (c: UserCheck) => string;
  deviceCheck: (c: DeviceCheck) => string;
  auditStatus: (s: AuditStatus) => string;
  changeKind: (k: ChangeKind) => string;
  /** The outcomes an audited action can have, in Rust's order. */
  auditStatuses: AuditStatus[];
  /** The OS families the Devices list offers as chips. */
  deviceOsChips: OsFamily[];
  /** The yes/no chips of the Users and the Devices lists. */
  userChips: FacetChip[];
  deviceChips: FacetChip[];
  /** Days of logins the copy keeps; syncs the trends go back. */
  eventDays: number;
  trendSyncs: number;
  /** The known OS families, in Rust's order. */
  osFamilies: OsFamily[];
  /** The known states of a person. */
  userStates: UserState[];
  decisions: Decision[];
  reportSources: ReportSource[];
  /** The posture's default "silent after" days and the choices offered. */
  silentDays: number;
  silentDayChoices: number[];
  /** Access reviews. */
  certDecision: (d: CertDecision | null) => string;
  certFlag: (f: CertFlag) => string;
  grantKind: (k: GrantKind) => string;
  remedyState: (s: RemedyState) => string;
  reviewerMode: (m: ReviewerMode) => string;
  deviceScope: (d: DeviceScope) => string;
  suspensionState: (s: SuspensionState) => string;
  campaignStage: (s: Stage) => string;
  certDecisions: CertDecision[];
  certFlags: CertFlag[];
  reviewerModes: ReviewerMode[];
  deviceScopes: DeviceScope[];
}

/** The labels of `v` (before it has loaded, values show as their text). */
export function labelsOf(v: Vocabulary | null): Labels {
  return {
    userState: (s) => lookup(v?.user_states, s),
    osFamily: (f) => lookup(v?.os_families, f),
    mfaStatus: (s) => lookup(v?.mfa_statuses, s),
    decision: (d) => (d === null ? (v?.undecided ?? "undecided") : lookup(v?.decisions, d)),
    agendaKind: (k) => lookup(v?.agenda_kinds, k),
    recordKind: (k) => lookup(v?.record_kinds, k),
    edgeKind: (k) => lookup(v?.edge_kinds, k),
    reportSource: (s) => lookup(v?.report_sources, s),
    phase: (p) => lookup(v?.phases, p),
    userCheck: (c) => lookup(v?.user_checks, c),
    deviceCheck: (c) => lookup(v?.device_checks, c),
    auditStatus: (s) => lookup(v?.audit_statuses, s),
    changeKind: (k) => lookup(v?.change_kinds, k),
    auditStatuses: v?.audit_statuses.map((l) => l.value) ?? [],
    deviceOsChips: v?.device_os_chips ?? [],
    userChips: v?.user_chips ?? [],
    deviceChips: v?.device_chips ?? [],
    // The numbers are not read before the vocabulary has loaded: the workspace waits for it.
    eventDays: v?.event_days ?? 0,
    trendSyncs: v?.trend_syncs ?? 0,
    osFamilies: v?.os_families.map((l) => l.value) ?? [],
    userStates: v?.user_states.map((l) => l.value) ?? [],
    decisions: v?.decisions.map((l) => l.value) ?? [],
    reportSources: v?.report_sources.map((l) => l.value) ?? [],
    silentDays: v?.silent_days ?? 0,
    silentDayChoices: v?.silent_day_choices ?? [],
    certDecision: (d) =>
      d === null ? (v?.undecided ?? "undecided") : lookup(v?.cert_decisions, d),
    certFlag: (f) => lookup(v?.cert_flags, f),
    grantKind: (k) => lookup(v?.grant_kinds, k),
    remedyState: (s) => lookup(v?.remedy_states, s),
    reviewerMode: (m) => lookup(v?.reviewer_modes, m),
    deviceScope: (d) => lookup(v?.device_scopes, d),
    suspensionState: (s) => lookup(v?.suspension_states, s),
    campaignStage: (s) => lookup(v?.campaign_stages, s),
    certDecisions: v?.cert_decisions.map((l) => l.value) ?? [],
    certFlags: v?.cert_flags.map((l) => l.value) ?? [],
    reviewerModes: v?.reviewer_modes.map((l) => l.value) ?? [],
    deviceScopes: v?.device_scopes.map((l) => l.value) ?? [],
  };
}

export function useLabels(): Labels {
  return labelsOf(useContext(VocabularyContext));
}
