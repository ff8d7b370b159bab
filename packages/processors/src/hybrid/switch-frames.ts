/**
 * Frames of the service switcher: a request to switch (`service.switch`) and the report of a switch
 * (`service.switched`). Both are system frames, so they never wait behind audio.
 *
 * @packageDocumentation
 */
import { defineFrame, type FrameOf } from '@voxframe/core';

/** Asks a {@link ServiceSwitcher} to make the branch named `target` the active one. */
export const ServiceSwitchFrame = defineFrame<'service.switch', 'system', { readonly target: string; readonly reason?: string }>(
  'service.switch',
  'system',
);

/** Says that a switcher changed its active branch (manually or by failover). */
export const ServiceSwitchedFrame = defineFrame<
  'service.switched',
  'system',
  {
    /** Branch that was active. */
    readonly from: string;
    /** Branch now active. */
    readonly to: string;
    /** `manual` (a frame or `switchTo()`), or why the previous branch failed. */
    readonly reason: string;
    /** `true` when the switch was a failover. */
    readonly failover: boolean;
    /** User audio replayed into the new branch, in ms. */
    readonly replayedMs: number;
  }
>('service.switched', 'system');

declare module '@voxframe/core' {
  interface CustomFrames {
    'service.switch': FrameOf<typeof ServiceSwitchFrame>;
    'service.switched': FrameOf<typeof ServiceSwitchedFrame>;
  }
}
