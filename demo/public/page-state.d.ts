// Types of page-state.js (plain JavaScript served to the browser as is), for the tests that import it.
export interface PageStatus {
  readonly connected: boolean;
  readonly userSpeaking: boolean;
  readonly botSpeaking: boolean;
}
export interface StatusView {
  readonly state: 'idle' | 'user' | 'bot' | 'listening';
  readonly text: string;
}
export function initialStatus(): PageStatus;
export function nextStatus(status: PageStatus, event: string): PageStatus;
export function statusView(status: PageStatus): StatusView;
export function describeFlush(manualInterruptPending: boolean): string;
export function transcriptNote(agent: { readonly provider?: string } | undefined): string | undefined;
export function micErrorAdvice(error: { readonly name?: string } | undefined): string | undefined;
export function latencyCells(turn: number, data: { readonly totalMs: number; readonly vadMs: number; readonly responseMs: number }): string[];
export function microphoneOptions(devices: readonly { readonly kind: string; readonly deviceId: string; readonly label: string }[]): { deviceId: string; label: string }[];
export function audioConstraints(deviceId: string): { deviceId?: { exact: string } };
