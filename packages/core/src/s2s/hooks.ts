/**
 * Hooks: application callbacks on the moments that matter in a conversation. Whoever drives a session (the S2S
 * processor, or your own code through {@link invokeHook}) calls them.
 *
 * @packageDocumentation
 */
import { HookError, type VoxframeError } from '../errors';
import type { S2STurnStatus } from './types';

/** A finished turn. */
export interface TurnInfo {
  /** Whose turn ended. */
  readonly role: 'user' | 'assistant';
  /** What was said, as far as transcripts tell (for the assistant: only what was heard, when truncated). */
  readonly text: string;
  /** How it ended. */
  readonly status: S2STurnStatus;
  readonly responseId?: string;
}

/** A barge-in. */
export interface InterruptInfo {
  /** Milliseconds of the assistant's utterance the user heard before the interruption. */
  readonly playedMs?: number;
  readonly utteranceId?: string;
  /** What triggered it. */
  readonly reason: string;
}

/** A tool call made by the model. */
export interface ToolCallInfo {
  readonly callId: string;
  readonly name: string;
  readonly arguments: string;
}

/** Application callbacks. Each may be async; the driver awaits none of them on the audio path. */
export interface Hooks {
  /** A user or assistant turn ended. */
  onTurn?(turn: TurnInfo): void | Promise<void>;
  /** The user interrupted the assistant. */
  onInterrupt?(info: InterruptInfo): void | Promise<void>;
  /** The model called a tool (before the handler runs). */
  onToolCall?(call: ToolCallInfo): void | Promise<void>;
  /** An error happened (recoverable or not). */
  onError?(error: VoxframeError): void | Promise<void>;
}

/** The names of the hooks. */
export type HookName = keyof Hooks;

const HOOK_NAMES: readonly HookName[] = ['onTurn', 'onInterrupt', 'onToolCall', 'onError'];

/**
 * Composes hooks: each composed hook calls the given ones in order, awaiting each before the next. A hook that
 * throws does not stop the others; after all ran, the first failure is thrown as a {@link HookError}.
 */
export function composeHooks(...hooks: readonly (Hooks | undefined)[]): Required<Hooks> {
  const present = hooks.filter((h): h is Hooks => h !== undefined);
  const composed = {} as Record<HookName, (arg: never) => Promise<void>>;
  for (const name of HOOK_NAMES) {
    composed[name] = async (arg: never) => {
      let failure: HookError | undefined;
      for (const hook of present) {
        const fn = hook[name] as ((value: never) => void | Promise<void>) | undefined;
        if (fn === undefined) continue;
        try {
          await fn.call(hook, arg);
        } catch (error) {
          failure ??= error instanceof HookError ? error : new HookError(name, error);
        }
      }
      if (failure) throw failure;
    };
  }
  return composed as unknown as Required<Hooks>;
}

/**
 * Calls one hook without letting it disturb the caller: a throw or rejection is passed to `onFailure` (the S2S
 * processor turns it into an error frame). Returns the hook's promise, settled, for callers that want to wait.
 */
export function invokeHook<N extends HookName>(
  hooks: Hooks | undefined,
  name: N,
  arg: Parameters<NonNullable<Hooks[N]>>[0],
  onFailure: (error: HookError) => void,
): Promise<void> {
  const fn = hooks?.[name] as ((value: typeof arg) => void | Promise<void>) | undefined;
  if (fn === undefined) return Promise.resolve();
  try {
    return Promise.resolve(fn.call(hooks, arg)).then(undefined, (error: unknown) => {
      onFailure(error instanceof HookError ? error : new HookError(name, error));
    });
  } catch (error) {
    onFailure(error instanceof HookError ? error : new HookError(name, error));
    return Promise.resolve();
  }
}
